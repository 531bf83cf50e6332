"""mena-ner as a spaCy pipeline component: ``nlp = spacy.blank("ar"); nlp.add_pipe("mena_ner")``.

The factory is registered under the ``spacy_factories`` entry point, so spaCy finds it once the
package is installed. The component analyzes ``doc.text`` with the whole mena-ner pipeline and
writes what it finds into the spaCy ``Doc``:

- ``doc.spans["mena_ner"]``: every mention, nested ones included (a place inside an airport);
- ``doc.ents``: the mentions that do not overlap (the outer one wins), as spaCy requires;
- on each span: ``label_``, ``kb_id_`` (our ``entity_id``), and ``span._.wikidata``,
  ``_.name_ar``, ``_.name_en``, ``_.method``, ``_.score``, ``_.value`` (a resolution's number),
  ``_.mention`` (the exact mention text) and ``_.mention_start`` / ``_.mention_end`` (its exact
  character offsets in ``doc.text``).

Alignment rule: spaCy's Arabic tokenizer keeps proclitics on their word ("والولايات" is one
token), while our mentions leave them out ("الولايات المتحدة"). A mention that does not fall on
spaCy's token boundaries is widened to the tokens it touches (``alignment_mode="expand"``), so
``span.text`` may include an attached و/ب/ل; the exact mention stays in ``span._.mention`` and
its offsets. displaCy renders ``doc.ents`` (``displacy.render(doc, style="ent")``).
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

SPAN_KEY = "mena_ner"
EXTENSIONS = {"wikidata": "", "name_ar": "", "name_en": "", "method": "", "score": 0.0, "value": "", "mention": "",
              "mention_start": -1, "mention_end": -1}


class MenaNER:
    """The component: runs :func:`pipeline.load`'s analyzer on each ``Doc``'s text."""

    def __init__(self, nlp: Language, name: str, gazetteers: list[str]):
        import pipeline

        self.name = name
        self.analyzer = pipeline.load(gazetteers)
        for attribute, default in EXTENSIONS.items():
            if not Span.has_extension(attribute):
                Span.set_extension(attribute, default=default)

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for m in self.analyzer(doc.text).mentions:
            span = doc.char_span(m.start, m.end, label=m.label, kb_id=m.entity_id, alignment_mode="expand")
            if span is None:  # the mention lies in whitespace spaCy does not tokenize: nothing to attach it to
                continue
            facts: dict[str, Any] = {"wikidata": m.wikidata, "name_ar": m.name_ar, "name_en": m.name_en,
                                     "method": m.method, "score": m.score, "value": m.value, "mention": m.text,
                                     "mention_start": m.start, "mention_end": m.end}
            for attribute, value in facts.items():
                span._.set(attribute, value)
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        doc.ents = filter_spans(spans)
        return doc


@Language.factory("mena_ner", default_config={"gazetteers": []})
def make_mena_ner(nlp: Language, name: str, gazetteers: list[str]) -> MenaNER:
    """The ``mena_ner`` factory (entry point ``spacy_factories``); ``gazetteers``: extra gazetteer files."""
    return MenaNER(nlp, name, gazetteers)
