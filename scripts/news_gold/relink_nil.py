"""Gold NIL entities that the knowledge base has since gained: relink them to the KB id.

A gold link ``NIL:<English name>`` means "not in the KB when the article was annotated". When a
later KB round adds that entity, the gold would count the right link as an error. This script
rewrites such links to the KB id when exactly one KB entry of the mention's label has that
English name (compared without case, accents and punctuation), and prints every change. Spans
and labels are never touched. Run it after each KB round:

    python scripts/news_gold/relink_nil.py data/news_gold/*.jsonl
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from pipeline.kb.gazetteer import load_gazetteer
from pipeline.resources import resource_paths


def english_key(name: str) -> str:
    """Lowercase, no accents, letters and digits only: "Mbappé" and "Kylian Mbappe" compare by words."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def kb_by_english_name() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in load_gazetteer(resource_paths().gazetteers).entries.values():
        if entry.name_en:
            found[(entry.label, english_key(entry.name_en))].append(entry.id)
    return found


def relink(path: Path, index: dict[tuple[str, str], list[str]]) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    out = []
    for line in lines:
        article = json.loads(line)
        for mention in article["mentions"]:
            entity = mention["entity"]
            if not entity.startswith("NIL:"):
                continue
            ids = index.get((mention["label"], english_key(entity[4:])), [])
            if len(ids) == 1:
                print(f"{path.name}\t{article['id']}\t{mention['text']}\t{entity} -> {ids[0]}")
                mention["entity"] = ids[0]
                changed += 1
        out.append(json.dumps(article, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return changed


def main(paths: list[str]) -> None:
    index = kb_by_english_name()
    for name in paths:
        print(f"# {name}: {relink(Path(name), index)} links changed", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
