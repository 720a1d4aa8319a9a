"""The clause an answer leads with: of the cited sentence's clauses, the one whose words best match the question.

「那停车泊位呢？」 → 「新增公共停车泊位1000个、共享停车泊位300个」 out of a six-figure sentence: the follow-up's own
words outweigh its context's, adjacent list items that match equally are read together, and an item of a 、-list
borrows the verb the list opens with (新增 …) so the lead reads as a statement.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .clauses import split_clauses
from .figure_checks import PERCENT_ASK_RE
from .figures_en import asked_unit, parse_figures
from .normalize import fold_width
from .passages import Sentence
from .question_types import OTHER, QUANTITY, WHEN, WHICH, asks_overview
from .asked_figures import AMOUNT_WORD_RE, COUNT_WORD_RE, counted_item
from .levels import asked_grades, clause_grades, grade_conflict
from .scope import asked_kind, asking_clauses, asks_what_is_set

# The context's words only break ties between clauses the follow-up's own words match equally.
CONTEXT_WEIGHT = 0.2
FIGURE_PREFERENCE = 1.5
# A word the figure counts (学位7530个) weighs more for 多少 than one that merely shares the clause.
COUNTED_PREFERENCE = 1.5
# A clause of another level or class than the one asked (市重点项目 for 「区里的呢」) keeps a tenth of its match.
OTHER_GRADE_WEIGHT = 0.1
# A clause whose figures are all in another unit than the one an English question counts in (180张 for "how many
# households") answers it less than its shared words say.
OTHER_UNIT_WEIGHT = 0.5
# Beyond this a list is cut to the stretch of items the question names (做好森林防火、…、防汛抗旱).
LIST_MAX_CHARS = 60
DIGIT_RE = re.compile(r"\d")
# What a sentence's last clause may end with: no part of a lead.
SENTENCE_END = "。；;，,！!？? "
# A time the clause itself states (上半年全部开工, 九月底前, 2026年): a when-question leads with it.
TIME_RE = re.compile(r"[上下]半年|年底|年内|月底|季度|\d+月|[一二三四五六七八九十]{1,2}月|底前|\d{4}年")
CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")
# 区级重点项目 is what the report writes 区重点项目: a level word's 级 may be left out.
LEVEL_RE = re.compile(r"([区市省县镇村])级")
# 「A、B等3个项目建设」: a count after 等 sums up the whole list, so the list is one unit.
# A count after 等 sums up the list before it: 等3个, 等8处, 等“五大中心”, 等十大文旅新IP.
SUMMARY_RE = re.compile(r"等\s*[“\"]?(?:\d|[一二两三四五六七八九十百]+[大个项家条处所类批种座])")
# Verbs a work report opens a list with; a list item starting with one needs no borrowed verb.
ACTION_VERBS = (
    "新增", "新建", "新改建", "新辟", "改建", "扩建", "建成", "建设", "通车", "启动", "完成", "实现", "推进", "推动", "加快",
    "持续", "打造", "开展", "开设", "提升", "优化", "实施", "举办", "培育", "引进", "招引", "落实", "力争", "确保", "突破",
    "达到", "增加", "改造", "提供", "设立", "建立", "开工", "竣工", "交付", "投用", "投放", "创建", "争创", "新开",
)
VERBS_LONGEST_FIRST = sorted(ACTION_VERBS, key=len, reverse=True)
# A list item ending in one of these is a whole task (「龙翔路改造」); one ending in a plain noun (「老旧小区」) is
# part of a phrase whose predicate follows the list (「…等城市更新」), so the whole list is read.
TASK_ENDINGS = (*ACTION_VERBS, "贯通", "修缮", "整治", "治理", "更新", "升级", "保护", "开放", "运营")


@dataclass(frozen=True)
class Lead:
    """What a reply leads with: `text` (a borrowed list verb + the exact clause run) and the run's exact span."""

    text: str
    clause: str
    span: tuple[int, int]
    matched: bool


def _groups(clauses: list[Sentence], text: str, offset: int) -> list[int]:
    """The 、-list each clause belongs to (clauses joined by 、 share a group number)."""
    groups = [0]
    for before, after in zip(clauses, clauses[1:]):
        joined = text[before.end - offset:after.start - offset].strip() == "、"
        groups.append(groups[-1] if joined else groups[-1] + 1)
    return groups


def _verb_prefix(text: str) -> str:
    """The run of list-opening verbs at the start of a clause (加快推进, 建成通车, 新增)."""
    prefix = ""
    while True:
        verb = next((v for v in VERBS_LONGEST_FIRST if text.startswith(v, len(prefix))), None)
        if verb is None:
            return prefix
        prefix += verb


