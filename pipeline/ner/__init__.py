"""Stage 3, NER: PER, LOC, ORG, RES (and MISC from the model) mentions in a tokenized document.

A :class:`Recognizer` runs named components in order, each seeing what the earlier ones found:
gazetteer lookup and resolution patterns, then title/kunya rules (which use the lookups to
skip affiliations such as "للأمم المتحدة") and institution-name rules ("وزارة العدل",
"الجيش اللبناني"), then the statistical model (``models/ner-ar``);
:func:`merge` settles overlaps in one place, and partial-name coreference runs last.
Components are looked up by name in ``COMPONENTS`` (a registry, as in spaCy).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pipeline.kb.gazetteer import Gazetteer
from pipeline.lang.words import NOT_MENTIONS
from pipeline.ner.base import DocView
from pipeline.ner.coref import PartialNames
from pipeline.ner.lookup import GazetteerMatcher
from pipeline.ner.merge import merge
from pipeline.ner.model import Model
from pipeline.ner.rules import KunyaRule, OrganizationRule, PatronymicChains, ResolutionRule, TitleRule
from pipeline.tokenize import Tokenizer
from pipeline.types import Mention, TokenizedDocument


def is_name(text: str, norm: str) -> bool:
    """What a mention must be: some letter or digit (never only punctuation or a symbol: "#"), and
    not a currency, a religion or the name of God (``lang.words.NOT_MENTIONS``)."""
    return any(ch.isalnum() for ch in text) and norm not in NOT_MENTIONS


class Component(Protocol):
    """A recognizer: ``name`` in the registry, the ``method`` its mentions carry, and the merge
    ``priority`` of those mentions (:mod:`pipeline.ner.merge`)."""

    name: str
    method: str
    priority: int

    def __call__(self, view: DocView, found: list[Mention]) -> list[Mention]: ...


ComponentFactory = Callable[[Gazetteer, Tokenizer], Component]

COMPONENTS: dict[str, ComponentFactory] = {
    "gazetteer": lambda gazetteer, tokenizer: GazetteerMatcher(gazetteer, tokenizer),
    "resolutions": lambda gazetteer, tokenizer: ResolutionRule(),
    "titles": lambda gazetteer, tokenizer: TitleRule(tokenizer),
    "kunya": lambda gazetteer, tokenizer: KunyaRule(),
    "organizations": lambda gazetteer, tokenizer: OrganizationRule(),
    "chains": lambda gazetteer, tokenizer: PatronymicChains(gazetteer),
    "model": lambda gazetteer, tokenizer: Model(tokenizer=tokenizer),
    "coreference": lambda gazetteer, tokenizer: PartialNames(),
}
DEFAULT_COMPONENTS = ("gazetteer", "resolutions", "titles", "kunya", "organizations", "model", "chains", "coreference")


class Recognizer:
    """Callable stage: ``Recognizer(gazetteer, tokenizer)(tokenized_doc) -> list[Mention]``.

    Components run in order, each seeing the merged mentions of those before it; the result
    is merged once more by the priorities the components declare.
    """

    def __init__(self, gazetteer: Gazetteer, tokenizer: Tokenizer, components: tuple[str, ...] = DEFAULT_COMPONENTS,
                 extra: tuple[Component, ...] = ()):
        unknown = [c for c in components if c not in COMPONENTS]
        if unknown:
            raise ValueError(f"unknown NER components {unknown}; available: {sorted(COMPONENTS)}")
        self.components: list[Component] = [COMPONENTS[c](gazetteer, tokenizer) for c in components] + list(extra)
        self.priorities = {c.method: c.priority for c in self.components}

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.components]

    def __call__(self, tdoc: TokenizedDocument) -> list[Mention]:
        view = DocView(tdoc)
        found: list[Mention] = []
        for component in self.components:
            found.extend(component(view, merge(found, self.priorities)))
        return [m for m in merge(found, self.priorities) if is_name(view.text[m.start:m.end], m.norm)]
