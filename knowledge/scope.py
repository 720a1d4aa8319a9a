"""What a question asks about, and whether the passage to be cited says it — else it answers another question.

A confidently wrong answer quotes a passage *near* the question: the right topic but another place, year, object
or event. These tests read the question's structure, never a table of items: the place it names, its year, the
object of a yes-no question (its last noun) and the event of a when-question (the words after 哪年 / 什么时候);
what a how-many question counts is read by knowledge.asked_figures.
"""
from __future__ import annotations

import re

from .lexical import NOUN_FLAGS, PLAN_PERIOD_RE, _jieba, _tagger, stopwords, words
from .query import MIN_EVIDENCE_GLOSS, Query
from .asked_figures import MEASURE_NOUNS
from .question_types import OTHER, WHEN, WHEN_RE, WHICH, YESNO, YESNO_RE, question_type

LONG_QUESTION_CHARS = 40
# The most a part named between two asks of a breakdown takes (「，初中」, 「、幼儿园要新建」).
PART_CHARS = 8
NOT_THING_TAGS = frozenset("vmqrcdpuxeyt")  # t: a time (今年) is never the thing asked of
# Who is to do it (今年政府弄多少张), never the thing a figure is asked of.
AGENT_NOUNS = frozenset("政府 区政府 区里 市里 上面 官方 领导 部门".split())
# 「各多少」「分别是多少」: a figure for each of several listed things is asked.
BREAKDOWN_RE = re.compile(r"各(?:有|是|要|建|增加|新增)?(?:多少|几)|分别(?:是|有|为)?(?:多少|几)")
# 单独 / 光是 before an ask: the figure of one part alone, which a total does not give.
PART_ALONE_RE = re.compile(r"(?:单独|单单|单是|光是)(?=[^。？?！!]*(?:多少|几))")
# 「新增学位里面幼儿园有多少」: the part named after 里面 / 当中 of a total.
PART_WITHIN_RE = re.compile(r"(?:里面|里头|当中|之中|其中)([^。？?！!]*?)(?:有|是|要|占)?(?:多少|几)")
ASKING_CLAUSES = 2
# Modal verbs that start a yes-no question's verb (能通车吗, 会建吗, 要修吗).
MODAL_CHARS = frozenset("能会要将可")
# Words of an asked object's noun run; jieba tags some modifiers as names or set phrases (康复 nr, 特殊教育 l).
OBJECT_FLAGS = NOUN_FLAGS | {"vn", "b", "l", "nr"}
# 去年 / 明年 are the document's year -1 / +1: asked like an explicit year (2024年), a paragraph must state it.
RELATIVE_YEARS = {"前年": -2, "去年": -1, "明年": 1, "后年": 2, "last year": -1, "next year": 1}
RELATIVE_YEAR_RE = re.compile("|".join(rf"\b{w}\b" if w.isascii() else w for w in RELATIVE_YEARS))
# A clause that asks (去年完成情况如何), not one of the resident's story (孩子明年上小学, I moved here last year).
ASKS_RE = re.compile(r"多少|几|吗|嘛|呢|如何|怎样|怎么|什么|啥|哪|是否|有没有|会不会|能不能|情况|"
                     r"\b(?:how|what|which|when|will|did|does|do|is|are|was|were)\b")
STORY_RE = re.compile(r"我|\b(?:i|my|we|our|me)\b")
COMPARED_WITH_RE = re.compile(r"(?:比|较|同比|相比|跟|和|与)(?:上一年|去年|上年)|\b(?:than|compared (?:with|to)|over) last year\b")
# A whole larger area asked (苏州全市, 全省): only a paragraph stating that scope answers for it.
WHOLE_SCOPE_RE = re.compile(r"全(?:市|省|国|球|世界)")
# 有什么补贴 / 什么样的学校: the noun after 什么 is what the question asks about.
# 「X是什么意思」 asks what X is, not about 意思: a 什么 after 是 names no object.
WHAT_RE = re.compile(r"(?<!是)(?:什么|啥)(?!时)")
# Measured: a how-many question's story ("we're moving here with two kids") names terms its figure need not say.
ENGLISH_CHECKED = (YESNO, WHICH, WHEN, OTHER)
# Nouns that ask what is being done at all (有没有办法, 有没有前途): a general question, with no object to find.
GENERAL_NOUNS = frozenset("办法 措施 计划 打算 安排 政策 动作 前途 前景 好处 变化 进展 情况 方面 东西 干嘛 举措 规划 重点 名字 名称 称号 称呼 名号 名头 号码 名堂 意思 含义 名单 清单 范围".split())


