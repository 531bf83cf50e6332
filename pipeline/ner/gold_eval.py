"""The NER stage and the model on the gold news articles (``data/news_gold``): spans in running text.

Three systems are scored on the same articles, exact (same span and label) and relaxed (spans
overlap, same label; each gold mention matched at most once):

- ``stage``: the whole NER stage as ``mena-ner run`` runs it (gazetteer, rules, model, merge,
  coreference) with the shipped knowledge base;
- ``stage, names outside the KB``: the same with every KB entry that the file's gold mentions
  link to removed from the knowledge base — each gold name is then one the KB does not hold,
  the situation of next year's news;
- ``model``: the statistical model alone (no gazetteer, no rules, no coreference).

Offsets index the article text; every label of the gold set counts (PER, LOC, ORG, MISC, RES).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.gold import GoldArticle, read_gold
from pipeline.types import LABELS

Span = tuple[int, int, str]


@dataclass
class SpanScores:
    """Exact and relaxed counts per label."""

    gold: Counter = field(default_factory=Counter)
    pred: Counter = field(default_factory=Counter)
    exact: Counter = field(default_factory=Counter)
    relaxed_gold: Counter = field(default_factory=Counter)  # gold mentions overlapped by a same-label prediction
    relaxed_pred: Counter = field(default_factory=Counter)  # predictions overlapping a same-label gold mention

    def add(self, gold: Iterable[Span], pred: Iterable[Span]) -> None:
        gold, pred = sorted(set(gold)), sorted(set(pred))
        self.gold.update(label for _, _, label in gold)
        self.pred.update(label for _, _, label in pred)
        self.exact.update(label for _, _, label in set(gold) & set(pred))
        used: set[Span] = set()
        for g in gold:
            match = next((p for p in pred if p not in used and p[2] == g[2] and p[0] < g[1] and g[0] < p[1]), None)
            if match is not None:
                used.add(match)
                self.relaxed_gold[g[2]] += 1
        for p in pred:
            if any(g[2] == p[2] and g[0] < p[1] and p[0] < g[1] for g in gold):
                self.relaxed_pred[p[2]] += 1

    def prf(self, kind: str = "exact", label: str | None = None) -> tuple[float, float, float]:
        def total(counter: Counter) -> int:
            return sum(counter.values()) if label is None else counter[label]

        if kind == "exact":
            p = total(self.exact) / total(self.pred) if total(self.pred) else 0.0
            r = total(self.exact) / total(self.gold) if total(self.gold) else 0.0
        else:
            p = total(self.relaxed_pred) / total(self.pred) if total(self.pred) else 0.0
            r = total(self.relaxed_gold) / total(self.gold) if total(self.gold) else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def as_dict(self) -> dict:
        out: dict = {}
        for label in [*[lb for lb in LABELS if self.gold[lb] or self.pred[lb]], None]:
            key = label or "micro"
            out[key] = {"gold": sum(self.gold.values()) if label is None else self.gold[label],
                        "predicted": sum(self.pred.values()) if label is None else self.pred[label]}
            for kind in ("exact", "relaxed"):
                p, r, f = self.prf(kind, label)
                out[key][kind] = {"precision": round(100 * p, 2), "recall": round(100 * r, 2), "f1": round(100 * f, 2)}
        return out


SYSTEMS = ("stage", "stage, names outside the KB", "model")


def score_system(articles: list[GoldArticle], predict: Callable[[GoldArticle], list[Span]]) -> SpanScores:
    scores = SpanScores()
    for article in articles:
        scores.add(((m.start, m.end, m.label) for m in article.mentions), predict(article))
    return scores


def analyzer_predictions(nlp) -> Callable[[GoldArticle], list[Span]]:
    def predict(article: GoldArticle) -> list[Span]:
        return [(m.start, m.end, m.label) for m in nlp(article.text, doc_id=article.id).mentions]

    return predict


def evaluate_gold(path: str | Path, systems: Iterable[str] = SYSTEMS, load=None) -> dict[str, SpanScores]:
    """Scores of each system on a gold file or folder (``load``: the API's loader, for tests)."""
    if load is None:
        from pipeline.api import load
    articles = read_gold(path)
    linked = {m.entity for a in articles for m in a.mentions if not m.is_nil}
    builders = {
        "stage": lambda: load(),
        "stage, names outside the KB": lambda: load(without_entities=linked),
        "model": lambda: load(components=("model",)),
    }
    return {system: score_system(articles, analyzer_predictions(builders[system]())) for system in systems}


def table(results: dict[str, SpanScores]) -> str:
    labels = [lb for lb in LABELS if any(s.gold[lb] for s in results.values())]
    head = f"{'system':<29}{'exact P':>8}{'R':>7}{'F1':>7}{'relaxed P':>10}{'R':>7}{'F1':>7}  " + \
           "  ".join(f"{lb:>5}" for lb in labels)
    lines = [head]
    for system, scores in results.items():
        exact, relaxed = scores.prf("exact"), scores.prf("relaxed")
        per_label = "  ".join(f"{100 * scores.prf('exact', lb)[2]:5.1f}" for lb in labels)
        lines.append(f"{system:<29}{100 * exact[0]:8.1f}{100 * exact[1]:7.1f}{100 * exact[2]:7.1f}"
                     f"{100 * relaxed[0]:10.1f}{100 * relaxed[1]:7.1f}{100 * relaxed[2]:7.1f}  {per_label}")
    gold = next(iter(results.values())).gold if results else Counter()
    lines.append("(per-label columns: exact F1; gold mentions: " + ", ".join(f"{lb} {gold[lb]}" for lb in labels) + ")")
    return "\n".join(lines)
