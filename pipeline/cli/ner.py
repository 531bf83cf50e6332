"""CLI subcommands for the statistical model: ``tag-conll`` and ``evaluate`` (wired in ``pipeline/cli/__init__.py``).

Both read CoNLL files through :mod:`pipeline.ner.conll` (ANERcorp, AQMAR and WikiFANE
formats, tags mapped to PER/LOC/ORG/MISC) and tag the given tokens as they are: no
re-tokenization; each token is proclitic-split internally and takes its stem's tag.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

UNKNOWN_GOLD = "_"  # written in the gold column when the input had no tag column


def _model(model_path: Path | None, convention: str = "anercorp"):
    from pipeline.ner.model import Model, ModelError
    from pipeline.ner.student import ANERCORP, NEWS

    try:
        return Model(model_path, convention=ANERCORP if convention == "anercorp" else NEWS)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _conll_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.glob("*.txt") if p.name.lower() != "readme.txt") if path.is_dir() else [path]
    return files


def _is_tagged_output(path: Path) -> bool:
    """True for a ``token gold predicted`` file (three columns), e.g. ``tag-conll`` output."""
    with open(path, encoding="utf-8-sig") as lines:
        for line in lines:
            if line.strip():
                return len(line.split()) >= 3
    return False


model_option = click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False, path_type=Path),
                            help="Model folder (default: the shipped models/ner-ar).")
system_option = click.option("--system", type=click.Choice(["model", "stage"]), default="model", show_default=True,
                             help="model: the statistical model alone; stage: the whole NER stage (gazetteer, rules, "
                                  "model, merge, coreference) as the pipeline runs it.")


convention_option = click.option(
    "--convention", type=click.Choice(["anercorp", "news"]), default="anercorp", show_default=True,
    help="Annotation convention the model follows: ANERcorp's (for ANERcorp-style CoNLL files) or the "
         "pipeline's own (data/news_gold/GUIDELINES.md); the model learned both. The stage always uses news.")


def _tagger(system: str, model_path: Path | None, convention: str = "anercorp"):
    """Something with ``tag_sentences``: the model, or the NER stage built around it."""
    if system == "model":
        return _model(model_path, convention)
    from pipeline.kb.gazetteer import load_gazetteer
    from pipeline.ner import Recognizer
    from pipeline.ner.stage_tagger import StageTagger
    from pipeline.tokenize import Tokenizer

    tokenizer = Tokenizer()
    return StageTagger(Recognizer(load_gazetteer(), tokenizer), tokenizer)


@click.command("tag-conll")
@click.argument("in_path", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out_path", metavar="OUT", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@model_option
@system_option
@convention_option
def tag_conll(in_path: Path, out_path: Path, model_path: Path | None, system: str, convention: str) -> None:
    """Tag the tokens of a CoNLL file (`token [TAG]` lines, blank line between sentences).

    Writes `token gold predicted` lines (gold mapped to PER/LOC/ORG/MISC, or `_` where IN
    has no tag column), a blank line between sentences; OUT can be given to `evaluate`.
    """
    from pipeline.ner.conll import read_conll

    sentences = list(read_conll(in_path))
    model = _tagger(system, model_path, convention)
    started = time.perf_counter()
    predicted = model.tag_sentences([[token for token, _ in s] for s in sentences])
    seconds = time.perf_counter() - started
    with open(out_path, "w", encoding="utf-8") as out:
        for sentence, tags in zip(sentences, predicted):
            for (token, gold), tag in zip(sentence, tags):
                out.write(f"{token} {gold or UNKNOWN_GOLD} {tag}\n")
            out.write("\n")
    n = sum(len(s) for s in sentences)
    click.echo(f"tagged {n} tokens in {len(sentences)} sentences ({seconds:.1f} s, {n / max(seconds, 1e-9):,.0f} tokens/s) -> {out_path}")


@click.command()
@click.option("--conll", "conll_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Gold CoNLL file or folder of *.txt files (repeatable); a `token gold predicted` file is scored as is.")
@click.option("--gold", "gold_path", type=click.Path(exists=True, path_type=Path),
              help="Gold news articles (data/news_gold/dev.jsonl, or a folder): the NER stage, the stage with the "
                   "gold's KB entities removed (names outside the KB) and the model alone, exact and relaxed.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the scores as JSON.")
@model_option
@system_option
@convention_option
def evaluate(conll_paths: tuple[Path, ...], gold_path: Path | None, json_path: Path | None, model_path: Path | None,
             system: str, convention: str) -> None:
    """Entity-level precision, recall and F1 on gold data: CoNLL files (the model or the stage on
    given tokens, conlleval style: exact span and type, an orphan I- tag starts an entity) or
    gold news articles (--gold: spans in running text, exact and relaxed)."""
    if gold_path is not None:
        _evaluate_gold(gold_path, json_path)
        return
    if not conll_paths:
        raise click.UsageError("give --conll FILE or --gold FILE")
    from pipeline.ner.conll import read_conll
    from pipeline.ner.evaluate import Scores, read_tagged, write_json

    files = _conll_files(conll_paths)
    if not files:
        raise click.ClickException("no CoNLL files found")
    scores = Scores()
    model = None
    tagged_tokens, seconds = 0, 0.0
    for path in files:
        if _is_tagged_output(path):
            for gold, pred in zip(*read_tagged(path)):
                scores.add(gold, pred)
            continue
        sentences = list(read_conll(path))
        model = model or _tagger(system, model_path, convention)
        started = time.perf_counter()
        predicted = model.tag_sentences([[token for token, _ in s] for s in sentences])
        seconds += time.perf_counter() - started
        tagged_tokens += sum(len(s) for s in sentences)
        for sentence, pred in zip(sentences, predicted):
            scores.add([tag or "O" for _, tag in sentence], pred)
    click.echo(scores.table())
    if not sum(scores.gold.values()):
        click.echo("warning: the files have no gold entities (no tag column?)", err=True)
    if tagged_tokens:
        click.echo(f"tagging: {tagged_tokens} tokens in {seconds:.1f} s ({tagged_tokens / max(seconds, 1e-9):,.0f} tokens/s)")
    if json_path:
        write_json(scores, json_path, files=[str(p) for p in files], system=system,
                   model=str(model.path) if model is not None and hasattr(model, "path") else None)
        click.echo(f"scores: {json_path}")


def _evaluate_gold(gold_path: Path, json_path: Path | None) -> None:
    import json

    from pipeline.gold import GoldError
    from pipeline.ner.gold_eval import evaluate_gold, table

    started = time.perf_counter()
    try:
        results = evaluate_gold(gold_path)
    except GoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(table(results))
    click.echo(f"({time.perf_counter() - started:.1f} s)")
    if json_path:
        data = {"gold": str(gold_path), "systems": {name: scores.as_dict() for name, scores in results.items()}}
        json_path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        click.echo(f"scores: {json_path}")
