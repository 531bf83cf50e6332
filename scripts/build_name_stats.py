"""Build data/lexicon/name_stats.tsv.gz: how often each folded word is part of a person name.

Counts come from gold NER corpora in ../shared/corpora: WikiFANEGold and AQMAR (CC BY-SA 3.0)
and the ANERcorp CAMeL Lab *train* split only (never test). The title rules use the ratio
person/total to tell a name ("محمد", "غوتيريش") from a common word after a title
("رئيس الحكومة استقبل ..."). Usage: python scripts/build_name_stats.py [CORPORA_DIR] [OUT]
"""

from __future__ import annotations

import collections
import gzip
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.lang.arabic import fold, is_arabic_word  # noqa: E402
from pipeline.ner.conll import read_conll  # noqa: E402
from pipeline.tokenize import Tokenizer  # noqa: E402

MIN_TOTAL = 2


def corpus_files(root: Path) -> list[Path]:
    return [
        root / "ANERcorp-CamelLabSplits" / "ANERCorp_CamelLab_train.txt",
        root / "WikiFANE_2014_Gold_standard" / "WikiFANE_Gold_2014_500K.txt",
        *sorted((root / "AQMAR").glob("*.txt")),
    ]


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "data/lexicon/name_stats.tsv.gz")
    tokenizer = Tokenizer()
    person: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for path in corpus_files(root):
        for sentence in read_conll(path):
            for token, tag in sentence:
                if not is_arabic_word(token):
                    continue
                split = tokenizer.proclitic_split(token)
                norm = split[1] if split else fold(token)
                total[norm] += 1
                if tag.endswith("-PER"):
                    person[norm] += 1
    rows = sorted((w, person[w], n) for w, n in total.items() if n >= MIN_TOTAL or person[w])
    with gzip.GzipFile(out, "wb", mtime=0) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as sink:
        sink.write("# word\tperson\ttotal — WikiFANEGold + AQMAR (CC BY-SA 3.0) + ANERcorp train\n")
        for word, per, n in rows:
            sink.write(f"{word}\t{per}\t{n}\n")
    print(f"{len(rows)} words -> {out}")


if __name__ == "__main__":
    main()
