"""Cell parsers for imports: each takes the cell text and returns a value or raises CellError.

They accept what Japanese offices type: 和暦 dates, year-months (first of the month) and Excel
date-times, 無期限 in an end date that may be open, 年度 in any form, full-width digits,
thousands separators, numbers with a unit word (5本, 7世代, 16GB), 千円 amounts, あり/なし and
○/×, choices by Japanese or English label or by a synonym from the app's
``data/choice_synonyms.yaml`` (稼働中, 当初予算, 毎日 …). docs/import-values.md lists them all
(`daicho columns --values` writes it).
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daicho.core import money, wareki
from daicho.core.date_problems import date_problem
from daicho.core.exports import NEUTRALISED_PREFIXES


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the user's words."""


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII), surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).strip()


def unneutralise(text: str) -> str:
    """Undo the export's formula neutralisation: "'=SUM(…)" comes back as "=SUM(…)", and
    "''=x" (a value that really started with an apostrophe) as "'=x"."""
    if text.startswith("'") and text[1:2] and text[1:2] in NEUTRALISED_PREFIXES:
        return text[1:]
    return text


def text(max_length: int | None = None, *, required: bool = False) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = unneutralise(value.strip())
        if required and not value:
            raise CellError(_("This column must not be empty."))
        if max_length is not None and len(value) > max_length:
            raise CellError(
                _("Too long: %(length)d characters, at most %(max)d.")
                % {"length": len(value), "max": max_length}
            )
        return value

    return parse


def code(max_length: int = 30) -> Callable[[str], str]:
    """An identifier: NFKC-normalised (full-width letters and digits become ASCII), kept as text."""

    def parse(value: str) -> str:
        # NFKC changes nothing in plain ASCII, the common case.
        value = unneutralise(value.strip()) if value.isascii() else normalize(unneutralise(value))
        if len(value) > max_length:
            raise CellError(
                _("Too long: %(length)d characters, at most %(max)d.")
                % {"length": len(value), "max": max_length}
            )
        return value

    return parse


# What an end date that may be open says when it has no end (licence validity, end of use).
OPEN_WORDS = frozenset(
    {
        "無期限",
        "期限なし",
        "期限無し",
        "無期",
        "永久",
        "永年",
        "定めなし",
        "定め無し",
        "なし",
        "無し",
        "無",
        "unlimited",
        "perpetual",
        "none",
    }
)
# A lone dash: nothing written (Excel ledgers put one in cells that have no value).
DASHES = frozenset({"-", "ー", "―", "—", "–", "‐", "−"})


