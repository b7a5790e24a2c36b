# Newsdesk: `make run` (install, ingest the sample news, serve), `make test` (all of CI)
# and `make test-fast` (the tests that need no model, Chroma or browser).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install sample run test test-fast lint typecheck unit clean

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PIP) install -q -U pip
	$(PIP) install -q -c constraints.txt -e '.[dev,bench]'
	touch $@

install: $(VENV)/.installed

sample: install
	$(BIN)/newsdesk ingest data/sample

run: sample
	$(BIN)/newsdesk ask "What did Peskov say?"
	@echo "Starting the chat UI and REST API; open the URL printed below (Ctrl-C stops it)."
	$(BIN)/newsdesk serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

test: lint typecheck unit

# No model, no Chroma, no browser: the in-memory fakes of tests/fakes.py. FAST_TIER=1 makes
# the run fail if any of these tests imported torch, chromadb or gradio after all.
test-fast: install
	FAST_TIER=1 $(BIN)/pytest -m "not slow" -q

clean:
	rm -rf .newsdesk
