"""Bytes to text: BOMs first, then strict UTF-8, then a detector limited to Arabic encodings.

The encoding name returned is what a user passes to ``bytes.decode(encoding, errors="replace")``
to get exactly the text our offsets index (``utf-8-sig`` drops the BOM, as Python does). UTF-8
with a few invalid bytes (a truncated download, a stray byte) stays UTF-8, the bad bytes
becoming U+FFFD, rather than being misread as a legacy encoding.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Encodings Arabic news is published in; the detector only chooses among these.
ARABIC_ENCODINGS = ("cp1256", "iso8859_6", "utf_16", "mac_arabic", "cp864")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


MAX_BAD_UTF8_BYTES = 3


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept (binary data)."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)`` for raw file bytes.

    Raises :class:`DecodeError` for data that is not text (e.g. images, archives).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise DecodeError("binary data, not text (control bytes in the first 4 KB)")
    lenient = data.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") <= max(MAX_BAD_UTF8_BYTES, len(lenient) // 1000):
        return lenient, "utf-8"
    best = from_bytes(data, cp_isolation=list(ARABIC_ENCODINGS)).best()
    encoding = best.encoding if best is not None else "cp1256"
    try:
        return data.decode(encoding, errors="replace"), encoding
    except LookupError as exc:  # pragma: no cover - the detector only proposes known codecs
        raise DecodeError(f"unknown encoding {encoding}: {exc}") from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: the high byte of every unit is 0x00 (Latin) or 0x06 (Arabic)."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    for high, encoding in ((sample[1::2], "utf-16-le"), (sample[0::2], "utf-16-be")):
        if sum(1 for b in high if b in (0x00, 0x06)) / len(high) > 0.9:
            return encoding
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 0x09 or 0x0E <= b < 0x20)
    return controls > max(2, len(sample) // 100)
