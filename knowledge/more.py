"""Follow-ups about the previous answer itself: 「还有呢？」 / "what else?" ask for more of it; 「你确定不是1万个？」,
「那报告里实际写的是多少」, "So it's 10,000, right?" challenge it and get it again, from the report.

The previous answer led with one clause run of its sentence: more is the whole sentence (「建成通车胜浦大桥、高垫大桥、
甪胜路」 → the roads and bridges sentence it belongs to); when it already quoted the whole sentence, more is the next
passage that answers the same question by the same checks — or the report's silence.
"""
from __future__ import annotations

import re

from .abstention import decide
from .answers import Answer, abstain, compose
from .leads import SENTENCE_END
from .normalize import to_mandarin, to_simplified

# The whole message asks for more: 还有呢, 还有吗, 还有别的吗, 其他的呢, 再说说, what else, anything else, more?
MORE_RE = re.compile(
    # 还有什么比赛: more of the kind just answered (a short noun after the ask)
    r"^(?:那|那么|嗯|好的?|哦)?[,，]?(?:还有(?:呢|吗|么|嘛|没|没有|伐|别的|其他|其它|啥|什么|哪些)*"
    r"(?:(?<=别的|其他|其它|什么|哪些)(?!时候)的?[\u4e00-\u9fff]{1,4}?)?(?:吗|呢|伐|么)?|"
    r"(?:其他|其它|别的|其余|另外)的?(?:呢|还有吗|有吗)|再说说|接着说|继续说?|"
    # 举几个例子 / 比如呢: the examples the answer's sentence names
    r"(?:能|可以)?(?:再)?举(?:几|一|两|些)?个?例子?(?:吗|呢|看看)?|比如(?:说)?(?:呢|有哪些|有什么)?|例如(?:呢)?)[?？。!！…~\s]*$"
    r"|^(?:and\s+)?(?:what\s+else|anything\s+else|any\s*more|(?:tell\s+me\s+)?more|what\s+about\s+the\s+others?|"
    r"others?|go\s+on|and|(?:any|some|give\s+(?:me\s+)?(?:an?|some))?\s*examples?|for\s+example|like\s+what|such\s+as)"
    r"\s*(?:is\s+there|then)?[\s?!.…]*$", re.IGNORECASE)


_LEAD_IN = r"(?:那|那么|好吧|好|所以|嗯|哦|可是|但是|[,，\s])*"
# Chinese measure words a challenged figure may carry (不是20年吗, 不是3座吗)
_MEASURE_ZH = "个万亿元人家条辆张户所项名套亩年座台处只间块宗次吨米天月届期批"
_NUMBER_ZH = rf"[\d一二两三四五六七八九十百千万亿.,，]+\s*(?:%|％|[{_MEASURE_ZH}])*"
_NUMBER_EN = r"\d[\d,.]*\s*(?:%|percent|million|billion|thousand|k)?"
# A time heard or doubted (上半年, 年底, 九月底前, 明年): a when-answer is challenged with one
_TIME_ZH = r"(?:[上下]半年|年底|年初|年中|明年|后年|今年|[\d一二三四五六七八九十]{1,2}月(?:底|初|份)?(?:前)?|\d{4}年)"
_FIGURE_ZH = rf"(?:{_NUMBER_ZH}|{_TIME_ZH})"
_LEAD_IN_EN = r"(?:(?:hmm+|hm+|um+|uh+|ok(?:ay)?|well|wait|so|and|but)[\s,.]+)*"
CHALLENGE_RE = re.compile(
    # 你确定？ 真的吗？ 你确定不是1万个？ 不是1万个吗？ 就是10%吧
    rf"{_LEAD_IN}你?(?:(?:确定|肯定|真的|当真)(?:吗|嘛|么|伐)?[,，]?(?:[\u4e00-\u9fff]{{0,8}}?(?:不是|是不是|就是|是)?\s*{_FIGURE_ZH})?"
    rf"|(?:不是|是不是|就是|应该是)\s*{_NUMBER_ZH})(?:吗|吧|嘛|么|呢|啊|伐)?[?？!！。\s]*"
    # 是3000万吧？ / 是8000个吗？: a bare figure offered for confirmation
    rf"|{_LEAD_IN}是\s*{_NUMBER_ZH}(?:吗|吧|嘛|么|伐)[?？!！。\s]*"
    # 那报告里实际写的是多少, 好吧那真实的目标是多少
    rf"|{_LEAD_IN}(?:报告|文件)?里?(?:实际|真实|真正|到底|究竟)上?的?(?:写|说|定)?的?(?:目标|数字|数)?是?(?:多少|几)"
    r"(?:啊|呢|呀)?[?？!！。\s]*"
    # So it's 10,000, right? / Are you sure? / Is that right?
    rf"|(?:so\s+|and\s+|but\s+)?(?:it'?s|it\s+is|is\s+it|that'?s|isn'?t\s+it)\s+(?:really\s+|not\s+|actually\s+)?"
    rf"{_NUMBER_EN}(?:\s+[a-z]+){{0,2}}(?:,?\s*(?:right|correct|isn'?t\s+it|yes))?[\s?!.]*"
    rf"|{_LEAD_IN_EN}(?:(?:are|r)\s+(?:you|u)\s+sure|(?:you|u)\s+sure|really|is\s+that\s+(?:right|correct|true))(?:,?\s+(?:it'?s\s+)?(?:not\s+)?{_NUMBER_EN}"
    r"(?:\s+[a-z]+){0,2})?[\s?!.]*"
    # 我听说是一万个 / I thought it was 3%: a figure heard elsewhere, set against the answer
    # (我看新闻说200个, 我朋友说是8000, 网上说200个: who says it and where vary, the figure ends it)
    rf"|{_LEAD_IN}(?:可)?(?:我|有人|别人|人家|(?:我的?)?(?:朋友|邻居|同事))?(?:在)?(?:看|听|刷)?(?:到)?"
    r"(?:新闻|网上|朋友圈|抖音|微信|报纸|电视|别人|人家)?(?:里|上)?"
    rf"(?:听说|听人说|听别人说|听人讲|听别人讲|记得|以为|看到|说|讲|报道|写)(?:的)?(?:是|系|有|要)?\s*{_FIGURE_ZH}"
    r"(?:吗|吧|啊|呢|呀)?[?？!！。\s]*"
    # 不对吧 / 你说错了 / 瞎说: the answer is wrong, in so many words
    rf"|{_LEAD_IN}你?(?:不对|不是吧|错了|说错了|搞错了|弄错了|瞎说|胡说)(?:吧|吗|啊|呀|哦)?[?？!！。\s]*"
    rf"|{_LEAD_IN_EN}i\s+(?:thought|heard|read|was\s+told|believed?|remember)\s+(?:that\s+)?(?:it\s+(?:was|is|would\s+be)\s+)?"
    rf"(?:about\s+|around\s+)?{_NUMBER_EN}(?:\s+[a-z]+){{0,2}}[\s?!.]*", re.IGNORECASE)


