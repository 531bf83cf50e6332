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

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from pipeline.arabic import fold, is_arabic_word
from pipeline.ner.base import DocView
from pipeline.ner.conll import spans as tag_spans
from pipeline.tokenize import Tokenizer
from pipeline.types import Mention

DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "ner-ar-cnn"
MAX_SENTENCE_TOKENS = 400  # longer "sentences" (tables, lists) are cut into windows of this size
BATCH_SIZE = 256
MODEL_SCORE = 1.0  # the transition-based NER gives no calibrated span probability
PROPAGATED_SCORE = 0.5  # a span copied from another sentence by :func:`propagate`
CONSISTENCY_WINDOW = 10  # sentences either side that :func:`propagate` looks at


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


class NameLists:
    """Folded word -> the entity types it mostly belongs to in external gold data (a model feature).

    Built by training from WikiFANEGold (``name_lists.tsv`` in the model folder): a word is
    listed under a type when at least half of its occurrences there are inside an entity of
    that type. The model sees the result as the ``LEMMA`` attribute of each token ("PER",
    "LOC+ORG", or "-"), which gives unseen names of known shape a head start.
    """

    FILE = "name_lists.tsv"
    NONE = "-"

    def __init__(self, classes: dict[str, str]):
        self.classes = classes

    @classmethod
    def load(cls, folder: Path) -> "NameLists | None":
        path = folder / cls.FILE
        if not path.is_file():
            return None
        with open(path, encoding="utf-8") as lines:
            return cls(dict(line.rstrip("\n").split("\t", 1) for line in lines if "\t" in line))

    def save(self, folder: Path) -> None:
        with open(folder / self.FILE, "w", encoding="utf-8") as out:
            out.writelines(f"{word}\t{kind}\n" for word, kind in sorted(self.classes.items()))

    def get(self, norm: str) -> str:
        return self.classes.get(norm, self.NONE)


