"""Fixtures of the reliability suite: real Airflow against the session emulator, and the text collector that the
secrets scan (``test_zz_secrets_scan.py``, last in the folder) reads together with the logs and the DB."""

from __future__ import annotations

import pytest

from tests.reliability.helpers import PRODUCED


@pytest.fixture(autouse=True)
def _airflow(airflow_db, modelarts_conn):
    from airflow_provider_modelarts.client.auth import clear_token_cache

    clear_token_cache()
    yield


@pytest.fixture
def produced() -> list[str]:
    """Append every output, log or exception text a test produces here: the secrets scan reads them all."""
    return PRODUCED
