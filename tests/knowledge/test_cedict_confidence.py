"""English through CC-CEDICT over the report's own vocabulary, and the calibrated confidence test."""
from knowledge.cedict import Glossary, dictionary, stem
from knowledge.confidence import MIN_COVERAGE, MIN_MARGIN, Features, confident
from knowledge.lexical import stopwords


def test_cedict_ships_in_the_pinned_wheel():
    entries = dictionary()
    assert len(entries) > 100_000
    assert "place in school" in entries["学位"]


def test_stem_is_shared_by_glosses_and_questions():
    assert [stem(w) for w in ("parks", "facilities", "buses", "centres", "children", "bus")] == \
        ["park", "facility", "bus", "center", "child", "bus"]


def test_report_vocabulary_read_backwards(kb):
    glossary = kb.analyzer.glossary
    # word order and plural do not matter: CEDICT's "place in school" is the residents' "school places"
    assert glossary.expansions("How many new school places?", stopwords())[0] == "学位"
    assert "低空" in glossary.expansions("low-altitude flights", stopwords())
    # a verb's gloss serves its -ing noun: 停车 "to park" → "parking"
    assert "停车" in glossary.expansions("parking", stopwords())
    # only the report's words are reachable: 啤酒 is in the report, 葡萄酒 (wine) is not
    assert "葡萄酒" not in glossary.expansions("wine", stopwords())


def test_glossary_follows_the_given_vocabulary():
    glossary = Glossary({"学位", "停车"})
    assert glossary.expansions("school places and parking", stopwords()) == ["学位", "停车"]
    assert Glossary(set()).expansions("school places", stopwords()) == []


def test_a_noun_of_the_question_is_not_what_a_word_glosses_only_as_a_verb():
    glossary = Glossary({"停车", "公园", "签约"})
    assert glossary.expansions("Any new country parks?", stopwords()) == ["公园"]  # 停车 is only "to park"
    assert "停车" in glossary.expansions("Where can I park?", stopwords())
    assert "签约" in glossary.expansions("new signed projects", stopwords())  # a participle, not a noun


def test_english_question_expanded_by_cedict(kb):
    query = kb.analyzer.analyze("How many school places will be added?")
    assert "学位" in query.expansions


def test_confidence_needs_coverage_or_margin():
    assert confident(Features(coverage=1.0, margin=0.0, dense=0.5))
    assert confident(Features(coverage=0.0, margin=MIN_MARGIN + 0.5, dense=0.5))
    assert not confident(Features(coverage=MIN_COVERAGE / 2, margin=MIN_MARGIN / 2, dense=0.5))


def test_weak_neighbouring_passage_is_withheld(kb):
    # 研发投入占GDP: the GDP-growth passage ranked first shares only "GDP" (through 地区生产总值) — a wrong quote
    # before; the R&D passage, which names the item far better, answers instead.
    answer = kb.answer("研发投入占GDP多少")
    assert "4.12%" in answer.text and "地区生产总值" not in answer.text, answer.text
    # 换乘 is not the report's; the 公交轨交两网融合 passage it would quote is too weak a match to be sure of
    assert kb.answer("公交地铁换乘这块有啥改善").reason == "low_confidence"
    assert not kb.answer("今年新增多少学位").abstained


def test_a_long_gloss_is_found_by_its_head():
    # CC-CEDICT glosses 太湖 as "lake tai near wuxi city …": its head phrase "lake tai" reaches it
    assert Glossary({"太湖"}).expansions("What is planned for Lake Tai?", stopwords()) == ["太湖"]


def test_glossary_groups_one_phrase_per_group():
    """Each matched English phrase gives its place in the question and its own group of report words; one-word
    glosses can be left out."""
    glossary = Glossary({"学位", "停车位", "医院"})
    question = "more school places and a hospital"
    assert glossary.groups(question, frozenset()) == [(5, 18, ("学位",)), (25, 33, ("医院",))]
    assert [g for _, _, g in glossary.groups(question, frozenset(), 2)] == [("学位",)]


