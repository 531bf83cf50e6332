"""Count normalised n-grams (n=1..4) in the unlabeled news corpus, for choosing and checking aliases.

Used only at build time, never shipped: the output is a pickle in a cache folder. Counts are
kept apart for the shippable part (ANT corpora) and SaudiNewsNet (CC BY-NC-SA: only counted,
nothing copied from it). The first token of each n-gram is also counted under its
prefix-stripped readings (و ف ب ل ك ...), as the matcher strips those prefixes.

    python scripts/kb/corpus_counts.py [--out /tmp/kb_counts.pkl]
"""
from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import iter_corpus, normalize, token_variants  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/kb_counts.pkl")
    ap.add_argument("--max-n", type=int, default=4)
    args = ap.parse_args()
    counts = {"ant": Counter(), "snn": Counter()}
    docs = {"ant": 0, "snn": 0}
    for i, (rid, _outlet, _cat, text) in enumerate(iter_corpus()):
        part = "snn" if rid.startswith("saudinewsnet:") else "ant"
        docs[part] += 1
        toks = normalize(text).split()
        c = counts[part]
        n = len(toks)
        for j in range(n):
            firsts = token_variants(toks[j])
            for k in range(1, args.max_n + 1):
                if j + k > n:
                    break
                rest = " ".join(toks[j + 1:j + k])
                for f in firsts:
                    c[f + (" " + rest if rest else "")] += 1
        if i % 10000 == 0:
            print(i, file=sys.stderr)
    for part in counts:  # drop hapaxes of length > 1 to keep the pickle small
        counts[part] = Counter({k: v for k, v in counts[part].items() if v > 1 or " " not in k})
    with open(args.out, "wb") as fh:
        pickle.dump({"counts": counts, "docs": docs}, fh)
    print(docs, {k: len(v) for k, v in counts.items()})


if __name__ == "__main__":
    main()
