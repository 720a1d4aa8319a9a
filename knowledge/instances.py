"""Which ones, and where: a question asking for named instances (哪些小区, which routes) or for a place (在哪里,
where) is answered only by a sentence that names them — else it answers another question."""
from __future__ import annotations

import re
from functools import lru_cache

from .cedict import dictionary
from .lexical import NAME_FLAGS, USER_DICT
from .query import Query
from .question_types import WHEN, question_type
from .scope import _tagged, asked_kind, asking_part, asks_what_is_set, item_stretches

# Asking for the named instances (哪些小区, 几路车, which routes exactly): a clause that names none does not answer.
WHICH_ONES_RE = re.compile(r"列出|列举|哪些|哪几|哪[个一家所条座]|哪[\d两三四五六七八九十]")
INSTANCE_ASK_RE = re.compile(r"列出|列举|哪些|哪几|哪[个一家所条座两二三四五六七八九十\d]|叫什么|叫啥|几路|\bwhich\b|\bexactly\b|\bnames?\b")
# A which-question asking for places of one kind (哪些村, 哪几条路) is answered by a name of that kind (徐湾村):
# another list in the clause (胜浦大桥、真山靶场、城中村改造) names no village.
PLACE_KINDS = frozenset("镇村路街桥湾湖山岛港河浦塘")
# Asking where a thing is (在哪里, 哪些地方, where): only a clause naming the item with a place answers.
WHERE_RE = re.compile(r"在哪|从哪|哪里|哪儿|哪些地方|哪几个地方|哪个地方|什么地方|什么位置|\bwhere\b")
# Words that make a name a place (尹南路, 甪直古镇, 太湖新城); 区 alone is the district itself.
PLACE_WORD_RE = re.compile(r"[镇村路街桥湾湖山岛港河浦塘](?![\u4e00-\u9fff]{0,1}[心务])|街道|街区|社区|片区|园区|新城|古镇|景区|老街")
PLACE_FLAGS = frozenset({"ns", "nt"})
VERB_FLAGS = frozenset({"v", "vn"})
PROPER_FLAGS = NAME_FLAGS | {"nrt", "nrfg"}
# 站点20个、共享电车1500辆: a list of amounts counts things, it names none of them.
COUNTED_ITEM_RE = re.compile(r"\d[\d.]*[万亿]?[^\d、]{0,2}、")
QUOTED = r"[“\"「][^”\"」]+[”\"」]"
# Quoted names listed (“送戏下乡”“太湖大讲堂”等, “甲”、“乙”): one quoted slogan (“鱼骨图”) names no instances.
QUOTED_LIST_RE = re.compile(f"{QUOTED}(?:[、]?{QUOTED}|等)")


@lru_cache(maxsize=1)
def _dict_places() -> frozenset[str]:
    """The report's own place and organisation names (user dictionary): jieba's two-character ns misfire (新建)."""
    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip() and line.split()[-1] in PLACE_FLAGS)


def _only_verb(word: str) -> bool:
    """Whether CC-CEDICT glosses a word only as a verb (上市 "to hit the market; to float")."""
    glosses = dictionary().get(word, ())
    return bool(glosses) and all(g.strip().startswith("to ") for g in glosses)


def names_instances(sentence: str) -> bool:
    """Whether a sentence names instances: a proper name, a quoted name or a list (甲、乙) of things — a list of
    two verbs (新辟、优化) names nothing."""
    if QUOTED_LIST_RE.search(sentence):
        return True
    tagged = _tagged(sentence)
    # jieba tags a few verbs as names (力争 nz, 上市 ns): what CC-CEDICT glosses only as a verb names nothing
    if any(f in PROPER_FLAGS and len(w) >= 2 and not _only_verb(w) for w, f in tagged):
        return True
    for item in re.split(r"[,，。;；:：]", sentence):
        if COUNTED_ITEM_RE.search(item):
            continue
        tagged = _tagged(item)
        if any(w == "、" and 0 < i < len(tagged) - 1 and not {tagged[i - 1][1], tagged[i + 1][1]} <= VERB_FLAGS
               for i, (w, _) in enumerate(tagged)):
            return True
    return False


