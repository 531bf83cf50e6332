"""Contextual rules: names announced by titles and roles, kunyas, numbered resolutions.

The rules generalize to names in no gazetteer: "رئيس الوزراء العراقي محمد شياع السوداني",
"الجنرال أرولدو لازارو", "أبو مهدي المهندس", "القرار 1701". Whether a word can be part of a
name is decided from gold NER corpora (``data/lexicon/name_stats.tsv.gz``: how often a word was
part of a person's name); words never seen there (foreign names) are allowed.
"""

from __future__ import annotations

from pipeline.lang.arabic import (
    FUNCTION_WORDS,
    PERSON_CUES,
    fold,
    future_verb_stem,
    has_pronoun_suffix,
    is_ali,
    is_arabic_word,
    is_function_word,
    nationality,
)
from pipeline.lang.names import NameStats, default_name_stats
from pipeline.lang.words import (
    AFFILIATION_WORDS,
    CHAIN_LINKS,
    DISCIPLINE,
    FAMILY_LINKS,
    GEO_WORDS,
    KUNYA_WORDS,
    MINISTER_WORDS,
    NAMED_ORG_HEADS,
    NATIONAL_MARKERS,
    NOT_IN_NAMES,
    RES_FILLERS,
    RES_HEADS,
    STATE_HEADS,
    TEAM_HEADS,
    TWO_WORD_NAME_HEADS,
    UN_MARKERS,
)
from pipeline.ner.base import DocView
from pipeline.tokenize import Tokenizer
from pipeline.types import Mention

MAX_NAME_TOKENS = 4
MAX_AFFILIATION_TOKENS = 14


class TitleRule:
    """Person names after titles and roles, skipping the role's affiliation. ``method="rule"``."""

    name = "titles"
    method = "rule"
    priority = 2

    def __init__(self, tokenizer: Tokenizer, stats: NameStats | None = None):
        self.stats = stats or default_name_stats()
        self.lexicon = tokenizer.lexicon
        cues = sorted({tuple(t.norm for t in tokenizer.tokenize(c)) for c in PERSON_CUES}, key=len, reverse=True)
        self.cues_by_first: dict[str, list[tuple[str, ...]]] = {}
        for cue in cues:  # longest first within each first word
            self.cues_by_first.setdefault(cue[0], []).append(cue)
        self.cue_words = frozenset(word for cue in cues for word in cue)

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        norms = [t.norm for t in tokens]
        starts_at = {view.token_at(m.start): view.token_at(m.end - 1) for m in found}
        covered = {k for first, last in starts_at.items() for k in range(first + 1, last + 1)}  # never start inside a name
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            cue_end = self._cue_end(norms, i)
            if cue_end is None:
                i += 1
                continue
            first = self._skip_affiliation(view, norms, cue_end, starts_at)
            last = None if first in covered else self._name_end(view, first)
            if last is not None:
                out.append(view.mention(first, last, "PER", "rule", 0.85))
                i = last + 1
            else:
                i = cue_end
        return out

    def _cue_end(self, norms: list[str], i: int) -> int | None:
        for cue in self.cues_by_first.get(norms[i], ()):
            if tuple(norms[i:i + len(cue)]) == cue:
                return i + len(cue)
        return None

    def _skip_affiliation(self, view: DocView, norms: list[str], k: int, starts_at: dict[int, int]) -> int:
        """Skip "العراقي", "للأمم المتحدة في لبنان", "القوات الدولية ..." between role and name."""
        tokens = view.tokens
        limit = min(len(tokens), k + MAX_AFFILIATION_TOKENS)
        while k < limit:
            token, norm = tokens[k], norms[k]
            if k in starts_at:
                k = starts_at[k] + 1
            elif token.is_clitic:
                # "ل" / "لل" govern the next word ("لعمليات السلام"): skip both — or the whole
                # name that starts there ("لحزب الله").
                k = starts_at[k + 1] + 1 if k + 1 in starts_at else k + (2 if norm.endswith("ل") else 1)
            elif norm.startswith("ال") and not self._name_like(norm, definite_ok=False):
                k += 1
            elif norm in AFFILIATION_WORDS or norm in GEO_WORDS or norm in self.cue_words or token.text in "\"'-":
                k += 1
            else:
                break
        return k

    def _name_end(self, view: DocView, first: int) -> int | None:
        """Index of the last name token starting at ``first``, or ``None`` if no name starts there."""
        tokens = view.tokens
        if first >= len(tokens) or not self._can_start(tokens[first].norm, tokens[first].text):
            return None
        kunya = tokens[first].norm in KUNYA_WORDS
        last, count = first, 1
        j = first + 1
        while j < len(tokens) and count < MAX_NAME_TOKENS:
            token, prev = tokens[j], tokens[j - 1]
            if token.text == "-" and not prev.space_after and j + 1 < len(tokens) and not token.space_after:
                j += 1  # hyphenated surname: هينيس-بلاسخارت
                continue
            if token.is_clitic or not is_arabic_word(token.text) or is_function_word(token.text, token.norm) \
                    or not (is_ali(token.text) or self._can_continue(token.norm, count, kunya)):
                break
            last, count = j, count + 1
            j += 1
        while last > first and tokens[last].norm in CHAIN_LINKS | FAMILY_LINKS:
            last -= 1  # never end on "بن" or "آل": the chain component widens to the whole chain
        if kunya and count < 2:
            return None
        return last

    def _can_start(self, norm: str, text: str) -> bool:
        if is_ali(text):
            return True
        if not is_arabic_word(text) or len(norm) < 2 or is_function_word(text, norm) or norm in self.cue_words \
                or has_pronoun_suffix(norm) or self._future_verb(norm):
            return False
        if norm in KUNYA_WORDS:
            return True
        return self._name_like(norm, definite_ok=False)

    def _can_continue(self, norm: str, count: int, kunya: bool) -> bool:
        if norm in FUNCTION_WORDS or norm in self.cue_words or norm in GEO_WORDS:
            return False
        if self._name_like(norm, definite_ok=True):
            return True
        # Laqab after a kunya ("أبو مهدي المهندس"), nisba surname ("محمد شياع السوداني").
        return norm.startswith("ال") and (kunya or (count >= 2 and norm.endswith("ي")))

    def _future_verb(self, norm: str) -> bool:
        """"سيزور": a future verb (its imperfect is a frequent word), not the start of a name."""
        stem = future_verb_stem(norm)
        return stem is not None and self.lexicon.count(stem) >= 20 and self.lexicon.count(stem) > self.lexicon.count(norm)

    def _name_like(self, norm: str, *, definite_ok: bool) -> bool:
        ratio = self.stats.person_ratio(norm)
        if ratio is None:
            return definite_ok or not norm.startswith("ال")
        return ratio >= (0.2 if definite_ok else 0.3)


