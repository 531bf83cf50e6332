"""Training the shipped NER model: ``python -m pipeline.training.ner --corpora ../shared/corpora``.

Steps (all seeded; ``make train`` runs them with the shipped settings):
1. vectors — the ANT part of ``news_unlabeled`` (never ``saudinewsnet:`` records, which are
   non-commercial) is cleaned, tokenized and folded exactly as the pipeline does, and floret
   subword vectors are trained on it (one thread, so the run is repeatable);
2. data — ANERcorp CAMeL train minus its last articles (the dev split: whole contiguous
   articles from the END of train, since random dev sentences overstate); every token is
   proclitic-split as the pipeline splits it (:func:`segment`);
3. model — the BiLSTM-CRF of :mod:`pipeline.ner.bilstm`, trained in PyTorch on one thread with
   deterministic algorithms and fixed seeds. After each epoch the network is exported to numpy
   and dev is tagged by the shipped inference code (:class:`Model`, label propagation
   included) and scored with :mod:`pipeline.ner.evaluate` on the corpus's own tokens; the
   best epoch is kept;
4. card — ``MODEL_CARD.md`` in the model folder, with the dev figures of this run.

The test split is never read here. PyTorch and floret are needed for training only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.ner.bilstm import (
    LABELS,
    UNKNOWN,
    UNKNOWN_CHAR,
    Ensemble,
    FloretVectors,
    Network,
    char_ids,
    transition_mask,
)
from pipeline.ner.conll import read_conll
from pipeline.ner.evaluate import Scores
from pipeline.ner.model import (
    Model,
    Segmented,
    segment,
    tags_to_piece_spans,
)
from pipeline.resources import MODEL_NAME, resource_paths
from pipeline.tokenize import Tokenizer
from pipeline.training.news import build_vectors as news_vectors
from pipeline.training.news import news_text

ANERCORP_TRAIN = "ANERcorp-CamelLabSplits/ANERCorp_CamelLab_train.txt"
RUN_FILE = "training.json"  # settings and dev figures of the run, in the model folder
EXPERIMENTS = resource_paths().models / f"{MODEL_NAME}.experiments.md"  # kept by hand
DEV_FILE = "ANERcorp_dev.txt"  # written to the --work folder for `mena-ner evaluate --conll`
# The dev split starts with this article (sentence 3,526 of 3,973; ~14k of 125k tokens).
DEV_FIRST_WORDS = ("واشنطن", "(", "اف", "ب", ")", "اتهم", "البيت", "الابيض")


@dataclass
class Settings:
    """Everything that decides the shipped model; written into the model card."""

    seeds: list = field(default_factory=lambda: [0, 1])  # one ensemble member per seed
    processes: int = 2  # members trained side by side, one core each
    epochs: int = 20  # the best of them on dev is kept
    batch_sentences: int = 16
    lr: float = 0.001  # Adam
    grad_clip: float = 5.0
    dropout: float = 0.5  # on the LSTM input and output
    word_dropout: float = 0.1  # share of word embeddings zeroed in training (the rest still sees the word)
    word_dim: int = 100
    word_min_count: int = 2  # folded forms seen fewer times in train share the unknown row
    char_dim: int = 30
    char_filters: int = 60
    char_window: int = 3
    char_min_count: int = 2
    max_word_chars: int = 20
    hidden: int = 200  # per direction
    vectors_dim: int = 100
    vectors_bucket: int = 50000
    vectors_epoch: int = 5
    vectors_threads: int = 1
    vectors_all_news: bool = False  # experiments only: include the non-commercial records
    extra: dict = field(default_factory=dict)


# -- data ---------------------------------------------------------------------------------

def split_train_dev(sentences: list) -> tuple[list, list]:
    """ANERcorp train -> (train, dev); dev is the tail starting at the article ``DEV_FIRST_WORDS``."""
    for i, sentence in enumerate(sentences):
        if tuple(t for t, _ in sentence[:len(DEV_FIRST_WORDS)]) == DEV_FIRST_WORDS:
            return sentences[:i], sentences[i:]
    raise SystemExit("dev split start not found in ANERcorp train: is it the CAMeL Lab file?")



# -- vectors ------------------------------------------------------------------------------


def build_vectors(corpora: Path, work: Path, settings: Settings, tokenizer: Tokenizer) -> Path:
    """Train floret vectors on the news corpus; returns floret's text file of the table."""
    work.mkdir(parents=True, exist_ok=True)
    text = work / "news.txt"
    started = time.time()
    articles, tokens = news_text(corpora, text, tokenizer, settings.vectors_all_news)
    print(f"vectors: {articles} articles, {tokens:,} tokens of news ({time.time() - started:.0f} s)", flush=True)
    floret_file = work / "vectors.floret"
    news_vectors(text, floret_file, dim=settings.vectors_dim, bucket=settings.vectors_bucket,
                 epoch=settings.vectors_epoch, threads=settings.vectors_threads)
    settings.extra["vectors_tokens"] = tokens
    settings.extra["vectors_articles"] = articles
    settings.extra["vectors_seconds"] = round(time.time() - started)
    print(f"vectors: done in {time.time() - started:.0f} s", flush=True)
    return floret_file


