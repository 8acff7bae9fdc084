"""Fixtures of the reliability suite: real Airflow against the session emulator, and the text collector that the
secrets scan (``test_zz_secrets_scan.py``, last in the folder) reads together with the logs and the DB."""

from __future__ import annotations

import pytest

from tests.reliability.helpers import PRODUCED


@pytest.fixture(autouse=True)
def _airflow(modelarts_airflow):
    """Every reliability test runs Airflow against the session emulator (the shared fixture of tests/conftest.py)."""
    yield modelarts_airflow


@pytest.fixture
def produced() -> list[str]:
    """Append every output, log or exception text a test produces here: the secrets scan reads them all."""
    return PRODUCED
