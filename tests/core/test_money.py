"""Tests for daicho.core.money (pure Python: no database or settings needed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from daicho.core.money import (
    MoneyError,
    change_ratio,
    format_percent,
    format_yen,
    parse_yen,
    reduction_ratio,
    to_thousand,
)

# --- parse_yen ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Plain and separated numbers.
        ("1234", 1234),
        ("1,234", 1234),
        ("1,234,567", 1234567),
        ("0", 0),
        ("1,23,4", 1234),  # separators are not policed
        (" 1 234 ", 1234),
        # Full-width input.
        ("１，２３４", 1234),
        ("１２３４円", 1234),
        ("￥１，２３４", 1234),
        # Currency marks.
        ("¥1,234", 1234),
        ("\\1,234", 1234),  # yen sign typed as a backslash on Japanese keyboards
        ("1,234円", 1234),
        ("¥1,234円", 1234),
        # Negatives.
        ("△1,234", -1234),
        ("▲1,234", -1234),
        ("-1,234", -1234),
        ("−1,234", -1234),  # U+2212 minus sign
        ("－１，２３４", -1234),  # full-width hyphen-minus
        ("(1,234)", -1234),
        ("（１，２３４）", -1234),
        ("△1,234円", -1234),
        ("-¥1,234", -1234),
        ("¥-1,234", -1234),
        ("(¥1,234)", -1234),
        ("+1,234", 1234),
        # Integral decimals.
        ("1234.0", 1234),
        ("1,234.00", 1234),
        # Units.
        ("12千円", 12000),
        ("1.2万円", 12000),
        ("3億円", 300000000),
        ("5万", 50000),
        ("1億2,000万円", 120000000),
        ("1億2000万3456円", 120003456),
        ("△1.2万円", -12000),
        ("1,234千円", 1234000),
    ],
)
def test_parse_yen_accepts(text, expected):
    assert parse_yen(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", 1500),
        ("1,234", 1234000),
        ("1.234", 1234),
        ("0.001", 1),
        ("1.2340", 1234),  # trailing zero beyond 3 places is still whole yen
        ("△1.5", -1500),
        ("(2)", -2000),
        ("１．５", 1500),
        # An explicit 億/万/千 unit states the amount itself: no extra 1000x.
        ("12千円", 12000),
        ("1.2万円", 12000),
        ("3億円", 300000000),
    ],
)
def test_parse_yen_thousands(text, expected):
    assert parse_yen(text, thousands=True) == expected


@pytest.mark.parametrize(
    ("value", "thousands", "expected"),
    [
        (1234, False, 1234),
        (-1234, False, -1234),
        (1234, True, 1234000),
        (1234.0, False, 1234),
        (1.5, True, 1500),
        (1.234, True, 1234),  # openpyxl hands back floats from 千円 columns
        (Decimal("1234"), False, 1234),
        (Decimal("1234.00"), False, 1234),
        (Decimal("1.5"), True, 1500),
    ],
)
def test_parse_yen_accepts_numbers(value, thousands, expected):
    result = parse_yen(value, thousands=thousands)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_parse_yen_empty_is_none(text):
    assert parse_yen(text) is None
    assert parse_yen(text, thousands=True) is None


@pytest.mark.parametrize("text", ["1.5", "1,234.5", "△0.1", "0.5円"])
def test_parse_yen_rejects_fractions_of_a_yen(text):
    with pytest.raises(MoneyError, match="円単位の整数で入力してください") as excinfo:
        parse_yen(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize("value", [1.5, Decimal("0.5")])
def test_parse_yen_rejects_fractional_numbers(value):
    with pytest.raises(MoneyError, match="円単位の整数で入力してください"):
        parse_yen(value)


@pytest.mark.parametrize("text", ["1.2345", "0.0001", "△1.2345"])
def test_parse_yen_thousands_allows_only_three_decimal_places(text):
    with pytest.raises(MoneyError, match="千円単位は小数第3位まで") as excinfo:
        parse_yen(text, thousands=True)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1,234abc",
        "1.2.3",
        "¥",
        "円",
        "-",
        "△",
        "()",
        "△-1,234",  # two signs
        "(△1,234)",
        "(-1,234)",
        "1,234-",
        "2千1億",  # units out of order
        "1万万",
        "1e3",
        "１２３４ドル",
    ],
)
def test_parse_yen_rejects_unreadable_text_and_quotes_it(text):
    with pytest.raises(MoneyError, match="金額として読めません") as excinfo:
        parse_yen(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize(
    "value", [True, False, float("nan"), float("inf"), Decimal("NaN"), [1234], object()]
)
def test_parse_yen_rejects_other_values(value):
    with pytest.raises(MoneyError, match="金額として読めません"):
        parse_yen(value)


def test_money_error_is_a_value_error():
    assert issubclass(MoneyError, ValueError)


# --- to_thousand --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, 0),
        (499, 0),
        (500, 1),
        (999, 1),
        (1000, 1),
        (1499, 1),
        (1500, 2),
        (1234499, 1234),
        (1234500, 1235),
        (1234567, 1235),
        (-499, 0),
        (-500, -1),
        (-1499, -1),
        (-1500, -2),
        (-1234567, -1235),
    ],
)
def test_to_thousand_rounds_half_up_symmetrically(amount, expected):
    assert to_thousand(amount) == expected


# --- format_yen ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "kwargs", "expected"),
    [
        (None, {}, ""),
        (None, {"unit": "thousand"}, ""),
        (0, {}, "0"),
        (999, {}, "999"),
        (1234567, {}, "1,234,567"),
        (1000000000, {}, "1,000,000,000"),
        (-1234567, {}, "△1,234,567"),
        (-1234567, {"sign": "minus"}, "-1,234,567"),
        (-5, {}, "△5"),
        # 千円
        (1234567, {"unit": "thousand"}, "1,235"),
        (1234499, {"unit": "thousand"}, "1,234"),
        (500, {"unit": "thousand"}, "1"),
        (499, {"unit": "thousand"}, "0"),
        (-1500, {"unit": "thousand"}, "△2"),
        (-1234567, {"unit": "thousand"}, "△1,235"),
        (-1234567, {"unit": "thousand", "sign": "minus"}, "-1,235"),
        (-499, {"unit": "thousand"}, "0"),  # rounds to zero: no sign
        (1234567890, {"unit": "thousand"}, "1,234,568"),
    ],
)
def test_format_yen(amount, kwargs, expected):
    assert format_yen(amount, **kwargs) == expected


def test_format_yen_triangle_is_white_up_pointing_triangle():
    assert format_yen(-1)[0] == "\u25b3"


@pytest.mark.parametrize("amount", [0, 1234, -1234, 1234567890, -5])
@pytest.mark.parametrize("sign", ["triangle", "minus"])
def test_format_yen_round_trips_parse_yen(amount, sign):
    assert parse_yen(format_yen(amount, sign=sign)) == amount


def test_format_yen_thousand_round_trips_parse_yen_thousands():
    assert parse_yen(format_yen(-1234567, unit="thousand"), thousands=True) == -1235000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"unit": "man"}, "unknown unit"), ({"sign": "paren"}, "unknown sign style")],
)
def test_format_yen_rejects_unknown_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        format_yen(1234, **kwargs)


@pytest.mark.parametrize("amount", [1234.0, Decimal("1234"), "1234", True])
def test_format_yen_requires_int(amount):
    with pytest.raises(TypeError):
        format_yen(amount)


# --- ratios -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "value", "expected"),
    [
        (1000, 1300, 0.3),
        (1000, 950, -0.05),
        (1000, 1000, 0.0),
        (1000, 0, -1.0),
        (0, 1000, None),
        (None, 1000, None),
        (1000, None, None),
        (None, None, None),
    ],
)
def test_change_ratio(base, value, expected):
    result = change_ratio(base, value)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("base", "value", "expected"),
    [
        (1000, 700, 0.3),
        (1000, 1050, -0.05),
        (1000, 1000, 0.0),
        (1000, 0, 1.0),
        (0, 1000, None),
        (None, 1000, None),
        (1000, None, None),
    ],
)
def test_reduction_ratio(base, value, expected):
    result = reduction_ratio(base, value)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("ratio", "kwargs", "expected"),
    [
        (0.3, {}, "30.0%"),
        (-0.05, {}, "△5.0%"),
        (None, {}, "—"),
        (0.0, {}, "0.0%"),
        (1.0, {}, "100.0%"),
        (0.0125, {}, "1.3%"),  # half-up, not banker's rounding
        (-0.0125, {}, "△1.3%"),
        (0.12345, {"digits": 2}, "12.35%"),
        (0.3, {"digits": 0}, "30%"),
        (0.005, {"digits": 0}, "1%"),
        (-0.00001, {}, "0.0%"),  # rounds to zero: no sign
        (-0.05, {"sign": "minus"}, "-5.0%"),
        (12.5, {}, "1250.0%"),
        (1, {}, "100.0%"),
    ],
)
def test_format_percent(ratio, kwargs, expected):
    assert format_percent(ratio, **kwargs) == expected


def test_format_percent_of_ratios():
    assert format_percent(change_ratio(1000, 950)) == "△5.0%"
    assert format_percent(reduction_ratio(1000, 700)) == "30.0%"
    assert format_percent(change_ratio(0, 700)) == "—"


@pytest.mark.parametrize(
    ("ratio", "kwargs"),
    [(float("nan"), {}), (float("inf"), {}), (0.3, {"digits": -1}), (0.3, {"sign": "x"})],
)
def test_format_percent_rejects_bad_arguments(ratio, kwargs):
    with pytest.raises(ValueError):
        format_percent(ratio, **kwargs)
