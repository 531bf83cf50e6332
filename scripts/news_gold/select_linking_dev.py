"""Select the 32 articles of the former linking dev set, reproducibly (now the last 32 of the news gold dev split).

Only the Apache-licensed ANT part of ``news_unlabeled`` is read (ids not starting with
``saudinewsnet:``, which may not be shipped). The procedure, also described in
data/news_gold/README.md:

1. pool: outlets SkyNews, Alarabia, BBC, CNN, France24, JawharaFM; categories politic,
   middleEast, internationalNews; 150-500 whitespace words; near-duplicates (same first 200
   letters) dropped, the smallest id kept;
2. the pool, sorted by id, is shuffled with ``random.Random(SEED)``;
3. ambiguity quota: for each target in ``AMBIGUOUS_TARGETS`` (a name that is also a common word
   or names several places, optionally with a word that must also occur, to get both readings
   of طرابلس), the first article in shuffled order that contains it as a word (proclitics
   allowed) and comes from the outlet with the fewest picks so far;
4. surname quota: articles in which a knowledge-base person is named in full and later by the
   surname alone, picked the same way until ``SURNAME_TARGET`` selected articles have one;
5. the rest: the first articles in shuffled order from the outlets with the fewest picks,
   until every outlet has ``PER_OUTLET``;
6. resolution quota, on top of the per-outlet quota (none of the 30 cites a numbered
   resolution): the first ``RESOLUTION_TARGET`` articles in shuffled order, from different
   outlets, that cite a numbered Security Council resolution.

Writes data/news_gold/linking_dev_selection.tsv (id, outlet, category, words, reason) and the annotation
input .cache/linking_dev/articles.jsonl (id, outlet, category, text; the texts ship in data/news_gold/dev.jsonl).
Usage: python scripts/news_gold/select_linking_dev.py [NEWS_DIR]
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "data" / "news_gold"
ARTICLES = ROOT / ".cache" / "linking_dev" / "articles.jsonl"  # only for the historical annotation
SEED = 20250217
OUTLETS = ("SkyNews", "Alarabia", "BBC", "CNN", "France24", "JawharaFM")
CATEGORIES = frozenset({"politic", "middleEast", "internationalNews"})
MIN_WORDS, MAX_WORDS = 150, 500
PER_OUTLET = 5
SURNAME_TARGET = 10
# (name, a word that must also occur or ""): two picks per ambiguous name
AMBIGUOUS_TARGETS = (
    ("طرابلس", "ليبيا"), ("طرابلس", "لبنان"),
    ("عمان", ""), ("عمان", ""),
    ("الجزائر", ""), ("الجزائر", ""),
    ("غزة", ""), ("غزة", ""),
    ("صور", ""), ("صور", ""),
    ("حماة", ""), ("حماة", ""),
    ("الكويت", ""), ("الكويت", ""),
    ("تونس", ""), ("تونس", ""),
)
RESOLUTION_TARGET = 2
NUMBERED_RESOLUTION = re.compile(r"(?<![\w])[وبل]?(?:القرار|قرار|القرارين)(?: [^\s\d]+){0,5} (?:رقم )?\d{3,4}(?!\d)")
ARABIC_LETTERS = re.compile(r"[\u0621-\u064a]+")


def has_word(text: str, name: str) -> bool:
    """``name`` as a whole word, possibly after proclitics (و ف ب ل ك)."""
    return re.search(rf"(?<![\w]){'[وفبلك]{0,2}'}{name}(?![\w])", text) is not None


def kb_people() -> list[tuple[str, str]]:
    """(full name, surname) of knowledge-base people with a two-or-more-word name."""
    out = []
    with open(ROOT / "data" / "gazetteers" / "core" / "people.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            words = row["name_ar"].split()
            if len(words) >= 2 and len(words[-1]) >= 3:
                out.append((row["name_ar"], words[-1]))
    return out


def surname_after_full_name(text: str, people: list[tuple[str, str]]) -> str:
    """A person named in full and later by the surname alone, or ""."""
    for full, surname in people:
        first = text.find(full)
        if first < 0:
            continue
        rest = text[first + len(full):]
        alone = [m for m in re.finditer(rf"(?<![\w])[وفبلك]?{surname}(?![\w])", rest)
                 if not rest[max(0, m.start() - len(full)):m.end()].endswith(full)]
        if alone:
            return full
    return ""


def read_pool(news: Path) -> list[dict]:
    pool, seen = [], set()
    records = []
    for part in sorted(news.glob("part-*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as lines:
            for line in lines:
                r = json.loads(line)
                if r["id"].startswith("saudinewsnet:") or r["outlet"] not in OUTLETS or r["category"] not in CATEGORIES:
                    continue
                if MIN_WORDS <= len(r["text"].split()) <= MAX_WORDS:
                    records.append(r)
    for r in sorted(records, key=lambda r: r["id"]):
        key = "".join(ARABIC_LETTERS.findall(r["text"]))[:200]
        if key not in seen:
            seen.add(key)
            pool.append(r)
    return pool


def main() -> None:
    news = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpora" / "news_unlabeled")
    pool = read_pool(news)
    random.Random(SEED).shuffle(pool)
    people = kb_people()
    chosen: list[tuple[dict, str]] = []
    taken: set[str] = set()
    count = {o: 0 for o in OUTLETS}

    def pick(accept, reason) -> bool:
        """The first accepted article, in shuffled order, of the least-filled outlet that has one."""
        first = {}
        for r in pool:
            if r["id"] not in taken and count[r["outlet"]] < PER_OUTLET and r["outlet"] not in first and accept(r):
                first[r["outlet"]] = r
        if not first:
            return False
        outlet = min(first, key=lambda o: (count[o], OUTLETS.index(o)))
        r = first[outlet]
        taken.add(r["id"])
        count[outlet] += 1
        chosen.append((r, reason(r)))
        return True

    for name, also in AMBIGUOUS_TARGETS:
        pick(lambda r, name=name, also=also: has_word(r["text"], name) and (not also or also in r["text"]),
             lambda r, name=name, also=also: f"ambiguous:{name}" + (f"+{also}" if also else ""))
    while sum(1 for r, _ in chosen if surname_after_full_name(r["text"], people)) < SURNAME_TARGET:
        if not pick(lambda r: bool(surname_after_full_name(r["text"], people)),
                    lambda r: f"surname:{surname_after_full_name(r['text'], people)}"):
            break
    while pick(lambda r: True, lambda r: "fill"):
        pass
    extra_outlets: set[str] = set()
    for r in pool:
        if len(extra_outlets) == RESOLUTION_TARGET:
            break
        if (r["id"] not in taken and r["outlet"] not in extra_outlets and "مجلس الأمن" in r["text"]
                and NUMBERED_RESOLUTION.search(r["text"])):
            taken.add(r["id"])
            extra_outlets.add(r["outlet"])
            count[r["outlet"]] += 1
            chosen.append((r, "resolution:" + NUMBERED_RESOLUTION.search(r["text"]).group(0)))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    chosen.sort(key=lambda rc: (OUTLETS.index(rc[0]["outlet"]), rc[0]["id"]))
    with open(OUT_DIR / "linking_dev_selection.tsv", "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# pool {len(pool)} articles, seed {SEED}; scripts/news_gold/select_linking_dev.py\n")
        out.write("id\toutlet\tcategory\twords\treason\n")
        for r, reason in chosen:
            out.write(f"{r['id']}\t{r['outlet']}\t{r['category']}\t{len(r['text'].split())}\t{reason}\n")
    ARTICLES.parent.mkdir(parents=True, exist_ok=True)
    with open(ARTICLES, "w", encoding="utf-8", newline="\n") as out:
        for r, _ in chosen:
            out.write(json.dumps({k: r[k] for k in ("id", "outlet", "category", "text")}, ensure_ascii=False) + "\n")
    print(f"pool {len(pool)}; selected {len(chosen)}: " + ", ".join(f"{o} {count[o]}" for o in OUTLETS))


if __name__ == "__main__":
    main()
