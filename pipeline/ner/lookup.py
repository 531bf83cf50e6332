"""Gazetteer lookup: every alias of every entry, matched on folded tokens, longest first.

Aliases are tokenized by the pipeline's own tokenizer, so an alias and the same words in
text always split the same way. When the tokenizer left a proclitic on a word (an unknown
name: "ولازارو"), the first word of a match may still shed it: the mention then starts at
the stem and never includes the attached و ف ب ل ك.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pipeline.cache import cached
from pipeline.kb.gazetteer import Entry, Gazetteer
from pipeline.lang.arabic import FUNCTION_WORDS, is_arabic_word, proclitic_analyses
from pipeline.lang.words import CONTEXT_CUES, DESCRIPTORS_OUTSIDE, TRAILING_DESCRIPTORS
from pipeline.ner.base import DocView
from pipeline.resources import resource_paths
from pipeline.tokenize import Tokenizer
from pipeline.types import Mention

MIN_SINGLE_WORD_CHARS = 3
MAX_ALIAS_TOKENS = 12
QUOTES = frozenset('"\'')
# Facilities named after a place ("مطار بغداد"): the place inside is a mention of its own.
CONTAINER_TYPES = frozenset("airport port crossing border_crossing camp refugee_camp military_base base bridge dam "
                            "prison hospital stadium square street road".split())


@dataclass
class AliasIndex:
    """Token-sequence keys -> entry ids, plus every key prefix to stop scanning early.

    Aliases of entries with ``match=context`` go in ``context_keys``: found only after a cue.
    """

    keys: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    context_keys: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    prefixes: set[tuple[str, ...]] = field(default_factory=set)
    max_len: int = 0

    def add(self, key: tuple[str, ...], entry_id: str, *, needs_context: bool = False) -> None:
        ids = (self.context_keys if needs_context else self.keys).setdefault(key, [])
        if entry_id not in ids:
            ids.append(entry_id)
        for n in range(1, len(key) + 1):
            self.prefixes.add(key[:n])
        self.max_len = max(self.max_len, len(key))


def alias_key(tokenizer: Tokenizer, alias: str) -> tuple[str, ...]:
    """The folded token sequence the matcher looks for; clitic tokens are kept in place."""
    return tuple(t.norm for t in tokenizer.tokenize(alias))


def build_index(gazetteer: Gazetteer, tokenizer: Tokenizer) -> AliasIndex:
    """Index the aliases of entries whose ``match`` mode allows finding them in text.

    A two-word alias is also found written as one word ("ابو ظبى" = "أبوظبي", "عبد الله" =
    "عبدالله"): news spells such names both ways, and folding already covers hamza, alef and ya.
    """
    index = AliasIndex()
    for entry in gazetteer.entries.values():
        if entry.match == "link":
            continue
        for alias in entry.surface_forms:
            key = alias_key(tokenizer, alias)
            if _usable(key):
                index.add(key, entry.id, needs_context=entry.match == "context")
            if len(key) == 2 and all(is_arabic_word(word) for word in key):
                index.add((key[0] + key[1],), entry.id, needs_context=entry.match == "context")
    return index


def _has_cue(view: DocView, i: int, label: str, attached: str) -> bool:
    """A cue word right before token ``i`` (skipping an opening quote and a proclitic)."""
    cues = CONTEXT_CUES.get(label, frozenset())
    j = i - 1
    while j >= 0 and (view.tokens[j].text in QUOTES or view.tokens[j].is_clitic):
        j -= 1
    return j >= 0 and not attached and view.tokens[j].norm in cues


def _usable(key: tuple[str, ...]) -> bool:
    if not key or len(key) > MAX_ALIAS_TOKENS:
        return False
    if len(key) == 1:
        word = key[0]
        return len(word) >= MIN_SINGLE_WORD_CHARS and word not in FUNCTION_WORDS
    return True


class GazetteerMatcher:
    """NER component: finds gazetteer aliases. ``method="gazetteer"``."""

    name = "gazetteer"
    method = "gazetteer"
    priority = 3  # curated knowledge: wins over every other component

    def __init__(self, gazetteer: Gazetteer, tokenizer: Tokenizer):
        self.gazetteer = gazetteer
        kind = "alias-index"
        if gazetteer.removed:
            kind += "-without-" + hashlib.sha256("\n".join(sorted(gazetteer.removed)).encode()).hexdigest()[:12]
        inputs = [*gazetteer.files, tokenizer.lexicon.path or resource_paths().lexicon, resource_paths().name_stats]
        self.index = cached(kind, inputs, lambda: build_index(gazetteer, tokenizer))
        self._user_files = {str(path) for path in gazetteer.files if path.parent.name != "core"}

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        norms = [t.norm for t in tokens]
        out: list[Mention] = []
        for i, token in enumerate(tokens):
            if token.is_clitic:
                continue
            match = self._longest(view, norms, i)
            if match:
                last, ids = match
                first = i + 1 if self._descriptor_outside(norms, i, last) else i
                end = last - 1 if self._trailing_descriptor(norms, first, last) else last
                out.append(self._mention(view, first, end, ids))
            elif is_arabic_word(token.text):
                out.extend(self._match_shedding_proclitic(view, norms, i))
        return out

    def _longest(self, view: DocView, norms: list[str], i: int, first: str | None = None,
                 attached: str = "") -> tuple[int, list[str]] | None:
        """Longest alias starting at token ``i`` (its norm replaced by ``first`` if given)."""
        best = None
        key: tuple[str, ...] = ()
        for j in range(i, min(len(norms), i + self.index.max_len)):
            key = key + ((first if (j == i and first is not None) else norms[j]),)
            if key not in self.index.prefixes:
                break
            ids = self.index.keys.get(key) or self._in_context(view, i, key, attached)
            if ids:
                best = (j, ids)
        return best

    def _descriptor_outside(self, norms: list[str], i: int, last: int) -> bool:
        """The match starts with a classifier noun ("مدينة", "تنظيم") and the rest is a name on its own."""
        return last > i and norms[i] in DESCRIPTORS_OUTSIDE and tuple(norms[i + 1:last + 1]) in self.index.keys

    def _trailing_descriptor(self, norms: list[str], first: int, last: int) -> bool:
        """The match ends with "العاصمة" ("تونس العاصمة") and the rest is a name on its own."""
        return last > first and norms[last] in TRAILING_DESCRIPTORS and tuple(norms[first:last]) in self.index.keys

    def _in_context(self, view: DocView, i: int, key: tuple[str, ...], attached: str) -> list[str]:
        """Ids of context-only entries with this alias whose cue precedes token ``i``."""
        ids = self.index.context_keys.get(key)
        if not ids:
            return []
        return [entry_id for entry_id in ids if _has_cue(view, i, self.gazetteer.entries[entry_id].label, attached)]

    def _match_shedding_proclitic(self, view: DocView, norms: list[str], i: int) -> list[Mention]:
        token = view.tokens[i]
        for cut, stem in proclitic_analyses(token.text):
            match = self._longest(view, norms, i, first=stem, attached=token.norm[:cut])
            if match:
                last, ids = match
                norm = " ".join([stem] + [t.norm for t in view.tokens[i + 1:last + 1] if not t.is_clitic])
                return [self._mention(view, i, last, ids, start=token.start + cut, norm=norm)]
        return []

    def _mention(self, view: DocView, first: int, last: int, ids: list[str], *, start: int | None = None,
                 norm: str | None = None) -> Mention:
        ranked = self._ranked(ids)
        entry = ranked[0]
        same_label = tuple(e.id for e in ranked if e.label == entry.label)
        numbers = [t.text for t in view.tokens[first:last + 1] if t.text.isdigit()]
        value = str(int(numbers[-1])) if entry.label == "RES" and numbers else ""
        return view.mention(first, last, entry.label, self.name, 1.0, start=start, norm=norm, kb_id=entry.id,
                            value=value, container=entry.type in CONTAINER_TYPES,
                            candidates=same_label if len(same_label) > 1 else ())

    def _ranked(self, ids: list[str]) -> list[Entry]:
        """Entries sharing an alias, best first: a user's file, then the most populous place."""
        entries = [self.gazetteer.entries[i] for i in ids]
        return sorted(entries, key=lambda e: (e.file not in self._user_files, -(e.population or 0), e.id))
