# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench format clean

# Install only when pyproject.toml changed since the last install, so a second
# `make run` starts at once.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/gloss $(ARGS)

test: $(TEST_STAMP)
	TEXTUAL_ANIMATIONS=none $(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check annotations tui tests benchmarks
	$(BIN)/ruff format --check annotations tui tests benchmarks
	$(BIN)/lint-imports

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix annotations tui tests benchmarks
	$(BIN)/ruff format annotations tui tests benchmarks

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
