"""Annotation helper for the linking dev set (data/linking_dev/): sheets in, gold.jsonl out.

A *sheet* is the editable form of one article's gold mentions: one tab-separated line per
mention, in reading order, ``surface<TAB>LABEL<TAB>entity``; ``surface#k`` takes the k-th
occurrence after the previous mention (to skip, say, صور 'pictures' before صور 'Tyre').
Offsets are found, not typed: each surface is searched after the previous mention, as a whole
word or after proclitics (و ف ب ل ك); a nested place ("بغداد" in "مطار بغداد") is written
right after its container with a leading ``>`` and searched inside it.

    python scripts/linking_dev/annotate.py pre             # pipeline output -> .cache/linking_dev/sheets
    python scripts/linking_dev/annotate.py show N          # article N with its sheet inline, and warnings
    python scripts/linking_dev/annotate.py build           # sheets -> data/linking_dev/gold.jsonl
    python scripts/linking_dev/annotate.py sheets          # gold.jsonl -> sheets (to edit the gold again)

``show`` lists what a reviewer must look at: other occurrences of an annotated surface that
are not annotated, knowledge-base names found in the text but not annotated, and pipeline
mentions the sheet does not have.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "data" / "linking_dev"
ARTICLES = ROOT / ".cache" / "linking_dev" / "articles.jsonl"  # written by select_articles.py
GOLD = DATA / "gold.jsonl"
SHEETS = ROOT / ".cache" / "linking_dev" / "sheets"
LABELS = ("PER", "LOC", "ORG", "RES")
PROCLITIC_RUN = re.compile(r"[وفبلك]{1,3}\u0640*")  # tatweel may follow: "لـCNN"
LETTER = re.compile(r"\w")


def read_articles() -> list[dict]:
    """The selected articles (select_articles.py output), else the texts shipped in gold.jsonl."""
    with open(ARTICLES if ARTICLES.exists() else GOLD, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sheet_path(n: int) -> Path:
    return SHEETS / f"{n:02d}.tsv"


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


def parse_sheet(path: Path) -> tuple[str, list[tuple[str, int, bool, str, str, int]]]:
    """(article id, [(surface, k, nested, label, entity, line number)])."""
    article_id, rows = "", []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# id:"):
            article_id = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{path}:{number}: expected surface<TAB>label<TAB>entity, got {line!r}")
        surface, label, entity = (p.strip() for p in parts)
        k, nested = 1, surface.startswith(">")
        surface = surface.lstrip(">")
        if re.search(r"#\d+$", surface):
            surface, k = surface.rsplit("#", 1)[0], int(surface.rsplit("#", 1)[1])
        rows.append((surface, k, nested, label, entity, number))
    return article_id, rows


def resolve(article: dict, rows, where: str) -> list[dict]:
    text, cursor, mentions, problems = article["text"], 0, [], []
    container = (0, 0)
    for surface, k, nested, label, entity, number in rows:
        if label not in LABELS:
            problems.append(f"{where}:{number}: label {label!r} not in {LABELS}")
        if not (entity.startswith("NIL:") or ":" in entity):
            problems.append(f"{where}:{number}: entity {entity!r} is neither a KB id nor NIL:<name>")
        if nested:
            found = [s for s in occurrences(text, surface, container[0]) if s + len(surface) <= container[1]]
        else:
            found = list(occurrences(text, surface, cursor))
        if len(found) < k:
            problems.append(f"{where}:{number}: {surface!r} (#{k}) not found {'inside the previous mention' if nested else f'after offset {cursor}'}")
            continue
        start = found[k - 1]
        mentions.append({"start": start, "end": start + len(surface), "text": surface, "label": label, "entity": entity})
        if not nested:
            container = (start, start + len(surface))
            cursor = start + len(surface)
    if problems:
        raise SystemExit("\n".join(problems))
    return sorted(mentions, key=lambda m: (m["start"], -m["end"]))


def pipeline_mentions(pipeline, article: dict) -> list[dict]:
    from pipeline.export import mention_rows
    from pipeline.types import RawInput

    rows = []
    for result in pipeline.process(RawInput(article["id"], b"", "text", locator=article["id"], text=article["text"])):
        rows += mention_rows(result)
    return rows


def load_pipeline():
    from pipeline.run import Pipeline

    try:
        return Pipeline()
    except Exception as exc:  # no trained model yet: the rule and gazetteer components still pre-annotate
        print(f"default pipeline unavailable ({exc}); using gazetteer and rules only", file=sys.stderr)
        return Pipeline(components=("gazetteer", "resolutions", "titles", "kunya"))


def cmd_pre() -> None:
    """Pre-annotate: one sheet per article from the pipeline's mentions (NIL for local ids)."""
    pipeline = load_pipeline()
    SHEETS.mkdir(parents=True, exist_ok=True)
    for n, article in enumerate(read_articles()):
        path = sheet_path(n)
        if path.exists():
            print(f"keeping existing {path}")
            continue
        lines = [f"# id: {article['id']}", f"# outlet: {article['outlet']}", "# pre-annotated by the pipeline: VERIFY"]
        for row in pipeline_mentions(pipeline, article):
            if row["label"] not in LABELS:
                continue
            entity = row["entity_id"]
            if entity.startswith("local:"):
                entity = f"NIL:{row['text']}"
            lines.append(f"{row['text']}\t{row['label']}\t{entity}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"sheets in {SHEETS}")


def cmd_build() -> None:
    articles = {a["id"]: a for a in read_articles()}
    out = []
    for path in sorted(SHEETS.glob("*.tsv")):
        article_id, rows = parse_sheet(path)
        article = articles[article_id]
        out.append({"id": article["id"], "outlet": article["outlet"], "text": article["text"],
                    "mentions": resolve(article, rows, str(path))})
    order = [a["id"] for a in read_articles()]
    out.sort(key=lambda a: order.index(a["id"]))
    with open(GOLD, "w", encoding="utf-8", newline="\n") as f:
        for article in out:
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    print(f"{len(out)} articles, {sum(len(a['mentions']) for a in out)} mentions -> {GOLD}")


def cmd_sheets() -> None:
    SHEETS.mkdir(parents=True, exist_ok=True)
    order = [a["id"] for a in read_articles()]
    with open(GOLD, encoding="utf-8") as f:
        gold = [json.loads(line) for line in f]
    for article in gold:
        text, lines, cursor = article["text"], [f"# id: {article['id']}", f"# outlet: {article['outlet']}"], 0
        container = (0, 0)
        for m in sorted(article["mentions"], key=lambda m: (m["start"], -m["end"])):
            nested = container[0] <= m["start"] and m["end"] <= container[1]
            since = container[0] if nested else cursor
            k = list(occurrences(text, m["text"], since)).index(m["start"]) + 1
            lines.append(f"{'>' if nested else ''}{m['text']}{'#' + str(k) if k > 1 else ''}\t{m['label']}\t{m['entity']}")
            if not nested:
                container, cursor = (m["start"], m["end"]), m["end"]
        sheet_path(order.index(article["id"])).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(gold)} sheets in {SHEETS}")