def asking_part(text: str) -> str:
    """What a long message asks: its last clauses. Residents tell their story first (我们在上海上班, 房租太贵…),
    and a place or price in the story is not what they ask about."""
    if len(text) <= LONG_QUESTION_CHARS:
        return text
    clauses = [c for c in re.split(r"[，,。！!？?；;]|(?<=[a-z])\. ", text) if c.strip()]
    return "，".join(clauses[-ASKING_CLAUSES:])


# The kind of thing a which-question asks for: the word after 哪些 / 哪几个.
WHICH_NOUN_RE = re.compile(r"(?:哪些|哪几[个家所条位座处项]?|哪[\d两三四五六七八九十]+[个家所条位座处项])([\u4e00-\u9fff]{1,6})")
# A clause naming this share of what the best one names of the question is about the same item (…社保扩面…,
# 精准扩面灵活就业人员…,新增参保人员8000人): it may hold the item's figure or names.
RELATED_CLAUSE_SHARE = 0.5
# A when-question asking when something is finished (啥时候好用, 什么时候建好, 何时通车), and the words of a stretch that
# says it will be: one that only speeds it up or starts it (加快尹山湖医院二期建设) gives no date for that. An event the
# question names itself (通车) is looked for as it is: 完成…拆迁清障 does not open a railway.
COMPLETION_ASK_RE = re.compile(r"[能可会才]?(?:以)?(?:好|弄好|建好|修好|造好|搞好|好用|能用|用上|完工|建成|竣工|投用|投入使用|"
                               r"通车|开通|落成|交付|完成|结束|贯通|坐上?|乘坐|搭乘|住上|住进|成功|批下来|获批|批准)")  # 幾時可以坐, 去筹成功
# A completion asked at the end of a when-question (长桥改造什么时候完工, 去筹啥时候批下来): not half its characters
# (工程 is no 完工), the stretch must say it is finished.
OPENING_WORDS = ("通车", "开通", "贯通")
COMPLETION_END_RE = re.compile(COMPLETION_ASK_RE.pattern + r"[了吗呢啊呀的?？!！。\s]*$")
COMPLETION_WORDS = ("建成", "完成", "完工", "竣工", "投用", "投运", "投入使用", "通车", "开通", "贯通", "落成", "交付", "启用",
                    "运营", "开业")
# The same asked in English (when will it be finished / open to traffic / in use).
EN_COMPLETION_RE = re.compile(r"\b(?:finish(?:ed)?|complet(?:e|ed|ion)|done|ready|built|open(?:ed)? to traffic|"
                              r"in (?:use|service|operation))\b")
# What a when-question asks of any item (什么时候通车, 啥时候开工): an event, not an item of its own.
EVENT_WORDS = frozenset((*COMPLETION_WORDS, "开工", "动工", "开建", "启动"))
# The event a when-question asks about (完工, 开工) that the item's stretch never states: the answer is no date at all.
NO_TIME = "no_time:"


