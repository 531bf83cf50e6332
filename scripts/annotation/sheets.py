"""Annotation sheets for the news gold corpus (data/news_gold/): sheets in, JSONL out.

A *sheet* is the editable form of one article's gold mentions: one tab-separated line per
mention, in reading order, ``surface<TAB>LABEL<TAB>entity``. Offsets are found, not typed: each
surface is searched after the previous mention, as a whole word or after proclitics
(و ف ب ل ك); ``surface#k`` takes the k-th such occurrence after the previous mention (to skip,
say, صور 'pictures' before صور 'Tyre'); a place nested in a facility ("بغداد" in "مطار بغداد")
is written right after its container with a leading ``>`` and searched inside it. Lines
starting with ``#`` are comments.

    python scripts/annotation/sheets.py show N             # article N, numbered lines, its metadata
    python scripts/annotation/sheets.py check N            # resolve the sheet, show it inline, warnings
    python scripts/annotation/sheets.py kb WORDS...        # search the knowledge base (folded: hamza, ya, ta marbuta)
    python scripts/annotation/sheets.py nils               # every NIL entity over all sheets, with labels and surfaces
    python scripts/annotation/sheets.py build              # sheets -> the set's JSONL files
    python scripts/annotation/sheets.py sheets             # the set's JSONL files -> sheets (to edit them again)
    python scripts/annotation/sheets.py agree OTHER_SHEETS # agreement of two annotations of the same articles

Options (before the command): ``--set news_gold`` (the only set) and
``--sheets DIR`` (default ``.cache/<set>/sheets``).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PROCLITIC_RUN = re.compile(r"[وفبلك]{1,3}\u0640*")  # tatweel may follow: "لـCNN"
LETTER = re.compile(r"[^\W_]")  # "_" joins hashtag words: "#الفنانة_يسرا" has the word "يسرا"


@dataclass(frozen=True)
class GoldSet:
    name: str
    labels: tuple[str, ...]
    articles: Path  # the selected articles with their texts (the selection script writes it)
    outputs: tuple[Path, ...]  # the shipped JSONL files
    selection: Path

    def output_of(self, article: dict) -> Path:
        """The JSONL file an article goes to."""
        if len(self.outputs) == 1:
            return self.outputs[0]
        return next(p for p in self.outputs if p.stem == article["split"])


SETS = {
    "news_gold": GoldSet("news_gold", ("PER", "LOC", "ORG", "MISC", "RES"), ROOT / ".cache/news_gold/articles.jsonl",
                         tuple(ROOT / f"data/news_gold/{s}.jsonl" for s in ("train", "dev", "test")),
                         ROOT / "data/news_gold/selection.tsv"),
}


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_selection(gold: GoldSet) -> list[dict]:
    with open(gold.selection, encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def read_articles(gold: GoldSet) -> list[dict]:
    """The selected articles in selection order, with their split; from the cache or the shipped files."""
    if gold.articles.exists():
        articles = read_jsonl(gold.articles)
    else:
        shipped = {a["id"]: a for path in gold.outputs if path.exists() for a in read_jsonl(path)}
        articles = [shipped[row["id"]] for row in read_selection(gold) if row["id"] in shipped]
    split = {row["id"]: row.get("split", "") for row in read_selection(gold)}
    return [{**a, "split": split.get(a["id"], "")} for a in articles]


def at_word_edges(text: str, start: int, end: int) -> bool:
    """The span ends a word and starts one, possibly after proclitics."""
    if end < len(text) and LETTER.match(text[end]):
        return False
    word_start = start
    while word_start > 0 and LETTER.match(text[word_start - 1]):
        word_start -= 1
    return word_start == start or PROCLITIC_RUN.fullmatch(text[word_start:start]) is not None


def occurrences(text: str, surface: str, since: int = 0):
    pos = text.find(surface, since)
    while pos >= 0:
        if at_word_edges(text, pos, pos + len(surface)):
            yield pos
        pos = text.find(surface, pos + 1)


@dataclass(frozen=True)
class SheetRow:
    surface: str
    k: int
    nested: bool
    label: str
    entity: str
    line: int


def sheet_path(sheets: Path, n: int) -> Path:
    return sheets / f"{n:03d}.tsv"


def parse_sheet(path: Path) -> tuple[str, list[SheetRow], list[str]]:
    """(article id from the ``# id:`` line, rows, problems)."""
    article_id, rows, problems = "", [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# id:"):
            article_id = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            problems.append(f"{path}:{number}: expected surface<TAB>label<TAB>entity, got {line!r}")
            continue
        surface, label, entity = (p.strip() for p in parts)
        k, nested = 1, surface.startswith(">")
        surface = surface.lstrip(">")
        if re.search(r"#\d+$", surface):
            surface, k = surface.rsplit("#", 1)[0], int(surface.rsplit("#", 1)[1])
        rows.append(SheetRow(surface, k, nested, label, entity, number))
    return article_id, rows, problems


def resolve(text: str, rows: list[SheetRow], labels: tuple[str, ...], where: str) -> tuple[list[dict], list[str]]:
    """Mentions with offsets, and every problem found (unknown label, surface not found, ...)."""
    cursor, mentions, problems = 0, [], []
    container = (0, 0)
    for row in rows:
        if row.label not in labels:
            problems.append(f"{where}:{row.line}: label {row.label!r} not in {labels}")
        if not (row.entity.startswith("NIL:") and len(row.entity) > 4 or re.fullmatch(r"[a-z0-9]+:[^\s]+", row.entity)):
            problems.append(f"{where}:{row.line}: entity {row.entity!r} is neither a KB id nor NIL:<name>")
        if row.nested:
            found = [s for s in occurrences(text, row.surface, container[0]) if s + len(row.surface) <= container[1]]
        else:
            found = list(occurrences(text, row.surface, cursor))
        if len(found) < row.k:
            where_text = "inside the previous mention" if row.nested else f"after offset {cursor} (the previous mention)"
            problems.append(f"{where}:{row.line}: {row.surface!r} (#{row.k}) not found as a word {where_text}")
            continue
        start = found[row.k - 1]
        mentions.append({"start": start, "end": start + len(row.surface), "text": row.surface, "label": row.label,
                         "entity": row.entity})
        if not row.nested:
            container = (start, start + len(row.surface))
            cursor = start + len(row.surface)
    return sorted(mentions, key=lambda m: (m["start"], -m["end"])), problems


def load_sheet(gold: GoldSet, sheets: Path, n: int, article: dict) -> tuple[list[dict], list[str]]:
    path = sheet_path(sheets, n)
    if not path.exists():
        return [], [f"{path}: no sheet yet"]
    article_id, rows, problems = parse_sheet(path)
    if article_id and article_id != article["id"]:
        problems.append(f"{path}: '# id: {article_id}' but article {n} is {article['id']}")
    mentions, more = resolve(article["text"], rows, gold.labels, str(path))
    return mentions, problems + more


def numbered_text(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(f"{i:3d}| {line}" for i, line in enumerate((line for line in lines if line), 1))


def cmd_show(gold: GoldSet, args) -> None:
    article = read_articles(gold)[args.n]
    print(f"#{args.n} {article['id']} ({article['outlet']}, {article.get('category')}, "
          f"{len(article['text'].split())} words)\n")
    print(numbered_text(article["text"]))


def inline(text: str, mentions: list[dict]) -> str:
    events = sorted([(m["start"], 1, -m["end"], "⟦") for m in mentions]
                    + [(m["end"], 0, -m["start"], f"⟧{m['label']}:{m['entity']}") for m in mentions])
    out, last = [], 0
    for pos, _, _, mark in events:
        out.append(text[last:pos] + mark)
        last = pos
    out.append(text[last:])
    return numbered_text("".join(out))


def kb_problems(mentions: list[dict]) -> list[str]:
    """Links to ids the knowledge base lacks, or with another label than the KB's."""
    from pipeline.kb.gazetteer import load_gazetteer

    kb = load_gazetteer()
    problems = []
    for m in mentions:
        if m["entity"].startswith("NIL:"):
            continue
        entry = kb.get(m["entity"])
        if entry is None:
            problems.append(f"   {m['text']}: {m['entity']} is not a KB id (use NIL:<English name>)")
        elif entry.label != m["label"]:
            problems.append(f"   {m['text']}: {m['entity']} is {entry.label} in the KB, annotated {m['label']}")
    return problems


def overlap_problems(mentions: list[dict]) -> list[str]:
    """Overlapping mentions other than a LOC nested in a LOC facility."""
    problems = []
    for a, b in zip(mentions, mentions[1:]):
        if b["start"] < a["end"]:
            nested = b["end"] <= a["end"] and a["label"] == b["label"] == "LOC"
            if not nested:
                problems.append(f"   overlap: {a['text']} [{a['start']}:{a['end']}] and {b['text']} [{b['start']}:{b['end']}]")
    return problems


def uncovered_kb_names(text: str, mentions: list[dict]) -> list[str]:
    from pipeline.kb.gazetteer import load_gazetteer
    from pipeline.lang.arabic import fold

    kb = load_gazetteer()
    names = kb.by_folded_name()
    covered = [(m["start"], m["end"]) for m in mentions]
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    seen, out = set(), []
    for i, (s, _) in enumerate(words):
        for j in range(i, min(i + 5, len(words))):
            e = words[j][1]
            span = text[s:e]
            for cut in range(0, 3):
                if cut and not PROCLITIC_RUN.fullmatch(span[:cut]):
                    continue
                norm = fold(span[cut:])
                if norm in names and (s + cut, e) not in seen and not any(a <= s + cut and e <= b for a, b in covered):
                    seen.add((s + cut, e))
                    ids = [kb.entries[k].id for k in names[norm]][:4]
                    out.append(f"   {span[cut:]} @{s + cut}: {' '.join(ids)}")
    return out


def cmd_check(gold: GoldSet, args) -> None:
    article = read_articles(gold)[args.n]
    text = article["text"]
    mentions, problems = load_sheet(gold, args.sheets, args.n, article)
    print(f"#{args.n} {article['id']} ({article['outlet']}, {article.get('category')}): {len(mentions)} mentions\n")
    print(inline(text, mentions))
    if problems:
        print("\n-- ERRORS (fix the sheet):")
        print("\n".join(problems))
    for title, lines in (("links to check", kb_problems(mentions)), ("overlaps", overlap_problems(mentions))):
        if lines:
            print(f"\n-- {title}:")
            print("\n".join(lines))
    print("\n-- occurrences of annotated surfaces that are not annotated (annotate them, or confirm they are not names here):")
    covered = [(m["start"], m["end"]) for m in mentions]
    for surface in sorted({m["text"] for m in mentions}):
        for pos in occurrences(text, surface):
            if not any(a <= pos and pos + len(surface) <= b for a, b in covered):
                context = text[max(0, pos - 30):pos + len(surface) + 30].replace("\n", " ")
                print(f"   {surface} @{pos}: …{context}…")
    print("-- knowledge-base names in the text that no mention covers (often right: common words, parts of names):")
    print("\n".join(uncovered_kb_names(text, mentions)))


def cmd_kb(gold: GoldSet, args) -> None:
    """Folded search over ids, names, aliases and English names; every word must match."""
    from pipeline.kb.gazetteer import load_gazetteer
    from pipeline.lang.arabic import fold

    kb = load_gazetteer()
    wanted = [fold(w).replace(" ", "") for w in args.words]
    shown = 0
    for entry in kb.entries.values():
        haystack = " ".join([entry.id, entry.name_en.lower()] + [fold(s) for s in entry.surface_forms]).replace(" ", "")
        if all(w.lower() in haystack or (w.startswith("ال") and w[2:] in haystack) for w in wanted):
            aliases = " | ".join(entry.aliases[:6]) + (" …" if len(entry.aliases) > 6 else "")
            print(f"{entry.id}\t{entry.label}\t{entry.name_ar}\t{entry.name_en}\t{entry.type}\t{entry.country}\t{aliases}")
            shown += 1
            if shown >= 40:
                print("… (more: narrow the search)")
                break
    if not shown:
        print("no KB entry: use NIL:<short English name>")


def all_sheets(gold: GoldSet, sheets: Path) -> list[tuple[int, dict, list[dict]]]:
    out, problems = [], []
    for n, article in enumerate(read_articles(gold)):
        if sheet_path(sheets, n).exists():
            mentions, more = load_sheet(gold, sheets, n, article)
            out.append((n, article, mentions))
            problems += more
    if problems:
        raise SystemExit("\n".join(problems))
    return out


def cmd_nils(gold: GoldSet, args) -> None:
    seen: dict[str, Counter] = defaultdict(Counter)
    for _, _, mentions in all_sheets(gold, args.sheets):
        for m in mentions:
            if m["entity"].startswith("NIL:"):
                seen[m["entity"]][(m["label"], m["text"])] += 1
    for entity in sorted(seen):
        forms = ", ".join(f"{label} {text} ×{c}" for (label, text), c in seen[entity].most_common())
        print(f"{entity}\t{forms}")


def cmd_build(gold: GoldSet, args) -> None:
    """Sheets -> the set's split files, or (``--out FILE``) one file with every sheet's article."""
    by_file: dict[Path, list[dict]] = defaultdict(list)
    for _, article, mentions in all_sheets(gold, args.sheets):
        record = {"id": article["id"], "outlet": article["outlet"]}
        if gold.name == "news_gold":
            record["category"] = article["category"]
        record |= {"text": article["text"], "mentions": mentions}
        by_file[args.out or gold.output_of(article)].append(record)
    for path, records in by_file.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"{len(records)} articles, {sum(len(r['mentions']) for r in records)} mentions -> {path}")


def cmd_sheets(gold: GoldSet, args) -> None:
    args.sheets.mkdir(parents=True, exist_ok=True)
    order = {a["id"]: n for n, a in enumerate(read_articles(gold))}
    for path in gold.outputs:
        for article in read_jsonl(path) if path.exists() else []:
            write_sheet(sheet_path(args.sheets, order[article["id"]]), article)
    print(f"sheets in {args.sheets}")


def write_sheet(path: Path, article: dict) -> None:
    text, lines, cursor = article["text"], [f"# id: {article['id']}", f"# outlet: {article['outlet']}"], 0
    container = (0, 0)
    for m in sorted(article["mentions"], key=lambda m: (m["start"], -m["end"])):
        nested = container[0] <= m["start"] and m["end"] <= container[1]
        since = container[0] if nested else cursor
        k = list(occurrences(text, m["text"], since)).index(m["start"]) + 1
        lines.append(f"{'>' if nested else ''}{m['text']}{'#' + str(k) if k > 1 else ''}\t{m['label']}\t{m['entity']}")
        if not nested:
            container, cursor = (m["start"], m["end"]), m["end"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def agreement(first: list[dict], second: list[dict], labels: tuple[str, ...]) -> dict[str, tuple[int, int, int]]:
    """Per label (and ``all``): (matches, mentions in first, mentions in second), exact span and label."""
    out = {}
    for label in labels + ("all",):
        a = {(m["start"], m["end"], m["label"]) for m in first if label in ("all", m["label"])}
        b = {(m["start"], m["end"], m["label"]) for m in second if label in ("all", m["label"])}
        out[label] = (len(a & b), len(a), len(b))
    return out


def cmd_agree(gold: GoldSet, args) -> None:
    articles = read_articles(gold)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    compared = 0
    for n, article in enumerate(articles):
        if not (sheet_path(args.sheets, n).exists() and sheet_path(args.other, n).exists()):
            continue
        a, pa = load_sheet(gold, args.sheets, n, article)
        b, pb = load_sheet(gold, args.other, n, article)
        if pa or pb:
            raise SystemExit("\n".join(pa + pb))
        compared += 1
        for label, counts in agreement(a, b, gold.labels).items():
            totals[label] = [x + y for x, y in zip(totals[label], counts)]
    print(f"{compared} articles annotated twice; exact span+label F1 of one annotation against the other")
    print("label\tboth\tfirst\tsecond\tF1")
    for label in gold.labels + ("all",):
        both, first, second = totals[label]
        f1 = 2 * both / (first + second) if first + second else 0.0
        print(f"{label}\t{both}\t{first}\t{second}\t{f1:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="news_gold", choices=sorted(SETS))
    parser.add_argument("--sheets", type=Path)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("show", "check"):
        commands.add_parser(name).add_argument("n", type=int)
    commands.add_parser("kb").add_argument("words", nargs="+")
    for name in ("nils", "sheets"):
        commands.add_parser(name)
    commands.add_parser("build").add_argument("--out", type=Path, help="one file for all sheets (not the splits)")
    commands.add_parser("agree").add_argument("other", type=Path)
    args = parser.parse_args()
    gold = SETS[args.set]
    args.sheets = args.sheets or ROOT / ".cache" / gold.name / "sheets"
    globals()[f"cmd_{args.command}"](gold, args)


if __name__ == "__main__":
    main()