def _word(text: str) -> str:
    """A cell as a word is looked up: NFKC, lower case, every space removed."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def date(value: str) -> datetime.date | None:
    """A date: 2014-04-01, 平成26年4月1日, H26.4.1; a year-month (平成26年4月, H30.4, 2014/4) is
    the first of the month; an Excel date-time (2014/04/01 0:00) is its date; a lone dash is
    nothing written. 無期限 and its like are refused: only an open end date takes them."""
    value = value.strip()
    if not value:
        return None
    try:
        return wareki.parse_date(value)
    except wareki.WarekiError as exc:
        word = _word(value)
        if word in DASHES:
            return None
        if word in OPEN_WORDS:
            raise CellError(
                _(
                    "%(value)s: this column needs a date. Only an end date that may be open "
                    "(a licence's expiry, the end of use) can be 無期限."
                )
                % {"value": value}
            ) from None
        raise CellError(date_problem(exc, value)) from None


def open_date(value: str) -> datetime.date | None:
    """An end date that may be open: a date as date() reads it, or None for no end — empty,
    無期限, 期限なし, なし, 永久, a lone dash."""
    word = _word(value)
    if word in OPEN_WORDS or word in DASHES:
        return None
    return date(value)


def fiscal_year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if len(value) == 4 and value.isdigit() and value.isascii() and 1900 <= int(value) <= 2200:
        return int(value)  # the common case, without the 和暦 machinery
    try:
        return wareki.parse_fiscal_year(value)
    except wareki.WarekiError:
        raise CellError(
            _("Not a fiscal year: %(value)s (write 2014, 平成26年度 or FY2014).") % {"value": value}
        ) from None


def yen(*, thousands: bool = False, allow_negative: bool = False) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        value = value.strip()
        if not value:
            return None
        if not thousands and value.isdigit() and value.isascii() and len(value) <= 15:
            return int(value)  # plain yen digits, the common case
        try:
            amount = money.parse_yen(value, thousands=thousands)
        except money.MoneyError:
            raise CellError(_("Not an amount in yen: %(value)s") % {"value": value}) from None
        if amount is not None and abs(amount) > money.MAX_YEN:
            raise CellError(_("The amount is too large: %(value)s") % {"value": value})
        if amount is not None and amount < 0 and not allow_negative:
            raise CellError(_("An amount cannot be negative: %(value)s") % {"value": value})
        return amount

    return parse


# A whole number and the unit word people write after it: 5本, 7世代, 3台, 2ライセンス, 10 users.
_WITH_UNIT = re.compile(r"(?P<n>[+-]?\d+)\s*(?P<unit>[a-z\u3040-\u30ff\u3400-\u9fff々 ]*)")
# Words that multiply rather than name a unit: "1万本" is not 1.
_MULTIPLIERS = ("十", "百", "千", "万", "億", "兆")


def _number_and_unit(value: str) -> tuple[int, str] | None:
    """(number, unit word in lower case without spaces) of "1,000本", "16 GB", or None."""
    m = _WITH_UNIT.fullmatch(normalize(value).replace(",", "").lower())
    if m is None:
        return None
    unit = "".join(m["unit"].split())
    if unit.startswith(_MULTIPLIERS) or unit == "k":
        return None
    return int(m["n"]), unit


def integer(value: str) -> int | None:
    """A whole number, with any unit word after it: 5本, 7世代, 16GB, 1,000本, ５台 (the unit is
    not checked against the column: 7世代 in a quantity is 7)."""
    if value.isdigit() and value.isascii():
        return int(value)  # the common case
    if not value.strip():
        return None
    found = _number_and_unit(value)
    if found is None:
        raise CellError(_("Not a whole number: %(value)s") % {"value": value.strip()})
    return found[0]


def _scaled(units: dict[str, int], message: str) -> Callable[[str], int | None]:
    """A whole number in one unit, converting the other units it may be written in."""

    def parse(value: str) -> int | None:
        if value.isdigit() and value.isascii():
            return int(value)
        if not value.strip():
            return None
        found = _number_and_unit(value)
        if found is None or found[1] not in units:
            raise CellError(_(message) % {"value": value.strip()})
        return found[0] * units[found[1]]

    return parse


#: Gigabytes (memory, storage): 16, 16GB, 2TB (= 2048 GB).
gigabytes = _scaled(
    {"": 1, "g": 1, "gb": 1, "gib": 1, "ギガ": 1, "t": 1024, "tb": 1024, "tib": 1024, "テラ": 1024},
    gettext_noop("Not a size in GB: %(value)s (write 16, 16GB or 2TB)."),
)
#: Hours (RTO, RPO): 24, 24時間, 3日 (= 72), 1週間 (= 168).
hours = _scaled(
    {
        **dict.fromkeys(("", "h", "hr", "hrs", "hour", "hours", "時間"), 1),
        **dict.fromkeys(("d", "day", "days", "日", "日間"), 24),
        **dict.fromkeys(("w", "week", "weeks", "週", "週間"), 24 * 7),
    },
    gettext_noop("Not a number of hours: %(value)s (write 24, 24時間 or 3日)."),
)


TRUE_WORDS = {"true", "yes", "y", "1", "あり", "有", "有り", "○", "〇", "◯", "はい", "済", "対象"}
FALSE_WORDS = {
    "false",
    "no",
    "n",
    "0",
    "なし",
    "無",
    "無し",
    "×",
    "✕",
    "いいえ",
    "未",
    "対象外",
    "-",
    "ー",
    "―",
}


def boolean(value: str) -> bool | None:
    word = normalize(value).lower()
    if not word:
        return None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("Not yes or no: %(value)s (write あり/なし, ○/×, yes/no or 1/0).") % {"value": value}
    )


@functools.cache
def choice_synonyms() -> dict[str, dict[str, dict[str, str]]]:
    """The other words files use for a choice, as data: {kind: {column: {word: value}}}.

    Read from every app's ``data/choice_synonyms.yaml``: 稼働中 for a system in service,
    当初予算 for a budget, 毎日 for a daily backup. One table per column."""
    from django.apps import apps

    merged: dict[str, dict[str, dict[str, str]]] = {}
    for config in apps.get_app_configs():
        path = Path(config.path) / "data" / "choice_synonyms.yaml"
        if not path.exists():
            continue
        for kind, columns in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            for column, words in (columns or {}).items():
                table = merged.setdefault(kind, {}).setdefault(column, {})
                table.update({str(word): str(value) for word, value in (words or {}).items()})
    return merged


def choice(
    choices: Iterable[tuple[str, Any]],
    aliases: dict[str, str] | None = None,
    *,
    synonyms: str | None = None,
) -> Callable[[str], str | None]:
    """A choice by its value, its Japanese label or its English label (case, width and spaces
    ignored), or by another word files use: ``synonyms`` names the table ("kind.column") in
    the apps' choice_synonyms.yaml; ``aliases`` adds words in code (prefer the data)."""
    lookup: dict[str, str] = {}
    pairs = list(choices)
    values = {value for value, _label in pairs}

    def build() -> None:  # lazily: labels translate only once the apps are ready
        for value, label in pairs:
            lookup[_word(str(value))] = value
            for language in ("en", "ja"):
                with translation.override(language):
                    lookup[_word(str(label))] = value
        for word, value in {**(aliases or {}), **synonym_table()}.items():
            if value not in values or lookup.get(_word(word), value) != value:
                raise ImproperlyConfigured(
                    f"choice synonyms {synonyms}: {word!r} → {value!r} is not a choice, or "
                    f"names another one ({lookup.get(_word(word))!r})"
                )
            lookup[_word(word)] = value

    def synonym_table() -> dict[str, str]:
        if not synonyms:
            return {}
        kind, column = synonyms.split(".", 1)
        return choice_synonyms().get(kind, {}).get(column, {})

    def parse(cell: str) -> str | None:
        if cell in values:  # the canonical value as exports write it
            return cell
        word = _word(cell)
        if not word:
            return None
        if not lookup:
            build()
        if word in lookup:
            return lookup[word]
        with translation.override("ja"):
            allowed = "、".join(str(label) for _value, label in pairs)
        raise CellError(
            _("Unknown value: %(value)s (use one of: %(allowed)s)")
            % {"value": cell, "allowed": allowed}
        )

    parse.choices = dict(pairs)  # exports show the label in spreadsheets
    parse.synonyms = synonyms  # the docs list the table's words
    parse.synonym_table = synonym_table
    return parse
