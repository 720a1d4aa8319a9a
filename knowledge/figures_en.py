"""Chinese figures in English: 1800亿元 → "180 billion yuan", 3.3万人 → "33,000 people", and the guard that
every number an English reply prints maps back to a figure of the Chinese quote (never a 万/亿 dropped)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAGNITUDES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(10) ** 3}
# Units that name what is counted, in English. Longest first in the pattern (人次 before 人, 平方公里 before 公里).
UNITS_EN = {
    "人次": "person-visits", "人": "people", "名": "people", "位": "people", "元": "yuan", "美元": "US dollars",
    "户": "households", "套": "housing units", "亩": "mu", "公里": "km", "千米": "km", "平方公里": "square km",
    "平方米": "square metres", "立方米": "cubic metres", "公顷": "hectares", "米": "metres", "吨": "tonnes",
    "千瓦": "kW", "兆瓦": "MW", "小时": "hours", "天": "days", "年": "years", "倍": "times", "次": "times",
    "%": "%", "个百分点": "percentage points", "辆": "vehicles",
}
# Measure words that only count: the English noun comes from the glossary term the clause names.
CLASSIFIERS = ("个", "张", "家", "条", "所", "座", "处", "项", "件", "种", "场", "批", "台", "间", "栋", "片", "只", "届", "期")
QUALIFIERS_BEFORE = {"超过": "over", "超": "over", "突破": "over", "逾": "over", "约": "about", "近": "nearly",
                     "不少于": "at least", "不低于": "at least"}
QUALIFIERS_AFTER = {"以上": "at least", "左右": "about", "多": "over", "余": "over"}
APPROXIMATE = "多|余"  # 1000余户, 20多个: between the number and its unit
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MAG = "|".join(MAGNITUDES)
_UNITS = "|".join(sorted([*UNITS_EN, *CLASSIFIERS], key=len, reverse=True))
FIGURE_RE = re.compile(
    rf"(?P<pre>{'|'.join(QUALIFIERS_BEFORE)})?(?P<low>{_NUM})(?P<mag1>{_MAG})?"
    rf"(?:\s*[-~～—至到]\s*(?P<high>{_NUM})(?P<mag2>{_MAG})?)?"
    rf"(?P<approx>{APPROXIMATE})?(?P<unit>{_UNITS})?(?P<post>以上|左右)?")
SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))
EN_NUMBER_RE = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(?:-|–)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?)?"
                          r"(?:\s+(trillion|billion|million))?")
QUOTED_RE = re.compile(r"「[^」]*」")
YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class Figure:
    """A figure of a Chinese text: its exact words and span, its value(s) in plain units, what it counts."""

    text: str
    start: int
    end: int
    low: Decimal
    high: Decimal | None
    unit: str
    qualifier: str

    @property
    def values(self) -> tuple[Decimal, ...]:
        """The plain values it states (both ends of a range)."""
        return (self.low,) if self.high is None else (self.low, self.high)

    @property
    def is_year(self) -> bool:
        """2025年 names a year, not an amount of years."""
        return self.unit == "年" and "," not in self.text and all(
            v == v.to_integral_value() and YEAR_RANGE[0] <= v <= YEAR_RANGE[1] for v in self.values)

    def english(self, noun: str | None = None) -> str:
        """The figure in English words: 'over 1,000 households', '180 billion yuan', '7,530 school places'."""
        if self.is_year:  # 2025年 → '2025', 2025-2027年 → '2025-2027' (no thousands comma in a year)
            return "-".join(str(int(v)) for v in self.values)
        number = format_range(self.low, self.high) if self.high is not None else format_value(self.low)
        if self.unit == "%":
            number += "%"
        unit = "" if self.unit == "%" else (noun if self.unit in CLASSIFIERS else UNITS_EN.get(self.unit, noun)) or ""
        if self.unit in ("名", "位", "辆") and noun:  # 引进人才500名: the glossary's noun says more than "people"
            unit = noun
        if number == "1" and unit:  # 新增上市企业1家: '1 business', not '1 businesses'
            unit = _singular(unit)
        return " ".join(part for part in (self.qualifier, number, unit) if part)


def _singular(unit: str) -> str:
    """The unit's last word in the singular: 'businesses' → 'business', 'cities' → 'city', 'people' → 'person'."""
    *head, last = unit.split(" ")
    if last == "people":
        last = "person"
    elif last.endswith("sses"):
        last = last[:-2]
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us")):
        last = last[:-1]
    return " ".join([*head, last])


def parse_figures(text: str) -> list[Figure]:
    """Every figure of a Chinese text, in order (3.3万人, 超1000户, 1.5-2万, 5%以上, 2025年)."""
    figures = []
    for m in FIGURE_RE.finditer(text):
        mag2 = m.group("mag2")
        mag1 = m.group("mag1") or (mag2 if m.group("high") else None)  # 1.5-2万: the 万 covers both ends
        low = _value(m.group("low"), mag1)
        high = _value(m.group("high"), mag2) if m.group("high") else None
        pre, post = m.group("pre"), m.group("post") or m.group("approx")
        qualifier = QUALIFIERS_BEFORE[pre] if pre else QUALIFIERS_AFTER.get(post or "", "")
        figures.append(Figure(m.group(), m.start(), m.end(), low, high, m.group("unit") or "", qualifier))
    return figures


def _value(number: str, magnitude: str | None) -> Decimal:
    return Decimal(number.replace(",", "")) * MAGNITUDES.get(magnitude or "", Decimal(1))


