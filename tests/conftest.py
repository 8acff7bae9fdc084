"""Shared pytest set-up.

* The emulator fixtures come from the emulator's own pytest plugin (``emulator_server``, ``emulator``).
* Airflow runs for real in this process: before anything imports Airflow, this file points ``AIRFLOW_HOME`` at a
  fresh folder and the DAGs folder at ``tests/dags``; ``airflow_db`` migrates that SQLite DB once per session.
* ``modelarts_conn`` points the ``modelarts_default`` connection at the session's emulator (env var).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DAGS_FOLDER = TESTS / "dags"
_HOME = tempfile.mkdtemp(prefix="airflow-home-")
os.environ.update({
    "AIRFLOW_HOME": _HOME,
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
})

pytest_plugins = ["airflow_provider_modelarts.emulator.testing"]


@pytest.fixture(scope="session")
def airflow_db() -> str:
    """The session's Airflow metadata DB (SQLite), migrated once."""
    airflow = str(Path(sys.executable).parent / "airflow")
    subprocess.run([airflow, "db", "migrate"], check=True, capture_output=True, timeout=300, env=os.environ.copy())
    return _HOME


@pytest.fixture
def modelarts_conn(emulator, monkeypatch) -> Iterator:
    """``modelarts_default`` points at the emulator (AK/SK); yields the emulator handle."""
    monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", emulator.airflow_connection_json())
    yield emulator


@pytest.fixture
def modelarts_airflow(airflow_db, modelarts_conn) -> Iterator:
    """Airflow against the session's emulator, as every DAG-running test module wants it: the migrated DB,
    ``modelarts_default`` at the emulator and an empty IAM token cache (no token leaks from one test into the
    next). Modules take it with ``pytestmark = pytest.mark.usefixtures("modelarts_airflow")``; yields the
    emulator handle."""
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    yield modelarts_conn
