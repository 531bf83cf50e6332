"""The teacher: BiLSTM-CRF members over the pretrained language model, trained on both gold corpora.

``python -m pipeline.training.teacher --seeds 0 1 2``: each member (one process, one thread,
seeded) trains on ANERcorp train (minus its dev articles) and the news gold train split, with
mention-replacement augmentation from knowledge-base names (resampled every epoch), and keeps
the epoch with the best mean of its two dev scores (ANERcorp dev in ANERcorp's convention, news
gold dev in ours; entity-level micro-F1 over model tokens). Slow is fine: the teacher is not
shipped; the student learns from it (:mod:`pipeline.training.distill`).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class TeacherSettings:
    epochs: int = 16
    batch: int = 16
    lr: float = 0.001
    grad_clip: float = 5.0
    augment_rate: float = 0.3  # share of PER/LOC/ORG mentions swapped for a KB name, per epoch
    word_min_count: int = 2
    shape: dict = field(default_factory=lambda: {"hidden": 256, "lm_projection": 256, "crf": True, "heads": 2})
    limit: int = 0  # smoke tests: only the first N sentences of each set


@dataclass
class Job:
    seed: int
    corpora: Path
    pretrained: Path
    out: Path
    settings: TeacherSettings


def load_data(corpora: Path):
    from pipeline.tokenize import Tokenizer
    from pipeline.training import data

    tokenizer = Tokenizer()
    anercorp_train, anercorp_dev = data.anercorp(corpora, tokenizer)
    news_train = data.news_gold(ROOT / "data/news_gold/train.jsonl", tokenizer)
    news_dev = data.news_gold(ROOT / "data/news_gold/dev.jsonl", tokenizer)
    return tokenizer, anercorp_train, anercorp_dev, news_train, news_dev


def train_member(job: Job) -> dict:
    import torch

    from pipeline.ner.tagging import FloretVectors
    from pipeline.training import data
    from pipeline.training.networks import BiLM, Featurizer, Shape, Tagger, build_vocab, entity_f1, seed_everything, tag

    torch.set_num_threads(1)
    rng = seed_everything(job.seed)
    log_file = job.out / f"teacher-{job.seed}.log"
    job.out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} [teacher {job.seed}] {message}"
        print(line, flush=True)
        with open(log_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    tokenizer, *sets = load_data(job.corpora)
    if job.settings.limit:
        sets = [s[:job.settings.limit] for s in sets]
    anercorp_train, anercorp_dev, news_train, news_dev = sets
    train = anercorp_train + news_train
    names = data.kb_names(tokenizer)
    vectors = FloretVectors.load(job.pretrained)
    vocab = build_vocab(train, job.settings.word_min_count)
    featurizer = Featurizer(vocab, vectors)
    model = Tagger(vocab, vectors.dim, Shape(**job.settings.shape), BiLM.load(job.pretrained / "bilm.npz"))
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=job.settings.lr)
    log(f"{len(anercorp_train)} + {len(news_train)} train sentences, dev {len(anercorp_dev)} + {len(news_dev)}; "
        f"{len(vocab['words'])} words")
    best = {"score": -1.0}
    history = []
    started = time.time()
    for epoch in range(1, job.settings.epochs + 1):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for first in range(0, len(order), job.settings.batch):
            sentences = [data.replace_mentions(train[i], names, rng, job.settings.augment_rate)
                         for i in order[first:first + job.settings.batch]]
            batch = featurizer.batch(sentences)
            loss = model.crf_nll(model.emissions(batch), batch.lengths, batch.labels)
            optimizer.zero_grad()
            (loss / len(sentences)).backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], job.settings.grad_clip)
            optimizer.step()
            total += loss.item()
        f_anercorp = entity_f1([s.labels for s in anercorp_dev], tag(model, featurizer, anercorp_dev))[0]
        f_news = entity_f1([s.labels for s in news_dev], tag(model, featurizer, news_dev))[0]
        score = (f_anercorp + f_news) / 2
        history.append({"epoch": epoch, "loss": round(total), "anercorp_dev": round(100 * f_anercorp, 2),
                        "news_dev": round(100 * f_news, 2)})
        if score > best["score"]:
            best = {"score": score, "epoch": epoch, "anercorp_dev": round(100 * f_anercorp, 2),
                    "news_dev": round(100 * f_news, 2)}
            torch.save({"model": model.state_dict(), "vocab": vocab, "shape": job.settings.shape},
                       job.out / f"teacher-{job.seed}.pt")
        log(f"epoch {epoch:2d} loss {total:8.0f}  ANERcorp dev {100 * f_anercorp:5.2f}  news dev {100 * f_news:5.2f}  "
            f"(best {100 * best['score']:5.2f} @ {best['epoch']})  {time.time() - started:5.0f} s")
    return {"seed": job.seed, **best, "history": history, "seconds": round(time.time() - started)}


def load_teacher(path: Path, pretrained: Path):
    """A trained member, ready to tag (eval mode)."""
    import torch

    from pipeline.training.networks import BiLM, Shape, Tagger

    saved = torch.load(path, weights_only=False)
    from pipeline.ner.tagging import FloretVectors

    vectors = FloretVectors.load(pretrained)
    model = Tagger(saved["vocab"], vectors.dim, Shape(**saved["shape"]), BiLM.load(pretrained / "bilm.npz"))
    model.load_state_dict(saved["model"])
    model.eval()
    return model, saved["vocab"], vectors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--pretrained", type=Path, default=ROOT / "models" / "pretrained")
    parser.add_argument("--out", type=Path, default=Path(".cache/teacher"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="override a setting")
    args = parser.parse_args(argv)
    settings = TeacherSettings()
    for item in args.set:
        name, _, value = item.partition("=")
        setattr(settings, name, json.loads(value))
    jobs = [Job(seed, args.corpora, args.pretrained, args.out, settings) for seed in args.seeds]
    with multiprocessing.get_context("spawn").Pool(min(args.processes, len(jobs))) as pool:
        results = pool.map(train_member, jobs)
    scores = {key: [r[key] for r in results] for key in ("anercorp_dev", "news_dev")}
    summary = {"settings": asdict(settings), "members": results,
               "mean": {k: round(float(np.mean(v)), 2) for k, v in scores.items()},
               "sd": {k: round(float(np.std(v)), 2) for k, v in scores.items()}}
    (args.out / "teacher.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"mean": summary["mean"], "sd": summary["sd"]}))


if __name__ == "__main__":
    main()
