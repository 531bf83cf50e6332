"""The shipped resources — knowledge base, lexicons, NER model — found from one root, in one place.

In a source checkout the root is the repository: ``data/`` and ``models/`` beside the package,
where the project's layout keeps them. An installed wheel carries the same two folders inside the
package (``pipeline/_resources/``). ``$MENA_NER_DATA`` and ``$MENA_NER_MODELS`` point elsewhere.
Every component asks :func:`resource_paths` for its files, and the run fingerprint hashes
:meth:`ResourcePaths.files`, so what is loaded and what is fingerprinted cannot drift apart.
A missing or empty resource is a :class:`ResourceError` that says what to do, never an empty
knowledge base.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
MODEL_NAME = "ner-ar"


class ResourceError(RuntimeError):
    """A shipped resource is missing or empty; the message names it and the fix."""


@dataclass(frozen=True)
class ResourcePaths:
    data: Path
    models: Path

    @property
    def gazetteers(self) -> Path:
        return self.data / "gazetteers"

    @property
    def lexicon(self) -> Path:
        return self.data / "lexicon" / "word_counts.tsv.gz"

    @property
    def name_stats(self) -> Path:
        return self.data / "lexicon" / "name_stats.tsv.gz"

    @property
    def model(self) -> Path:
        return self.models / MODEL_NAME

    def files(self) -> list[Path]:
        """Every file the analysis reads (gazetteers of the folder, lexicons, model), sorted."""
        found = [self.lexicon, self.name_stats]
        found += sorted(self.gazetteers.glob("core/*.csv")) + sorted(self.gazetteers.glob("*.csv"))
        found += sorted(p for p in self.model.rglob("*") if p.is_file())
        return found

    def check(self) -> None:
        """Raise :class:`ResourceError` unless every resource is there and not empty."""
        where = f"(data: {self.data}, models: {self.models}; set MENA_NER_DATA / MENA_NER_MODELS, or reinstall mena-ner)"
        for path in (self.lexicon, self.name_stats):
            if not path.is_file() or path.stat().st_size == 0:
                raise ResourceError(f"missing or empty resource {path} {where}")
        if not any(p.stat().st_size for p in self.gazetteers.glob("core/*.csv")):
            raise ResourceError(f"the knowledge base is missing or empty: no gazetteer in {self.gazetteers / 'core'} {where}")
        if not self.model.is_dir() or not any(self.model.iterdir()):
            raise ResourceError(f"the NER model is missing: {self.model} {where}")


def default_root() -> Path:
    """The folder holding ``data/`` and ``models/``: the checkout, else the installed package's copy."""
    checkout = PACKAGE.parent
    if (checkout / "data" / "gazetteers").is_dir() and (checkout / "models").is_dir():
        return checkout
    return PACKAGE / "_resources"


def resource_paths() -> ResourcePaths:
    """Where resources are now (environment variables are read at each call)."""
    root = default_root()
    return ResourcePaths(Path(os.environ.get("MENA_NER_DATA") or root / "data"),
                         Path(os.environ.get("MENA_NER_MODELS") or root / "models"))
