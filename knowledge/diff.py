"""A draft against the published version, passage by passage: added, removed, changed (with word-level operations)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .passages import Passage

# Below this character similarity a replaced passage counts as one removed and one added, not as changed.
CHANGED_MIN_RATIO = 0.4


@dataclass
class PassageChange:
    """One line of the diff. kind: added | removed | changed | unchanged; ops: [(equal|insert|delete, text)]."""

    kind: str
    old: Passage | None
    new: Passage | None
    ops: list[tuple[str, str]] = field(default_factory=list)
    title_ops: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain JSON-ready form (the web page renders `ops` as highlights)."""
        return {"kind": self.kind, "old": self.old.to_dict() if self.old else None,
                "new": self.new.to_dict() if self.new else None,
                "ops": [list(op) for op in self.ops], "title_ops": [list(op) for op in self.title_ops]}


def word_ops(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level edit script from `old` to `new` (jieba tokens), adjacent operations of one kind merged."""
    import jieba

    a, b = jieba.lcut(old), jieba.lcut(new)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            _push(ops, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _push(ops, "insert", "".join(b[j1:j2]))
        if tag == "equal":
            _push(ops, "equal", "".join(a[i1:i2]))
    return ops


def _push(ops: list[tuple[str, str]], op: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def diff_passages(old: list[Passage], new: list[Passage], include_unchanged: bool = False) -> list[PassageChange]:
    """The changes from `old` (published) to `new` (draft) passages, in draft order with removals where they were.

    Passages with the same id (same document, same text) are unchanged (or changed in title only); within each run
    the id alignment replaces, passages are paired by similarity and the pairs are `changed`."""
    out: list[PassageChange] = []
    old_ids, new_ids = [p.id for p in old], [p.id for p in new]
    matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [_same(o, n) for o, n in zip(old[i1:i2], new[j1:j2])]
        else:
            out += _pair(old[i1:i2], new[j1:j2])
    out = _moves(out)
    return out if include_unchanged else [c for c in out if c.kind != "unchanged"]


def summary(changes: list[PassageChange]) -> dict[str, int]:
    """Counts by kind: {"added": n, "removed": n, "changed": n}."""
    counts = {"added": 0, "removed": 0, "changed": 0}
    for change in changes:
        if change.kind in counts:
            counts[change.kind] += 1
    return counts


def _same(old: Passage, new: Passage) -> PassageChange:
    if old.title == new.title:
        return PassageChange("unchanged", old, new, [("equal", new.text)])
    return PassageChange("changed", old, new, [("equal", new.text)], word_ops(old.title, new.title))


def _pair(old: list[Passage], new: list[Passage]) -> list[PassageChange]:
    scored = []
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, n in enumerate(new):
        matcher.set_seq2(n.text)  # analysed once per draft passage
        for i, o in enumerate(old):
            if o.document_id != n.document_id:
                continue
            matcher.set_seq1(o.text)
            if matcher.real_quick_ratio() >= CHANGED_MIN_RATIO and matcher.quick_ratio() >= CHANGED_MIN_RATIO:
                scored.append((matcher.ratio(), i, j))
    scored.sort(reverse=True)
    paired: dict[int, int] = {}
    used: set[int] = set()
    for ratio, i, j in scored:
        if ratio >= CHANGED_MIN_RATIO and i not in paired and j not in used:
            paired[i] = j
            used.add(j)
    by_new = {j: i for i, j in paired.items()}
    out: list[PassageChange] = []
    pending_removed = [i for i in range(len(old)) if i not in paired]
    for j, n in enumerate(new):
        if j in by_new:
            o = old[by_new[j]]
            # removals that came before this pair in the published order are shown before it
            out += [PassageChange("removed", old[i], None, [("delete", old[i].text)])
                    for i in pending_removed if i < by_new[j]]
            pending_removed = [i for i in pending_removed if i > by_new[j]]
            title_ops = word_ops(o.title, n.title) if o.title != n.title else []
            out.append(PassageChange("changed", o, n, word_ops(o.text, n.text), title_ops))
        else:
            out.append(PassageChange("added", None, n, [("insert", n.text)]))
    out += [PassageChange("removed", old[i], None, [("delete", old[i].text)]) for i in pending_removed]
    return out


def _moves(changes: list[PassageChange]) -> list[PassageChange]:
    # A passage that only moved shows as removed here and added there: report it once, unchanged.
    removed = {c.old.id: c for c in changes if c.kind == "removed"}
    moved = {c.new.id for c in changes if c.kind == "added" and c.new.id in removed}
    out = []
    for c in changes:
        if c.kind == "removed" and c.old.id in moved:
            continue
        if c.kind == "added" and c.new.id in moved:
            c = _same(removed[c.new.id].old, c.new)
        out.append(c)
    return out
