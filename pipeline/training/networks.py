"""The NER networks in PyTorch (training only): one tagger class, the teacher and the student.

Per model token: a trainable embedding of its folded form, a character CNN, its frozen floret
vector, a proclitic flag and the sentence's annotation convention (0 ANERcorp, 1 news; see
:mod:`pipeline.training.data`); the teacher adds the states of the pretrained bidirectional word
language model (``models/pretrained/bilm.npz``, frozen, projected). One BiLSTM layer, then
per-label scores:

- the teacher decodes them with a CRF (trained by the CRF likelihood) and gives the student the
  CRF's per-token marginals, its soft targets;
- the student is trained on those soft targets and on the gold labels with a per-token cross
  entropy, and decodes with Viterbi over its log-probabilities with invalid IOB2 moves
  forbidden (no learned transitions: nothing but the network to export).
"""

from __future__ import annotations

import random
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from pipeline.ner.conll import spans as tag_spans
from pipeline.ner.tagging import LABELS, FloretVectors, char_ids, transition_mask
from pipeline.training.data import Sentence

UNKNOWN = 0
PAD_CHAR, UNKNOWN_CHAR = 0, 1


def build_vocab(sentences: Sequence[Sentence], min_count: int = 2, max_word_chars: int = 20) -> dict:
    words = Counter(n for s in sentences for n in s.norms)
    chars = Counter(ch for s in sentences for w in s.words for ch in w)
    return {
        "labels": list(LABELS),
        "words": ["<unk>"] + [w for w, n in sorted(words.items(), key=lambda x: (-x[1], x[0])) if n >= min_count],
        "chars": ["<pad>", "<unk>"] + [c for c, n in sorted(chars.items(), key=lambda x: (-x[1], x[0])) if n >= 2],
        "max_word_chars": max_word_chars,
    }


@dataclass
class Batch:
    words: torch.Tensor  # (B, T)
    chars: torch.Tensor  # (B, T, L)
    char_lengths: torch.Tensor  # (B, T)
    vectors: torch.Tensor  # (B, T, dv)
    clitic: torch.Tensor  # (B, T)
    convention: torch.Tensor  # (B,)
    lengths: torch.Tensor  # (B,)
    labels: torch.Tensor  # (B, T) gold label ids (-100 where unknown or padding)
    soft: torch.Tensor | None = None  # (B, T, K) soft targets


class Featurizer:
    """Sentences -> padded tensors (vocabulary ids, floret vectors through a cache)."""

    def __init__(self, vocab: dict, vectors: FloretVectors):
        self.vocab = vocab
        self.word_rows = {w: i for i, w in enumerate(vocab["words"])}
        self.char_rows = {c: i for i, c in enumerate(vocab["chars"])}
        self.label_rows = {label: i for i, label in enumerate(vocab["labels"])}
        self.vectors = vectors

    def batch(self, sentences: Sequence[Sentence], soft: Sequence[np.ndarray] | None = None) -> Batch:
        lengths = [len(s.words) for s in sentences]
        size, longest = len(sentences), max(lengths)
        char_rows = [[char_ids(w, self.char_rows, self.vocab["max_word_chars"]) for w in s.words] for s in sentences]
        longest_word = max(len(c) for row in char_rows for c in row)
        words = np.zeros((size, longest), dtype=np.int64)
        chars = np.zeros((size, longest, longest_word), dtype=np.int64)
        char_lengths = np.zeros((size, longest), dtype=np.int64)
        vectors = np.zeros((size, longest, self.vectors.dim), dtype=np.float32)
        clitic = np.zeros((size, longest), dtype=np.float32)
        labels = np.full((size, longest), -100, dtype=np.int64)
        for b, s in enumerate(sentences):
            n = len(s.words)
            words[b, :n] = [self.word_rows.get(norm, UNKNOWN) for norm in s.norms]
            vectors[b, :n] = self.vectors.lookup(s.norms)
            clitic[b, :n] = s.clitic
            if s.labels:
                labels[b, :n] = [self.label_rows[label] for label in s.labels]
            for t, ids in enumerate(char_rows[b]):
                chars[b, t, :len(ids)] = ids
                char_lengths[b, t] = len(ids)
        soft_tensor = None
        if soft is not None:
            grid = np.zeros((size, longest, len(self.vocab["labels"])), dtype=np.float32)
            for b, probs in enumerate(soft):
                grid[b, :len(probs)] = probs
            soft_tensor = torch.from_numpy(grid)
        return Batch(torch.from_numpy(words), torch.from_numpy(chars), torch.from_numpy(char_lengths),
                     torch.from_numpy(vectors), torch.from_numpy(clitic),
                     torch.tensor([s.convention for s in sentences], dtype=torch.float32),
                     torch.tensor(lengths), torch.from_numpy(labels), soft_tensor)


