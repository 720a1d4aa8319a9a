"""A how-many question is answered only by a clause that names the asked item WITH a figure: quoting another item's
figure is a confidently wrong answer. Which clause is about the item, what counts as its figure (a value before a
growth rate, a share only when a share is asked, the unit asked), and which of the best passages states it."""
from __future__ import annotations

import re
from functools import lru_cache

from .clauses import split_clauses
from .lexical import NAME_FLAGS, TELLING_IDF, _tagger, nouns
from .passages import split_sentences
from .query import Query, indefinite_count
from .asked_figures import (AMOUNT_WORD_RE, BARE_PERCENT, COUNT_WORD_RE, FIGURE_ASK_RE, RATE_ASK, _names, counted_item,
                            value_figures)
from .scope import RELATED_CLAUSE_SHARE, asking_clauses

FIGURE_RUNNERS_UP = 2
# A figure after 等 totals the list before it (等8处); a count in words (等“五大中心”) names a group, not a total.
LIST_TOTAL_RE = re.compile(r"等\s*\d")
FAR_BETTER_NAMING = 1.5
FIGURE_RUNNER_UP_MARGIN = 0.4  # measured on dev: 0.4 > 0.2
# Digits inside quotation marks name things (“113”领军人才行动, “1+9”综合改革): they count nothing; a quoted list
# of counted things (“一基地、两平台、七中心”) counts.
QUOTED_NAME_RE = re.compile(r"“[^”]*\d[^”]*”|\"[^\"]*\d[^\"]*\"")
# 多少辆 is not answered by 「公交线路10条」: a specific measure word asked must be the unit of the figure.
UNIT_ASK_RE = re.compile(r"(?:多少|几)(人次|亿|万|辆|张|条|家|所|套|户|亩|座|名|台|间|人|艘|架|棵|公里|千米|米|钱)")
FIGURE_IN_TEXT_RE = re.compile(rf"\d|[一二两三四五六七八九十百千万]+[个条家所项座张辆套户亩名位台间处]|[一二两三四五六七八九十]成|"
                               rf"{COUNT_WORD_RE.pattern}|{AMOUNT_WORD_RE.pattern}")
# Measure words that count the same things: 几间民宿 is answered by 3家, 几位 by 500人 — not 个, which counts anything
# (多少家医院 is not answered by 2个社区卫生服务中心); money asked (多少钱) only by an amount in 元 (not 8100亩).
SAME_MEASURE = {"间": ("间", "家"), "家": ("家", "间"), "名": ("名", "人", "位"), "位": ("位", "人", "名"), "钱": ("元",),
                "架": ("架", "辆")}  # (Cantonese counts vehicles by 架: 共享單車幾多架)
# A figure the resident asks to check (是170还是多少, 350万？, 8处积水点改造是真的？): a number and its unit, then
# 还是/吗/？ or a 是真的 after what it counts.
CHECKED_NUMBER_RE = re.compile(r"(\d+(?:\.\d+)?)[万亿%个处家条件人所套户亩张辆]*(?:平方米?|平米)?"
                               r"(?=\s*(?:还是|吗|吧|嘛|对吗|对不对|没错|[?？])|[\u4e00-\u9fff]{0,8}(?:是真的|真的吗))")
# A share or percentage asked (占GDP比重, 缴存比例, what share) is stated only as one (4.12%), never as a count
# (6.6万人) — and a share (占, 比重) is not a growth rate (增长5%).
PERCENT_ASK_RE = re.compile(rf"比例|比重|占比|百分之几|百分比|增长率|增长(?:多少|几)|涨(?:多少|几)|{RATE_ASK}|"
                            r"\bshare\b|\bproportion\b|\bpercent|\bratio\b|\bgrowth\b|\bgrow(?:s|n)?\b|[\u4e00-\u9fff]率(?!先)|"
                            + BARE_PERCENT)
