"""The statistical NER component: a spaCy CNN tagger trained on ANERcorp, run on our tokens.

The model never sees raw text. It is given the pipeline's own tokens — proclitics already
split off ("والولايات" -> [و][الولايات]) — with ``NORM`` set to the folded form, and its
static floret vectors are keyed on that folded form too. Training (``pipeline/ner/train.py``)
segments the gold corpora exactly the same way, through :func:`segment`, so what the model
learns and what it is asked match token for token.

Two ways in:
- as a pipeline component (``name = "model"``): ``Model()(view, found)`` -> mentions with
  ``method="model"``, one spaCy ``Doc`` per sentence, batched through ``nlp.pipe``;
- on pre-tokenized sentences (CoNLL files): :meth:`Model.tag_sentences` -> IOB tags, one per
  given token; each token is proclitic-split internally and gets its stem's tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.arabic import fold, is_arabic_word
from pipeline.ner.base import DocView
from pipeline.tokenize import Tokenizer
from pipeline.types import Mention

DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "ner-ar-cnn"
MODEL_LABELS = ("PER", "LOC", "ORG", "MISC")
MAX_SENTENCE_TOKENS = 400  # longer "sentences" (tables, lists) are cut into windows of this size
BATCH_SIZE = 256


class ModelError(Exception):
    """The model folder is missing or unreadable (with what to do about it)."""


@dataclass(frozen=True)
class Segmented:
    """Given tokens split into model tokens: ``owner[i]`` is the given token piece ``i`` came from."""

    words: list[str]
    norms: list[str]
    clitic: list[bool]
    owner: list[int]


def segment(tokens: Sequence[str], tokenizer: Tokenizer) -> Segmented:
    """Proclitic-split each given token exactly as the pipeline's tokenizer would."""
    words: list[str] = []
    norms: list[str] = []
    clitic: list[bool] = []
    owner: list[int] = []
    for i, token in enumerate(tokens):
        split = tokenizer.proclitic_split(token) if is_arabic_word(token) else None
        if split is None:
            words.append(token)
            norms.append(fold(token))
            clitic.append(False)
            owner.append(i)
            continue
        cut, stem_norm = split
        words += [token[:cut], token[cut:]]
        norms += [fold(token[:cut]), stem_norm]
        clitic += [True, False]
        owner += [i, i]
    return Segmented(words, norms, clitic, owner)


def spans_to_tags(spans: Iterable[tuple[int, int, str]], seg: Segmented, n_tokens: int) -> list[str]:
    """Model-token spans ``(start, end, label)`` -> IOB2 tags over the given tokens.

    A given token takes the tag of its last piece (the stem); a span starting on a clitic
    piece starts at the next piece, since names never include the attached و ف ب ل ك.
    """
    piece_tags = ["O"] * len(seg.words)
    for start, end, label in spans:
        while start < end and seg.clitic[start]:
            start += 1
        if start >= end:
            continue
        piece_tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            piece_tags[i] = f"I-{label}"
    tags = ["O"] * n_tokens
    for piece, token in enumerate(seg.owner):
        tags[token] = piece_tags[piece]  # the last piece of a token is its stem
    # A token whose stem continues an entity whose first piece was this token's clitic
    # cannot happen (clitics never start spans), but an I- after an O token can: repair it.
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:]):
            tags[i] = "B-" + tag[2:]
    return tags


def tags_to_piece_spans(tags: Sequence[str], seg: Segmented) -> list[tuple[int, int, str]]:
    """Gold IOB tags over given tokens -> spans over model tokens (training data).

    Conlleval semantics (an orphan ``I-`` starts an entity). A span's first token loses its
    clitic piece; clitics inside a span stay in it ("وزارة الخارجية [و]التعاون").
    """
    from pipeline.ner.conll import spans as tag_spans

    first_piece: dict[int, int] = {}
    last_piece: dict[int, int] = {}
    for piece, token in enumerate(seg.owner):
        first_piece.setdefault(token, piece)
        last_piece[token] = piece
    out = []
    for start, end, label in tag_spans(list(tags)):
        begin = first_piece[start]
        while seg.clitic[begin] and begin < last_piece[start]:
            begin += 1
        out.append((begin, last_piece[end - 1] + 1, label))
    return out