def cmd_show(n: int) -> None:
    from pipeline.arabic import fold
    from pipeline.gazetteer import load_gazetteer

    article = read_articles()[n]
    text = article["text"]
    _, rows = parse_sheet(sheet_path(n))
    mentions = resolve(article, rows, str(sheet_path(n)))
    events = sorted([(m["start"], 1, -m["end"], "⟦") for m in mentions]
                    + [(m["end"], 0, -m["start"], f"⟧{m['label']}:{m['entity']}") for m in mentions])
    out, last = [], 0
    for pos, _, _, mark in events:
        out.append(text[last:pos] + mark)
        last = pos
    out.append(text[last:])
    print(f"#{n} {article['id']} ({article['outlet']}, {len(text.split())} words)\n")
    print(re.sub(r"\n\s*\n+", "\n\n", "".join(out)).strip())
    covered = [(m["start"], m["end"]) for m in mentions]

    def inside(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in covered)

    print("\n-- unannotated occurrences of annotated surfaces:")
    for surface in sorted({m["text"] for m in mentions}):
        for pos in occurrences(text, surface):
            if not inside(pos, pos + len(surface)):
                print(f"   {surface} @{pos}: …{text[max(0, pos - 30):pos + len(surface) + 30]!r}…".replace("\\n", " "))
    print("-- pipeline mentions not in the sheet (same span, label, entity):")
    gold = {(m["start"], m["end"], m["label"]): m["entity"] for m in mentions}
    for row in pipeline_mentions(load_pipeline(), article):
        key = (row["start"], row["end"], row["label"])
        entity = row["entity_id"]
        if key not in gold or (gold[key] != entity and not (entity.startswith("local:") and gold[key].startswith("NIL:"))):
            print(f"   {row['text']}\t{row['label']}\t{entity}\t@{row['start']}\tgold={gold.get(key, '-')}")
    print("-- KB names in the text (any match mode) not covered by a gold mention:")
    gazetteer = load_gazetteer()
    names = gazetteer.by_folded_name()
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    seen = set()
    for i, (s, _) in enumerate(words):
        for j in range(i, min(i + 5, len(words))):
            e = words[j][1]
            span = text[s:e]
            for cut in range(0, 3):
                if cut and not PROCLITIC_RUN.fullmatch(span[:cut]):
                    continue
                norm = fold(span[cut:])
                if norm in names and not inside(s + cut, e) and (s + cut, e) not in seen:
                    seen.add((s + cut, e))
                    ids = [gazetteer.entries[k].id for k in names[norm]][:4]
                    print(f"   {span[cut:]} @{s + cut}: {' '.join(ids)}")


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "pre":
        cmd_pre()
    elif command == "build":
        cmd_build()
    elif command == "sheets":
        cmd_sheets()
    elif command == "show":
        cmd_show(int(sys.argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
