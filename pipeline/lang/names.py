"""How Arabic news refers to a person it has named in full: the partial names of a full name."""

from __future__ import annotations


def partial_names(words: list[str]) -> list[str]:
    """The shorter forms of a full name (folded words) that refer to the same person, longest first:
    every run of words ending at the surname ("شياع السوداني", "السوداني") and, for three words or
    more, first name + surname ("محمد السوداني"). One definition for the linker and coreference."""
    parts = [" ".join(words[k:]) for k in range(1, len(words))]
    if len(words) > 2:
        parts.insert(len(parts) - 1, f"{words[0]} {words[-1]}")
    return parts
