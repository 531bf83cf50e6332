"""Review list for adjudicating the news gold sheets: what an adjudicator must look at, per article.

Reads the sheets of one annotation (``--sheets``, default .cache/news_gold/sheets) and, for the
doubly annotated articles, the other annotations (``--other DIR``, repeatable). Writes one block
per article with:

- disagreements with the other annotations (span+label+entity, before adjudication);
- surfaces annotated elsewhere in the corpus that occur here, as a whole word, unannotated
  (possible misses, or legitimate non-names);
- a string labeled differently here than in most of the corpus;
- convention checks: a span starting with a descriptor word (§1), an ORG/MISC span followed by
  a nationality adjective it leaves out (§1), a place after a government office title left
  unannotated (§1), an embassy or consulate not labeled LOC (§2), a NIL whose surface is a KB
  name of the same label, and one surface linked to different NIL names.

Usage: python scripts/news_gold/review.py [--sheets DIR] [--other DIR ...] > review.txt
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "annotation"))

import sheets as S  # noqa: E402

from pipeline.kb.gazetteer import load_gazetteer  # noqa: E402
from pipeline.lang.arabic import fold, nationality  # noqa: E402

DESCRIPTORS = frozenset(fold(w) for w in (
    "مدينة بلدة قرية محافظة ولاية إقليم منطقة مقاطعة مديرية معتمدية جهة حي جزيرة عاصمة العاصمة دولة إمارة "
    "سلطنة مملكة حركة تنظيم جماعة ميليشيا ميليشيات فصيل منظمة صحيفة جريدة مجلة قناة شبكة موقع تطبيق منصة "
    "شركة مجموعة نادي فريق وكالة عملية بطولة دول مدن محافظات").split())
OFFICE_TITLES = frozenset(fold(w) for w in "والي محافظ حاكم أمير بلدية عمدة".split())
EMBASSY = re.compile(r"^(ال)?(سفار|قنصلي)")
WORD = re.compile(r"[^\W_]+")


def words_at(text: str, start: int, end: int) -> list[str]:
    return WORD.findall(text[start:end])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=Path, default=ROOT / ".cache/news_gold/sheets")
    parser.add_argument("--other", type=Path, action="append", default=[])
    args = parser.parse_args()
    gold = S.SETS["news_gold"]
    annotated = S.all_sheets(gold, args.sheets)
    kb = load_gazetteer()
    kb_names = kb.by_folded_name()
    label_of_surface: dict[str, Counter] = defaultdict(Counter)
    nil_names: dict[str, Counter] = defaultdict(Counter)
    for _, _, mentions in annotated:
        for m in mentions:
            label_of_surface[m["text"]][m["label"]] += 1
            if m["entity"].startswith("NIL:"):
                nil_names[fold(m["text"])][m["entity"]] += 1
    occurring: Counter = Counter()
    for _, article, _ in annotated:
        for surface in label_of_surface:
            occurring[surface] += sum(1 for _ in S.occurrences(article["text"], surface))
    # a surface annotated at most of its occurrences: an unannotated one is suspicious
    often = {s for s, c in label_of_surface.items() if len(s) >= 3 and sum(c.values()) * 2 >= max(occurring[s], 1)}
    for n, article, mentions in annotated:
        items = review_article(n, article, mentions, args, gold, often, label_of_surface, kb, kb_names, nil_names)
        if items:
            print(f"=== #{n:03d} {article['id']}")
            print("\n".join(items))
            print()


def review_article(n, article, mentions, args, gold, often, label_of_surface, kb, kb_names, nil_names) -> list[str]:
    text = article["text"]
    items = []
    mine = {(m["start"], m["end"], m["label"], m["entity"]) for m in mentions}
    for other in args.other:
        if S.sheet_path(other, n).exists():
            theirs_list, problems = S.load_sheet(gold, other, n, article)
            theirs = {(m["start"], m["end"], m["label"], m["entity"]) for m in theirs_list}
            for s, e, label, entity in sorted(mine - theirs):
                items.append(f"  [{other.name}] only here: {text[s:e]} @{s} {label} {entity}")
            for s, e, label, entity in sorted(theirs - mine):
                items.append(f"  [{other.name}] only in {other.name}: {text[s:e]} @{s} {label} {entity}")
    covered = [(m["start"], m["end"]) for m in mentions]
    for surface in sorted(often):
        for pos in S.occurrences(text, surface):
            if not any(a <= pos and pos + len(surface) <= b for a, b in covered):
                labels = "/".join(label_of_surface[surface])
                context = text[max(0, pos - 25):pos + len(surface) + 25].replace("\n", " ")
                items.append(f"  unannotated here, {labels} elsewhere: {surface} @{pos} …{context}…")
    for m in mentions:
        counts = label_of_surface[m["text"]]
        majority, votes = counts.most_common(1)[0]
        if m["label"] != majority and votes > counts[m["label"]]:
            items.append(f"  label {m['label']} here, {majority} ×{votes} elsewhere: {m['text']} @{m['start']}")
        first = fold(words_at(text, m["start"], m["end"])[0]) if words_at(text, m["start"], m["end"]) else ""
        if first in DESCRIPTORS and m["label"] != "LOC" or first in DESCRIPTORS and " " in m["text"]:
            items.append(f"  starts with a descriptor (§1 test): {m['text']} @{m['start']} {m['label']}")
        after = text[m["end"]:m["end"] + 25].split()
        if m["label"] in ("ORG", "MISC") and after and nationality(fold(after[0].strip("،,.:;\"'()"))):
            items.append(f"  nationality adjective after it, outside the span (§1): {m['text']} + {after[0]} @{m['start']}")
        if EMBASSY.match(m["text"]) and m["label"] != "LOC":
            items.append(f"  embassy/consulate not LOC (§2): {m['text']} @{m['start']} {m['label']}")
        if m["entity"].startswith("NIL:"):
            same = [i for i in kb_names.get(fold(m["text"]), []) if kb.entries[i].label == m["label"]]
            if same:
                items.append(f"  NIL but the KB has this name ({' '.join(same[:3])}): {m['text']} @{m['start']} {m['entity']}")
            names = nil_names[fold(m["text"])]
            if len(names) > 1:
                items.append(f"  one surface, several NIL names ({', '.join(f'{e} ×{c}' for e, c in names.most_common())}): "
                             f"{m['text']} @{m['start']}")
    for match in WORD.finditer(text):
        if fold(match.group()) in OFFICE_TITLES:
            nxt = WORD.search(text, match.end())
            if nxt and not any(a <= nxt.start() < b for a, b in covered) and fold(nxt.group()) not in ("منطقه", "ولايه"):
                context = text[match.start():match.end() + 30].replace("\n", " ")
                items.append(f"  office title, the place after it unannotated? (§1): {context}")
    return items


if __name__ == "__main__":
    main()
