# studynotes: `make run` serves notes/, `make test` checks everything. Needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VAULT  ?= notes
BENCH_ARGS ?=
EVAL_ARGS ?=

.PHONY: install run index check test test-slow lint fmt bench glossary-eval clean

install: $(STAMP) static/vendor/mermaid.version

# Browser libraries served by the app itself (diagrams): pinned, checked, never from a CDN.
static/vendor/mermaid.version: src/studynotes/vendor.py | $(STAMP)
	$(BIN)/python -m studynotes.vendor

# Reinstall only when the project's dependencies change; code changes need no reinstall.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,postgres]'
	touch $(STAMP)

run: install
	$(BIN)/studynotes serve $(VAULT)

index: install
	$(BIN)/studynotes index $(VAULT)

check: install
	$(BIN)/studynotes check $(VAULT)

lint: install
	$(BIN)/ruff check src tests alembic bench
	$(BIN)/ruff format --check src tests alembic bench
	$(BIN)/mypy --strict src

test: lint
	$(BIN)/pytest

# The slow tests only (the load test); `make test` leaves them out.
test-slow: install
	$(BIN)/pytest -m slow

fmt: install
	$(BIN)/ruff check --fix src tests alembic bench
	$(BIN)/ruff format src tests alembic bench

# Throughput needs wrk (Debian package); without it the benchmark skips that column.
# `make bench BENCH_ARGS=--quick` is a 300-note smoke run; results go to bench/results/.
# bench/workers.py then measures 1, 2 and 4 server workers on SQLite and PostgreSQL.
bench: install
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk \
		|| (apt-get update && apt-get install -y wrk) \
		|| echo "bench: could not install wrk; throughput will be skipped"
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/workers.py

# Glossary precision and recall on real vaults against tests/glossary/corpus/ (a report).
# Vaults come from $STUDYNOTES_CORPUS_VAULTS; `make glossary-eval EVAL_ARGS=--fetch` clones them.
glossary-eval: install
	$(BIN)/python bench/glossary_eval.py $(EVAL_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
