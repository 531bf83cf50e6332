"""Transcribe Who's On First records into scripts/kb/sources/wof_regions.csv and wof_localities.csv.

Who's On First (CC BY 4.0 and other open licences per source; Wikidata concordances are CC0) keeps
one GeoJSON file per place; its `wof:concordances` may carry the place's Wikidata id (`wd:id`) and
GeoNames id (`gn:id`), and `name:ara_x_preferred` its Arabic name. From git directories of
whosonfirst-data/whosonfirst-data-admin-XX snapshots this writes

* wof_regions.csv: every current region record (first-level administrative unit), with the
  repository, commit and path of the record;
* wof_repositories.csv: the repositories read and their commits;
* wof_localities.csv: every current locality, local-admin, county, borough or neighbourhood
  record that has both a Wikidata id and a GeoNames id (the build pairs them by GeoNames id).
  Its records live in whosonfirst-data/whosonfirst-data-admin-<country> at the commit listed in
  data/gazetteers/core/SOURCES.md, path data/<id in groups of three digits>/<id>.geojson.

    python scripts/kb/transcribe_wof.py /path/to/whosonfirst-data-admin-iq/repo ...

Not part of build_all.py: the transcribed CSVs are the build input.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import SOURCES  # noqa: E402

REGIONS = SOURCES / "wof_regions.csv"
LOCALITIES = SOURCES / "wof_localities.csv"
REPOSITORIES = SOURCES / "wof_repositories.csv"
REGION_FIELDS = ["wof_id", "country", "name", "name_ar", "wikidata", "geonames", "iso", "latitude", "longitude",
                 "repository", "commit", "path"]
LOCALITY_FIELDS = ["wof_id", "country", "name", "name_ar", "wikidata", "geonames", "latitude", "longitude",
                   "placetype"]
LOCAL_TYPES = {"locality", "localadmin", "county", "borough", "neighbourhood", "macrohood"}


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def records(repo: str, pattern: str):
    """(path, properties) of the HEAD files under data/ whose text contains ``pattern``."""
    paths = [line.split(":", 1)[1] for line in git(repo, "grep", "-l", pattern, "HEAD", "--", "data").splitlines()]
    cat = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for path in sorted(paths):
        cat.stdin.write(f"HEAD:{path}\n".encode())
        cat.stdin.flush()
        size = int(cat.stdout.readline().split()[2])
        data = cat.stdout.read(size)
        cat.stdout.read(1)
        yield path, json.loads(data)["properties"]
    cat.stdin.close()
    cat.wait()


def current(p: dict) -> bool:
    return not (p.get("mz:is_current") == 0 or p.get("wof:superseded_by") or p.get("edtf:deprecated"))


def main() -> None:
    regions, localities, repositories = [], [], []
    for repo in sys.argv[1:]:
        commit = git(repo, "rev-parse", "HEAD").strip()
        remote = Path(repo).resolve().parent.name.replace("+", "/")  # .../owner+name/repo
        repositories.append({"repository": remote, "commit": commit})
        for path, p in records(repo, '"wof:placetype":"region"'):
            if p.get("wof:placetype") != "region" or not current(p):
                continue
            c = p.get("wof:concordances") or {}
            regions.append({
                "wof_id": str(p["wof:id"]), "country": p.get("wof:country", ""), "name": p.get("wof:name", ""),
                "name_ar": (p.get("name:ara_x_preferred") or [""])[0], "wikidata": c.get("wd:id", ""),
                "geonames": str(c.get("gn:id", "") or ""), "iso": c.get("iso:code", "") or c.get("iso:id", ""),
                "latitude": f"{float(p.get('geom:latitude', 0)):.5f}",
                "longitude": f"{float(p.get('geom:longitude', 0)):.5f}",
                "repository": remote, "commit": commit, "path": path,
            })
        for _path, p in records(repo, '"wd:id"'):
            c = p.get("wof:concordances") or {}
            if p.get("wof:placetype") not in LOCAL_TYPES or not current(p) or not (c.get("wd:id") and c.get("gn:id")):
                continue
            localities.append({
                "wof_id": str(p["wof:id"]), "country": p.get("wof:country", ""), "name": p.get("wof:name", ""),
                "name_ar": (p.get("name:ara_x_preferred") or [""])[0], "wikidata": c["wd:id"],
                "geonames": str(c["gn:id"]), "latitude": f"{float(p.get('geom:latitude', 0)):.5f}",
                "longitude": f"{float(p.get('geom:longitude', 0)):.5f}", "placetype": p["wof:placetype"],
            })
    repositories.sort(key=lambda r: r["repository"])
    regions.sort(key=lambda r: (r["country"], r["name"], int(r["wof_id"])))
    localities.sort(key=lambda r: (r["country"], r["name"], int(r["wof_id"])))
    for rows, out, fields in ((regions, REGIONS, REGION_FIELDS), (localities, LOCALITIES, LOCALITY_FIELDS),
                              (repositories, REPOSITORIES, ["repository", "commit"])):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    print(f"{REGIONS.name}: {len(regions)} current regions, {sum(1 for r in regions if r['wikidata'])} with a Wikidata id; "
          f"{LOCALITIES.name}: {len(localities)} places with Wikidata and GeoNames ids")


if __name__ == "__main__":
    main()
