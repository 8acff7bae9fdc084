"""The command line: ``python -m airflow_provider_modelarts.emulator`` as a real subprocess."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from obs import ObsClient

MODULE = "airflow_provider_modelarts.emulator"
READY = "ModelArts emulator ready"
OPTIONS = ["--host", "--port", "--obs-port", "--speed", "--seed", "--runner", "--config", "--no-obs", "--buckets",
           "--token-ttl"]


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", MODULE, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=Path(__file__).resolve().parents[2])


class Cli:
    """A running CLI process whose stdout is read line by line in a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-u", "-m", MODULE, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, cwd=Path(__file__).resolve().parents[2])
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                assert self.proc.poll() is None, f"the emulator exited early: {self.seen}"
                continue
            self.seen.append(line)
            if line == READY:
                return self.seen
        raise AssertionError(f"no ready line within {timeout}s: {self.seen}")

    def value(self, label: str) -> str:
        line = next(line for line in self.seen if line.startswith(label))
        return line.split(":", 1)[1].strip()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


@pytest.fixture
def cli_factory() -> Iterator[type[Cli]]:
    started: list[Cli] = []

    class Tracked(Cli):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for cli in started:
        if cli.proc.poll() is None:
            cli.proc.kill()
            cli.proc.wait(timeout=10)


def test_start_serve_and_sigterm(cli_factory: type[Cli]) -> None:
    cli = cli_factory("--port", "0", "--obs-port", "0", "--speed", "5", "--seed", "3", "--buckets", "one-bkt,two-bkt")
    cli.wait_ready()
    url, obs_url = cli.value("ModelArts endpoint"), cli.value("OBS endpoint")
    health = requests.get(f"{url}/_emulator/health", timeout=10).json()
    assert health == {**health, "status": "ok", "speed": 5.0, "seed": 3, "obs": True}
    conn_line = next(line for line in cli.seen if line.startswith("export AIRFLOW_CONN_MODELARTS_DEFAULT="))
    conn = json.loads(conn_line.split("=", 1)[1].strip("'"))
    assert conn["conn_type"] == "modelarts" and conn["login"] and conn["password"]
    assert conn["extra"] == {"auth_type": "aksk", "region": "cn-north-4", "project_id": conn["extra"]["project_id"],
                             "modelarts_endpoint": url, "iam_endpoint": url, "obs_endpoint": obs_url}
    client = ObsClient(access_key_id=conn["login"], secret_access_key=conn["password"], server=obs_url,
                       path_style=True, max_retry_count=0, timeout=10)
    try:
        assert [client.headBucket(b).status for b in ("one-bkt", "two-bkt", "three-bkt")] == [200, 200, 404]
    finally:
        client.close()
    assert cli.stop() == 0
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{url}/_emulator/health", timeout=5)


def test_custom_config_and_no_obs(cli_factory: type[Cli], tmp_path: Path) -> None:
    config = {"projects": [{"id": "p" * 32, "name": "cn-south-1"}],
              "domains": [{"name": "acme", "users": [{"name": "ann", "password": "pw-ann", "projects": ["p" * 32]}]}],
              "access_keys": [{"ak": "ACMEAK", "sk": "acme-secret", "projects": ["p" * 32]}]}
    path = tmp_path / "identities.json"
    path.write_text(json.dumps(config))
    cli = cli_factory("--port", "0", "--no-obs", "--config", str(path), "--token-ttl", "120")
    cli.wait_ready()
    url = cli.value("ModelArts endpoint")
    assert cli.value("OBS endpoint") == "(not started)"
    assert cli.value("Access key (AK)") == "ACMEAK"
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "ann", "password": "pw-ann", "domain": {"name": "acme"}}}}, "scope": {"project": {"name": "cn-south-1"}}}}
    resp = requests.post(f"{url}/v3/auth/tokens", json=body, timeout=10)
    assert resp.status_code == 201 and resp.json()["token"]["project"]["id"] == "p" * 32
    assert cli.stop() == 0


def test_help_lists_every_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for option in OPTIONS:
        assert option in result.stdout, option
    assert "18443" in result.stdout


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    (json.dumps({"projects": []}), "at least one project"),
    (json.dumps({"projects": [{"id": "a", "name": "r"}]}), "'domains' must be a list"),
    (json.dumps({"projects": [{"id": "a", "name": "r"}], "domains": [],
                 "access_keys": [{"ak": "A", "sk": "S", "projects": ["zzz"]}]}), "unknown project ids"),
])
def test_malformed_config_exits_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run_cli("--port", "0", "--no-obs", "--config", str(path))
    assert result.returncode == 2
    assert "invalid --config" in result.stderr and message in result.stderr


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("--port", "0", "--no-obs", "--config", os.fspath(tmp_path / "nope.json"))
    assert result.returncode == 2 and "cannot read" in result.stderr