class Model:
    """The shipped spaCy NER model behind the pipeline component interface."""

    name = "model"

    def __init__(self, path: str | Path = DEFAULT_MODEL_PATH, tokenizer: Tokenizer | None = None):
        self.path = Path(path)
        self.nlp = _load(str(self.path))
        self.tokenizer = tokenizer or Tokenizer()

    # -- pipeline component ---------------------------------------------------------------
    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        windows = [
            (start, min(start + MAX_SENTENCE_TOKENS, sentence.end))
            for sentence in view.tdoc.sentences
            for start in range(sentence.start, sentence.end, MAX_SENTENCE_TOKENS)
        ]
        docs = (self._doc([t.text for t in tokens[a:b]], [t.norm for t in tokens[a:b]]) for a, b in windows)
        mentions: list[Mention] = []
        for (offset, _), doc in zip(windows, self.nlp.pipe(docs, batch_size=BATCH_SIZE)):
            for ent in doc.ents:
                first, last = offset + ent.start, offset + ent.end - 1
                while first < last and tokens[first].is_clitic:
                    first += 1
                if tokens[first].is_clitic:
                    continue
                mentions.append(view.mention(first, last, ent.label_, self.name, _score(ent)))
        return mentions

    # -- pre-tokenized input --------------------------------------------------------------
    def tag_sentences(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for each given token of each sentence (no re-tokenization)."""
        sentences = [list(s) for s in sentences]
        segs = [segment(s, self.tokenizer) for s in sentences]
        pieces = [self.predict_spans(seg.words, seg.norms) for seg in segs]
        return [spans_to_tags(spans, seg, len(s)) for s, seg, spans in zip(sentences, segs, pieces)]

    def predict_spans(self, words: list[str], norms: list[str]) -> list[tuple[int, int, str]]:
        """Spans over model tokens for one (possibly long) sentence."""
        return self.predict_many([(words, norms)])[0]

    def predict_many(self, batch: Sequence[tuple[list[str], list[str]]]) -> list[list[tuple[int, int, str]]]:
        windows = [(i, start) for i, (words, _) in enumerate(batch) for start in range(0, max(len(words), 1), MAX_SENTENCE_TOKENS)]
        docs = (self._doc(batch[i][0][s:s + MAX_SENTENCE_TOKENS], batch[i][1][s:s + MAX_SENTENCE_TOKENS]) for i, s in windows)
        out: list[list[tuple[int, int, str]]] = [[] for _ in batch]
        for (i, start), doc in zip(windows, self.nlp.pipe(docs, batch_size=BATCH_SIZE)):
            out[i] += [(start + e.start, start + e.end, e.label_) for e in doc.ents]
        return out

    def _doc(self, words: list[str], norms: list[str]):
        return make_doc(self.nlp.vocab, words, norms)


def make_doc(vocab, words: list[str], norms: list[str]):
    """A spaCy ``Doc`` over our tokens with ``NORM`` set to the folded form (what the vectors key on)."""
    from spacy.tokens import Doc

    doc = Doc(vocab, words=words or [""], spaces=[True] * max(len(words), 1))
    for token, norm in zip(doc, norms):
        token.norm_ = norm
    return doc


def _score(ent) -> float:
    return 1.0  # the transition-based NER gives no calibrated span probability


@lru_cache(maxsize=4)
def _load(path: str):
    import spacy

    if not (Path(path) / "config.cfg").is_file():
        raise ModelError(f"no NER model at {path}: run `make train` (or pass another path)")
    return spacy.load(path)
