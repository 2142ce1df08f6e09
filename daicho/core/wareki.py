"""Fiscal year (年度) and Japanese era (和暦) helpers.

Conventions used throughout:

* A fiscal year is identified by the calendar year in which it starts:
  FY2014 = 平成26年度 = 2014-04-01 .. 2015-03-31.
* The first year of an era is written 元年 (令和元年 = 2019, 平成元年 = 1989).
* An era ends the day before the next era starts (平成 ends 2019-04-30).
* A date may be written as a year and month (平成26年4月, H26.4, 2014/4, 2014年4月): it is read
  as the first of that month. A time after a date, as Excel writes date-times into CSV
  ("2014/4/1 9:30", "2014-04-01 00:00:00"), is ignored: the date is what is read.

Everything here is plain Python so it can be used from models, forms, imports and
management commands alike.  User-facing problems raise :class:`WarekiError`, whose
message is short, Japanese, and quotes the text that could not be read.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "ERAS",
    "Era",
    "WarekiError",
    "add_months",
    "era_year",
    "fiscal_year_of",
    "fiscal_year_range",
    "format_date",
    "format_fiscal_year",
    "normalize",
    "parse_date",
    "parse_fiscal_year",
]

#: Fiscal years accepted by :func:`parse_fiscal_year`.
MIN_FISCAL_YEAR = 1900
MAX_FISCAL_YEAR = 2200

#: First month of a fiscal year (April).
FISCAL_YEAR_START_MONTH = 4


class WarekiError(ValueError):
    """A date or fiscal year that cannot be read; the message is shown to users.

    ``reason`` says why, for callers that word (and translate) the message themselves:
    "unreadable", "empty", "no_such_date", "no_such_month" (params: month),
    "no_such_day" (year, month, days: the days that month has), "year_zero",
    "era_not_begun" (era, first: its first day) or "era_ended" (era, last: its last day)."""

    def __init__(self, message: str, reason: str = "unreadable", **params):
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Era:
    """One Japanese era: its name, one-letter abbreviation and first day."""

    name: str
    abbr: str
    start: datetime.date


ERAS: tuple[Era, ...] = (
    Era("明治", "M", datetime.date(1868, 1, 25)),
    Era("大正", "T", datetime.date(1912, 7, 30)),
    Era("昭和", "S", datetime.date(1926, 12, 25)),
    Era("平成", "H", datetime.date(1989, 1, 8)),
    Era("令和", "R", datetime.date(2019, 5, 1)),
)

_ERA_BY_KEY: dict[str, Era] = {e.name: e for e in ERAS} | {e.abbr: e for e in ERAS}

# Dash look-alikes that NFKC leaves alone but people paste into dates.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))

_ERA_TOKEN = "|".join([e.name for e in ERAS] + [e.abbr for e in ERAS])

_WESTERN_SEP_RE = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})")
_WESTERN_COMPACT_RE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_WESTERN_KANJI_RE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?")
_WAREKI_DATE_RE = re.compile(
    rf"(?P<era>{_ERA_TOKEN})(?P<y>元|\d{{1,2}})"
    r"(?:年(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日?"
    r"|(?P<sep>[-/.])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2}))",
    re.IGNORECASE,
)
# Year and month only: read as the first of the month.
_WESTERN_MONTH_RE = re.compile(r"(?P<y>\d{4})(?:[-/.](?P<m1>\d{1,2})|年(?P<m2>\d{1,2})月)")
_WAREKI_MONTH_RE = re.compile(
    rf"(?P<era>{_ERA_TOKEN})(?P<y>元|\d{{1,2}})(?:年(?P<m1>\d{{1,2}})月|[-/.](?P<m2>\d{{1,2}}))",
    re.IGNORECASE,
)
# A time after the date, as Excel writes a date-time cell into CSV: "2014/4/1 9:30",
# "2014-04-01 00:00:00", or as the XLSX reader writes one: "2014-04-01T09:30:00".
_TIME_SUFFIX_RE = re.compile(r"(?P<date>.+?)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_WESTERN_FY_RE = re.compile(r"(?:FY)?(?P<y>\d{4})(?:年度)?", re.IGNORECASE)
_WAREKI_FY_RE = re.compile(rf"(?P<era>{_ERA_TOKEN})(?P<y>元|\d{{1,2}})(?:年度)?", re.IGNORECASE)
# "2014年度(平成26年度)" -- the output of format_fiscal_year(style="both") after NFKC.
_BOTH_FY_RE = re.compile(r"(?P<outer>[^()]+)\((?P<inner>[^()]+)\)")

_DATE_STYLES = ("wareki", "western")
_FISCAL_YEAR_STYLES = ("both", "wareki", "western", "short", "en")


def normalize(text: str) -> str:
    """Return *text* NFKC-normalised (full-width to ASCII) with all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _era_index_on(d: datetime.date) -> int:
    """Return the index in ERAS of the era in force on *d*."""
    for index in range(len(ERAS) - 1, -1, -1):
        if d >= ERAS[index].start:
            return index
    raise WarekiError(f"明治より前の日付は和暦にできません: {d.isoformat()}")


