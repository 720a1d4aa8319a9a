"""Parsing the real report into sections, paragraphs and passages with exact spans and stable ids."""
from knowledge.passages import cut_passages, parse_document
from knowledge.sources import clean_web_copy, load_sources

import pytest

from knowledge import SourceError

@pytest.fixture(scope="module")
def report():
    return load_sources()[0]


def test_metadata(report):
    assert report.title == "苏州市吴中区人民政府工作报告"
    assert (report.date, report.year) == ("2025-01-06", 2025)


def test_sections_in_order(report):
    sections = parse_document(report.text)
    assert [s.title for s in sections[:2]] == ["总体要求", "主要预期目标"]
    assert [s.number for s in sections if s.number] == [1, 2, 3, 4, 5, 6, 7]
    assert "全面建设人民满意政府" in [s.title for s in sections]
    seventh = next(s for s in sections if s.number == 7)
    assert seventh.heading == "七、围绕办实事、重保障,更大力度增进民生福祉"
    assert [p.title for p in seventh.paragraphs if p.has_lead] == [
        "不断健全社会保障体系", "不断完善公共服务供给", "不断筑牢公共安全底板"]


def test_passages_round_trip_to_source(kb):
    source = kb._sources["wuzhong-2025"]
    for p in kb.passages:
        assert source[p.span[0]:p.span[1]] == p.text
        assert p.paragraph_span[0] <= p.span[0] < p.span[1] <= p.paragraph_span[1]
    assert len({p.id for p in kb.passages}) == len(kb.passages)


def test_passage_carries_its_place(kb):
    p = next(p for p in kb.passages if "新增学位7530个" in p.text)
    assert (p.section_no, p.title, p.document) == (7, "不断完善公共服务供给", "苏州市吴中区人民政府工作报告")
    assert not p.text.startswith("不断完善公共服务供给")  # the lead phrase is the title, not the text


def test_ids_stable_when_text_unchanged(report):
    sections = parse_document(report.text)
    first = cut_passages(sections, report.text, report.id, report.title)
    edited = report.text.replace("新增学位7530个", "新增学位7600个")
    second = cut_passages(parse_document(edited), edited, report.id, report.title)
    changed = {p.id for p in first} ^ {p.id for p in second}
    assert len(changed) == 2  # only the edited passage's old and new id
    assert [p.id for p in first if "7530" not in p.text] == [p.id for p in second if "7600" not in p.text]


def test_web_copy_cleaning_strips_site_lines(report):
    page = "导航菜单\n\n" + "\n".join("  " + line for line in report.text.splitlines()) + (
        "\n\n本文仅代表作者观点,不代表本站立场。\n\n本文地址:/baogao/huadong/12083.html\n\n留言与评论(共有 0 条评论)\n昵称:\n验证码:")
    assert clean_web_copy(page) == report.text


def test_a_work_report_without_its_numbered_parts_is_refused():
    # A notice of plain paragraphs is a document (test_multidoc.py); a work report that lost its 一、二、 parts
    # is a broken upload.
    with pytest.raises(SourceError):
        parse_document("吴中区人民政府工作报告\n\n一段没有分部分的文字。\n\n又一段。")