# -- model --------------------------------------------------------------------------------

def write_conll(sentences: list, path: Path) -> None:
    """Sentences back to ``token TAG`` lines (tags already mapped), for ``mena-ner evaluate``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for sentence in sentences:
            out.writelines(f"{token} {tag or 'O'}\n" for token, tag in sentence)
            out.write("\n")


@dataclass
class Example:
    """One training sentence as arrays over its model tokens (see :meth:`Network.features`)."""

    words: np.ndarray  # (T,) word-embedding rows
    chars: list[list[int]]  # character rows of each token
    vectors: np.ndarray  # (T, dv) floret vectors
    clitic: np.ndarray  # (T,) 1.0 for a proclitic piece
    labels: np.ndarray  # (T,) index into LABELS


def piece_labels(tags: list[str], seg: Segmented) -> list[str]:
    """Gold IOB tags over given tokens -> IOB2 labels over model tokens (see :func:`tags_to_piece_spans`)."""
    labels = ["O"] * len(seg.words)
    for start, end, label in tags_to_piece_spans(tags, seg):
        labels[start] = f"B-{label}"
        labels[start + 1:end] = [f"I-{label}"] * (end - start - 1)
    return labels


def build_vocab(segs: list[Segmented], settings: Settings) -> dict:
    """Word and character lists of the network (most frequent first; ties in code-point order)."""
    words = Counter(norm for seg in segs for norm in seg.norms)
    chars = Counter(ch for seg in segs for word in seg.words for ch in word)
    return {
        "labels": list(LABELS),
        "words": ["<unk>"] + [w for w, n in sorted(words.items(), key=lambda x: (-x[1], x[0])) if n >= settings.word_min_count],
        "chars": ["<pad>", "<unk>"] + [c for c, n in sorted(chars.items(), key=lambda x: (-x[1], x[0]))
                                       if n >= settings.char_min_count],
        "max_word_chars": settings.max_word_chars,
    }


def to_examples(sentences: list, segs: list[Segmented], vocab: dict, vectors: FloretVectors) -> list[Example]:
    word_rows = {w: i for i, w in enumerate(vocab["words"])}
    char_rows = {c: i for i, c in enumerate(vocab["chars"])}
    assert char_rows["<pad>"] == 0 and char_rows["<unk>"] == UNKNOWN_CHAR and word_rows["<unk>"] == UNKNOWN
    label_rows = {label: i for i, label in enumerate(LABELS)}
    examples = []
    for sentence, seg in zip(sentences, segs):
        labels = piece_labels([tag or "O" for _, tag in sentence], seg)
        examples.append(Example(
            words=np.array([word_rows.get(n, UNKNOWN) for n in seg.norms], dtype=np.int64),
            chars=[char_ids(w, char_rows, vocab["max_word_chars"]) for w in seg.words],
            vectors=vectors(seg.norms),
            clitic=np.array(seg.clitic, dtype=np.float32),
            labels=np.array([label_rows[label] for label in labels], dtype=np.int64)))
    return examples


def collate(batch: list[Example]):
    """Padded torch tensors of a batch: words, chars, char lengths, vectors, clitic, labels, lengths."""
    import torch

    lengths = [len(e.words) for e in batch]
    size, longest = len(batch), max(lengths)
    longest_word = max(len(c) for e in batch for c in e.chars)
    words = np.zeros((size, longest), dtype=np.int64)
    chars = np.zeros((size, longest, longest_word), dtype=np.int64)
    char_lengths = np.zeros((size, longest), dtype=np.int64)
    vectors = np.zeros((size, longest, batch[0].vectors.shape[1]), dtype=np.float32)
    clitic = np.zeros((size, longest), dtype=np.float32)
    labels = np.zeros((size, longest), dtype=np.int64)
    for b, e in enumerate(batch):
        n = len(e.words)
        words[b, :n], vectors[b, :n], clitic[b, :n], labels[b, :n] = e.words, e.vectors, e.clitic, e.labels
        for t, ids in enumerate(e.chars):
            chars[b, t, :len(ids)] = ids
            char_lengths[b, t] = len(ids)
    return (*(torch.from_numpy(a) for a in (words, chars, char_lengths, vectors, clitic, labels)),
            torch.tensor(lengths))


def torch_network(vocab: dict, vectors_dim: int, settings: Settings):
    """The trainable PyTorch twin of :class:`Network` (same features, same layers)."""
    import torch
    from torch import nn

    n_labels = len(vocab["labels"])
    trans_mask, start_mask = transition_mask(vocab["labels"])

    class BiLSTMCRF(nn.Module):
        def __init__(self):
            super().__init__()
            self.word_emb = nn.Embedding(len(vocab["words"]), settings.word_dim)
            self.char_emb = nn.Embedding(len(vocab["chars"]), settings.char_dim, padding_idx=0)
            self.char_conv = nn.Conv1d(settings.char_dim, settings.char_filters, settings.char_window,
                                       padding=settings.char_window // 2)
            self.lstm = nn.LSTM(settings.word_dim + settings.char_filters + vectors_dim + 1, settings.hidden,
                                batch_first=True, bidirectional=True)
            self.dropout = nn.Dropout(settings.dropout)
            self.out = nn.Linear(2 * settings.hidden, n_labels)
            self.transitions = nn.Parameter(torch.zeros(n_labels, n_labels))
            self.start = nn.Parameter(torch.zeros(n_labels))
            self.end = nn.Parameter(torch.zeros(n_labels))
            self.register_buffer("trans_mask", torch.from_numpy(trans_mask))
            self.register_buffer("start_mask", torch.from_numpy(start_mask))

        def emissions(self, words, chars, char_lengths, vectors, clitic, lengths):
            size, longest, longest_word = chars.shape
            embedded = self.word_emb(words)
            if self.training and settings.word_dropout > 0:
                embedded = embedded * (torch.rand(size, longest, 1) >= settings.word_dropout).float()
            conv = torch.relu(self.char_conv(self.char_emb(chars.view(size * longest, longest_word)).transpose(1, 2)))
            inside = torch.arange(longest_word)[None, :] < char_lengths.view(-1, 1)
            char_features = (conv * inside[:, None, :]).max(2).values.view(size, longest, -1)
            x = self.dropout(torch.cat([embedded, char_features, vectors, clitic.unsqueeze(-1)], -1))
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            states, _ = self.lstm(packed)
            states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=longest)
            return self.out(self.dropout(states))

        def nll(self, scores, lengths, labels):
            """Summed negative log-likelihood of the gold label sequences under the CRF."""
            size, longest, _ = scores.shape
            trans = self.transitions + self.trans_mask
            start = self.start + self.start_mask
            rows = torch.arange(size)
            mask = torch.arange(longest)[None, :] < lengths[:, None]
            alpha = start + scores[:, 0]
            gold = start[labels[:, 0]] + scores[rows, 0, labels[:, 0]]
            for t in range(1, longest):
                step = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), 1) + scores[:, t]
                alpha = torch.where(mask[:, t, None], step, alpha)
                gold = gold + (trans[labels[:, t - 1], labels[:, t]] + scores[rows, t, labels[:, t]]) * mask[:, t]
            gold = gold + self.end[labels[rows, lengths - 1]]
            return (torch.logsumexp(alpha + self.end, 1) - gold).sum()

    return BiLSTMCRF()


def export(net, vocab: dict, vectors: FloretVectors) -> Network:
    """The torch network's weights as a numpy :class:`Network` (invalid moves baked in)."""
    w = {name: value.detach().cpu().numpy().copy() for name, value in net.state_dict().items()}
    arrays = {"word_emb": w["word_emb.weight"], "char_emb": w["char_emb.weight"],
              "char_conv_w": w["char_conv.weight"], "char_conv_b": w["char_conv.bias"],
              "out_w": w["out.weight"], "out_b": w["out.bias"],
              "transitions": w["transitions"] + w["trans_mask"], "start": w["start"] + w["start_mask"], "end": w["end"]}
    for direction, suffix in (("fwd", ""), ("bwd", "_reverse")):
        arrays[f"lstm_{direction}_w_ih"] = w[f"lstm.weight_ih_l0{suffix}"]
        arrays[f"lstm_{direction}_w_hh"] = w[f"lstm.weight_hh_l0{suffix}"]
        arrays[f"lstm_{direction}_b"] = w[f"lstm.bias_ih_l0{suffix}"] + w[f"lstm.bias_hh_l0{suffix}"]
    return Network(arrays, vocab, vectors)


