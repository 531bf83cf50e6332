"""Linking evaluation against hand-annotated articles (``data/news_gold/dev.jsonl``).

Measures what the pipeline's tables promise, on whole real articles:

- mention detection: a predicted mention is correct when its span and label equal a gold
  mention's (per label and micro-averaged);
- linking: a predicted mention is correct when its span equals a gold mention's and its entity
  matches: the same KB id for a gold KB entity, any non-KB (``local:``) id for a gold
  ``NIL:<name>`` entity. Precision over predicted mentions, recall over gold mentions;
- linking accuracy on the gold mentions whose exact span was found: disambiguation quality
  apart from detection (also split KB / NIL, and restricted to :data:`AMBIGUOUS_NAMES`);
- B-cubed precision/recall of the entity clustering over the same found mentions, across all
  articles: gold clusters are the gold entities (a NIL name is one entity in every article),
  predicted clusters the predicted ``entity_id`` values.

Spans must match exactly (offsets into the article text, proclitics outside). Every label of
the gold set counts (PER, LOC, ORG, MISC, RES).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.gold import NIL_PREFIX, GoldArticle, GoldError, GoldMention, read_gold  # noqa: F401 (re-exported)
from pipeline.lang.arabic import fold

GOLD_LABELS = ("PER", "LOC", "ORG", "MISC", "RES")
LOCAL_PREFIX = "local:"

# Names whose reading depends on context: a place shared by several entities, or a name that is
# also a common word or another kind of entity. Compared after folding, on the whole gold span.
AMBIGUOUS_NAMES: dict[str, str] = {
    "طرابلس": "Tripoli, Lebanon or Libya",
    "عمان": "Amman or Oman",
    "الجزائر": "Algeria or Algiers",
    "غزة": "Gaza Strip or Gaza City",
    "صور": "Tyre or 'pictures'",
    "حماة": "Hama or 'protectors'",
    "الكويت": "Kuwait or Kuwait City",
    "تونس": "Tunisia or Tunis",
    "القنيطرة": "Quneitra (Syria) or Kenitra (Morocco)",
    "الساحل": "the Tunisian Sahel, the African Sahel or 'the coast'",
    "الشرق الأوسط": "the Middle East or the newspaper Asharq Al-Awsat",
    "إدلب": "Idlib city or governorate",
    "حلب": "Aleppo city or governorate",
    "البويرة": "Bouira town or province",
    "دوما": "Douma or the Russian Duma",
    "الغوطة": "the Ghouta or Eastern Ghouta",
    "القاعدة": "al-Qaeda or 'the base/rule'",
    "الحياة": "Al-Hayat or 'life'",
    "العربية": "Al Arabiya or 'Arabic'",
    "الأهرام": "Al-Ahram or 'the pyramids'",
    "الرأي": "a newspaper or 'the opinion'",
    "اللواء": "a newspaper or 'the brigade / major general'",
    "الأسد": "al-Assad or 'the lion'",
    "هادي": "Hadi or 'calm'",
    "القروي": "a surname shared by several Tunisian politicians",
    "الزهار": "a surname shared by several people",
    "الحريري": "a surname shared by several Lebanese politicians",
}
_AMBIGUOUS_FOLDED = frozenset(fold(name) for name in AMBIGUOUS_NAMES)


@dataclass(frozen=True)
class PredictedMention:
    start: int
    end: int
    text: str
    label: str
    entity_id: str


def predict(nlp, article: GoldArticle) -> tuple[list[PredictedMention], list[str]]:
    """The analyzer's mentions of one article (offsets into its text), and any error messages."""
    doc = nlp(article.text, doc_id=article.id)
    errors = [f"{article.id}: {r.status}: {r.error}" for r in doc.results if r.status not in ("ok", "empty")]
    return [PredictedMention(m.start, m.end, m.text, m.label, m.entity_id) for m in doc.mentions], errors


def entity_matches(gold_entity: str, predicted_id: str) -> bool:
    """Same KB id; a NIL gold entity is matched by any id outside the KB (a local id)."""
    if gold_entity.startswith(NIL_PREFIX):
        return predicted_id.startswith(LOCAL_PREFIX)
    return gold_entity == predicted_id


def is_ambiguous(text: str) -> bool:
    return fold(" ".join(text.split())) in _AMBIGUOUS_FOLDED