class _Matcher:
    """Scores a clause run against the question: own words, then the context's, counted nouns for 多少."""

    def __init__(self, own: list[str], context: list[str], idf, kind: str, question: str,
                 previous: str = "", groups: tuple[tuple[str, ...], ...] = ()) -> None:
        self.own = {w: idf(w) or 1.0 for w in own if w}
        # An English phrase's report words are alternatives (road → 路, 道路, 公路): a clause saying three of them
        # says "road" once, not three times over the "scenic spots" another clause counts.
        self.groups = [set(g) & set(self.own) for g in groups if len(set(g) & set(self.own)) > 1]
        # 「灵活就业的参保扩面,新增参保要多少人?」: the story before the asking clause is context, not the item asked.
        asking = asking_clauses(question)
        if asking != question and any(w in asking for w in self.own):
            self.own = {w: v * (1.0 if w in asking else CONTEXT_WEIGHT) for w, v in self.own.items()}
        self.context = {w: idf(w) or 1.0 for w in context if w and w not in self.own}
        self.bigrams = _bigrams(question) | _bigrams(LEVEL_RE.sub(r"\1", question))
        self.previous_bigrams = _bigrams(previous) - self.bigrams
        self.kind = kind
        self.counted = counted_item(question) if kind == QUANTITY else None
        # ("how many households …": 超1000户 answers, not 床位180张 that shares more glossed words)
        # (a rate asked — growth, share, % — is answered by a percentage: 增长超20%, not 达2.5亿美元)
        self.unit = (asked_unit(question) or ("%" if PERCENT_ASK_RE.search(question) else None)) \
            if kind == QUANTITY else None
        self.grades = asked_grades(question) or asked_grades(previous)

    def score(self, text: str) -> tuple[float, int, float, bool, int]:
        """(own-word match, shared question characters, match with the context, states a figure, shared characters
        of the previous question): in that order."""
        norm = fold_width(text).lower()  # the question was folded the same way (PM2.5 → pm2.5, Ⅱ → ii)
        figures = parse_figures(norm) if self.kind == QUANTITY else []
        said = {w: v * (COUNTED_PREFERENCE if _counted(norm, w, figures) else 1.0)
                for w, v in self.own.items() if _occurs(w, norm)}
        said = _overlaps_once(said, norm)  # 路 in 公路 (both "road"), 家 in 老人家庭: said once
        grouped = set().union(*self.groups) if self.groups else set()
        mine = sum(v for w, v in said.items() if w not in grouped) + sum(
            max((said[w] for w in group if w in said), default=0.0) for group in self.groups)
        if self.unit and figures:
            mine *= COUNTED_PREFERENCE if any(f.unit == self.unit for f in figures) else OTHER_UNIT_WEIGHT
        theirs = sum(v for w, v in self.context.items() if _occurs(w, norm))
        # (a number in a name, 1号公路 or “135”产业体系, counts nothing: only an amount with its unit, or a year's)
        digits = any(f.unit and not f.is_year for f in figures) if self.kind == QUANTITY else DIGIT_RE.search(norm)
        has_figure = bool(digits or AMOUNT_WORD_RE.search(norm) or COUNT_WORD_RE.search(norm))
        weight = FIGURE_PREFERENCE if self.kind == QUANTITY and has_figure else 1.0
        if self.kind == WHEN and TIME_RE.search(norm):
            weight = FIGURE_PREFERENCE
        if grade_conflict(self.grades, norm):
            weight *= OTHER_GRADE_WEIGHT
        elif self.grades & clause_grades(norm):  # 省以上 for "provincial-level or above": the asked grade is said
            weight *= COUNTED_PREFERENCE
        # Ties between clauses the question's own words match equally go to the one sharing more of its characters
        # (「公车站点今年新增几个」: 公交 is in two clauses, 站点 and 新增 in one; 「区重点新开工项目呢」 after a
        # question on 市重点 ones: 区重 is the follow-up's own), then to the context's words, then to a figure.
        # Last, 「那有几个项目？」 after 「区重点项目总投资多少」: 区重 is the previous question's, not a word of it.
        return (mine * weight, sum(b in norm for b in self.bigrams), (mine + CONTEXT_WEIGHT * theirs) * weight,
                has_figure, sum(b in norm for b in self.previous_bigrams))


