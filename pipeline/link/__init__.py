"""Stage 4, link: every mention gets an ``entity_id``.

Order of evidence, per mention:
1. the gazetteer entry its span was matched from (``kb_id``); when several entries share the
   name (طرابلس in Lebanon or Libya, عمان Amman or Oman, الكويت country or city), the one in the
   country a nationality adjective right after the name gives ("طرابلس الليبية") wins, then the
   one whose country the document names elsewhere (a place, or an adjective: "اللبنانيين"), then
   the one a cue word before the name points to ("مدينة"/"العاصمة" -> a city,
   "دولة"/"سلطنة" -> a country), then the most populous;
2. numbered resolutions: ``unsc:<n>`` (facts from the KB when it has the row);
3. its folded name among the KB's names and aliases (same label preferred), else its spelling
   skeleton (long vowels dropped: كوشنير = كوشنر, الدانمارك = الدنمارك) when only one KB entity of
   that label has it;
4. people: first+last name that only one KB person has, or — for a one-word name that a title
   announced ("الرئيس هادي") — a surname only one KB person has;
5. within the document: a partial name of a fuller person mention ("لازارو" after
   "أرولدو لازارو"), and coreference mentions take their antecedent's entity;
6. anything else gets a local id derived from its label and folded name, so the same name
   gets the same id in every document and every run.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from pipeline.kb.gazetteer import Entry, Gazetteer
from pipeline.lang.arabic import fold, nationality, proclitic_analyses
from pipeline.lang.names import partial_names
from pipeline.lang.words import COUNTRY_TYPES, CUE_TYPES
from pipeline.types import LOCAL_PREFIX, EntityFacts, LinkedMention, Mention, TokenizedDocument

RES_NAME_AR = "قرار مجلس الأمن {n}"
RES_NAME_EN = "UN Security Council Resolution {n}"


def local_id(label: str, norm: str) -> str:
    """Stable id for a name in no gazetteer: same label and folded name, same id, everywhere."""
    digest = hashlib.sha1(f"{label}\t{norm}".encode()).hexdigest()[:10]
    return f"{LOCAL_PREFIX}{label.lower()}:{digest}"


class Linker:
    """Callable stage: ``Linker(gazetteer)(tokenized_doc, mentions) -> list[LinkedMention]``."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.names = gazetteer.by_folded_name()
        self.skeletons = _unique_skeletons(gazetteer)
        self.person_parts = _unique_person_parts(gazetteer)

    def __call__(self, tdoc: TokenizedDocument, mentions: list[Mention]) -> list[LinkedMention]:
        text = tdoc.doc.text.text
        countries = self._document_countries(mentions) | {c for t in tdoc.tokens if (c := nationality(t.norm))}
        targets: dict[int, EntityFacts] = {}
        chosen = self._cue_choices(mentions, text, countries)
        fuller = _fuller_people(mentions)
        for i, mention in enumerate(mentions):
            reuse = chosen.get(mention.norm) if mention.label == "LOC" and not _cue(_word_before(text, mention.start)) else None
            if reuse:
                mention = replace(mention, kb_id=reuse)
            elif mention.candidates:
                after = nationality(_word_after(text, mention.end))
                choice = self._disambiguate(mention, countries, _word_before(text, mention.start), after)
                mention = replace(mention, kb_id=choice)
            if mention.label == "PER" and not mention.kb_id and fuller.get(mention.norm, i) != i:
                continue  # the document named this person in full: _link_partial_names decides, not the KB
            target = self._from_kb(mention)
            if target is not None:
                targets[i] = target
        self._link_partial_names(mentions, fuller, targets, text)
        by_start = {m.start: i for i, m in enumerate(mentions)}
        linked = []
        for i, mention in enumerate(mentions):
            target = targets.get(i)
            if target is None and mention.antecedent in by_start:
                target = targets.get(by_start[mention.antecedent])
            if target is None:
                target = EntityFacts(local_id(mention.label, mention.norm), mention.label,
                                     name_ar=text[mention.start:mention.end])
                targets[i] = target
            linked.append(LinkedMention(mention, target))
        return linked

    def _cue_choices(self, mentions: list[Mention], text: str, countries: set[str]) -> dict[str, str]:
        """A shared name a cue word resolved in this document ("محافظة إدلب", "مدينة البصرة") -> the
        entry chosen: its bare mentions elsewhere in the document mean the same place."""
        chosen: dict[str, str] = {}
        for mention in mentions:
            previous = _word_before(text, mention.start)
            if mention.label != "LOC" or not mention.kb_id or not _cue(previous) or mention.norm in chosen:
                continue
            after = nationality(_word_after(text, mention.end))
            chosen[mention.norm] = (self._disambiguate(mention, countries, previous, after) if mention.candidates
                                    else mention.kb_id)
        return chosen

    def _document_countries(self, mentions: list[Mention]) -> set[str]:
        """Countries of the places the document names without ambiguity."""
        countries = set()
        for mention in mentions:
            entry = self.gazetteer.get(mention.kb_id) if mention.kb_id and not mention.candidates else None
            if entry is not None and entry.label == "LOC" and entry.country:
                countries.add(entry.country)
        return countries

    def _disambiguate(self, mention: Mention, countries: set[str], previous: str, adjective: str | None) -> str:
        """The candidate entry that fits the document best (see the module docstring)."""
        wants = _cue(previous)

        def score(order_and_id: tuple[int, str]) -> tuple:
            order, entry_id = order_and_id
            entry = self.gazetteer.get(entry_id)
            if entry is None:
                return (0, 0, 0, -order)
            described = int(adjective is not None and entry.country == adjective)
            in_document = entry.country in countries and entry.type not in COUNTRY_TYPES
            return (described, int(in_document), int(entry.type in wants), -order)

        return max(enumerate(mention.candidates), key=score)[1]

    def _from_kb(self, mention: Mention) -> EntityFacts | None:
        entry = self.gazetteer.get(mention.kb_id) if mention.kb_id else None
        if entry is not None:
            return entry.facts()
        if mention.label == "RES" and mention.kb_id.startswith("unsc:"):
            n = mention.kb_id.split(":", 1)[1]
            return EntityFacts(mention.kb_id, "RES", name_ar=RES_NAME_AR.format(n=n), name_en=RES_NAME_EN.format(n=n))
        if mention.method == "coreference":
            return None
        entry = self._by_name(mention) or self._by_skeleton(mention) or self._by_person_part(mention)
        return entry.facts() if entry is not None else None

    def _by_skeleton(self, mention: Mention) -> Entry | None:
        entry_id = self.skeletons.get((mention.label, skeleton(mention.norm)))
        return self.gazetteer.get(entry_id) if entry_id else None

    def _by_name(self, mention: Mention) -> Entry | None:
        entries = [self.gazetteer.entries[i] for i in self.names.get(mention.norm, ())]
        same_label = [e for e in entries if e.label == mention.label]
        if not same_label:
            return None
        return max(same_label, key=lambda e: e.population or 0)

    def _by_person_part(self, mention: Mention) -> Entry | None:
        one_word = " " not in mention.norm
        if mention.label != "PER" or (one_word and mention.method != "rule"):
            return None  # a lone word the model called a person is too weak to name a KB person
        entry_id = self.person_parts.get(mention.norm)
        return self.gazetteer.get(entry_id) if entry_id else None

    def _link_partial_names(self, mentions: list[Mention], fuller: dict[str, int], targets: dict[int, EntityFacts],
                            text: str) -> None:
        """Unlinked people whose name is part of a fuller person mention in the same document."""
        for i in (i for i, m in enumerate(mentions) if m.label == "PER"):
            fullest = fuller.get(mentions[i].norm)
            if i in targets or fullest is None or fullest == i:
                continue
            j = fullest
            if j not in targets:
                targets[j] = EntityFacts(local_id("PER", mentions[j].norm), "PER",
                                         name_ar=text[mentions[j].start:mentions[j].end])
            targets[i] = targets[j]


