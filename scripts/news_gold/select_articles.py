"""Select the articles of the in-domain news gold corpus (data/news_gold/), reproducibly.

Reads only the Apache-licensed ANT part of ``news_unlabeled`` (ids not starting with
``saudinewsnet:``), never a record listed in its ``RESERVED.txt`` (filtered by id, unread), and
no article of the former linking dev set (``data/news_gold/linking_dev_selection.tsv``) or a near-duplicate of one.
The procedure, also described in data/news_gold/README.md:

1. pool: every ANT outlet and category; 80-700 whitespace words; at least half the letters
   Arabic; near-duplicates (same first 200 Arabic letters) dropped, the smallest id kept;
2. the pool, sorted by id, is shuffled with ``random.Random(SEED)``;
3. year quota: for every publication year in the pool (from the id's date), the first
   ``PER_YEAR`` articles of that year in shuffled order;
4. cell quota: every (outlet, category) cell gets ``MIN_PER_CELL`` articles, then the remaining
   places up to ``TOTAL`` go to cells in proportion to the square root of their pool size,
   politics-type categories (politic, middleEast, internationalNews, localNews) counted twice:
   the users' news is mostly politics, but a pipeline meets every section;
5. splits, by article: within each cell, in shuffled order, articles are dealt to test, dev and
   train in the ratio 20:15:65 (largest remainder first), so every split has every cell;
6. double annotation: the first ``DOUBLE`` articles in shuffled order, at most one per cell,
   are annotated a second time, independently (agreement in the README);
7. the 32 articles of the linking dev set are appended, in its order, to the dev split: the
   linking dev set is folded into this corpus (re-annotated to this guideline, MISC added).

Writes data/news_gold/selection.tsv (n, id, outlet, category, year, words, split, double) and
the annotation input .cache/news_gold/articles.jsonl (the texts then ship in the split files).
Usage: python scripts/news_gold/select_articles.py [NEWS_DIR]
"""

from __future__ import annotations

import gzip
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "data" / "news_gold"
ARTICLES = ROOT / ".cache" / "news_gold" / "articles.jsonl"
LINKING_DEV = ROOT / "data" / "news_gold" / "linking_dev_selection.tsv"
SEED = 20261201
TOTAL = 330
MIN_PER_CELL = 4
PER_YEAR = 3
DOUBLE = 32
MIN_WORDS, MAX_WORDS = 80, 700
POLITICS = frozenset({"politic", "middleEast", "internationalNews", "localNews"})
SPLIT_SHARES = (("test", 20), ("dev", 15), ("train", 65))
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
DATE = re.compile(r"-(\d{8})$")


def publication_year(record_id: str) -> int:
    """The year of the id's date, ``YYYYMMDD`` (most ids) or ``DDMMYYYY`` (some Jawhara FM ids): the
    reading with a month 01-12 and a year 2010-2019 (the corpus' span); 0 if neither fits."""
    found = DATE.search(record_id)
    if not found:
        return 0
    d = found.group(1)
    for year, month in ((d[:4], d[4:6]), (d[4:], d[2:4])):
        if 2010 <= int(year) <= 2019 and 1 <= int(month) <= 12:
            return int(year)
    return 0


def near_duplicate_key(text: str) -> str:
    return "".join(ARABIC_LETTER.findall(text))[:200]


