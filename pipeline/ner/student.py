"""The shipped NER network at inference: the distilled student, run by ONNX Runtime.

Trained by :mod:`pipeline.training.distill` (PyTorch) and exported to ONNX, so running it needs
neither torch nor a Python loop per token: ONNX Runtime's LSTM kernels step through the
sentences of a batch in C++. Python only builds the inputs — vocabulary rows, character ids and
floret vectors, each cached per word — and decodes: Viterbi over the network's label
log-probabilities with invalid IOB2 moves forbidden (:class:`~pipeline.ner.tagging.CRF` with
its transition mask only). A token's confidence is the probability of its label.

Model folder: ``model.onnx`` (the network: features -> label log-probabilities), ``vocab.json``
(labels, words, characters), ``vectors.npy`` + ``vectors.json`` (the floret table and its
hashing settings).

The network is told which annotation convention to follow (:data:`NEWS`, the pipeline's, or
:data:`ANERCORP`, for scoring on ANERcorp): it learned both (see :mod:`pipeline.training.data`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.ner.tagging import CACHED_TOKENS as CACHED_WORDS
from pipeline.ner.tagging import CRF, FloretVectors, char_ids, transition_mask

ANERCORP, NEWS = 0, 1
UNKNOWN = 0


class StudentNetwork:
    """``tag_with_confidence(sentences)`` over ``(words, norms, clitic)`` model-token sentences."""

    GRAPH = "model.onnx"
    VOCAB = "vocab.json"

    def __init__(self, folder: Path, threads: int = 1):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(str(folder / self.GRAPH), options,
                                                    providers=["CPUExecutionProvider"])
        self.vocab = json.loads((folder / self.VOCAB).read_text(encoding="utf-8"))
        self.labels: list[str] = self.vocab["labels"]
        self.word_rows = {w: i for i, w in enumerate(self.vocab["words"])}
        self.char_rows = {c: i for i, c in enumerate(self.vocab["chars"])}
        self.max_chars: int = self.vocab["max_word_chars"]
        self.vectors = FloretVectors.load(folder)
        trans, start = transition_mask(self.labels)
        self.crf = CRF(trans, start, np.zeros(len(self.labels), dtype=np.float32))
        self._chars: dict[str, list[int]] = {}
        self.convention = NEWS

    def _char_ids(self, word: str) -> list[int]:
        ids = self._chars.get(word)
        if ids is None:
            if len(self._chars) >= CACHED_WORDS:
                self._chars.clear()
            ids = self._chars[word] = char_ids(word, self.char_rows, self.max_chars)
        return ids

    def inputs(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]], convention: int) -> dict:
        """The graph's input arrays for a batch of non-empty sentences (padding after each)."""
        lengths = np.array([len(s[0]) for s in sentences], dtype=np.int64)
        batch, longest = len(sentences), int(lengths.max())
        words = [w for s in sentences for w in s[0]]
        norms = [n for s in sentences for n in s[1]]
        rows = np.repeat(np.arange(batch), lengths)
        steps = np.arange(len(words)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        chars = [self._char_ids(w) for w in words]
        longest_word = max(len(c) for c in chars)
        char_grid = np.zeros((batch, longest, longest_word), dtype=np.int64)
        char_lengths = np.zeros((batch, longest), dtype=np.int64)
        for r, s, ids in zip(rows, steps, chars):
            char_grid[r, s, :len(ids)] = ids
            char_lengths[r, s] = len(ids)
        word_ids = np.zeros((batch, longest), dtype=np.int64)
        word_ids[rows, steps] = [self.word_rows.get(n, UNKNOWN) for n in norms]
        vectors = np.zeros((batch, longest, self.vectors.dim), dtype=np.float32)
        vectors[rows, steps] = self.vectors.lookup(norms)
        clitic = np.zeros((batch, longest), dtype=np.float32)
        clitic[rows, steps] = [c for s in sentences for c in s[2]]
        positions = np.broadcast_to(np.arange(longest), (batch, longest))
        reverse = np.where(positions < lengths[:, None], lengths[:, None] - 1 - positions, positions).astype(np.int64)
        return {"words": word_ids, "chars": char_grid, "char_lengths": char_lengths, "vectors": vectors,
                "clitic": clitic, "convention": np.full(batch, convention, dtype=np.float32), "reverse": reverse,
                "_lengths": lengths}

    def log_probabilities(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]],
                          convention: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        feeds = self.inputs(sentences, self.convention if convention is None else convention)
        lengths = feeds.pop("_lengths")
        (scores,) = self.session.run(None, feeds)
        return scores, lengths

    def tag(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]]) -> list[list[str]]:
        return [labels for labels, _ in self.tag_with_confidence(sentences)]

    def tag_with_confidence(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]],
                            confidence: bool = True, convention: int | None = None) -> list[tuple[list[str], list[float]]]:
        """Labels of each sentence and, per token, the probability of its label."""
        out: list[tuple[list[str], list[float]]] = [([], []) for _ in sentences]
        todo = [i for i, s in enumerate(sentences) if s[0]]
        if not todo:
            return out
        scores, lengths = self.log_probabilities([sentences[i] for i in todo], convention)
        paths = self.crf.viterbi(scores, lengths)
        for row, (i, ids) in enumerate(zip(todo, paths)):
            sure = np.exp(scores[row, np.arange(len(ids)), ids]).tolist() if confidence else [1.0] * len(ids)
            out[i] = ([self.labels[k] for k in ids], sure)
        return out
