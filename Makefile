# Two commands matter: `make demo` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: demo test test-all lab serve bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pipeone demo

browser:
	@bash .ci/ensure-chromium

test: $(STAMP) browser
	$(BIN)/python -m pytest

test-all: $(STAMP) browser
	$(BIN)/python -m pytest -m ''

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

serve: $(STAMP)
	$(BIN)/pipeone serve --port $(PORT)

bench: $(STAMP)
	@echo "run e.g.: $(BIN)/pipeone bench import --messages 1000000"

clean:
	rm -rf $(VENV) data/*.duckdb* data/demo reports/*/ .pytest_cache
