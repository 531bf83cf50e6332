"""``make bench``: throughput, start-up time, peak memory and multi-core speed-up on real news.

The sample is the first N articles of the unlabeled news corpus (``../shared/corpora/
news_unlabeled``, read in part order) or, where that folder is absent, of the bundled
``data/bench/news_sample.jsonl.gz`` (ANT Corpus articles only, see ``data/bench/README.md``).

Every measurement runs in a fresh subprocess, so start-up is real and peak memory (maximum
resident set size, of the process and of its forked workers) belongs to that run alone:

- start-up: ``python -c "import pipeline; pipeline.load()"`` (interpreter, imports,
  gazetteers, lexicon, model), best of three;
- one worker, with ``Analyzer.time_stages()`` (two clock reads per stage call): seconds in read
  (inputs -> work units), clean, tokenize, ner, link, export (rows), write (output folder); a
  stage's words/s is the sample's words divided by that stage's seconds;
- end to end: that run, and ``run()`` with 2 workers; words/s counts words analyzed (the
  ``n_tokens`` of documents.csv: tokens without split-off proclitics) over the run's wall time,
  after start-up. "per CPU s" divides by the CPU time the run used instead (all processes),
  which is what one core does when the machine is shared with other jobs.

Run ``python -m pipeline.bench --help`` for the options.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT.parent / "shared" / "corpora" / "news_unlabeled"
BUNDLED_SAMPLE = ROOT / "data" / "bench" / "news_sample.jsonl.gz"
STAGES = ("read", "clean", "tokenize", "ner", "link", "export", "write")
TARGETS = {"words_per_s": 8000, "startup_s": 3.0, "peak_mb": 1024, "speedup": 1.8}  # issue "NER model v2"


def corpus_files(corpus: Path | None) -> tuple[list[Path], str]:
    """The JSONL(.gz) files to take articles from, in order, and a label for the report."""
    if corpus is not None and corpus.is_dir():
        files = sorted(corpus.glob("*.jsonl.gz")) + sorted(corpus.glob("*.jsonl"))
        if files:
            return files, str(corpus)
    return [BUNDLED_SAMPLE], f"{BUNDLED_SAMPLE.relative_to(ROOT)} (bundled; {CORPUS_DIR} not found)"


def _record_id(line: bytes) -> str:
    try:
        return str(json.loads(line).get("id", ""))
    except (ValueError, AttributeError):
        return ""


def write_sample(files: list[Path], articles: int, target: Path, skip: frozenset[str] | set[str] = frozenset()) -> int:
    """Copy the first ``articles`` JSONL lines of ``files`` into ``target``, leaving out the
    records whose id is in ``skip``; returns how many."""
    written = 0
    with open(target, "wb") as out:
        for path in files:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as lines:
                for line in lines:
                    if written >= articles:
                        return written
                    if line.strip() and not (skip and _record_id(line) in skip):
                        out.write(line if line.endswith(b"\n") else line + b"\n")
                        written += 1
    return written


def measure(inputs: list[str], out: str, workers: int, timings: bool, engine: str = "local") -> dict:
    """One run in this process (called in a fresh subprocess by :func:`main`)."""
    started = time.perf_counter()
    from pipeline.api import load
    from pipeline.run import RunOptions, run

    nlp = load()
    loaded = time.perf_counter()
    times = nlp.time_stages() if timings else None
    summary = run(inputs, out, nlp, RunOptions(workers=workers, engine=engine))
    finished = time.perf_counter()
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "workers": workers, "engine": engine, "documents": summary.documents, "words": summary.analyzed_words,
        "startup_s": loaded - started, "run_s": finished - loaded,
        "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "peak_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024, "stages": dict(times or {}),
    }


def _subprocess(args: list[str]) -> dict:
    command = [sys.executable, "-m", "pipeline.bench", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def startup_seconds(repeats: int = 3) -> float:
    """Wall time of a fresh interpreter that imports the package and loads every resource."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pipeline; pipeline.load()"], cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def report(sample: str, startup: float, staged: dict, runs: list[dict]) -> list[str]:
    words, documents = staged["words"], staged["documents"]
    lines = [f"sample: {documents:,} documents, {words:,} words, from {sample}",
             f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", "",
             "| stage | seconds | words/s | documents/s |", "|---|---:|---:|---:|"]
    for stage in STAGES:
        seconds = staged["stages"].get(stage, 0.0)
        rates = [f"{n / seconds:,.0f}" if seconds else "-" for n in (words, documents)]
        lines.append(f"| {stage} | {seconds:.2f} | {rates[0]} | {rates[1]} |")
    total = sum(staged["stages"].get(s, 0.0) for s in STAGES)
    lines.append(f"| (sum of stages) | {total:.2f} | {words / total:,.0f} | {documents / total:,.0f} |" if total else "")
    lines += ["", "| run | wall s | words/s | documents/s | words per CPU s | cores busy | peak memory |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        lines.append(f"| {r['engine']}, {r['workers']} worker{'s' if r['workers'] > 1 else ''} | {r['run_s']:.2f} | "
                     f"{r['words'] / r['run_s']:,.0f} | {r['documents'] / r['run_s']:,.1f} | "
                     f"{r['words'] / r['cpu_s']:,.0f} | {r['cpu_s'] / (r['startup_s'] + r['run_s']):.2f} | "
                     f"{r['peak_mb']:,.0f} MB |")
    one = next((r for r in runs if r["workers"] == 1), None)
    two = next((r for r in runs if r["workers"] == 2 and r["engine"] == "local"), None)
    lines += ["", f"start-up (fresh interpreter, imports + resources): {startup:.2f} s "
                  f"(target < {TARGETS['startup_s']:.0f} s)"]
    if one:
        lines.append(f"end to end, 1 worker: {one['words'] / one['run_s']:,.0f} words/s, "
                     f"{one['documents'] / one['run_s']:,.1f} documents/s (target >= {TARGETS['words_per_s']:,} words/s)")
        peak = max(r["peak_mb"] for r in runs + [staged])
        lines.append(f"peak memory: {peak:,.0f} MB (target < {TARGETS['peak_mb']:,} MB)")
    if one and two:
        lines.append(f"speed-up of 2 workers over 1: {one['run_s'] / two['run_s']:.2f}x (target >= {TARGETS['speedup']}x; "
                     f"it needs 2 idle cores: see 'cores busy' and the load average)")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000,
                        help="how many articles (default 1000; 0: every file of the corpus, read as it is)")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help=f"corpus folder (default {CORPUS_DIR})")
    parser.add_argument("--no-workers", action="store_true", help="skip the 2-worker run")
    parser.add_argument("--dask", action="store_true", help="also run --engine dask with a local cluster of 2 workers")
    parser.add_argument("--keep", type=Path, help="keep the sample and the tables in this folder")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    sub = parser.add_argument_group("internal (one measured run, in a subprocess)")
    sub.add_argument("--measure", nargs="+", metavar="INPUT", help=argparse.SUPPRESS)
    sub.add_argument("--out", help=argparse.SUPPRESS)
    sub.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    sub.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    sub.add_argument("--timings", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.out, args.workers, args.timings, args.engine)))
        return

    work = Path(tempfile.mkdtemp(prefix="mena-ner-bench-")) if args.keep is None else args.keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        files, label = corpus_files(args.corpus)
        from pipeline.training.news import reserved_ids

        skip = reserved_ids(args.corpus)
        if args.articles > 0 or skip:
            sample = work / "sample.jsonl"
            count = write_sample(files, args.articles if args.articles > 0 else sys.maxsize, sample, skip)
            kept = f"first {count:,}" if args.articles > 0 else f"all {count:,}"
            inputs, label = [str(sample)], f"{label} ({kept}; records of RESERVED.txt left out)"
        else:
            inputs, label = [str(f) for f in files], f"{label} (all of it)"
        print(f"benchmark: {label}", file=sys.stderr)
        startup = startup_seconds()

        def one_run(name: str, *extra: str) -> dict:
            shutil.rmtree(work / name, ignore_errors=True)
            print(f"  run {name} ...", file=sys.stderr)
            return _subprocess(["--measure", *inputs, "--out", str(work / name), *extra])

        staged = one_run("workers1", "--timings")
        runs = [staged]
        if not args.no_workers:
            runs.append(one_run("workers2", "--workers", "2"))
        if args.dask:
            runs.append(one_run("dask2", "--workers", "2", "--engine", "dask"))
        lines = report(label, startup, staged, runs)
        print("\n".join(lines))
        if args.json:
            args.json.write_text(json.dumps({"startup_s": startup, "stages": staged, "runs": runs}, indent=1))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