def unnamed_instances(kb, query: Query, passage) -> bool:
    """A question asking which ones exactly (哪些小区, 几路车, which routes) quoted a sentence that names none, or
    where (在哪里, where) one whose clause about the item names no place: the sentence answers another question."""
    from .answers import choose_sentence  # here: answers is imported by the modules this one serves

    asking = asking_part(query.text).lower()
    sentence = choose_sentence(passage, query, kb.retriever.lexical.weight).text
    if WHERE_RE.search(asking) and not places_item(query, sentence, kb.retriever.lexical.idf):
        return True
    if not INSTANCE_ASK_RE.search(asking) or question_type(asking) == WHEN:
        return False
    if asks_what_is_set(query.text):
        return False  # 有哪些举措, 主要目标有哪些 ask what is done or set: any clause about the item answers
    if query.language == "zh" and WHICH_ONES_RE.search(asking):
        # The named things asked for must be in a stretch about the asked item — 「用好过境240小时免签新政」 names no
        # country for 哪些国家 because another clause of its sentence names a place; nor 「新增上市企业1家」 the
        # company 哪个公司 asks for because 小微企业 is said before it. (A name asked, 叫什么, may be anywhere.)
        stretches = item_stretches(sentence, query, kb.retriever.lexical.weight)
        kind = asked_kind(query.text, shortest=1)
        if kind in PLACE_KINDS:
            return not any(_names_place_of_kind(s, kind, query.text) for s in stretches)
        return not any(names_instances(s) for s in stretches)
    return not names_instances(sentence)


def unnamed_reason(query: Query) -> str:
    """The abstention reason when `unnamed_instances` holds: no place for a where-question, else no names (of the
    kind asked, when the question says it: no_names:村)."""
    if WHERE_RE.search(asking_part(query.text).lower()):
        return "no_place"
    kind = asked_kind(query.text, shortest=1) if query.language != "en" else None
    return f"no_names:{kind}" if kind else "no_names"


def _names_place_of_kind(stretch: str, kind: str, question: str) -> bool:
    """Whether a stretch names a place of the one-character kind asked — a place name ending in it (友新路), or
    one before it (徐湾 + 村) — that the question does not say itself (城中村, 公交线路 are no names)."""
    tagged = _tagged(stretch)
    for i, (word, flag) in enumerate(tagged):
        if word == kind and i > 0 and tagged[i - 1][1] in PLACE_FLAGS:
            word, flag = tagged[i - 1][0] + word, "ns"
        if flag in PLACE_FLAGS and word.endswith(kind) and len(word) > 1 and word not in question:
            return True
    return False


def places_item(query: Query, sentence: str, idf) -> bool:
    """Whether the clauses of `sentence` that name the asked item (most telling question words) also name a place —
    the item's own words (社区卫生服务中心) taken out first: 「新建2个社区卫生服务中心」 says where nothing is."""
    from .clauses import split_clauses  # here: clauses imports passages, which the answers side loads first

    wanted = {w: idf(w) or 0.5 for w in [*query.content_words(), *query.expansions] if len(w) >= 2}
    clauses = [c.text for c in split_clauses(sentence)]
    scored = [(sum(v for w, v in wanted.items() if w in c), c) for c in clauses]
    best = max((score for score, _ in scored), default=0.0)
    for score, clause in scored:
        if score < best or best <= 0:
            continue
        for word in sorted(wanted, key=len, reverse=True):
            clause = clause.replace(word, "□")
        if PLACE_WORD_RE.search(clause) or any(f in PLACE_FLAGS and (len(w) >= 3 or w in _dict_places())
                                               for w, f in _tagged(clause)):
            return True
    return best <= 0  # matched through meaning alone: no clause to judge


def instances_choice(kb, query: Query, hits: list, choice: int) -> int | None:
    """A close runner-up that names the asked item as well as the cited passage, says the kind asked for and names
    instances of it (哪些龙头企业: 「依托现有龙头企业资源」 names none, 「支持汇川、东山精密…等龙头企业」 does), else None."""
    from .figure_checks import FIGURE_RUNNER_UP_MARGIN, FIGURE_RUNNERS_UP, item_clauses  # figure_checks imports scope

    kind, weight = asked_kind(query.text), kb.retriever.lexical.weight
    if query.language != "zh" or kind is None:
        return None  # a list of categories is no answer to "which exactly" unless it is said to be of the kind asked
    naming = item_clauses(query, hits[choice].passage.text, weight)[0]
    for other in range(choice + 1, min(len(hits), FIGURE_RUNNERS_UP + 1)):
        if hits[other].score >= hits[choice].score - FIGURE_RUNNER_UP_MARGIN and kind in hits[other].passage.text \
                and item_clauses(query, hits[other].passage.text, weight)[0] >= naming > 0 \
                and not unnamed_instances(kb, query, hits[other].passage):
            return other
    return None
