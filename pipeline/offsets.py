"""Text that remembers where each of its characters came from.

Cleaning deletes, replaces and re-joins characters; a :class:`MappedText` carries, for every
character of its ``text``, the span of the *source* text it was made from. Every rewrite
composes with the previous map, so after any number of steps ``source_span`` still points
into the original decoded file and ``source[a:b]`` is the surface a user sees there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import regex

Replacement = Callable[[regex.Match], str]
OFFSET_DTYPE = np.int32  # 4 bytes a character is enough for texts under 2 GB


@dataclass(frozen=True)
class MappedText:
    """``text`` plus per-character source spans ``[starts[i], ends[i])``.

    Both arrays have one extra sentinel entry (``len(text)``) so that zero-width
    positions at the end of the text map too.
    """

    text: str
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def identity(cls, text: str) -> MappedText:
        idx = np.arange(len(text) + 1, dtype=OFFSET_DTYPE)
        return cls(text, idx, np.minimum(idx + 1, len(text)))

    def __len__(self) -> int:
        return len(self.text)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of ``text[start:end]`` (an empty span maps to a point)."""
        if end <= start:
            point = int(self.starts[start])
            return point, point
        return int(self.starts[start]), int(self.ends[end - 1])

    def _remap(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Source spans of new characters made from ``self.text[lo:hi]`` (hi == lo: inserted)."""
        starts = self.starts[lo]
        inserted = hi <= lo
        ends = np.where(inserted, starts, self.ends[np.maximum(hi - 1, 0)])
        return starts, ends

    def rewrite(self, pattern: regex.Pattern, replace: str | Replacement) -> MappedText:
        """Replace every match of ``pattern``; untouched text keeps its 1:1 map.

        A replacement of the same length maps character by character; any other length maps
        every new character to the whole matched span (so a mention can never cut it).
        """
        text = self.text
        pieces: list[str] = []
        los: list[np.ndarray] = []
        his: list[np.ndarray] = []
        pos = 0
        for match in pattern.finditer(text):
            a, b = match.span()
            if a > pos:
                pieces.append(text[pos:a])
                rng = np.arange(pos, a, dtype=OFFSET_DTYPE)
                los.append(rng)
                his.append(rng + 1)
            new = replace if isinstance(replace, str) else replace(match)
            if new:
                pieces.append(new)
                if len(new) == b - a:
                    rng = np.arange(a, b, dtype=OFFSET_DTYPE)
                    los.append(rng)
                    his.append(rng + 1)
                else:
                    los.append(np.full(len(new), a, dtype=OFFSET_DTYPE))
                    his.append(np.full(len(new), b, dtype=OFFSET_DTYPE))
            pos = b
        if not pieces and pos == 0:
            return self
        if pos < len(text):
            pieces.append(text[pos:])
            rng = np.arange(pos, len(text), dtype=OFFSET_DTYPE)
            los.append(rng)
            his.append(rng + 1)
        return self._build("".join(pieces), los, his)

    def translate(self, table: Mapping[int, str | int | None]) -> MappedText:
        """``str.translate`` restricted to 1:1 replacements, so the map is unchanged."""
        new = self.text.translate(table)
        if len(new) != len(self.text):
            raise ValueError("translate() table must map characters one to one")
        return MappedText(new, self.starts, self.ends)

    def slice(self, start: int, end: int) -> MappedText:
        """The sub-text ``text[start:end]`` keeping its source spans."""
        starts = np.append(self.starts[start:end], self.ends[end - 1] if end > start else self.starts[start])
        ends = np.append(self.ends[start:end], starts[-1])
        return MappedText(self.text[start:end], starts, ends)

    def strip(self) -> MappedText:
        """Without leading and trailing whitespace."""
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self.slice(left, max(left, right))

    @staticmethod
    def join(parts: Iterable[MappedText], separator: str = "\n") -> MappedText:
        """Concatenate parts; each separator maps to the point where the next part starts."""
        parts = list(parts)
        if not parts:
            empty = np.zeros(1, dtype=OFFSET_DTYPE)
            return MappedText("", empty, empty)
        texts: list[str] = []
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        for i, part in enumerate(parts):
            if i:
                texts.append(separator)
                point = np.full(len(separator), part.starts[0], dtype=OFFSET_DTYPE)
                starts.append(point)
                ends.append(point)
            texts.append(part.text)
            starts.append(part.starts[:-1])
            ends.append(part.ends[:-1])
        last = parts[-1]
        starts.append(last.starts[-1:])
        ends.append(last.ends[-1:])
        return MappedText("".join(texts), np.concatenate(starts), np.concatenate(ends))

    def _build(self, text: str, los: list[np.ndarray], his: list[np.ndarray]) -> MappedText:
        lo = np.concatenate(los) if los else np.zeros(0, dtype=OFFSET_DTYPE)
        hi = np.concatenate(his) if his else np.zeros(0, dtype=OFFSET_DTYPE)
        starts, ends = self._remap(lo, hi)
        end_point = self.ends[len(self.text) - 1] if self.text else self.starts[0]
        return MappedText(text, np.append(starts, end_point), np.append(ends, end_point))
