"""English word pairs read as the report's compounds: "industrial investment" → 工业投资, "growth of industrial
output" → 工业产值增长's 工业产值, "health risk" → 健康风险(评估).

No dictionary lists such pairs, but the report writes the two words' glosses side by side: the glosses CC-CEDICT
gives each word (knowledge.cedict) are joined and looked up in the report's own text and word sequence. What the
report writes there is the report's word for the pair; next year's report brings its own compounds.
"""
from __future__ import annotations

from .cedict import GLOSS_STOP, WORD_RE, Glossary
from .lexical import _jieba, is_verb

# A compound shorter than this (two one-character words) says too little to steer retrieval.
MIN_COMPOUND_CHARS = 4


class Compounds:
    """The report's compounds an English question names by two adjacent words."""

    def __init__(self, glossary: Glossary, report: str) -> None:
        self.glossary = glossary
        self.report = report
        self._followers: dict[str, set[str]] | None = None
        self._word_starts: set[str] = set()

    def read(self, question: str, stop: frozenset[str]) -> list[str]:
        """The compounds of a question's adjacent word pairs ("X of Y" reads YX), longest kept."""
        tokens = [m.group() for m in WORD_RE.finditer(question.lower())]
        found: list[str] = []
        for i in range(len(tokens) - 1):
            pairs = [(tokens[i], tokens[i + 1])]
            if i + 2 < len(tokens) and tokens[i + 1] == "of":
                pairs.append((tokens[i + 2], tokens[i]))
            for first, second in pairs:
                if {first, second} & (stop | GLOSS_STOP):
                    continue
                found += [c for c in self._spelt(first, second) if c not in found]
        return [c for c in found if not any(c != longer and c in longer for longer in found)]

    def _spelt(self, first: str, second: str) -> list[str]:
        """Report words glossing `first` followed by ones glossing `second`: one word of the report (or its start:
        健康风险 of 健康风险评估), or a word and the start of the next (工业 + 投资) — and the first no verb (完善 +
        区域性: a verb and its object are no compound)."""
        followers = self._report_followers()
        found = []
        for a in self.glossary.glossing(first):
            after = followers.get(a, ())
            found += [a + b for b in self.glossary.glossing(second)
                      if len(a + b) >= MIN_COMPOUND_CHARS and a + b in self.report
                      and (a + b in self._word_starts or any(w.startswith(b) for w in after)) and not is_verb(a)]
        return found

    def _report_followers(self) -> dict[str, set[str]]:
        """Each word of the report and the words that follow it there (工业 → 投资, 产值, …), read once."""
        if self._followers is None:
            tokens = _jieba().lcut(self.report)
            self._word_starts = {w[:n] for w in tokens for n in range(MIN_COMPOUND_CHARS, len(w) + 1)}
            self._followers = {}
            for a, b in zip(tokens, [*tokens[1:], ""]):
                self._followers.setdefault(a, set()).add(b)
        return self._followers
