"""Gold-annotated articles (``data/news_gold/*.jsonl``): reading and checking them.

One article a line: ``{"id", "outlet", "category", "text", "mentions": [{"start", "end",
"text", "label", "entity"}]}`` with ``text == article[start:end]``; ``entity`` is a
knowledge-base id or ``NIL:<short English name>``. Shared data, like :mod:`pipeline.offsets`:
the NER and linking evaluations read it, ``mena-ner gold check`` checks it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.types import LABELS

NIL_PREFIX = "NIL:"


class GoldError(ValueError):
    """The gold file breaks its format; the message names the line and the problem."""


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    text: str
    label: str
    entity: str  # a KB id or NIL:<short English name>

    @property
    def is_nil(self) -> bool:
        return self.entity.startswith(NIL_PREFIX)


@dataclass(frozen=True)
class GoldArticle:
    id: str
    outlet: str
    text: str
    mentions: tuple[GoldMention, ...]
    category: str = ""
    where: str = ""  # file:line, for messages


def gold_files(path: str | Path) -> list[Path]:
    """A JSONL file, or every ``*.jsonl`` of a folder (sorted)."""
    path = Path(path)
    return sorted(path.glob("*.jsonl")) if path.is_dir() else [path]


def read_gold(path: str | Path, *, check: bool = True) -> list[GoldArticle]:
    """Articles of a gold file or folder; ``check`` raises :class:`GoldError` on the first bad mention."""
    articles = []
    for file in gold_files(path):
        with open(file, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    articles.append(_article(line, f"{file}:{number}"))
    if check:
        problems = [p for a in articles for p in mention_problems(a)]
        if problems:
            raise GoldError(problems[0])
    return articles


def _article(line: str, where: str) -> GoldArticle:
    try:
        record = json.loads(line)
        mentions = tuple(GoldMention(int(m["start"]), int(m["end"]), m["text"], m["label"], m["entity"])
                         for m in record["mentions"])
        return GoldArticle(str(record["id"]), record.get("outlet", ""), record["text"], mentions,
                           record.get("category") or "", where)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise GoldError(f"{where}: not a gold article record ({exc})") from exc


def mention_problems(article: GoldArticle, labels: Iterable[str] = LABELS) -> list[str]:
    """Offset errors, labels outside the set, malformed entities, overlaps other than a place
    nested in a place (a facility named after it)."""
    labels = tuple(labels)
    problems = []
    for m in article.mentions:
        if article.text[m.start:m.end] != m.text:
            problems.append(f"{article.where}: text[{m.start}:{m.end}] is {article.text[m.start:m.end]!r}, not {m.text!r}")
        if m.label not in labels:
            problems.append(f"{article.where}: label {m.label!r} of {m.text!r} not in {labels}")
        if (m.is_nil and len(m.entity) == len(NIL_PREFIX)) or (not m.is_nil and ":" not in m.entity):
            problems.append(f"{article.where}: entity {m.entity!r} of {m.text!r} is neither a KB id nor NIL:<name>")
    ordered = sorted(article.mentions, key=lambda m: (m.start, -m.end))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start >= a.end:
                break
            nested = b.end <= a.end and a.label == b.label == "LOC"
            if not nested:
                problems.append(f"{article.where}: {a.text!r} [{a.start}:{a.end}] overlaps {b.text!r} [{b.start}:{b.end}]")
    return problems


def read_allowed(path: str | Path) -> dict[str, set[str]]:
    """``AMBIGUOUS.tsv``: string -> the labels it may take in different articles."""
    allowed: dict[str, set[str]] = {}
    path = Path(path)
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                text, labels, *_ = line.split("\t")
                allowed[text] = set(labels.split())
    return allowed


def consistency_problems(articles: Iterable[GoldArticle], allowed: dict[str, set[str]] | None = None) -> list[str]:
    """Disagreements across articles: the same string with different labels (unless ``allowed``
    lists them), one NIL entity with different labels."""
    allowed = allowed or {}
    articles = list(articles)
    labels_of_text: dict[str, Counter] = defaultdict(Counter)
    where_of: dict[tuple[str, str], str] = {}
    labels_of_nil: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        for m in article.mentions:
            labels_of_text[m.text][m.label] += 1
            where_of.setdefault((m.text, m.label), article.id)
            if m.is_nil:
                labels_of_nil[m.entity][m.label] += 1
    problems = []
    for text, counts in sorted(labels_of_text.items()):
        if len(counts) > 1 and not set(counts) <= allowed.get(text, set()):
            seen = ", ".join(f"{label} ×{n} (e.g. {where_of[(text, label)]})" for label, n in counts.most_common())
            problems.append(f"{text!r} is labeled differently: {seen}")
    for entity, counts in sorted(labels_of_nil.items()):
        if len(counts) > 1:
            problems.append(f"{entity} has several labels: " + ", ".join(f"{label} ×{n}" for label, n in counts.most_common()))
    return problems


def check(path: str | Path, known_entities: dict[str, str] | None = None) -> list[str]:
    """Every problem of a gold file or folder: format, offsets, overlaps, labels, consistency, and
    (given ``known_entities``, KB id -> label) links to ids the knowledge base lacks or labels it
    disagrees with."""
    try:
        articles = read_gold(path, check=False)
    except GoldError as exc:
        return [str(exc)]
    problems = [p for a in articles for p in mention_problems(a)]
    ids = Counter(a.id for a in articles)
    problems += [f"article {i} appears {n} times" for i, n in ids.items() if n > 1]
    if known_entities is not None:
        for a in articles:
            for m in a.mentions:
                if not m.is_nil and m.entity not in known_entities:
                    problems.append(f"{a.where}: {m.text!r} links to {m.entity}, which the knowledge base lacks")
                elif not m.is_nil and known_entities[m.entity] != m.label:
                    problems.append(f"{a.where}: {m.text!r} is {m.label} but {m.entity} is {known_entities[m.entity]} in the knowledge base")
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    return problems + consistency_problems(articles, read_allowed(folder / "AMBIGUOUS.tsv"))


def agreement(first: Iterable[GoldArticle], second: Iterable[GoldArticle],
              labels: Iterable[str] = LABELS) -> dict[str, tuple[int, int, int]]:
    """Per label and ``all``: (mentions in both, in the first, in the second), exact span and label,
    over the articles the two annotations share."""
    by_id = {a.id: a for a in second}
    shared = [(a, by_id[a.id]) for a in first if a.id in by_id]
    out = {}
    for label in (*labels, "all"):
        counts = [0, 0, 0]
        for a, b in shared:
            x = {(m.start, m.end, m.label) for m in a.mentions if label in ("all", m.label)}
            y = {(m.start, m.end, m.label) for m in b.mentions if label in ("all", m.label)}
            counts = [counts[0] + len(x & y), counts[1] + len(x), counts[2] + len(y)]
        out[label] = (counts[0], counts[1], counts[2])
    return out
