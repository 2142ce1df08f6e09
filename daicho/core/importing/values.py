"""Cell parsers for imports: each takes the cell text and returns a value or raises CellError.

They accept what Japanese offices type: 和暦 dates, 年度 in any form, full-width digits,
thousands separators, 千円 amounts, あり/なし and ○/×, choices by Japanese or English label.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from daicho.core import money, wareki
from daicho.core.exports import FORMULA_PREFIXES


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the user's words."""


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII), surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).strip()


def unneutralise(text: str) -> str:
    """Undo the export's formula neutralisation: "'=SUM(…)" comes back as "=SUM(…)"."""
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
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


def date(value: str) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return wareki.parse_date(value)
    except wareki.WarekiError:
        raise CellError(
            _("Not a date: %(value)s (write 2014-04-01, 平成26年4月1日 or H26.4.1).")
            % {"value": value}
        ) from None


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


def integer(value: str) -> int | None:
    value = normalize(value).replace(",", "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise CellError(_("Not a whole number: %(value)s") % {"value": value}) from None


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


def choice(
    choices: Iterable[tuple[str, Any]], aliases: dict[str, str] | None = None
) -> Callable[[str], str | None]:
    """A choice by its value, its Japanese label or its English label (case and width ignored),
    or by one of ``aliases`` (other words files use, e.g. 物理 for a physical server)."""
    lookup: dict[str, str] = {}
    pairs = list(choices)
    values = {value for value, _label in pairs}

    def build() -> None:  # lazily: labels translate only once the apps are ready
        for value, label in pairs:
            lookup[normalize(str(value)).lower()] = value
            for language in ("en", "ja"):
                with translation.override(language):
                    lookup[normalize(str(label)).lower()] = value
        for word, value in (aliases or {}).items():
            lookup[normalize(word).lower()] = value

    def parse(cell: str) -> str | None:
        if cell in values:  # the canonical value as exports write it
            return cell
        word = normalize(cell).lower()
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
    return parse
