"""records.masking: every format a resident writes personal data in is masked; the report's figures are not."""
from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import pytest

from records.masking import MaskingFilter, id_checksum_ok, luhn_ok, mask_pii

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO / "knowledge" / "sources" / "wuzhong-2025.txt"
FULL = str.maketrans("0123456789()", "０１２３４５６７８９（）")


def with_check_digit(first17: str) -> str:
    """An 18-character ID number with its GB 11643 check digit (computed here, not by the module under test)."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def with_luhn_digit(partial: str) -> str:
    """`partial` + the digit that makes it pass the Luhn check (computed here)."""
    for last in "0123456789":
        digits = [int(d) for d in partial + last][::-1]
        if sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)) % 10 == 0:
            return partial + last
    raise AssertionError


ID_X = with_check_digit("32050619900101123")     # ends in X
ID_9 = with_check_digit("32050619851231456")
CARD19 = with_luhn_digit("622202123456789012")  # 19 digits
CARD16 = with_luhn_digit("621700987654321")     # 16 digits
assert ID_X.endswith("X") and len(CARD19) == 19 and len(CARD16) == 16


def spaced(number: str, groups: tuple[int, ...], sep: str = " ") -> str:
    out, pos = [], 0
    for size in groups:
        out.append(number[pos:pos + size])
        pos += size
    return sep.join(out + ([number[pos:]] if pos < len(number) else []))


# (format, text, masked) — what a resident types, and all that may be kept of it.
FORMATS = [
    ("mobile plain", "我的手机15824681357", "我的手机158****1357"),
    ("mobile spaced", "手机 158 2468 1357 谢谢", "手机 158****1357 谢谢"),
    ("mobile dashed", "158-2468-1357", "158****1357"),
    ("mobile dotted", "电话158.2468.1357", "电话158****1357"),
    ("mobile double spaces", "电话158  2468  1357", "电话158****1357"),
    ("mobile +86 spaced", "+86 158 2468 1357", "158****1357"),
    ("mobile +86 dashed", "+86-158-2468-1357", "158****1357"),
    ("mobile +86 glued", "+8615824681357", "158****1357"),
    ("mobile 3-3-5", "158 246 81357", "158****1357"),
    ("mobile full-width", "电话：１５８２４６８１３５７", "电话：158****1357"),
    ("mobile full-width spaced", "１５８ ２４６８ １３５７", "158****1357"),
    ("mobile in English", "call me at 158-2468-1357.", "call me at 158****1357."),
    ("landline parentheses", "(0512)65251238", "0512-****1238"),
    ("landline full-width parentheses", "（0512）65251238", "0512-****1238"),
    ("landline dashed", "座机0512-65251238", "座机0512-****1238"),
    ("landline spaced", "0512 6525 1238", "0512-****1238"),
    ("landline parentheses spaced", "(0512) 6525-1238", "0512-****1238"),
    ("landline +86", "+86 512 6525 1238", "0512-****1238"),
    ("landline 86-", "86-512-65251238", "0512-****1238"),
    ("landline Beijing", "010-62345678", "010-****5678"),
    ("landline Shanghai spaced", "021 6123 4567", "021-****4567"),
    ("local number bare", "座机65251237。", "座机****1237。"),
    ("local number dashed", "打6525-1237找我", "打****1237找我"),
    ("ID plain", f"身份证{ID_X}", "身份证**************123X"),
    ("ID lower-case x", f"身份证{ID_X.lower()}", "身份证**************123X"),
    ("ID 6-8-4 spaced", f"身份证号 {spaced(ID_X, (6, 8))}", "身份证号 **************123X"),
    ("ID dashed", spaced(ID_X, (6, 4, 4), "-"), "**************123X"),
    ("ID groups of four", spaced(ID_9, (4, 4, 4, 4)), f"**************{ID_9[-4:]}"),
    ("ID double spaces", spaced(ID_9, (6, 8), "  "), f"**************{ID_9[-4:]}"),
    ("ID full-width", "身份证" + ID_9.translate(FULL), f"身份证**************{ID_9[-4:]}"),
    ("ID old 15 digits", "老身份证320506850101123", "老身份证***********1123"),
    ("ID bad check digit, one block", "32050619900101123Y"[:17] + "9", "**************1239"),
    ("card 19 spaced 4-4-4-4-3", "卡号" + spaced(CARD19, (4, 4, 4, 4)), "卡号***************" + CARD19[-4:]),
    ("card 16 spaced", spaced(CARD16, (4, 4, 4)), "************" + CARD16[-4:]),
    ("card 16 dashed", spaced(CARD16, (4, 4, 4), "-"), "************" + CARD16[-4:]),
    ("card 16 plain", f"银行卡{CARD16}", "银行卡************" + CARD16[-4:]),
    ("card full-width spaced", spaced(CARD16.translate(FULL), (4, 4, 4)), "************" + CARD16[-4:]),
    ("card without Luhn, spaced", "6222 0000 1111 2223", "************2223"),
    ("account number 12 digits", "账号123456789012", "账号********9012"),
    ("email", "邮箱zhangsan@example.com", "邮箱z***@example.com"),
    ("email dotted plus tag", "li.si+wz@mail.szwz.gov.cn 联系", "l***@mail.szwz.gov.cn 联系"),
    ("email upper-case", "WANG.WU@QQ.COM", "W***@QQ.COM"),
    ("passport E", "护照E12345678", "护照*****5678"),
    ("passport G", "my passport G87654321", "my passport *****4321"),
    ("passport EA", "EA1234567", "*****4567"),
    ("passport generic after the word", "passport No. K1234567", "passport No. ****4567"),
    ("passport number after 护照号码", "护照号码：PE1234567", "护照号码：*****4567"),
    ("HK-Macau permit", "港澳通行证C12345678", "港澳通行证*****5678"),
]

# The report's own figures and the hotline: never touched.
FIGURES = ["新增学位7530个", "接待游客1.8万人次", "2025年", "完成固定资产投资1000亿元", "增长5.5%", "拨打12345热线",
           "2024年至2025年", "30.5万平方米", "建成5G基站1200个", "GDP 1580亿元，增长6%", "第14届", "20250101",
           "time 1795970509.844743"]  # a timestamp in a stored transcript


@pytest.mark.parametrize(("name", "text", "masked"), FORMATS, ids=[f[0] for f in FORMATS])
def test_every_format_is_masked(name, text, masked):
    assert mask_pii(text) == masked
    assert mask_pii(masked) == masked  # masking twice changes nothing


def test_at_least_forty_formats_and_never_more_than_four_digits_of_an_id_or_card():
    assert len(FORMATS) >= 40
    for name, _text, masked in FORMATS:
        if name.startswith(("ID", "card", "account", "passport")):
            assert sum(ch.isdigit() for ch in masked.replace("身份证", "")) <= 4, name


@pytest.mark.parametrize("text", FIGURES)
def test_report_figures_are_left_alone(text):
    assert mask_pii(text) == text


def test_the_whole_report_is_left_alone():
    report = REPORT.read_text(encoding="utf-8")
    assert mask_pii(report) == report


def test_checks_are_the_standard_ones():
    assert id_checksum_ok("11010519491231002X")  # GB 11643's own example
    assert not id_checksum_ok("110105194912310021")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_logging_filter_masks_message_args_and_traceback(tmp_path):
    log_file = tmp_path / "app.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    try:
        logger.error("tracker of %s: %s", "alice", {"text": "电话15824681357"})
        try:
            raise ValueError(f"bad id {ID_X}")
        except ValueError:
            logger.exception("action failed for 0512-65251238")
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = log_file.read_text(encoding="utf-8")
    assert "158****1357" in written and "0512-****1238" in written and "**************123X" in written
    for secret in ("15824681357", "65251238", ID_X, "2468"):
        assert secret not in written


@pytest.mark.rasa
def test_importable_from_the_rasa_venv_without_sqlalchemy():
    python = REPO / ".venv-rasa" / "bin" / "python"
    code = ("import sys, records.masking as m; assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'; "
            "print(m.mask_pii('15824681357'))")
    out = subprocess.run([str(python), "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "158****1357"


def test_the_widget_masks_what_it_stores_like_the_server():
    """web/static/widget.js's maskPII (run by node) on the common formats gives the server's answer."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        "const fs=require('fs');const src=fs.readFileSync(process.argv[1],'utf8');"
        "const a=src.indexOf('  var B = '),b=src.indexOf('  function masked(m)');"
        "if(a<0||b<0)throw new Error('maskPII not found');"
        "const maskPII=new Function(src.slice(a,b)+'\\nreturn maskPII;')();"
        "console.log(JSON.stringify(JSON.parse(fs.readFileSync(0,'utf8')).map(maskPII)));")
    common = [f for f in FORMATS if not f[0].startswith(("ID old", "landline +86", "landline 86", "passport generic",
                                                           "passport number", "HK", "account", "mobile 3-3-5",
                                                           "landline full-width"))]
    texts = [t for _n, t, _m in common] + FIGURES + [REPORT.read_text(encoding="utf-8")]
    out = subprocess.run([node, "-e", script, str(REPO / "web" / "static" / "widget.js")], input=json.dumps(texts),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    expected = [m for _n, _t, m in common] + FIGURES + [texts[-1]]
    mismatches = [(t, g, e) for t, g, e in zip(texts, got, expected) if g != e]
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert len(common) >= 30  # the widget covers most formats; the rest are caught by the server
