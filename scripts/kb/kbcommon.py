"""Shared helpers for the knowledge-base build scripts (scripts/kb/).

Nothing here is imported by the pipeline; these scripts only (re)build the CSV files in
data/gazetteers/core/.  The normalisation below mirrors the rules documented in
data/gazetteers/README.md so that variant de-duplication and corpus counts agree with the
matcher: diacritics and tatweel removed, alef/hamza forms folded, ى→ي, ة→ه, Persian ی/ک folded.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "data" / "gazetteers" / "core"
KB = Path(__file__).resolve().parent
CURATED = KB / "curated"
SOURCES = KB / "sources"

COLUMNS = ["id", "label", "name_ar", "name_en", "aliases", "wikidata", "geonames",
           "latitude", "longitude", "country", "population", "type", "match", "source", "notes"]

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ي": "ي",
    "ک": "ك", "ۀ": "ه", "ە": "ه", "\u200c": " ", "\u200d": "", "\u200e": "", "\u200f": "",
    "ـ": "",
})
ARABIC_RE = re.compile("[\u0600-\u06ff]")
TOKEN_RE = re.compile(r"[\u0621-\u064a\u0660-\u0669\u0671-\u06d3A-Za-z0-9]+")


def normalize(text: str) -> str:
    """Normalise Arabic text the way the matcher does (no prefix stripping)."""
    text = unicodedata.normalize("NFC", text)
    text = _DIACRITICS.sub("", text)
    text = text.translate(_FOLD)
    text = text.replace("-", " ").replace("–", " ").replace("_", " ")
    return " ".join(TOKEN_RE.findall(text))


# attached prefixes the matcher strips (README: و ف ب ل ك, وال بال لل ...)
_PREFIXES = sorted({"و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك"}, key=len, reverse=True)


def token_variants(tok: str) -> list[str]:
    """The token and its prefix-stripped readings (ordered, unique)."""
    out = [tok]
    for p in _PREFIXES:
        if tok.startswith(p) and len(tok) - len(p) >= 2:
            rest = tok[len(p):]
            out.append(rest)
            if p.endswith("ل") and rest.startswith("ل"):  # لل → ال
                out.append("ا" + rest)
    if tok.startswith("لل") and len(tok) > 3:
        out.append("ال" + tok[2:])
    seen, res = set(), []
    for t in out:
        if t not in seen:
            seen.add(t)
            res.append(t)
    return res


def iter_corpus(path_glob: str = "/work/shared/corpora/news_unlabeled/*.jsonl.gz", shippable_only: bool = True):
    """Yield (id, outlet, category, text) of the records the KB may be built from.

    Never a record listed in the corpus's ``RESERVED.txt`` (kept for independent evaluation: only
    the id list is read) nor an article of the news gold corpus (``data/news_gold/selection.tsv``:
    the "names outside the KB" figure must not see its articles through the KB). ``shippable_only``
    (the default) also drops SaudiNewsNet (CC BY-NC-SA: nothing derived from it may ship)."""
    import glob
    excluded = excluded_ids(Path(path_glob).parent)
    for fn in sorted(glob.glob(path_glob)):
        with gzip.open(fn, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] in excluded or (shippable_only and rec["id"].startswith("saudinewsnet:")):
                    continue
                yield rec["id"], rec["outlet"], rec["category"], rec["text"]


def excluded_ids(corpus_folder: Path) -> set[str]:
    """Ids of the reserved records and of the news gold articles."""
    ids: set[str] = set()
    reserved = corpus_folder / "RESERVED.txt"
    if reserved.exists():
        ids |= {line.strip() for line in reserved.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}
    selection = Path(__file__).resolve().parents[2] / "data" / "news_gold" / "selection.tsv"
    if selection.exists():
        ids |= {line.split("\t")[1] for line in selection.read_text(encoding="utf-8").splitlines()
                if "\tantcorpus" in line}
    return ids


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


def write_rows(path: Path, rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda r: r["id"])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({c: ("" if r.get(c) is None else str(r.get(c))) for c in COLUMNS})
    path.write_text(buf.getvalue(), encoding="utf-8")


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return re.sub(r"-{2,}", "-", text)


def split_aliases(s: str) -> list[str]:
    return [a.strip() for a in (s or "").split("|") if a.strip()]


def dedupe_names(names, exclude=()):
    """Keep the first spelling of each normalised form; drop forms equal to anything in exclude."""
    seen = {normalize(x) for x in exclude}
    out = []
    for n in names:
        n = re.sub(r"\s+", " ", n).strip()
        k = normalize(n)
        if not n or not k or k in seen:
            continue
        seen.add(k)
        out.append(n)
    return out
