"""Personal data never reaches the disk: every stored or logged text goes through `mask_pii`.

One module for every store and log (app tables, Rasa's tracker store, log files): phone numbers through
Google's `phonenumbers` matcher (plus a fallback for unassigned mobile ranges and bare Suzhou numbers),
ID numbers with the GB 11643 check digit, bank cards with the Luhn check, e-mail and passport numbers.
Full-width digits and any mix of spaces, dots and dashes are read like plain digits. At most the last four
characters stay visible (a mobile also keeps its operator prefix, 158****5678), and the report's own figures
(7530个, 1.8万人次, 2025年, 12345) are left alone. Imports only the standard library and `phonenumbers`:
the Rasa venv (SQLAlchemy 1.4) imports this module too.
"""
from __future__ import annotations

import logging
import re
from typing import Callable, Iterator

import phonenumbers

# Full-width ASCII (０-９, Ａ-Ｚ, （）, ＋, －), the ideographic space and dash look-alikes become ASCII one
# character for one character, so a match in the folded text has the same span in the original.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x00A0: " ", 0x00B7: ".", 0x30FB: ".", 0x2212: "-", 0xFE63: "-"})
_FOLD.update({code: "-" for code in range(0x2010, 0x2016)})

_SEP = r"(?:[ .\-]{1,2})?"  # between digits: nothing, one or two of space, dot, dash ("158  1234  5678")
_EDGE_L = r"(?<![0-9A-Za-z+*])"
_EDGE_R = r"(?![0-9A-Za-z*])"
_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]*)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
                       r"\.[A-Za-z]{2,})")
# Chinese passports: E/G + 8 digits, or E + a letter + 7 digits; any letters+digits after the word passport.
_PASSPORT_RE = re.compile(_EDGE_L + r"(?:[EeGg]\d{8}|[Ee][A-Za-z]\d{7})" + _EDGE_R)
_PASSPORT_NEAR_RE = re.compile(r"(?:护照|passport|通行证|签证|證件|证件)[^A-Za-z0-9\n]{0,12}?"
                               r"(?:no\.?|number|号码?|號碼?)?[^A-Za-z0-9\n]{0,4}([A-Za-z]{1,2}-?\d{6,9})" + _EDGE_R, re.I)
_ID18_RE = re.compile(_EDGE_L + r"\d(?:" + _SEP + r"\d){16}" + _SEP + r"[\dXx]" + _EDGE_R)
_ID15_RE = re.compile(_EDGE_L + r"[1-8]\d(?:" + _SEP + r"\d){13}" + _EDGE_R)
_CARD_RE = re.compile(_EDGE_L + r"\d(?:" + _SEP + r"\d){12,18}" + _EDGE_R)
_MOBILE_RE = re.compile(_EDGE_L + r"(?:\+?86" + _SEP + r")?1[3-9]\d(?:" + _SEP + r"\d){8}" + _EDGE_R)
# A local number without area code (65251237, 6525-1237); the unit after a figure (个, 万, 年 …) rules it out.
_LOCAL_RE = re.compile(r"(?<![0-9A-Za-z+*.\-])[2-9]\d{2,3}-?\d{4}(?![0-9A-Za-z*%.,]|\s*[年月日号个万亿元人次项家条张所座]|"
                       r"\s*(?:平方|公里|公顷|千|米|辆|吨|亩|户|名|套|间|台|场|例|倍))")
_DATE_RE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_LONG_DIGITS_RE = re.compile(_EDGE_L + r"\d{11,}" + _EDGE_R)
# Digits in groups of 3-6 (bank card, account number written spaced) adding up to 13 or more.
_GROUPED_RE = re.compile(_EDGE_L + r"\d{3,6}(?:(?:[ \-]{1,2})\d{3,6}){2,}" + _EDGE_R)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

Finder = Callable[[str], Iterator[tuple[int, int, str]]]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in "Xx").upper()


def _decimal(text: str) -> bool:
    """1795970509.844743 is a figure (a timestamp), not a card or ID written with a dot."""
    return re.fullmatch(r"\d+\.\d+", text) is not None


def _keep_last4(value: str) -> str:
    """Stars for everything but the last four characters (separators dropped)."""
    return "*" * (len(value) - 4) + value[-4:]