class Model:
    """The shipped spaCy NER model behind the pipeline component interface."""

    name = "model"

    def __init__(self, path: str | Path = DEFAULT_MODEL_PATH, tokenizer: Tokenizer | None = None):
        self.path = Path(path)
        self.nlp, self.lists = _load(str(self.path))
        self.tokenizer = tokenizer or Tokenizer()

    @classmethod
    def from_nlp(cls, nlp, tokenizer: Tokenizer | None = None, lists: NameLists | None = None) -> "Model":
        """Wrap an already loaded (or training) spaCy pipeline."""
        model = cls.__new__(cls)
        model.path, model.nlp, model.lists, model.tokenizer = None, nlp, lists, tokenizer or Tokenizer()
        return model

    # -- pipeline component ---------------------------------------------------------------
    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]:
        tokens = view.tokens
        sentences = [tokens[s.start:s.end] for s in view.tdoc.sentences]
        predicted = self.predict([[t.text for t in s] for s in sentences], [[t.norm for t in s] for s in sentences],
                                 [[t.is_clitic for t in s] for s in sentences])
        return [view.mention(sentence.start + a, sentence.start + b - 1, label, self.name, score)
                for sentence, spans in zip(view.tdoc.sentences, predicted) for a, b, label, score in spans]

    # -- pre-tokenized input --------------------------------------------------------------
    def tag_sentences(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """IOB2 tags for each given token of each sentence (no re-tokenization)."""
        sentences = [list(s) for s in sentences]
        segs = [segment(s, self.tokenizer) for s in sentences]
        pieces = self.predict([seg.words for seg in segs], [seg.norms for seg in segs], [seg.clitic for seg in segs])
        return [spans_to_tags([sp[:3] for sp in spans], seg, len(s)) for s, seg, spans in zip(sentences, segs, pieces)]

    # -- both -----------------------------------------------------------------------------
    def predict(self, words: list[list[str]], norms: list[list[str]], clitic: list[list[bool]],
                window: int = CONSISTENCY_WINDOW) -> list[list[tuple[int, int, str, float]]]:
        """``(start, end, label, score)`` spans over the model tokens of consecutive sentences.

        No span starts on a clitic. Then label consistency: see :func:`propagate`.
        """
        spans = []
        for sentence_clitic, sentence_spans in zip(clitic, self.predict_many(list(zip(words, norms)))):
            kept = []
            for start, end, label in sentence_spans:
                while start < end and sentence_clitic[start]:
                    start += 1
                if start < end:
                    kept.append((start, end, label, MODEL_SCORE))
            spans.append(kept)
        return propagate(norms, clitic, spans, window) if window > 0 else spans

    def predict_many(self, batch: Sequence[tuple[list[str], list[str]]]) -> list[list[tuple[int, int, str]]]:
        """Raw model spans for each ``(words, norms)`` sentence; long ones are cut into windows."""
        windows = [(i, start) for i, (words, _) in enumerate(batch) for start in range(0, max(len(words), 1), MAX_SENTENCE_TOKENS)]
        docs = (self._doc(batch[i][0][s:s + MAX_SENTENCE_TOKENS], batch[i][1][s:s + MAX_SENTENCE_TOKENS]) for i, s in windows)
        out: list[list[tuple[int, int, str]]] = [[] for _ in batch]
        for (i, start), doc in zip(windows, self.nlp.pipe(docs, batch_size=BATCH_SIZE)):
            out[i] += [(start + e.start, start + e.end, e.label_) for e in doc.ents]
        return out

    def _doc(self, words: list[str], norms: list[str]):
        return make_doc(self.nlp.vocab, words, norms, self.lists)


def make_doc(vocab, words: list[str], norms: list[str], lists: NameLists | None = None):
    """A spaCy ``Doc`` over our tokens: ``NORM`` is the folded form (what the vectors key on),
    ``LEMMA`` the name-list class when the model uses one."""
    from spacy.tokens import Doc

    words = [w or "_" for w in words] or ["_"]  # spaCy refuses empty tokens (a CoNLL line of marks only)
    doc = Doc(vocab, words=words, spaces=[True] * len(words))
    for token, norm in zip(doc, norms):
        token.norm_ = norm
        if lists is not None:
            token.lemma_ = lists.get(norm)
    return doc


def propagate(norms: list[list[str]], clitic: list[list[bool]], spans: list[list[tuple[int, int, str, float]]],
              window: int) -> list[list[tuple[int, int, str, float]]]:
    """Label consistency: a word sequence tagged X in one sentence is tagged X where it recurs
    untagged within ``window`` sentences (a name is tagged in one context and missed in the
    next: "لحود", "الليكود"). Only exact repeats of whole mentions (folded), never a part of one
    (propagating surnames alone cost precision on dev); added spans score ``PROPAGATED_SCORE``.
    Measured on dev: +0.5 micro-F1 (70.13 -> 70.61), recall up, precision slightly down.
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


def prepare_spacy() -> None:
    """Import spaCy lean and make its matrix products fast; call before loading the model.

    - thinc imports PyTorch whenever it is installed (camel-tools needs it), only to offer
      PyTorch layers, which this CNN has none of: hiding torch while spaCy is imported saves
      seconds of start-up. Torch stays importable for anything else.
    - thinc's bundled BLIS runs at about a third of the speed of numpy's OpenBLAS on these
      machines, and the model's time is mostly matrix products: use numpy's, one BLAS thread
      (same predictions; processes give the parallelism).
    """
    import sys

    if "spacy" not in sys.modules and "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
        try:
            import spacy  # noqa: F401
        finally:
            del sys.modules["torch"]
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    if type(get_current_ops()) is NumpyOps and getattr(get_current_ops(), "use_blis", False):
        set_current_ops(NumpyOps(use_blis=False))
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(1, user_api="blas")
        except ImportError:  # pragma: no cover - the thread count is then left to OpenBLAS
            pass


@lru_cache(maxsize=4)
def _load(path: str):
    prepare_spacy()
    import spacy

    if not (Path(path) / "config.cfg").is_file():
        raise ModelError(f"no NER model at {path}: run `make train` (or pass another path)")
    return spacy.load(path), NameLists.load(Path(path))