class KunyaRule:
    """"أبو/أم" + a known first name (+ a definite laqab): "أبو بكر البغدادي". ``method="rule"``."""

    name = "kunya"
    method = "rule"
    priority = 2

    def __init__(self, stats: NameStats | None = None):
        self.stats = stats or default_name_stats()

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        out: list[Mention] = []
        for i in range(len(tokens) - 1):
            if tokens[i].norm not in KUNYA_WORDS or tokens[i + 1].is_clitic:
                continue
            ratio = self.stats.person_ratio(tokens[i + 1].norm)
            if ratio is None or ratio < 0.3 or not is_arabic_word(tokens[i + 1].text):
                continue
            last = i + 1
            nxt = tokens[i + 2] if i + 2 < len(tokens) else None
            if nxt is not None and not nxt.is_clitic and nxt.norm.startswith("ال") and not is_function_word(nxt.text, nxt.norm):
                last = i + 2
            out.append(view.mention(i, last, "PER", "rule", 0.75))
        return out


class ResolutionRule:
    """Numbered resolutions: "القرار 1701", "قرار مجلس الأمن رقم 2254". ``method="rule"``, RES."""

    name = "resolutions"
    method = "rule"
    priority = 2
    max_gap = 8

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        out: list[Mention] = []
        for i, token in enumerate(tokens):
            if token.norm not in RES_HEADS:
                continue
            j = i + 1
            while j < len(tokens) and j <= i + self.max_gap and (tokens[j].norm in RES_FILLERS or tokens[j].is_clitic):
                j += 1
            if j < len(tokens) and _is_resolution_number(tokens[j].text):
                out.append(self._resolution(view, i, j))
                out.extend(self._conjoined(view, j))
        return out

    def _resolution(self, view: DocView, first: int, number: int) -> Mention:
        tokens = view.tokens
        span_norms = {t.norm for t in tokens[first:number]}
        following = fold(view.text[tokens[number].end:tokens[number].end + 8]).split()
        national = bool(following) and following[0] in NATIONAL_MARKERS
        un_context = bool(span_norms & UN_MARKERS)
        value = tokens[number].text
        kb_id = f"unsc:{int(value)}" if un_context or not national else ""
        return view.mention(first, number, "RES", "rule", 0.9, value=str(int(value)), kb_id=kb_id)

    def _conjoined(self, view: DocView, number: int) -> list[Mention]:
        """"القرارين 1559 و1701": the second number is a resolution too."""
        tokens = view.tokens
        out = []
        j = number + 1
        while j + 1 < len(tokens) and (tokens[j].is_clitic or tokens[j].text in "،,") and _is_resolution_number(tokens[j + 1].text):
            value = str(int(tokens[j + 1].text))
            out.append(view.mention(j + 1, j + 1, "RES", "rule", 0.85, value=value, kb_id=f"unsc:{value}"))
            j += 2
        return out


def _is_resolution_number(text: str) -> bool:
    return text.isdigit() and text.isascii() and 1 <= len(text) <= 4 and int(text) > 0


MAX_ORG_TOKENS = 5




