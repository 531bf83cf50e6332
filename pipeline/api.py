"""The library API: ``pipeline.load()``, ``nlp(text)``, ``nlp.pipe(texts)``, ``pipeline.to_frames(docs)``.

    import pipeline
    nlp = pipeline.load()                      # shipped KB and model; gazetteers=[...] adds files
    doc = nlp("قال الأمين العام للأمم المتحدة أنطونيو غوتيريش ...")
    for m in doc.mentions:                     # text == input[start:end]
        print(m.text, m.label, m.start, m.end, m.entity_id, m.wikidata, m.name_en)
    docs = nlp.pipe(texts, workers=2)          # streams, same results as one by one
    frames = pipeline.to_frames(docs)          # pandas DataFrames with the CSV tables' columns

The CLI, the evaluation commands and the tests go through this API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.analyzer import Analyzer
from pipeline.doc import Doc, Span, to_frames
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.ner import DEFAULT_COMPONENTS

__all__ = ["Analyzer", "Doc", "Span", "load", "to_frames"]


def load(gazetteers: Sequence[str | Path] = (), *, components: tuple[str, ...] = DEFAULT_COMPONENTS,
         without_entities: Iterable[str] = (), limits: Limits = DEFAULT_LIMITS) -> Analyzer:
    """The analyzer with the shipped knowledge base and model; ``gazetteers`` adds user files or folders.

    ``components`` picks NER components by registry name (``("model",)``: the model alone);
    ``without_entities`` drops knowledge-base entries by id (to measure names the KB lacks);
    ``limits`` caps what one input may take into memory (:class:`~pipeline.limits.Limits`).

    Raises :class:`~pipeline.resources.ResourceError` when a shipped resource is missing and
    :class:`~pipeline.kb.gazetteer.GazetteerError` when a gazetteer file is invalid.
    """
    return Analyzer(gazetteers=gazetteers, components=components, without_entities=without_entities, limits=limits)