def reverse_index(lengths: torch.Tensor, longest: int) -> torch.Tensor:
    """``(B, T)`` positions that read each sentence backwards within its length (padding stays)."""
    steps = torch.arange(longest)[None, :].expand(len(lengths), longest)
    return torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)


def run_backward(lstm: nn.LSTM, x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """A forward-only LSTM read right to left: reverse within each length, run, reverse back.
    Padding sits after each sentence, so it never reaches a real position."""
    gather = index[..., None].expand(-1, -1, x.shape[-1])
    states, _ = lstm(torch.gather(x, 1, gather))
    return torch.gather(states, 1, index[..., None].expand(-1, -1, states.shape[-1]))


class BiLM(nn.Module):
    """The pretrained word language models (frozen): forward and backward LSTM states."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        super().__init__()
        hidden = arrays["fwd_w_hh"].shape[1]
        self.fwd = nn.LSTM(arrays["fwd_w_ih"].shape[1], hidden, batch_first=True)
        self.bwd = nn.LSTM(arrays["bwd_w_ih"].shape[1], hidden, batch_first=True)
        for lstm, d in ((self.fwd, "fwd"), (self.bwd, "bwd")):
            lstm.weight_ih_l0.data = torch.from_numpy(arrays[f"{d}_w_ih"].astype(np.float32))
            lstm.weight_hh_l0.data = torch.from_numpy(arrays[f"{d}_w_hh"].astype(np.float32))
            lstm.bias_ih_l0.data = torch.from_numpy(arrays[f"{d}_b"].astype(np.float32))
            lstm.bias_hh_l0.data = torch.zeros(4 * hidden)
        for p in self.parameters():
            p.requires_grad = False
        self.dim = 2 * hidden

    @classmethod
    def load(cls, path: Path) -> BiLM:
        with np.load(path) as arrays:
            return cls({name: arrays[name] for name in arrays.files})

    def forward(self, vectors: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        self.eval()
        with torch.no_grad():
            fwd, _ = self.fwd(vectors)
            bwd = run_backward(self.bwd, vectors, reverse_index(lengths, vectors.shape[1]))
        return torch.cat([fwd, bwd], -1)


@dataclass
class Shape:
    word_dim: int = 100
    char_dim: int = 30
    char_filters: int = 60
    char_window: int = 3
    hidden: int = 200
    lm_projection: int = 0  # 0: no language model input
    dropout: float = 0.5
    word_dropout: float = 0.1
    crf: bool = False
    heads: int = 1  # 2: one output layer per annotation convention (ANERcorp's, ours), chosen per sentence


class Tagger(nn.Module):
    """Features -> one BiLSTM layer (as two forward LSTMs, one run right to left) -> label scores."""

    def __init__(self, vocab: dict, vectors_dim: int, shape: Shape, bilm: BiLM | None = None):
        super().__init__()
        self.shape = shape
        n_labels = len(vocab["labels"])
        self.word_emb = nn.Embedding(len(vocab["words"]), shape.word_dim)
        self.char_emb = nn.Embedding(len(vocab["chars"]), shape.char_dim, padding_idx=PAD_CHAR)
        self.char_conv = nn.Conv1d(shape.char_dim, shape.char_filters, shape.char_window, padding=shape.char_window // 2)
        self.bilm = bilm
        extra = 0
        if bilm is not None and shape.lm_projection:
            self.lm_proj = nn.Linear(bilm.dim, shape.lm_projection)
            extra = shape.lm_projection
        inputs = shape.word_dim + shape.char_filters + vectors_dim + 2 + extra
        self.fwd = nn.LSTM(inputs, shape.hidden, batch_first=True)
        self.bwd = nn.LSTM(inputs, shape.hidden, batch_first=True)
        self.dropout = nn.Dropout(shape.dropout)
        self.out = nn.Linear(2 * shape.hidden, n_labels)
        if shape.heads == 2:
            self.out_news = nn.Linear(2 * shape.hidden, n_labels)
        trans, start = transition_mask(vocab["labels"])
        self.register_buffer("trans_mask", torch.from_numpy(trans))
        self.register_buffer("start_mask", torch.from_numpy(start))
        if shape.crf:
            self.transitions = nn.Parameter(torch.zeros(n_labels, n_labels))
            self.start = nn.Parameter(torch.zeros(n_labels))
            self.end = nn.Parameter(torch.zeros(n_labels))

    def features(self, batch: Batch) -> torch.Tensor:
        size, longest, longest_word = batch.chars.shape
        embedded = self.word_emb(batch.words)
        if self.training and self.shape.word_dropout > 0:
            embedded = embedded * (torch.rand(size, longest, 1) >= self.shape.word_dropout).float()
        conv = torch.relu(self.char_conv(self.char_emb(batch.chars.view(size * longest, longest_word)).transpose(1, 2)))
        inside = torch.arange(longest_word)[None, :] < batch.char_lengths.view(-1, 1)
        char_features = (conv * inside[:, None, :]).max(2).values.view(size, longest, -1)
        convention = batch.convention[:, None, None].expand(size, longest, 1)
        parts = [embedded, char_features, batch.vectors, batch.clitic.unsqueeze(-1), convention]
        if self.bilm is not None and self.shape.lm_projection:
            parts.append(torch.relu(self.lm_proj(self.dropout(self.bilm(batch.vectors, batch.lengths)))))
        return torch.cat(parts, -1)

    def emissions(self, batch: Batch, reverse: torch.Tensor | None = None) -> torch.Tensor:
        x = self.dropout(self.features(batch))
        fwd, _ = self.fwd(x)
        if reverse is None:
            reverse = reverse_index(batch.lengths, x.shape[1])
        bwd = run_backward(self.bwd, x, reverse)
        states = self.dropout(torch.cat([fwd, bwd], -1))
        if self.shape.heads == 2:  # ANERcorp's convention -> out, ours -> out_news
            news = batch.convention[:, None, None] > 0.5
            return torch.where(news, self.out_news(states), self.out(states))
        return self.out(states)

    # -- CRF (teacher) ---------------------------------------------------------------------
    def _crf(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        trans_mask, start_mask = self.get_buffer("trans_mask"), self.get_buffer("start_mask")
        if self.shape.crf:
            return (self.get_parameter("transitions") + trans_mask, self.get_parameter("start") + start_mask,
                    self.get_parameter("end"))
        return trans_mask, start_mask, torch.zeros(trans_mask.shape[0])

    def crf_nll(self, scores: torch.Tensor, lengths: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        trans, start, end = self._crf()
        size, longest, _ = scores.shape
        rows = torch.arange(size)
        mask = torch.arange(longest)[None, :] < lengths[:, None]
        labels = labels.clamp(min=0)
        alpha = start + scores[:, 0]
        gold = start[labels[:, 0]] + scores[rows, 0, labels[:, 0]]
        for t in range(1, longest):
            step = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), 1) + scores[:, t]
            alpha = torch.where(mask[:, t, None], step, alpha)
            gold = gold + (trans[labels[:, t - 1], labels[:, t]] + scores[rows, t, labels[:, t]]) * mask[:, t]
        gold = gold + end[labels[rows, lengths - 1]]
        return (torch.logsumexp(alpha + end, 1) - gold).sum()

    def crf_marginals(self, scores: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``(B, T, K)`` per-token label probabilities under the CRF (forward-backward)."""
        trans, start, end = self._crf()
        size, longest, n = scores.shape
        mask = torch.arange(longest)[None, :] < lengths[:, None]
        alphas = [start + scores[:, 0]]
        for t in range(1, longest):
            step = torch.logsumexp(alphas[-1].unsqueeze(2) + trans.unsqueeze(0), 1) + scores[:, t]
            alphas.append(torch.where(mask[:, t, None], step, alphas[-1]))
        betas = [end.expand(size, n)]
        for t in range(longest - 2, -1, -1):
            step = torch.logsumexp(trans.unsqueeze(0) + (scores[:, t + 1] + betas[0]).unsqueeze(1), 2)
            betas.insert(0, torch.where(mask[:, t + 1, None], step, end.expand(size, n)))
        alpha, beta = torch.stack(alphas, 1), torch.stack(betas, 1)
        log_z = torch.logsumexp(alpha[torch.arange(size), lengths - 1] + end, 1)
        return torch.exp(alpha + beta - log_z[:, None, None]) * mask[..., None]

    def viterbi(self, scores: torch.Tensor, lengths: torch.Tensor) -> list[list[int]]:
        trans, start, end = self._crf()
        if not self.shape.crf:
            scores = torch.log_softmax(scores, -1)
        from pipeline.ner.tagging import CRF

        crf = CRF(trans.detach().numpy(), start.detach().numpy(), end.detach().numpy())
        return crf.viterbi(scores.detach().numpy(), lengths.numpy())


def entity_f1(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> tuple[float, Counter, Counter, Counter]:
    """Micro entity F1 (exact span and type, conlleval), and tp / gold / predicted counts per type."""
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for gold_tags, predicted_tags in zip(gold, predicted):
        gs, ps = set(tag_spans(list(gold_tags))), set(tag_spans(list(predicted_tags)))
        n_gold.update(label for _, _, label in gs)
        n_pred.update(label for _, _, label in ps)
        tp.update(label for _, _, label in gs & ps)
    t, g, p = sum(tp.values()), sum(n_gold.values()), sum(n_pred.values())
    precision, recall = (t / p if p else 0.0), (t / g if g else 0.0)
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0), tp, n_gold, n_pred


def tag(model: Tagger, featurizer: Featurizer, sentences: Sequence[Sentence], batch_size: int = 64) -> list[list[str]]:
    model.eval()
    labels = featurizer.vocab["labels"]
    out: list[list[str]] = [[] for _ in sentences]
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i].words))
    with torch.no_grad():
        for first in range(0, len(order), batch_size):
            chunk = order[first:first + batch_size]
            batch = featurizer.batch([sentences[i] for i in chunk])
            paths = model.viterbi(model.emissions(batch), batch.lengths)
            for i, path in zip(chunk, paths):
                out[i] = [labels[k] for k in path]
    return out