def out_of_scope_word(kb, query: Query, passage) -> str | None:
    """What the question asks that the passage to be cited lacks — then it answers another question:
    a place the report never names (东山镇, 香港: a district figure is not that town's), a year that is neither the
    document's nor the paragraph's (2026年), the object of a yes-no question (加装电梯) or the event of a
    when-question (哪年通车 answered by 拆迁清障) missing from the quoted sentence."""
    from .answers import choose_sentence  # here: answers is imported by the modules this one serves

    paragraph, report = kb.paragraph_text(passage), kb.analyzer.report
    asking = asking_part(query.text)
    relative = relative_year_outside(kb, asking, passage, paragraph)
    if relative:
        return relative
    if query.language == "en":
        return english_missing_term(kb, query, passage) or english_event_missing(kb, query, passage)
    parts = breakdown_asked(asking)
    if parts:
        sentence = choose_sentence(passage, query, kb.retriever.lexical.weight).text
        missing = next((part for part in parts if not covers(part, sentence)), None)
        if missing:
            return missing  # 学位里小学多少个、初中多少个: the report gives the total, not each part
    for clause in _clauses(asking):
        if "我" in clause and not ASKS_RE.search(clause):
            continue  # 我住木渎，…: the resident's story, not the question's scope (修到我们甪直吗 asks of 甪直)
        for word, flag in _tagged(clause):
            # 成镇 is a pinyin keyboard's 城镇, not a town the report never names
            if flag == "ns" and len(word) >= 2 and word not in stopwords() and word not in report \
                    and not typo_in(word, kb.analyzer.typo_fixes(clause)) and not kb.analyzer.explains(word):
                return word  # (巴士, tagged a place, is the report's 公交: no place)
    for whole in WHOLE_SCOPE_RE.findall(asking):
        if whole not in paragraph:
            return whole  # 全市新增多少学位: the district's figure is not the whole city's
    years = {str(d.get("year")) for d in kb.manifest.get("documents", [])}
    for year in re.findall(r"(?<!\d)((?:19|20)\d\d)(?=年)", asking):
        if year not in years and year not in paragraph:
            return f"{year}年"
    for period in PLAN_PERIOD_RE.findall(asking):
        if period not in paragraph:  # 十五五期间: this year's targets do not answer for the next plan
            return period
    kind = question_type(query.text)
    what = [c for c in _clauses(asking) if WHAT_RE.search(c)] if kind not in (YESNO, WHEN) else []
    if kind not in (YESNO, WHEN) and not what:
        return None
    sentence = choose_sentence(passage, query, kb.retriever.lexical.weight).text
    # A report word the question's words stand for is in the sentence: the thing asked of is said (a when-question's
    # event still must be: 地铁几时可以坐 is not answered by 强化公交轨交两网深度融合)
    expanded = any(e in sentence for e in query.expansions)
    if expanded and kind != WHEN:
        return None
    asks = [c for c in _clauses(asking) if YESNO_RE.search(c)] if not expanded else []  # 地铁会不会通到甪直 哪年通
    asked = asked_object(asks[-1]) if asks else (named_after_what(what[-1]) if what and not expanded else None)
    if asked and not asks and names_kind_instances(kb, query, asked, sentence):
        asked = None  # 污水厂有啥项目: 「开工扩建科福污水厂二期,完成金庭污水厂扩建」 names the projects, not the word
    if asks and not asked:
        # 有没有新开巴士线: jieba tags 巴士 a place, the thesaurus knows it as 公交 — a synonym, not a paraphrase: the
        # sentence must say it or a report word it stands for (none of those was in it), not half its characters
        synonym = next((w for w, f in _tagged(asks[-1]) if f == "ns" and kb.analyzer.explains(w)), None)
        if synonym and synonym not in sentence:
            return synonym
    groups = [[asked]] if asked else []
    ask = WHEN_RE.search(asking) if kind == WHEN else None
    event = None
    if ask:
        idf = kb.retriever.lexical.idf
        # The thing a when-question asks of (地铁8号线什么时候延伸过来): it, or a report word it maps to, is quoted.
        things = [w for w in _things(asking[:ask.start()]) if w not in GENERAL_NOUNS and w not in stopwords()]
        if things and not expanded:
            groups.append(things + query.expansions)
        after = asking[ask.end():]
        groups.append([w for w in words(after) if len(w) >= 2 and idf(w) > 0 and w not in MEASURE_NOUNS])
        finished = COMPLETION_END_RE.search(after)
        if finished:  # 什么时候完工, 去筹成功, 啥时候好用: a stretch saying it is finished (in so many words)
            groups[-1] = [w for w in groups[-1] if w not in finished.group()]
            asked = [w for w in COMPLETION_WORDS if w in finished.group()]
            # 什么时候通车 is not answered by 完成…拆迁清障: opening to traffic is said as such
            family = OPENING_WORDS if set(asked) & set(OPENING_WORDS) else COMPLETION_WORDS
            event = [*asked, *(w for w in family if w not in asked)]
            groups = [*groups[:-1], *([groups[-1]] if groups[-1] else []), event]
        elif not groups[-1] and COMPLETION_ASK_RE.match(after):  # 通车 asked is itself said or not
            event = groups[-1] = list(COMPLETION_WORDS)
    # The event of a when-question is looked for in the item's own stretch: 「研究吴中大道快速化改造方案」 does not
    # say 开工 because another clause of its sentence says 完善 or 启动 (the object of a yes-no question may be
    # named across clauses: the whole sentence).
    stretch = "，".join(item_stretches(sentence, query, kb.retriever.lexical.weight)) if ask else sentence
    for number, wanted in enumerate(groups):
        said = stretch if ask and number == len(groups) - 1 else sentence
        if not wanted or any(w in said for w in wanted):
            continue
        rest = said  # the stretch once the question's other words are taken out: 通苏嘉甬 must not cover 通车
        for word in sorted(query.content_words(), key=len, reverse=True):
            rest = rest if any(word in w for w in wanted) else rest.replace(word, "□")
        # completion is said in so many words: 建设 is half of 建成 but finishes nothing
        if wanted is event or not any(all(covers(part, rest) for part in _parts(w)) for w in wanted):
            return f"{NO_TIME}{wanted[0]}" if ask and number == len(groups) - 1 else wanted[0]
    return None