def id_checksum_ok(number: str) -> bool:
    """True when an 18-character ID number's last character is its GB 11643 check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(number: str) -> bool:
    """True when a card number passes the Luhn check."""
    total = 0
    for i, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _emails(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _EMAIL_RE.finditer(text):
        yield m.start(), m.end(), f"{m.group(1)[0]}***@{m.group(2)}"


def _passports(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _PASSPORT_NEAR_RE.finditer(text):
        yield m.start(1), m.end(1), _keep_last4(m.group(1).replace("-", ""))
    for m in _PASSPORT_RE.finditer(text):
        yield m.start(), m.end(), _keep_last4(m.group())


def _id_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _ID18_RE.finditer(text):
        number = _digits(m.group())
        plain = number == m.group().upper()
        # Written as one block, the ID's shape and a birth date suffice; spaced, the check digit must agree.
        if _decimal(m.group()):
            continue
        if id_checksum_ok(number) or (plain and _DATE_RE.fullmatch(number[6:14])):
            yield m.start(), m.end(), _keep_last4(number)
    for m in _ID15_RE.finditer(text):
        number = _digits(m.group())
        if not _decimal(m.group()) and re.fullmatch(r"\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])", number[6:12]):
            yield m.start(), m.end(), _keep_last4(number)


def _cards(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _CARD_RE.finditer(text):
        number = _digits(m.group())
        if luhn_ok(number) and not _decimal(m.group()) and not re.fullmatch(r"861[3-9]\d{9}", number):
            yield m.start(), m.end(), _keep_last4(number)


def _phone_mask(number: phonenumbers.PhoneNumber) -> str:
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 86 and re.fullmatch(r"1[3-9]\d{9}", national):
        return f"{national[:3]}****{national[-4:]}"
    area = phonenumbers.length_of_geographical_area_code(number) if number.country_code == 86 else 0
    if area:
        return f"0{national[:area]}-****{national[-4:]}"
    return "****" + national[-4:]


def _phones(text: str) -> Iterator[tuple[int, int, str]]:
    for match in phonenumbers.PhoneNumberMatcher(text, "CN", leniency=phonenumbers.Leniency.VALID):
        yield match.start, match.end, _phone_mask(match.number)


def _mobiles(text: str) -> Iterator[tuple[int, int, str]]:
    # Ranges phonenumbers does not know as assigned yet are still someone's number.
    for m in _MOBILE_RE.finditer(text):
        number = _digits(m.group())[-11:]
        yield m.start(), m.end(), f"{number[:3]}****{number[-4:]}"


def _local_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    for m in _LOCAL_RE.finditer(text):
        number = _digits(m.group())
        if len(number) < 7 or _DATE_RE.fullmatch(number):
            continue
        if phonenumbers.is_valid_number(phonenumbers.parse("0512" + number, "CN")):  # Suzhou's area code
            yield m.start(), m.end(), "****" + number[-4:]


def _long_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    for pattern in (_LONG_DIGITS_RE, _GROUPED_RE):
        for m in pattern.finditer(text):
            number = _digits(m.group())
            if len(number) >= 11:
                yield m.start(), m.end(), _keep_last4(number)


# Order matters: the longest, best-validated shapes first, so a phone finder never bites into an ID or card.
_FINDERS: tuple[Finder, ...] = (_emails, _passports, _id_numbers, _cards, _phones, _mobiles, _local_numbers,
                                _long_numbers)


def _apply(text: str, finder: Finder) -> str:
    """Replace what `finder` finds in the folded text, at the same spans of the original."""
    out, pos = [], 0
    for start, end, replacement in sorted(finder(text.translate(_FOLD)), key=lambda item: item[0]):
        if start < pos:
            continue  # overlaps a span already replaced by this finder
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def mask_pii(text: str) -> str:
    """The text with phone, ID, bank-card, passport numbers and e-mail addresses masked."""
    if not text:
        return text or ""
    if "@" not in text and sum(ch.isdigit() for ch in text) < 6:
        return text  # nothing personal has fewer than six digits: the common case costs one pass
    for finder in _FINDERS:
        text = _apply(text, finder)
    return text


class MaskingFilter(logging.Filter):
    """A logging filter that masks a record's message, arguments, traceback and stack before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; never drops it."""
        mask_record(record)
        return True


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask one log record in place (message merged with its args; traceback rendered and masked)."""
    if getattr(record, "_pii_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed format string: keep the raw parts, masked
        message = f"{record.msg} {record.args}"
    record.msg, record.args = mask_pii(str(message)), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_pii(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_pii(record.stack_info)
    record._pii_masked = True
    return record


def install_log_masking() -> MaskingFilter:
    """Mask every log record this process creates (a record factory, so handlers added later by Rasa,
    coloredlogs or Sanic are covered too) and put a MaskingFilter on the root logger's handlers; idempotent.
    Also usable as a dictConfig filter factory (`(): records.masking.install_log_masking`)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "_pii_masking", False):
        def masking_factory(*args: object, **kwargs: object) -> logging.LogRecord:
            return mask_record(factory(*args, **kwargs))

        masking_factory._pii_masking = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(masking_factory)
    masking_filter = MaskingFilter()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(masking_filter)
    return masking_filter
