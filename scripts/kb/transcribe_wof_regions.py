"""Transcribe Who's On First region records (first-level administrative units) into
scripts/kb/sources/wof_regions.csv.

Who's On First (CC BY 4.0 and other open licences per source; Wikidata concordances are CC0) keeps
one GeoJSON file per place; a region's `wof:concordances` may carry its Wikidata id (`wd:id`) and
GeoNames id (`gn:id`), and `name:ara_x_preferred` its Arabic name. The table keeps current region
records of the given repositories (git directories of whosonfirst-data/whosonfirst-data-admin-XX
snapshots) with the commit and path of each record:

    python scripts/kb/transcribe_wof_regions.py /path/to/whosonfirst-data-admin-iq/repo ...

Not part of build_all.py: the transcribed CSV is the build input.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import SOURCES  # noqa: E402

OUT = SOURCES / "wof_regions.csv"
FIELDS = ["wof_id", "country", "name", "name_ar", "wikidata", "geonames", "iso", "latitude", "longitude",
          "repository", "commit", "path"]


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def main() -> None:
    rows = []
    for repo in sys.argv[1:]:
        commit = git(repo, "rev-parse", "HEAD").strip()
        remote = Path(repo).resolve().parent.name.replace("+", "/")  # .../owner+name/repo
        paths = [line.split(":", 2)[1] for line in
                 git(repo, "grep", "-l", '"wof:placetype":"region"', "HEAD", "--", "data").splitlines()]
        for path in paths:
            p = json.loads(git(repo, "show", f"HEAD:{path}"))["properties"]
            if p.get("mz:is_current") == 0 or p.get("wof:superseded_by") or p.get("edtf:deprecated"):
                continue
            c = p.get("wof:concordances") or {}
            ar = p.get("name:ara_x_preferred") or [""]
            rows.append({
                "wof_id": str(p["wof:id"]), "country": p.get("wof:country", ""), "name": p.get("wof:name", ""),
                "name_ar": ar[0], "wikidata": c.get("wd:id", ""), "geonames": str(c.get("gn:id", "") or ""),
                "iso": c.get("iso:code", "") or c.get("iso:id", ""),
                "latitude": f"{float(p.get('geom:latitude', 0)):.5f}", "longitude": f"{float(p.get('geom:longitude', 0)):.5f}",
                "repository": remote, "commit": commit, "path": path,
            })
    rows.sort(key=lambda r: (r["country"], r["name"], int(r["wof_id"])))
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT.name}: {len(rows)} current regions, {sum(1 for r in rows if r['wikidata'])} with a Wikidata id")


if __name__ == "__main__":
    main()
