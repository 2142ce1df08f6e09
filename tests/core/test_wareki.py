"""Tests for daicho.core.wareki (pure Python: no database or settings needed)."""

from __future__ import annotations

from datetime import date

import pytest

from daicho.core.wareki import (
    ERAS,
    WarekiError,
    add_months,
    era_year,
    fiscal_year_of,
    fiscal_year_range,
    format_date,
    format_fiscal_year,
    normalize,
    parse_date,
    parse_fiscal_year,
)

# --- ERAS / normalize ---------------------------------------------------------------------


def test_eras_are_in_order_with_expected_starts():
    assert [(e.name, e.abbr, e.start) for e in ERAS] == [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２０１４年４月１日", "2014年4月1日"),
        ("Ｈ２６．４．１", "H26.4.1"),
        ("  FY 2014  ", "FY2014"),
        ("平成\u300026年度", "平成26年度"),  # ideographic space
        ("ｆｙ\t２０１４", "fy2014"),
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Western forms.
        ("2014-04-01", date(2014, 4, 1)),
        ("2014/4/1", date(2014, 4, 1)),
        ("2014.4.1", date(2014, 4, 1)),
        ("20140401", date(2014, 4, 1)),
        ("2014年4月1日", date(2014, 4, 1)),
        ("2015-03-31", date(2015, 3, 31)),
        ("２０１４－０４－０１", date(2014, 4, 1)),
        ("2014−04−01", date(2014, 4, 1)),  # U+2212 minus sign pasted from documents
        (" 2014/04/01 ", date(2014, 4, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        # Japanese era, full names.
        ("平成26年4月1日", date(2014, 4, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成1年1月8日", date(1989, 1, 8)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和6年4月1日", date(2024, 4, 1)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("平成２６年４月１日", date(2014, 4, 1)),
        ("平成 26 年 4 月 1 日", date(2014, 4, 1)),
        ("㍻26年4月1日", date(2014, 4, 1)),  # U+337B square era name
        # Era boundaries.
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        # Abbreviations.
        ("H26.4.1", date(2014, 4, 1)),
        ("H26/4/1", date(2014, 4, 1)),
        ("H26-4-1", date(2014, 4, 1)),
        ("h26.4.1", date(2014, 4, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("R01.05.01", date(2019, 5, 1)),
        ("r6.4.1", date(2024, 4, 1)),
        ("S64.1.7", date(1989, 1, 7)),
        ("H31.4.30", date(2019, 4, 30)),
        ("Ｈ２６．４．１", date(2014, 4, 1)),
        ("H26年4月1日", date(2014, 4, 1)),
        ("平成26.4.1", date(2014, 4, 1)),
        # A year and month: the first of the month.
        ("平成26年4月", date(2014, 4, 1)),
        ("H30.4", date(2018, 4, 1)),
        ("H26/4", date(2014, 4, 1)),
        ("2014/4", date(2014, 4, 1)),
        ("2014-04", date(2014, 4, 1)),
        ("2014.10", date(2014, 10, 1)),
        ("2014年4月", date(2014, 4, 1)),
        ("R1.5", date(2019, 5, 1)),
        ("令和元年5月", date(2019, 5, 1)),
        ("平成31年4月", date(2019, 4, 1)),
        ("平成元年1月", date(1989, 1, 1)),  # partly 平成: the month is read whole
        ("Ｈ３０．４", date(2018, 4, 1)),
        # Excel date-times as written into CSV (and by the XLSX reader): the date.
        ("2014/04/01 0:00", date(2014, 4, 1)),
        ("2014-04-01 00:00:00", date(2014, 4, 1)),
        ("2014/4/1 9:30", date(2014, 4, 1)),
        ("2014/4/1 23:59:59", date(2014, 4, 1)),
        ("2014-04-01T09:30:00", date(2014, 4, 1)),
        ("2014-04-01 09:30:00.250", date(2014, 4, 1)),
        ("平成26年4月1日 9:30", date(2014, 4, 1)),
        ("２０１４/４/１　９：３０", date(2014, 4, 1)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "2014-4/1",  # mixed separators
        "14-04-01",
        "201441",
        "H26",
        "2014",
        "平成26年",
        "2014/4/1 午後",
        "9:30",
        "X26.4.1",
        "平成26年4月1日午後",
    ],
)
def test_parse_date_rejects_unreadable_text_and_quotes_it(text):
    with pytest.raises(WarekiError, match="日付として読めません") as excinfo:
        parse_date(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize(
    "text",
    [
        "2014-02-30",
        "2015-02-29",
        "2014-13-01",
        "20140431",
        "平成26年2月30日",
        "H26.13.1",
        "H0.4.1",
    ],
)
def test_parse_date_rejects_nonexistent_dates(text):
    with pytest.raises(WarekiError, match="存在しない日付です") as excinfo:
        parse_date(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "era"),
    [
        ("平成31年5月1日", "平成"),
        ("H31.5.1", "平成"),
        ("平成32年1月1日", "平成"),
        ("令和1年4月30日", "令和"),
        ("令和元年4月30日", "令和"),
        ("R1.1.1", "令和"),
        ("平成元年1月7日", "平成"),
        ("S64.1.8", "昭和"),
        ("昭和元年12月24日", "昭和"),
        ("M1.1.1", "明治"),
    ],
)
def test_parse_date_rejects_dates_outside_the_era(text, era):
    with pytest.raises(WarekiError, match=f"{era}の期間外の日付です") as excinfo:
        parse_date(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("平成31年5月7日", "（平成は2019年4月30日まで）"),
        ("平成31年5月", "（平成は2019年4月30日まで）"),
        ("H32.1.1", "（平成は2019年4月30日まで）"),
        ("令和元年4月1日", "（令和は2019年5月1日から）"),
        ("令和元年4月", "（令和は2019年5月1日から）"),
        ("昭和64年1月8日", "（昭和は1989年1月7日まで）"),
        ("M1.1.1", "（明治は1868年1月25日から）"),
        ("2014年2月30日", "（2014年2月は28日まで）"),
        ("平成28年2月30日", "（2016年2月は29日まで）"),
        ("2014/4/31 0:00", "（2014年4月は30日まで）"),
        ("2014-13-01", "（月は1〜12）"),
        ("2014/13", "（月は1〜12）"),
        ("H26.0", "（月は1〜12）"),
        ("H0.4.1", "（和暦の年は元年（1年）から）"),
    ],
)
def test_parse_date_says_why_a_date_cannot_be(text, reason):
    with pytest.raises(WarekiError) as excinfo:
        parse_date(text)
    assert str(excinfo.value).endswith(reason)
    assert repr(text) in str(excinfo.value)


def test_the_reason_comes_with_what_a_message_needs():
    with pytest.raises(WarekiError) as excinfo:
        parse_date("平成31年5月7日")
    assert excinfo.value.reason == "era_ended"
    assert excinfo.value.params == {"era": "平成", "last": date(2019, 4, 30)}
    with pytest.raises(WarekiError) as excinfo:
        parse_date("2015-02-29")
    assert excinfo.value.reason == "no_such_day"
    assert excinfo.value.params == {"year": 2015, "month": 2, "days": 28}
    with pytest.raises(WarekiError) as excinfo:
        parse_date("無期限")
    assert excinfo.value.reason == "unreadable"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_parse_date_rejects_empty(text):
    with pytest.raises(WarekiError, match="日付が入力されていません"):
        parse_date(text)


@pytest.mark.parametrize("value", [None, 20140401, date(2014, 4, 1)])
def test_parse_date_rejects_non_strings(value):
    with pytest.raises(WarekiError):
        parse_date(value)


def test_wareki_error_is_a_value_error():
    assert issubclass(WarekiError, ValueError)


# --- parse_fiscal_year --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (2014, 2014),
        ("2014", 2014),
        ("2014年度", 2014),
        ("FY2014", 2014),
        ("fy 2014", 2014),
        ("Fy2014", 2014),
        ("平成26年度", 2014),
        ("平成26", 2014),
        ("H26", 2014),
        ("h26", 2014),
        ("H26年度", 2014),
        ("令和元年度", 2019),
        ("令和1年度", 2019),
        ("R1", 2019),
        ("R01", 2019),
        ("R6", 2024),
        ("平成30年度", 2018),
        ("平成31年度", 2019),  # still seen in budgets drafted before the era change
        ("昭和63年度", 1988),
        ("平成元年度", 1989),
        ("２０１４年度", 2014),
        ("ＦＹ２０１４", 2014),
        ("平成２６年度", 2014),
        ("Ｈ２６", 2014),
        (" 2014 年度 ", 2014),
        ("2014年度（平成26年度）", 2014),  # output of format_fiscal_year(style="both")
        ("2019年度(令和元年度)", 2019),
        (1900, 1900),
        (2200, 2200),
    ],
)
def test_parse_fiscal_year_accepts(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("fy", [1989, 2000, 2014, 2018, 2019, 2020, 2031])
@pytest.mark.parametrize("style", ["both", "wareki", "western", "short", "en"])
def test_parse_fiscal_year_round_trips_format_fiscal_year(fy, style):
    assert parse_fiscal_year(format_fiscal_year(fy, style=style)) == fy


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "年度として読めません"),
        ("2014年", "年度として読めません"),
        ("14年度", "年度として読めません"),
        ("FY", "年度として読めません"),
        ("平成", "年度として読めません"),
        ("2014年度（平成27年度）", "西暦と和暦の年度が一致しません"),
        ("H32", "平成の期間外の年度です"),
        ("平成32年度", "平成の期間外の年度です"),
        ("R0", "令和の期間外の年度です"),
        ("1899", "1900〜2200の範囲"),
        ("FY2201", "1900〜2200の範囲"),
        ("M1", "1900〜2200の範囲"),
    ],
)
def test_parse_fiscal_year_rejects_and_quotes_text(text, message):
    with pytest.raises(WarekiError, match=message) as excinfo:
        parse_fiscal_year(text)
    assert repr(text) in str(excinfo.value)


@pytest.mark.parametrize("value", [1899, 2201, 0, -2014])
def test_parse_fiscal_year_range_checks_ints(value):
    with pytest.raises(WarekiError, match="1900〜2200の範囲") as excinfo:
        parse_fiscal_year(value)
    assert str(value) in str(excinfo.value)


@pytest.mark.parametrize("text", ["", "  "])
def test_parse_fiscal_year_rejects_empty(text):
    with pytest.raises(WarekiError, match="年度が入力されていません"):
        parse_fiscal_year(text)


@pytest.mark.parametrize("value", [None, True, 2014.0])
def test_parse_fiscal_year_rejects_other_types(value):
    with pytest.raises(WarekiError):
        parse_fiscal_year(value)


# --- fiscal_year_of / fiscal_year_range -----------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2014, 4, 1), 2014),
        (date(2014, 12, 31), 2014),
        (date(2015, 1, 1), 2014),
        (date(2015, 3, 31), 2014),
        (date(2015, 4, 1), 2015),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
        (date(2020, 3, 31), 2019),
    ],
)
def test_fiscal_year_of(d, expected):
    assert fiscal_year_of(d) == expected


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2014, (date(2014, 4, 1), date(2015, 3, 31))),
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (2023, (date(2023, 4, 1), date(2024, 3, 31))),  # March 31 of a leap year
    ],
)
def test_fiscal_year_range(fy, expected):
    assert fiscal_year_range(fy) == expected


