"""Uploads in every accepted format read back into the report's structure; bad uploads get a clear Chinese error."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from knowledge import DocumentFormatError, Library, Source, read_document
from knowledge.formats import MAX_UPLOAD_BYTES
from knowledge.sources import load_sources

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture(scope="module")
def report() -> str:
    return load_sources()[0].text


@pytest.fixture(scope="module")
def paragraphs(report) -> list[str]:
    return [line.strip() for line in report.splitlines() if line.strip()]


def same_passages(text: str, report: str) -> None:
    """The upload cuts into exactly the passages of the original report."""
    got = Library.preview([Source("r", "t", "2025-01-06", 2025, text)])
    want = Library.preview([Source("r", "t", "2025-01-06", 2025, report)])
    assert [(p.section, p.title, p.text) for p in got] == [(p.section, p.title, p.text) for p in want]


def test_txt_utf8_and_gb18030(report):
    same_passages(read_document("report.txt", report.encode("utf-8")), report)
    same_passages(read_document("report.TXT", report.encode("gb18030")), report)


def test_docx_from_python_docx(paragraphs, report):
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for line in paragraphs[1:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    same_passages(read_document("report.docx", buffer.getvalue()), report)


def test_html_keeps_paragraphs_and_drops_scripts(paragraphs, report):
    body = "".join(f"<p>{line.replace('新增学位', '新增<b>学位</b>')}</p>\n" for line in paragraphs[1:])
    page = (f"<html><head><title>x</title><style>p {{color: red}}</style><script>alert('steal')</script></head>"
            f"<body><nav>首页 | 政务公开</nav><h1>{paragraphs[0]}</h1>{body}"
            f"<script>document.cookie</script><footer>版权所有</footer></body></html>")
    text = read_document("report.html", page.encode("utf-8"))
    assert not any(bad in text for bad in ("alert", "cookie", "color", "首页", "版权所有", "<"))
    assert "新增学位7530个" in text  # an inline tag does not split a paragraph
    same_passages(text, report)


def test_markdown_markup_is_stripped(paragraphs, report):
    lines = [f"# {paragraphs[0]}", ""]
    for line in paragraphs[1:]:
        heading = line[:2] in {f"{n}、" for n in "一二三四五六七"}
        lines += [f"## {line}" if heading else line.replace("新增学位7530个", "新增学位**7530个**"), ""]
    text = read_document("report.md", "\n".join(lines).encode("utf-8"))
    assert "#" not in text and "**" not in text
    same_passages(text, report)


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="no CJK font to write a Chinese PDF (apt-get install fonts-wqy-microhei)")
def test_pdf_wrapped_lines_rejoin_into_paragraphs(paragraphs, report):
    from fpdf import FPDF

    class Printed(FPDF):
        def footer(self):  # a page number under every page, as printed reports have
            self.set_y(-15)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = Printed()
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    pdf.set_font("wqy", size=11)
    pdf.add_page()
    for line in paragraphs:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    assert pdf.page_no() > 2
    same_passages(read_document("report.pdf", bytes(pdf.output())), report)


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("filename, data, message", [
    ("report.txt", b"", "文件是空的"),
    ("report.pdf", b"  \n\n ", "文件是空的"),
    ("report.exe", b"MZ\x90\x00", "不支持的文件类型「.exe」"),
    ("report", b"text", "不支持的文件类型「无扩展名」"),
    ("report.doc", b"\xd0\xcf\x11\xe0", "不支持的文件类型「.doc」"),
    ("report.pdf", "一、这不是PDF\n".encode(), "不是有效的PDF文件"),
    ("report.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "PDF文件已损坏"),
    ("report.docx", "纯文本".encode(), "不是有效的Word"),
    ("report.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版Word"),
    ("report.docx", zipped(**{"hello.txt": b"hi"}), "Word（.docx）文件已损坏"),
    ("report.docx", zipped(**{"hello.txt": b"hi" * 500})[:300], "文件不完整"),
    ("report.txt", b"%PDF-1.4 binary", "与扩展名.txt不符"),
    ("report.txt", b"<!DOCTYPE html><html><body><p>x</p></body></html>", "HTML网页"),
    ("report.html", b"\x89PNG\r\n\x1a\n", "PNG"),
    ("report.txt", "吴中区人民政府工作报告\n今天开会。\n大家发言。\n散会。\n".encode(), "没有识别出章节结构"),
    ("report.txt", "只有一行\n".encode(), "没有识别出章节结构"),
    ("report.html", b"<script>alert(1)</script><style>x{}</style>", "没有可读取的文字"),
])
def test_bad_uploads_name_the_problem(filename, data, message):
    with pytest.raises(DocumentFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_document(filename, data)


def test_corrupt_pdf_of_a_real_report(report):
    pytest.importorskip("fpdf")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, "Report " * 400)
    data = bytes(pdf.output())
    with pytest.raises(DocumentFormatError, match="PDF文件已损坏"):
        read_document("report.pdf", data[: len(data) // 3])


def test_upload_over_the_limit(report):
    data = report.encode("utf-8") * (MAX_UPLOAD_BYTES // len(report.encode("utf-8")) + 2)  # a 50 MB-class upload
    with pytest.raises(DocumentFormatError, match="文件超过20MB"):
        read_document("report.txt", data)
    with pytest.raises(DocumentFormatError, match="文件超过20MB"):
        read_document("report.txt", b"x" * (50 * 1024 * 1024))
