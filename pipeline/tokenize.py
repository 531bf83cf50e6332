"""Stage 2, tokenize: words, sentences and proclitic segments, all with character offsets.

Word boundaries follow CAMeL Tools' ``simple_word_tokenize`` (whitespace, then every
punctuation mark or symbol is its own token; a test checks agreement on real news), done as
one regex so each token keeps its offsets. A leading و ف ب ل ك (and وال بال لل ...) is split
off when the word-frequency lexicon says the rest is the word ("وحماس" -> و + حماس) but not
when the letters belong to the word ("وليد", "بغداد", "لبنان").
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.cache import cached
from pipeline.lang.arabic import fold, is_arabic_word, proclitic_analyses
from pipeline.lang.names import NameStats, default_name_stats
from pipeline.lang.words import NEVER_SPLIT
from pipeline.resources import resource_paths
from pipeline.types import CleanDocument, Sentence, Token, TokenizedDocument

# An emoji with its modifiers, a run of non-space non-punctuation, or one punctuation mark/symbol.
TOKEN_RE = regex.compile(r"\p{RI}\p{RI}|\p{Extended_Pictographic}(?:\p{EMod}|\uFE0F)*|[^\s\p{P}\p{S}]+|[\p{P}\p{S}]")
SENTENCE_END = frozenset(".!?؟…")

# Split a proclitic only if the stem is this much more frequent than the whole word ...
STEM_RATIO = 2.0
# ... and seen at least this often; words never split (function words whose first letter
# only looks like a proclitic).
MIN_STEM_COUNT = 5
MIN_STEM_CHARS = 3  # two-letter stems ("ان", "لا") are function words far more often than names
CACHED_WORDS = 100_000  # word analyses kept (~35 MB); the most frequent words come early


class Lexicon:
    """Folded word -> corpus count, for proclitic decisions."""

    def __init__(self, counts: dict[str, int], path: Path | None = None):
        self.counts = counts
        self.path = path

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        path = path or resource_paths().lexicon
        return cls(cached("lexicon", [path], lambda: _read_counts(path)), path)

    def count(self, folded: str) -> int:
        return self.counts.get(folded, 0)


PROCLITIC_LETTERS = tuple("وفبلك")
FIRST_NAMES = Path(__file__).resolve().parent / "lang" / "data" / "first_names.txt"


def protected_names(gazetteer=None, stats: NameStats | None = None) -> frozenset[str]:
    """Folded words never split, although a proclitic letter starts them: names ("فيصل", "فراس",
    "وليد") whose remainder is a common word ("يصل" arrives, "راس" head). They are every word of a
    knowledge-base person's name, every one-word knowledge-base name, every word the gold corpora
    saw at least as often inside a person's name as outside, and the curated given names of
    ``lang/data/first_names.txt``."""
    from pipeline.kb.gazetteer import load_gazetteer

    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    stats = stats or default_name_stats()
    words = {w for w, (person, total) in stats.counts.items() if person and 2 * person >= total}
    words |= {fold(line.strip()) for line in FIRST_NAMES.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    for entry in gazetteer.entries.values():
        for form in entry.surface_forms:
            folded = fold(form).split()
            if entry.label == "PER" or len(folded) == 1:
                words.update(folded)
    return frozenset(w for w in words if w.startswith(PROCLITIC_LETTERS) and len(w) > MIN_STEM_CHARS)


class Tokenizer:
    """Callable stage: ``Tokenizer()(doc) -> TokenizedDocument``.

    ``names``: folded words never split (default: :func:`protected_names` of the shipped
    knowledge base and name statistics).
    """

    def __init__(self, lexicon: Lexicon | None = None, names: frozenset[str] | None = None):
        self.lexicon = lexicon or _default_lexicon()
        self.names = names if names is not None else _default_names()
        self._split_cache: dict[str, tuple[int, str] | None] = {}
        self._analysis_cache: dict[str, tuple[str, tuple[int, str] | None]] = {}

    def __call__(self, doc: CleanDocument) -> TokenizedDocument:
        tokens = self.tokenize(doc.text.text)
        return TokenizedDocument(doc=doc, tokens=tokens, sentences=split_sentences(tokens, doc.text.text))

    def tokenize(self, text: str) -> list[Token]:
        """Tokens of ``text`` with proclitics split off; offsets index ``text``."""
        tokens: list[Token] = []
        for match in TOKEN_RE.finditer(text):
            start, end = match.span()
            word = match.group()
            space_after = end < len(text) and text[end].isspace()
            norm, split = self._analysis(word)
            if split is None:
                tokens.append(Token(start, end, word, norm, space_after=space_after))
                continue
            cut, stem_norm = split
            tokens.append(Token(start, start + cut, word[:cut], norm[:cut], is_clitic=True, space_after=False))
            tokens.append(Token(start + cut, end, word[cut:], stem_norm, space_after=space_after))
        return tokens

    def _analysis(self, word: str) -> tuple[str, tuple[int, str] | None]:
        """Folded form and proclitic split of a word, cached: news repeats its words."""
        cached = self._analysis_cache.get(word)
        if cached is None:
            cached = (fold(word), self.proclitic_split(word) if is_arabic_word(word) else None)
            if len(self._analysis_cache) < CACHED_WORDS:
                self._analysis_cache[word] = cached
        return cached

    def proclitic_split(self, word: str) -> tuple[int, str] | None:
        """``(prefix_chars, folded_stem)`` if ``word`` starts with a proclitic, else ``None``."""
        if word in self._split_cache:
            return self._split_cache[word]
        result = self._decide(word)
        if len(self._split_cache) < CACHED_WORDS:
            self._split_cache[word] = result
        return result

    def _decide(self, word: str) -> tuple[int, str] | None:
        folded = fold(word)
        if folded in NEVER_SPLIT or folded in self.names:
            return None
        whole = self.lexicon.count(folded)
        for cut, stem in proclitic_analyses(word):
            if len(stem) < MIN_STEM_CHARS:
                continue
            stem_count = self.lexicon.count(stem)
            if stem_count >= MIN_STEM_COUNT and stem_count >= STEM_RATIO * whole:
                return cut, stem
        return None


def _read_counts(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                word, _, count = line.rstrip("\n").partition("\t")
                counts[word] = int(count)
    return counts


def split_sentences(tokens: list[Token], text: str) -> list[Sentence]:
    """Sentence ends: . ! ? ؟ … (not inside numbers or after one-letter abbreviations) and line breaks."""
    sentences: list[Sentence] = []
    first = 0
    for i, token in enumerate(tokens):
        next_token = tokens[i + 1] if i + 1 < len(tokens) else None
        if next_token is None:
            break
        gap = text[token.end:next_token.start]
        ends_here = "\n" in gap or (token.text in SENTENCE_END and not _is_inner_period(tokens, i, gap))
        if ends_here:
            sentences.append(Sentence(first, i + 1))
            first = i + 1
    if first < len(tokens):
        sentences.append(Sentence(first, len(tokens)))
    return sentences


def _is_inner_period(tokens: list[Token], i: int, gap: str) -> bool:
    """A period between digits (2.5) or after a one-letter abbreviation (د.) ends nothing."""
    if tokens[i].text != "." or i == 0:
        return False
    before, after = tokens[i - 1], tokens[i + 1]
    if not gap and before.text.isdigit() and after.text.isdigit():
        return True
    return before.end == tokens[i].start and len(before.text) == 1 and before.text.isalpha()


@lru_cache(maxsize=1)
def _default_names() -> frozenset[str]:
    from pipeline.cache import cached

    paths = resource_paths()
    from pipeline.kb.gazetteer import gazetteer_files

    return cached("protected-names", [*gazetteer_files(), paths.name_stats, FIRST_NAMES], protected_names)


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return Lexicon.load()