class OrganizationRule:
    """Institution-noun names ("وزارة العدل", "الجيش اللبناني") and national teams ("منتخب مصر").

    A minister's portfolio is not an organization: in "وزير الداخلية العراقي" the adjective belongs
    to the minister and nothing here is an ORG (the text names the ministry as "وزارة الداخلية").
    ``method="rule"``, ORG.
    """

    name = "organizations"
    method = "rule"
    priority = 2

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        known = {view.token_at(m.start) for m in found}  # "حزب الله": the gazetteer's span stands
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            if i in known:
                i += 1
                continue
            portfolio = i > 0 and tokens[i - 1].norm in MINISTER_WORDS
            last = self._named(tokens, i) if tokens[i].norm in NAMED_ORG_HEADS else None
            if last is None and tokens[i].norm in STATE_HEADS and not portfolio:
                last = self._state(tokens, i)
            if last is None and tokens[i].norm in TEAM_HEADS:
                last = self._team(view, tokens, i, found)
            if last is not None:
                out.append(view.mention(i, last, "ORG", "rule", 0.8))
                i = last + 1
            else:
                i += 1
        return out

    @staticmethod
    def _named(tokens, head: int) -> int | None:
        """Head, an optional indefinite noun, then definite words (and a nationality adjective)."""
        j = head + 1
        if j < len(tokens) and _plain_word(tokens[j]) and not tokens[j].norm.startswith("ال"):
            j += 1  # construct state: "هيئة مكافحة الفساد"
        last = None
        while (j < len(tokens) and j - head < MAX_ORG_TOKENS and _plain_word(tokens[j])
               and tokens[j].norm.startswith("ال") and tokens[j].norm not in NOT_IN_NAMES):
            last = j
            j += 1
        return last

    @staticmethod
    def _team(view: DocView, tokens, head: int, found: list[Mention]) -> int | None:
        """"منتخب" + a country the gazetteer found (+ "لكرة القدم"): a national team, one ORG."""
        country = next((m for m in found if m.label == "LOC" and view.token_at(m.start) == head + 1), None)
        if country is None:
            return None
        last = view.token_at(country.end - 1)
        after = [t.norm for t in tokens[last + 1:last + 4]]
        if after[:2] == [fold("لكرة"), DISCIPLINE[1]]:  # "لكرة" left whole by the tokenizer
            last += 2
        elif len(after) == 3 and tokens[last + 1].is_clitic and after[0] == fold("ل") and tuple(after[1:]) == DISCIPLINE:
            last += 3
        return last

    @staticmethod
    def _state(tokens, head: int) -> int | None:
        """A state institution described by a nationality: "القوات الجوية الروسية"."""
        for j in range(head + 1, min(len(tokens), head + 4)):
            if not _plain_word(tokens[j]) or not tokens[j].norm.startswith("ال"):
                return None
            if nationality(tokens[j].norm):
                return j
        return None


def _plain_word(token) -> bool:
    return not token.is_clitic and is_arabic_word(token.text) and not is_function_word(token.text, token.norm)




class PatronymicChains:
    """A name with a patronymic chain is one person: "محمد بن سلمان بن عبد العزيز آل سعود".

    A person mention (from the gazetteer or the rules) that a chain continues — "X بن" before
    it, "بن Y" or "آل Y" after it — is widened to the whole chain. The chain is linked to the
    knowledge-base person whose name starts it (the longest KB person name at its start:
    "محمد بن سلمان" -> the crown prince), never to a person named inside it ("سلمان بن عبد
    العزيز" is his father, the king); with no such name it is left to the linker as a new name.
    ``method="rule"``.
    """

    name = "chains"
    method = "rule"
    priority = 2

    def __init__(self, gazetteer):
        self.people = {fold(form): entry.id for entry in gazetteer.entries.values() if entry.label == "PER"
                       for form in entry.surface_forms}

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        out = []
        for mention in found:
            if mention.label != "PER":
                continue
            first, last = view.token_at(mention.start), view.token_at(mention.end - 1)
            while first >= 2 and tokens[first - 1].norm in CHAIN_LINKS and self._name_word(tokens[first - 2]):
                first -= 2
                if first >= 1 and tokens[first - 1].norm in TWO_WORD_NAME_HEADS:
                    first -= 1
            while last + 2 < len(tokens) and tokens[last + 1].norm in CHAIN_LINKS | FAMILY_LINKS \
                    and self._name_word(tokens[last + 2]):
                last += 2
                if tokens[last].norm in TWO_WORD_NAME_HEADS and last + 1 < len(tokens) and self._name_word(tokens[last + 1]):
                    last += 1
            if (first, last) == (view.token_at(mention.start), view.token_at(mention.end - 1)):
                continue
            out.append(view.mention(first, last, "PER", self.method, 0.85, kb_id=self._head_person(tokens, first, last)))
        return out

    @staticmethod
    def _name_word(token) -> bool:
        return not token.is_clitic and is_arabic_word(token.text) and not is_function_word(token.text, token.norm)

    def _head_person(self, tokens, first: int, last: int) -> str:
        """The KB person whose name is the longest run of words starting the chain."""
        for end in range(last, first, -1):
            entry_id = self.people.get(" ".join(t.norm for t in tokens[first:end + 1]))
            if entry_id:
                return entry_id
        return ""