def _plain(value: Decimal) -> str:
    """12.50 → '12.5', 33000.0 → '33,000' (thousands grouped, no float noise)."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def format_value(value: Decimal) -> str:
    """English words for a value: 33000 → '33,000', 1.8e11 → '180 billion', 2.4e7 → '24 million'."""
    for size, word in SCALES:
        if value >= size:
            return f"{_plain(value / size)} {word}"
    return _plain(value)


def format_range(low: Decimal, high: Decimal) -> str:
    """'15,000-20,000', or '1.5-2 billion' when both ends share a scale word."""
    for size, word in SCALES:
        if low >= size and high >= size:
            return f"{_plain(low / size)}-{_plain(high / size)} {word}"
    return f"{format_value(low)}-{format_value(high)}"


def english_numbers(text: str) -> list[tuple[str, tuple[Decimal, ...]]]:
    """Numbers an English text states outside its 「Chinese quotes」, with the values they denote."""
    found = []
    for m in EN_NUMBER_RE.finditer(QUOTED_RE.sub(" ", text)):
        scale = next((size for size, word in SCALES if word == m.group(5)), Decimal(1))
        values = [Decimal(m.group(1).replace(",", "") + (m.group(2) or "")) * scale]
        if m.group(3):
            values.append(Decimal(m.group(3).replace(",", "") + (m.group(4) or "")) * scale)
        found.append((m.group().strip(), tuple(values)))
    return found


def ungrounded_english(text: str, quote: str, allowed: tuple[int, ...] = ()) -> list[str]:
    """Numbers of an English reply (outside its Chinese quotes) that no figure of `quote` states — a 3.3 printed
    for 3.3万 is one. `allowed` are values from metadata (the report's year)."""
    values = {v for f in parse_figures(quote) for v in f.values} | {Decimal(a) for a in allowed}
    return [words for words, stated in english_numbers(text) if not set(stated) <= values]


# The other way, for questions: "100 million yuan" → 亿元, "10 million USD" → 千万美元, "over 3 billion" → 30亿元以上.
EN_UNITS_ZH = {"yuan": "元", "rmb": "元", "usd": "美元", "us dollars": "美元", "dollars": "美元", "people": "人",
               "persons": "人", "residents": "人", "households": "户", "homes": "户", "mu": "亩", "km": "公里",
               "square metres": "平方米", "square meters": "平方米", "sq m": "平方米", "sqm": "平方米"}
# "How many households / people …": the unit an English question counts in, as the report writes it.
EN_COUNTED_RE = re.compile(r"\bhow\s+many\s+(?:[\w-]+\s+){0,4}?(households|homes|people|persons|residents)\b",
                           re.IGNORECASE)
EN_SCALE = {"trillion": Decimal(10) ** 12, "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9,
            "million": Decimal(10) ** 6, "m": Decimal(10) ** 6, "thousand": Decimal(10) ** 3, "k": Decimal(10) ** 3}
EN_AMOUNT_RE = re.compile(
    r"(?P<over>\b(?:over|above|more than|at least|exceeding|upwards of)\s+)?(?:(?:rmb|usd|us\$|\$|¥)\s*)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<scale>trillion|billion|bn|million|m|thousand|k)?\b\+?"
    r"\s*(?P<unit>" + "|".join(sorted(EN_UNITS_ZH, key=len, reverse=True)) + r")?\b", re.IGNORECASE)


def chinese_amounts(question: str) -> list[str]:
    """How the report would write the amounts an English question names (its caller keeps those the report
    uses): "100 million yuan" → 亿元 / 1亿元, "10 million USD" → 千万美元, "over 3 billion" → 30亿元以上."""
    found: list[str] = []
    for match in EN_AMOUNT_RE.finditer(question.lower()):
        value = Decimal(match["num"].replace(",", "")) * EN_SCALE.get(match["scale"] or "", Decimal(1))
        if YEAR_RANGE[0] <= value <= YEAR_RANGE[1] and not match["scale"] and not match["unit"]:
            continue  # "in 2025" is a year
        unit = EN_UNITS_ZH.get((match["unit"] or "").lower(), "")
        if unit == "元" and not match["scale"] and match["unit"] is None:
            unit = ""
        for amount in _zh_magnitudes(value):
            if unit or not amount.isdigit():  # a bare 20 says nothing the report could be searched for
                found += [f"{amount}{unit}", *([f"{amount}{unit}以上"] if match["over"] else [])]
    return [a for a in dict.fromkeys(found) if len(a) >= 2]


def _zh_magnitudes(value: Decimal) -> list[str]:
    """A value in the report's magnitudes: 1亿 and the bare 亿 for one; 千万 for ten million; 3.3万."""
    forms = []
    for char, size in (("亿", MAGNITUDES["亿"]), ("万", MAGNITUDES["万"])):
        if value >= size:
            count = value / size
            forms.append(f"{count.normalize():f}{char}")
            if count == 1 and char == "亿":
                forms.append(char)  # 亿元以上项目: the report writes one hundred million without a digit
            if char == "万" and count == 1000:
                forms.append("千万")
            break
    return forms or [f"{value.normalize():f}"]


def asked_unit(question: str) -> str | None:
    """The report's unit an English how-many question counts in ("how many households …" → 户), else None."""
    match = EN_COUNTED_RE.search(question)
    return EN_UNITS_ZH[match.group(1).lower()] if match else None