@pytest.mark.parametrize("fy", [2014, 2019, 2023])
def test_fiscal_year_range_bounds_belong_to_the_fiscal_year(fy):
    start, end = fiscal_year_range(fy)
    assert fiscal_year_of(start) == fiscal_year_of(end) == fy


# --- era_year / format_date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2014, 4, 1), ("平成", 26)),
        (date(1989, 1, 7), ("昭和", 64)),
        (date(1989, 1, 8), ("平成", 1)),
        (date(2019, 4, 30), ("平成", 31)),
        (date(2019, 5, 1), ("令和", 1)),
        (date(2024, 4, 1), ("令和", 6)),
        (date(1926, 12, 25), ("昭和", 1)),
        (date(1912, 7, 30), ("大正", 1)),
        (date(1868, 1, 25), ("明治", 1)),
    ],
)
def test_era_year(d, expected):
    assert era_year(d) == expected


def test_era_year_before_meiji_raises():
    with pytest.raises(WarekiError, match="1868-01-24"):
        era_year(date(1868, 1, 24))


@pytest.mark.parametrize(
    ("d", "style", "expected"),
    [
        (date(2014, 4, 1), "wareki", "平成26年4月1日"),
        (date(2019, 5, 1), "wareki", "令和元年5月1日"),
        (date(2019, 4, 30), "wareki", "平成31年4月30日"),
        (date(1989, 1, 8), "wareki", "平成元年1月8日"),
        (date(2020, 12, 31), "wareki", "令和2年12月31日"),
        (date(2014, 4, 1), "western", "2014年4月1日"),
        (date(2019, 5, 1), "western", "2019年5月1日"),
    ],
)
def test_format_date(d, style, expected):
    assert format_date(d, style=style) == expected


