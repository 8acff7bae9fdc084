# airflow-provider-modelarts: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt

.PHONY: venv demo test lint unit emulator clean

venv: $(STAMP)

# Recreated only when the lock or the package metadata changes: quick when up to date.
$(STAMP): $(CONSTRAINTS) setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==24.3.1"
	$(BIN)/pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check airflow_provider_modelarts tests
	$(BIN)/mypy airflow_provider_modelarts/client airflow_provider_modelarts/hooks

unit: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test: venv lint unit

demo: venv
	$(BIN)/python demo/run_demo.py

emulator: venv
	$(BIN)/python -m airflow_provider_modelarts.emulator

clean:
	rm -rf $(VENV) .demo
