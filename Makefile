# mena-ner — the two commands a fresh clone needs: `make pipeline` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
INPUT  ?= data/raw
OUT    ?= out

.PHONY: pipeline test test-fast lint install clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (Python 3.11 is required; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'   # every extra (report, spacy, dask, parquet, train) + test tools
	touch $(STAMP)

install: $(STAMP)

pipeline: $(STAMP)
	$(BIN)/mena-ner run $(INPUT) --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

# `make test-fast`: the unit tests without the slow end-to-end checks (about a minute).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# `make lint`: ruff (style, imports, bugbear) and mypy (types), both configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check pipeline tests scripts
	$(BIN)/mypy

clean:
	rm -rf $(OUT) .pytest_cache

# `make report`: OUT/report.html from the tables in OUT (runs the pipeline first when OUT has none).
.PHONY: report
report: $(STAMP)
	@test -f $(OUT)/documents.csv || $(MAKE) --no-print-directory pipeline
	$(BIN)/mena-ner report $(OUT)

# `make train`: rebuild models/ner-ar-bilstm (floret vectors from the news corpus, then two BiLSTM-CRF
# members trained side by side with PyTorch) from the corpora in CORPORA; seeded, ~20 min on 2 cores.
# See its MODEL_CARD.md.
CORPORA ?= ../shared/corpora
.PHONY: train
train: $(STAMP)
	$(BIN)/python -m pipeline.training.ner --corpora $(CORPORA) --out models/ner-ar-bilstm --work .cache/train

# `make bench`: words/s and documents/s per stage and end to end, start-up time, peak memory and
# the speed-up of 2 workers over 1, on the first BENCH_ARTICLES articles of the unlabeled news
# corpus (../shared/corpora/news_unlabeled; data/bench/news_sample.jsonl.gz when it is absent).
BENCH_ARTICLES ?= 1000
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m pipeline.bench --articles $(BENCH_ARTICLES)
