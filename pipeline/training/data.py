"""Training sentences for the NER networks, from both gold corpora, on the pipeline's own tokens.

- ANERcorp (CAMeL Lab train split): given tokens, proclitic-split by :func:`~pipeline.ner.model.segment`
  exactly as the pipeline's tokenizer splits them; its last articles are the ANERcorp dev split.
- The news gold corpus (``data/news_gold``): each article cleaned and tokenized by the pipeline
  itself (the tokens the model sees at run time), gold character spans mapped onto the tokens.

Every sentence carries its annotation ``convention`` (0: ANERcorp's, 1: our news guideline): the
two corpora disagree on what a mention is (currencies and religions are MISC in ANERcorp, a
ministry or "الجيش اللبناني" is an ORG in ours), and the networks are told which one a sentence
follows. The pipeline always asks for ours; scoring on ANERcorp asks for ANERcorp's.

:func:`replace_mentions` is the mention-replacement augmentation: a PER, LOC or ORG mention is
swapped for a knowledge-base name of the same label, so the networks learn names from context
rather than by heart.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.clean import clean_text
from pipeline.gold import read_gold
from pipeline.ner.conll import read_conll
from pipeline.ner.conll import spans as tag_spans
from pipeline.ner.model import segment, tags_to_piece_spans
from pipeline.tokenize import Tokenizer

ANERCORP_TRAIN = "ANERcorp-CamelLabSplits/ANERCorp_CamelLab_train.txt"
ANERCORP, NEWS = 0, 1  # annotation conventions
MODEL_LABELS = ("PER", "LOC", "ORG", "MISC")  # RES comes from the resolution rule only
# The ANERcorp dev split starts with this article (sentence 3,526 of 3,973; ~14k of 125k tokens).
DEV_FIRST_WORDS = ("واشنطن", "(", "اف", "ب", ")", "اتهم", "البيت", "الابيض")
REPLACEABLE = ("PER", "LOC", "ORG")


@dataclass(frozen=True)
class Sentence:
    """One sentence over model tokens, with IOB2 labels."""

    words: list[str]
    norms: list[str]
    clitic: list[bool]
    labels: list[str]
    convention: int


def split_train_dev(sentences: list) -> tuple[list, list]:
    """ANERcorp train -> (train, dev); dev is the tail starting at the article ``DEV_FIRST_WORDS``."""
    for i, sentence in enumerate(sentences):
        if tuple(t for t, _ in sentence[:len(DEV_FIRST_WORDS)]) == DEV_FIRST_WORDS:
            return sentences[:i], sentences[i:]
    raise SystemExit("dev split start not found in ANERcorp train: is it the CAMeL Lab file?")


def anercorp(corpora: Path, tokenizer: Tokenizer) -> tuple[list[Sentence], list[Sentence]]:
    """ANERcorp train and dev sentences over model tokens."""
    train, dev = split_train_dev(list(read_conll(corpora / ANERCORP_TRAIN)))
    return [_anercorp_sentence(s, tokenizer) for s in train], [_anercorp_sentence(s, tokenizer) for s in dev]


def _anercorp_sentence(sentence: list, tokenizer: Tokenizer) -> Sentence:
    seg = segment([t for t, _ in sentence], tokenizer)
    labels = ["O"] * len(seg.words)
    for start, end, label in tags_to_piece_spans([tag or "O" for _, tag in sentence], seg):
        labels[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return Sentence(seg.words, seg.norms, seg.clitic, labels, ANERCORP)


def news_gold(path: str | Path, tokenizer: Tokenizer) -> list[Sentence]:
    """Sentences of gold news articles, tokenized by the pipeline, gold spans mapped onto tokens.

    A token takes the label of the gold mention its source span falls in (a token that starts
    before a mention — an unsplit proclitic — and ends inside it is its first token). Nested
    mentions (a place inside a facility) and RES are left out: the networks tag flat spans of
    :data:`MODEL_LABELS`.
    """
    out = []
    for article in read_gold(path):
        mentions = _outermost([m for m in article.mentions if m.label in MODEL_LABELS])
        for doc in clean_text(article.text, source=article.id):
            tdoc = tokenizer(doc)
            spans = [doc.text.source_span(t.start, t.end) for t in tdoc.tokens]
            labels = _token_labels(spans, [(m.start, m.end, m.label) for m in mentions])
            for s in tdoc.sentences:
                tokens = tdoc.tokens[s.start:s.end]
                if tokens:
                    out.append(Sentence([t.text for t in tokens], [t.norm for t in tokens],
                                        [t.is_clitic for t in tokens], labels[s.start:s.end], NEWS))
    return out


def _outermost(mentions: list) -> list:
    kept: list = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def _token_labels(tokens: Sequence[tuple[int, int]], mentions: Sequence[tuple[int, int, str]]) -> list[str]:
    labels = ["O"] * len(tokens)
    for start, end, label in mentions:
        inside = [i for i, (a, b) in enumerate(tokens) if a < end and b > start]
        for n, i in enumerate(inside):
            labels[i] = ("B-" if n == 0 else "I-") + label
    return labels


# -- augmentation ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Name:
    words: tuple[str, ...]
    norms: tuple[str, ...]
    clitic: tuple[bool, ...]


def kb_names(tokenizer: Tokenizer, gazetteer=None) -> dict[str, list[Name]]:
    """Tokenized Arabic names and aliases of knowledge-base entries, by label (PER, LOC, ORG)."""
    from pipeline.kb.gazetteer import load_gazetteer

    gazetteer = gazetteer or load_gazetteer()
    names: dict[str, list[Name]] = {label: [] for label in REPLACEABLE}
    for entry in gazetteer.entries.values():
        if entry.label not in names or entry.match != "auto":
            continue
        for form in entry.surface_forms:
            tokens = tokenizer.tokenize(form)
            if tokens and not tokens[0].is_clitic:
                names[entry.label].append(Name(tuple(t.text for t in tokens), tuple(t.norm for t in tokens),
                                               tuple(t.is_clitic for t in tokens)))
    return names


def replace_mentions(sentence: Sentence, names: dict[str, list[Name]], rng: random.Random, rate: float) -> Sentence:
    """``sentence`` with each PER/LOC/ORG mention swapped, with probability ``rate``, for a random
    knowledge-base name of the same label."""
    spans = tag_spans(list(sentence.labels))
    if not spans or rate <= 0:
        return sentence
    words, norms, clitic, labels = [], [], [], []
    last = 0
    for start, end, label in spans:
        words += sentence.words[last:start]
        norms += sentence.norms[last:start]
        clitic += sentence.clitic[last:start]
        labels += sentence.labels[last:start]
        if label in names and names[label] and rng.random() < rate:
            name = rng.choice(names[label])
            words += name.words
            norms += name.norms
            clitic += name.clitic
            labels += [f"B-{label}"] + [f"I-{label}"] * (len(name.words) - 1)
        else:
            words += sentence.words[start:end]
            norms += sentence.norms[start:end]
            clitic += sentence.clitic[start:end]
            labels += sentence.labels[start:end]
        last = end
    words += sentence.words[last:]
    norms += sentence.norms[last:]
    clitic += sentence.clitic[last:]
    labels += sentence.labels[last:]
    return replace(sentence, words=words, norms=norms, clitic=clitic, labels=labels)


def write_anercorp_dev(corpora: Path, out: Path) -> int:
    """The ANERcorp dev split (the tail of its train file) as a CoNLL file, tags as in the corpus
    (``mena-ner evaluate --conll`` scores it); returns the number of sentences."""
    _, dev = split_train_dev(list(read_conll(corpora / ANERCORP_TRAIN, map_tags=False)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n\n".join("\n".join(f"{token} {tag}" for token, tag in s) for s in dev) + "\n", encoding="utf-8")
    return len(dev)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the ANERcorp dev split (end of its train file) as CoNLL.")
    parser.add_argument("--corpora", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--out", type=Path, default=Path(".cache/ANERcorp_dev.txt"))
    args = parser.parse_args()
    print(f"{write_anercorp_dev(args.corpora, args.out)} sentences -> {args.out}")
