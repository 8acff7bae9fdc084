# airflow-provider-modelarts: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
# The UI checks drive Debian's Chromium through Playwright (never `playwright install`: its CDN is unreachable).
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: venv browser celery-services demo test lint unit suite fullstack fullstack-celery emulator clean dist docs test-min

venv: $(STAMP)

# Recreated only when the lock or the package metadata changes: quick when up to date.
$(STAMP): $(CONSTRAINTS) setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==24.3.1"
	$(BIN)/pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

# Debian's chromium for the full-stack UI tests (as root, like CI; skipped when already there).
browser:
	@test -x $(CHROMIUM_PATH) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -x $(CHROMIUM_PATH) || { echo "$(CHROMIUM_PATH) missing: apt-get install -y chromium" >&2; exit 1; }

lint: venv
	$(BIN)/ruff check airflow_provider_modelarts tests dags_examples demo benchmarks
	$(BIN)/mypy airflow_provider_modelarts/client airflow_provider_modelarts/hooks

# The fast loop while working: everything but the full stacks (the browser tests are full-stack tests), the
# example-DAG system runs, the reliability suite and the wheel build, on UNIT_WORKERS pytest-xdist workers (each
# with its own emulator, AIRFLOW_HOME and fork server; a test file stays on one worker): about 6 minutes on 2
# cores. `make unit UNIT_WORKERS=0` runs it in one process.
UNIT_WORKERS ?= 2
UNIT_ARGS := -m "not fullstack and not fullstack_celery and not release" --ignore=tests/system --ignore=tests/reliability
unit: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(UNIT_WORKERS) --dist loadfile $(UNIT_ARGS) $(PYTEST_ARGS)

# The whole pytest suite but the Celery one (its own target below, which `test` runs too).
suite: venv browser
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not fullstack_celery" $(PYTEST_ARGS)

# CI's command (.ci/run). `suite` includes the wheel smoke test (tests/release/test_wheel.py builds with `make dist`
# and installs the wheel into a fresh venv); `docs`, `test-min` and `fullstack-celery` add the docs build, the
# Airflow 3.2 suite and the CeleryExecutor suite (PostgreSQL and Redis from apt).
test: venv browser lint docs suite test-min fullstack-celery

# sdist + wheel with the build backend pinned by the lock (PIP_CONSTRAINT reaches the isolated build env), then
# `twine check` and the wheel's contents (schemas, py.typed, emulator in; no tests). Stale build/lib and egg-info
# are removed first: setuptools would otherwise ship files deleted since the last build.
DIST ?= dist
dist: venv
	rm -rf $(DIST) build/lib build/bdist.* airflow_provider_modelarts.egg-info
	PIP_CONSTRAINT=$(CURDIR)/$(CONSTRAINTS) $(BIN)/python -m build --outdir $(DIST) .
	$(BIN)/python -m twine check --strict $(DIST)/*
	$(BIN)/python -m tests.release.dist_contents $(DIST)

# The guides (docs/*.md) and the operator reference, generated at build time from the docstrings of every
# module that provider info lists (docs/_ext/modelarts_reference.py): a Sphinx warning fails the build.
docs: venv
	rm -rf build/docs docs/_generated
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs build/docs

# The declared minimum (apache-airflow>=3.2): its own venv from requirements/constraints-airflow-3.2.txt and
# the core suite (docs/release.md says which and why). CI runs MIN_TESTS; `make test-min MIN_TESTS="$(MIN_TESTS_ALL)"`
# adds every operator run with `airflow dags test` (tens of minutes on 2 cores: before a release).
MIN_VENV := .venv-min
MIN_CONSTRAINTS := requirements/constraints-airflow-3.2.txt
MIN_STAMP := $(MIN_VENV)/.installed
MIN_TESTS ?= tests/client tests/hooks tests/utils tests/test_import_hygiene.py tests/release/test_versions.py tests/operators/test_obs_operators.py
MIN_TESTS_ALL := tests/client tests/hooks tests/utils tests/test_import_hygiene.py tests/release/test_versions.py tests/operators

$(MIN_STAMP): $(MIN_CONSTRAINTS) setup.cfg pyproject.toml
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.3.1"
	$(MIN_VENV)/bin/pip install --quiet --disable-pip-version-check -c $(MIN_CONSTRAINTS) -e '.[dev]'
	touch $(MIN_STAMP)

test-min: $(MIN_STAMP)
	$(MIN_VENV)/bin/python -c "import airflow, sys; v = airflow.__version__; print('Airflow', v); sys.exit(not v.startswith('3.2.'))"
	$(MIN_VENV)/bin/python -m pytest -q -p no:cacheprovider $(MIN_TESTS) $(PYTEST_ARGS)

# Only the full-stack tests (real api-server, scheduler, dag-processor, triggerer; Playwright UI checks).
fullstack: venv browser
	$(BIN)/python -m pytest -q -p no:cacheprovider -m fullstack $(PYTEST_ARGS)

# Debian's PostgreSQL and Redis servers for the Celery suite (as root, like CI; skipped when already there).
celery-services:
	@{ ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && test -x /usr/bin/redis-server; } || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; }

# CeleryExecutor on PostgreSQL and Redis, two Celery workers and two triggerers, all started by the tests on
# loopback (docs/deployment.md): the seven production-topology scenarios.
fullstack-celery: venv celery-services
	$(BIN)/python -m pytest -q -p no:cacheprovider -m fullstack_celery tests/fullstack_celery $(PYTEST_ARGS)

demo: venv
	$(BIN)/python demo/run_demo.py

emulator: venv
	$(BIN)/python -m airflow_provider_modelarts.emulator

clean:
	rm -rf $(VENV) $(MIN_VENV) .demo dist build docs/_generated

# Benchmarks (docs/benchmarks.md): not part of `make test`. The SageMaker comparison needs the Amazon provider,
# which is not in the lock: it is installed into the venv here, pinned and checked against the constraints.
AMAZON_PROVIDER := apache-airflow-providers-amazon==9.39.0
.PHONY: bench soak

bench: venv
	$(BIN)/python -c "import airflow.providers.amazon" 2>/dev/null || \
		$(BIN)/pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) "$(AMAZON_PROVIDER)"
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# The long reliability run: the fault soak repeats the chain SOAK_RUNS times (make test runs it 3 times).
soak: venv
	RELIABILITY_SOAK_RUNS=$(or $(SOAK_RUNS),20) $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability $(PYTEST_ARGS)