def _fuller_people(mentions: list[Mention]) -> dict[str, int]:
    """Folded partial name ("الفلاحي") -> index of the longest person mention it is part of
    ("عادل الفلاحي"), the earliest among equals."""
    fuller: dict[str, int] = {}
    people = [i for i, m in enumerate(mentions) if m.label == "PER"]
    for j in sorted(people, key=lambda j: (-len(mentions[j].norm.split()), mentions[j].start)):
        for part in partial_names(mentions[j].norm.split()):
            fuller.setdefault(part, j)
    return fuller


SKELETON_MIN_CHARS = 4
_LONG_VOWELS = str.maketrans("", "", "اوي")


def skeleton(norm: str) -> str:
    """A folded name without its long vowels after the first letter of each word.

    Transliterated names vary mostly in ا و ي (كوشنر / كوشنير, الدانمرك / الدانمارك).
    """
    return " ".join(word[:1] + word[1:].translate(_LONG_VOWELS) for word in norm.split())


def _unique_skeletons(gazetteer: Gazetteer) -> dict[tuple[str, str], str]:
    """(label, skeleton) -> the one automatic KB entry with that skeleton; shared ones dropped."""
    owners: dict[tuple[str, str], set[str]] = {}
    for entry in gazetteer.entries.values():
        for form in entry.surface_forms:
            key = skeleton(fold(form))
            if len(key.replace(" ", "")) >= SKELETON_MIN_CHARS:
                owners.setdefault((entry.label, key), set()).add(entry.id)
    return {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}


def _unique_person_parts(gazetteer: Gazetteer) -> dict[str, str]:
    """Partial names of KB people (:func:`~pipeline.lang.names.partial_names`), kept only when one person has them."""
    owners: dict[str, set[str]] = {}
    for entry in gazetteer.entries.values():
        if entry.label != "PER":
            continue
        for form in entry.surface_forms:
            words = fold(form).split()
            if len(words) < 2:
                continue
            for part in partial_names(words):
                owners.setdefault(part, set()).add(entry.id)
    return {part: next(iter(ids)) for part, ids in owners.items() if len(ids) == 1}


def _cue(word: str) -> tuple[str, ...]:
    """Place types a cue word before a name asks for ("مدينة" a city, "بمحافظة" a governorate)."""
    if word in CUE_TYPES:
        return CUE_TYPES[word]
    return next((CUE_TYPES[stem] for _, stem in proclitic_analyses(word) if stem in CUE_TYPES), ())


def _word_after(text: str, end: int) -> str:
    """The folded word right after ``end`` ("الليبية" in "طرابلس الليبية")."""
    words = text[end:end + 30].split()
    return fold(words[0]) if words else ""


def _word_before(text: str, start: int) -> str:
    """The folded word right before ``start`` (a cue such as "مدينة" or "دولة")."""
    words = text[max(0, start - 30):start].split()
    return fold(words[-1]) if words else ""
