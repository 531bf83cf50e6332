"""Build data/lexicon/word_counts.tsv.gz: folded Arabic word frequencies from the ANT news corpus.

The tokenizer uses these counts to decide whether a leading و ف ب ل ك is a proclitic
("وحماس" -> و + حماس) or part of the word ("وليد", "بغداد"). Only the Apache-licensed ANT
records (ids not starting with ``saudinewsnet:``) are read, so the shipped file may be
redistributed, and never a record reserved for evaluation or an article of the news gold corpus
(:func:`pipeline.training.news.news_records`). Usage: python scripts/build_lexicon.py [CORPORA] [OUT]
"""

from __future__ import annotations

import collections
import gzip
import sys
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.lang.arabic import fold  # noqa: E402
from pipeline.training.news import news_records  # noqa: E402

WORD = regex.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]+")
MIN_COUNT = 3


def main() -> None:
    corpora = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "data/lexicon/word_counts.tsv.gz")
    counts: collections.Counter[str] = collections.Counter()
    articles = 0
    for record in news_records(corpora):
        articles += 1
        counts.update(WORD.findall(fold(record["text"])))
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = sorted(((w, c) for w, c in counts.items() if c >= MIN_COUNT), key=lambda wc: (-wc[1], wc[0]))
    with gzip.GzipFile(out, "wb", mtime=0) as raw, open_text(raw) as sink:
        sink.write(f"# folded word counts from {articles} ANT corpus articles (Apache-2.0, cite Chouigui et al. 2017)\n")
        for word, count in kept:
            sink.write(f"{word}\t{count}\n")
    print(f"{articles} articles, {len(counts)} word types, {len(kept)} kept (count >= {MIN_COUNT}) -> {out}")


def open_text(raw):
    import io

    return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main()
