# airflow-provider-modelarts: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
# The UI checks drive Debian's Chromium through Playwright (never `playwright install`: its CDN is unreachable).
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: venv browser celery-services demo test lint unit fullstack fullstack-celery emulator clean

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

# The Celery suite has its own target (below): `make unit` leaves it out.
unit: venv browser
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not fullstack_celery" $(PYTEST_ARGS)

test: venv browser lint unit fullstack-celery

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
	rm -rf $(VENV) .demo

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