def test_snowball_stems_reach_a_gloss_the_plain_lemma_misses():
    # "incubators" is no CC-CEDICT gloss of 孵化 ("to incubate"), but both stem to "incub"
    glossary = Glossary({"孵化", "升级"})
    assert glossary.expansions("tech incubators", stopwords()) == ["孵化"]
    assert glossary.expansions("upgraded trails", stopwords()) == ["升级"]


def test_a_gloss_shared_by_many_words_keeps_those_the_report_uses_most():
    words = {"项目", "工程", "专案", "事业", "突出"}
    report = "项目" * 9 + "工程" * 5 + "事业" * 3 + "突出" * 2 + "专案"
    assert set(Glossary(words, report).expansions("project", stopwords())) == {"项目", "工程", "事业", "突出"}
    # the noun "projects" is not 突出, whose gloss is the verb "to project"
    assert set(Glossary(words, report).expansions("projects", stopwords())) == {"项目", "工程", "事业"}
    assert Glossary(words).expansions("projects", stopwords()) == []  # without the report: too vague, dropped


def test_a_verb_taken_from_a_longer_gloss_is_dropped_when_vague():
    # "to sign a contract" lends "sign" to 签约; "get" (to get a job, to get …) glosses too many words to mean one
    glossary = Glossary({"签约", "就业", "获得", "办好", "安置", "实干"}, "签约就业获得办好安置实干")
    assert glossary.expansions("sign", stopwords()) == ["签约"]
    assert "就业" not in glossary.expansions("get", stopwords())


def test_two_one_word_glosses_meeting_in_a_clause_are_evidence(kb):
    # neither "signed" (签约) nor "projects" (项目) is evidence alone; together in 「新签约亿元以上项目270个」 they are
    answer = kb.answer("How many new signed projects worth over 100 million yuan?")
    assert not answer.abstained and "270" in answer.text
    assert "新签约亿元以上项目270个" in answer.citation.quote


def test_the_reports_commonest_words_meeting_are_no_evidence(kb):
    from knowledge.abstention import paired_glosses

    query = kb.analyzer.analyze("What is the growth of industry?")
    paragraph = "坚持守正创新,大力提振消费,发展文旅产业,繁荣文化事业。"
    assert {"发展", "产业"} <= {w for g in query.gloss_groups for w in g}
    assert paired_glosses(query, paragraph, kb.retriever.lexical.idf) == []


def test_an_english_phrase_is_covered_by_any_of_its_alternatives(kb):
    """R&D maps to 研发 or 研究院, GDP to 地区生产总值 or GDP as the report also writes it: a paragraph saying 研发 and
    GDP covers the question, so the answer is not withheld for the alternatives it does not say."""
    from knowledge.confidence import features

    question = "What is the R&D spending target as a share of GDP?"
    query, _, hits, _ = kb._search(question, 5, None)
    cited = next(h for h in hits if "4.12%" in h.passage.text)
    assert features(kb, query, hits, kb.paragraph_text(cited.passage), 0.0).coverage >= MIN_COVERAGE
    assert "4.12%" in kb.answer(question).text


def test_the_glossary_does_not_depend_on_the_order_its_words_come_in(kb):
    # Several glosses share one Snowball stem (develop, development): their words are united, whatever the order
    # of the report's vocabulary (a set, whose order changes with the hash seed from process to process).
    words = sorted(kb.analyzer.glossary_words)
    forward, backward = Glossary(words, kb.analyzer.report), Glossary(words[::-1], kb.analyzer.report)
    assert forward.loose == backward.loose and forward.index == backward.index
    assert set(forward.lookup(("developed",))[0]) >= {"发展", "建设"}


