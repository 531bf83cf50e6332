"""Training the shipped NER model: ``python -m pipeline.ner.train --corpora ../shared/corpora``.

Steps (all seeded; ``make train`` runs them with the shipped settings):
1. vectors — the ANT part of ``news_unlabeled`` (never ``saudinewsnet:`` records, which are
   non-commercial) is cleaned, tokenized and folded exactly as the pipeline does, and floret
   subword vectors are trained on it (one thread, so the run is repeatable);
2. data — ANERcorp CAMeL train minus its last articles (the dev split: whole contiguous
   articles from the END of train, since random dev sentences overstate), optionally plus
   WikiFANEGold; every token is proclitic-split as the pipeline splits it (:func:`segment`);
3. model — a spaCy tok2vec CNN + transition-based NER, trained with our own loop and scored
   on dev with :mod:`pipeline.ner.evaluate` on the corpus's own tokens; the best step is kept;
4. card — ``MODEL_CARD.md`` in the model folder, with the dev figures of this run.

The test split is never read here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.arabic import CLEAN_TRANSLATION, fold, is_arabic_word
from pipeline.ner.conll import read_conll
from pipeline.ner.evaluate import Scores
from pipeline.ner.model import DEFAULT_MODEL_PATH, NameLists, make_doc, segment, tags_to_piece_spans
from pipeline.tokenize import TOKEN_RE, Tokenizer

ANERCORP_TRAIN = "ANERcorp-CamelLabSplits/ANERCorp_CamelLab_train.txt"
WIKIFANE = "WikiFANE_2014_Gold_standard/WikiFANE_Gold_2014_500K.txt"
NEWS = "news_unlabeled"
RUN_FILE = "training.json"  # settings and dev figures of the run, in the model folder
EXPERIMENTS = DEFAULT_MODEL_PATH.parent / f"{DEFAULT_MODEL_PATH.name}.experiments.md"  # kept by hand
DEV_FILE = "ANERcorp_dev.txt"  # written to the --work folder for `mena-ner evaluate --conll`
# The dev split starts with this article (sentence 3,526 of 3,973; ~14k of 125k tokens).
DEV_FIRST_WORDS = ("واشنطن", "(", "اف", "ب", ")", "اتهم", "البيت", "الابيض")

CONFIG = """
[paths]
vectors = {vectors}

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "ar"
pipeline = ["tok2vec","ner"]
batch_size = 256

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

{embed}

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = {window}
maxout_pieces = 3

[components.ner]
factory = "ner"
moves = null
update_with_oracle_cut_size = 100
incorrect_spans_key = null

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {hidden}
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = {width}
upstream = "*"

[training]
seed = {seed}
dropout = {dropout}

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 1e-08

[training.optimizer.learn_rate]
@schedules = "warmup_linear.v1"
warmup_steps = 250
total_steps = {steps}
initial_rate = {lr}