def export_difference(net, network: Network, segs: list[Segmented]) -> float:
    """Largest gap between torch's and numpy's label scores on ``segs`` (a check of :func:`export`)."""
    import torch

    char_rows = network.chars
    examples = [Example(np.array([network.words.get(n, UNKNOWN) for n in s.norms]),
                        [char_ids(w, char_rows, network.max_chars) for w in s.words], network.vectors(s.norms),
                        np.array(s.clitic, dtype=np.float32), np.zeros(len(s.words), dtype=np.int64)) for s in segs]
    net.eval()
    with torch.no_grad():
        *inputs, _, lengths = collate(examples)
        expected = net.emissions(*inputs, lengths).numpy()
    got, _ = network.emissions([(s.words, s.norms, s.clitic) for s in segs])
    inside = np.arange(expected.shape[1])[None, :] < lengths.numpy()[:, None]
    return float(np.abs(expected - got)[inside].max())


def evaluate_sentences(network: Network | Ensemble, sentences: list, tokenizer: Tokenizer, window: int | None = None) -> Scores:
    """Tag the given tokens with the shipped inference code and score against their gold tags."""
    model = Model.from_network(network, tokenizer)
    tokens = [[t for t, _ in s] for s in sentences]
    predicted = model.tag_sentences(tokens) if window is None else model.tag_sentences(tokens, window)
    scores = Scores()
    for sentence, pred in zip(sentences, predicted):
        scores.add([tag or "O" for _, tag in sentence], pred)
    return scores


