"""Linking evaluation: hand-computed metrics, the shipped gold set's validity, and a real run."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import ROOT

from pipeline.link.evaluate import (
    AMBIGUOUS_NAMES,
    GOLD_LABELS,
    GoldArticle,
    GoldError,
    GoldMention,
    PredictedMention,
    bcubed,
    entity_matches,
    evaluate,
    is_ambiguous,
    read_gold,
    run_evaluation,
)

GOLD = ROOT / "data" / "news_gold" / "dev.jsonl"


def gold_article(id_: str, mentions: list[tuple[int, int, str, str]], text: str = "x" * 60) -> GoldArticle:
    return GoldArticle(id_, "test", text, tuple(GoldMention(s, e, text[s:e], label, entity) for s, e, label, entity in mentions))


# -- metrics on hand-computed cases -------------------------------------------------------

def test_entity_matching_kb_and_nil():
    assert entity_matches("per:najib-mikati", "per:najib-mikati")
    assert not entity_matches("per:najib-mikati", "per:saad-hariri")
    assert not entity_matches("per:najib-mikati", "local:per:0123456789")
    assert entity_matches("NIL:Salem al-Waer", "local:per:0123456789")
    assert not entity_matches("NIL:Salem al-Waer", "per:najib-mikati")


def test_detection_linking_and_accuracy_by_hand():
    gold = [gold_article("a", [(0, 5, "PER", "per:x"), (10, 15, "LOC", "country:lb"), (20, 25, "ORG", "NIL:Foo"),
                               (40, 45, "PER", "NIL:Bar")])]
    predicted = {"a": [
        PredictedMention(0, 5, "", "PER", "per:x"),  # right span, label, entity
        PredictedMention(10, 15, "", "ORG", "country:sy"),  # right span, wrong label and entity
        PredictedMention(30, 35, "", "LOC", "country:lb"),  # spurious
        PredictedMention(40, 45, "", "PER", "local:per:abc"),  # NIL found as a local id: correct
    ]}  # (20, 25) ORG is missed
    report = evaluate(gold, predicted)
    assert report.detection() == pytest.approx((2 / 4, 2 / 4, 0.5))
    assert report.detection("PER") == pytest.approx((1.0, 1.0, 1.0))
    assert report.detection("LOC") == (0.0, 0.0, 0.0)  # gold 1, predicted 1 (the spurious one), correct 0
    assert (report.detection_gold["ORG"], report.detection_pred["ORG"], report.detection_correct["ORG"]) == (1, 1, 0)
    assert report.linking() == pytest.approx((2 / 4, 2 / 4, 0.5))
    assert (report.found["all"], report.found_correct["all"]) == (3, 2)  # (0,5) (10,15) (40,45) found
    assert report.accuracy() == pytest.approx(2 / 3)
    assert report.accuracy("kb") == pytest.approx(1 / 2)
    assert report.accuracy("nil") == pytest.approx(1.0)
    assert report.gold_kinds["nil"] == 2 and report.found["nil"] == 1
    kinds = sorted(e.kind for e in report.errors)
    assert kinds == ["missed", "spurious", "wrong_entity"]


def test_bcubed_two_clusters_by_hand():
    # gold: {a1 a2 a3} {b1 b2}; predicted: {a1 a2} {a3 b1 b2}
    pairs = [("A", "P1"), ("A", "P1"), ("A", "P2"), ("B", "P2"), ("B", "P2")]
    p, r, f = bcubed(pairs)
    # precision: a1 2/2, a2 2/2, a3 1/3, b1 2/3, b2 2/3 -> 11/3 / 5
    # recall:    a1 2/3, a2 2/3, a3 1/3, b1 2/2, b2 2/2 -> 11/3 / 5
    assert p == pytest.approx(11 / 15) and r == pytest.approx(11 / 15) and f == pytest.approx(11 / 15)


def test_bcubed_everything_merged_and_everything_split():
    pairs = [("A", "P"), ("A", "P"), ("A", "P"), ("B", "P"), ("B", "P")]
    p, r, _ = bcubed(pairs)
    assert p == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5) and r == pytest.approx(1.0)
    split = [("A", f"P{i}") for i in range(3)]
    p, r, _ = bcubed(split)
    assert p == pytest.approx(1.0) and r == pytest.approx(1 / 3)
    assert bcubed([]) == (0.0, 0.0, 0.0)


def test_bcubed_in_evaluate_spans_articles():
    """A NIL entity is one cluster across articles; only mentions found with the gold span count."""
    gold = [gold_article("a", [(0, 5, "PER", "NIL:Bar"), (10, 15, "PER", "per:x")]),
            gold_article("b", [(0, 5, "PER", "NIL:Bar"), (20, 25, "LOC", "country:lb")])]
    predicted = {"a": [PredictedMention(0, 5, "", "PER", "local:per:1"), PredictedMention(10, 15, "", "PER", "per:x")],
                 "b": [PredictedMention(0, 5, "", "PER", "local:per:2")]}  # split Bar; country:lb missed
    report = evaluate(gold, predicted)
    assert sorted(report.bcubed_pairs) == [("NIL:Bar", "local:per:1"), ("NIL:Bar", "local:per:2"), ("per:x", "per:x")]
    p, r, _ = report.bcubed()
    assert p == pytest.approx(1.0) and r == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)


def test_ambiguous_names_are_folded_whole_spans():
    assert is_ambiguous("طرابلس") and is_ambiguous("عمّان") and is_ambiguous("الجزائر")
    assert not is_ambiguous("قطاع غزة") and not is_ambiguous("سلطنة عمان")
    gold = [gold_article("a", [(0, 6, "LOC", "loc:tripoli-ly"), (10, 16, "LOC", "country:lb")],
                         text="طرابلس    لبنان")]
    predicted = {"a": [PredictedMention(0, 6, "", "LOC", "loc:tripoli-lb"), PredictedMention(10, 15, "", "LOC", "x"),
                       PredictedMention(20, 23, "صور", "LOC", "loc:tyre")]}  # 'pictures', no gold mention
    report = evaluate(gold, predicted)
    assert (report.gold_kinds["ambiguous"], report.found["ambiguous"], report.found_correct["ambiguous"]) == (1, 1, 0)
    assert report.ambiguous_spurious == 1


def test_read_gold_rejects_a_span_that_does_not_slice_the_text(tmp_path):
    path = tmp_path / "gold.jsonl"
    record = {"id": "x", "outlet": "t", "text": "في لبنان", "mentions": [
        {"start": 3, "end": 8, "text": "لبنان", "label": "LOC", "entity": "country:lb"}]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_gold(path)[0].mentions[0].entity == "country:lb"
    record["mentions"][0]["start"] = 2
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=":1: text"):
        read_gold(path)
    record["mentions"][0].update(start=3, label="GPE")
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="label 'GPE'"):
        read_gold(path)


# -- the shipped gold set (its own checks: tests/test_news_gold.py) -------------------------

@pytest.fixture(scope="module")
def gold():
    return read_gold(GOLD)


def test_gold_dev_covers_the_ambiguous_names(gold):
    mentions = [m for a in gold for m in a.mentions]
    assert set(GOLD_LABELS) <= {m.label for m in mentions}
    ambiguous = [m for m in mentions if is_ambiguous(m.text)]
    assert len(ambiguous) >= 30
    assert {"طرابلس", "عمان", "الجزائر", "غزة", "الكويت", "تونس"} <= {m.text for m in ambiguous}
    assert {"loc:tripoli-lb", "loc:tripoli-ly"} <= {m.entity for m in ambiguous}
    assert set(AMBIGUOUS_NAMES) >= {"صور", "حماة"}  # in some articles only as 'pictures' / 'protectors'


# -- a real run ---------------------------------------------------------------------------

def test_evaluation_on_the_real_gold_set(nlp, gold):
    report = run_evaluation(GOLD, nlp)
    data = report.as_dict()
    n_gold = sum(len(a.mentions) for a in gold)
    assert data["articles"] == len(gold) and not data["failed"]
    assert data["detection"]["micro"]["gold"] == n_gold == data["linking"]["gold"]
    assert data["accuracy_on_found_spans"]["all"]["gold"] == n_gold
    assert data["bcubed"]["mentions"] == data["accuracy_on_found_spans"]["all"]["found"]
    scores = [v for block in (data["detection"].values(), [data["linking"], data["bcubed"]])
              for row in block for k, v in row.items() if k in ("precision", "recall", "f1")]
    scores += [row["accuracy"] for row in data["accuracy_on_found_spans"].values()]
    assert scores and all(0.0 <= s <= 1.0 for s in scores)
    assert "mention detection" in report.table()


def test_cli_link_eval_writes_json(tmp_path, gold):
    from pipeline.cli import main

    small = tmp_path / "gold.jsonl"
    article = gold[0]
    small.write_text(json.dumps({"id": article.id, "outlet": article.outlet, "text": article.text,
                                 "mentions": [vars(m) for m in article.mentions]}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["link-eval", str(small), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "linking accuracy" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["articles"] == 1 and data["detection"]["micro"]["gold"] == len(article.mentions)
    assert {e["kind"] for e in data["errors"]} <= {"missed", "spurious", "wrong_entity"}
