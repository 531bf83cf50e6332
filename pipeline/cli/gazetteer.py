"""``mena-ner gazetteer validate | list | add``: inspect and extend the knowledge base."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from pipeline.kb.gazetteer import COLUMNS, GazetteerError, load_gazetteer, parse_row, read_gazetteer_file
from pipeline.resources import resource_paths


@click.group()
def gazetteer() -> None:
    """Check, list and add gazetteer entries (data/gazetteers/*.csv; format in its README.md)."""


@gazetteer.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check the shipped and user gazetteers, plus FILES if given, and report every problem.

    Exit status 1 if any file has a problem (missing or unknown columns, unknown label,
    duplicate or clashing ids, malformed QIDs, empty names, bad coordinates).
    """
    try:
        kb = load_gazetteer(None, files)
    except GazetteerError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(exc.problems)} problem(s); fix them before running the pipeline", err=True)
        sys.exit(1)
    labels: dict[str, int] = {}
    for entry in kb.entries.values():
        labels[entry.label] = labels.get(entry.label, 0) + 1
    counts = ", ".join(f"{label} {n}" for label, n in sorted(labels.items()))
    click.echo(f"ok: {len(kb)} entries ({counts}) from {len(kb.files)} files")


@gazetteer.command(name="list")
@click.option("--label", type=click.Choice(["PER", "LOC", "ORG", "RES", "MISC"]), help="Only this label.")
@click.option("--search", help="Only entries whose id, names or aliases contain this text.")
@click.option("--limit", default=50, show_default=True, help="At most this many rows (0: all).")
def list_entries(label: str | None, search: str | None, limit: int) -> None:
    """Print entries as tab-separated id, label, name_ar, name_en, wikidata, match, file."""
    kb = load_gazetteer()
    shown = 0
    for entry in kb.entries.values():
        if label and entry.label != label:
            continue
        if search and not any(search.lower() in text.lower() for text in (entry.id, entry.name_en, *entry.surface_forms)):
            continue
        click.echo("\t".join((entry.id, entry.label, entry.name_ar, entry.name_en, entry.wikidata, entry.match,
                              Path(entry.file).name)))
        shown += 1
        if limit and shown >= limit:
            break


@gazetteer.command()
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="User gazetteer to append to (created with a header if missing)  [default: user.csv in the "
                   "gazetteer folder]")
@click.option("--id", "entry_id", required=True, help="Unique id, e.g. per:ayman-safadi.")
@click.option("--label", required=True, type=click.Choice(["PER", "LOC", "ORG", "RES", "MISC"]))
@click.option("--name-ar", required=True, help="Canonical Arabic name.")
@click.option("--name-en", default="", help="Canonical English name.")
@click.option("--aliases", default="", help="Other Arabic spellings, separated by |.")
@click.option("--wikidata", default="", help="Wikidata QID (Q…), only if a source confirms it.")
@click.option("--match", "match_mode", type=click.Choice(["auto", "context", "link"]), default="auto", show_default=True)
@click.option("--source", default="", help="Where the facts come from.")
def add(path: Path | None, entry_id: str, label: str, name_ar: str, name_en: str, aliases: str, wikidata: str,
        match_mode: str, source: str) -> None:
    """Append one validated entry to a user gazetteer; it overrides a shipped entry with the same id."""
    path = path or resource_paths().gazetteers / "user.csv"
    row = {"id": entry_id, "label": label, "name_ar": name_ar, "name_en": name_en, "aliases": aliases,
           "wikidata": wikidata, "match": match_mode, "source": source}
    entry, problems = parse_row(row)
    existing, file_problems = read_gazetteer_file(path) if path.exists() else ([], [])
    problems += file_problems
    if any(e.id == entry_id for e in existing):
        problems.append(f"id {entry_id!r} is already in {path}")
    if problems or entry is None:
        raise click.ClickException("entry not added:\n" + "\n".join(problems))
    new_file = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        if new_file:
            writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    click.echo(f"added {entry_id} to {path}")


@gazetteer.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Gazetteer CSV to write  [default: OUT_DIR/suggested_gazetteer.csv]")
@click.option("--top", default=50, show_default=True, help="How many entities.")
@click.option("--min-mentions", default=2, show_default=True, help="Only entities mentioned at least this often.")
def suggest(out_dir: Path, path: Path | None, top: int, min_mentions: int) -> None:
    """Write the most mentioned names of a finished run that no gazetteer holds as a gazetteer CSV.

    Check every row (keep the real names, fix labels and names, add English names and QIDs, delete
    the rest), then drop the file into data/gazetteers/ or pass it with --gazetteer: the next run
    links those names.
    """
    from pipeline.kb.suggest import suggestions, write_suggestions

    path = path or out_dir / "suggested_gazetteer.csv"
    if not (out_dir / "entities.csv").is_file():
        raise click.ClickException(f"{out_dir}/entities.csv not found: run `mena-ner run INPUT --out {out_dir}` first")
    count = write_suggestions(suggestions(out_dir, top, min_mentions), path)
    click.echo(f"{count} suggested entries -> {path}")
    click.echo(f"check them, then: mena-ner run INPUT... --out {out_dir} --overwrite --gazetteer {path}")
