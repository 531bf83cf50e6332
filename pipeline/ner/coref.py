"""Partial-name mentions: once "نجيب ميقاتي" is found, a later "ميقاتي" is the same person.

Runs after the other recognizers. For each person mention of two or more words, its partial
names (:func:`~pipeline.lang.names.partial_names`: "شياع السوداني", "السوداني", "محمد السوداني")
are searched elsewhere in the document; each free occurrence becomes a PER mention with
``method="coreference"`` and the start of its antecedent, so the linker gives both the same
entity. The document, which has just named the person in full, is trusted over corpus
statistics: a definite surname ("البرهان", "الفياض") is taken even if the gold corpora rarely
saw it as a name. Two things are not taken: a lone word that completes a compound name
("الله" of "نصر الله", "الدين"), or a surname that is mostly a common word in the corpora; and
an occurrence that reads as an adjective agreeing with the noun before it ("الجيش السوداني",
"الرئيس السوداني") is left alone.
"""

from __future__ import annotations

from pipeline.lang.arabic import FUNCTION_WORDS, nationality, proclitic_analyses
from pipeline.lang.names import NameStats, default_name_stats, partial_names
from pipeline.lang.words import COMPOUND_TAILS
from pipeline.ner.base import DocView
from pipeline.ner.merge import SpanSet
from pipeline.types import Mention, Token

MIN_SURNAME_CHARS = 3
MAX_PARTIAL_WORDS = 3


class PartialNames:
    name = "coreference"
    method = "coreference"
    priority = 0  # fills only what nothing else found

    def __init__(self, stats: NameStats | None = None):
        self.stats = stats or default_name_stats()

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        partials = self._partials(found)
        if not partials:
            return []
        taken = SpanSet(found)
        tokens = view.tokens
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = None if tokens[i].is_clitic else self._match_at(tokens, i, partials)
            if hit is None:
                i += 1
                continue
            cut, last, antecedent = hit
            start = tokens[i].start + cut
            full = found[antecedent]
            if taken.overlaps(start, tokens[last].end) or self._adjective(tokens, i, last):
                i += 1
                continue
            mention = view.mention(i, last, "PER", self.name, 0.8, start=start,
                                   norm=self._partial_norm(tokens, i, last, cut, partials), antecedent=full.start)
            taken.add(mention)
            out.append(mention)
            i = last + 1
        return out

    def _partials(self, found: list[Mention]) -> dict[str, int]:
        """Partial name -> index of the fullest person mention it belongs to."""
        people = sorted((i for i, m in enumerate(found) if m.label == "PER" and " " in m.norm),
                        key=lambda i: (-len(found[i].norm.split()), found[i].start))
        partials: dict[str, int] = {}
        for index in people:
            for partial in partial_names(found[index].norm.split()):
                if " " in partial or self._lone_word_ok(partial):
                    partials.setdefault(partial, index)
        return partials

    def _lone_word_ok(self, word: str) -> bool:
        if len(word) < MIN_SURNAME_CHARS or word in FUNCTION_WORDS or word in COMPOUND_TAILS:
            return False
        if word.startswith("ال"):  # the document named the person: trust it (adjectives: see _adjective)
            return True
        ratio = self.stats.person_ratio(word)
        return ratio is None or ratio >= 0.2  # an indefinite surname that is mostly a common word ("حسن")

    @staticmethod
    def _match_at(tokens: list[Token], i: int, partials: dict[str, int]) -> tuple[int, int, int] | None:
        """(characters of proclitic to skip, last token, antecedent) of the longest partial name at ``i``."""
        for size in range(MAX_PARTIAL_WORDS, 0, -1):
            last = i + size - 1
            if last >= len(tokens) or any(t.is_clitic for t in tokens[i + 1:last + 1]):
                continue
            rest = " ".join(t.norm for t in tokens[i + 1:last + 1])
            for cut, first in ((0, tokens[i].norm), *proclitic_analyses(tokens[i].text)):
                candidate = f"{first} {rest}" if rest else first
                if candidate in partials:
                    return cut, last, partials[candidate]
        return None

    @staticmethod
    def _partial_norm(tokens: list[Token], i: int, last: int, cut: int, partials: dict[str, int]) -> str:
        """The folded partial name as matched (a proclitic cut off the first word)."""
        rest = [t.norm for t in tokens[i + 1:last + 1]]
        if not cut:
            return " ".join([tokens[i].norm] + rest)
        first = next(stem for c, stem in proclitic_analyses(tokens[i].text) if c == cut)
        return " ".join([first] + rest)

    @staticmethod
    def _adjective(tokens: list[Token], i: int, last: int) -> bool:
        """A one-word nisba ("السوداني") right after a definite noun agrees with it: an adjective."""
        if last != i or i == 0 or tokens[i - 1].is_clitic:
            return False
        word, previous = tokens[i].norm, tokens[i - 1].norm
        nisba = nationality(word) is not None or (word.startswith("ال") and word.endswith(("ي", "يه")))
        return nisba and previous.startswith("ال")