def reserved_ids(news: Path) -> set[str]:
    with open(news / "RESERVED.txt", encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def linking_dev_ids() -> list[str]:
    with open(LINKING_DEV, encoding="utf-8") as f:
        return [line.split("\t")[0] for line in f if line.startswith("antcorpus")]


def read_linking_dev(news: Path) -> list[dict]:
    """The linking dev set's articles, in its order (step 7)."""
    wanted = linking_dev_ids()
    found = {}
    for part in sorted(news.glob("part-*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as lines:
            for line in lines:
                if any(f'"{i}"' in line for i in wanted):
                    r = json.loads(line)
                    if r["id"] in wanted:
                        found[r["id"]] = r
    return [found[i] for i in wanted]


def read_pool(news: Path) -> list[dict]:
    """Eligible ANT records, one per near-duplicate group, sorted by id.

    Reserved records are skipped by id before their text is looked at; the linking dev set's
    articles are skipped with their near-duplicates.
    """
    reserved, dev = reserved_ids(news), set(linking_dev_ids())
    records, taken_keys = [], set()
    for part in sorted(news.glob("part-*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as lines:
            for line in lines:
                r = json.loads(line)
                if r["id"].startswith("saudinewsnet:") or r["id"] in reserved:
                    continue
                if r["id"] in dev:
                    taken_keys.add(near_duplicate_key(r["text"]))
                    continue
                words = len(r["text"].split())
                letters = sum(1 for ch in r["text"] if ch.isalpha())
                if MIN_WORDS <= words <= MAX_WORDS and len(ARABIC_LETTER.findall(r["text"])) * 2 >= letters:
                    records.append(r)
    pool = []
    for r in sorted(records, key=lambda r: r["id"]):
        key = near_duplicate_key(r["text"])
        if key not in taken_keys:
            taken_keys.add(key)
            pool.append(r)
    return pool


def cell(r: dict) -> tuple[str, str]:
    return r["outlet"], r["category"]


def cell_targets(pool: list[dict], already: Counter) -> dict[tuple[str, str], int]:
    """How many articles each (outlet, category) cell gets in all (step 4)."""
    sizes = Counter(cell(r) for r in pool)
    targets = {c: max(MIN_PER_CELL, already[c]) for c in sizes}
    weights = {c: math.sqrt(n) * (2 if c[1] in POLITICS else 1) for c, n in sizes.items()}
    remaining = TOTAL - sum(targets.values())
    total_weight = sum(weights.values())
    shares = {c: remaining * w / total_weight for c, w in weights.items()}
    for c in sizes:
        targets[c] += int(shares[c])
    leftover = TOTAL - sum(targets.values())
    for c in sorted(sizes, key=lambda c: (-(shares[c] - int(shares[c])), c))[:max(leftover, 0)]:
        targets[c] += 1
    return {c: min(t, sizes[c]) for c, t in targets.items()}


def select(pool: list[dict]) -> list[tuple[dict, str]]:
    """(article, reason) in shuffled order: year quota first, then cell quotas."""
    chosen: list[tuple[dict, str]] = []
    taken: set[str] = set()
    for year in sorted({publication_year(r["id"]) for r in pool}):
        for r in [r for r in pool if publication_year(r["id"]) == year][:PER_YEAR]:
            chosen.append((r, f"year:{year}"))
            taken.add(r["id"])
    targets = cell_targets(pool, Counter(cell(r) for r, _ in chosen))
    have = Counter(cell(r) for r, _ in chosen)
    for r in pool:
        if r["id"] not in taken and have[cell(r)] < targets[cell(r)]:
            chosen.append((r, "cell"))
            taken.add(r["id"])
            have[cell(r)] += 1
    order = {r["id"]: i for i, r in enumerate(pool)}
    return sorted(chosen, key=lambda rc: order[rc[0]["id"]])


def deal_splits(chosen: list[tuple[dict, str]]) -> dict[str, str]:
    """Split of every article: within each cell, in shuffled order, by largest remainder (step 5)."""
    by_cell: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r, _ in chosen:
        by_cell[cell(r)].append(r)
    total_share = sum(share for _, share in SPLIT_SHARES)
    split_of = {}
    for members in by_cell.values():
        dealt = Counter()
        for i, r in enumerate(members, 1):
            # the split furthest below its share after i articles gets the next one
            name = max(SPLIT_SHARES, key=lambda s: (i * s[1] / total_share - dealt[s[0]], s[1]))[0]
            dealt[name] += 1
            split_of[r["id"]] = name
    return split_of


def pick_double(chosen: list[tuple[dict, str]]) -> set[str]:
    """The first DOUBLE articles in shuffled order, at most one per cell (step 6)."""
    picked, cells = set(), set()
    for r, _ in chosen:
        if len(picked) < DOUBLE and cell(r) not in cells:
            picked.add(r["id"])
            cells.add(cell(r))
    for r, _ in chosen:  # fewer cells than DOUBLE: fill in shuffled order
        if len(picked) < DOUBLE:
            picked.add(r["id"])
    return picked


def main() -> None:
    news = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpora" / "news_unlabeled")
    pool = read_pool(news)
    random.Random(SEED).shuffle(pool)
    chosen = select(pool)
    split_of = deal_splits(chosen)
    double = pick_double(chosen)
    for r in read_linking_dev(news):
        chosen.append((r, "linking_dev"))
        split_of[r["id"]] = "dev"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / "selection.tsv", "w", encoding="utf-8", newline="\n") as out:
        out.write(f"# pool {len(pool)} articles, seed {SEED}; scripts/news_gold/select_articles.py\n")
        out.write("n\tid\toutlet\tcategory\tyear\twords\tsplit\tdouble\treason\n")
        for n, (r, reason) in enumerate(chosen):
            out.write(f"{n}\t{r['id']}\t{r['outlet']}\t{r['category']}\t{publication_year(r['id'])}\t"
                      f"{len(r['text'].split())}\t{split_of[r['id']]}\t{int(r['id'] in double)}\t{reason}\n")
    ARTICLES.parent.mkdir(parents=True, exist_ok=True)
    with open(ARTICLES, "w", encoding="utf-8", newline="\n") as out:
        for r, _ in chosen:
            out.write(json.dumps({k: r[k] for k in ("id", "outlet", "category", "text")}, ensure_ascii=False) + "\n")
    words = sum(len(r["text"].split()) for r, _ in chosen)
    splits = Counter(split_of.values())
    print(f"pool {len(pool)}; selected {len(chosen)} articles, {words} words; "
          + ", ".join(f"{s} {splits[s]}" for s, _ in SPLIT_SHARES) + f"; double {len(double)}")


if __name__ == "__main__":
    main()
