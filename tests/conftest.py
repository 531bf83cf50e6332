"""Shared fixtures: the shipped sample, the corpora in ../shared (skipped cleanly when absent)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Tests compile gazetteers from temporary folders: keep their cache entries out of ~/.cache.
os.environ.setdefault("MENA_NER_CACHE", tempfile.mkdtemp(prefix="mena-ner-test-cache-"))

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "raw"
SEED = SAMPLE_DIR / "000_987e725a71a5c5d0.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"development data not found at {SHARED} (only needed by corpus tests)")
    return SHARED


@pytest.fixture(scope="session")
def nlp():
    """One loaded analyzer for the whole session (loading the KB and model takes a moment)."""
    import pipeline

    return pipeline.load()


@pytest.fixture(scope="session")
def tokenizer():
    from pipeline.tokenize import Tokenizer

    return Tokenizer()
