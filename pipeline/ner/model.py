"""The statistical NER component: the distilled student network, run on the pipeline's tokens.

The model never sees raw text. It is given the pipeline's own tokens — proclitics already
split off ("والولايات" -> [و][الولايات]) — with their folded form (NORM), on which its word
embedding and its static floret vectors are keyed. Training (:mod:`pipeline.training.data`)
segments the gold corpora exactly the same way, through :func:`segment`, so what the model
learns and what it is asked match token for token. The network is
:class:`~pipeline.ner.student.StudentNetwork` (ONNX Runtime; no torch, no spaCy at run time).

Two ways in:
- as a pipeline component (``name = "model"``): ``Model()(view, found)`` -> mentions with
  ``method="model"``, the sentences of a document tagged in length-sorted batches;
- on pre-tokenized sentences (CoNLL files): :meth:`Model.tag_sentences` -> IOB tags, one per
  given token; each token is proclitic-split internally and gets its stem's tag.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.lang.arabic import fold, is_arabic_word, nationality
from pipeline.ner.base import DocView
from pipeline.ner.conll import spans as tag_spans
from pipeline.ner.student import NEWS, StudentNetwork
from pipeline.resources import resource_paths
from pipeline.tokenize import Tokenizer
from pipeline.types import Mention

MAX_SENTENCE_TOKENS = 400  # longer "sentences" (tables, lists) are cut into windows of this size
BATCH_SIZE = 64  # sentences (windows) per network call ...
BATCH_TOKENS = 8192  # ... and padded tokens: the LSTM's work arrays stay under ~150 MB
PROPAGATED_SCORE = 0.5  # a span copied from another sentence by :func:`propagate`
CONSISTENCY_WINDOW = 10  # sentences either side that :func:`propagate` looks at
NEVER_ALONE = "never_alone.txt"  # words the stage never takes as a one-word model mention: see :func:`_never_alone`


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

    A given token takes the tag of its last piece (the stem); spans never start on a clitic
    piece (:meth:`Model.predict` and :func:`tags_to_piece_spans` see to it), so a token
    "والقاهرة" whose stem starts a LOC is ``B-LOC``.
    """
    piece_tags = ["O"] * len(seg.words)
    for start, end, label in spans:
        piece_tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            piece_tags[i] = f"I-{label}"
    tags = ["O"] * n_tokens
    for piece, token in enumerate(seg.owner):
        tags[token] = piece_tags[piece]  # the last piece of a token is its stem
    # Keep the output valid IOB2: an I- whose previous token is outside the entity becomes B-.
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or tags[i - 1][2:] != tag[2:]):
            tags[i] = "B-" + tag[2:]
    return tags