def test_format_date_defaults_to_wareki():
    assert format_date(date(2014, 4, 1)) == "平成26年4月1日"


@pytest.mark.parametrize(
    "d", [date(1989, 1, 7), date(1989, 1, 8), date(2019, 4, 30), date(2019, 5, 1)]
)
@pytest.mark.parametrize("style", ["wareki", "western"])
def test_format_date_round_trips_parse_date(d, style):
    assert parse_date(format_date(d, style=style)) == d


def test_format_date_rejects_unknown_style():
    with pytest.raises(ValueError, match="unknown date style"):
        format_date(date(2014, 4, 1), style="iso")


# --- format_fiscal_year -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fy", "style", "expected"),
    [
        (2014, "both", "2014年度（平成26年度）"),
        (2019, "both", "2019年度（令和元年度）"),
        (2014, "wareki", "平成26年度"),
        (2018, "wareki", "平成30年度"),
        (2019, "wareki", "令和元年度"),
        (2020, "wareki", "令和2年度"),
        (1988, "wareki", "昭和63年度"),
        (1989, "wareki", "平成元年度"),
        (2014, "western", "2014年度"),
        (2019, "western", "2019年度"),
        (2014, "short", "H26"),
        (2019, "short", "R1"),
        (1988, "short", "S63"),
        (2014, "en", "FY2014"),
        (2019, "en", "FY2019"),
    ],
)
def test_format_fiscal_year(fy, style, expected):
    assert format_fiscal_year(fy, style=style) == expected


def test_format_fiscal_year_defaults_to_both():
    assert format_fiscal_year(2014) == "2014年度（平成26年度）"


def test_format_fiscal_year_rejects_unknown_style():
    with pytest.raises(ValueError, match="unknown fiscal year style"):
        format_fiscal_year(2014, style="long")


# --- add_months (the restore-test due date, the end-of-support horizon) -------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2014, 1, 31), 1, date(2014, 2, 28)),  # the month's last day when it is shorter
        (date(2016, 1, 31), 1, date(2016, 2, 29)),  # a leap year
        (date(2014, 4, 1), 12, date(2015, 4, 1)),
        (date(2014, 11, 30), 3, date(2015, 2, 28)),  # across the year end
        (date(2015, 3, 31), -1, date(2015, 2, 28)),
        (date(2014, 4, 1), 0, date(2014, 4, 1)),
    ],
)
def test_add_months_keeps_the_day_within_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_past_the_year_9999_is_a_value_error():
    with pytest.raises(ValueError):
        add_months(date(9999, 12, 1), 1)
