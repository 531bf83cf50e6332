"""The student: one fast network distilled from the teacher, exported to ONNX — what ships.

``python -m pipeline.training.distill``:
1. unlabeled text — learnable news articles (licensed records only; reserved and gold articles
   skipped: :func:`pipeline.training.news.news_records`), shuffled with a fixed seed, cleaned and
   tokenized by the pipeline, until ``tokens`` model tokens; long sentences cut into windows;
2. soft targets — the teacher members' CRF marginals on that text (our convention), averaged;
3. students — per seed (one process, one thread each): every epoch, all gold sentences (both
   corpora, hard labels, mention replacement) and the next ``soft_per_epoch`` tokens of the soft
   text, per-token cross entropy against labels or soft targets; the epoch with the best mean of
   the two dev scores is kept;
4. export — the best student (on dev) to ONNX in ``--out``, checked against torch, with its
   vocabulary and the floret table; ``training.json`` records settings and figures of every seed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
WINDOW = 100  # longer unlabeled sentences are cut into windows of this many tokens


@dataclass
class StudentSettings:
    tokens: int = 4_000_000  # unlabeled model tokens with soft targets
    soft_per_epoch: int = 400_000
    epochs: int = 16
    batch: int = 32
    lr: float = 0.002
    grad_clip: float = 5.0
    augment_rate: float = 0.3
    word_min_count: int = 2
    seed_text: int = 20261201
    shape: dict = field(default_factory=lambda: {"hidden": 192, "crf": False, "heads": 2})
    limit: int = 0  # smoke tests: only the first N gold sentences of each set


def unlabeled_sentences(corpora: Path, tokens: int, seed: int):
    from pipeline.clean import clean_text
    from pipeline.tokenize import Tokenizer
    from pipeline.training.data import NEWS, Sentence
    from pipeline.training.news import news_records

    records = [r for r in news_records(corpora)]
    random.Random(seed).shuffle(records)
    tokenizer = Tokenizer()
    out, count = [], 0
    for record in records:
        for doc in clean_text(record["text"], source=record["id"]):
            tdoc = tokenizer(doc)
            for s in tdoc.sentences:
                sentence = tdoc.tokens[s.start:s.end]
                for first in range(0, len(sentence), WINDOW):
                    piece = sentence[first:first + WINDOW]
                    if len(piece) >= 3:
                        out.append(Sentence([t.text for t in piece], [t.norm for t in piece],
                                            [t.is_clitic for t in piece], [], NEWS))
                        count += len(piece)
        if count >= tokens:
            break
    return out


def soft_targets(sentences, teachers: list[Path], pretrained: Path, out: Path) -> None:
    """Average CRF marginals of the teacher members, written as float16 arrays, one per sentence."""
    import torch

    from pipeline.training.networks import Featurizer
    from pipeline.training.teacher import load_teacher

    torch.set_num_threads(1)
    models = [load_teacher(path, pretrained) for path in teachers]
    total: list[np.ndarray | None] = [None] * len(sentences)
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i].words))
    with torch.no_grad():
        for model, vocab, vectors in models:
            featurizer = Featurizer(vocab, vectors)
            for first in range(0, len(order), 64):
                chunk = order[first:first + 64]
                batch = featurizer.batch([sentences[i] for i in chunk])
                marginals = model.crf_marginals(model.emissions(batch), batch.lengths).numpy()
                for row, i in enumerate(chunk):
                    probs = marginals[row, :len(sentences[i].words)]
                    total[i] = probs if total[i] is None else total[i] + probs
    np.savez_compressed(out, *[(t / len(models)).astype(np.float16) for t in total if t is not None])


def _soft_job(args) -> None:
    sentences, teachers, pretrained, out = args
    soft_targets(sentences, teachers, pretrained, out)


@dataclass
class Job:
    seed: int
    corpora: Path
    pretrained: Path
    work: Path
    settings: StudentSettings


def train_student(job: Job) -> dict:
    import torch

    from pipeline.ner.tagging import FloretVectors
    from pipeline.training import data
    from pipeline.training.networks import Featurizer, Shape, Tagger, build_vocab, entity_f1, seed_everything, tag
    from pipeline.training.teacher import load_data

    finished = job.work / f"student-{job.seed}.json"
    if finished.exists():  # resumed run: this seed is done
        return json.loads(finished.read_text(encoding="utf-8"))
    torch.set_num_threads(1)
    rng = seed_everything(job.seed)
    log_file = job.work / f"student-{job.seed}.log"
    log_file.unlink(missing_ok=True)

    def log(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} [student {job.seed}] {message}"
        print(line, flush=True)
        with open(log_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    tokenizer, *sets = load_data(job.corpora)
    if job.settings.limit:
        sets = [s[:job.settings.limit] for s in sets]
    anercorp_train, anercorp_dev, news_train, news_dev = sets
    gold = anercorp_train + news_train
    unlabeled = json.loads((job.work / "unlabeled.json").read_text(encoding="utf-8"))
    unlabeled = [data.Sentence(s["w"], s["n"], s["c"], [], data.NEWS) for s in unlabeled]
    with np.load(job.work / "soft.npz") as arrays:
        soft = [arrays[f"arr_{i}"].astype(np.float32) for i in range(len(unlabeled))]
    names = data.kb_names(tokenizer)
    vectors = FloretVectors.load(job.pretrained)
    vocab = build_vocab(gold + unlabeled, job.settings.word_min_count)
    featurizer = Featurizer(vocab, vectors)
    model = Tagger(vocab, vectors.dim, Shape(**job.settings.shape))
    optimizer = torch.optim.Adam(model.parameters(), lr=job.settings.lr)
    log(f"{len(gold)} gold + {len(unlabeled)} soft sentences ({sum(len(s.words) for s in unlabeled):,} tokens); "
        f"{len(vocab['words'])} words")
    soft_order = list(range(len(unlabeled)))
    rng.shuffle(soft_order)
    cursor = 0
    best = {"score": -1.0}
    history = []
    started = time.time()
    for epoch in range(1, job.settings.epochs + 1):
        model.train()
        taken, budget = [], job.settings.soft_per_epoch
        while budget > 0 and soft_order:
            i = soft_order[cursor % len(soft_order)]
            taken.append(i)
            budget -= len(unlabeled[i].words)
            cursor += 1
        items = [("gold", i) for i in range(len(gold))] + [("soft", i) for i in taken]
        rng.shuffle(items)
        total = 0.0
        for first in range(0, len(items), job.settings.batch):
            chunk = items[first:first + job.settings.batch]
            sentences = [data.replace_mentions(gold[i], names, rng, job.settings.augment_rate) if kind == "gold"
                         else unlabeled[i] for kind, i in chunk]
            targets = [np.eye(len(vocab["labels"]), dtype=np.float32)[[vocab["labels"].index(lb) for lb in s.labels]]
                       if kind == "gold" else soft[i] for (kind, i), s in zip(chunk, sentences)]
            batch = featurizer.batch([data.Sentence(s.words, s.norms, s.clitic, [], s.convention) for s in sentences],
                                     targets)
            assert batch.soft is not None
            log_probs = torch.log_softmax(model.emissions(batch), -1)
            mask = (torch.arange(log_probs.shape[1])[None, :] < batch.lengths[:, None]).float()
            loss = -((batch.soft * log_probs).sum(-1) * mask).sum() / mask.sum()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), job.settings.grad_clip)
            optimizer.step()
            total += loss.item() * len(chunk)
        f_anercorp = entity_f1([s.labels for s in anercorp_dev], tag(model, featurizer, anercorp_dev))[0]
        f_news = entity_f1([s.labels for s in news_dev], tag(model, featurizer, news_dev))[0]
        score = (f_anercorp + f_news) / 2
        history.append({"epoch": epoch, "loss": round(total, 1), "anercorp_dev": round(100 * f_anercorp, 2),
                        "news_dev": round(100 * f_news, 2)})
        if score > best["score"]:
            best = {"score": score, "epoch": epoch, "anercorp_dev": round(100 * f_anercorp, 2),
                    "news_dev": round(100 * f_news, 2)}
            torch.save({"model": model.state_dict(), "vocab": vocab, "shape": job.settings.shape},
                       job.work / f"student-{job.seed}.pt")
        log(f"epoch {epoch:2d} loss {total:9.1f}  ANERcorp dev {100 * f_anercorp:5.2f}  news dev {100 * f_news:5.2f}  "
            f"(best {100 * best['score']:5.2f} @ {best['epoch']})  {time.time() - started:5.0f} s")
    result = {"seed": job.seed, **best, "history": history, "seconds": round(time.time() - started)}
    finished.write_text(json.dumps(result) + "\n", encoding="utf-8")
    return result


def export(work: Path, seed: int, pretrained: Path, out: Path, corpora: Path) -> float:
    """The chosen student to ``out`` (ONNX graph, vocabulary, floret table); returns the export gap."""
    import torch

    from pipeline.ner.tagging import FloretVectors
    from pipeline.training.networks import Featurizer, Shape, Tagger, export_onnx
    from pipeline.training.teacher import load_data

    saved = torch.load(work / f"student-{seed}.pt", weights_only=False)
    vectors = FloretVectors.load(pretrained)
    model = Tagger(saved["vocab"], vectors.dim, Shape(**saved["shape"]))
    model.load_state_dict(saved["model"])
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    _, _, anercorp_dev, _, news_dev = load_data(corpora)
    gap = export_onnx(model, Featurizer(saved["vocab"], vectors), anercorp_dev[:16] + news_dev[:16], tmp / "model.onnx")
    (tmp / "vocab.json").write_text(json.dumps(saved["vocab"], ensure_ascii=False) + "\n", encoding="utf-8")
    vectors.save(tmp, np.float16)  # half the size; the tags on both dev sets were identical with float32
    if out.exists():
        for name in ("model.onnx", "vocab.json", "vectors.npy", "vectors.json"):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    for path in tmp.iterdir():
        shutil.move(str(path), out / path.name)
    tmp.rmdir()
    return gap


def _forget_other_runs(work: Path, settings: StudentSettings, teachers: list[Path]) -> None:
    """Soft targets and finished seeds in ``work`` are reused only by a run with the same settings
    and the same teacher files; anything else left there is removed first."""
    identity = {"settings": asdict(settings),
                "teachers": [[p.name, p.stat().st_size, int(p.stat().st_mtime)] for p in teachers]}
    record = work / "run.json"
    if record.exists() and json.loads(record.read_text(encoding="utf-8")) == identity:
        return
    for stale in [*work.glob("soft*.npz"), *work.glob("student-*"), work / "unlabeled.json"]:
        stale.unlink(missing_ok=True)
    record.write_text(json.dumps(identity) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--pretrained", type=Path, default=ROOT / "models" / "pretrained")
    parser.add_argument("--teachers", type=Path, default=Path(".cache/teacher"))
    parser.add_argument("--work", type=Path, default=Path(".cache/distill"))
    parser.add_argument("--out", type=Path, default=None, help="model folder (default: the shipped model's)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="override a setting")
    args = parser.parse_args(argv)
    from pipeline.resources import resource_paths

    out = args.out or resource_paths().model
    settings = StudentSettings()
    for item in args.set:
        name, _, value = item.partition("=")
        setattr(settings, name, json.loads(value))
    args.work.mkdir(parents=True, exist_ok=True)
    _forget_other_runs(args.work, settings, sorted(args.teachers.glob("teacher-*.pt")))
    started = time.time()
    if not (args.work / "soft.npz").exists():
        sentences = unlabeled_sentences(args.corpora, settings.tokens, settings.seed_text)
        (args.work / "unlabeled.json").write_text(json.dumps([{"w": s.words, "n": s.norms, "c": s.clitic}
                                                              for s in sentences], ensure_ascii=False), encoding="utf-8")
        teachers = sorted(args.teachers.glob("teacher-*.pt"))
        halves = [sentences[k::args.processes] for k in range(args.processes)]
        parts = [args.work / f"soft-part-{k}.npz" for k in range(args.processes)]
        with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
            pool.map(_soft_job, [(h, teachers, args.pretrained, p) for h, p in zip(halves, parts)])
        loaded = []
        for part in parts:
            with np.load(part) as arrays:
                loaded.append([arrays[f"arr_{i}"] for i in range(len(arrays.files))])
        merged = [loaded[k % args.processes][k // args.processes] for k in range(len(sentences))]
        np.savez_compressed(args.work / "soft.npz", *merged)
        print(f"soft targets: {len(sentences)} sentences, {len(teachers)} teachers, {time.time() - started:.0f} s",
              flush=True)
    jobs = [Job(seed, args.corpora, args.pretrained, args.work, settings) for seed in args.seeds]
    with multiprocessing.get_context("spawn").Pool(min(args.processes, len(jobs))) as pool:
        results = pool.map(train_student, jobs)
    chosen = max(results, key=lambda r: r["score"])
    gap = export(args.work, chosen["seed"], args.pretrained, out, args.corpora)
    scores = {key: [r[key] for r in results] for key in ("anercorp_dev", "news_dev")}
    summary = {"settings": asdict(settings), "students": results, "shipped_seed": chosen["seed"], "export_gap": gap,
               "mean": {k: round(float(np.mean(v)), 2) for k, v in scores.items()},
               "sd": {k: round(float(np.std(v)), 2) for k, v in scores.items()},
               "seconds": round(time.time() - started)}
    (out / "training.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: summary[k] for k in ("shipped_seed", "export_gap", "mean", "sd", "seconds")}))


if __name__ == "__main__":
    main()
