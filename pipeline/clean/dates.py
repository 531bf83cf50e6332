"""Publication dates as ISO ``YYYY-MM-DD`` from the ways Arabic news writes them.

Handles English month names ("27th, January 2024 GMT"), Egyptian/Gulf transliterated months
(يناير), Levantine/Iraqi months (كانون الثاني), Maghrebi months (جانفي), numeric dates
(2024-01-27, 27/01/2024) and Arabic-Indic digits. dateparser was tried first: it misses the
Levantine and Maghrebi month names, which are the common ones in Lebanese and Syrian outlets.
"""

from __future__ import annotations

import datetime as dt

import regex

from pipeline.lang.arabic import CLEAN_TRANSLATION, fold

_MONTHS_RAW = {
    1: "january jan يناير كانون الثاني جانفي",
    2: "february feb فبراير شباط فيفري",
    3: "march mar مارس آذار اذار",
    4: "april apr أبريل ابريل إبريل نيسان أفريل افريل",
    5: "may مايو أيار ايار ماي",
    6: "june jun يونيو يونيه حزيران جوان",
    7: "july jul يوليو يوليه تموز جويلية",
    8: "august aug أغسطس اغسطس آب اب أوت اوت",
    9: "september sep sept سبتمبر أيلول ايلول",
    10: "october oct أكتوبر اكتوبر تشرين الأول",
    11: "november nov نوفمبر تشرين الثاني",
    12: "december dec ديسمبر كانون الأول",
}
# Multi-word Levantine names first, so "تشرين الثاني" is not read as "تشرين" + noise.
_MONTH_NAMES: dict[str, int] = {}
for _number, _names in _MONTHS_RAW.items():
    _words = _names.split()
    for _i, _w in enumerate(_words):
        if _w in ("كانون", "تشرين"):
            _MONTH_NAMES[fold(f"{_w} {_words[_i + 1]}")] = _number
        elif _w not in ("الثاني", "الأول") and not (_i and _words[_i - 1] in ("كانون", "تشرين")):
            _MONTH_NAMES[fold(_w)] = _number
_MONTH_ALT = "|".join(sorted((regex.escape(n) for n in _MONTH_NAMES), key=len, reverse=True))

_DAY_MONTH_YEAR = regex.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?[\s,./-]*(?:من\s+)?({_MONTH_ALT})(?:\s*\(\s*\p{{L}}+(?:\s+\p{{L}}+)?\s*\))?[\s,./-]*(\d{{4}})(?!\d)",
    regex.IGNORECASE,
)
_MONTH_DAY_YEAR = regex.compile(rf"({_MONTH_ALT})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", regex.IGNORECASE)
_ISO = regex.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DMY_NUMERIC = regex.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")


def parse_date(text: str) -> str | None:
    """The first date found in ``text`` as ``YYYY-MM-DD``, or ``None``."""
    folded = fold(text.translate(CLEAN_TRANSLATION))
    for pattern, order in (
        (_ISO, "ymd"),
        (_DAY_MONTH_YEAR, "dmy"),
        (_MONTH_DAY_YEAR, "mdy"),
        (_DMY_NUMERIC, "dmy"),
    ):
        for match in pattern.finditer(folded):
            parts = dict(zip(order, match.groups()))
            month = parts["m"]
            month_number = int(month) if month.isdigit() else _MONTH_NAMES.get(month.lower())
            date = _safe_date(int(parts["y"]), month_number, int(parts["d"]))
            if date:
                return date
    return None


def _safe_date(year: int, month: int | None, day: int) -> str | None:
    if month is None or not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