def asked_kind(text: str, shortest: int = 2) -> str | None:
    """The kind of thing a which-question asks for: the word after 哪些 / 哪几个 (哪些小区 → 小区)."""
    asked = WHICH_NOUN_RE.search(text)
    kind = words(asked.group(1))[:1] if asked else []
    return kind[0] if kind and len(kind[0]) >= shortest else None


def asks_what_is_set(text: str) -> bool:
    """Whether a which-question asks what is done or set (有哪些举措, 主要目标有哪些) rather than named instances: its
    kind, after 哪些 or before it when it ends the question, is a general or measure noun."""
    kind = asked_kind(text)
    if kind is None:
        before = re.search(r"([\u4e00-\u9fff]+?)(?:有|是|包括|包含)?哪些", text)
        found = [w for w in _jieba().lcut(before.group(1)) if len(w) >= 2] if before else []  # (目标 is a stopword)
        kind = found[-1] if found else None
    return kind in GENERAL_NOUNS | MEASURE_NOUNS


def item_stretches(sentence: str, query: Query, weight) -> list[str]:
    """The stretches of a sentence between commas (a 、-list stays whole) that name the asked item: at least
    RELATED_CLAUSE_SHARE of what the best one names of the question (the whole sentence when none names any)."""
    stretches = [s for s in re.split(r"[,，;；。]", sentence) if s.strip()]
    # 人 is not said by 人次; the report word a question's word stands for (地铁 → 轨交) names the item too
    wanted = {w: weight(w) for w in [*query.content_words(), *query.expansions] if len(w) >= 2}
    kind = asked_kind(query.text, shortest=1)  # 哪些人: even one character (灵活就业人员 are 人)
    if kind:
        wanted[kind] = weight(kind)
    scores = [sum(v for w, v in wanted.items() if w in s) for s in stretches]
    best = max(scores, default=0.0)
    return [s for s, score in zip(stretches, scores) if score >= best * RELATED_CLAUSE_SHARE] if best > 0 else [sentence]


def _parts(word: str) -> list[str]:
    """The smallest words of a noun run asked (特殊教育学校 → 特殊, 教育, 学校): each must be said, not just the head
    (教育资源 says half of 特殊教育 but nothing of 特殊); one word (文物保护) keeps the half-character tolerance."""
    if len(words(word)) <= 1:
        return [word]
    found = {p for p in _jieba().lcut_for_search(word) if len(p) >= 2}
    return [p for p in found if not any(q != p and q in p for q in found)] or [word]


def relative_year_outside(kb, asking: str, passage, paragraph: str) -> str | None:
    """A relative year a clause asks about (去年完成情况如何, last year) that the paragraph neither states as a year
    nor in the same words: the document's year ±1 answers another question."""
    from .answers import document_year  # here: answers is imported by the modules this one serves

    year = document_year(passage, kb.manifest.get("documents"))
    for clause in re.split(r"[，,。！!？?；;]|(?<=[a-z])\. |(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", asking.lower()):
        if not ASKS_RE.search(clause) or STORY_RE.search(clause):
            continue
        # 比去年多几成 / than last year: a comparison with the year before is what a growth rate states
        clause = COMPARED_WITH_RE.sub("", clause)
        for word in RELATIVE_YEAR_RE.findall(clause):
            asked = year + RELATIVE_YEARS[word] if year else None
            if word not in paragraph and not (asked and str(asked) in paragraph):
                return f"{asked}年" if asked else word
    return None


def breakdown_asked(text: str) -> list[str]:
    """The parts a question asks a figure for each of: 「幼儿园、小学、初中各多少个」, 「小学多少个初中多少个」
    (the nouns listed before 各 / 分别, or the noun before each of two asks or more), or the things it asks a figure of
    on their own (「幼儿园的学位单独多少个」: every one of them must be in the quote)."""
    alone = PART_ALONE_RE.search(text)
    if alone:  # 「那幼儿园的学位单独新增多少个」: the part (幼儿园) of a total the report gives (学位)
        return [w for w in _things(text[:alone.start()]) if w not in stopwords()]
    within = PART_WITHIN_RE.search(text)
    if within and _things(within.group(1)):  # 「新增学位里面幼儿园有多少」: the part, not the total, is asked
        parts = [w for w in _things(within.group(1)) if w not in stopwords()]
        # (「学位里面小学多少个初中多少个」: every part asked after it too)
        return parts + [w for w in _parts_asked_each(text) if w not in parts]
    each = BREAKDOWN_RE.search(text)
    if each:
        listed = re.split(r"[、和跟与及,，]", text[:each.start()])
        nouns = [_last_noun(part) for part in listed if part.strip()]
        return [n for n in nouns if n] if len(nouns) >= 2 else []
    return _parts_asked_each(text)


