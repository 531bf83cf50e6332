"""edges.csv: entity pairs per sentence and per document, counted, named, and bounded."""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

from pipeline.io.export import MAX_EDGE_ENTITIES, EntityTotals, write_edges
from pipeline.types import EntityFacts

HEADER = "doc_id,source,sentence,start,end,text,label,value,entity_id,wikidata,name_ar,name_en,method,score\n"


def mention(doc: str, sentence: int, entity: str) -> str:
    return f"{doc},s.txt,{sentence},0,1,x,LOC,,{entity},,,,gazetteer,1.0\n"


def edges(tmp_path: Path, rows: list[str], entities: dict[str, EntityTotals] | None = None) -> list[dict]:
    mentions = tmp_path / "mentions.csv"
    mentions.write_text(HEADER + "".join(rows), encoding="utf-8")
    out = tmp_path / "edges.csv"
    n = write_edges(mentions, entities or {}, out, tmp_path / "scratch.sqlite")
    with open(out, encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert n == len(table)
    return table


def test_counts_per_sentence_and_document(tmp_path: Path) -> None:
    rows = [mention("d1", 0, "a"), mention("d1", 0, "b"), mention("d1", 0, "b"), mention("d1", 1, "c"),
            mention("d2", 0, "b"), mention("d2", 0, "a")]
    table = {(r["entity_a"], r["entity_b"], r["scope"]): int(r["count"]) for r in edges(tmp_path, rows)}
    # a-b share a sentence in both documents; c is only in d1's second sentence
    assert table == {("a", "b", "sentence"): 2, ("a", "b", "document"): 2,
                     ("a", "c", "document"): 1, ("b", "c", "document"): 1}


def test_names_and_order(tmp_path: Path) -> None:
    named = EntityTotals(EntityFacts("a", "LOC", name_ar="بغداد"))
    rows = [mention("d1", 0, "a"), mention("d1", 0, "b"), mention("d2", 0, "a"), mention("d2", 0, "b"),
            mention("d3", 0, "a"), mention("d3", 1, "c")]
    table = edges(tmp_path, rows, {"a": named})
    assert [r["scope"] for r in table] == ["sentence", "document", "document"]  # sentence first, then by count
    assert table[1]["entity_a"] == "a" and table[1]["count"] == "2" and table[1]["name_a"] == "بغداد"


def test_a_huge_document_pairs_only_its_most_mentioned_entities(tmp_path: Path) -> None:
    n = MAX_EDGE_ENTITIES + 50
    rows = [mention("d1", i, f"e{i:04d}") for i in range(n)]
    rows += [mention("d1", 0, f"e{i:04d}") for i in range(n - 10, n)]  # the last ten: mentioned twice
    table = edges(tmp_path, rows)
    document = [(r["entity_a"], r["entity_b"]) for r in table if r["scope"] == "document"]
    assert len(document) == len(list(combinations(range(MAX_EDGE_ENTITIES), 2)))
    kept = {e for pair in document for e in pair}
    assert {f"e{i:04d}" for i in range(n - 10, n)} <= kept  # the most mentioned are kept
    sentence = [r for r in table if r["scope"] == "sentence"]
    assert len(sentence) == len(list(combinations(range(11), 2)))  # sentence 0: e0000 + the ten
