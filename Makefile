# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck unit postgres constraints clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/mentorledger demo

test: install lint typecheck unit postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

postgres: install
	$(BIN)/pytest --backend=postgresql

constraints: install
	{ head -n2 constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -vi '^mentorledger'; } > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) var out .pytest_cache .mypy_cache .ruff_cache
