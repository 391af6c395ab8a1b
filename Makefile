# Khabar: `make run` serves the demo newsroom on :8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
#: Test processes (pytest-xdist; each starts its own PostgreSQL cluster and Redis).
TEST_WORKERS ?= 2

.PHONY: run test bench bench-writes bench-media bench-ticker bench-search bench-syndication lint typecheck clean install

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(INSTALLED)

## Create the environment, migrate, load the demo when empty, serve on $HOST:$PORT.
run: $(INSTALLED)
	KHABAR_HOST=$${HOST:-$${KHABAR_HOST:-127.0.0.1}} KHABAR_PORT=$${PORT:-$${KHABAR_PORT:-8000}} \
		$(BIN)/khabar start

## The whole suite, on SQLite and on a throwaway PostgreSQL cluster the tests start; the
## live-ticker tests also start redis-server (installed here when missing). Test files are
## shared among $(TEST_WORKERS) processes.
test: $(INSTALLED)
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

## Throughput against the ceiling app, then the write, media, ticker fan-out, search and
## syndication benchmarks (bench/README.md).
## Installs wrk when missing.
bench: $(INSTALLED)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	PYTHON=$(abspath $(BIN)/python) bash bench/run.sh
	PYTHON=$(abspath $(BIN)/python) bash bench/writes.sh
	$(BIN)/python bench/media.py
	$(BIN)/python bench/ticker.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/syndication.py

## Only the syndication benchmark: the 50-item RSS feed against the ceiling app (served, and
## built for every request), webhook deliveries/s, and publish → receiver latency.
bench-syndication: $(INSTALLED)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/syndication.py

## Only the search benchmark: 2-word Arabic queries over 100,000 articles on SQLite and
## PostgreSQL, suggestions, re-indexing, and what indexing adds to article writes.
bench-search: $(INSTALLED)
	$(BIN)/python bench/search.py

## Only the live ticker's fan-out: 100, 1,000 and 5,000 stream clients on one worker.
bench-ticker: $(INSTALLED)
	$(BIN)/python bench/ticker.py

## Only the media benchmark: 4000×3000 JPEG uploads, renditions/s, reads beside them, RSS.
bench-media: $(INSTALLED)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/media.py

## Only the write benchmark: 8 writers on SQLite and on PostgreSQL, reads beside them.
bench-writes: $(INSTALLED)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	PYTHON=$(abspath $(BIN)/python) bash bench/writes.sh

lint: $(INSTALLED)
	$(BIN)/ruff check app tests migrations bench
	$(BIN)/ruff format --check app tests migrations

typecheck: $(INSTALLED)
	$(BIN)/mypy app

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