def tags_to_piece_spans(tags: Sequence[str], seg: Segmented) -> list[tuple[int, int, str]]:
    """Gold IOB tags over given tokens -> spans over model tokens (training data).

    Conlleval semantics (an orphan ``I-`` starts an entity). A span's first token loses its
    clitic piece; clitics inside a span stay in it ("وزارة الخارجية [و]التعاون").
    """
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
    """The shipped student network (:mod:`pipeline.ner.student`) behind the pipeline component interface."""

    name = "model"
    method = "model"
    priority = 1  # fills the gaps curated knowledge leaves

    def __init__(self, path: str | Path | None = None, tokenizer: Tokenizer | None = None, convention: int = NEWS):
        self.path = Path(path) if path else resource_paths().model
        self.convention = convention  # which annotation convention the network follows (see student.py)
        self.network = _load(str(self.path))
        self.never_alone = _never_alone(str(self.path))
        self.tokenizer = tokenizer or Tokenizer()

    # -- pipeline component ---------------------------------------------------------------
    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        sentences = [tokens[s.start:s.end] for s in view.tdoc.sentences]
        norms = [[t.norm for t in s] for s in sentences]
        predicted = self.predict([[t.text for t in s] for s in sentences], norms,
                                 [[t.is_clitic for t in s] for s in sentences])
        return [view.mention(sentence.start + a, sentence.start + b - 1, label, self.name, score)
                for sentence, spans, words in zip(view.tdoc.sentences, predicted, norms)
                for a, b, label, score in spans if not (b - a == 1 and words[a] in self.never_alone)]

    # -- pre-tokenized input --------------------------------------------------------------
    def tag_sentences(self, sentences: Iterable[Sequence[str]], window: int = CONSISTENCY_WINDOW) -> list[list[str]]:
        """IOB2 tags for each given token of each sentence (no re-tokenization), in ``self.convention``."""
        sentences = [list(s) for s in sentences]
        segs = [segment(s, self.tokenizer) for s in sentences]
        pieces = self.predict([seg.words for seg in segs], [seg.norms for seg in segs], [seg.clitic for seg in segs],
                              window)
        return [spans_to_tags([sp[:3] for sp in spans], seg, len(s)) for s, seg, spans in zip(sentences, segs, pieces)]

    # -- both -----------------------------------------------------------------------------
    def predict(self, words: list[list[str]], norms: list[list[str]], clitic: list[list[bool]],
                window: int = CONSISTENCY_WINDOW) -> list[list[tuple[int, int, str, float]]]:
        """``(start, end, label, score)`` spans over the model tokens of consecutive sentences.

        No span starts on a clitic, and no person's name on a nationality adjective (see
        :func:`_trim_start`). A span's score is the lowest confidence of its tokens (the CRF
        marginal of each token's label). Then label consistency: see :func:`propagate`.
        """
        spans = []
        for sentence_norms, sentence_clitic, (sentence_spans, confidence) in zip(
                norms, clitic, self.predict_many(words, norms, clitic)):
            kept = []
            for start, end, label in sentence_spans:
                start = _trim_start(start, end, label, sentence_norms, sentence_clitic)
                while end > start and _is_symbol(sentence_norms[end - 1]):
                    end -= 1
                if start < end:
                    kept.append((start, end, label, round(min(confidence[start:end]), 3)))
            spans.append(kept)
        return propagate(norms, clitic, spans, window) if window > 0 else spans

    def predict_many(self, words: list[list[str]], norms: list[list[str]],
                     clitic: list[list[bool]]) -> list[tuple[list[tuple[int, int, str]], list[float]]]:
        """Raw model spans of each sentence, and each token's confidence in its label.

        Long sentences are cut into windows. Windows are sorted by length and tagged in
        batches (see :func:`_batches`), so that a batch pads little (the LSTM steps through the
        longest sentence of its batch).
        """
        windows = [(i, start) for i, sentence in enumerate(words)
                   for start in range(0, max(len(sentence), 1), MAX_SENTENCE_TOKENS)]
        windows.sort(key=lambda w: min(len(words[w[0]]) - w[1], MAX_SENTENCE_TOKENS))
        spans: list[list[tuple[int, int, str]]] = [[] for _ in words]
        confidence: list[list[float]] = [[1.0] * len(sentence) for sentence in words]
        for batch in _batches(windows, [min(len(words[i]) - s, MAX_SENTENCE_TOKENS) for i, s in windows]):
            cut = [slice(s, s + MAX_SENTENCE_TOKENS) for _, s in batch]
            tagged = self.network.tag_with_confidence(
                [(words[i][c], norms[i][c], clitic[i][c]) for (i, _), c in zip(batch, cut)], convention=self.convention)
            for (i, start), (window_tags, window_confidence) in zip(batch, tagged):
                spans[i] += [(start + a, start + b, label) for a, b, label in tag_spans(window_tags)]
                confidence[i][start:start + len(window_confidence)] = window_confidence
        return list(zip(spans, confidence))