[initialize]
vectors = ${{paths.vectors}}
"""


EMBED_HASH = """[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = {attrs}
rows = {rows}
include_static_vectors = {static}"""
# Experiment: the folded word plus its first and last ``chars`` characters, each embedded.
EMBED_CHARS = """[components.tok2vec.model.embed]
@architectures = "spacy.CharacterEmbed.v2"
width = {width}
rows = 20000
nM = 64
nC = {chars}
include_static_vectors = {static}
feature = "NORM"
"""


@dataclass
class Settings:
    """Everything that decides the shipped model; written into the model card."""

    seed: int = 0
    width: int = 128
    depth: int = 4
    window: int = 1
    hidden: int = 64
    dropout: float = 0.2
    lr: float = 0.001
    steps: int = 2000  # length of the learning-rate schedule
    eval_every: int = 250
    patience: int = 500  # stop when dev F1 has not improved for this many steps
    batch_words: int = 1000
    attrs: tuple[str, ...] = ("NORM", "PREFIX", "SUFFIX", "SHAPE")
    rows: tuple[int, ...] = (20000, 2000, 5000, 1000)
    wikifane: float = 0.0  # share of WikiFANE sentences mixed in per epoch (0 = none, 1 = all)
    name_lists: bool = False  # LEMMA feature: WikiFANE name-list class of each word (see NameLists)
    name_min_ratio: float = 0.5
    char_embed: int = 0  # > 0: CharacterEmbed with this many first/last characters instead of MultiHashEmbed
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


def build_name_lists(sentences: list, tokenizer: Tokenizer, min_ratio: float) -> NameLists:
    """Words that are mostly inside entities of a type in ``sentences`` (see :class:`NameLists`)."""
    from collections import Counter

    seen: Counter = Counter()
    inside: dict[str, Counter] = {}
    for sentence in sentences:
        seg = segment([t for t, _ in sentence], tokenizer)
        seen.update(n for n, c in zip(seg.norms, seg.clitic) if not c)
        for start, end, label in tags_to_piece_spans([tag or "O" for _, tag in sentence], seg):
            for i in range(start, end):
                if not seg.clitic[i]:
                    inside.setdefault(seg.norms[i], Counter())[label] += 1
    classes = {}
    for word, labels in inside.items():
        kinds = sorted(label for label, n in labels.items() if n >= min_ratio * seen[word])
        if kinds and any(ch.isalpha() for ch in word):
            classes[word] = "+".join(kinds)
    return NameLists(classes)


def to_examples(nlp, sentences: list, tokenizer: Tokenizer, lists: NameLists | None = None) -> list:
    """CoNLL sentences -> spaCy Examples over proclitic-split tokens with folded NORMs."""
    from spacy.tokens import Span
    from spacy.training import Example

    examples = []
    for sentence in sentences:
        words = [t for t, _ in sentence]
        tags = [tag or "O" for _, tag in sentence]
        seg = segment(words, tokenizer)
        predicted = make_doc(nlp.vocab, seg.words, seg.norms, lists)
        reference = make_doc(nlp.vocab, seg.words, seg.norms, lists)
        reference.ents = [Span(reference, s, e, label=label) for s, e, label in tags_to_piece_spans(tags, seg)]
        examples.append(Example(predicted, reference))
    return examples


def evaluate_sentences(nlp, sentences: list, tokenizer: Tokenizer, lists: NameLists | None = None) -> Scores:
    """Tag the given tokens with ``nlp`` and score against their gold tags."""
    from pipeline.ner.model import Model

    model = Model.from_nlp(nlp, tokenizer, lists)
    predicted = model.tag_sentences([[t for t, _ in s] for s in sentences])
    scores = Scores()
    for sentence, pred in zip(sentences, predicted):
        scores.add([tag or "O" for _, tag in sentence], pred)
    return scores


# -- vectors ------------------------------------------------------------------------------

def news_text(corpora: Path, out: Path, tokenizer: Tokenizer, all_news: bool = False) -> tuple[int, int]:
    """One paragraph a line of folded pipeline tokens; returns (articles, tokens)."""
    articles = tokens = 0
    with out.open("w", encoding="utf-8") as sink:
        for part in sorted((corpora / NEWS).glob("part-*.jsonl.gz")):
            with gzip.open(part, "rt", encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    if not all_news and record["id"].startswith("saudinewsnet:"):
                        continue
                    articles += 1
                    for paragraph in record["text"].translate(CLEAN_TRANSLATION).split("\n"):
                        norms = []
                        for match in TOKEN_RE.finditer(paragraph):
                            word = match.group()
                            split = tokenizer.proclitic_split(word) if is_arabic_word(word) else None
                            if split is None:
                                norms.append(fold(word))
                            else:
                                norms += [fold(word[:split[0]]), split[1]]
                        if norms:
                            sink.write(" ".join(norms) + "\n")
                            tokens += len(norms)
    return articles, tokens


def build_vectors(corpora: Path, work: Path, settings: Settings, tokenizer: Tokenizer) -> Path:
    """Train floret vectors on the news corpus and convert them to a spaCy vectors folder."""
    import floret

    work.mkdir(parents=True, exist_ok=True)
    text = work / "news.txt"
    started = time.time()
    articles, tokens = news_text(corpora, text, tokenizer, settings.vectors_all_news)
    print(f"vectors: {articles} articles, {tokens:,} tokens of news ({time.time() - started:.0f} s)", flush=True)
    model = floret.train_unsupervised(
        str(text), model="cbow", mode="floret", hashCount=2, bucket=settings.vectors_bucket, minn=3, maxn=5,
        dim=settings.vectors_dim, epoch=settings.vectors_epoch, thread=settings.vectors_threads, minCount=3,
        verbose=0)
    floret_file = work / "vectors.floret"
    model.save_floret_vectors(str(floret_file))
    out = work / "vectors"
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "ar", str(floret_file), str(out),
                    "--mode", "floret", "--attr", "NORM"], check=True, stdout=subprocess.DEVNULL)
    settings.extra["vectors_tokens"] = tokens
    settings.extra["vectors_articles"] = articles
    settings.extra["vectors_seconds"] = round(time.time() - started)
    print(f"vectors: done in {time.time() - started:.0f} s", flush=True)
    return out


# -- model --------------------------------------------------------------------------------

def write_conll(sentences: list, path: Path) -> None:
    """Sentences back to ``token TAG`` lines (tags already mapped), for ``mena-ner evaluate``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for sentence in sentences:
            out.writelines(f"{token} {tag or 'O'}\n" for token, tag in sentence)
            out.write("\n")


def train(corpora: Path, out: Path, settings: Settings, vectors: Path | None, log=print,
          dev_file: Path | None = None) -> dict:
    from pipeline.ner.model import prepare_spacy

    prepare_spacy()  # numpy's BLAS: training ~3x faster than with thinc's bundled BLIS here
    import spacy
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import Config

    tokenizer = Tokenizer()
    fix_random_seed(settings.seed)
    rng = random.Random(settings.seed)
    anercorp = list(read_conll(corpora / ANERCORP_TRAIN))
    train_sents, dev_sents = split_train_dev(anercorp)
    if dev_file:
        write_conll(dev_sents, dev_file)
    wikifane = list(read_conll(corpora / WIKIFANE)) if settings.wikifane > 0 or settings.name_lists else []
    extra_sents = wikifane if settings.wikifane > 0 else []
    lists = build_name_lists(wikifane, tokenizer, settings.name_min_ratio) if settings.name_lists else None

    embed = EMBED_CHARS if settings.char_embed else EMBED_HASH
    attrs, rows = list(settings.attrs), list(settings.rows)
    if settings.name_lists and "LEMMA" not in attrs:
        attrs, rows = attrs + ["LEMMA"], rows + [64]
    embed = embed.format(width=settings.width, attrs=json.dumps(attrs), rows=json.dumps(rows),
                         static="true" if vectors else "false", chars=settings.char_embed)
    config = Config().from_str(CONFIG.format(
        embed=embed, seed=settings.seed, width=settings.width, depth=settings.depth, window=settings.window,
        hidden=settings.hidden, dropout=settings.dropout, lr=settings.lr, steps=settings.steps,
        vectors=json.dumps(str(vectors)) if vectors else "null"))
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    train_examples = to_examples(nlp, train_sents, tokenizer, lists)
    if lists is not None and extra_sents:
        # Jackknife: each half of WikiFANE gets the lists built from the other half, so that
        # the feature is not a perfect oracle on the data it was built from.
        half = len(extra_sents) // 2
        a, b = extra_sents[:half], extra_sents[half:]
        extra_examples = (to_examples(nlp, a, tokenizer, build_name_lists(b, tokenizer, settings.name_min_ratio))
                          + to_examples(nlp, b, tokenizer, build_name_lists(a, tokenizer, settings.name_min_ratio)))
    else:
        extra_examples = to_examples(nlp, extra_sents, tokenizer, lists)
    optimizer = nlp.initialize(lambda: train_examples + extra_examples)
    log(f"data: {len(train_sents)} train, {len(dev_sents)} dev, {len(extra_sents)} WikiFANE sentences; "
        f"{sum(len(s) for s in train_sents)} / {sum(len(s) for s in dev_sents)} / "
        f"{sum(len(s) for s in extra_sents)} tokens")

    def epoch_batches():
        while True:
            pool = list(train_examples)
            if extra_examples:
                pool += rng.sample(extra_examples, int(len(extra_examples) * min(settings.wikifane, 1.0)))
            rng.shuffle(pool)
            yield from minibatch(pool, size=_words_batcher(settings.batch_words))

    best = (-1.0, 0)
    history = []
    started = time.time()
    losses: dict = {}
    tmp = out.with_name(out.name + ".best-tmp")
    for step, batch in enumerate(epoch_batches(), start=1):
        nlp.update(batch, sgd=optimizer, drop=settings.dropout, losses=losses)
        optimizer.step_schedules()
        if step % settings.eval_every == 0 or step == settings.steps:
            with nlp.use_params(optimizer.averages):
                scores = evaluate_sentences(nlp, dev_sents, tokenizer, lists)
                f1 = scores.prf()[2]
                if f1 > best[0]:
                    best = (f1, step)
                    if tmp.exists():
                        shutil.rmtree(tmp)
                    nlp.to_disk(tmp)
                    if lists is not None:
                        lists.save(tmp)
            history.append({"step": step, "loss": round(float(losses.get("ner", 0.0)), 1), "dev_f1": round(100 * f1, 2)})
            log(f"step {step:5d}  loss {losses.get('ner', 0.0):9.1f}  dev F1 {100 * f1:5.2f}  "
                f"(best {100 * best[0]:5.2f} @ {best[1]})  {time.time() - started:5.0f} s")
            losses = {}
        if step >= settings.steps or step - best[1] >= settings.patience:
            break
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    best_nlp = spacy.load(out)
    dev_scores = evaluate_sentences(best_nlp, dev_sents, tokenizer, NameLists.load(out))
    return {"best_step": best[1], "dev": dev_scores, "history": history, "seconds": round(time.time() - started),
            "n_train": len(train_sents), "n_dev": len(dev_sents), "n_extra": len(extra_sents)}


def _words_batcher(words: int):
    from itertools import repeat

    return repeat(words // 25)  # sentences average ~30 pieces: about ``words`` words a batch


# -- card ---------------------------------------------------------------------------------

def write_card(out: Path, experiments: Path | None) -> None:
    """``MODEL_CARD.md`` from the run's ``training.json`` plus the hand-kept experiments file."""
    run = json.loads((out / RUN_FILE).read_text(encoding="utf-8"))
    settings, result = run["settings"], run["result"]
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
    sections = [
        f"# {out.name}: Arabic NER (PER, LOC, ORG, MISC), spaCy CNN\n",
        "Produced by `make train` (`python -m pipeline.ner.train`); this file is rewritten by each run "
        f"from `{RUN_FILE}` and `{experiments.name if experiments else '-'}`.\n",
        "## Data\n",
        f"- ANERcorp CAMeL Lab train split minus its last articles: {result['n_train']} sentences for training, "
        f"{result['n_dev']} for dev (whole contiguous articles from the END of train, starting at "
        f"\"{' '.join(DEV_FIRST_WORDS)}\"; `make train` writes it to `.cache/train/{DEV_FILE}`). "
        "The test split is never read by training.",
        f"- WikiFANEGold 2014 (CC BY-SA 3.0), fine types mapped as in `pipeline/ner/conll.py`: "
        f"{result['n_extra']} sentences, {settings['wikifane']:.0%} of them re-sampled each epoch."
        if result["n_extra"] else "- No extra gold data (WikiFANE did not help on dev: see the experiments).",
        "- Static floret vectors trained on the ANT part of `news_unlabeled` (Apache-2.0; cite Chouigui et al. "
        f"2017): {settings['extra'].get('vectors_articles', '?')} articles, "
        f"{settings['extra'].get('vectors_tokens', 0):,} tokens, tokenized and folded by the pipeline's own "
        "tokenizer; no `saudinewsnet:` record was used." if not settings["vectors_all_news"]
        else "- Vectors include SaudiNewsNet (NOT for shipping).",
        "- Every token is proclitic-split exactly as the pipeline's tokenizer splits it; the clitic of an "
        "entity's first word is left outside the entity; orphan `I-` tags start an entity (conlleval).\n",
        "## Settings\n",
        "```json\n" + json.dumps(settings, indent=1, ensure_ascii=False) + "\n```\n",
        f"Best dev step {result['best_step']} (schedule of {settings['steps']} steps, stopped after "
        f"{result['history'][-1]['step']}); vectors {settings['extra'].get('vectors_seconds', 0)} s, "
        f"NER training {result['seconds']} s, whole run {settings['extra'].get('total_seconds', 0)} s. "
        f"Model folder: {size:.1f} MB.\n",
        "## Dev figures of this run\n",
        "```\n" + result["dev_table"] + "\n```\n",
        "Dev F1 during training: " + ", ".join(f"{h['step']}: {h['dev_f1']}" for h in result["history"]) + "\n",
    ]
    if experiments and experiments.is_file():
        sections.append(experiments.read_text(encoding="utf-8"))
    (out / "MODEL_CARD.md").write_text("\n".join(sections), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--work", type=Path, default=Path(".cache/train"), help="scratch folder (news text, vectors)")
    parser.add_argument("--vectors", type=Path, help="an existing spaCy vectors folder (skips step 1)")
    parser.add_argument("--no-vectors", action="store_true")
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
        parsed = json.loads(value)
        setattr(settings, name, tuple(parsed) if isinstance(parsed, list) else parsed)
    started = time.time()
    vectors = None
    if not args.no_vectors:
        vectors = args.vectors or build_vectors(args.corpora, args.work, settings, Tokenizer())
    result = train(args.corpora, args.out, settings, vectors, log=lambda m: print(m, flush=True),
                   dev_file=args.work / DEV_FILE)
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