def test_a_headword_made_of_report_words_lends_them_its_glosses(kb):
    from knowledge.cedict import compound_headwords

    compounds = compound_headwords({"上市", "公司", "孵化", "外国", "资本"})
    assert compounds["上市公司"] == ("上市", "公司")  # listed company
    assert "孵化器" not in compounds  # 器 is no report word: an incubator is not what 孵化 is
    assert Glossary({"上市", "公司"}).expansions("listed companies", stopwords()) == ["上市", "公司"]
    answer = kb.answer("How many new listed companies does Wuzhong expect this year?")
    assert not answer.abstained and "新增上市企业1家" in answer.citation.quote
    assert answer.text.startswith("1 business.")  # one, in the singular


def test_a_word_the_dictionary_lacks_is_glossed_by_its_parts():
    # 重点项目 and 郊野公园 are no CC-CEDICT headwords; their parts are (重点 key, 项目 project; 郊野 countryside, 公园 park)
    glossary = Glossary({"重点项目", "郊野公园", "项目"})
    assert glossary.expansions("How many key projects?", stopwords())[0] == "重点项目"
    assert "郊野公园" in glossary.expansions("new countryside parks", stopwords())
    # a word the dictionary has keeps its own glosses: 项目 is not composed
    assert glossary.expansions("How many projects?", stopwords()) == ["项目"]


def test_two_glosses_the_report_writes_side_by_side_make_its_compound(kb):
    """"industrial investment" → 工业投资 and "growth of industrial output" → 工业产值增长's 工业产值 are no dictionary
    entries: the report writes the two glosses side by side. 完善 + 区域 read off 「完善区域性…」 is no compound."""
    compounds = kb.analyzer.compounds
    assert "工业投资" in compounds.read("industrial investment growth goal", stopwords())
    assert "研发支出" in compounds.read("research and development spending as % of gdp", stopwords())
    assert "健康风险" in compounds.read("health risk checks", stopwords())  # the start of 健康风险评估
    assert "完善区域" not in compounds.read("wetland improvement area", stopwords())
    # ranking hints, not evidence of their own: "leading companies" is not 领军企业 for sure
    assert "工业投资" in kb.analyzer.analyze("industrial investment growth goal??").hints


def test_compounds_lead_english_questions_to_the_clause_they_name(kb):
    assert "10%" in kb.answer("industrial investment growth goal??").citation.clause
    assert "4.12%" in kb.answer("r&d spending as % of gdp target").citation.clause
    assert "120亿元" in kb.answer("village collective net assets target?").citation.clause
    assert "5100亩" in kb.answer("wetland improvement area?").citation.clause


def test_a_residents_word_inside_a_phrase_reads_as_the_dictionarys(kb):
    """"leading companies" glosses nothing, "leading enterprises" is CC-CEDICT's 龙头企业: inside a phrase a resident's
    word reads as the gloss's (data/english_equivalents.tsv); alone, "company" keeps its own glosses."""
    from knowledge.cedict import equivalents

    assert equivalents()[stem("companies")] == stem("enterprise")
    assert "龙头企业" in kb.analyzer.glossary.expansions("which leading companies", stopwords())
    answer = kb.answer("Which leading companies are named for the industry-chain coordination pilots?")
    assert "汇川" in answer.citation.clause


def test_british_spellings_read_as_the_dictionarys(kb):
    """CC-CEDICT writes -ize: specialised → specialized where only that form is in its glosses (enterprise, advised
    are words of their own)."""
    from knowledge.cedict import american_spelling

    assert american_spelling("specialised smes, modernisation") == "specialized smes, modernization"
    assert american_spelling("enterprise, advised") == "enterprise, advised"
    answer = kb.answer("How many provincial-level or above 'specialised and sophisticated' SMEs is the target?")
    assert "400家" in answer.citation.clause and answer.text.startswith("Over 400"), answer.text
    assert "电动自行车充电设施" in kb.answer("What does the report say about e-bike charging?").text
