"""Any file name in the tables: a documented, reversible escaping for names that are not UTF-8.

Linux file names are bytes. Python hands a name that is not valid UTF-8 (a file unpacked from
an archive made on Windows, named in Windows-1256) to us as a string with "surrogate escapes"
(a byte ``0xC7`` becomes ``"\\udcc7"``), which cannot be written to a UTF-8 CSV file, a
terminal or JSON. Zip archives store member names as bytes too, UTF-8 only when a flag says so.

:func:`escape_name` writes such a name for the ``source`` and ``locator`` columns: every byte
that is not part of valid UTF-8 becomes ``\\xNN`` (two lower-case hex digits), any other lone
surrogate ``\\uNNNN``, and a backslash itself ``\\\\``; all other characters stay as they are.
Because the backslash is escaped too, the mapping is one to one: :func:`unescape_name` gives
back the exact string Python uses for the file (``open()`` accepts it) and :func:`name_bytes`
the exact bytes. A name that is valid UTF-8 without a backslash (nearly all) is unchanged.
"""

from __future__ import annotations

import os

import regex

_NEEDS_ESCAPE = regex.compile(r"[\\\ud800-\udfff]")
_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_ESCAPE = regex.compile(r"\\(?:\\|x([0-9a-f]{2})|u([0-9a-f]{4}))")


def escape_name(name: str) -> str:
    """``name`` (from the OS, maybe with surrogate escapes) as it is written in the tables."""
    if not _NEEDS_ESCAPE.search(name):
        return name
    return _NEEDS_ESCAPE.sub(_escape_char, name)


def _escape_char(match: regex.Match) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def unescape_name(text: str) -> str:
    """The inverse of :func:`escape_name`: the name as Python's ``os`` functions take it."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_unescape_match, text)


def _unescape_match(match: regex.Match) -> str:
    if match.group(1):
        return chr(0xDC00 + int(match.group(1), 16))
    if match.group(2):
        return chr(int(match.group(2), 16))
    return "\\"


def name_bytes(text: str) -> bytes:
    """The file name's bytes behind an escaped ``source`` (or a member name of a ``locator``)."""
    return os.fsencode(unescape_name(text))


def from_bytes(raw: bytes) -> str:
    """A name given as bytes (a zip member without the UTF-8 flag) as Python would name such a file."""
    return raw.decode("utf-8", errors="surrogateescape")


def printable(text: str) -> str:
    """Any message for a terminal or log: surrogate escapes become ``\\xNN`` (not reversible; for display)."""
    return _SURROGATE.sub(_escape_char, text) if _SURROGATE.search(text) else text


def clean_text(text: str) -> str:
    """Record text without lone surrogates (JSON allows ``"\\ud83d"``): each becomes U+FFFD, one
    character for one, so offsets into the text stay right and it can be written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text
