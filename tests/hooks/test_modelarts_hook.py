"""ModelArtsHook on a real Airflow connection, against the emulator; the Airflow CLI connection test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from airflow.sdk import Connection

from airflow_provider_modelarts.client.api import datasets
from airflow_provider_modelarts.client.auth import clear_token_cache
from airflow_provider_modelarts.client.config import SettingsError
from airflow_provider_modelarts.hooks.connection import settings_from_connection
from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

VENV_BIN = Path(sys.executable).parent


def _conn_env(monkeypatch, conn_id: str, payload: dict) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(payload))


def test_hook_reads_connection_lazily_and_connects(emulator, monkeypatch) -> None:
    hook = ModelArtsHook("ma_lazy")  # no connection exists yet: __init__ must not read it
    _conn_env(monkeypatch, "ma_lazy", emulator.airflow_connection())
    ok, message = hook.test_connection()
    assert ok, message
    assert emulator.project_id in message and "aksk" in message and "cn-north-4" in message
    assert emulator.count("training_v2.flavors") == 1 or emulator.count("training_v2.list_flavors") == 1


@pytest.mark.parametrize("auth_type", ["iam_user", "account"])
def test_password_auth_modes(emulator, monkeypatch, auth_type) -> None:
    clear_token_cache()
    if auth_type == "iam_user":
        login, password = emulator.user, emulator.password
    else:
        login, password = "emulator-account", "emulator-account-password"
    _conn_env(monkeypatch, "ma_pw", {"conn_type": "modelarts", "login": login, "password": password, "extra": {
        "auth_type": auth_type, "account": emulator.domain, "region": emulator.project_name,
        "modelarts_endpoint": emulator.url, "iam_endpoint": emulator.url}})
    hook = ModelArtsHook("ma_pw")
    assert "datasets" in hook.call(datasets.list_datasets())
    assert hook.project_id == emulator.project_id  # from the token's project scope
    assert emulator.count("iam.token.create") == 1


def test_credentials_from_environment(emulator, monkeypatch) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", emulator.ak)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", emulator.sk)
    extra = emulator.airflow_connection()["extra"]
    _conn_env(monkeypatch, "ma_env", {"conn_type": "modelarts", "extra": extra})
    ok, message = ModelArtsHook("ma_env").test_connection()
    assert ok, message


def test_failed_connection_test_names_the_error_without_secrets(emulator, monkeypatch) -> None:
    payload = emulator.airflow_connection()
    payload["password"] = "definitely-not-the-secret-key"
    _conn_env(monkeypatch, "ma_bad", payload)
    ok, message = ModelArtsHook("ma_bad").test_connection()
    assert not ok
    assert "APIG.0301" in message and "definitely-not-the-secret-key" not in message


@pytest.mark.parametrize(("extra", "needle"), [
    ({"auth_type": "nope"}, "auth_type must be one of"),
    ({"auth_type": "iam_user"}, "needs account"),
    ({"auth_type": "token"}, "needs token"),
    ({"timeout": "soon"}, "'timeout'"),
    ({"max_retries": "many"}, "'max_retries'"),
    ({"verify": "perhaps"}, "'verify'"),
    ({"regoin": "cn-north-4"}, "unknown extra keys ['regoin']"),
])
def test_bad_connection_settings_are_named(extra, needle, monkeypatch) -> None:
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK", raising=False)
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK", raising=False)
    conn = Connection(conn_id="x", conn_type="modelarts", login="AK", password="SK", extra=json.dumps(extra))
    with pytest.raises(SettingsError, match=rf"{needle[:20]}".replace("[", r"\[").replace("(", r"\(")):
        settings_from_connection(conn)


def test_timeouts_and_tls_options() -> None:
    conn = Connection(conn_id="x", conn_type="modelarts", login="AK", password="SK", extra=json.dumps(
        {"timeout": [3, 45], "verify": "false", "max_retries": "2", "ca_bundle": "/etc/ca.pem"}))
    s = settings_from_connection(conn)
    assert (s.connect_timeout, s.read_timeout, s.max_retries, s.tls_verify) == (3.0, 45.0, 2, False)


def test_secrets_are_masked_in_task_logs(emulator, monkeypatch) -> None:
    from airflow.sdk._shared.secrets_masker.secrets_masker import _secrets_masker

    _conn_env(monkeypatch, "ma_mask", emulator.airflow_connection())
    ModelArtsHook("ma_mask").settings  # noqa: B018 - reading settings registers the masks
    assert _secrets_masker().redact(f"sk={emulator.sk}") == "sk=***"


def test_airflow_cli_connections_add_and_test(emulator, tmp_path) -> None:
    """`airflow connections add --conn-type modelarts` then `airflow connections test` against the emulator."""
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__CORE__TEST_CONNECTION": "Enabled", "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    env.pop("AIRFLOW_CONN_MODELARTS_DEFAULT", None)
    airflow = str(VENV_BIN / "airflow")
    subprocess.run([airflow, "db", "migrate"], env=env, check=True, capture_output=True, timeout=180)
    conn = emulator.airflow_connection()
    subprocess.run([airflow, "connections", "add", "modelarts_cli", "--conn-type", "modelarts",
                    "--conn-login", conn["login"], "--conn-password", conn["password"],
                    "--conn-extra", json.dumps(conn["extra"])], env=env, check=True, capture_output=True,
                   timeout=120)
    result = subprocess.run([airflow, "connections", "test", "modelarts_cli"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Connection success" in result.stdout
    listed = subprocess.run([airflow, "providers", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert "airflow-provider-modelarts" in listed.stdout
