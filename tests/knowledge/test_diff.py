"""A draft against the published report: passages added, removed, changed with word-level operations; draft edits."""
from __future__ import annotations

import pytest

from knowledge import DocumentFormatError, Library, Source, apply_passage_edits, diff_passages
from knowledge.diff import summary
from knowledge.sources import load_sources


@pytest.fixture(scope="module")
def report() -> Source:
    return load_sources()[0]


def cut(report: Source, text: str):
    return Library.preview([Source(report.id, report.title, report.date, report.year, text)])


def test_one_figure_changed_is_one_changed_passage(report):
    old = cut(report, report.text)
    changes = diff_passages(old, cut(report, report.text.replace("新增学位7530个", "新增学位8000个")))
    assert summary(changes) == {"added": 0, "removed": 0, "changed": 1}
    change = changes[0]
    assert change.old.id != change.new.id and "7530" in change.old.text
    assert ("delete", "7530") in change.ops and ("insert", "8000") in change.ops
    assert "".join(t for op, t in change.ops if op != "insert") == change.old.text  # ops rebuild both sides
    assert "".join(t for op, t in change.ops if op != "delete") == change.new.text
    assert change.to_dict()["ops"][1] == ["delete", "7530"]


def test_identical_drafts_have_no_changes(report):
    old = cut(report, report.text)
    assert diff_passages(old, cut(report, report.text)) == []
    assert len(diff_passages(old, old, include_unchanged=True)) == len(old)


def test_added_and_removed_paragraphs(report):
    old = cut(report, report.text)
    dropped = next(p for p in old if "暑托班" in p.text)
    text = report.text.replace(dropped.text, "")
    text = text.replace("各位代表,", "加强图书馆建设。新建社区书房10家。\n各位代表,", 1)
    changes = diff_passages(old, cut(report, text))
    kinds = {c.kind for c in changes}
    assert "removed" in kinds and any(c.kind == "removed" and c.old.id == dropped.id for c in changes)
    added = [c for c in changes if c.kind == "added"]
    assert added and "新建社区书房10家" in added[-1].new.text and added[-1].ops == [("insert", added[-1].new.text)]


def test_first_upload_is_all_added(report):
    new = cut(report, report.text)
    assert summary(diff_passages([], new)) == {"added": len(new), "removed": 0, "changed": 0}


def test_edits_rewrite_the_source_with_exact_spans(report):
    old = cut(report, report.text)
    school = next(p for p in old if "新增学位7530个" in p.text)
    nursery = next(p for p in old if "暑托班" in p.text)
    edits = {school.id: {"text": school.text.replace("7530", "8000"), "title": "完善公共服务"},
             nursery.id: {"excluded": True}}
    revised = apply_passage_edits(report.text, old, edits)
    new = cut(report, revised)
    for p in new:
        assert revised[p.span[0]:p.span[1]] == p.text
    assert "暑托班" not in revised and "新增学位8000个" in revised
    edited = next(p for p in new if "新增学位8000个" in p.text)
    assert edited.title == "完善公共服务"
    assert all(p.title == "完善公共服务" for p in new if p.paragraph_span == edited.paragraph_span)
    kinds = summary(diff_passages(old, new))
    assert kinds["removed"] >= 1 and kinds["changed"] >= 1


def test_excluding_a_whole_paragraph_removes_its_line(report):
    old = cut(report, report.text)
    school = next(p for p in old if "新增学位7530个" in p.text)
    members = [p for p in old if p.paragraph_span == school.paragraph_span]
    revised = apply_passage_edits(report.text, old, {p.id: {"excluded": True} for p in members})
    assert "不断完善公共服务供给" not in revised and "\n\n\n" not in revised
    assert len(cut(report, revised)) == len(old) - len(members)


@pytest.mark.parametrize("edit, message", [
    ({"text": "  "}, "不能为空"),
    ({"text": "两行\n文字。"}, "不能包含换行"),
    ({"title": "一个非常非常非常非常非常非常非常非常长的段落标题啊"}, "最多24个字"),
    ({"title": "标题，带逗号"}, "不能含逗号"),
])
def test_bad_edits_are_refused(report, edit, message):
    old = cut(report, report.text)
    with pytest.raises(DocumentFormatError, match=message):
        apply_passage_edits(report.text, old, {old[5].id: edit})


def test_unknown_passage_edit_is_refused(report):
    with pytest.raises(DocumentFormatError, match="没有这些段落"):
        apply_passage_edits(report.text, cut(report, report.text), {"nope": {"excluded": True}})