@dataclass
class MemberJob:
    """One ensemble member to train (picklable: members train in separate processes)."""

    corpora: Path
    folder: Path  # the member's network, vocabulary and vectors are saved here
    settings: Settings
    seed: int
    vectors_file: Path


def train_member(job: MemberJob) -> dict:
    """Train one BiLSTM-CRF with ``job.seed``; save its best dev epoch; return its history."""
    import torch

    torch.set_num_threads(1)  # deterministic; members run side by side, one core each
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(job.seed)
    rng = random.Random(job.seed)
    settings = job.settings

    def log(message: str) -> None:
        print(f"[seed {job.seed}] {message}", flush=True)

    tokenizer = Tokenizer()
    train_sents, dev_sents = split_train_dev(list(read_conll(job.corpora / ANERCORP_TRAIN)))
    vectors = FloretVectors.from_floret_text(job.vectors_file)
    train_segs = [segment([t for t, _ in s], tokenizer) for s in train_sents]
    vocab = build_vocab(train_segs, settings)
    examples = to_examples(train_sents, train_segs, vocab, vectors)
    log(f"data: {len(train_sents)} train, {len(dev_sents)} dev sentences; {sum(len(s) for s in train_sents)} / "
        f"{sum(len(s) for s in dev_sents)} tokens; {len(vocab['words'])} words, {len(vocab['chars'])} characters")

    net = torch_network(vocab, vectors.dim, settings)
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.lr)
    best: tuple[float, int, Network | None] = (-1.0, 0, None)
    history = []
    started = time.time()
    order = list(range(len(examples)))
    for epoch in range(1, settings.epochs + 1):
        net.train()
        rng.shuffle(order)
        total = 0.0
        for first in range(0, len(order), settings.batch_sentences):
            *inputs, labels, lengths = collate([examples[i] for i in order[first:first + settings.batch_sentences]])
            loss = net.nll(net.emissions(*inputs, lengths), lengths, labels)
            optimizer.zero_grad()
            (loss / len(lengths)).backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), settings.grad_clip)
            optimizer.step()
            total += loss.item()
        network = export(net, vocab, vectors)
        f1 = evaluate_sentences(network, dev_sents, tokenizer).prf()[2]
        if f1 > best[0]:
            best = (f1, epoch, network)
        history.append({"epoch": epoch, "loss": round(total, 1), "dev_f1": round(100 * f1, 2)})
        log(f"epoch {epoch:2d}  loss {total:8.0f}  dev F1 {100 * f1:5.2f}  (best {100 * best[0]:5.2f} @ {best[1]})  "
            f"{time.time() - started:5.0f} s")
    gap = export_difference(net, network, [segment([t for t, _ in s], tokenizer) for s in dev_sents[:64]])
    log(f"export check: torch and numpy label scores differ by at most {gap:.2e}")
    if gap > 1e-3:
        raise SystemExit("the numpy network does not reproduce the torch one: see export()")
    job.folder.mkdir(parents=True, exist_ok=True)
    assert best[2] is not None  # at least one epoch ran
    best[2].save(job.folder, member_file(job.seed))
    return {"seed": job.seed, "best_epoch": best[1], "dev_f1": round(100 * best[0], 2), "history": history,
            "seconds": round(time.time() - started), "export_gap": gap,
            "n_train": len(train_sents), "n_dev": len(dev_sents), "n_words": len(vocab["words"])}


