"""The built wheel, installed the way a user installs it, works: ``pytest -m release tests/release``.

``make dist`` builds the sdist and the wheel into a temporary folder (``twine check`` and the contents check
included). The wheel, not the source tree, is installed with its ``emulator`` extra into a fresh venv with the
lock (pip's cache is reused), and everything then runs from that venv with a working directory outside the
repository, so nothing can be imported from the checkout:

* ``airflow providers list`` shows the provider at the wheel's version;
* the emulator is started from the installed wheel (``python -m airflow_provider_modelarts.emulator``);
* ``airflow connections test`` passes against it;
* the example DAG ``modelarts_data_pipeline`` succeeds with ``airflow dags test`` and does what it should
  (12 samples imported and exported, the report counts them per label).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_provider_modelarts import __version__
from tests.release.dist_contents import wheel_problems

pytestmark = [pytest.mark.release, pytest.mark.timeout(1500)]

REPO = Path(__file__).resolve().parents[2]
CONSTRAINTS = REPO / "requirements" / "constraints.txt"
READY_LINE = "ModelArts emulator ready"


def _run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 600,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def _json_list(stdout: str) -> list:
    """The JSON list of objects an ``airflow ... -o json`` command printed.

    Log lines may come before or after it, and some of them start with ``[`` too (``[warning  ] ...``): the
    list is the first line-start ``[`` from which a JSON list of objects decodes.

    :param stdout: the command's standard output.
    """
    decoder = json.JSONDecoder()
    for match in re.finditer(r"^\[", stdout, flags=re.M):
        try:
            value, _ = decoder.raw_decode(stdout, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            return value
    raise AssertionError(f"no JSON list in the output:\n{stdout[-4000:]}")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """``make dist`` into a temporary folder: the same command a release uses."""
    out = tmp_path_factory.mktemp("dist")
    _run(["make", "-s", "dist", f"DIST={out}"], cwd=REPO, timeout=900)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel: Path) -> Path:
    """A fresh venv with the wheel (``[emulator]``) installed against the lock; returns its ``bin``."""
    root = tmp_path_factory.mktemp("wheel-venv")
    _run([sys.executable, "-m", "venv", str(root)])
    bin_dir = root / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pip==24.3.1"])
    _run([str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check", "-c", str(CONSTRAINTS),
          f"{wheel}[emulator]"], timeout=1200)
    return bin_dir


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory, venv: Path) -> dict[str, str]:
    home = tmp_path_factory.mktemp("wheel-airflow-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PYTHON", "MODELARTS_"))}
    env.update({"AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags_examples"), "MODELARTS_EXAMPLE_POLL_INTERVAL": "0.5",
                "PATH": f"{venv}:{env.get('PATH', '')}"})
    _run([str(venv / "airflow"), "db", "migrate"], env=env, cwd=home, timeout=600)
    return env


@pytest.fixture(scope="module")
def wheel_emulator(venv: Path, airflow_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """The emulator of the installed wheel, on free loopback ports; yields its URL and Airflow connection."""
    cwd = Path(airflow_env["AIRFLOW_HOME"])
    proc = subprocess.Popen([str(venv / "python"), "-m", "airflow_provider_modelarts.emulator", "--port", "0",
                             "--speed", "10"], env=airflow_env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.strip() == READY_LINE:
                break
        banner = "".join(lines)
        conn = re.search(r"export AIRFLOW_CONN_MODELARTS_DEFAULT='(.+)'", banner)
        url = re.search(r"ModelArts endpoint:\s+(\S+)", banner)
        assert conn and url, f"emulator did not start:\n{banner}"
        yield {"url": url.group(1), "conn": conn.group(1)}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def test_dist_wheel_holds_the_package_and_no_tests(wheel: Path) -> None:
    assert wheel.name == f"airflow_provider_modelarts-{__version__}-py3-none-any.whl"
    assert wheel_problems(wheel) == []
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(f"airflow_provider_modelarts-{__version__}.dist-info/METADATA").decode()
    assert "Requires-Dist: apache-airflow>=3.2" in metadata


def test_installed_wheel_is_not_the_checkout(venv: Path, airflow_env: dict[str, str]) -> None:
    out = _run([str(venv / "python"), "-c", "import airflow_provider_modelarts as p, importlib.metadata as m; "
                "print(p.__file__); print(m.version('airflow-provider-modelarts'))"],
               env=airflow_env, cwd=Path(airflow_env["AIRFLOW_HOME"])).stdout.split()
    assert Path(out[0]).is_relative_to(venv.parent / "lib"), out
    assert out[1] == __version__
    assert not list((venv.parent / "lib").glob("python3*/site-packages/tests"))


def test_providers_list_shows_the_provider(venv: Path, airflow_env: dict[str, str]) -> None:
    proc = _run([str(venv / "airflow"), "providers", "list", "-o", "json"], env=airflow_env,
                cwd=Path(airflow_env["AIRFLOW_HOME"]))
    providers = {p["package_name"]: p for p in _json_list(proc.stdout)}
    assert providers["airflow-provider-modelarts"]["version"] == __version__


def test_connections_test_against_the_wheel_emulator(venv: Path, airflow_env: dict[str, str],
                                                      wheel_emulator: dict[str, str]) -> None:
    env = {**airflow_env, "AIRFLOW_CONN_MODELARTS_DEFAULT": wheel_emulator["conn"],
           "AIRFLOW__CORE__TEST_CONNECTION": "Enabled"}
    proc = _run([str(venv / "airflow"), "connections", "test", "modelarts_default"], env=env,
                cwd=Path(airflow_env["AIRFLOW_HOME"]))
    assert "Connection success" in proc.stdout, proc.stdout


def test_example_dag_runs_from_the_wheel(venv: Path, airflow_env: dict[str, str],
                                         wheel_emulator: dict[str, str]) -> None:
    env = {**airflow_env, "AIRFLOW_CONN_MODELARTS_DEFAULT": wheel_emulator["conn"]}
    proc = _run([str(venv / "airflow"), "dags", "test", "modelarts_data_pipeline"], env=env,
                cwd=Path(airflow_env["AIRFLOW_HOME"]), timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    runs = _json_list(_run([str(venv / "airflow"), "dags", "list-runs", "modelarts_data_pipeline", "-o", "json"],
                           env=env, cwd=Path(airflow_env["AIRFLOW_HOME"])).stdout)
    assert [r["state"] for r in runs] == ["success"], runs
    assert 'labeled data report: {"samples": 12, "labels": {"bird": 4, "cat": 4, "dog": 4}}' in output
    with urllib.request.urlopen(f"{wheel_emulator['url']}/_emulator/requests/counts", timeout=30) as resp:
        counts = json.load(resp)
    assert counts.get("datasets.create_import_task") == 1 and counts.get("datasets.create_export_task") == 1, counts
