"""Last pass over the generated KB files: alias conventions that hold for every row.

- A person's alias never starts with a title ("الرئيس هادي", "اللواء عباس إبراهيم"): mentions
  exclude titles, so the title is dropped and the rest kept when it is a plain name of two words
  or more; otherwise the alias is dropped — the title rule finds the name in text and the linker
  links it by surname.
- An organization whose English name is a Latin acronym (CNN, BBC, NATO) is also found by it.
- `curated/alias_fixes.csv` adds and removes specific aliases, with the reason.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from kbcommon import normalize, read_rows, split_aliases, write_rows  # noqa: E402

from pipeline.lang.arabic import PERSON_CUES  # noqa: E402

CORE = HERE.parents[1] / "data" / "gazetteers" / "core"
CURATED = HERE / "curated"
TITLES = sorted({normalize(c) for c in PERSON_CUES if c.strip(".")}, key=lambda c: -len(c.split()))


def strip_title(alias: str) -> str | None:
    """The alias without a leading title when the rest is a plain name, else None (dropped).

    "الأمير عبدالعزيز بن سلمان" -> "عبدالعزيز بن سلمان"; "الرئيس هادي" (one word left) and
    "زعيم الحوثيين عبدالملك الحوثي" (an affiliation follows the title) are dropped.
    """
    words = alias.split()
    folded = normalize(alias).split()
    for title in TITLES:
        size = len(title.split())
        if folded[:size] == title.split():
            rest = words[size:]
            plain = len(rest) >= 2 and not normalize(rest[0]).startswith("ال")
            return " ".join(rest) if plain else None
    return alias


def main() -> None:
    fixes = {r["id"]: r for r in read_rows(CURATED / "alias_fixes.csv")}
    files = sorted(CORE.glob("*.csv"))
    tables = {path: read_rows(path) for path in files}
    changed = 0
    for path, rows in tables.items():
        for row in rows:
            before = row["aliases"]
            aliases = split_aliases(row["aliases"])
            if row["label"] == "PER":
                aliases = [a for a in (strip_title(a) for a in aliases) if a]
            if row["label"] == "ORG" and row["name_en"].isupper() and 3 <= len(row["name_en"]) <= 6 and row["name_en"].isalpha():
                aliases.append(row["name_en"])
            fix = fixes.get(row["id"])
            if fix:
                removed = {normalize(a) for a in split_aliases(fix["remove"])}
                aliases = [a for a in aliases if normalize(a) not in removed] + split_aliases(fix["add"])
            seen, kept = {normalize(row["name_ar"])}, []
            for alias in aliases:
                if normalize(alias) not in seen:
                    seen.add(normalize(alias))
                    kept.append(alias)
            row["aliases"] = "|".join(kept)
            changed += row["aliases"] != before
        write_rows(path, rows)
    unknown = sorted(set(fixes) - {r["id"] for rows in tables.values() for r in rows})
    if unknown:
        raise SystemExit(f"alias_fixes.csv names unknown ids: {unknown}")
    print(f"alias fixes: {changed} rows changed")


if __name__ == "__main__":
    main()
