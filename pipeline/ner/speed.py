"""Words per second of the model stage alone: ``taskset -c 0 python -m pipeline.ner.speed``.

Cleans and tokenizes news articles first (not timed), then times ``Model()(view, [])`` over
them. Words are the pipeline's words (clitic segments not counted). Run it under
``taskset -c 0`` (one core, one BLAS thread); the CPU-time figure is the one to quote when
other work shares the machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=Path("../shared/corpora/news_unlabeled/part-000.jsonl.gz"))
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from pipeline.clean import clean_text
    from pipeline.ner.base import DocView
    from pipeline.ner.model import Model
    from pipeline.tokenize import Tokenizer

    started = time.perf_counter()
    tokenizer = Tokenizer()
    model = Model(args.model, tokenizer)
    load_seconds = time.perf_counter() - started
    from pipeline.training.news import reserved_ids

    reserved = reserved_ids(args.news.parent)
    views = []
    with gzip.open(args.news, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"].startswith("saudinewsnet:") or record["id"] in reserved:
                continue
            for doc in clean_text(record["text"], source=record["id"]):
                views.append(DocView(tokenizer(doc)))
            if len(views) >= args.docs:
                break
    words = sum(v.tdoc.n_words for v in views)
    model(views[0], [])  # warm-up
    best_wall = best_cpu = float("inf")
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for view in views:
            model(view, [])
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    # CPU time is what one core spends; it is the fair figure on a busy machine (wall >= CPU).
    print(f"model load: {load_seconds:.2f} s; {len(views)} documents, {words} words; best of {args.repeat} runs: "
          f"{words / best_cpu:,.0f} words per CPU-second ({best_cpu:.2f} s CPU), "
          f"{words / best_wall:,.0f} words/s wall ({best_wall:.2f} s)")


if __name__ == "__main__":
    main()
