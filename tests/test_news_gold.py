"""The news gold corpus (data/news_gold): format, conventions, splits, agreement, and the measurement."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner
from conftest import ROOT

from pipeline.gold import agreement, check, consistency_problems, read_gold
from pipeline.lang.arabic import fold, nationality

GOLD_DIR = ROOT / "data" / "news_gold"
SPLITS = ("train", "dev", "test")


@pytest.fixture(scope="module")
def corpus() -> dict:
    return {split: read_gold(GOLD_DIR / f"{split}.jsonl") for split in SPLITS}


def test_the_shipped_corpus_passes_its_checker():
    from pipeline.kb.gazetteer import load_gazetteer

    known = {e.id: e.label for e in load_gazetteer().entries.values()}
    assert check(GOLD_DIR, known) == []


def test_size_splits_and_sources(corpus):
    articles = [a for split in SPLITS for a in corpus[split]]
    assert len(articles) >= 300 and len(corpus["test"]) >= 60 and len(corpus["dev"]) >= 40
    assert sum(len(a.text.split()) for a in articles) >= 80_000
    assert len({a.id for a in articles}) == len(articles)  # no article in two splits
    assert all(a.id.startswith("antcorpus-") for a in articles)  # never SaudiNewsNet (not redistributable)
    assert {a.outlet for a in articles} == {"SkyNews", "Alarabia", "BBC", "CNN", "France24", "JawharaFM"}
    categories = {a.category for a in articles}
    assert {"sport", "economy", "technology", "culture", "society", "middleEast", "internationalNews"} <= categories
    labels = Counter(m.label for a in articles for m in a.mentions)
    assert set(labels) == {"PER", "LOC", "ORG", "MISC", "RES"} and labels["MISC"] >= 200


def test_selection_table_matches_the_files(corpus):
    with open(GOLD_DIR / "selection.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))
    by_split = {split: {a.id for a in corpus[split]} for split in SPLITS}
    assert {split: {r["id"] for r in rows if r["split"] == split} for split in SPLITS} == by_split


def test_reserved_records_are_not_in_the_corpus(corpus, shared_dir):
    reserved = {line.strip() for line in (shared_dir / "corpora/news_unlabeled/RESERVED.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    assert not reserved & {a.id for split in SPLITS for a in corpus[split]}


def test_spans_follow_the_conventions(corpus):
    """Sorted, word-aligned spans (a proclitic run may precede), no title inside a person name."""
    letter = re.compile(r"[^\W_]")
    titles = {"الرئيس", "الشيخ", "الملك", "الأمير", "الدكتور", "السيد", "وزير", "الوزير"}
    for article in (a for split in SPLITS for a in corpus[split]):
        starts = [(m.start, -m.end) for m in article.mentions]
        assert starts == sorted(starts), article.id
        for m in article.mentions:
            assert m.text == m.text.strip() and m.end > m.start
            word_start = m.start
            while word_start > 0 and letter.match(article.text[word_start - 1]):
                word_start -= 1
            assert re.fullmatch(r"[وفبلك]{0,3}\u0640*", article.text[word_start:m.start]), (article.id, m)
            words = m.text.split()
            nickname = len(words) == 2 and nationality(fold(words[1]))  # "الملك المصري" (Mohamed Salah)
            if m.label == "PER" and not nickname:
                assert words[0] not in titles, (article.id, m)


def test_consistency_check_finds_a_string_labeled_two_ways():
    from pipeline.gold import GoldArticle, GoldMention

    a = GoldArticle("a", "x", "زار لبنان", (GoldMention(4, 9, "لبنان", "LOC", "country:lb"),))
    b = GoldArticle("b", "x", "زار لبنان", (GoldMention(4, 9, "لبنان", "ORG", "NIL:x"),))
    assert consistency_problems([a, b]) and not consistency_problems([a, b], {"لبنان": {"LOC", "ORG"}})


def test_agreement_figures_of_the_readme_are_what_the_files_give():
    first = read_gold(GOLD_DIR / "agreement" / "first.jsonl")
    third = read_gold(GOLD_DIR / "agreement" / "third.jsonl")
    both, n_first, n_third = agreement(first, third)["all"]
    f1 = 2 * both / (n_first + n_third)
    assert len(first) >= 30 and f1 >= 0.90
    assert f"{f1:.3f}" in (GOLD_DIR / "README.md").read_text(encoding="utf-8")


def test_gold_check_and_agree_commands(tmp_path):
    from pipeline.cli import main

    runner = CliRunner()
    ok = runner.invoke(main, ["gold", "check", str(GOLD_DIR)])
    assert ok.exit_code == 0 and "0 problem(s)" in ok.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "outlet": "o", "text": "في لبنان", "mentions": [
        {"start": 2, "end": 8, "text": "لبنان", "label": "LOC", "entity": "country:lb"},
        {"start": 3, "end": 8, "text": "لبنان", "label": "GPE", "entity": "country:lb"}]}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    result = runner.invoke(main, ["gold", "check", str(bad)])
    assert result.exit_code == 1 and "text[2:8]" in result.output and "label 'GPE'" in result.output
    agree = runner.invoke(main, ["gold", "agree", str(GOLD_DIR / "agreement" / "first.jsonl"),
                                 str(GOLD_DIR / "agreement" / "second.jsonl")])
    assert agree.exit_code == 0 and re.search(r"all\s+\d+\s+\d+\s+\d+\s+0\.9\d\d", agree.output)


def test_the_measurement_on_a_slice(tmp_path):
    """`mena-ner evaluate --gold` on three dev articles: three systems, exact and relaxed, every label."""
    from pipeline.cli import main

    lines = (GOLD_DIR / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    small = tmp_path / "slice.jsonl"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(main, ["evaluate", "--gold", str(small), "--json", str(out)])
    assert result.exit_code == 0, result.output
    systems = json.loads(out.read_text(encoding="utf-8"))["systems"]
    assert list(systems) == ["stage", "stage, names outside the KB", "model"]
    for scores in systems.values():
        micro = scores["micro"]
        assert micro["gold"] == sum(len(json.loads(line)["mentions"]) for line in lines)
        assert micro["relaxed"]["f1"] >= micro["exact"]["f1"] > 0
    # the stage finds more with the knowledge base than without the gold's entries
    assert systems["stage"]["micro"]["exact"]["recall"] >= systems["stage, names outside the KB"]["micro"]["exact"]["recall"]


def _relink_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("relink_nil", ROOT / "scripts" / "news_gold" / "relink_nil.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nil_links_are_current_with_the_knowledge_base(tmp_path) -> None:
    """No gold NIL link names an entity the KB now holds (scripts/news_gold/relink_nil.py after a KB round)."""
    relink = _relink_module()
    assert relink.english_key("Kylian Mbappé") == relink.english_key("kylian  mbappe") == "kylian mbappe"
    index = relink.kb_by_english_name()
    for split in SPLITS:
        copy = tmp_path / f"{split}.jsonl"
        copy.write_bytes((GOLD_DIR / f"{split}.jsonl").read_bytes())
        assert relink.relink(copy, index) == 0, f"run scripts/news_gold/relink_nil.py on {split}.jsonl"
        assert copy.read_bytes() == (GOLD_DIR / f"{split}.jsonl").read_bytes()  # rewriting keeps the format
