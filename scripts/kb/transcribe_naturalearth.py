"""Transcribe Natural Earth's 1:10m populated places into scripts/kb/sources/naturalearth_populated_places.csv.

Natural Earth is public domain. The table keeps, for every place that has a Wikidata id, the
fields used to pair it with a KB place: GeoNames id, Wikidata QID, name, ISO country code,
coordinates, population, feature class and capital flag. Input is the GeoJSON conversion of
ne_10m_populated_places (Natural Earth 4.0 attributes) from martynafford/natural-earth-geojson
(see data/gazetteers/core/SOURCES.md for the commit); extract the .7z first:

    python scripts/kb/transcribe_naturalearth.py ne_10m_populated_places.json

Not part of build_all.py: the transcribed CSV is the build input.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import SOURCES  # noqa: E402

OUT = SOURCES / "naturalearth_populated_places.csv"
FIELDS = ["wikidata", "geonames", "name", "country", "latitude", "longitude", "pop_max", "featurecla", "adm0cap"]


def main() -> None:
    features = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))["features"]
    rows = []
    for f in features:
        p = f["properties"]
        qid = (p.get("wikidataid") or "").strip()
        if not qid:
            continue
        gid = int(p.get("GEONAMEID") or 0)
        rows.append({
            "wikidata": qid, "geonames": str(gid) if gid > 0 else "", "name": p["NAME"],
            "country": p["ISO_A2"] if len(p.get("ISO_A2") or "") == 2 else "",
            "latitude": f"{p['LATITUDE']:.5f}", "longitude": f"{p['LONGITUDE']:.5f}",
            "pop_max": str(int(p.get("POP_MAX") or 0)), "featurecla": p["FEATURECLA"],
            "adm0cap": str(int(p.get("ADM0CAP") or 0)),
        })
    rows.sort(key=lambda r: (int(r["wikidata"][1:]), r["geonames"], r["name"]))
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{OUT.name}: {len(rows)} places with a Wikidata id")


if __name__ == "__main__":
    main()