def prf(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 as fractions (0 when a denominator is 0)."""
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed(pairs: Sequence[tuple[str, str]]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of (gold cluster, predicted cluster) pairs, one per item.

    For each item, precision is the share of its predicted cluster that shares its gold
    cluster, recall the share of its gold cluster that shares its predicted cluster; both are
    averaged over items (Bagga & Baldwin 1998).
    """
    if not pairs:
        return 0.0, 0.0, 0.0
    both = Counter(pairs)
    gold_size = Counter(g for g, _ in pairs)
    pred_size = Counter(p for _, p in pairs)
    precision = sum(both[(g, p)] / pred_size[p] for g, p in pairs) / len(pairs)
    recall = sum(both[(g, p)] / gold_size[g] for g, p in pairs) / len(pairs)
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


@dataclass
class LinkError:
    """One disagreement, for reading: ``kind`` is wrong_entity, missed or spurious."""

    kind: str
    article: str
    start: int
    end: int
    text: str
    gold: str = ""  # label:entity
    predicted: str = ""  # label:entity_id


@dataclass
class LinkingReport:
    articles: int = 0
    failed: list[str] = field(default_factory=list)
    detection_gold: Counter = field(default_factory=Counter)  # per label
    detection_pred: Counter = field(default_factory=Counter)
    detection_correct: Counter = field(default_factory=Counter)
    link_correct: int = 0
    link_pred: int = 0
    link_gold: int = 0
    found: Counter = field(default_factory=Counter)  # gold mentions whose span was found: all / kb / nil / ambiguous
    found_correct: Counter = field(default_factory=Counter)
    gold_kinds: Counter = field(default_factory=Counter)  # gold mentions: all / kb / nil / ambiguous
    ambiguous_spurious: int = 0  # predicted mentions of an ambiguous name where the gold has none (صور 'pictures')
    bcubed_pairs: list[tuple[str, str]] = field(default_factory=list)
    errors: list[LinkError] = field(default_factory=list)

    def detection(self, label: str | None = None) -> tuple[float, float, float]:
        if label is None:
            return prf(sum(self.detection_correct.values()), sum(self.detection_pred.values()),
                       sum(self.detection_gold.values()))
        return prf(self.detection_correct[label], self.detection_pred[label], self.detection_gold[label])

    def linking(self) -> tuple[float, float, float]:
        return prf(self.link_correct, self.link_pred, self.link_gold)

    def accuracy(self, kind: str = "all") -> float:
        return self.found_correct[kind] / self.found[kind] if self.found[kind] else 0.0

    def bcubed(self) -> tuple[float, float, float]:
        return bcubed(self.bcubed_pairs)

    def as_dict(self, errors: bool = True) -> dict:
        def scores(p_r_f: tuple[float, float, float]) -> dict:
            return {"precision": round(p_r_f[0], 4), "recall": round(p_r_f[1], 4), "f1": round(p_r_f[2], 4)}

        labels = [label for label in GOLD_LABELS if self.detection_gold[label] or self.detection_pred[label]]
        out = {
            "articles": self.articles,
            "failed": self.failed,
            "detection": {
                **{label: {**scores(self.detection(label)), "gold": self.detection_gold[label],
                           "predicted": self.detection_pred[label], "correct": self.detection_correct[label]}
                   for label in labels},
                "micro": {**scores(self.detection()), "gold": sum(self.detection_gold.values()),
                          "predicted": sum(self.detection_pred.values()),
                          "correct": sum(self.detection_correct.values())},
            },
            "linking": {**scores(self.linking()), "gold": self.link_gold, "predicted": self.link_pred,
                        "correct": self.link_correct},
            "accuracy_on_found_spans": {
                kind: {"accuracy": round(self.accuracy(kind), 4), "found": self.found[kind],
                       "correct": self.found_correct[kind], "gold": self.gold_kinds[kind]}
                for kind in ("all", "kb", "nil", "ambiguous")},
            "ambiguous_spurious": self.ambiguous_spurious,
            "bcubed": {**scores(self.bcubed()), "mentions": len(self.bcubed_pairs)},
            "ambiguous_names": AMBIGUOUS_NAMES,
        }
        if errors:
            out["errors"] = [vars(e) for e in self.errors]
        return out

    def table(self) -> str:
        pct = lambda x: f"{100 * x:6.1f}"  # noqa: E731
        lines = [f"{self.articles} articles, {sum(self.detection_gold.values())} gold mentions"
                 + (f", {len(self.failed)} failed" if self.failed else ""), "",
                 "mention detection (exact span and label)",
                 f"{'label':<8}{'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'correct':>7}"]
        for label in [lb for lb in GOLD_LABELS if self.detection_gold[lb] or self.detection_pred[lb]] + [None]:
            p, r, f = self.detection(label)
            gold = self.detection_gold[label] if label else sum(self.detection_gold.values())
            pred = self.detection_pred[label] if label else sum(self.detection_pred.values())
            correct = self.detection_correct[label] if label else sum(self.detection_correct.values())
            lines.append(f"{label or 'micro':<8}{pct(p)} {pct(r)} {pct(f)} {gold:6d} {pred:6d} {correct:7d}")
        p, r, f = self.linking()
        lines += ["", "linking (exact span and same entity; a NIL gold entity matches any local id)",
                  f"{'':<8}{pct(p)} {pct(r)} {pct(f)} {self.link_gold:6d} {self.link_pred:6d} {self.link_correct:7d}",
                  "", "linking accuracy on gold mentions whose exact span was found"]
        for kind, name in (("all", "all"), ("kb", "KB gold"), ("nil", "NIL gold"), ("ambiguous", "ambiguous")):
            lines.append(f"{name:<10}{pct(self.accuracy(kind))}%  ({self.found_correct[kind]}/{self.found[kind]} found; "
                         f"{self.gold_kinds[kind]} gold)")
        lines.append(f"ambiguous names predicted where the gold has no mention: {self.ambiguous_spurious}")
        p, r, f = self.bcubed()
        lines += ["", f"B-cubed over found mentions ({len(self.bcubed_pairs)}): P {pct(p)}  R {pct(r)}  F1 {pct(f)}",
                  "(percentages)"]
        return "\n".join(lines)


def evaluate(gold: Iterable[GoldArticle], predictions: dict[str, list[PredictedMention]],
             failed: Sequence[str] = ()) -> LinkingReport:
    """Score predicted mentions (by article id) against the gold articles."""
    report = LinkingReport(failed=list(failed))
    for article in gold:
        report.articles += 1
        predicted = [m for m in predictions.get(article.id, []) if m.label in GOLD_LABELS]
        by_span: dict[tuple[int, int], PredictedMention] = {}
        for m in predicted:
            by_span.setdefault((m.start, m.end), m)
        gold_spans = {(g.start, g.end): g for g in article.mentions}
        gold_typed = {(g.start, g.end, g.label) for g in article.mentions}
        report.detection_gold.update(g.label for g in article.mentions)
        report.detection_pred.update(m.label for m in predicted)
        report.detection_correct.update(m.label for m in predicted if (m.start, m.end, m.label) in gold_typed)
        report.link_gold += len(article.mentions)
        report.link_pred += len(predicted)
        report.link_correct += sum(1 for m in predicted if (m.start, m.end) in gold_spans
                                   and entity_matches(gold_spans[(m.start, m.end)].entity, m.entity_id))
        for g in article.mentions:
            kinds = ["all", "nil" if g.is_nil else "kb"] + (["ambiguous"] if is_ambiguous(g.text) else [])
            report.gold_kinds.update(kinds)
            found = by_span.get((g.start, g.end))
            if found is None:
                report.errors.append(LinkError("missed", article.id, g.start, g.end, g.text, f"{g.label}:{g.entity}"))
                continue
            report.found.update(kinds)
            report.bcubed_pairs.append((g.entity, found.entity_id))
            if entity_matches(g.entity, found.entity_id):
                report.found_correct.update(kinds)
            else:
                report.errors.append(LinkError("wrong_entity", article.id, g.start, g.end, g.text,
                                               f"{g.label}:{g.entity}", f"{found.label}:{found.entity_id}"))
        for m in predicted:
            if (m.start, m.end) not in gold_spans:
                report.ambiguous_spurious += is_ambiguous(m.text)
                report.errors.append(LinkError("spurious", article.id, m.start, m.end, m.text,
                                               predicted=f"{m.label}:{m.entity_id}"))
    return report


def run_evaluation(gold_path: str | Path, nlp) -> LinkingReport:
    """Run the analyzer (``pipeline.load()``) on every gold article and score it."""
    gold = read_gold(gold_path)
    predictions, failed = defaultdict(list), []
    for article in gold:
        mentions, errors = predict(nlp, article)
        predictions[article.id] = mentions
        failed += errors
    return evaluate(gold, predictions, failed)