def _parts_asked_each(text: str) -> list[str]:
    """「小学多少个、初中多少个」: the noun before each of two asks or more."""
    asks = list(re.finditer(r"多少|(?<![十哪那这好])几[个所家条]", text))  # 好几个景点 tells, not asks
    # 「小学多少个、初中多少个」 lists parts; 「…床位弄多少张，还有老房子装扶手的那个改造弄多少户」 asks a second thing.
    if len(asks) < 2 or any(ask.start() - previous.end() > PART_CHARS for previous, ask in zip(asks, asks[1:])):
        return []
    nouns = [_last_noun(text[previous.end() if previous else 0:ask.start()])
             for previous, ask in zip([None, *asks[:-1]], asks)]
    return [n for n in nouns if n] if len(nouns) >= 2 and all(nouns) else []


def _things(text: str) -> list[str]:
    """The words of `text` that name things: no verb, number or function word (jieba tags 初中 as a locality and 幼儿园
    as a person's name, so noun tags alone miss them), nor a word saying which kind of figure is asked."""
    return [w for w, f in _tagged(text) if len(w) >= 2 and f[:1] not in NOT_THING_TAGS
            and w not in MEASURE_NOUNS | AGENT_NOUNS]


def _last_noun(text: str) -> str | None:
    """The thing a list item names: its last word that names a thing."""
    found = _things(text)
    return found[-1] if found else None


def covers(word: str, text: str) -> bool:
    """Whether `text` says at least half of `word` (完工 ~ 完成, 比赛 ~ 大赛, 电动车 ~ 电动自行车): residents
    paraphrase the report's words, but a sentence sharing none of them is about something else."""
    return sum(char in text for char in word) * 2 >= len(word)


def typo_in(word: str, fixes: list[str]) -> bool:
    """Whether a homophone fix of the question (新增城镇就业 for 新增成镇就业) rewrites `word`."""
    return any(re.search(re.escape(word[:j]) + "." + re.escape(word[j + 1:]), fix) for fix in fixes
               for j in range(len(word)))


def asking_clauses(text: str) -> str:
    """The clauses of a message that ask (「你们政府天天吹牛，报告说今年GDP涨多少」 → its second), or all of it when
    none or every one does: a clause that only vents or tells a story names no topic of the question."""
    clauses = _clauses(text)
    asking = [c for c in clauses if ASKS_RE.search(c)]
    return "，".join(asking) if asking and len(asking) < len(clauses) else text


def _clauses(text: str) -> list[str]:
    """Clauses of a question; residents often separate them with a space (小微企业贷款难 有没有办法)."""
    return [c for c in re.split(r"[，,。！!？?；;\s]", text) if c.strip()]


def _tagged(text: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in _tagger().lcut(text.lower())]


def asked_object(text: str) -> str | None:
    """What a yes-no question asks about: its last noun with the nouns right before it (新建特殊教育学校 → 特殊教育学校;
    Chinese puts the object last); when that noun asks what is done at all (康复政策, 有没有办法), the nouns modifying it,
    else None."""
    stop, run, runs = stopwords(), [], []
    tagged = _tagged(text)
    # 能通 (能 + 通, taken for a noun): with no noun asked of, the verb after the modal is (胜浦大桥今年能通吗)
    verbs = [w[1:] for w, _ in tagged if _modal_guess(w)]
    for w, f in [*((w, f) for w, f in tagged if not _modal_guess(w)), ("。", "x")]:
        if len(w) >= 2 and f in OBJECT_FLAGS and f != "ns" and (w not in stop or w in GENERAL_NOUNS) \
                and w not in MEASURE_NOUNS:
            run.append((w, f))
            continue
        while run and not (run[-1][1] in NOUN_FLAGS or run[-1][1] == "vn"):
            run.pop()  # a run ends in its head noun (jieba tags 康复 nr, 特殊教育 l: modifiers only)
        runs, run = ([*runs, [w for w, _ in run]] if run else runs), []
    if not runs:
        return verbs[-1] if verbs else None
    last = runs[-1][:-1] if runs[-1][-1] in GENERAL_NOUNS else runs[-1]
    return "".join(last) or None