# 你就说是一万亿嘛 / 你就承认新增学位是一万个: an insistence that the assistant state another figure — whatever
# its purpose in the clauses around it (显得厉害, 我要发朋友圈), it gets the report's figure again, never that one.
INSIST_RE = re.compile(rf"{_LEAD_IN}你?(?:就|干脆|直接)(?:说|讲|写|承认|当)[^,，?？]{{0,16}}?(?:是|有|要|为)?\s*{_NUMBER_ZH}"
                       r"(?:吧|嘛|呗|啊|好了|得了|算了)?[!！。\s]*"
                       rf"|{_LEAD_IN_EN}(?:just\s+)?(?:say|admit|tell\s+(?:me|them)|write)\s+(?:that\s+)?(?:it'?s\s+|it\s+is\s+)?"
                       rf"{_NUMBER_EN}(?:\s+[a-z]+){{0,3}}[\s!.]*", re.IGNORECASE)

# Where the report says so, or whether it really does not: 哪里写了, 你确定报告里没写, where does it say that?
WHERE_WRITTEN_RE = re.compile(
    rf"{_LEAD_IN}你?(?:确定|肯定)?(?:报告|文件)?(?:里|上|中)?(?:面)?(?:真的)?(?:没有?|有)?(?:哪里|哪儿|在哪里?)?写(?:了|的|着|过)?"
    # 你确定没写具体数吗: what the answer said is missing
    r"(?:具体的?|确切的?)?(?:数|数字|数据|数目|时间|日期|名单|名字)?(?:吗|嘛|么|伐|呢)?[?？!！。\s]*"
    r"|(?:where\s+(?:exactly\s+)?(?:does\s+it|is\s+(?:that|it))\s+(?:say|written|stated)(?:\s+that)?|show\s+me\s+where)[\s?!.]*",
    re.IGNORECASE)
# What asks something of its own (an insisting message with it is a question, not only an insistence).
ASKS_RE = re.compile(r"多少|几|什么|啥|哪|吗|[?？]|\b(?:how|what|which|when|where)\b", re.IGNORECASE)
# The clauses of a message that challenges in several breaths (你确定是867.5？不是8100？): not the comma of 10,000.
CLAUSE_RE = re.compile(r"(?<!\d)[,，](?!\d)|[?？!！。;；]+")


def challenges(text: str) -> bool:
    """Whether a message only questions the previous answer (你确定不是1万个？ 你确定是867.5？不是8100？ 哪里写了？
    So it's 10,000, right?) — each of its clauses does."""
    text = to_mandarin(to_simplified(text.strip()))  # 你確定嗎, 係咪8000個 (是不是)
    if CHALLENGE_RE.fullmatch(text):
        return True
    clauses = [c.strip() for c in CLAUSE_RE.split(text) if c.strip()]
    if any(INSIST_RE.fullmatch(c) for c in clauses) and not any(ASKS_RE.search(c) for c in clauses):
        return True
    return bool(clauses) and all(CHALLENGE_RE.fullmatch(c) or WHERE_WRITTEN_RE.fullmatch(c) for c in clauses)


def asks_for_more(text: str) -> bool:
    """Whether a message only asks for more of the previous answer (还有呢, what else?)."""
    return bool(MORE_RE.match(text.strip()))


def answer_more(kb, query: str, context: str, mode: str, k: int, earlier: str | None = None) -> Answer:
    """The rest of what the report says on the previous question (`context`, a follow-up of `earlier` when given):
    its answer's whole sentence, or the next passage that answers it."""
    asked = kb.analyzer.analyze(query)
    previous, before, hits, ranking = kb._search(context, k, earlier, mode)
    verdict = decide(kb, previous, hits, ranking, before)
    if verdict.abstain:
        return abstain(asked, verdict.reason, hits)

    def reply(passage, whole: bool = False) -> Answer:
        return compose(previous, passage, kb.version, kb.retriever.lexical.weight,
                       documents=kb.manifest.get("documents"), whole=whole)

    cited = hits[verdict.choice].passage
    before = reply(cited).citation
    if before.clause != before.quote.rstrip(SENTENCE_END):
        more = reply(cited, whole=True)
    else:
        rest = [h for h in hits if h.passage.id != cited.id]
        verdict = decide(kb, previous, rest, ranking, before) if rest else verdict
        if not rest or verdict.abstain:
            return abstain(asked, verdict.reason if rest else "no_match", hits)
        more = reply(rest[verdict.choice].passage)
    more.query, more.hits = asked.raw, hits
    return more
