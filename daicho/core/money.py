"""Integer-yen money helpers: parsing user input, 千円 rounding, formatting and ratios.

Money is always stored as an integer number of yen.  Parsing is deliberately lenient
about how people type amounts (full-width digits, ¥ / 円, △ for negatives, 万 / 億
units ...) but never silently drops fractions of a yen.  Rounding to 千円 is half-up,
symmetric around zero (1,500 -> 2, -1,500 -> -2), as in Japanese public accounts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "MoneyError",
    "change_ratio",
    "format_percent",
    "format_yen",
    "parse_yen",
    "reduction_ratio",
    "to_thousand",
]

#: Sign used for negative amounts in Japanese public documents (U+25B3 WHITE UP-POINTING TRIANGLE).
TRIANGLE = "△"
#: Shown by format_percent when there is no ratio (U+2014 EM DASH).
NO_RATIO = "—"

_UNITS = {"億": 100_000_000, "万": 10_000, "千": 1_000}
_NEGATIVE_MARKS = "-−△▲"  # ASCII hyphen-minus, U+2212 minus, △ and ▲
_SIGN_CLASS = re.escape(_NEGATIVE_MARKS)
_NUM = r"(?:\d[\d,]*(?:\.\d+)?|\.\d+)"
_AMOUNT_RE = re.compile(
    rf"(?P<sign>[+{_SIGN_CLASS}])?(?P<cur>[¥\\])?(?P<sign2>[+{_SIGN_CLASS}])?"
    rf"(?:(?P<oku>{_NUM})億)?(?:(?P<man>{_NUM})万)?(?:(?P<sen>{_NUM})千)?(?P<one>{_NUM})?"
    r"円?"
)

_UNIT_STYLES = ("yen", "thousand")
_SIGN_STYLES = ("triangle", "minus")


class MoneyError(ValueError):
    """An amount that cannot be read as whole yen; the message is shown to users."""


def _normalize(text: str) -> str:
    """Return *text* NFKC-normalised (full-width to ASCII) with all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _to_decimal(number: str) -> Decimal:
    """Convert a matched number such as "1,234.5" to a Decimal."""
    return Decimal(number.replace(",", ""))


def _parse_text(text: str) -> tuple[Decimal, bool]:
    """Parse an amount string; return its value and whether it carried a 億/万/千 unit."""
    s = _normalize(text)
    negative = False
    if len(s) > 2 and s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    m = _AMOUNT_RE.fullmatch(s)
    if not m or not any(m[g] for g in ("oku", "man", "sen", "one")):
        raise MoneyError(f"金額として読めません: {text!r}")
    signs = [c for c in (m["sign"], m["sign2"]) if c]
    if len(signs) > 1 or (negative and signs):
        raise MoneyError(f"金額として読めません: {text!r}")
    if signs and signs[0] in _NEGATIVE_MARKS:
        negative = True

    value = Decimal(0)
    has_unit = False
    for group, unit in (("oku", "億"), ("man", "万"), ("sen", "千")):
        if m[group]:
            value += _to_decimal(m[group]) * _UNITS[unit]
            has_unit = True
    if m["one"]:
        value += _to_decimal(m["one"])
    return (-value if negative else value), has_unit


def parse_yen(text: str | int | float | Decimal | None, *, thousands: bool = False) -> int | None:
    """Parse user input such as "1,234", "△1,234", "¥1,234" or "1.2万円" into integer yen.

    With ``thousands=True`` the input is read as a 千円 figure and multiplied by 1000
    (unless the text carries its own 億/万/千 unit).  Empty input returns None.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise MoneyError(f"金額として読めません: {text!r}")

    has_unit = False
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, float):
        if not math.isfinite(text):
            raise MoneyError(f"金額として読めません: {text!r}")
        value = Decimal(repr(text))  # repr gives the shortest exact decimal, e.g. 1.234
    elif isinstance(text, Decimal):
        if not text.is_finite():
            raise MoneyError(f"金額として読めません: {text!r}")
        value = text
    elif isinstance(text, str):
        if not _normalize(text):
            return None
        try:
            value, has_unit = _parse_text(text)
        except InvalidOperation:
            raise MoneyError(f"金額として読めません: {text!r}") from None
    else:
        raise MoneyError(f"金額として読めません: {text!r}")

    if thousands and not has_unit:
        value *= 1000
    if value != value.to_integral_value():
        if thousands and not has_unit:
            raise MoneyError(f"千円単位は小数第3位まで入力できます: {text!r}")
        raise MoneyError(f"円単位の整数で入力してください: {text!r}")
    return int(value)


def to_thousand(amount: int) -> int:
    """Round integer yen to 千円, half-up and symmetric (1,500 -> 2, -1,500 -> -2)."""
    quotient, remainder = divmod(abs(amount), 1000)
    if remainder >= 500:
        quotient += 1
    return -quotient if amount < 0 else quotient


def _signed(body: str, negative: bool, sign: str) -> str:
    """Prefix *body* with the negative marker for *sign* when *negative*."""
    if sign not in _SIGN_STYLES:
        raise ValueError(f"unknown sign style {sign!r}; expected one of {_SIGN_STYLES}")
    if not negative:
        return body
    return (TRIANGLE if sign == "triangle" else "-") + body


def format_yen(amount: int | None, *, unit: str = "yen", sign: str = "triangle") -> str:
    """Format integer yen with separators ("1,234,567"), or in 千円 with unit="thousand"."""
    if amount is None:
        return ""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"format_yen expects int yen, got {type(amount).__name__}")
    if unit == "thousand":
        amount = to_thousand(amount)
    elif unit != "yen":
        raise ValueError(f"unknown unit {unit!r}; expected one of {_UNIT_STYLES}")
    return _signed(f"{abs(amount):,}", amount < 0, sign)


def change_ratio(base: int | None, value: int | None) -> float | None:
    """Return (value - base) / base, or None when base is 0/None or value is None."""
    if not base or value is None:
        return None
    return (value - base) / base


def reduction_ratio(base: int | None, value: int | None) -> float | None:
    """Return (base - value) / base, or None when base is 0/None or value is None."""
    if not base or value is None:
        return None
    return (base - value) / base


def format_percent(ratio: float | None, digits: int = 1, *, sign: str = "triangle") -> str:
    """Format a ratio as a percentage, half-up: 0.3 -> "30.0%", -0.05 -> "△5.0%", None -> "—"."""
    if ratio is None:
        return NO_RATIO
    if not math.isfinite(ratio):
        raise ValueError(f"cannot format non-finite ratio {ratio!r}")
    if digits < 0:
        raise ValueError(f"digits must be >= 0, got {digits!r}")
    percent = (Decimal(repr(float(ratio))) * 100).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return _signed(f"{abs(percent):f}%", percent < 0, sign)


#: The largest amount the ledger takes: a thousand trillion yen, far above any budget and far
#: below what a 64-bit sum of many lines can hold.
MAX_YEN = 10**15