SHARE_ASK_RE = re.compile(r"占|比例|比重|\bshare\b|\bproportion\b|\bratio\b")
# A doubling (翻番, 三倍) states a growth as much as a percentage does.
PERCENT_IN_TEXT_RE = re.compile(rf"%|％|百分之|[一二三四五六七八九十]成|{AMOUNT_WORD_RE.pattern}")
SHARE_IN_TEXT_RE = re.compile(r"占|比例|比重|率")
# A count in words of the very thing asked states it (几个方面 → 七方面, 几大中心 → 七中心), whatever its measure word.
CHINESE_COUNT = "[一二两三四五六七八九十百千]+[个大项]?"
# How many clauses after a list item its 「…等8处」 summing-up may come.
LIST_REACH = 4
# A clause about a part of what the clause before it names (其中工业投资增长10%).
PART_CLAUSE_RE = re.compile(r"其中|包括")


def figure_choice(kb, query: Query, hits: list) -> tuple[int | None, str | None]:
    """(the hit whose clause about the asked item states a figure, None) — a close runner-up may answer instead of
    the top passage (its item is the one asked) — else (None, the item no passage gives a figure for)."""
    first_missing, idf = None, kb.retriever.lexical.weight
    top_naming = item_clauses(query, hits[0].passage.text, idf)[0]
    top_own = own_naming(query, hits[0].passage.text, idf) if asks_figure(query) else None
    candidates = []
    for choice, hit in enumerate(hits[:FIGURE_RUNNERS_UP + 1]):
        naming = item_clauses(query, hit.passage.text, idf)[0] if choice else top_naming
        if choice and naming < top_naming:
            continue  # a runner-up must name the asked item at least as well as the top passage
        # ... and be close in score, unless it names the item far better (研发支出占GDP比重 for R&D as a share of
        # GDP, after the targets paragraph that GDP → 地区生产总值 ranked first)
        far_better = naming >= FAR_BETTER_NAMING * top_naming > 0
        if hit.score < hits[0].score - FIGURE_RUNNER_UP_MARGIN and not far_better:
            continue
        # One whose clause says far more of the question's own words is judged first (the targets paragraph states a
        # figure too, of GDP); the report words they were mapped to do not count here (项目今年 → 项目尽快).
        own = own_naming(query, hit.passage.text, idf) if choice and top_own is not None else 0.0
        first = own > 0 and own >= FAR_BETTER_NAMING * top_own
        candidates.insert(0, choice) if first else candidates.append(choice)
    # A value first (外资目标 → 2.5亿美元, not 增长超20%); an item no passage gives a value for, by its growth.
    for growth in (False, True):
        for choice in candidates:
            missing = missing_figure(query, hits[choice].passage.text, idf, growth)
            if not missing:
                return choice, None
            first_missing = first_missing or missing
    return None, first_missing


@lru_cache(maxsize=256)
def sentence_clauses(text: str) -> tuple[tuple[int, str], ...]:
    """(sentence number, clause) of a passage, once per passage: each hit is judged again for every question. The
    parts of a sentence between semicolons count as sentences: 「…;实际使用外资增长超20%;居民人均可支配收入与经济增长
    基本同步」 lists separate targets."""
    parts = [part for s in split_sentences(text) for part in re.split(r"(?<=[;；])", s.text) if part.strip()]
    return tuple((i, c.text) for i, part in enumerate(parts) for c in split_clauses(part))


# Words of FIGURE_ASK_RE that name a kind of figure without asking it; and what asks a quality of it instead.
MEASURE_NAMES = frozenset({"数量", "比例", "比重", "占比"})
QUALITY_ASK_RE = re.compile(r"(?:什么|啥|哪些)(?:样的?)?(?:要求|说法|安排|考虑|部署|规定)")


def asks_figure(query: Query) -> bool:
    """Whether the question asks how many / how much / what share."""
    text = query.text.lower()
    asks = {m.group() for m in FIGURE_ASK_RE.finditer(text)}
    # 服务业增加值占比有什么要求: a share named, and what is required of it asked — a clause without a number answers
    if asks and asks <= MEASURE_NAMES and QUALITY_ASK_RE.search(text):
        return False
    return bool(asks) and not indefinite_count(query.text)


