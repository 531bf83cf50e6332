"""Build data/gazetteers/core/people.csv, organizations.csv and misc.csv (GENERATED from curated inputs).

Inputs
  * scripts/kb/curated/people.csv, organizations.csv, misc.csv (currencies, religions, wars: label MISC)
    — HAND-CURATED entities: canonical Arabic
    name, English name, Arabic spelling variants and unambiguous short forms, type, match.
    Spellings were chosen by counting them in the news corpus (name_counts.py).
  * scripts/kb/sources/everypolitician_people.csv, everypolitician_groups.csv — QID / English /
    Arabic name triples transcribed from everypolitician/everypolitician-data (Wikidata-derived,
    see SOURCES.md); legislators found there but not curated are added as rows of their own.
  * scripts/kb/sources/qid_confirmations.csv — one row per (KB id, QID, public source) pairing read
    in a public repository (repository, commit, path) or on a stored public web page (its URL in the
    `repository` column, `commit` and `path` empty: an encyclopedia article naming its Wikidata item,
    a Wikidata item page), with the exact excerpt that pairs the QID with the entity
    (Wikidata-derived tables, cabinet lists, registries of organisations, encyclopedia pages). A
    curated row with an empty `wikidata` takes its QID from here.

Every QID in the output comes from these source files: a curated row may carry a QID only if it
is found in everypolitician_*.csv or confirmed for that very id in qid_confirmations.csv (the
build fails otherwise, and on conflicting or unattributed confirmations).

    python scripts/kb/build_people_orgs.py
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import CORE, CURATED, SOURCES, dedupe_names, normalize, read_rows, slug, split_aliases, write_rows  # noqa: E402

EP_COMMITS = {  # commit of each transcribed file, as stored in the search index
    "data/Lebanon/Parliament/sources/morph/wikidata.csv": "00678264508e",
    "data/Tunisia/Majlis/sources/morph/wikidata.csv": "0d2188edb344",
    "data/Egypt/Parliament/sources/morph/wikidata.csv": "010dd47ec7bb",
    "data/Jordan/House_of_Representatives/sources/morph/wikidata.csv": "048565a9978c",
    "data/Lebanon/Parliament/sources/wikidata/groups.json": "01dd02403bcd",
}
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
# given names so common that "X Y" made only of them is not a safe auto-match
GIVEN = {normalize(x) for x in """محمد أحمد احمد علي حسن حسين محمود خالد عمر يوسف إبراهيم ابراهيم مصطفى عبد عبدالله
 سعيد سعد صالح ناصر جمال كريم أمين امين نبيل سمير وليد عادل طارق زياد سليمان غازي حمدي عماد جاد عثمان خليل
 يوسف فريد حبيب هاشم قاسم عمار فتحي الشريف""".split()}

_TR = {"ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
       "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
       "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a",
       "و": "w", "ي": "y", "ى": "a", "ء": "", "ئ": "y", "ؤ": "w", " ": "-"}


def translit(ar: str) -> str:
    return slug("".join(_TR.get(ch, "") for ch in normalize(ar).replace("ه ", "ة ")))


def ep_source(path: str) -> str:
    return f"Wikidata QID: everypolitician-data@{EP_COMMITS.get(path, '?')}:{path}"


CONFIRMATIONS = "qid_confirmations.csv"
CONF_FIELDS = ["id", "wikidata", "name_en", "repository", "commit", "path", "evidence"]


PAGE_URL_RE = re.compile(r"https?://[^\s/]+\.[^\s/]+/\S+")


def is_page(c: dict) -> bool:
    """A page source: a stored public web page (an encyclopedia article, a Wikidata item page) whose URL
    stands in the `repository` column, `commit` and `path` left empty."""
    return c["repository"].startswith(("http://", "https://"))


def conf_source(c: dict) -> str:
    if is_page(c):
        return f"Wikidata QID: page {c['repository']}"
    return f"Wikidata QID: {c['repository']}@{c['commit'][:12]}:{c['path']}"


def load_confirmations() -> dict[str, list[dict]]:
    """id -> confirmation rows; every row must name a repository, commit and path (or, for a page
    source, the page's URL alone) and quote an excerpt containing the QID; one id may have several
    sources but only one QID, one QID one id."""
    rows = read_rows(SOURCES / CONFIRMATIONS)
    if rows and list(rows[0]) != CONF_FIELDS:
        raise SystemExit(f"{CONFIRMATIONS}: columns must be {CONF_FIELDS}")
    by_id: dict[str, list[dict]] = defaultdict(list)
    owner: dict[str, str] = {}
    for c in rows:
        rid, qid = c["id"].strip(), c["wikidata"].strip()
        where = f"{CONFIRMATIONS}: {rid} {qid}"
        if not QID_RE.match(qid):
            raise SystemExit(f"{where}: not a QID")
        if is_page(c):
            if not PAGE_URL_RE.fullmatch(c["repository"]) or c["commit"].strip() or c["path"].strip():
                raise SystemExit(f"{where}: a page source is its URL alone (commit and path empty)")
        elif not (re.fullmatch(r"[\w.-]+/[\w.-]+", c["repository"]) and re.fullmatch(r"[0-9a-f]{40}", c["commit"])
                  and c["path"].strip()):
            raise SystemExit(f"{where}: repository owner/name, 40-hex commit and path (or a page URL) are required")
        if not re.search(rf"(?<![0-9]){qid[1:]}(?![0-9])", c["evidence"]):
            raise SystemExit(f"{where}: the evidence excerpt does not contain the QID")
        if by_id[rid] and by_id[rid][0]["wikidata"] != qid:
            raise SystemExit(f"{where}: conflicts with {by_id[rid][0]['wikidata']} confirmed for the same id")
        if owner.setdefault(qid, rid) != rid:
            raise SystemExit(f"{where}: {qid} is already confirmed for {owner[qid]}")
        by_id[rid].append(c)
    return by_id


def load_common():
    return {normalize(w) for w in (CURATED / "common_words.txt").read_text(encoding="utf-8").splitlines()
            if w.strip() and not w.startswith("#")}


def build(label: str, curated_file: str, ep_file: str, out: str, default_type: str,
          confirmed: dict[str, list[dict]]) -> list[dict]:
    common = load_common()
    ep = {r["wikidata"]: r for r in read_rows(SOURCES / ep_file)} if ep_file else {}
    rows, used_qids = [], set()
    for c in read_rows(CURATED / curated_file):
        qid = c.get("wikidata", "").strip()
        conf = confirmed.pop(c["id"], [])
        if conf and qid and conf[0]["wikidata"] != qid:
            raise SystemExit(f"{c['id']}: curated QID {qid} but {CONFIRMATIONS} confirms {conf[0]['wikidata']}")
        src = [f"curated (scripts/kb/curated/{curated_file})"]
        aliases = split_aliases(c["aliases"])
        if qid and not conf and (not QID_RE.match(qid) or qid not in ep):
            raise SystemExit(f"{c['id']}: QID {qid} is not backed by scripts/kb/sources/{ep_file} "
                             f"nor by scripts/kb/sources/{CONFIRMATIONS}")
        qid = qid or (conf[0]["wikidata"] if conf else "")
        if qid:
            used_qids.add(qid)
            if qid in ep:
                src.append(ep_source(ep[qid]["file"]))
                if ep[qid]["name_ar"]:
                    aliases.append(ep[qid]["name_ar"])
            src.extend(conf_source(x) for x in conf)
        rows.append({"id": c["id"], "label": label, "name_ar": c["name_ar"], "name_en": c["name_en"],
                     "aliases": aliases, "wikidata": qid, "country": c["country"],
                     "type": c["type"] or default_type, "match": c["match"] or "auto",
                     "source": "; ".join(src), "notes": c["notes"]})
    ids = {r["id"] for r in rows}
    for qid, e in sorted(ep.items()):
        if qid in used_qids or not e["name_ar"]:
            continue
        prefix = "per:" if label == "PER" else "org:"
        rid = prefix + (slug(e["name_en"]) if e["name_en"] else translit(e["name_ar"]))
        if rid in ids:
            rid = f"{rid}-{e['country'].lower()}"
        ids.add(rid)
        toks = normalize(e["name_ar"]).split()
        generic = len(toks) == 2 and all(t in GIVEN for t in toks)
        rows.append({"id": rid, "label": label, "name_ar": re.sub(r"\s*\(.*?\)", "", e["name_ar"]),
                     "name_en": e["name_en"], "aliases": [], "wikidata": qid, "country": e["country"],
                     "type": "politician" if label == "PER" else "party", "match": "link" if generic else "auto",
                     "source": ep_source(e["file"]) + " (name_en, name_ar)",
                     "notes": "legislator listed by EveryPolitician" + ("; common name combination" if generic else "")})
    for r in rows:
        kept = []
        for a in dedupe_names(r["aliases"], exclude=[r["name_ar"]]):
            if normalize(a) in common:
                print(f"warning: {r['id']}: alias {a!r} is a common word, dropped", file=sys.stderr)
                continue
            kept.append(a)
        r["aliases"] = kept
    return rows


def resolve_collisions(rows: list[dict]) -> None:
    """An alias shared with another entity's name or alias is dropped (it cannot be linked)."""
    names = defaultdict(list)
    alias_of = defaultdict(list)
    for r in rows:
        names[normalize(r["name_ar"])].append(r)
        for a in r["aliases"]:
            alias_of[normalize(a)].append(r)
    for n, rs in alias_of.items():
        if len(rs) > 1 or n in names:
            for r in rs:
                print(f"note: {r['id']}: alias {n!r} shared with "
                      f"{[x['id'] for x in rs + names.get(n, []) if x is not r]}, dropped", file=sys.stderr)
                r["aliases"] = [a for a in r["aliases"] if normalize(a) != n]
    for n, rs in names.items():
        if len(rs) > 1:
            print(f"warning: same name_ar {n!r} for {[r['id'] for r in rs]}", file=sys.stderr)


def main() -> None:
    confirmed = {k: v for k, v in load_confirmations().items()
                 if k.startswith(("per:", "org:", "misc:"))}  # loc: ids: build_places.py
    people = build("PER", "people.csv", "everypolitician_people.csv", "people.csv", "person", confirmed)
    orgs = build("ORG", "organizations.csv", "everypolitician_groups.csv", "organizations.csv", "organization",
                 confirmed)
    misc = build("MISC", "misc.csv", "", "misc.csv", "misc", confirmed)
    if confirmed:
        raise SystemExit(f"{CONFIRMATIONS}: ids not in the curated lists: {sorted(confirmed)}")
    owners = defaultdict(list)
    for r in people + orgs + misc:
        if r["wikidata"]:
            owners[r["wikidata"]].append(r["id"])
    clash = {q: ids for q, ids in owners.items() if len(ids) > 1}
    if clash:
        raise SystemExit(f"QIDs claimed by several ids: {clash}")
    resolve_collisions(people + orgs)
    resolve_collisions(misc)
    for rows, fn in ((people, "people.csv"), (orgs, "organizations.csv"), (misc, "misc.csv")):
        for r in rows:
            r["aliases"] = "|".join(r["aliases"])
        write_rows(CORE / fn, rows)
        print(f"{fn}: {len(rows)} rows, {sum(1 for r in rows if r['wikidata'])} with QID")


if __name__ == "__main__":
    main()
