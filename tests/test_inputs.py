"""Input formats: records, archives, stdin, and the offset base of each."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

ARTICLE = "قال رئيس الحكومة نجيب ميقاتي إن لبنان ملتزم بالقرار 1701."


def run(args, stdin=None):
    result = CliRunner().invoke(main, ["run", *args, "--no-progress"], input=stdin)
    assert result.exit_code == 0, result.output
    return result


def table(out: Path, name: str) -> list[dict[str, str]]:
    with open(out / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def check_record_offsets(out: Path, texts: dict[str, str]):
    """For records, offsets index the record's text field (texts: doc locator -> text)."""
    mentions = table(out, "mentions")
    assert mentions
    docs = {d["doc_id"]: d for d in table(out, "documents")}
    for row in mentions:
        locator = docs[row["doc_id"]]["locator"]
        assert texts[locator][int(row["start"]):int(row["end"])] == row["text"]


def test_jsonl_records_with_field_options(tmp_path):
    records = [{"uid": "a1", "body": ARTICLE, "headline": "عنوان", "when": "27 يناير 2024"},
               {"uid": "a2", "body": "زار غوتيريش الناقورة."},
               {"uid": "a3", "nobody": "x"}]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out"
    run([str(path), "--out", str(out), "--text-field", "body", "--id-field", "uid", "--title-field", "headline",
         "--date-field", "when"])
    docs = table(out, "documents")
    assert [(d["doc_id"], d["status"]) for d in docs] == [
        (f"{path}!a1#1", "ok"), (f"{path}!a2#1", "ok"), (f"{path}!a3#1", "error"), (f"{path}!line:4#1", "error")]
    assert docs[0]["title"] == "عنوان" and docs[0]["published"] == "2024-01-27"
    assert "no text field 'body'" in docs[2]["error"] and "invalid JSON" in docs[3]["error"]
    check_record_offsets(out, {"a1": ARTICLE, "a2": records[1]["body"]})


def test_json_csv_tsv_and_gz(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"id": "j1", "text": ARTICLE}], ensure_ascii=False), encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["id", "text"])
    writer.writeheader()
    writer.writerow({"id": "c1", "text": ARTICLE + "\nسطر, بفاصلة"})
    (tmp_path / "b.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (tmp_path / "c.tsv").write_text("id\ttext\nt1\t" + ARTICLE + "\n", encoding="utf-8")
    (tmp_path / "d.txt.gz").write_bytes(gzip.compress(ARTICLE.encode("cp1256")))
    out = tmp_path / "out"
    run([str(tmp_path), "--out", str(out)])
    docs = {Path(d["source"]).name + "!" + d["locator"]: d for d in table(out, "documents")}
    assert {k: d["status"] for k, d in docs.items()} == {"a.json!j1": "ok", "b.csv!c1": "ok", "c.tsv!t1": "ok", "d.txt.gz!": "ok"}
    assert docs["d.txt.gz!"]["encoding"] == "cp1256"
    for name in ("a.json!j1", "b.csv!c1", "c.tsv!t1", "d.txt.gz!"):
        assert int(docs[name]["n_mentions"]) >= 2, name


def test_zip_archive_members_and_nested_records(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("2024/one.txt", ARTICLE)
        archive.writestr("2024/two.html", f"<html><body><p>{ARTICLE}</p></body></html>")
        archive.writestr("feed.jsonl", json.dumps({"id": "r1", "text": ARTICLE}, ensure_ascii=False))
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
        archive.writestr("__MACOSX/._one.txt", b"junk")
    out = tmp_path / "out"
    run([str(path), "--out", str(out)])
    docs = {d["locator"]: d for d in table(out, "documents")}
    assert {k: d["status"] for k, d in docs.items()} == {
        "2024/one.txt": "ok", "2024/two.html": "ok", "feed.jsonl!r1": "ok", "photo.jpg": "skipped"}
    member_text = ARTICLE
    for row in table(out, "mentions"):
        if row["doc_id"].startswith(f"{path}!2024/one.txt"):
            assert member_text[int(row["start"]):int(row["end"])] == row["text"]


def test_stdin_text_and_jsonl(tmp_path):
    out = tmp_path / "out"
    run(["-", "--out", str(out)], stdin=ARTICLE.encode("utf-8"))
    assert [d["doc_id"] for d in table(out, "documents")] == ["-#1"]
    run(["-", "--out", str(out)], stdin=json.dumps({"id": "s1", "text": ARTICLE}, ensure_ascii=False).encode())
    assert [d["doc_id"] for d in table(out, "documents")] == ["-!s1#1"]
