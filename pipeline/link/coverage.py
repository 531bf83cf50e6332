"""How much of a run's output an analyst can join to other datasets: mentions with a Wikidata QID.

Reads a finished run's ``mentions.csv`` (and ``entities.csv``): shares of all mentions, of the
mentions linked to the knowledge base (not ``local:``), per label, that carry a QID; and the
most mentioned KB entities without one, and the most mentioned local entities (what to add).
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LOCAL_PREFIX = "local:"


@dataclass
class Coverage:
    mentions: Counter = field(default_factory=Counter)  # per label, and "all"
    kb_linked: Counter = field(default_factory=Counter)
    with_qid: Counter = field(default_factory=Counter)
    kb_without_qid: Counter = field(default_factory=Counter)  # entity id -> mentions
    local: Counter = field(default_factory=Counter)  # (label, name) -> mentions

    def share(self, part: Counter, whole: Counter, label: str = "all") -> float:
        return part[label] / whole[label] if whole[label] else 0.0

    def lines(self, top: int = 20) -> list[str]:
        out = [f"{'label':<6}{'mentions':>9}{'KB-linked':>11}{'QID/KB':>9}{'QID/all':>9}"]
        for label in sorted(k for k in self.mentions if k != "all") + ["all"]:
            out.append(f"{label:<6}{self.mentions[label]:>9}{self.kb_linked[label]:>11}"
                       f"{100 * self.share(self.with_qid, self.kb_linked, label):>8.1f}%"
                       f"{100 * self.share(self.with_qid, self.mentions, label):>8.1f}%")
        out.append("")
        out.append("most mentioned KB entities without a QID: " + ", ".join(
            f"{e} ({n})" for e, n in self.kb_without_qid.most_common(top)))
        out.append("most mentioned local entities: " + ", ".join(
            f"{name} {label} ({n})" for (label, name), n in self.local.most_common(top)))
        return out


def coverage(out_dir: str | Path) -> Coverage:
    result = Coverage()
    with open(Path(out_dir) / "mentions.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for label in (row["label"], "all"):
                result.mentions[label] += 1
                if not row["entity_id"].startswith(LOCAL_PREFIX):
                    result.kb_linked[label] += 1
                    if row["wikidata"]:
                        result.with_qid[label] += 1
            if row["entity_id"].startswith(LOCAL_PREFIX):
                result.local[(row["label"], row["name_ar"])] += 1
            elif not row["wikidata"]:
                result.kb_without_qid[row["entity_id"]] += 1
    return result
