"""``make pretrain``: a bidirectional word language model learned from the unlabeled news.

What the NER teacher starts from (``make train``): two LSTM language models over the pipeline's
own tokens (proclitics split, folded forms), one reading forward and predicting the next token,
one reading backward and predicting the previous one, as in ELMo (Peters et al. 2018) — the
word-level sibling of Flair's character language models, chosen because a word step costs what
six character steps would on a CPU. A token enters as its frozen floret vector (subwords: no
unknown words); the LSTM states at a token, forward and backward, are its contextual embedding.

Steps, each resumable (``--work`` keeps the intermediate files and checkpoints):
1. text — :func:`pipeline.training.news.news_text` (licensed records only; reserved and gold
   articles skipped), one paragraph a line; every 200th paragraph is held out;
2. vectors — floret vectors on that text (also what ``make train`` uses);
3. language models — both directions trained side by side (one process and one thread each,
   seeded: the run repeats), truncated back-propagation over contiguous streams, a checkpoint
   every few minutes, held-out perplexity logged per epoch to ``pretrain.log``;
4. export — ``models/pretrained/``: the floret table and both LSTMs as numpy arrays, with
   ``pretrain.json`` (settings, perplexities, times).

Usage: ``python -m pipeline.training.pretrain --corpora ../shared/corpora [--out models/pretrained]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.ner.tagging import FloretVectors
from pipeline.tokenize import Tokenizer
from pipeline.training.news import build_vectors, news_text

PARAGRAPH = "<p>"  # stands between paragraphs in the token stream
UNKNOWN_TARGET = "<unk>"
HELD_OUT_EVERY = 200
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "models" / "pretrained"


@dataclass
class Settings:
    seed: int = 0
    hidden: int = 384  # LSTM units per direction: the contextual embedding is 2 x hidden
    projection: int = 128  # the LSTM state is projected to this size before the softmax
    targets: int = 30000  # most frequent folded tokens predicted; the rest is <unk>
    cutoffs: tuple = (2000, 8000)  # adaptive softmax clusters
    bptt: int = 48  # tokens per truncated back-propagation window
    batch: int = 64  # parallel streams
    epochs: int = 3
    lr: float = 0.001  # Adam, decayed linearly to 10 % over the run
    clip: float = 1.0
    dropout: float = 0.1
    vectors_dim: int = 100
    vectors_bucket: int = 50000
    vectors_epoch: int = 5
    checkpoint_seconds: int = 300


def log(work: Path, message: str) -> None:
    line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}"
    print(line, flush=True)
    with open(work / "pretrain.log", "a", encoding="utf-8") as f:
        f.write(line + "\n")


# -- data ---------------------------------------------------------------------------------

def prepare_text(corpora: Path, work: Path) -> Path:
    text = work / "news.txt"
    if not text.exists():
        started = time.time()
        partial = work / "news.txt.partial"
        articles, tokens = news_text(corpora, partial, Tokenizer())
        partial.rename(text)
        log(work, f"text: {articles} articles, {tokens:,} tokens ({time.time() - started:.0f} s)")
    return text


def prepare_vectors(text: Path, work: Path, settings: Settings) -> FloretVectors:
    floret_file = work / "vectors.floret"
    if not floret_file.exists():
        partial = work / "vectors.floret.partial"
        spent = build_vectors(text, partial, dim=settings.vectors_dim, bucket=settings.vectors_bucket,
                              epoch=settings.vectors_epoch, threads=1)
        partial.rename(floret_file)
        log(work, f"vectors: floret, {spent['vectors_seconds']} s")
    return FloretVectors.from_floret_text(floret_file)


@dataclass
class Streams:
    """The corpus as ids: ``inputs`` index ``types`` (each with its floret vector), ``targets``
    index the predicted vocabulary; ``held_out`` marks tokens of held-out paragraphs."""

    types: list[str]
    inputs: np.ndarray
    targets: np.ndarray
    held_out: np.ndarray
    target_words: list[str]


def encode(text: Path, work: Path, settings: Settings) -> Streams:
    cache = work / "streams.npz"
    meta = work / "streams.json"
    if cache.exists() and meta.exists():
        arrays = np.load(cache)
        words = json.loads(meta.read_text(encoding="utf-8"))
        return Streams(words["types"], arrays["inputs"], arrays["targets"], arrays["held_out"], words["targets"])
    counts: Counter[str] = Counter()
    with open(text, encoding="utf-8") as lines:
        for line in lines:
            counts.update(line.split())
    types = [PARAGRAPH] + sorted(counts, key=lambda w: (-counts[w], w))
    type_ids = {w: i for i, w in enumerate(types)}
    target_words = [UNKNOWN_TARGET, PARAGRAPH] + types[1:settings.targets - 1]
    target_of = np.zeros(len(types), dtype=np.int32)  # type id -> target id (0 = <unk>)
    target_of[:len(target_words) - 1] = np.arange(1, len(target_words))
    inputs, held_out = [], []
    with open(text, encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            ids = [type_ids[w] for w in line.split()] + [0]
            inputs.extend(ids)
            held_out.extend([number % HELD_OUT_EVERY == HELD_OUT_EVERY - 1] * len(ids))
    input_ids = np.asarray(inputs, dtype=np.int32)
    streams = Streams(types, input_ids, target_of[input_ids], np.asarray(held_out, dtype=bool), target_words)
    np.savez(cache, inputs=streams.inputs, targets=streams.targets, held_out=streams.held_out)
    meta.write_text(json.dumps({"types": types, "targets": target_words}, ensure_ascii=False), encoding="utf-8")
    return streams


def type_vectors(streams: Streams, vectors: FloretVectors, work: Path) -> np.ndarray:
    cache = work / "type_vectors.npy"
    if cache.exists():
        return np.load(cache)
    table = np.concatenate([vectors(streams.types[i:i + 20000]) for i in range(0, len(streams.types), 20000)])
    np.save(cache, table.astype(np.float32))
    return table


# -- model --------------------------------------------------------------------------------

def language_model(table: np.ndarray, n_targets: int, settings: Settings):
    import torch
    from torch import nn

    class WordLM(nn.Module):
        def __init__(self):
            super().__init__()
            self.inputs = nn.Embedding.from_pretrained(torch.from_numpy(table), freeze=True)
            self.lstm = nn.LSTM(table.shape[1], settings.hidden)
            self.projection = nn.Linear(settings.hidden, settings.projection)
            self.softmax = nn.AdaptiveLogSoftmaxWithLoss(settings.projection, n_targets, list(settings.cutoffs),
                                                         div_value=4.0)
            self.dropout = nn.Dropout(settings.dropout)

        def forward(self, x, y, state):
            states, state = self.lstm(self.dropout(self.inputs(x)), state)
            projected = self.dropout(self.projection(states))
            return self.softmax(projected.view(-1, projected.shape[-1]), y.reshape(-1)).loss, state

    return WordLM()


def batchify(ids: np.ndarray, batch: int) -> np.ndarray:
    """``(rows, batch)``: ``batch`` contiguous streams side by side."""
    rows = len(ids) // batch
    return ids[:rows * batch].reshape(batch, rows).T.copy()


def train_direction(direction: str, work: Path, settings: Settings) -> dict:
    """Train one direction to the end, resuming from its checkpoint; returns its figures."""
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(settings.seed)
    streams = encode(work / "news.txt", work, settings)
    table = np.load(work / "type_vectors.npy")
    order = slice(None) if direction == "fwd" else slice(None, None, -1)
    inputs, targets, held_out = streams.inputs[order], streams.targets[order], streams.held_out[order]
    train_in, train_out = batchify(inputs[~held_out], settings.batch), batchify(targets[~held_out], settings.batch)
    dev_in, dev_out = batchify(inputs[held_out], settings.batch), batchify(targets[held_out], settings.batch)
    model = language_model(table, len(streams.target_words), settings)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=settings.lr)
    windows = (len(train_in) - 1) // settings.bptt
    total_steps = settings.epochs * windows
    checkpoint = work / f"lm-{direction}.ckpt"
    position: dict[str, Any] = {"epoch": 0, "window": 0, "perplexities": [], "seconds": 0.0}
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        torch.set_rng_state(saved["rng"])
        position = saved["position"]
        log(work, f"{direction}: resumed at epoch {position['epoch'] + 1}, window {position['window']}/{windows}")
    saved_at = time.time()
    started = time.time() - position["seconds"]
    while position["epoch"] < settings.epochs:
        model.train()
        state = None
        running, counted = 0.0, 0
        for w in range(position["window"], windows):
            step = position["epoch"] * windows + w
            for group in optimizer.param_groups:
                group["lr"] = settings.lr * (1 - 0.9 * step / total_steps)
            a = w * settings.bptt
            x = torch.from_numpy(train_in[a:a + settings.bptt].astype(np.int64))
            y = torch.from_numpy(train_out[a + 1:a + 1 + settings.bptt].astype(np.int64))
            if state is not None:
                state = tuple(s.detach() for s in state)
            loss, state = model(x, y, state)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), settings.clip)
            optimizer.step()
            running, counted = running + loss.item(), counted + 1
            if w % 500 == 499:
                log(work, f"{direction}: epoch {position['epoch'] + 1} window {w + 1}/{windows} "
                          f"train perplexity {np.exp(running / counted):.1f} "
                          f"({(w + 1 - position['window']) * settings.bptt * settings.batch / (time.time() - saved_at + 1e-9):,.0f} tokens/s)")
                running, counted = 0.0, 0
            if time.time() - saved_at > settings.checkpoint_seconds:
                position.update(window=w + 1, seconds=time.time() - started)
                save_checkpoint(checkpoint, model, optimizer, position)
                saved_at = time.time()
                position["window"] = w + 1  # the tokens/s figure restarts from here
        perplexity = held_out_perplexity(model, dev_in, dev_out, settings)
        position["perplexities"].append(round(perplexity, 2))
        log(work, f"{direction}: epoch {position['epoch'] + 1} held-out perplexity {perplexity:.2f}")
        position.update(epoch=position["epoch"] + 1, window=0, seconds=time.time() - started)
        save_checkpoint(checkpoint, model, optimizer, position)
    np.savez(work / f"lm-{direction}.npz", **lstm_arrays(model))  # type: ignore[arg-type]
    return {"perplexities": position["perplexities"], "seconds": round(position["seconds"])}


def save_checkpoint(path: Path, model, optimizer, position: dict) -> None:
    import torch

    partial = path.with_suffix(".partial")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "rng": torch.get_rng_state(),
                "position": dict(position)}, partial)
    os.replace(partial, path)


def held_out_perplexity(model, dev_in: np.ndarray, dev_out: np.ndarray, settings: Settings) -> float:
    import torch

    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for a in range(0, len(dev_in) - 1, settings.bptt):
            x = torch.from_numpy(dev_in[a:a + settings.bptt].astype(np.int64))
            y = torch.from_numpy(dev_out[a + 1:a + 1 + settings.bptt].astype(np.int64))
            x = x[:len(y)]
            loss, state = model(x, y, state)
            total, count = total + loss.item() * y.numel(), count + y.numel()
    model.train()
    return float(np.exp(total / count))


def lstm_arrays(model) -> dict[str, np.ndarray]:
    w = {name: value.detach().cpu().numpy() for name, value in model.state_dict().items()}
    return {"w_ih": w["lstm.weight_ih_l0"], "w_hh": w["lstm.weight_hh_l0"],
            "b": w["lstm.bias_ih_l0"] + w["lstm.bias_hh_l0"]}


# -- export -------------------------------------------------------------------------------

def export(work: Path, out: Path, vectors: FloretVectors, settings: Settings, figures: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    vectors.save(out, np.float16)  # half the size; read back as float32 (see FloretVectors.load)
    arrays = {}
    for direction in ("fwd", "bwd"):
        for name, value in np.load(work / f"lm-{direction}.npz").items():
            arrays[f"{direction}_{name}"] = value.astype(np.float16)
    np.savez_compressed(out / "bilm.npz", **arrays)
    (out / "pretrain.json").write_text(json.dumps({"settings": asdict(settings), "figures": figures}, indent=1,
                                                  ensure_ascii=False) + "\n", encoding="utf-8")
    log(work, f"export: {out}")


def _train(args: tuple[str, Path, Settings]) -> dict:
    return train_direction(*args)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, default=Path(".cache/pretrain"))
    parser.add_argument("--epochs", type=int, help="override the number of epochs (experiments)")
    parser.add_argument("--text", type=Path, help="an existing news text (one paragraph a line) instead of step 1")
    parser.add_argument("--max-tokens", type=int, default=0, help="with --text: only its first N tokens (smoke tests)")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.epochs:
        settings.epochs = args.epochs
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.time()
    if args.text and not (args.work / "news.txt").exists():
        _copy_head(args.text, args.work, args.max_tokens)
    text = prepare_text(args.corpora, args.work)
    vectors = prepare_vectors(text, args.work, settings)
    streams = encode(text, args.work, settings)
    type_vectors(streams, vectors, args.work)
    log(args.work, f"streams: {len(streams.inputs):,} tokens ({int(streams.held_out.sum()):,} held out), "
                   f"{len(streams.types):,} types, {len(streams.target_words):,} targets")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        fwd, bwd = pool.map(_train, [("fwd", args.work, settings), ("bwd", args.work, settings)])
    figures = {"fwd": fwd, "bwd": bwd, "tokens": int(len(streams.inputs)), "seconds": round(time.time() - started)}
    export(args.work, args.out, vectors, settings, figures)


def _copy_head(source: Path, work: Path, max_tokens: int) -> None:
    """``work/news.txt`` from the first paragraphs of ``source`` (smoke tests and experiments)."""
    count = 0
    with open(source, encoding="utf-8") as lines, open(work / "news.txt", "w", encoding="utf-8") as sink:
        for line in lines:
            if max_tokens and count >= max_tokens:
                break
            sink.write(line)
            count += len(line.split())


if __name__ == "__main__":
    main()
