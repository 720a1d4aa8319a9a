"""What figure a question asks (how many, a share, a rate, which item it counts) and which figures of a clause answer it.

A how-many question counts the noun after 多少 / 几个 (新增多少学位 → 学位); a value asked is not answered by a share
(占比70%) or a growth rate (增长超20%), nor a rate asked by a count; amounts and counts may be written in words
(翻番, 十大, “一基地、两平台、七中心”).
"""
from __future__ import annotations

import re

from .figures_en import parse_figures
from .lexical import NOUN_FLAGS, _tagger

# A rate asked (增速, 几个点, 几成, growth target): a figure question that only a rate or a doubling answers.
RATE_ASK = r"增速|增幅|几个点|几成|\bhow fast\b|\bgrowth (?:rate|target)\b|\bgrow by\b|\bby how much\b[^?]*\b(?:grow|rise|increase)"
# The measure words a count is asked with (几个, 几张, and 几只 as Wu speakers say it).
COUNTERS = "个条家所处张辆套户项亩座名位台间只"
# A percent sign with no number before it stands for the word (growth % target): a percentage is asked.
BARE_PERCENT = r"(?<!\d)(?<!\d\s)[%％]"
FIGURE_ASK_RE = re.compile(rf"多少|(?<![十哪那这好])几[{COUNTERS}万千百]|百分之几|数量|比例|比重|占比|"
                           r"\bhow many\b|\bhow much\b|\bnumber of\b|\bpercent|\bpercentage\b|"
                           rf"\bshare\b|\bproportion\b|\bratio\b|{RATE_ASK}|{BARE_PERCENT}")
# The word after 多少 / 几个 is what is counted (新增多少学位 → 学位); a question ending in the ask counts the noun before it.
COUNT_ASK_RE = re.compile(rf"^(?:多少|几[{COUNTERS}]?)$")
# Nouns that say which kind of figure is asked (目标多少, 比例多少), never what is counted.
MEASURE_NOUNS = frozenset("目标 指标 比例 比重 占比 数量 人数 数字 规模 总额 金额 总量 数目 任务 面积 增幅 增速 增长率 涨幅 降幅".split())
# The same in English: "And its share?", "what about the growth rate?" name which figure, not an item.
MEASURE_NOUNS_EN = frozenset("share proportion percentage percent ratio rate growth target goal number total amount "
                             "figure value increase size count".split())
# Words that may open a counted compound before its noun (几个创新中心, 多少公共泊位).
MODIFIER_FLAGS = frozenset({"v", "vn", "b", "an"})
# A share the report states (产值占比稳定在70%以上) answers a share or rate asked, never a value (产值多少).
SHARE_FIGURE_RE = re.compile(r"(?:占比|比重|比例|占)[^\d,，;；。]{0,12}?\d[\d.]*\s*[%％]")
RATIO_ASK_RE = re.compile(r"占|比例|比重|率|百分|增长|增速|增幅|涨|降|提高|提升|%|％|成\b|个点|"
                          r"\bshare\b|\bproportion\b|\bpercent|\bratio\b|\brate\b|\bgrowth\b|\bgrow|\bincrease|"
                          r"\brise\b")
# Amounts stated in words (翻番, 翻一番, 三倍): a figure as much as a digit is (跨境电商进出口总额翻番).
AMOUNT_WORD_RE = re.compile(r"翻[一两二三]?番|[一二两三四五六七八九十]+倍")
# Counts written in words without a measure word: 十大, 五大中心, and an item of a quoted list (“一基地、两平台、七中心”).
COUNT_WORD_RE = re.compile(r"[二三四五六七八九十百千]+大(?!力|批|幅|量)|"
                           r"(?:(?<=[“、])|^)[一二两三四五六七八九十]+[\u4e00-\u9fff]{1,2}(?=[、”]|$)")
