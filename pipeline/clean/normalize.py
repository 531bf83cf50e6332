"""Unicode repairs that make matching robust, each one keeping the offset map.

What changes: presentation forms and decomposed hamza/madda are composed; Persian/Urdu
letters used in Arabic text become Arabic ones (ی -> ي, ک -> ك); Arabic-Indic and Persian
digits become ASCII; guillemets and curly quotes become straight quotes; odd spaces become
spaces; diacritics and tatweel are dropped (and credited to the letter they sat on, so a
mention's source span keeps them); invisible and control characters are dropped.
Alef/hamza forms are *not* folded here: that is a matching concern (``arabic.fold``).
"""

from __future__ import annotations

import unicodedata

import regex

from pipeline.lang.arabic import CLEAN_TRANSLATION, DIACRITICS, INVISIBLES, TATWEEL
from pipeline.offsets import MappedText

_DECOMPOSED = regex.compile(r"[\u0627\u0648\u064a\u06c1\u06d2\u06d5][\u0653-\u0655]")
_PRESENTATION = regex.compile(r"[\ufb50-\ufdff\ufe70-\ufefc]+")
_MARKS_ON_LETTER = regex.compile(rf"(\p{{L}})[{DIACRITICS}{TATWEEL}]+")
_STRAY = regex.compile(rf"[{DIACRITICS}{TATWEEL}{INVISIBLES}\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]+")


def _nfkc(match: regex.Match) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def normalize(text: MappedText) -> MappedText:
    """Apply every repair in order; the result still maps into the original source."""
    text = text.rewrite(_DECOMPOSED, _nfkc)
    text = text.rewrite(_PRESENTATION, _nfkc)
    text = text.translate(CLEAN_TRANSLATION)
    text = text.rewrite(_MARKS_ON_LETTER, lambda m: m.group(1))
    return text.rewrite(_STRAY, "")
