"""Entity-level scoring of IOB tag sequences, conlleval style.

An entity counts as found only when its span and its type both match exactly. Tags are read
as IOB2 with conlleval's leniency: an ``I-X`` after ``O`` or after another type starts a new
entity (ANERcorp has such orphan ``I-`` tags; :func:`pipeline.ner.conll.spans` reads them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ner.conll import spans

TYPES = ("PER", "LOC", "ORG", "MISC")


@dataclass
class Scores:
    """True positives, gold and predicted entity counts per type."""

    tp: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)
    pred: Counter = field(default_factory=Counter)
    tokens: int = 0
    sentences: int = 0

    def add(self, gold_tags: Sequence[str], pred_tags: Sequence[str]) -> None:
        if len(gold_tags) != len(pred_tags):
            raise ValueError(f"{len(gold_tags)} gold tags but {len(pred_tags)} predicted")
        gold = set(spans(list(gold_tags)))
        pred = set(spans(list(pred_tags)))
        self.gold.update(label for _, _, label in gold)
        self.pred.update(label for _, _, label in pred)
        self.tp.update(label for _, _, label in gold & pred)
        self.tokens += len(gold_tags)
        self.sentences += 1

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        """Precision, recall, F1 (as fractions) for one type, or micro-averaged for ``None``."""
        if label is None:
            tp, gold, pred = sum(self.tp.values()), sum(self.gold.values()), sum(self.pred.values())
        else:
            tp, gold, pred = self.tp[label], self.gold[label], self.pred[label]
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def labels(self) -> list[str]:
        seen = set(self.gold) | set(self.pred)
        return [t for t in TYPES if t in seen] + sorted(seen - set(TYPES))

    def as_dict(self) -> dict:
        def row(label: str | None) -> dict:
            p, r, f = self.prf(label)
            key = label or "micro"
            return {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2),
                    "gold": sum(self.gold.values()) if key == "micro" else self.gold[label],
                    "predicted": sum(self.pred.values()) if key == "micro" else self.pred[label],
                    "correct": sum(self.tp.values()) if key == "micro" else self.tp[label]}

        return {"tokens": self.tokens, "sentences": self.sentences, "micro": row(None),
                "per_type": {label: row(label) for label in self.labels}}

    def table(self) -> str:
        lines = [f"{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'correct':>7}"]
        data = self.as_dict()
        for label, row in list(data["per_type"].items()) + [("micro", data["micro"])]:
            lines.append(f"{label:<6} {row['precision']:6.2f} {row['recall']:6.2f} {row['f1']:6.2f} "
                         f"{row['gold']:6d} {row['predicted']:6d} {row['correct']:7d}")
        lines.append(f"({self.tokens} tokens, {self.sentences} sentences; entity-level exact span and type)")
        return "\n".join(lines)


def score(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]]) -> Scores:
    """Score parallel sentences of gold and predicted tags."""
    result = Scores()
    for g, p in zip(gold, pred, strict=True):
        result.add(g, p)
    return result


def read_tagged(path: str | Path) -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted tags from a ``token gold predicted`` file (``tag-conll`` output)."""
    from pipeline.ner.conll import map_tag

    gold: list[list[str]] = []
    pred: list[list[str]] = []
    g: list[str] = []
    p: list[str] = []
    with open(path, encoding="utf-8-sig") as lines:
        for raw in lines:
            parts = raw.rstrip("\r\n").replace("\u200e", "").split()
            if not parts:
                if g:
                    gold.append(g)
                    pred.append(p)
                    g, p = [], []
                continue
            if len(parts) < 3:
                raise ValueError(f"{path}: expected 'token gold predicted', got {raw.strip()!r}")
            g.append(map_tag(parts[-2]))
            p.append(map_tag(parts[-1]))
    if g:
        gold.append(g)
        pred.append(p)
    return gold, pred


def write_json(scores: Scores, path: str | Path, **extra) -> None:
    Path(path).write_text(json.dumps({**extra, **scores.as_dict()}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
