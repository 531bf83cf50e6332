"""Words the gold data never tags as a whole entity on their own: ``never_alone.txt`` of the model.

``python -m pipeline.training.lone_words --out models/ner-ar/never_alone.txt`` counts, over the
training sentences (ANERcorp train minus its dev articles, news gold train; model tokens,
folded forms, clitics left out), how often each word occurs and how often it is an entity of
one word by itself. A word seen at least ``MIN_COUNT`` times and an entity alone in at most
``MAX_ALONE_RATE`` of them (قوات، ولاية، محافظة، قانون، المملكة، دونالد) is listed; the NER stage
drops a one-word model mention of a listed word (:class:`pipeline.ner.model.Model`). Measured
on news gold dev (the thresholds were chosen there, never on test): stage exact F1 81.1 -> 82.5,
precision 77.7 -> 80.4, recall unchanged.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pipeline.ner.conll import spans as tag_spans

MIN_COUNT = 5
MAX_ALONE_RATE = 0.02


def alone_counts(sentences: Iterable) -> tuple[Counter, Counter]:
    """Per folded word: occurrences, and occurrences as a one-word entity (IOB2 labels; a clitic
    inside an entity's span does not count as a word of it)."""
    seen: Counter = Counter()
    alone: Counter = Counter()
    for s in sentences:
        seen.update(norm for norm, clitic in zip(s.norms, s.clitic) if not clitic)
        for start, end, _ in tag_spans(s.labels):
            words = [norm for norm, clitic in zip(s.norms[start:end], s.clitic[start:end]) if not clitic]
            if len(words) == 1:
                alone[words[0]] += 1
    return seen, alone


def never_alone(seen: Counter, alone: Counter, min_count: int = MIN_COUNT,
                max_rate: float = MAX_ALONE_RATE) -> list[str]:
    """The listed words, sorted."""
    return sorted(w for w, n in seen.items() if n >= min_count and alone[w] <= max_rate * n and not w.isdigit())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from pipeline.training.teacher import load_data

    _, anercorp_train, _, news_train, _ = load_data(args.corpora)
    words = never_alone(*alone_counts(anercorp_train + news_train))
    header = (f"# folded words seen >= {MIN_COUNT} times in the training sentences and a one-word entity in at most "
              f"{MAX_ALONE_RATE:.0%} of them (python -m pipeline.training.lone_words)\n")
    args.out.write_text(header + "".join(w + "\n" for w in words), encoding="utf-8")
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
