"""Person names in Arabic news: how often a word is part of one (:class:`NameStats`, learned from
gold NER corpora), and how a text refers to a person it has named in full (:func:`partial_names`)."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from pipeline.resources import resource_paths


def partial_names(words: list[str]) -> list[str]:
    """The shorter forms of a full name (folded words) that refer to the same person, longest first:
    every run of words ending at the surname ("شياع السوداني", "السوداني") and, for three words or
    more, first name + surname ("محمد السوداني"). One definition for the linker and coreference."""
    parts = [" ".join(words[k:]) for k in range(1, len(words))]
    if len(words) > 2:
        parts.insert(len(parts) - 1, f"{words[0]} {words[-1]}")
    return parts


class NameStats:
    """Folded word -> (times part of a person name, times seen) in gold NER corpora."""

    def __init__(self, counts: dict[str, tuple[int, int]]):
        self.counts = counts

    @classmethod
    def load(cls, path: Path | None = None) -> NameStats:
        path = path or resource_paths().name_stats
        counts: dict[str, tuple[int, int]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if not line.startswith("#"):
                    word, person, total = line.rstrip("\n").split("\t")
                    counts[word] = (int(person), int(total))
        return cls(counts)

    def person_ratio(self, norm: str) -> float | None:
        """Share of occurrences inside a person name; ``None`` when seen too rarely to say."""
        person, total = self.counts.get(norm, (0, 0))
        return person / total if total >= 3 else None


@lru_cache(maxsize=1)
def default_name_stats() -> NameStats:
    return NameStats.load()
