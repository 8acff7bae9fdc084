"""OBS transfer operators, OBSKeySensor and OBSKeyTrigger against the emulator's OBS (moto) over loopback HTTP.

The connection comes from ``AIRFLOW_CONN_MODELARTS_DEFAULT`` (no Airflow DB needed), except in the last test, which
runs ``tests/dags/obs_transfer_dag.py`` with ``dag.test()`` in a subprocess with its own ``AIRFLOW_HOME`` and a
migrated SQLite DB. (That Airflow set-up belongs in a shared conftest once other modules need it.)
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow._shared.module_loading import import_string  # what the triggerer uses (no airflow.utils.module_loading)
from airflow.sdk.exceptions import AirflowException, AirflowSensorTimeout, TaskDeferred

from airflow_provider_modelarts.hooks.obs import OBSHook
from airflow_provider_modelarts.operators.obs import LocalFilesystemToOBSOperator, OBSToLocalFilesystemOperator
from airflow_provider_modelarts.sensors.obs import OBSKeySensor
from airflow_provider_modelarts.triggers.obs import OBSKeyTrigger

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "tests" / "dags"
DEAD_CONN_ID = "obs_dead"


def connection_json(handle: Any, endpoint: str, max_retries: int = 1) -> str:
    """A ``modelarts`` connection (AK/SK auth) pointing OBS at ``endpoint``."""
    return json.dumps({
        "conn_type": "modelarts", "login": handle.ak, "password": handle.sk,
        "extra": {"auth_type": "aksk", "region": "cn-north-4", "project_id": handle.project_id,
                  "obs_endpoint": endpoint, "verify": False, "max_retries": max_retries},
    })


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def conn_env(emulator_server: Any) -> Iterator[dict[str, str]]:
    """``modelarts_default`` on the emulator's OBS and ``obs_dead`` on a closed port, as env-var connections."""
    env = {
        "AIRFLOW_CONN_MODELARTS_DEFAULT": connection_json(emulator_server, str(emulator_server.obs_url)),
        f"AIRFLOW_CONN_{DEAD_CONN_ID.upper()}": connection_json(
            emulator_server, f"http://127.0.0.1:{closed_port()}", max_retries=0),
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        yield env


@pytest.fixture(scope="module")
def bucket(conn_env: dict[str, str]) -> str:
    name = f"obs-ops-{uuid.uuid4().hex[:12]}"
    OBSHook().create_bucket(name)
    return name


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def make_tree(root: Path) -> Path:
    for rel, data in {"a.txt": b"a", "sub/b.bin": os.urandom(2048), "sub/deep/c.txt": b"c"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


# ---- transfer operators ------------------------------------------------------------------------------------------
def test_transfer_operators_round_trip(bucket: str, tmp_path: Path) -> None:
    src = make_tree(tmp_path / "data")
    up = LocalFilesystemToOBSOperator(task_id="up", src=str(src), dst=f"obs://{bucket}/ops/")
    urls = up.execute(context={})
    assert sorted(urls) == [f"obs://{bucket}/ops/data/{rel}" for rel in sorted(tree(src))]
    down = OBSToLocalFilesystemOperator(task_id="down", src=f"obs://{bucket}/ops/data/", dst=str(tmp_path / "out"),
                                        keep_last_dir=False)
    paths = down.execute(context={})
    assert tree(tmp_path / "out") == tree(src) and len(paths) == 3

    one = OBSToLocalFilesystemOperator(task_id="one", src=f"obs://{bucket}/ops/data/a.txt",
                                       dst=str(tmp_path / "single.txt"))
    assert one.execute(context={}) == [str(tmp_path / "single.txt")]
    assert (tmp_path / "single.txt").read_bytes() == b"a"
    assert LocalFilesystemToOBSOperator.template_fields == ("src", "dst", "modelarts_conn_id")
    assert OBSToLocalFilesystemOperator.template_fields == ("src", "dst", "modelarts_conn_id")


def test_the_connection_id_is_templated_on_the_transfers_and_the_sensor(tmp_path: Path) -> None:
    """Issue 13: ``modelarts_conn_id`` renders like the ModelArts operators' (e.g. a connection per environment)."""
    context = {"params": {"env": "staging"}}
    up = LocalFilesystemToOBSOperator(task_id="up_t", src=str(tmp_path), dst="obs://b/k/",
                                      modelarts_conn_id="modelarts_{{ params.env }}")
    down = OBSToLocalFilesystemOperator(task_id="down_t", src="obs://b/k/", dst=str(tmp_path),
                                        modelarts_conn_id="modelarts_{{ params.env }}")
    sensor = OBSKeySensor(task_id="s_t", obs_url="obs://b/k", modelarts_conn_id="modelarts_{{ params.env }}")
    for task in (up, down, sensor):
        task.render_template_fields(context)  # type: ignore[arg-type]
        assert task.modelarts_conn_id == "modelarts_staging", task.task_id


def test_transfer_operators_check_sides_before_any_call(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dst must be an obs:// URL"):
        LocalFilesystemToOBSOperator(task_id="bad1", src=str(tmp_path), dst=str(tmp_path / "x"),
                                     modelarts_conn_id="no_such_conn").execute(context={})
    with pytest.raises(ValueError, match="src must be a local path"):
        LocalFilesystemToOBSOperator(task_id="bad2", src="obs://bkt/a", dst="obs://bkt/b",
                                     modelarts_conn_id="no_such_conn").execute(context={})
    with pytest.raises(ValueError, match="src must be an obs:// URL"):
        OBSToLocalFilesystemOperator(task_id="bad3", src=str(tmp_path), dst=str(tmp_path),
                                     modelarts_conn_id="no_such_conn").execute(context={})


def test_missing_source_fails_the_operator(bucket: str, tmp_path: Path) -> None:
    from airflow_provider_modelarts.hooks.obs import OBSNotFoundError

    op = OBSToLocalFilesystemOperator(task_id="missing", src=f"obs://{bucket}/nothing/here.txt", dst=str(tmp_path))
    with pytest.raises(OBSNotFoundError, match="nothing/here.txt"):
        op.execute(context={})


# ---- sensor: poke mode -----------------------------------------------------------------------------------------------
def test_sensor_poke_finds_key_and_prefix(bucket: str) -> None:
    OBSHook().write_text(f"obs://{bucket}/sense/ready.txt", "ok")
    for url in (f"obs://{bucket}/sense/ready.txt", f"obs://{bucket}/sense/"):
        sensor = OBSKeySensor(task_id="s", obs_url=url, deferrable=False, poke_interval=0.1, timeout=5)
        assert sensor.execute(context={}) == url


def test_sensor_poke_times_out_on_missing_key(bucket: str) -> None:
    sensor = OBSKeySensor(task_id="s", obs_url=f"obs://{bucket}/sense/never.txt", deferrable=False,
                          poke_interval=0.2, timeout=0.6)
    with pytest.raises(AirflowSensorTimeout):
        sensor.execute(context={})
    prefix = OBSKeySensor(task_id="p", obs_url=f"obs://{bucket}/sense-nothing/", deferrable=False,
                          poke_interval=0.2, timeout=0.4)
    with pytest.raises(AirflowSensorTimeout):
        prefix.execute(context={})


# ---- sensor: deferrable ------------------------------------------------------------------------------------------------
async def first_event(trigger: OBSKeyTrigger) -> dict[str, Any]:
    async for event in trigger.run():
        return dict(event.payload)
    raise AssertionError("the trigger ended without an event")


def run_trigger(trigger: OBSKeyTrigger, timeout: float = 20) -> dict[str, Any]:
    return asyncio.run(asyncio.wait_for(first_event(trigger), timeout))


def test_deferrable_sensor_defers_then_trigger_fires(bucket: str) -> None:
    url = f"obs://{bucket}/defer/model.bin"
    sensor = OBSKeySensor(task_id="d", obs_url=url, deferrable=True, poke_interval=0.3, timeout=30)
    with pytest.raises(TaskDeferred) as info:
        sensor.execute(context={})
    deferred = info.value
    assert deferred.method_name == "execute_complete" and deferred.timeout.total_seconds() == 30
    path, kwargs = deferred.trigger.serialize()
    assert kwargs == {"obs_url": url, "modelarts_conn_id": "modelarts_default", "poll_interval": 0.3}
    trigger = import_string(path)(**kwargs)  # what the triggerer does
    assert isinstance(trigger, OBSKeyTrigger)

    threading.Timer(0.8, OBSHook().write_bytes, args=(url, b"weights")).start()
    event = run_trigger(trigger)
    assert event == {"status": "success", "obs_url": url}
    assert sensor.execute_complete(context={}, event=event) == url


def test_deferrable_sensor_returns_at_once_when_present(bucket: str) -> None:
    url = f"obs://{bucket}/defer-present/"
    OBSHook().write_text(url + "x.txt", "x")
    assert OBSKeySensor(task_id="d", obs_url=url, deferrable=True).execute(context={}) == url


def test_trigger_error_events_fail_the_task(bucket: str) -> None:
    dead = run_trigger(OBSKeyTrigger(f"obs://{bucket}/k", modelarts_conn_id=DEAD_CONN_ID, poll_interval=0.1))
    assert dead["status"] == "error" and bucket in dead["message"] and "OBSError" in dead["message"]
    sensor = OBSKeySensor(task_id="d", obs_url=f"obs://{bucket}/k", deferrable=True, modelarts_conn_id=DEAD_CONN_ID)
    with pytest.raises(AirflowException, match=f"obs://{bucket}/k failed: OBSError"):
        sensor.execute_complete(context={}, event=dead)
    missing = run_trigger(OBSKeyTrigger(f"obs://{bucket}/k", modelarts_conn_id="no_such_conn_obs"))
    assert missing["status"] == "error" and "no_such_conn_obs" in missing["message"]


# ---- import hygiene ---------------------------------------------------------------------------------------------------
def test_operator_and_sensor_modules_import_no_sdk_or_emulator() -> None:
    """Importing the task modules adds no esdk-obs, emulator, jsonschema or httpx module beyond Airflow's own."""
    code = (
        "import sys\n"
        "import airflow.sdk, airflow.sdk.configuration, airflow.triggers.base\n"
        "before = set(sys.modules)\n"
        "import airflow_provider_modelarts.operators.obs, airflow_provider_modelarts.sensors.obs\n"
        "import airflow_provider_modelarts.triggers.obs, airflow_provider_modelarts.hooks.obs\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    added = proc.stdout.split()
    assert "airflow_provider_modelarts.operators.obs" in added
    forbidden = ("obs", "jsonschema", "httpx", "airflow_provider_modelarts.emulator", "moto")
    assert not [m for m in added if m.split(".")[0] in forbidden or m.startswith(forbidden[3])], added
    assert not [line for line in proc.stderr.splitlines() if line.rstrip().endswith(("| obs", "| obs.client"))]


# ---- real Airflow: dag.test() ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def airflow_env(conn_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of an isolated Airflow (own AIRFLOW_HOME, SQLite DB migrated once, test DAGs folder)."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = {**os.environ, **conn_env, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return env


def test_dag_test_uploads_waits_deferred_and_downloads(airflow_env: dict[str, str], bucket: str,
                                                       tmp_path: Path) -> None:
    src = make_tree(tmp_path / "dag-data")
    conf = {"local_src": str(src), "obs_dir": f"obs://{bucket}/dagrun/", "late_key": "late/ready.txt",
            "local_dst": str(tmp_path / "dag-out")}
    proc = subprocess.run([sys.executable, str(DAGS_FOLDER / "obs_transfer_dag.py"), json.dumps(conf)],
                          env=airflow_env, capture_output=True, text=True, timeout=540)  # pytest-timeout is 600: room for a loaded 2-core machine
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "DAG_RUN_STATE success" in output, output[-5000:]
    assert "Pausing task as DEFERRED" in output and "Trigger completed" in output, output[-5000:]  # real deferral
    expected = {f"dag-data/{rel}": data for rel, data in tree(src).items()} | {"late/ready.txt": b"late"}
    assert tree(tmp_path / "dag-out") == expected
    handle_sk = json.loads(airflow_env["AIRFLOW_CONN_MODELARTS_DEFAULT"])["password"]
    assert handle_sk not in output
