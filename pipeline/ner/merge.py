"""One place where candidate mentions are reconciled (spaCy's ``filter_spans``, with priorities).

Every component declares a merge ``priority`` for the mentions it makes (its ``method``):
gazetteer 3, rules 2, model 1, coreference 0. Policy, in order:
1. Curated knowledge first: candidates of priority 2 or more (gazetteer, rules) are resolved
   among themselves — the longer span wins, then the higher priority, then the earlier span.
2. The statistical model fills gaps: a model span is kept only where it overlaps no kept
   gazetteer or rule span (so the model never changes the span or label of a known name) —
   except an organization named after a place: a model ORG span that contains a gazetteer
   place and more ("دينامو كييف", "بنك الكويت الوطني") competes as a curated span, and wins
   by length.
3. Coreference mentions (partial names of a fuller mention) are added last, where nothing
   else was found.

One exception to "no overlaps": a gazetteer facility named after a place ("مطار بغداد",
``Mention.container``) keeps the place inside it as a mention of its own ("بغداد").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipeline.types import Mention

TRUSTED = 2  # this priority and above: curated knowledge
MODEL = 1  # the statistical model's tier: fills gaps


FREE, TAKEN, CONTAINER = 0, 1, 2


def _organizations_named_after_places(candidates: list[Mention]) -> set[int]:
    """Model ORG spans that contain a gazetteer place ("دينامو كييف", "بنك الكويت الوطني")."""
    places = bytearray()
    for m in candidates:
        if m.method == "gazetteer" and m.label == "LOC":
            if len(places) < m.end:
                places.extend(bytes(m.end - len(places)))
            places[m.start:m.end] = b"\x01" * (m.end - m.start)
    return {id(m) for m in candidates
            if m.method == "model" and m.label == "ORG" and places.find(1, m.start, m.end) != -1
            and places.find(0, m.start, min(m.end, len(places))) != -1}


class SpanSet:
    """Characters taken by chosen mentions; the overlap test costs the span's length."""

    def __init__(self, mentions: Iterable[Mention] = ()):
        self.taken = bytearray()
        for m in mentions:
            self.add(m)

    def overlaps(self, start: int, end: int, nestable: bool = False) -> bool:
        """True if the span touches a chosen mention (a ``nestable`` span may sit inside a container)."""
        if self.taken.find(TAKEN, start, end) != -1:
            return True
        if self.taken.find(CONTAINER, start, end) == -1:
            return False
        inside = self.taken.find(FREE, start, min(end, len(self.taken))) == -1 and end <= len(self.taken)
        return not (nestable and inside)

    def add(self, mention: Mention) -> None:
        if len(self.taken) < mention.end:
            self.taken.extend(bytes(max(mention.end - len(self.taken), len(self.taken))))
        mark = CONTAINER if mention.container else TAKEN
        self.taken[mention.start:mention.end] = bytes([mark]) * (mention.end - mention.start)


def select(candidates: Iterable[Mention], priorities: Mapping[str, int], taken: SpanSet | None = None) -> list[Mention]:
    """Greedy non-overlapping choice: longest, then highest priority, then leftmost."""
    taken = taken if taken is not None else SpanSet()
    chosen: list[Mention] = []
    ordered = sorted(candidates, key=lambda m: (-(m.end - m.start), -priorities.get(m.method, 0), m.start, m.label))
    for mention in ordered:
        nestable = mention.method == "gazetteer" and mention.label == "LOC" and not mention.container
        if not taken.overlaps(mention.start, mention.end, nestable):
            if not (nestable and taken.overlaps(mention.start, mention.end)):
                taken.add(mention)  # a nested place does not block the rest of its container
            chosen.append(mention)
    return chosen


def merge(candidates: list[Mention], priorities: Mapping[str, int]) -> list[Mention]:
    """Apply the policy above (``priorities``: method -> priority); the result is sorted by position."""
    promoted = _organizations_named_after_places(candidates)
    tier = {id(m): TRUSTED if id(m) in promoted else min(priorities.get(m.method, 0), TRUSTED) for m in candidates}
    taken = SpanSet()
    kept: list[Mention] = []
    for level in (TRUSTED, MODEL, 0):
        kept += select((m for m in candidates if tier[id(m)] == level), priorities, taken)
    return sorted(kept, key=lambda m: (m.start, m.end))