def _overlaps_once(said: dict[str, float], text: str) -> dict[str, float]:
    """Question words said only inside a longer one (路 in 公路) count once, with the better weight; an amount
    asked (30亿元 in 30亿元以上) is no alternative wording and keeps its weight."""
    kept = dict(said)
    for word in sorted((w for w in said if not DIGIT_RE.search(w)), key=len):
        longer = [w for w in kept if len(w) > len(word) and word in w]
        if longer and _inside(word, longer, text):
            best = max(longer, key=kept.get)
            kept[best] = max(kept[best], kept.pop(word))
    return kept


def _inside(word: str, longer: list[str], text: str) -> bool:
    """Whether every occurrence of `word` in `text` lies inside an occurrence of one of the `longer` words."""
    covered = {i for w in longer for m in re.finditer(re.escape(w), text) for i in range(m.start(), m.end())}
    return all(set(range(m.start(), m.end())) <= covered for m in re.finditer(re.escape(word), text))


def _bigrams(text: str) -> set[str]:
    return {run[i:i + 2] for run in CJK_RUN_RE.findall(text) for i in range(len(run) - 1)}


def _occurs(word: str, text: str) -> bool:
    """Whether a question word occurs in the clause; a Latin word only as a whole word (ii is not in iii)."""
    if word.isascii() and word.isalpha():
        return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None
    return word in text


# A figure counts the noun that ends the compound right after it (88个在建产业项目, 30家科技孵化载体).
COMPOUND_AFTER_FIGURE_RE = re.compile(r"[\u4e00-\u9fff]{0,6}")


def _counted(text: str, word: str, figures) -> bool:
    """Whether a figure counts `word`: 学位7530个, 2个社区卫生服务中心, 30家科技孵化载体 (not 等3个项目 after 学校)."""
    at = text.find(word)
    end = at + len(word)
    return any(f.start - 1 <= end <= f.start
               or (f.end <= at and COMPOUND_AFTER_FIGURE_RE.fullmatch(text, f.end, at)) for f in figures)


def whole_lead(sentence: Sentence) -> Lead:
    """The whole sentence as the lead (without its closing punctuation)."""
    whole = sentence.text.rstrip(SENTENCE_END)
    return Lead(whole, whole, (sentence.start, sentence.start + len(whole)), True)


def choose_lead(sentence: Sentence, own: list[str], context: list[str], idf, kind: str, question: str = "",
                previous: str = "", gloss_groups: tuple[tuple[str, ...], ...] = ()) -> Lead:
    """The clause run of `sentence` that best answers: own words first, context words second, figures for 多少."""
    clauses = split_clauses(sentence.text, sentence.start)
    if (kind == WHICH and asks_what_is_set(question)) or (kind == OTHER and asks_overview(question)):
        return whole_lead(sentence)  # 主要目标有哪些, 医疗方面讲了啥: the whole sentence, not its heading
    if not clauses:
        return dataclasses.replace(whole_lead(sentence), matched=False)
    groups = _groups(clauses, sentence.text, sentence.start)
    units = _units(clauses, groups)
    matcher = _Matcher(own, context, idf, kind, fold_width(question).lower(), fold_width(previous).lower(),
                       gloss_groups)
    scores = [matcher.score(sentence.text[clauses[a].start - sentence.start:clauses[b].end - sentence.start])
              for a, b in units]
    best = max(range(len(units)), key=lambda i: scores[i])
    best = _counting_unit(best, units, clauses, scores, matcher.counted)
    if kind == WHICH:
        best = _naming_unit(best, units, clauses, scores)
    if scores[best][2] <= 0:
        return dataclasses.replace(whole_lead(sentence), matched=False)
    # (哪些污水厂: 「开工扩建科福污水厂二期,完成金庭污水厂扩建主体工程」 names two, in clauses of their own)
    kind_noun = asked_kind(question) if kind == WHICH else None
    named = [kind_noun is not None and kind_noun in "".join(c.text for c in clauses[a:b + 1]) for a, b in units]
    start, end = _run(best, units, scores, groups, across=kind == WHICH, named=named)
    group = groups[start]
    head, tail = groups.index(group), len(groups) - 1 - groups[::-1].index(groups[end])
    if kind == WHICH or (tail > head and not _stands_alone(clauses[end].text)):
        # which → every named item; a bare noun item → the list it belongs to, or in a long list the matched stretch
        matched = [u for i, u in enumerate(units) if scores[i][2] > 0 and groups[u[0]] == group]
        long_list = clauses[tail].end - clauses[head].start > LIST_MAX_CHARS
        start, end = (matched[0][0], matched[-1][1]) if long_list and kind != WHICH else (head, tail)
    borrowed = ""
    verbs = _verb_prefix(clauses[head].text)
    if start > head and verbs == clauses[head].text:  # 「新辟、优化公交线路10条」: a bare verb opens the list
        start = head
    elif start > head and not _verb_prefix(clauses[start].text):
        borrowed = verbs
    span = (clauses[start].start, clauses[end].end)
    clause = sentence.text[span[0] - sentence.start:span[1] - sentence.start]
    # Only a telling word of the question's own (two characters or more) lets a reply affirm 「是的」: a single
    # shared character (能, 装) is no evidence that the clause is about what was asked.
    folded = fold_width(clause).lower()
    telling = any(len(w) >= 2 and _occurs(w, folded) for w in matcher.own)
    return Lead(borrowed + clause, clause, span, telling)


