"""Uploaded documents (.txt .md .html .docx .pdf) to the cleaned report text `parse_document` reads.

Each reader checks the bytes really are what the extension says; every refusal is a DocumentFormatError
whose message (Chinese, for operators) names the problem.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from .errors import DocumentFormatError, SourceError
from .passages import SECTION_RE, parse_document

MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
SUFFIXES = TEXT_SUFFIXES + (".docx", ".pdf")
ACCEPTED = "、".join((".txt", ".md", ".html", ".docx", ".pdf"))
# Elements whose content is never report text.
DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "nav", "header",
                "footer", "aside", "form", "button", "select", "head")
BLOCK_TAGS = ("p", "div", "section", "article", "main", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
              "pre", "table", "ul", "ol", "dd", "dt", "center")
HTML_START_RE = re.compile(r"\s*<(!doctype\s+html|html[\s>])", re.IGNORECASE)
# A PDF page's own number on a line of its own: "3", "- 3 -", "第3页", "3/12", "第 3 页 共 12 页".
PAGE_NUMBER_RE = re.compile(r"^(?:[-—–]\s*\d+\s*[-—–]|\d+(?:\s*/\s*\d+)?|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)$")
# Content sniffing: magic numbers of formats a text upload must not be.
BINARY_MAGIC = {b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office", b"\xd0\xcf\x11\xe0": "旧版Office（.doc/.xls）",
                b"\x89PNG": "PNG图片", b"\xff\xd8\xff": "JPEG图片", b"GIF8": "GIF图片", b"\x1f\x8b": "gzip压缩包"}


def read_document(filename: str, data: bytes) -> str:
    """The cleaned text of an upload, one paragraph per line, checked to parse as a report."""
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentFormatError(f"不支持的文件类型「{suffix or '无扩展名'}」：请上传 {ACCEPTED} 文件")
    if not data or not data.strip():
        raise DocumentFormatError("文件是空的")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentFormatError(f"文件超过{MAX_UPLOAD_MB}MB（{len(data) / 1024 / 1024:.1f}MB），请删去图片或拆分后再上传")
    if suffix == ".pdf":
        text = _pdf_text(data)
    elif suffix == ".docx":
        text = _docx_text(data)
    else:
        raw = _decode(data, suffix)
        if suffix == ".txt" and HTML_START_RE.match(raw):
            raise DocumentFormatError("文件内容是HTML网页，与扩展名.txt不符：请以.html上传")
        text = _html_text(raw) if suffix in (".html", ".htm") else _markdown_text(raw) if suffix in (".md", ".markdown") else raw
    text = clean_lines(text)
    if not text.strip():
        raise DocumentFormatError("文件里没有可读取的文字（扫描版PDF需先做文字识别）")
    check_structure(text)
    return text


def check_structure(text: str) -> None:
    """Refuse a text whose sections (一、二、…) and paragraphs cannot be recognised."""
    try:
        parse_document(text)
    except SourceError as exc:
        raise DocumentFormatError(f"没有识别出章节结构（一、二、…）：第一行应是标题，各部分以「一、」「二、」开头（{exc}）") from exc


def clean_lines(text: str) -> str:
    """Normalise width-compatible characters' whitespace, strip each line, keep one line per paragraph."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")  # control chars
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line) + "\n"


def _decode(data: bytes, suffix: str) -> str:
    for magic, kind in BINARY_MAGIC.items():
        if data.lstrip()[:8].startswith(magic):
            raise DocumentFormatError(f"文件内容是{kind}，与扩展名{suffix}不符：请检查是否选错了文件")
    if b"\x00" in data[:4096]:
        raise DocumentFormatError(f"文件内容不是文本，与扩展名{suffix}不符")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentFormatError("无法识别文件的文字编码，请另存为UTF-8后再上传")


def _html_text(raw: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(BLOCK_TAGS):  # a block ends a line; inline tags (<b>, <a>, <span>) do not
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = soup.get_text("")
    if title and not soup.find("h1") and title not in text[:200]:
        text = f"{title}\n{text}"  # the page title is the document title when the body has none
    return text


def _markdown_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", "", raw)
    lines = []
    for line in raw.split("\n"):
        line = line.strip()
        if re.fullmatch(r"(```|~~~).*|[-*_ ]{3,}|\|?[-: |]+\|?", line):  # fences, rules, table separators
            continue
        line = re.sub(r"^#{1,6}\s*|^>\s*|^[-*+]\s+|^\d+[.)]\s+", "", line)
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"(\*\*|__|\*|`)", "", line)
        line = re.sub(r"<[^>]+>", "", line).strip("| ").replace(" | ", " ")
        lines.append(line)
    return "\n".join(lines)


def _docx_text(data: bytes) -> str:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise DocumentFormatError("这是旧版Word（.doc）文件，请在Word中另存为.docx后再上传")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:4] == b"PK\x03\x04":
            raise DocumentFormatError("Word（.docx）文件已损坏：文件不完整，请重新导出后再上传")
        raise DocumentFormatError("不是有效的Word（.docx）文件：内容不是docx格式")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines += [" ".join(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip())) for row in block.rows]
            else:
                lines.append(block.text)
    except DocumentFormatError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors on damaged packages
        raise DocumentFormatError(f"Word（.docx）文件已损坏，无法读取（{type(exc).__name__}）") from exc
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    if b"%PDF-" not in data[:1024]:
        raise DocumentFormatError("不是有效的PDF文件：文件开头没有PDF标记")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentFormatError("PDF文件有密码保护，请去除密码后再上传")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentFormatError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentFormatError(f"PDF文件已损坏，无法读取（{type(exc).__name__}）") from exc
    return join_wrapped_lines("\n".join(pages).split("\n"))


def join_wrapped_lines(lines: list[str]) -> str:
    """Re-join a PDF's visually wrapped lines into paragraphs: a line as wide as the page continues on the next;
    a narrower one, or one ending a sentence short of the margin, ends its paragraph (headings are short)."""
    lines = [line.strip() for line in lines if not PAGE_NUMBER_RE.match(line.strip())]
    widths = sorted(_width(line) for line in lines if line)
    full = widths[int(len(widths) * 0.9)] if widths else 0  # most lines of a report are full lines
    out: list[str] = []
    buffer = ""
    for line in lines:
        if not line or SECTION_RE.match(line):
            out += [buffer, line]
            buffer = ""
            continue
        buffer += line
        width = _width(line)
        if width < 0.85 * full or (line[-1] in "。！？!?" and width < 0.97 * full):
            out.append(buffer)
            buffer = ""
    out.append(buffer)
    return "\n".join(line for line in out if line)


def _width(line: str) -> float:
    # Printed width in em: CJK characters are full width, Latin letters, digits and ASCII punctuation about half.
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in line)
