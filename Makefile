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

# `make pretrain`: the self-supervised start of the NER model (models/pretrained: floret vectors and a
# bidirectional word language model learned from the learnable news in CORPORA); resumable (run it
# again after an interruption), seeded, held-out perplexity per epoch in .cache/pretrain/pretrain.log.
CORPORA ?= ../shared/corpora
.PHONY: pretrain
pretrain: $(STAMP)
	$(BIN)/python -m pipeline.training.pretrain --corpora $(CORPORA) --out models/pretrained --work .cache/pretrain

# `make train`: the shipped NER model (models/ner-ar) from models/pretrained and the gold corpora:
# teacher BiLSTM-CRFs over the language model (3 seeds), then the student distilled from them on
# unlabeled news (3 seeds; the best on dev ships, as ONNX), then the model card. See its MODEL_CARD.md.
.PHONY: train
train: $(STAMP)
	$(BIN)/python -m pipeline.training.teacher --corpora $(CORPORA) --pretrained models/pretrained --out .cache/teacher
	$(BIN)/python -m pipeline.training.distill --corpora $(CORPORA) --pretrained models/pretrained --teachers .cache/teacher \
		--work .cache/distill --out models/ner-ar
	$(BIN)/python -m pipeline.training.lone_words --corpora $(CORPORA) --out models/ner-ar/never_alone.txt
	$(BIN)/python -m pipeline.training.card --model models/ner-ar --teachers .cache/teacher --pretrained models/pretrained
	$(BIN)/python -m pipeline.training.data --corpora $(CORPORA) --out .cache/ANERcorp_dev.txt   # for `mena-ner evaluate --conll`

# `make bench`: words/s and documents/s per stage and end to end, start-up time, peak memory and
# the speed-up of 2 workers over 1, on the first BENCH_ARTICLES articles of the unlabeled news
# corpus (../shared/corpora/news_unlabeled; data/bench/news_sample.jsonl.gz when it is absent).
BENCH_ARTICLES ?= 1000
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m pipeline.bench --articles $(BENCH_ARTICLES)