# A growth rate the report states (实际使用外资增长超20%) answers a rate asked, never a value (外资目标多少) — like a share.
GROWTH_FIGURE_RE = re.compile(r"(?:增长|增速|增幅|提高|提升|下降|降低)[^\d,，;；。]{0,6}?\d[\d.]*\s*(?:[%％]|个百分点)")


def counted_item(text: str) -> str | None:
    """What a how-many question counts: the noun right after 多少 / 几个 in its clause (新增多少学位 → 学位), else the
    last noun before the ask (人才公寓今年会多出来多少套 → 人才公寓). A place or a story around it is not counted."""
    clauses = re.split(r"[，,。！!？?；;]", text.lower())
    at_clause = next((i for i, c in enumerate(clauses) if FIGURE_ASK_RE.search(c)), None)
    if at_clause is None:
        return None
    tagged = [(p.word, p.flag) for p in _tagger().lcut(clauses[at_clause])]
    at = next((i for i, (word, _) in enumerate(tagged) if COUNT_ASK_RE.match(word)), None)
    if at is None:
        return None
    is_noun = [_is_counted_noun(w, f) for w, f in tagged]
    after = [w for (w, _), noun in zip(tagged[at + 1:], is_noun[at + 1:]) if noun]
    before = [w for (w, _), noun in zip(tagged[:at], is_noun[:at]) if noun]
    if not after and not before and at_clause > 0:
        # 「那老人吃饭的助餐点呢,新开几个?」: the ask alone in its clause counts the last noun said before it.
        before = [p.word for p in _tagger().lcut(clauses[at_clause - 1]) if _is_counted_noun(p.word, p.flag)]
    if not after:
        return before[-1] if before else None
    # The whole compound that ends in the noun (几个创新中心 → 创新中心, not its head 中心 alone).
    first = next(i for i, noun in enumerate(is_noun[at + 1:], at + 1) if noun)
    start = first
    while start - 1 > at and tagged[start - 1][1] in MODIFIER_FLAGS and len(tagged[start - 1][0]) >= 2:
        start -= 1
    end = first + 1  # and the nouns it runs on with (多少个产业项目 → 产业项目)
    while end < len(tagged) and is_noun[end]:
        end += 1
    return "".join(w for w, _ in tagged[start:end])


def _is_counted_noun(word: str, flag: str) -> bool:
    """A noun a figure may count: not a place, nor a word saying which kind of figure is asked (目标)."""
    return len(word) >= 2 and flag in NOUN_FLAGS and flag != "ns" and word not in MEASURE_NOUNS


def _names(item: str, clause: str) -> bool:
    """Whether a clause names the counted item, or its head (分中心 → 中心: Chinese compounds end in their head)."""
    return item in clause or (len(item) >= 3 and item[-2:] in clause)


def value_figures(question: str, clause: str, growth: bool = False) -> str:
    """The clause without the shares and growth rates it states when the question asks a value, not a share or a
    rate: those answer another question (`growth`: keep growth rates, for an item set only by its growth)."""
    if RATIO_ASK_RE.search(question.lower()):
        return clause
    clause = SHARE_FIGURE_RE.sub("", clause)
    return clause if growth else GROWTH_FIGURE_RE.sub("", clause)


# A figure said in English is a claim when it is large or a percentage (10,000 places, 8%), not a name (Line 8).
CLAIM_MIN_EN = 100


def contradicts(question: str, clause: str) -> bool:
    """Whether the question claims a figure of the kind the clause states and the clause states another one:
    「听说今年新增1万个学位，是真的吗」 against 「新增学位7530个」 (a reply must not open with 是的)."""
    stated = parse_figures(clause)
    units = {f.unit for f in stated if f.unit}
    english = question.isascii()
    claimed = [f for f in parse_figures(question)
               if (f.unit and f.unit in units) or (english and not f.unit and f.low >= CLAIM_MIN_EN and units)]
    values = {v for f in stated for v in f.values}
    return bool(claimed) and not any(v in values for f in claimed for v in f.values)
