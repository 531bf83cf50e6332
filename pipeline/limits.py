"""How much of one input a run takes into memory, so the peak stays bounded whatever the input.

A document is analyzed in pieces (:mod:`pipeline.analyzer`), but its decoded text, the map of
each character into the source and its mentions are held whole: memory grows with the longest
document. ``max_document_chars`` caps that (``--max-document-chars``); a longer document gets
an ``error`` row saying so. The byte limits follow from it: no encoding we read takes more than
4 bytes for a character, nor JSON more than 6 (``\\uXXXX``), so anything larger cannot be a
document under the limit and is refused before it is read. Compressed data is read through
the same caps and a ratio check, so a small archive cannot expand into gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_DOCUMENT_CHARS = 10_000_000
DEFAULT_MAX_RATIO = 200  # deflate can reach ~1000:1 on repeated bytes; news text compresses ~5:1
RATIO_FLOOR_BYTES = 10 << 20  # below this, a high ratio is harmless (a short, repetitive file)


@dataclass(frozen=True)
class Limits:
    """Caps on what one input may take into memory."""

    max_document_chars: int = DEFAULT_MAX_DOCUMENT_CHARS
    max_ratio: int = DEFAULT_MAX_RATIO

    @property
    def max_document_bytes(self) -> int:
        """A file or archive member larger than this has more than ``max_document_chars`` characters."""
        return 4 * self.max_document_chars

    @property
    def max_record_bytes(self) -> int:
        """A record line (JSONL) or row (CSV) larger than this has a text over the limit."""
        return 6 * self.max_document_chars + (1 << 20)

    def describe(self) -> str:
        return f"max_document_chars={self.max_document_chars}|max_ratio={self.max_ratio}"

    def ratio_problem(self, expanded: int, compressed: int, so_far: bool = False) -> str:
        """Why data expanding from ``compressed`` to ``expanded`` bytes is refused, or ``""``
        (``so_far``: the sizes read until now, not the whole of it)."""
        if expanded <= RATIO_FLOOR_BYTES or expanded <= self.max_ratio * max(compressed, 1):
            return ""
        return (f"expands {expanded / max(compressed, 1):,.0f} times ({compressed:,} compressed bytes to "
                f"{expanded:,}{' and more' if so_far else ''}): refused as a likely decompression bomb "
                f"(limit {self.max_ratio}:1)")

    def size_problem(self, size: int, what: str = "file") -> str:
        """Why a ``size``-byte document is refused unread, or ``""``."""
        if size <= self.max_document_bytes:
            return ""
        return (f"{what} too large to analyze: {size:,} bytes, more than a document of at most "
                f"{self.max_document_chars:,} characters can take ({self.max_document_bytes:,} bytes); "
                "raise --max-document-chars to analyze it")


DEFAULT_LIMITS = Limits()