def seed_everything(seed: int) -> random.Random:
    torch.manual_seed(seed)
    np.random.seed(seed)
    return random.Random(seed)


class Exported(nn.Module):
    """The student as ONNX sees it: padded inputs (and the right-to-left reading order) in,
    label log-probabilities out (see :class:`pipeline.ner.student.StudentNetwork`)."""

    INPUTS = ("words", "chars", "char_lengths", "vectors", "clitic", "convention", "reverse")

    def __init__(self, tagger: Tagger):
        super().__init__()
        self.tagger = tagger

    def forward(self, words, chars, char_lengths, vectors, clitic, convention, reverse):
        batch = Batch(words, chars, char_lengths, vectors, clitic, convention, lengths=reverse[:, 0] + 1, labels=reverse)
        return torch.log_softmax(self.tagger.emissions(batch, reverse), -1)


def export_onnx(tagger: Tagger, featurizer: Featurizer, sample: Sequence[Sentence], path: Path) -> float:
    """Write the student to ONNX; returns the largest gap between ONNX Runtime's and torch's
    log-probabilities on ``sample`` (real positions only)."""
    import onnxruntime

    tagger.eval()
    module = Exported(tagger)
    batch = featurizer.batch(sample)
    reverse = reverse_index(batch.lengths, batch.words.shape[1])
    args = (batch.words, batch.chars, batch.char_lengths, batch.vectors, batch.clitic, batch.convention, reverse)
    dynamic = {"words": {0: "batch", 1: "time"}, "chars": {0: "batch", 1: "time", 2: "chars"},
               "char_lengths": {0: "batch", 1: "time"}, "vectors": {0: "batch", 1: "time"},
               "clitic": {0: "batch", 1: "time"}, "convention": {0: "batch"}, "reverse": {0: "batch", 1: "time"},
               "scores": {0: "batch", 1: "time"}}
    with torch.no_grad(), warnings.catch_warnings():
        # the tracer warns that LSTM graphs may not generalize across batch sizes: tests run
        # the exported graph on other batch sizes and lengths than the traced one
        warnings.simplefilter("ignore")
        expected = module(*args).numpy()
        torch.onnx.export(module, args, str(path), input_names=list(Exported.INPUTS), output_names=["scores"],
                          dynamic_axes=dynamic, opset_version=17, dynamo=False)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {name: a.numpy() for name, a in zip(Exported.INPUTS, args)})
    inside = (np.arange(expected.shape[1])[None, :] < batch.lengths.numpy()[:, None])
    return float(np.abs(expected - got)[inside].max())
