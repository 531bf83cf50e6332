"""The unlabeled news every training step may learn from, and the floret vectors built on it.

Only the Apache-licensed ANT records of ``news_unlabeled`` are read (never ``saudinewsnet:``
records, which are non-commercial); the records listed in its ``RESERVED.txt`` are skipped by id
(never read), and so are the articles of the news gold corpus (``data/news_gold/selection.tsv``),
whose texts are annotated for training and measurement: vectors, language model and
distillation text never see the gold dev and test articles, even unlabeled.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.lang.arabic import CLEAN_TRANSLATION, fold, is_arabic_word
from pipeline.tokenize import TOKEN_RE, Tokenizer

NEWS = "news_unlabeled"
GOLD_SELECTION = Path(__file__).resolve().parents[2] / "data" / "news_gold" / "selection.tsv"


def reserved_ids(corpus: Path | None) -> set[str]:
    """Ids listed in the news corpus folder's ``RESERVED.txt``: kept for independent evaluation, never read."""
    listing = corpus / "RESERVED.txt" if corpus is not None else None
    if listing is None or not listing.is_file():
        return set()
    return {line.strip() for line in listing.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def excluded_ids(corpora: Path) -> set[str]:
    """Reserved records and news gold articles: never learned from."""
    ids = reserved_ids(corpora / NEWS)
    if GOLD_SELECTION.exists():
        ids |= {line.split("\t")[1] for line in GOLD_SELECTION.read_text(encoding="utf-8").splitlines()
                if "\tantcorpus" in line}
    return ids


def news_records(corpora: Path, all_news: bool = False) -> Iterator[dict]:
    """The learnable records, in corpus order."""
    excluded = excluded_ids(corpora)
    for part in sorted((corpora / NEWS).glob("part-*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["id"] in excluded or (not all_news and record["id"].startswith("saudinewsnet:")):
                    continue
                yield record


def paragraph_norms(text: str, tokenizer: Tokenizer) -> Iterator[list[str]]:
    """Folded pipeline tokens (proclitics split off) of each non-empty paragraph."""
    for paragraph in text.translate(CLEAN_TRANSLATION).split("\n"):
        norms = []
        for match in TOKEN_RE.finditer(paragraph):
            word = match.group()
            split = tokenizer.proclitic_split(word) if is_arabic_word(word) else None
            if split is None:
                norms.append(fold(word))
            else:
                norms += [fold(word[:split[0]]), split[1]]
        if norms:
            yield norms


def news_text(corpora: Path, out: Path, tokenizer: Tokenizer, all_news: bool = False) -> tuple[int, int]:
    """One paragraph a line of folded pipeline tokens; returns (articles, tokens)."""
    articles = tokens = 0
    with out.open("w", encoding="utf-8") as sink:
        for record in news_records(corpora, all_news):
            articles += 1
            for norms in paragraph_norms(record["text"], tokenizer):
                sink.write(" ".join(norms) + "\n")
                tokens += len(norms)
    return articles, tokens


def build_vectors(text: Path, out: Path, *, dim: int, bucket: int, epoch: int, threads: int = 1) -> dict:
    """Train floret vectors (cbow, n-grams 3-5, 2 hashes) on ``text``; writes floret's text table."""
    import floret

    started = time.time()
    model = floret.train_unsupervised(
        str(text), model="cbow", mode="floret", hashCount=2, bucket=bucket, minn=3, maxn=5,
        dim=dim, epoch=epoch, thread=threads, minCount=3, verbose=0)
    model.save_floret_vectors(str(out))
    return {"vectors_seconds": round(time.time() - started)}