def _batches(windows: list, lengths: list[int]) -> Iterable[list]:
    """Consecutive runs of length-sorted windows: at most ``BATCH_SIZE`` windows and
    ``BATCH_TOKENS`` padded tokens each (the network's work arrays grow with windows x longest)."""
    batch: list = []
    for window, length in zip(windows, lengths):
        if batch and (len(batch) == BATCH_SIZE or (len(batch) + 1) * max(length, 1) > BATCH_TOKENS):
            yield batch
            batch = []
        batch.append(window)
    if batch:
        yield batch


def _trim_start(start: int, end: int, label: str, norms: list[str], clitic: list[bool]) -> int:
    """Move a span's start past leading clitics and symbols ("#غسان") and, for PER, past a
    nationality adjective.

    "الرئيس [الغاني كواميناه تيتيه]": the adjective qualifies the title before the name and is
    never part of a person's name in ANERcorp or in our tables. Only the definite form: a bare
    nisba can be a first name ("كيني ميلر").
    """
    while start < end and (clitic[start] or _is_symbol(norms[start]) or (label == "PER" and end - start > 1
                                              and norms[start].startswith("ال") and nationality(norms[start]) is not None)):
        start += 1
    return start


def _is_symbol(norm: str) -> bool:
    """A token with no letter or digit: punctuation, "#", "@", the "_" of a hashtag."""
    return not any(ch.isalnum() for ch in norm)


def propagate(norms: list[list[str]], clitic: list[list[bool]], spans: list[list[tuple[int, int, str, float]]],
              window: int) -> list[list[tuple[int, int, str, float]]]:
    """Label consistency: a word sequence tagged X in one sentence is tagged X where it recurs
    untagged within ``window`` sentences (a name is tagged in one context and missed in the
    next: "لحود", "الليكود"). Only exact repeats of whole mentions (folded), never a part of one
    (propagating surnames alone cost precision on dev); added spans score ``PROPAGATED_SCORE``.
    Measured on dev: +0.5 micro-F1 with the CNN (70.13 -> 70.61), +1.2 with the BiLSTM-CRF
    prototype (73.68 -> 74.84); recall up, precision slightly down.
    """
    keys = [[(tuple(norms[i][a:b]), label) for a, b, label, _ in sentence] for i, sentence in enumerate(spans)]
    out = []
    for i, sentence in enumerate(spans):
        votes: dict[tuple[str, ...], Counter] = {}
        for j in range(max(0, i - window), min(len(spans), i + window + 1)):
            for key, label in keys[j]:
                votes.setdefault(key, Counter())[label] += 1
        taken = [False] * len(norms[i])
        for a, b, _, _ in sentence:
            taken[a:b] = [True] * (b - a)
        added = []
        for key in sorted(votes, key=len, reverse=True):
            size = len(key)
            label = votes[key].most_common(1)[0][0]
            for a in range(len(norms[i]) - size + 1):
                if not clitic[i][a] and not any(taken[a:a + size]) and tuple(norms[i][a:a + size]) == key:
                    taken[a:a + size] = [True] * size
                    added.append((a, a + size, label, PROPAGATED_SCORE))
        out.append(sorted(sentence + added))
    return out


@lru_cache(maxsize=4)
def _never_alone(path: str) -> frozenset[str]:
    """Folded words the gold data never tags as an entity on their own (``never_alone.txt``,
    :mod:`pipeline.training.lone_words`): a one-word model mention of one of them is dropped by
    the NER stage ("قوات", "ولاية", "دونالد"). Empty for a model folder without the file."""
    listing = Path(path) / NEVER_ALONE
    if not listing.is_file():
        return frozenset()
    return frozenset(line.strip() for line in listing.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=4)
def _load(path: str) -> StudentNetwork:
    folder = Path(path)
    if not (folder / StudentNetwork.GRAPH).is_file():
        raise ModelError(f"no NER model at {path}: run `make train` (or pass another path)")
    try:
        return StudentNetwork(folder)
    except Exception as exc:  # onnxruntime reports a broken graph in its own exception types
        raise ModelError(f"unreadable NER model at {path} ({exc}): run `make train`") from exc
