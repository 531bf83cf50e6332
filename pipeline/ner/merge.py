"""One place where candidate mentions are reconciled (spaCy's ``filter_spans``, with priorities).

Policy, in order:
1. Curated knowledge first: gazetteer and rule candidates are resolved among themselves —
   the longer span wins, then gazetteer over rule, then the earlier span.
2. The statistical model fills gaps: a model span is kept only where it overlaps no kept
   gazetteer or rule span (so the model never changes the span or label of a known name).
3. Coreference mentions (partial names of a fuller mention) are added last, where nothing
   else was found.
"""

from __future__ import annotations

import bisect
from typing import Iterable

from pipeline.types import Mention

TRUSTED = ("gazetteer", "rule")
METHOD_PRIORITY = {"gazetteer": 3, "rule": 2, "model": 1, "coreference": 0}


class SpanSet:
    """Non-overlapping character spans, sorted, with an O(log n) overlap test."""

    def __init__(self, mentions: Iterable[Mention] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in sorted(mentions, key=lambda m: m.start):
            self.add(m)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def add(self, mention: Mention) -> None:
        i = bisect.bisect_left(self.starts, mention.start)
        self.starts.insert(i, mention.start)
        self.ends.insert(i, mention.end)


def select(candidates: Iterable[Mention], taken: SpanSet | None = None) -> list[Mention]:
    """Greedy non-overlapping choice: longest, then highest method priority, then leftmost."""
    taken = taken if taken is not None else SpanSet()
    chosen: list[Mention] = []
    ordered = sorted(candidates, key=lambda m: (-(m.end - m.start), -METHOD_PRIORITY.get(m.method, 0), m.start, m.label))
    for mention in ordered:
        if not taken.overlaps(mention.start, mention.end):
            taken.add(mention)
            chosen.append(mention)
    return chosen


def merge(candidates: list[Mention]) -> list[Mention]:
    """Apply the policy above; the result is sorted by position."""
    taken = SpanSet()
    kept = select((m for m in candidates if m.method in TRUSTED), taken)
    kept += select((m for m in candidates if m.method == "model"), taken)
    kept += select((m for m in candidates if m.method not in TRUSTED and m.method != "model"), taken)
    return sorted(kept, key=lambda m: (m.start, m.end))
