"""Chinese figures in English, and the guard that every English number maps back to a Chinese figure."""
from decimal import Decimal

import pytest

from knowledge.figures_en import english_numbers, format_value, parse_figures, ungrounded_english


@pytest.mark.parametrize("chinese, english", [
    # the examples
    ("1800亿元", "180 billion yuan"),
    ("145亿元", "14.5 billion yuan"),
    ("3.3万人", "33,000 people"),
    ("1.8万人次", "18,000 person-visits"),
    # 万, 亿, 万亿 and decimals
    ("2400万", "24 million"),
    ("350亿元", "35 billion yuan"),
    ("1.2万亿元", "1.2 trillion yuan"),
    ("0.5万", "5,000"),
    ("12.5万平方米", "125,000 square metres"),
    ("500万元", "5 million yuan"),
    ("2.5亿美元", "250 million US dollars"),
    ("1万人", "10,000 people"),
    ("867.5亩", "867.5 mu"),
    ("1,000户", "1,000 households"),
    # percentages
    ("5%", "5%"),
    ("70%以上", "at least 70%"),
    ("超20%", "over 20%"),
    # units
    ("7530个", "7,530"),
    ("180张", "180"),
    ("1500辆", "1,500 vehicles"),
    ("3000套", "3,000 housing units"),
    ("1000户", "1,000 households"),
    ("8100亩", "8,100 mu"),
    ("12公里", "12 km"),
    ("3万平方米", "30,000 square metres"),
    ("240小时", "240 hours"),
    ("500名", "500 people"),
    ("2025年", "2025"),
    ("3年", "3 years"),
    # ranges
    ("1.5-2万", "15,000-20,000"),
    ("1.5万-2万人", "15,000-20,000 people"),
    ("10至20个", "10-20"),
    ("150-200亿元", "15-20 billion yuan"),
    # qualifiers
    ("超1000户", "over 1,000 households"),
    ("约3万平方米", "about 30,000 square metres"),
    ("8000人以上", "at least 8,000 people"),
    ("1000人左右", "about 1,000 people"),
    ("1000余户", "over 1,000 households"),
    ("20多个", "over 20"),
    ("突破2400万", "over 24 million"),
    ("近5000人", "nearly 5,000 people"),
    ("不低于1500亩", "at least 1,500 mu"),
])
def test_conversion(chinese, english):
    figures = parse_figures(chinese)
    assert len(figures) == 1 and figures[0].text == chinese
    assert figures[0].english() == english


def test_classifier_takes_the_counted_noun():
    assert parse_figures("新增学位7530个")[0].english("school places") == "7,530 school places"
    assert parse_figures("引进人才500名")[0].english("talents") == "500 talents"
    assert parse_figures("3.3万人")[0].english("jobs") == "33,000 people"  # a real unit keeps its word
    assert parse_figures("新增上市企业1家")[0].english("businesses") == "1 business"
    assert parse_figures("1人")[0].english() == "1 person"


def test_spans_and_values_in_a_sentence():
    text = "开展职业技能培训1.8万人次,新增城镇就业3.3万人、住房公积金缴存6.6万人"
    figures = parse_figures(text)
    assert [f.text for f in figures] == ["1.8万人次", "3.3万人", "6.6万人"]
    assert all(text[f.start:f.end] == f.text for f in figures)
    assert [f.low for f in figures] == [Decimal(18000), Decimal(33000), Decimal(66000)]


@pytest.mark.parametrize("value, words", [
    (Decimal(999999), "999,999"), (Decimal(1000000), "1 million"), (Decimal("14500000000"), "14.5 billion"),
    (Decimal("2.5"), "2.5"), (Decimal(10) ** 12, "1 trillion"), (Decimal("33000.0"), "33,000"),
])
def test_format_value(value, words):
    assert format_value(value) == words


def test_english_numbers_read_scale_words_and_skip_chinese_quotes():
    found = english_numbers("33,000 people; 1.5-2 billion yuan; 24 million. 「新增城镇就业3.3万人」")
    assert found == [("33,000", (Decimal(33000),)), ("1.5-2 billion", (Decimal("1.5E9"), Decimal("2E9"))),
                     ("24 million", (Decimal(24000000),))]


@pytest.mark.parametrize("text, ungrounded", [
    ("33,000 people (jobs): 「新增城镇就业3.3万人」", []),
    ("3.3 people: 「新增城镇就业3.3万人」", ["3.3"]),               # dropped its 万: off by 10,000
    ("330,000 people", ["330,000"]),
    ("18,000 person-visits and 66,000 people", []),
    ("Planned for 2025.", []),                                        # the report's year, from metadata
    ("Planned for 2026.", ["2026"]),
])
def test_guard_maps_every_english_number_to_a_chinese_figure(text, ungrounded):
    quote = "开展职业技能培训1.8万人次,新增城镇就业3.3万人、住房公积金缴存6.6万人"
    assert ungrounded_english(text, quote, allowed=(2025,)) == ungrounded


@pytest.mark.parametrize("question, amounts", [
    ("How many projects above 100 million yuan?", ["1亿元", "1亿元以上", "亿元", "亿元以上"]),
    ("foreign projects over 10 million USD", ["1000万美元", "1000万美元以上", "千万美元", "千万美元以上"]),
    ("and how many above 3 billion?", ["30亿", "30亿以上"]),
    ("will it cover 10,000 people?", ["1万人"]),
    ("24 million tourists", ["2400万"]),
    ("in 2025, about 20 routes", []),  # a year, and a bare count the report could not be searched for
])
def test_english_amounts_read_as_the_report_writes_them(question, amounts):
    from knowledge.figures_en import chinese_amounts

    assert chinese_amounts(question) == amounts


def test_english_amount_becomes_a_report_term(kb):
    query = kb.analyzer.analyze("How many projects above 100 million yuan does the district aim to sign?")
    assert "亿元以上" in query.expansions