def item_clauses(query: Query, text: str, idf) -> tuple[float, list[tuple[float, str]], dict[str, float]]:
    """How well each clause of `text` names the question's item (telling words it contains), and the best."""
    wanted = {w: idf(w) or 0.5 for w in query.steering_words() if len(w) >= 2}
    # Question words are lower-cased (gdp): so is the clause they are looked for in.
    scored = [(sum(v for w, v in wanted.items() if w in clause.lower()), QUOTED_NAME_RE.sub("", clause))
              for _, clause in sentence_clauses(text)]
    return max((score for score, _ in scored), default=0.0), scored, wanted


def own_naming(query: Query, text: str, idf) -> float:
    """How well the clause of `text` that best names the item says the question's own words (not their mappings)."""
    own = {w: idf(w) or 0.5 for w in query.content_words() if len(w) >= 2}
    return max((sum(v for w, v in own.items() if w in clause.lower()) for _, clause in sentence_clauses(text)),
               default=0.0)


def missing_figure(query: Query, text: str, idf, growth: bool = False) -> str | None:
    """For a how-many question: the asked item when the clause of `text` that names it states no figure
    (`growth`: its growth rate counts — when no passage gives the item's value).

    The clause that shares the most telling words with the question is the one about the asked item;
    a figure elsewhere in the sentence counts something else (「239个政府投资项目」 is not 老旧小区)."""
    if not asks_figure(query):
        return None
    best, scored, wanted = item_clauses(query, text, idf)
    if best <= 0:
        return None  # matched through meaning alone: no clause to judge
    # The item's figure may sit in a neighbouring clause that also names it (…灵活就业人员参保,新增参保人员8000人).
    unit = UNIT_ASK_RE.search(query.text)
    # A number the resident wrote names the item (24小时城市书房) or is what they already know (7530个学位) —
    # unless they ask to check it (是170还是多少, 350万？, 8处…是真的？): then it is the figure asked.
    checked = {m.group(1) for m in CHECKED_NUMBER_RE.finditer(query.text)}
    known = sorted(set(re.findall(r"\d+(?:\.\d+)?", query.text)) - checked, key=len, reverse=True)

    counted = counted_item(query.text)
    lowered = query.text.lower()
    percent, share = PERCENT_ASK_RE.search(lowered), SHARE_ASK_RE.search(lowered)

    def states_figure(clause: str, growth: bool = False) -> bool:
        if percent and not (PERCENT_IN_TEXT_RE.search(clause) and (not share or SHARE_IN_TEXT_RE.search(clause))):
            return False
        clause = value_figures(query.text, clause, growth)
        for number in known:
            clause = clause.replace(number, "")
        if counted and re.search(CHINESE_COUNT + re.escape(counted), clause):
            return True
        # The report may put the unit before the figure (游客总人次突破2400万); 几间 is asked of what it counts by 家.
        return bool(FIGURE_IN_TEXT_RE.search(clause)) and (
            unit is None or any(u in clause for u in SAME_MEASURE.get(unit.group(1), (unit.group(1),)))
            or (counted is not None and f"个{counted}" in clause))  # 2个社区卫生服务中心 counts the very item asked

    # A related clause of another sentence must add a word of the question the item's clause lacks:
    # 「…;实际使用外资增长超20%;…」 shares only 增长 with 「居民…与经济增长基本同步」 and does not answer 经济增长.
    sentence_of = [sentence for sentence, _ in sentence_clauses(text)]
    tops = [i for i, (score, _) in enumerate(scored) if score == best]
    asked_tops = _asking_tops(query.text, scored, wanted)
    top_words = {w for i in tops for w in wanted if w in scored[i][1]}

    # When the clause about the asked item names what is counted (助餐点), a clause of another sentence answers only
    # if it names it too: 「失能老人家庭养老床位180张」 shares 老人 with 「老人吃饭的助餐点新开几个」 but counts beds.
    counted_named = counted is not None and any(_names(counted, scored[t][1]) for t in tops)
    asked_nouns = nouns(query.text)

    # A name the question says (欣天科技) that the item's clause says too: a clause without it states another item's
    # figure (「总投资145亿元的省重大项目」 is not 欣天科技's investment, though of the same sentence).
    names = [w for w in wanted if _is_name(w, idf) and any(w in scored[t][1] for t in tops)]

    def related(i: int) -> bool:
        if i in asked_tops:
            return True
        if any(n not in scored[i][1] for n in names) and not LIST_TOTAL_RE.search(scored[i][1]):
            return False
        # 「持续开展“心肺联筛”服务,完成1万人健康风险评估」: the clause right after the item's, in its sentence, states
        # its figure when it is in the unit asked (多少人) and names nothing else the question asked
        if unit and i - 1 in tops and sentence_of[i] == sentence_of[i - 1] and scored[i][0] == 0:
            return True
        # 「完成金枫北路、友新路、尹南路等8处积水区域…改造」: a count after 等 sums up the list the item is in
        if LIST_TOTAL_RE.search(scored[i][1]) and any(0 < i - t <= LIST_REACH and sentence_of[t] == sentence_of[i]
                                                    and not FIGURE_IN_TEXT_RE.search(scored[t][1]) for t in tops):
            return True
        if scored[i][0] < best * RELATED_CLAUSE_SHARE:
            return False
        # 「全社会固定资产投资稳中有进,其中工业投资增长10%」: a part's figure answers for the whole only if the part is
        # asked — by a noun of the question (工业), not a verb both share (增长)
        if PART_CLAUSE_RE.match(scored[i][1]) and not any(
                w in scored[i][1] and w not in top_words and any(w in n for n in asked_nouns) for w in wanted):
            return False
        if sentence_of[i] in {sentence_of[t] for t in tops}:
            return True
        return (any(w in scored[i][1] and w not in top_words for w in wanted)
                and (not counted_named or _names(counted, scored[i][1])))

    if any(states_figure(c) for i, (_, c) in enumerate(scored) if related(i)):
        return None
    if growth and any(states_figure(c, growth=True) for score, c in scored if score == best):
        return None  # an item the report sets only by its growth (地区生产总值增长5%以上) is answered by it
    # A clause naming only the item's head names it unless another names the whole item: 工业投资 is not 固定资产投资
    # when 「全社会固定资产投资稳中有进」 is there (分中心 is 中心 otherwise).
    whole = counted is not None and any(counted in c for _, c in scored)

    def names_counted(clause: str) -> bool:
        return counted in clause if whole else _names(counted, clause)

    if counted and any(names_counted(c) and states_figure(c) and all(n in c for n in names) for _, c in scored):
        return None  # 「…光福九年一贯制学校…,新增学位7530个」: the clause of the counted item states it
    if counted and any(names_counted(c) for _, c in scored):
        return counted
    top = [c for score, c in scored if score == best]
    named = [w for w in sorted(wanted, key=wanted.get, reverse=True) if any(w in c for c in top)]
    # The item may be named only inside quotation marks (新建一批“24小时城市书房”): still no figure for it.
    return named[0] if named else counted or max((w for w in wanted if not w.isdigit()), key=wanted.get, default=None)


def _is_name(word: str, idf) -> bool:
    """Whether a question word is a name the report says once or twice (欣天, 东方大道): tagged a proper noun, telling."""
    tagged = _tagger().lcut(word)
    return len(word) >= 2 and len(tagged) == 1 and tagged[0].flag in NAME_FLAGS and (idf(word) or 0) >= TELLING_IDF


def _asking_tops(text: str, scored: list[tuple[float, str]], wanted: dict[str, float]) -> list[int]:
    """The clauses that best name what the asking clause names: in 「灵活就业的参保扩面,新增参保要多少人?」 the item
    is 新增参保 (新增参保人员8000人以上), not the story before the ask (精准扩面灵活就业人员)."""
    asking = asking_clauses(text)
    own = {w: v for w, v in wanted.items() if w in asking}
    if asking == text or not own:
        return []
    by_own = [sum(v for w, v in own.items() if w in clause.lower()) for _, clause in scored]
    best = max(by_own, default=0.0)
    return [i for i, score in enumerate(by_own) if best > 0 and score == best]
