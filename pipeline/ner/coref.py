"""Partial-name mentions: once "نجيب ميقاتي" is found, a later "ميقاتي" is the same person.

Runs after the other recognizers. For each person mention of two or more words, its last word
(the surname) is searched elsewhere in the document; each free occurrence becomes a PER
mention with ``method="coreference"`` and the start of its antecedent, so the linker gives
both the same entity. Definite words ("المهندس", "السوداني") are skipped unless the gold
corpora say they are mostly names: as surnames they are too often plain adjectives.
"""

from __future__ import annotations

from pipeline.lang.arabic import FUNCTION_WORDS, proclitic_analyses
from pipeline.ner.base import DocView
from pipeline.ner.merge import SpanSet
from pipeline.ner.rules import NameStats, default_name_stats
from pipeline.types import Mention

MIN_SURNAME_CHARS = 3


class PartialNames:
    name = "coreference"

    def __init__(self, stats: NameStats | None = None):
        self.stats = stats or default_name_stats()

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        surnames = self._surnames(found)
        if not surnames:
            return []
        taken = SpanSet(found)
        out: list[Mention] = []
        for i, token in enumerate(view.tokens):
            if token.is_clitic:
                continue
            hit = self._surname_at(token.norm, token.text, surnames)
            if hit is None:
                continue
            cut, antecedent = hit
            start = token.start + cut
            if taken.overlaps(start, token.end):
                continue
            full = found[antecedent]
            mention = view.mention(i, i, "PER", self.name, 0.8, start=start, norm=full.norm.split()[-1],
                                   antecedent=full.start)
            taken.add(mention)
            out.append(mention)
        return out

    def _surnames(self, found: list[Mention]) -> dict[str, int]:
        surnames: dict[str, int] = {}
        for index, mention in enumerate(found):
            words = mention.norm.split()
            if mention.label != "PER" or len(words) < 2:
                continue
            surname = words[-1]
            if len(surname) < MIN_SURNAME_CHARS or surname in FUNCTION_WORDS:
                continue
            ratio = self.stats.person_ratio(surname)
            if surname.startswith("ال") and (ratio is None or ratio < 0.5):
                continue
            if ratio is not None and ratio < 0.2:
                continue
            surnames.setdefault(surname, index)
        return surnames

    @staticmethod
    def _surname_at(norm: str, text: str, surnames: dict[str, int]) -> tuple[int, int] | None:
        if norm in surnames:
            return 0, surnames[norm]
        for cut, stem in proclitic_analyses(text):
            if stem in surnames:
                return cut, surnames[stem]
        return None