def member_file(seed: int) -> str:
    return Ensemble.PATTERN.replace("*", str(seed))


def train(corpora: Path, out: Path, settings: Settings, vectors_file: Path, work: Path) -> dict:
    """Train the members (in parallel processes), then assemble and score the ensemble in ``out``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = [MemberJob(corpora, work / f"member-{seed}", settings, seed, vectors_file) for seed in settings.seeds]
    context = multiprocessing.get_context("spawn")  # fresh interpreters: torch is never forked
    with ProcessPoolExecutor(max_workers=max(1, min(settings.processes, len(jobs))), mp_context=context) as pool:
        members = list(pool.map(train_member, jobs))
    tmp = out.with_name(out.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for i, job in enumerate(jobs):
        names = [member_file(job.seed)] + ([Network.VOCAB, FloretVectors.TABLE, FloretVectors.SETTINGS] if i == 0 else [])
        for name in names:
            shutil.copyfile(job.folder / name, tmp / name)
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    tokenizer = Tokenizer()
    _, dev_sents = split_train_dev(list(read_conll(corpora / ANERCORP_TRAIN)))
    shipped = Ensemble.load(out)
    return {"members": members, "dev": evaluate_sentences(shipped, dev_sents, tokenizer),
            "dev_f1_no_propagation": round(100 * evaluate_sentences(shipped, dev_sents, tokenizer, 0).prf()[2], 2),
            "seconds": max(m["seconds"] for m in members), "n_train": members[0]["n_train"],
            "n_dev": members[0]["n_dev"], "n_words": members[0]["n_words"]}


# -- card ---------------------------------------------------------------------------------

def write_card(out: Path, experiments: Path | None) -> None:
    """``MODEL_CARD.md`` from the run's ``training.json`` plus the hand-kept experiments file."""
    run = json.loads((out / RUN_FILE).read_text(encoding="utf-8"))
    settings, result = run["settings"], run["result"]
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
    sections = [
        f"# {out.name}: Arabic NER (PER, LOC, ORG, MISC), an ensemble of BiLSTM-CRFs\n",
        "Produced by `make train` (`python -m pipeline.training.ner`); this file is rewritten by each run "
        f"from `{RUN_FILE}` and `{experiments.name if experiments else '-'}`.\n",
        "## Model\n",
        "Per model token: a trainable embedding of its folded form (forms seen at least "
        f"{settings['word_min_count']} times in train; {result['n_words']} rows), a character CNN "
        f"({settings['char_dim']}-dim characters, {settings['char_filters']} filters of width "
        f"{settings['char_window']}, first {settings['max_word_chars']} characters, max-pooled), the frozen floret "
        "vector of its folded form and a proclitic flag -> one BiLSTM layer "
        f"(2 x {settings['hidden']}) -> per-label scores. {len(settings['seeds'])} such networks, trained with "
        f"seeds {settings['seeds']}, form an ensemble: their label scores and CRF transition scores are averaged, "
        "then Viterbi decodes with invalid IOB2 moves forbidden; then label-consistency propagation across "
        "sentences (`pipeline.ner.model.propagate`) and no PER span starting on a definite nationality "
        "adjective. Trained in PyTorch; inference is plain numpy (`pipeline/ner/bilstm.py`: "
        "`network-<seed>.npz`, `vocab.json`, `vectors.npy`, `vectors.json`); neither torch nor spaCy is "
        "loaded at run time.\n",
        "## Data\n",
        f"- ANERcorp CAMeL Lab train split minus its last articles: {result['n_train']} sentences for training, "
        f"{result['n_dev']} for dev (whole contiguous articles from the END of train, starting at "
        f"\"{' '.join(DEV_FIRST_WORDS)}\"; `make train` writes it to `.cache/train/{DEV_FILE}`). "
        "The test split is never read by training. No other gold data.",
        "- Static floret vectors trained on the ANT part of `news_unlabeled` (Apache-2.0; cite Chouigui et al. "
        f"2017): {settings['extra'].get('vectors_articles', '?')} articles, "
        f"{settings['extra'].get('vectors_tokens', 0):,} tokens, tokenized and folded by the pipeline's own "
        "tokenizer; no `saudinewsnet:` record was used." if not settings["vectors_all_news"]
        else "- Vectors include SaudiNewsNet (NOT for shipping).",
        "- Every token is proclitic-split exactly as the pipeline's tokenizer splits it; the clitic of an "
        "entity's first word is left outside the entity; orphan `I-` tags start an entity (conlleval).\n",
        "## Settings\n",
        "```json\n" + json.dumps(settings, indent=1, ensure_ascii=False) + "\n```\n",
        f"Vectors {settings['extra'].get('vectors_seconds', 0)} s; members trained side by side (one thread "
        f"each), the slowest in {result['seconds']} s; whole run {settings['extra'].get('total_seconds', 0)} s. "
        f"Model folder: {size:.1f} MB.\n",
        "## Dev figures of this run\n",
        "The ensemble, as shipped:\n",
        "```\n" + result["dev_table"] + "\n```\n",
        f"Without label propagation: {result['dev_f1_no_propagation']} micro-F1.\n",
        "Each member alone (its best epoch is the one kept):\n",
    ] + [f"- seed {m['seed']}: dev micro-F1 {m['dev_f1']} at epoch {m['best_epoch']} of {settings['epochs']} "
         f"({m['seconds']} s; numpy and torch label scores agree to {m['export_gap']:.1e}); after each epoch: "
         + ", ".join(f"{h['epoch']}: {h['dev_f1']}" for h in m["history"]) for m in result["members"]] + [""]
    if experiments and experiments.is_file():
        sections.append(experiments.read_text(encoding="utf-8"))
    (out / "MODEL_CARD.md").write_text("\n".join(sections), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--out", type=Path, default=resource_paths().model)
    parser.add_argument("--work", type=Path, default=Path(".cache/train"), help="scratch folder (news text, vectors)")
    parser.add_argument("--vectors", type=Path, help="an existing floret vectors file (`vectors.floret`; skips step 1)")
    parser.add_argument("--experiments", type=Path, default=EXPERIMENTS,
                        help="markdown appended to the model card (the table of what was tried)")
    parser.add_argument("--card-only", action="store_true", help="only rewrite MODEL_CARD.md of --out")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="override a setting")
    args = parser.parse_args(argv)
    if args.card_only:
        write_card(args.out, args.experiments)
        return
    settings = Settings()
    for item in args.set:
        name, _, value = item.partition("=")
        if not hasattr(settings, name):
            raise SystemExit(f"unknown setting {name}")
        setattr(settings, name, json.loads(value))
    started = time.time()
    vectors = args.vectors or build_vectors(args.corpora, args.work, settings, Tokenizer())
    write_conll(split_train_dev(list(read_conll(args.corpora / ANERCORP_TRAIN)))[1], args.work / DEV_FILE)
    result = train(args.corpora, args.out, settings, vectors, args.work)
    settings.extra["total_seconds"] = round(time.time() - started)
    dev: Scores = result.pop("dev")
    result["dev_table"] = dev.table()
    result["dev_scores"] = dev.as_dict()
    (args.out / RUN_FILE).write_text(json.dumps({"settings": settings.__dict__, "result": result}, indent=1,
                                                ensure_ascii=False) + "\n", encoding="utf-8")
    write_card(args.out, args.experiments)
    print(result["dev_table"])
    print(f"model: {args.out}, {time.time() - started:.0f} s in all")


if __name__ == "__main__":
    main()
