"""timeline.csv: mentions and documents per entity per publication day, all outlets and per outlet."""

from __future__ import annotations

import csv
import json

from pipeline.io.export import TIMELINE_COLUMNS


def run(tmp_path, records: list[dict]) -> list[dict]:
    import pipeline
    from pipeline.run import run as run_inputs

    source = tmp_path / "feed.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    run_inputs([str(source)], tmp_path / "out", pipeline.load())
    with open(tmp_path / "out" / "timeline.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_counts_per_day_and_outlet(tmp_path):
    rows = run(tmp_path, [
        {"id": "a", "date": "2024-03-01", "text": "المصدر: الجزيرة\nزار ماكرون بيروت. وقال ماكرون إن لبنان بخير."},
        {"id": "b", "date": "2024-03-01", "text": "المصدر: العربية\nوصل ماكرون إلى بيروت."},
        {"id": "c", "date": "2024-03-02", "text": "المصدر: الجزيرة\nغادر ماكرون بيروت."},
        {"id": "d", "text": "زار ماكرون بغداد."},  # no date: not in the timeline
    ])
    assert tuple(rows[0]) == TIMELINE_COLUMNS
    macron = {(r["date"], r["outlet"]): (int(r["n_mentions"]), int(r["n_documents"]))
              for r in rows if r["entity_id"] == "per:emmanuel-macron"}
    assert macron == {("2024-03-01", ""): (3, 2), ("2024-03-01", "الجزيرة"): (2, 1), ("2024-03-01", "العربية"): (1, 1),
                      ("2024-03-02", ""): (1, 1), ("2024-03-02", "الجزيرة"): (1, 1)}
    assert not [r for r in rows if r["entity_id"] == "loc:baghdad"]
    assert {r["name_ar"] for r in rows if r["entity_id"] == "per:emmanuel-macron"} == {"إيمانويل ماكرون"}


def test_the_report_draws_the_timeline(tmp_path):
    from pipeline.report.build import build_report

    run(tmp_path, [{"id": "a", "date": "2024-03-01", "text": "زار ماكرون بيروت."}])
    build_report(tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="fig-timeline"' in page and "weekly" in page
