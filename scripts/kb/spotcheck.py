"""Development aid: count KB surface forms in the shippable (ANT) part of the news corpus and
print the most frequent ones with a few example contexts, to eyeball false matches.

Prints only; nothing it reads is written into the shipped files.

    python scripts/kb/spotcheck.py [--files people.csv organizations.csv] [--top 60] [--examples 2]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import CORE, iter_corpus, normalize, read_rows, split_aliases, token_variants  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", nargs="*", default=["people.csv", "organizations.csv", "countries.csv", "resolutions.csv"])
    ap.add_argument("--top", type=int, default=60)
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--only-aliases", action="store_true")
    ap.add_argument("--match", default="auto")
    args = ap.parse_args()
    forms = {}
    for fn in args.files:
        for r in read_rows(CORE / fn):
            if args.match and r["match"] != args.match:
                continue
            names = split_aliases(r["aliases"]) if args.only_aliases else [r["name_ar"], *split_aliases(r["aliases"])]
            for a in names:
                forms[normalize(a)] = r["id"]
    by_first = defaultdict(set)
    for f in forms:
        by_first[f.split()[0]].add(len(f.split()))
    hits, ex = Counter(), defaultdict(list)
    for _id, _o, _c, text in iter_corpus(shippable_only=True):
        toks = normalize(text).split()
        for j in range(len(toks)):
            for f in token_variants(toks[j]):
                for k in by_first.get(f, ()):
                    form = " ".join([f, *toks[j + 1:j + k]])
                    if form in forms:
                        hits[form] += 1
                        if len(ex[form]) < args.examples:
                            ex[form].append(" ".join(toks[max(0, j - 5):j + k + 5]))
    for form, n in hits.most_common(args.top):
        print(f"{n:6d}  {form}  [{forms[form]}]")
        for e in ex[form]:
            print("          …", e)
    print(f"{len(hits)} of {len(forms)} forms occur in ANT")


if __name__ == "__main__":
    main()
