"""Count how often every candidate surface form occurs in the unlabeled news corpus.

Writes scripts/kb/sources/name_counts.csv (normalised form, count, count after a place cue such
as في/مدينة/محافظة), which the build scripts read to pick the most used spelling among variants
and to flag place names that are mostly common words. Only numbers are stored. Counted over the
ANT records only (never SaudiNewsNet, CC BY-NC-SA; never a record of RESERVED.txt; never a news
gold article: see kbcommon.iter_corpus).

    python scripts/kb/name_counts.py [--corpus '/work/shared/corpora/news_unlabeled/*.jsonl.gz']
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import CURATED, SOURCES, iter_corpus, normalize, read_rows, split_aliases, token_variants  # noqa: E402

# words that introduce a place name (and rarely a common noun); generic prepositions such as في/من
# are left out on purpose: "في إطار" (within the framework) would make إطار look like a place.
CUES = {"مدينه", "بلده", "قريه", "محافظه", "ولايه", "منطقه", "مخيم", "قضاء", "ناحيه", "ريف", "ضواحي",
        "حي", "عاصمه", "بمدينه", "لمدينه", "ومدينه", "بلدات", "مدن", "قري", "شمال", "جنوب", "شرق", "غرب",
        "شمالي", "جنوبي", "شرقي", "غربي", "قرب", "اطراف", "مشارف", "محيط", "بلدتي", "مدينتي", "بلديه"}


def candidate_forms() -> set[str]:
    forms: set[str] = set()
    from geo import article_variants, selected_cities
    for _c, names, _scope, _cap in selected_cities():
        for n in names:
            forms.update(normalize(v) for v in article_variants(n))
    import babel
    from babel import Locale
    for loc in ["ar"] + [n for n in babel.localedata.locale_identifiers() if n.startswith("ar_")]:
        forms.update(normalize(v) for v in Locale.parse(loc).territories.values())
    for fn in sorted(CURATED.glob("*.csv")):
        for r in read_rows(fn):
            for col in ("name_ar", "aliases"):
                for a in split_aliases(r.get(col, "")):
                    forms.add(normalize(a))
    for fn in sorted(SOURCES.glob("everypolitician_*.csv")):
        for r in read_rows(fn):
            if r.get("name_ar"):
                forms.add(normalize(r["name_ar"]))
    return {f for f in forms if f}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/corpora/news_unlabeled/*.jsonl.gz")
    ap.add_argument("--out", default=str(SOURCES / "name_counts.csv"))
    args = ap.parse_args()
    forms = candidate_forms()
    by_first: dict[str, set[int]] = defaultdict(set)
    for f in forms:
        toks = f.split()
        by_first[toks[0]].add(len(toks))
    counts = {f: [0, 0] for f in forms}
    for i, (_rid, _o, _c, text) in enumerate(iter_corpus(args.corpus)):
        toks = normalize(text).split()
        n = len(toks)
        for j in range(n):
            for f in token_variants(toks[j]):
                lens = by_first.get(f)
                if not lens:
                    continue
                for k in lens:
                    if j + k > n:
                        continue
                    form = f if k == 1 else f + " " + " ".join(toks[j + 1:j + k])
                    c = counts.get(form)
                    if c is None:
                        continue
                    c[0] += 1
                    if j > 0 and any(v in CUES for v in token_variants(toks[j - 1])):
                        c[1] += 1
        if i % 20000 == 0:
            print(i, file=sys.stderr)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["form", "count", "after_place_cue"])
        for f in sorted(forms):
            if any(counts[f]):
                w.writerow([f, *counts[f]])
    print(f"{len(forms)} forms, {sum(1 for f in forms if any(counts[f]))} attested")


def load_counts(path: Path = SOURCES / "name_counts.csv") -> dict[str, tuple[int, int]]:
    """form -> (count, count after a place cue)."""
    if not path.exists():
        return {}
    return {r["form"]: (int(r["count"]), int(r["after_place_cue"])) for r in read_rows(path)}


if __name__ == "__main__":
    main()
