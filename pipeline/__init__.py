"""mena-ner: Arabic named-entity extraction and linking for Middle East news.

Stages, data flowing one way: clean -> tokenize -> ner -> link -> export. The library API
(:mod:`pipeline.api`): ``nlp = pipeline.load()``, ``doc = nlp(text)``, ``doc.mentions``,
``nlp.pipe(texts, workers=2)``, ``pipeline.to_frames(docs)``. Importing the package is cheap:
the API is loaded on first use.
"""

from pipeline.version import __version__

__all__ = ["Doc", "Span", "load", "to_frames", "__version__"]


def __getattr__(name: str):
    if name in ("Doc", "Span", "load", "to_frames"):
        from pipeline import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
