"""The NER network at inference: a BiLSTM-CRF over the pipeline's model tokens, in plain numpy.

Trained in PyTorch by :mod:`pipeline.training.ner` and exported as numpy arrays, so running it
needs neither torch (importing it alone takes ~1.7 s, which would push the pipeline's start-up
past its 3 s budget) nor spaCy. Training scores dev with this very code, so the shipped
numbers are the numbers of what runs.

Each model token (proclitics already split off, see :func:`pipeline.ner.model.segment`) is
represented by
- a trainable embedding of its folded form (NORM); forms seen once or never share row 0;
- a character CNN over its first ``max_word_chars`` characters, max-pooled over the word;
- its frozen floret vector, keyed on NORM (hashed subwords: unseen words get one too);
- a flag telling whether it is a proclitic piece ("و", "ال" ...);
then one bidirectional LSTM layer, a linear layer to per-label scores, and CRF Viterbi
decoding in which invalid IOB2 moves (``O -> I-X``, ``B-X -> I-Y``) are forbidden.

The shipped model is an :class:`Ensemble` of such networks trained with different seeds: their
label scores are averaged before decoding (measured on dev: two members 76.2 micro-F1, each
alone 74.7 and 75.0).

Model folder: ``network-<seed>.npz`` (the weights of each member), ``vocab.json`` (labels, word
and character lists, sizes; shared), ``vectors.npy`` + ``vectors.json`` (the floret table and
its hashing settings; shared).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
FORBIDDEN = -1e4  # score of an invalid transition: never chosen by Viterbi
UNKNOWN = 0  # row of unknown words / characters; character row 0 is also the (all-zero) padding
UNKNOWN_CHAR = 1
CACHED_TOKENS = 50_000  # token representations kept between calls (then the cache starts over)


def valid_transition(before: str, after: str) -> bool:
    """IOB2: ``I-X`` only continues ``B-X`` or ``I-X``."""
    return not after.startswith("I-") or (before != "O" and before[2:] == after[2:])


def transition_mask(labels: Sequence[str] = LABELS) -> tuple[np.ndarray, np.ndarray]:
    """``(transitions, start)`` additive masks: 0 where allowed, :data:`FORBIDDEN` where not."""
    trans = np.array([[0.0 if valid_transition(a, b) else FORBIDDEN for b in labels] for a in labels], dtype=np.float32)
    start = np.array([FORBIDDEN if label.startswith("I-") else 0.0 for label in labels], dtype=np.float32)
    return trans, start


def cached_rows(cache: dict, keys: Sequence, compute) -> np.ndarray:
    """Rows for ``keys`` from ``cache``, computing the missing ones in one ``compute(keys)`` call.

    The cache starts over when it would pass ``CACHED_TOKENS`` entries (news vocabularies are
    open-ended). Threads sharing a model only ever add whole rows.
    """
    found = {key: cache.get(key) for key in dict.fromkeys(keys)}
    missing = [key for key, value in found.items() if value is None]
    if missing:
        computed = compute(missing)
        found.update(zip(missing, computed))
        if len(cache) + len(missing) > CACHED_TOKENS:
            cache.clear()
        cache.update(zip(missing, computed))
    return np.stack([found[key] for key in keys])  # type: ignore[misc]


# -- floret vectors -------------------------------------------------------------------------

_C1 = np.uint64(0x87C37B91114253D5)
_C2 = np.uint64(0x4CF5AD432745937F)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint64(r)) | (x >> np.uint64(64 - r))


def _fmix(k: np.ndarray) -> np.ndarray:
    k = k ^ (k >> np.uint64(33))
    k = k * np.uint64(0xFF51AFD7ED558CCD)
    k = k ^ (k >> np.uint64(33))
    k = k * np.uint64(0xC4CEB9FE1A85EC53)
    return k ^ (k >> np.uint64(33))


def murmurhash3_x64_128(keys: Sequence[bytes], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MurmurHash3_x64_128 of each key (the two 64-bit halves), vectorized over the keys.

    The hash floret (and spaCy's floret vectors) use to map character n-grams to table rows.
    Each key is zero-padded to whole 16-byte blocks: its tail is then the block after its last
    full one, and mixing the zero bytes of an absent tail is a no-op, as in the reference code.
    """
    n_blocks = np.array([len(key) // 16 for key in keys], dtype=np.int64)
    width = 16 * (int(n_blocks.max(initial=0)) + 1)
    data = np.frombuffer(b"".join(key.ljust(width, b"\0") for key in keys), dtype="<u8").reshape(len(keys), -1, 2)
    h1 = np.full(len(keys), seed, dtype=np.uint64)
    h2 = h1.copy()
    with np.errstate(over="ignore"):
        for block in range(int(n_blocks.max(initial=0))):
            k1, k2 = data[:, block, 0], data[:, block, 1]
            a1 = h1 ^ (_rotl(k1 * _C1, 31) * _C2)
            a1 = (_rotl(a1, 27) + h2) * np.uint64(5) + np.uint64(0x52DCE729)
            a2 = h2 ^ (_rotl(k2 * _C2, 33) * _C1)
            a2 = (_rotl(a2, 31) + a1) * np.uint64(5) + np.uint64(0x38495AB5)
            full = n_blocks > block
            h1, h2 = np.where(full, a1, h1), np.where(full, a2, h2)
        tail = data[np.arange(len(keys)), n_blocks]
        h2 = h2 ^ (_rotl(tail[:, 1] * _C2, 33) * _C1)
        h1 = h1 ^ (_rotl(tail[:, 0] * _C1, 31) * _C2)
        lengths = np.array([len(key) for key in keys], dtype=np.uint64)
        h1, h2 = h1 ^ lengths, h2 ^ lengths
        h1 = h1 + h2
        h2 = h2 + h1
        h1, h2 = _fmix(h1), _fmix(h2)
        h1 = h1 + h2
        h2 = h2 + h1
    return h1, h2


class FloretVectors:
    """Static floret vectors: a word's vector is the mean of the table rows its n-grams hash to.

    Same n-grams and hashes as floret and spaCy's ``Vectors(mode="floret")``: the padded word
    ``<word>`` itself plus its character n-grams of ``minn``..``maxn`` characters, each hashed
    ``hash_count`` times (32-bit pieces of MurmurHash3_x64_128) modulo the table size.
    """

    TABLE = "vectors.npy"
    SETTINGS = "vectors.json"

    def __init__(self, table: np.ndarray, minn: int, maxn: int, hash_count: int, hash_seed: int,
                 bow: str = "<", eow: str = ">"):
        if not 1 <= hash_count <= 4:
            raise ValueError(f"hash_count must be 1..4, not {hash_count}")
        self.table = np.ascontiguousarray(table, dtype=np.float32)
        self.settings: dict[str, Any] = dict(minn=minn, maxn=maxn, hash_count=hash_count, hash_seed=hash_seed,
                                             bow=bow, eow=eow)
        self._cache: dict[str, np.ndarray] = {}

    @property
    def dim(self) -> int:
        return self.table.shape[1]

    @classmethod
    def from_floret_text(cls, path: Path) -> FloretVectors:
        """Read floret's ``save_floret_vectors`` output: a ``rows dim minn maxn hash_count
        hash_seed bow eow`` header, then ``row value ...`` lines."""
        with open(path, encoding="utf-8") as lines:
            rows, dim, minn, maxn, hash_count, hash_seed, bow, eow = next(lines).split()
            table = np.zeros((int(rows), int(dim)), dtype=np.float32)
            for line in lines:
                fields = line.split()
                if fields:
                    table[int(fields[0])] = np.asarray(fields[1:], dtype=np.float32)
        return cls(table, int(minn), int(maxn), int(hash_count), int(hash_seed), bow, eow)

    @classmethod
    def load(cls, folder: Path) -> FloretVectors:
        settings = json.loads((folder / cls.SETTINGS).read_text(encoding="utf-8"))
        return cls(np.load(folder / cls.TABLE), **settings)

    def save(self, folder: Path) -> None:
        np.save(folder / self.TABLE, self.table)
        (folder / self.SETTINGS).write_text(json.dumps(self.settings, ensure_ascii=False) + "\n", encoding="utf-8")

    def ngrams(self, word: str) -> list[str]:
        key = self.settings["bow"] + word + self.settings["eow"]
        return [key] + [key[start:start + size] for size in range(self.settings["minn"], self.settings["maxn"] + 1)
                        for start in range(len(key) - size + 1)]

    def lookup(self, words: Sequence[str]) -> np.ndarray:
        """Like calling it, through a bounded cache (shared by the ensemble members)."""
        return cached_rows(self._cache, words, self)

    def __call__(self, words: Sequence[str]) -> np.ndarray:
        """``(len(words), dim)`` vectors; the empty word gets zeros."""
        out = np.zeros((len(words), self.dim), dtype=np.float32)
        grams = [self.ngrams(word) if word else [] for word in words]
        flat = [gram.encode("utf-8") for word_grams in grams for gram in word_grams]
        if not flat:
            return out
        h1, h2 = murmurhash3_x64_128(flat, self.settings["hash_seed"])
        low32 = np.uint64(0xFFFFFFFF)
        pieces = [h1 & low32, h1 >> np.uint64(32), h2 & low32, h2 >> np.uint64(32)][:self.settings["hash_count"]]
        rows = (np.stack(pieces, axis=1) % np.uint64(len(self.table))).astype(np.int64)  # (n_grams, hash_count)
        counts = np.array([len(g) for g in grams])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        summed = np.add.reduceat(self.table[rows].sum(axis=1), starts[counts > 0], axis=0)
        out[counts > 0] = summed / (counts[counts > 0, None] * len(pieces))
        return out


# -- the network ------------------------------------------------------------------------------

def char_ids(word: str, chars: dict[str, int], max_chars: int) -> list[int]:
    """Character rows of a word (first ``max_chars`` characters; at least one entry)."""
    return [chars.get(ch, UNKNOWN_CHAR) for ch in word[:max_chars]] or [UNKNOWN_CHAR]


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.exp(x - top).sum(axis=axis))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 + 0.5 * np.tanh(0.5 * x)  # no overflow for large |x|


def joint_emissions(networks: Sequence[Network], sentences: Sequence[tuple[list[str], list[str], list[bool]]],
                    w_hh: np.ndarray | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """Per-label scores ``(B, T, K)`` of each network for a batch of non-empty sentences, and lengths.

    All networks (ensemble members of one hidden size) step through the batch together: their
    LSTM directions are stacked on one leading axis, so each time step is one batched matrix
    product for all of them. No work is spent on padding: the input projection runs over the
    real tokens only, and with the sentences sorted longest first, step ``t`` of the LSTM updates
    only the sentences that are longer than ``t`` (a prefix of the batch). ``w_hh`` is the
    members' recurrent weights stacked (``Ensemble`` keeps it), computed when not given.
    """
    lengths = np.array([len(s[0]) for s in sentences])
    order = np.argsort(-lengths, kind="stable")  # longest first
    sorted_lengths = lengths[order]
    batch, longest, hidden = len(sentences), int(lengths.max()), networks[0]._w_hh.shape[1]
    ordered = [sentences[i] for i in order]
    words, norms = [w for s in ordered for w in s[0]], [n for s in ordered for n in s[1]]
    clitic = [c for s in ordered for c in s[2]]
    # Where each real token sits in the padded (B, T) grid, reading forward and backward.
    rows = np.repeat(np.arange(batch), sorted_lengths)
    steps = np.arange(len(words)) - np.repeat(np.cumsum(sorted_lengths) - sorted_lengths, sorted_lengths)
    back_steps = sorted_lengths[rows] - 1 - steps  # the backward LSTM reads each sentence from its end
    gates_in = np.zeros((2 * len(networks), batch, longest, 4 * hidden), dtype=np.float32)
    for m, network in enumerate(networks):
        projected = network.features(words, norms, clitic) @ network._w_ih + network._b_ih  # (N, 2 * 4H)
        gates_in[2 * m, rows, steps] = projected[:, :4 * hidden]
        gates_in[2 * m + 1, rows, back_steps] = projected[:, 4 * hidden:]
    if w_hh is None:
        w_hh = np.concatenate([network._w_hh for network in networks])  # (2M, H, 4H)
    active = (sorted_lengths[None, :] > np.arange(longest)[:, None]).sum(axis=1)  # sentences still running at t
    h = np.zeros((len(gates_in), batch, hidden), dtype=np.float32)
    c = np.zeros_like(h)
    out = np.empty((len(gates_in), batch, longest, hidden), dtype=np.float32)
    for t in range(longest):
        k = active[t]
        gates = gates_in[:, :k, t] + h[:, :k] @ w_hh  # (2M, k, 4H), torch's order i, f, g, o
        i, f, o = (_sigmoid(gates[..., j * hidden:(j + 1) * hidden]) for j in (0, 1, 3))
        c[:, :k] = f * c[:, :k] + i * np.tanh(gates[..., 2 * hidden:3 * hidden])
        h[:, :k] = o * np.tanh(c[:, :k])
        out[:, :k, t] = h[:, :k]
    all_scores = []
    for m, network in enumerate(networks):
        states = np.concatenate([out[2 * m, rows, steps], out[2 * m + 1, rows, back_steps]], axis=1)  # (N, 2H)
        scores = np.zeros((batch, longest, len(network.labels)), dtype=np.float32)
        scores[order[rows], steps] = states @ network.arrays["out_w"].T + network.arrays["out_b"]
        all_scores.append(scores)
    return all_scores, lengths


class CRF:
    """The CRF's transition, start and end scores (invalid moves at FORBIDDEN), and decoding."""

    def __init__(self, transitions: np.ndarray, start: np.ndarray, end: np.ndarray):
        self.arrays = {"transitions": transitions, "start": start, "end": end}

    @classmethod
    def mean(cls, crfs: Sequence[CRF]) -> CRF:
        """The average of several CRFs (an ensemble decodes with it)."""
        return cls(*(np.mean([c.arrays[name] for c in crfs], axis=0) for name in ("transitions", "start", "end")))

    def viterbi(self, scores: np.ndarray, lengths: np.ndarray) -> list[list[int]]:
        """Best label sequence of each sentence under the CRF (vectorized over the batch)."""
        a = self.arrays
        batch, longest, n_labels = scores.shape
        best = a["start"] + scores[:, 0]
        keep = np.broadcast_to(np.arange(n_labels), (batch, n_labels))  # back-pointer past a sentence's end
        back = []
        for t in range(1, longest):
            candidates = best[:, :, None] + a["transitions"][None]  # (B, from, to)
            came_from = candidates.argmax(axis=1)  # (B, to)
            active = (t < lengths)[:, None]
            best = np.where(active, candidates.max(axis=1) + scores[:, t], best)
            back.append(np.where(active, came_from, keep))
        last = (best + a["end"]).argmax(axis=1)
        path = [last]
        for pointers in reversed(back):
            path.append(pointers[np.arange(batch), path[-1]])
        labels = np.stack(path[::-1], axis=1)  # (B, T)
        return [labels[b, :n].tolist() for b, n in enumerate(lengths)]

    def marginals(self, scores: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """``(B, T, K)`` probability of each label at each position under the CRF (forward-backward).

        Positions past a sentence's end are zeros. Computed in float64 log space.
        """
        a = {name: array.astype(np.float64) for name, array in self.arrays.items()}
        scores = scores.astype(np.float64)
        batch, longest, n_labels = scores.shape
        alpha = np.empty_like(scores)
        beta = np.empty_like(scores)
        alpha[:, 0] = a["start"] + scores[:, 0]
        for t in range(1, longest):
            step = _logsumexp(alpha[:, t - 1, :, None] + a["transitions"][None], axis=1) + scores[:, t]
            alpha[:, t] = np.where((t < lengths)[:, None], step, alpha[:, t - 1])
        beta[:, longest - 1] = a["end"]
        for t in range(longest - 2, -1, -1):
            step = _logsumexp(a["transitions"][None] + (scores[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
            beta[:, t] = np.where((t + 1 < lengths)[:, None], step, a["end"])
        last = alpha[np.arange(batch), lengths - 1]
        log_z = _logsumexp(last + a["end"], axis=1)
        inside = (np.arange(longest)[None, :] < lengths[:, None])[..., None]
        return np.where(inside, np.exp(alpha + beta - log_z[:, None, None]), 0.0)


class Network:
    """The exported BiLSTM-CRF: per-label scores over each sentence's model tokens, and its CRF.

    ``arrays`` (all float32): ``word_emb`` (V, dw), ``char_emb`` (C, dc; row 0 zeros),
    ``char_conv_w`` (F, dc, k) and ``char_conv_b`` (F), per direction ``fwd``/``bwd``
    ``lstm_{d}_w_ih`` (4H, D), ``lstm_{d}_w_hh`` (4H, H), ``lstm_{d}_b`` (4H; torch's gate order
    i, f, g, o, both biases summed), ``out_w`` (K, 2H), ``out_b`` (K), and the CRF's
    ``transitions`` (K, K), ``start`` (K), ``end`` (K), invalid moves already at FORBIDDEN.
    """

    VOCAB = "vocab.json"

    def __init__(self, arrays: dict[str, np.ndarray], vocab: dict, vectors: FloretVectors):
        self.arrays = {name: np.ascontiguousarray(a, dtype=np.float32) for name, a in arrays.items()}
        self.vocab = vocab
        self.labels: list[str] = vocab["labels"]
        self.words = {word: i for i, word in enumerate(vocab["words"])}
        self.chars = {ch: i for i, ch in enumerate(vocab["chars"])}
        self.max_chars: int = vocab["max_word_chars"]
        self.vectors = vectors
        a = self.arrays
        dc = a["char_emb"].shape[1]
        # the convolution as one matrix over [char t-1, char t, char t+1] (im2col)
        self._conv = a["char_conv_w"].transpose(2, 1, 0).reshape(-1, a["char_conv_w"].shape[0])
        self._conv_width = a["char_conv_w"].shape[2]
        assert self._conv.shape[0] == dc * self._conv_width
        self._w_ih = np.ascontiguousarray(np.concatenate([a["lstm_fwd_w_ih"], a["lstm_bwd_w_ih"]]).T)  # (D, 2 * 4H)
        self._b_ih = np.concatenate([a["lstm_fwd_b"], a["lstm_bwd_b"]])
        self._w_hh = np.stack([a["lstm_fwd_w_hh"].T, a["lstm_bwd_w_hh"].T])  # (2, H, 4H)
        self.crf = CRF(a["transitions"], a["start"], a["end"])
        self._char_cache: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, weights: Path, vectors: FloretVectors | None = None) -> Network:
        """A member from its ``network-<seed>.npz``; vocabulary and vectors from the same folder."""
        with np.load(weights) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
        vocab = json.loads((weights.parent / cls.VOCAB).read_text(encoding="utf-8"))
        return cls(loaded, vocab, vectors or FloretVectors.load(weights.parent))

    def save(self, folder: Path, name: str = "network-0.npz") -> None:
        np.savez(folder / name, **self.arrays)  # type: ignore[arg-type]
        (folder / self.VOCAB).write_text(json.dumps(self.vocab, ensure_ascii=False) + "\n", encoding="utf-8")
        self.vectors.save(folder)

    # -- token representations ------------------------------------------------------------
    def _char_features(self, words: list[str]) -> np.ndarray:
        ids = [char_ids(w, self.chars, self.max_chars) for w in words]
        longest = max(len(i) for i in ids)
        pad = self._conv_width // 2
        grid = np.zeros((len(words), longest + 2 * pad), dtype=np.int64)
        for row, word_ids in enumerate(ids):
            grid[row, pad:pad + len(word_ids)] = word_ids
        emb = self.arrays["char_emb"][grid]  # (n, L + 2 pad, dc); row 0 (padding) is zeros
        windows = np.concatenate([emb[:, k:k + longest] for k in range(self._conv_width)], axis=2)
        conv = np.maximum(windows @ self._conv + self.arrays["char_conv_b"], 0.0)  # (n, L, F), >= 0
        lengths = np.array([len(i) for i in ids])
        conv[np.arange(longest)[None, :] >= lengths[:, None]] = 0.0  # positions past the word: out of the max
        return conv.max(axis=1)

    def features(self, words: list[str], norms: list[str], clitic: list[bool]) -> np.ndarray:
        """The LSTM input of each token: ``[word embedding, char CNN, floret vector, clitic flag]``."""
        word_rows = self.arrays["word_emb"][[self.words.get(n, UNKNOWN) for n in norms]]
        flag = np.asarray(clitic, dtype=np.float32)[:, None]
        return np.concatenate([word_rows, cached_rows(self._char_cache, words, self._char_features),
                               self.vectors.lookup(norms), flag], axis=1)

    # -- network ----------------------------------------------------------------------------
    def emissions(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]]) -> tuple[np.ndarray, np.ndarray]:
        """Per-label scores ``(B, T, K)`` of a batch of non-empty ``(words, norms, clitic)``, and lengths."""
        scores, lengths = joint_emissions([self], sentences)
        return scores[0], lengths


class Ensemble:
    """Several :class:`Network` members (same vocabulary and vectors, different seeds).

    Their per-label scores are averaged, and so are their CRF transition scores; then one
    Viterbi pass decodes. An ensemble of one network is that network.
    """

    PATTERN = "network-*.npz"

    def __init__(self, members: Sequence[Network]):
        if not members:
            raise ValueError("an ensemble needs at least one network")
        self.members = list(members)
        self.labels = self.members[0].labels
        self.crf = CRF.mean([m.crf for m in self.members])
        self._w_hh = np.concatenate([m._w_hh for m in self.members])  # all members step together

    @classmethod
    def load(cls, folder: Path) -> Ensemble:
        files = sorted(folder.glob(cls.PATTERN))
        if not files:
            raise FileNotFoundError(f"no {cls.PATTERN} in {folder}")
        vectors = FloretVectors.load(folder)
        return cls([Network.load(path, vectors) for path in files])

    def tag(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]]) -> list[list[str]]:
        """IOB2 labels over the model tokens of each ``(words, norms, clitic)`` sentence."""
        return [labels for labels, _ in self.tag_with_confidence(sentences, confidence=False)]

    def tag_with_confidence(self, sentences: Sequence[tuple[list[str], list[str], list[bool]]],
                            confidence: bool = True, convention: int = 1) -> list[tuple[list[str], list[float]]]:
        """Labels of each sentence, and for each token the CRF probability of its label.

        The probability is the marginal of the (averaged) CRF at that position: how sure the
        ensemble is of this token's label whatever the rest of the sentence. Skipped (all 1.0)
        when ``confidence`` is false.
        """
        out: list[tuple[list[str], list[float]]] = [([], []) for _ in sentences]
        todo = [i for i, s in enumerate(sentences) if s[0]]
        if todo:
            scored, lengths = joint_emissions(self.members, [sentences[i] for i in todo], self._w_hh)
            scores = scored[0] if len(scored) == 1 else np.mean(scored, axis=0)
            paths = self.crf.viterbi(scores, lengths)
            probs = self.crf.marginals(scores, lengths) if confidence else None
            for row, (i, ids) in enumerate(zip(todo, paths)):
                sure = probs[row, np.arange(len(ids)), ids].tolist() if probs is not None else [1.0] * len(ids)
                out[i] = ([self.labels[k] for k in ids], sure)
        return out