# A clause that names items: a list (吴中集团、华成集团) or items summed up (…等龙头企业).
NAMES_ITEMS_RE = re.compile(r"、|等")


def _naming_unit(best: int, units: list[tuple[int, int]], clauses: list[Sentence], scores: list[tuple]) -> int:
    """For 哪几家 the matched clause that names items (发挥吴中集团、华成集团等龙头企业带动作用) leads when the
    best-matching clause names none (推动商贸服务业扩量提质)."""
    def names(i: int) -> bool:
        return bool(NAMES_ITEMS_RE.search("".join(c.text for c in clauses[units[i][0]:units[i][1] + 1])))

    if names(best):
        return best
    naming = [i for i in range(len(units)) if scores[i][2] > 0 and names(i)]
    return max(naming, key=lambda i: scores[i]) if naming else best


def _counting_unit(best: int, units: list[tuple[int, int]], clauses: list[Sentence], scores: list[tuple],
                   counted: str | None) -> int:
    """For 多少学位 the clause whose figure counts 学位 (新增学位7530个) leads when the best-matching clause does not
    count it: it names only the item's setting (加快光福九年一贯制学校…) or the item without its figure."""
    def text(i: int) -> str:
        return fold_width("".join(c.text for c in clauses[units[i][0]:units[i][1] + 1])).lower()

    def counts(i: int) -> bool:
        return counted in text(i) and _counted(text(i), counted, parse_figures(text(i)))

    if not counted or counts(best):
        return best
    # 「深化浙大…创新中心合作共建,重点建设…等4个创新中心」: naming the item is not counting it.
    counting = [i for i in range(len(units)) if counts(i)]
    return max(counting, key=lambda i: scores[i]) if counting else best


def _run(best: int, units: list[tuple[int, int]], scores: list[tuple], groups: list[int],
         across: bool = False, named: list[bool] | None = None) -> tuple[int, int]:
    """The best unit with the adjacent items of its list that match just as well (公共…、共享停车泊位): clause range;
    `across` lists (which-questions) too: 哪两个污水厂要扩建 → 扩建科福污水厂二期,完成金庭污水厂扩建主体工程 — and
    adjacent units naming the kind asked for (`named`: 哪些污水厂), however well the rest of their words match."""
    first, last = best, best
    group = groups[units[best][0]]

    def same(i: int) -> bool:
        if not 0 <= i < len(units):
            return False
        if across:
            kind_named = bool(named) and named[best] and named[i] and scores[i][0] > 0
            return scores[best][0] > 0 and (scores[i][0] == scores[best][0] or kind_named)
        return scores[i][:4] == scores[best][:4] and groups[units[i][0]] == group

    while same(first - 1):
        first -= 1
    while same(last + 1):
        last += 1
    return units[first][0], units[last][1]


def _units(clauses: list[Sentence], groups: list[int]) -> list[tuple[int, int]]:
    """Clause index ranges that can lead: single clauses, except that a 「…等3个」 clause takes its whole list and
    a bare count (「260个、总投资1800亿元的区重点项目」) joins the item it counts."""
    units: list[tuple[int, int]] = []
    for i, clause in enumerate(clauses):
        if SUMMARY_RE.search(clause.text):
            head = groups.index(groups[i])
            units = [u for u in units if u[0] < head]
            units.append((head, i))
        elif units and units[-1][1] == i - 1 and groups[i - 1] == groups[i] and _bare_count(clauses[i - 1].text):
            units[-1] = (units[-1][0], i)
        else:
            units.append((i, i))
    return units


def _stands_alone(text: str) -> bool:
    """A list item that is a task or a figure by itself (龙翔路改造, 公共停车泊位1000个), not a bare noun."""
    return bool(DIGIT_RE.search(text)) or text.endswith(TASK_ENDINGS)


def _bare_count(text: str) -> bool:
    """「加快5个」, 「260个」: a count (after its verb) that names nothing it counts."""
    rest = text[len(_verb_prefix(text)):]
    return any(f.start == 0 and f.end == len(rest) for f in parse_figures(rest))
