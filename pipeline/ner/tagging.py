"""What the NER networks share at inference: labels, IOB2 transitions, Viterbi, floret vectors.

- :data:`LABELS` and :func:`transition_mask`: the IOB2 label set and the moves it forbids
  (``O -> I-X``, ``B-X -> I-Y``);
- :class:`CRF`: Viterbi decoding under transition scores (the student's are the mask alone);
- :class:`FloretVectors`: static floret vectors in numpy, the same n-grams and hashes as floret
  and spaCy's ``Vectors(mode="floret")``, keyed on a token's folded form (unseen words get one);
- :func:`char_ids` and :func:`cached_rows`: character rows of a word, and per-word caches.

The network itself is :class:`pipeline.ner.student.StudentNetwork` (ONNX Runtime); training
(:mod:`pipeline.training.networks`, PyTorch) imports these same pieces, so what a network learns
and what it is given at run time match.
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

    def save(self, folder: Path, dtype: type = np.float32) -> None:
        """Write the table (``np.float16`` halves the file; :meth:`load` reads it back as float32)."""
        np.save(folder / self.TABLE, self.table.astype(dtype))
        (folder / self.SETTINGS).write_text(json.dumps(self.settings, ensure_ascii=False) + "\n", encoding="utf-8")

    def ngrams(self, word: str) -> list[str]:
        key = self.settings["bow"] + word + self.settings["eow"]
        return [key] + [key[start:start + size] for size in range(self.settings["minn"], self.settings["maxn"] + 1)
                        for start in range(len(key) - size + 1)]

    def lookup(self, words: Sequence[str]) -> np.ndarray:
        """Like calling it, through a bounded cache."""
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


# -- characters, decoding ----------------------------------------------------------------------

def char_ids(word: str, chars: dict[str, int], max_chars: int) -> list[int]:
    """Character rows of a word (first ``max_chars`` characters; at least one entry)."""
    return [chars.get(ch, UNKNOWN_CHAR) for ch in word[:max_chars]] or [UNKNOWN_CHAR]


class CRF:
    """The CRF's transition, start and end scores (invalid moves at FORBIDDEN), and decoding."""

    def __init__(self, transitions: np.ndarray, start: np.ndarray, end: np.ndarray):
        self.arrays = {"transitions": transitions, "start": start, "end": end}

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