def _era_end(index: int) -> datetime.date | None:
    """Return the last day of ERAS[index], or None for the current era."""
    if index + 1 < len(ERAS):
        return ERAS[index + 1].start - datetime.timedelta(days=1)
    return None


def _era_year_number(token: str) -> int:
    """Return the era year written as *token* ("元" or digits)."""
    return 1 if token == "元" else int(token)


def _year_label(year: int) -> str:
    """Return an era year as written in Japanese: 1 -> "元", otherwise the digits."""
    return "元" if year == 1 else str(year)


def _kanji_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _check_month(year: int, month: int, original: str) -> int:
    """Return the number of days of the month, or raise WarekiError for month 13 or 0."""
    if not 1 <= month <= 12:
        raise WarekiError(
            f"存在しない日付です: {original!r}（月は1〜12）", "no_such_month", month=month
        )
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise WarekiError(f"存在しない日付です: {original!r}", "no_such_date")
    return calendar.monthrange(year, month)[1]


def _make_date(year: int, month: int, day: int, original: str) -> datetime.date:
    """Build a date, turning impossible ones (Feb 30 ...) into WarekiError saying why."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        days = _check_month(year, month, original)  # month 13, year 0: says so
    raise WarekiError(
        f"存在しない日付です: {original!r}（{year}年{month}月は{days}日まで）",
        "no_such_day",
        year=year,
        month=month,
        days=days,
    )


def _wareki_span(
    m: re.Match, original: str, *, whole_month: bool
) -> tuple[datetime.date, datetime.date]:
    """The first and last day a 和暦 match writes (one day, or a whole month), checked against
    its era: 平成31年5月7日 is refused because 平成 ended on 2019-04-30."""
    era = _ERA_BY_KEY[m["era"].upper()]
    index = ERAS.index(era)
    year = _era_year_number(m["y"])
    if year < 1:
        raise WarekiError(
            f"存在しない日付です: {original!r}（和暦の年は元年（1年）から）", "year_zero"
        )
    western = era.start.year + year - 1
    month = int(m["m1"] or m["m2"])
    if whole_month:
        days = _check_month(western, month, original)
        first, last = datetime.date(western, month, 1), datetime.date(western, month, days)
    else:
        first = last = _make_date(western, month, int(m["d1"] or m["d2"]), original)
    if last < era.start:
        raise WarekiError(
            f"{era.name}の期間外の日付です: {original!r}"
            f"（{era.name}は{_kanji_date(era.start)}から）",
            "era_not_begun",
            era=era.name,
            first=era.start,
        )
    end = _era_end(index)
    if end is not None and first > end:
        raise WarekiError(
            f"{era.name}の期間外の日付です: {original!r}（{era.name}は{_kanji_date(end)}まで）",
            "era_ended",
            era=era.name,
            last=end,
        )
    return first, last


def parse_date(text: str) -> datetime.date:
    """Parse a western or Japanese-era date string into a date, or raise WarekiError.

    A year and month (平成26年4月, H26.4, 2014/4) is read as the first of the month; a time
    after the date (Excel's "2014/4/1 9:30") is ignored."""
    if not isinstance(text, str):
        raise WarekiError(f"日付として読めません: {text!r}")
    if len(text) == 10 and text[4] == text[7] == "-" and text.isascii():
        try:
            return datetime.date.fromisoformat(text)  # the common case, as exports write it
        except ValueError:
            pass  # the patterns below say why
    s = unicodedata.normalize("NFKC", text)
    if ":" in s:
        m = _TIME_SUFFIX_RE.fullmatch(s.strip())
        if m:
            s = m["date"]
    s = "".join(s.split()).translate(_DASHES)
    if not s:
        raise WarekiError("日付が入力されていません", "empty")

    for pattern in (_WESTERN_SEP_RE, _WESTERN_COMPACT_RE, _WESTERN_KANJI_RE):
        m = pattern.fullmatch(s)
        if m:
            return _make_date(int(m["y"]), int(m["m"]), int(m["d"]), text)
    m = _WAREKI_DATE_RE.fullmatch(s)
    if m:
        return _wareki_span(m, text, whole_month=False)[0]
    m = _WESTERN_MONTH_RE.fullmatch(s)
    if m:
        year, month = int(m["y"]), int(m["m1"] or m["m2"])
        _check_month(year, month, text)
        return datetime.date(year, month, 1)
    m = _WAREKI_MONTH_RE.fullmatch(s)
    if m:
        return _wareki_span(m, text, whole_month=True)[0]
    raise WarekiError(f"日付として読めません: {text!r}")


def _check_fiscal_year_range(fy: int, original: str | int) -> int:
    """Return *fy* if it lies within the accepted range, else raise WarekiError."""
    if not MIN_FISCAL_YEAR <= fy <= MAX_FISCAL_YEAR:
        raise WarekiError(
            f"年度は{MIN_FISCAL_YEAR}〜{MAX_FISCAL_YEAR}の範囲で入力してください: {original!r}"
        )
    return fy


def _parse_fiscal_year_text(s: str, original: str) -> int:
    """Parse one normalised fiscal-year expression (no parentheses)."""
    m = _WESTERN_FY_RE.fullmatch(s)
    if m:
        return _check_fiscal_year_range(int(m["y"]), original)

    m = _WAREKI_FY_RE.fullmatch(s)
    if not m:
        raise WarekiError(f"年度として読めません: {original!r}")
    era = _ERA_BY_KEY[m["era"].upper()]
    year = _era_year_number(m["y"])
    end = _era_end(ERAS.index(era))
    last_year = None if end is None else end.year - era.start.year + 1
    if year < 1 or (last_year is not None and year > last_year):
        raise WarekiError(f"{era.name}の期間外の年度です: {original!r}")
    return _check_fiscal_year_range(era.start.year + year - 1, original)


def parse_fiscal_year(text: str | int) -> int:
    """Parse a fiscal year such as 2014, "FY2014", "平成26年度" or "R1" into its start year."""
    if isinstance(text, bool):
        raise WarekiError(f"年度として読めません: {text!r}")
    if isinstance(text, int):
        return _check_fiscal_year_range(text, text)
    if not isinstance(text, str):
        raise WarekiError(f"年度として読めません: {text!r}")
    s = normalize(text)
    if not s:
        raise WarekiError("年度が入力されていません")

    m = _BOTH_FY_RE.fullmatch(s)
    if m:
        outer = _parse_fiscal_year_text(m["outer"], text)
        inner = _parse_fiscal_year_text(m["inner"], text)
        if outer != inner:
            raise WarekiError(f"西暦と和暦の年度が一致しません: {text!r}")
        return outer
    return _parse_fiscal_year_text(s, text)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (earlier when negative), the month's last day when it is
    shorter (1月31日 + 1 month = 2月28日); ValueError past the years a date can hold."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fiscal_year_of(d: datetime.date) -> int:
    """Return the fiscal year *d* falls in (2015-03-31 -> 2014, 2015-04-01 -> 2015)."""
    return d.year if d.month >= FISCAL_YEAR_START_MONTH else d.year - 1


def fiscal_year_range(fy: int) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of fiscal year *fy* (April 1 .. March 31)."""
    return datetime.date(fy, FISCAL_YEAR_START_MONTH, 1), datetime.date(fy + 1, 3, 31)


def era_year(d: datetime.date) -> tuple[str, int]:
    """Return the era name and era year of *d*, e.g. ("平成", 26)."""
    era = ERAS[_era_index_on(d)]
    return era.name, d.year - era.start.year + 1


def format_date(d: datetime.date, style: str = "wareki") -> str:
    """Format *d* as "平成26年4月1日" (style="wareki") or "2014年4月1日" (style="western")."""
    if style == "western":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "wareki":
        name, year = era_year(d)
        return f"{name}{_year_label(year)}年{d.month}月{d.day}日"
    raise ValueError(f"unknown date style {style!r}; expected one of {_DATE_STYLES}")


def _fiscal_year_era(fy: int) -> tuple[Era, int]:
    """Return the era a fiscal year is named after (the era on Dec 31 of *fy*) and its year."""
    era = ERAS[_era_index_on(datetime.date(fy, 12, 31))]
    return era, fy - era.start.year + 1


def format_fiscal_year(fy: int, *, style: str = "both") -> str:
    """Format fiscal year *fy*, e.g. "2014年度（平成26年度）", "令和元年度", "H26" or "FY2014"."""
    if style == "western":
        return f"{fy}年度"
    if style == "en":
        return f"FY{fy}"
    if style not in _FISCAL_YEAR_STYLES:
        raise ValueError(
            f"unknown fiscal year style {style!r}; expected one of {_FISCAL_YEAR_STYLES}"
        )
    era, year = _fiscal_year_era(fy)
    if style == "short":
        return f"{era.abbr}{year}"
    wareki = f"{era.name}{_year_label(year)}年度"
    if style == "wareki":
        return wareki
    return f"{fy}年度（{wareki}）"
