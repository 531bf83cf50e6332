"""Reading CoNLL-style NER corpora (ANERcorp, AQMAR, WikiFANE) into our labels.

Formats: ``token<space or TAB>TAG`` per line, blank line between sentences, optional BOM,
CRLF, and (WikiFANE) a LEFT-TO-RIGHT MARK before most tokens. The tag column is optional.

Label mapping to PER / LOC / ORG / MISC:
- ANERcorp: ``PERS`` -> ``PER``; ``LOC``, ``ORG``, ``MISC`` unchanged.
- AQMAR: ``PER``, ``LOC``, ``ORG`` unchanged; ``MIS0``-``MIS3`` and misspellings (``MIS``,
  ``MIS-1``, ``MISS1``) -> ``MISC``; ``I--ORG`` -> ``I-ORG``; ``IO``, ``OO``, ``B-ENGLISH``,
  ``B-SPANISH`` -> ``O``.
- WikiFANE fine types: person types -> ``PER``; nations, population centers, regions, water
  bodies, facilities and other places -> ``LOC``; government, commercial, media, sports,
  educational, police, religious and other organizations -> ``ORG``; products, vehicles,
  weapons, works -> ``MISC``; ``Group`` (groups of people: "العرب", "المسلمين", "اليهود")
  -> ``O``, because ANERcorp leaves such words untagged ("العرب" is ``O`` all 77 times in its
  train split), and our labels follow ANERcorp.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

Sentence = list[tuple[str, str]]

WIKIFANE_TYPES = {
    "PER": "Politician Athlete Artist Businessperson Scientist Religious_PER Other_PER Lawyer Engineer Police_PER",
    "LOC": "Nation Population-Center State-or-Province County-or-District GPE-Cluster Continent Water-Body "
    "Land-Region-Natural Celestial Address Boundary Special Building-Grounds Airport Path Subarea-Facility Plant",
    "ORG": "Government Non-Governmental Commercial Media Sports Educational Police Religious_ORG Medical-Science "
    "Entertainment Religious",
    "O": "Group",
    "MISC": "Air Land Water Software Hardware Book Movie Food Drug Sound Projectile Shooting Blunt Sharp "
    "Nuclear Exploding Chemical Biological Underspecified",
}
_WIKIFANE = {fine: coarse for coarse, fines in WIKIFANE_TYPES.items() for fine in fines.split()}
_NOISE_O = {"IO", "OO", "B-ENGLISH", "I-ENGLISH", "B-SPANISH", "I-SPANISH"}


def map_tag(tag: str) -> str:
    """Any of the three corpora's tags -> ``O`` or ``B-``/``I-`` + PER/LOC/ORG/MISC."""
    tag = tag.strip().strip("`")
    if tag in ("O", "") or tag in _NOISE_O:
        return "O"
    prefix, _, kind = tag.partition("-")
    kind = kind.lstrip("-")
    if prefix not in ("B", "I") or not kind:
        return "O"
    if kind == "PERS":
        kind = "PER"
    elif kind.startswith("MIS"):
        kind = "MISC"
    elif kind in _WIKIFANE:
        kind = _WIKIFANE[kind]
        if kind == "O":
            return "O"
    elif kind not in ("PER", "LOC", "ORG", "MISC"):
        kind = "MISC"
    return f"{prefix}-{kind}"


def read_conll(path: str | Path, *, map_tags: bool = True) -> Iterator[Sentence]:
    """Sentences of ``(token, tag)``; tag is ``""`` where the file has no tag column."""
    sentence: Sentence = []
    with open(path, encoding="utf-8-sig", newline="") as lines:
        for raw in lines:
            line = raw.rstrip("\r\n").replace("\u200e", "").replace("\u200f", "")
            if not line.strip():
                if sentence:
                    yield sentence
                    sentence = []
                continue
            parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
            token = parts[0].strip() or parts[0]
            tag = parts[1].strip() if len(parts) > 1 else ""
            sentence.append((token, map_tag(tag) if (map_tags and tag) else tag))
    if sentence:
        yield sentence


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(start, end, label)`` from IOB2 tags; an orphan ``I-`` starts an entity."""
    out: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, kind = tag.partition("-")
        continues = prefix == "I" and kind == label and start >= 0
        if not continues and start >= 0:
            out.append((start, i, label))
            start, label = -1, ""
        if prefix in ("B", "I") and not continues:
            start, label = i, kind
    return out