def _modal_guess(word: str) -> bool:
    """A word jieba's dictionary lacks that starts with a modal verb (能通, 会建): its guess of a noun is 能 + a verb."""
    return word[0] in MODAL_CHARS and not _jieba().FREQ.get(word)


def names_kind_instances(kb, query: Query, kind: str, sentence: str) -> bool:
    """Whether a sentence answers 有啥<kind> by naming instances of it: the kind is one the report sums up lists by
    (「…等3个项目」, 「…等引流活动」), the sentence names instances and says the question's other telling word."""
    from .instances import names_instances  # here: instances imports this module

    if not re.search(f"等[^,，。;；:：]{{0,8}}{re.escape(kind)}", kb.analyzer.report) or not names_instances(sentence):
        return False
    return any(w in sentence for w in query.content_words() if len(w) >= 2 and w != kind and kind not in w)


def named_after_what(text: str) -> str | None:
    """What a what-question asks about: the first noun after 什么 (有什么补贴 → 补贴); None when that noun asks what
    is done at all (有什么措施) or which kind of figure (什么目标)."""
    ask = WHAT_RE.search(text)
    if not ask:
        return None
    found = [w for w, f in _tagged(text[ask.end():]) if len(w) >= 2 and f in NOUN_FLAGS and f != "ns"
             and w not in stopwords()]
    return found[0] if found and found[0] not in GENERAL_NOUNS | MEASURE_NOUNS else None


def english_event_missing(kb, query: Query, passage) -> str | None:
    """"When will phase two be finished?": the item's stretch of the quoted sentence must say it is finished
    (「加快尹山湖医院二期建设」 only speeds the building up) — else no date is given (no_time:建成)."""
    from .answers import choose_sentence  # here: answers is imported by the modules this one serves

    if question_type(query.text) != WHEN or not EN_COMPLETION_RE.search(query.text.lower()):
        return None
    weight = kb.retriever.lexical.weight
    stretch = "，".join(item_stretches(choose_sentence(passage, query, weight).text, query, weight))
    return None if any(w in stretch for w in COMPLETION_WORDS) else f"{NO_TIME}{COMPLETION_WORDS[0]}"


def english_missing_term(kb, query: Query, passage) -> str | None:
    """For an English question (not a how-many one): a phrase whose report terms (the glossary, CC-CEDICT) the quoted
    sentence says none of — "a school for expat kids" is not answered by a sentence about school places alone."""
    from .answers import choose_sentence  # here: answers is imported by the modules this one serves

    if question_type(query.text) not in ENGLISH_CHECKED:
        return None
    sentence = choose_sentence(passage, query, kb.retriever.lexical.weight).text.lower()  # GDP is said as gdp
    for group in english_term_groups(kb.analyzer, query):
        if not any(covers(term, sentence) for term in group):
            return group[0]
    return None


def english_term_groups(analyzer, query: Query, min_words: int = MIN_EVIDENCE_GLOSS) -> list[tuple[str, ...]]:
    """The report terms an English question's phrases map to (table and CC-CEDICT), one group of alternatives per
    phrase (health → 健康 or 医疗; GDP → 地区生产总值 or GDP itself, which the report also writes); a phrase inside a
    longer matched one ("investment" in "investment promotion" → 招商) is not read again. CC-CEDICT phrases count
    from `min_words` words (one-word glosses are weak evidence)."""
    lowered, found = query.text.lower(), []
    report = analyzer.report.lower()
    for phrase, targets in analyzer.synonyms.entries:
        hit = re.search(rf"(?<![a-z]){re.escape(phrase)}(?:e?s)?(?![a-z])", lowered) if phrase.isascii() else None
        if hit:
            written = (phrase,) if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", report) else ()
            found.append((hit.start(), hit.end(), tuple(t for t in targets if t in query.expansions) + written))
    found += [(start, end, tuple(t for t in group if t in query.expansions))
              for start, end, group in analyzer.glossary.groups(query.text, stopwords(), min_words)]
    spans, groups = [], []
    for start, end, group in sorted(found, key=lambda f: f[0] - f[1]):  # longest phrase first
        if not any(s <= start and end <= e for s, e in spans):
            spans.append((start, end))
            groups.append(group)
    return [g for g in groups if g]
