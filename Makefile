# studynotes: `make run` serves notes/, `make test` checks everything. Needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VAULT  ?= notes

.PHONY: install run index check test lint fmt bench clean

install: $(STAMP)

# Reinstall only when the project's dependencies change; code changes need no reinstall.
$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/studynotes serve $(VAULT)

index: install
	$(BIN)/studynotes index $(VAULT)

check: install
	$(BIN)/studynotes check $(VAULT)

lint: install
	$(BIN)/ruff check src tests alembic
	$(BIN)/ruff format --check src tests alembic
	$(BIN)/mypy --strict src

test: lint
	$(BIN)/pytest

fmt: install
	$(BIN)/ruff check --fix src tests alembic
	$(BIN)/ruff format src tests alembic

bench: install
	@echo "the benchmark arrives with the performance work; nothing to measure yet"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
