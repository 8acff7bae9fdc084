"""Running test DAGs for real with ``airflow dags test`` and reading what they left (states, XComs, output).

Each run is a fresh Airflow process (as a worker would be); its output is the task log. The test process reads
the results from the same metadata DB. The process is forked from :mod:`tests.airflow_forkserver` (Airflow
already imported: seconds less per run) when the run's environment allows it, else started from scratch;
``MODELARTS_TESTS_FORKSERVER=0`` starts every run from scratch.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

AIRFLOW = str(Path(sys.executable).parent / "airflow")
FORKSERVER = Path(__file__).resolve().with_name("airflow_forkserver.py")
FORKSERVER_ENV = "MODELARTS_TESTS_FORKSERVER"
#: fork servers kept alive at once (one per distinct import-time environment, the oldest stopped first)
MAX_FORKSERVERS = 2


@dataclass
class DagRunResult:
    dag_id: str
    run_id: str | None
    returncode: int
    output: str


def run_dag(dag_id: str, *, logical_date: datetime | None = None, timeout: float = 300,
            extra_env: dict[str, str] | None = None, conf: dict[str, Any] | None = None) -> DagRunResult:
    """``airflow dags test <dag_id> [<logical_date>]`` in a subprocess; returns its run and output.

    :param extra_env: environment added for that process (e.g. ``AIRFLOW__CORE__DAGS_FOLDER`` of the examples).
    """
    cmd = [AIRFLOW, "dags", "test", dag_id]
    if logical_date is not None:
        cmd.append(logical_date.isoformat())
    if conf is not None:
        cmd += ["--conf", json.dumps(conf)]
    returncode, output = run_command(cmd, env={**os.environ, **(extra_env or {})}, timeout=timeout)
    return DagRunResult(dag_id, latest_run_id(dag_id), returncode, output)


def import_time_env(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The part of ``env`` a process reads while importing Airflow: ``AIRFLOW*`` (the configuration, but not
    the connections and variables, which are looked up when used) and ``PYTHONPATH``. Two environments with the
    same value can share a fork server.

    :param env: a process environment.
    """
    return tuple(sorted((k, v) for k, v in env.items() if k == "PYTHONPATH" or (
        k.startswith(("AIRFLOW", "_AIRFLOW")) and not k.startswith(("AIRFLOW_CONN_", "AIRFLOW_VAR_")))))


class ForkServer:
    """One running :mod:`tests.airflow_forkserver`, started with ``env``.

    :param env: the environment of the server (its import-time part is what its children share).
    """

    def __init__(self, env: dict[str, str]) -> None:
        self._errors = tempfile.TemporaryFile()
        self._pending = b""
        self._proc = subprocess.Popen([sys.executable, str(FORKSERVER)], env=env, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=self._errors, bufsize=0)
        self._answer(timeout=300)  # {"ready": pid} once Airflow is imported

    def _answer(self, timeout: float | None) -> dict[str, Any] | None:
        """The server's next answer line, None if none came within ``timeout`` seconds (read unbuffered, so a
        line already received is never left waiting in a buffer that ``select`` cannot see).

        :param timeout: seconds to wait (None: until it comes).
        :raises RuntimeError: if the server died.
        """
        out = self._proc.stdout
        assert out is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._pending:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if left is not None and not select.select([out], [], [], left)[0]:
                return None
            chunk = os.read(out.fileno(), 65536)
            if not chunk:
                self._errors.seek(0)
                died = self._errors.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"the Airflow fork server died: {died}")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return dict(json.loads(line))

    def start(self, argv: list[str], env: dict[str, str], stdout: str, stderr: str) -> int:
        """Fork a child running ``argv``; returns its pid (its own process group). One child at a time: wait
        for it before the next start.

        :param argv: an ``airflow`` or ``python -c`` command line.
        :param env: the child's whole environment.
        :param stdout: file the child's stdout goes to.
        :param stderr: file the child's stderr goes to.
        """
        stdin = self._proc.stdin
        assert stdin is not None
        request = {"argv": argv, "env": env, "cwd": os.getcwd(), "stdout": stdout, "stderr": stderr}
        data = memoryview(json.dumps(request).encode() + b"\n")
        while data:  # unbuffered: a write may take part of it
            data = data[stdin.write(data) or 0:]
        started = self._answer(timeout=60)
        assert started is not None, "the fork server did not start the process"
        return int(started["pid"])

    def wait(self, timeout: float | None) -> int | None:
        """The exit code of the running child (negative: killed by that signal), None if it still runs after
        ``timeout`` seconds.

        :param timeout: seconds to wait (0: just look; None: until it ends).
        """
        ended = self._answer(timeout=timeout)
        return None if ended is None else int(ended["returncode"])

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
        """Run ``argv`` in a forked child; returns its exit code and its stdout followed by its stderr, as
        ``subprocess.run(capture_output=True)`` would.

        :param argv: an ``airflow`` or ``python -c`` command line.
        :param env: the child's whole environment.
        :param timeout: seconds before the child's process group is killed and ``TimeoutExpired`` raised.
        """
        with tempfile.TemporaryDirectory(prefix="airflow-run-") as tmp:
            paths = [str(Path(tmp) / name) for name in ("stdout", "stderr")]
            pid = self.start(argv, env, *paths)
            returncode = self.wait(timeout)
            if returncode is None:
                os.killpg(pid, signal.SIGKILL)
                self.wait(60)
                raise subprocess.TimeoutExpired(argv, timeout)
            return returncode, "".join(Path(p).read_text(errors="replace") for p in paths)

    def stop(self) -> None:
        stdin: IO[bytes] | None = self._proc.stdin
        if stdin is not None:
            stdin.close()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._errors.close()


_servers: dict[tuple[tuple[str, str], ...], ForkServer] = {}


def _stop_servers() -> None:
    while _servers:
        _servers.pop(next(iter(_servers))).stop()


atexit.register(_stop_servers)


def forkable(cmd: list[str]) -> bool:
    """Whether the fork server can run ``cmd``: an ``airflow`` or ``python -c`` command line of this venv,
    unless ``MODELARTS_TESTS_FORKSERVER=0``.

    :param cmd: the command line.
    """
    return os.environ.get(FORKSERVER_ENV, "1") != "0" and (
        cmd[0] == AIRFLOW or (cmd[0] == sys.executable and cmd[1:2] == ["-c"]))


def fork_server(env: dict[str, str]) -> ForkServer:
    """The fork server for ``env``'s import-time part (started on first use; the least recently used one is
    stopped beyond :data:`MAX_FORKSERVERS`).

    :param env: the environment of the process to fork.
    """
    key = import_time_env(env)
    server = _servers.pop(key, None)
    if server is None:
        while len(_servers) >= MAX_FORKSERVERS:
            _servers.pop(next(iter(_servers))).stop()
        server = ForkServer(env)
    _servers[key] = server  # most recently used last
    return server


def run_command(cmd: list[str], *, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run a command line as its own process, forked from :func:`fork_server` when :func:`forkable`; returns
    the exit code and stdout followed by stderr (as ``subprocess.run(capture_output=True)``).

    :param cmd: the command line.
    :param env: the process's environment.
    :param timeout: seconds before the process is killed and ``subprocess.TimeoutExpired`` raised.
    """
    if not forkable(cmd):
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout + proc.stderr
    server = fork_server(env)
    try:
        return server.run(cmd, env, timeout)
    except RuntimeError:
        _servers.pop(import_time_env(env), None)
        server.stop()
        raise


def latest_run_id(dag_id: str) -> str | None:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        run = session.scalars(select(DagRun).where(DagRun.dag_id == dag_id).order_by(DagRun.id.desc())).first()
        return run.run_id if run else None


def ti_states(dr: DagRunResult) -> dict[str, str]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        tis = session.scalars(select(TaskInstance).where(TaskInstance.dag_id == dr.dag_id,
                                                         TaskInstance.run_id == dr.run_id)).all()
        return {ti.task_id: str(ti.state.value if hasattr(ti.state, "value") else ti.state) for ti in tis}


def xcom(dr: DagRunResult, task_id: str, key: str = "return_value") -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalars(select(XComModel).where(
            XComModel.dag_id == dr.dag_id, XComModel.run_id == dr.run_id, XComModel.task_id == task_id,
            XComModel.key == key)).first()
        return XComModel.deserialize_value(row) if row is not None else None


_SAME_RUN_SCRIPT = """
import importlib.util, sys
from datetime import datetime
spec = importlib.util.spec_from_file_location("testdags", {path!r})
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
when = datetime.fromisoformat({when!r})
getattr(mod, {dag_id!r}).test(run_after=when, logical_date=when)
"""


def same_run_command(dag_file: Path, dag_id: str, when: datetime) -> list[str]:
    """A command running ``dag.test()`` for one fixed DAG run (same run id every time): running it again after
    it was killed is a retry of the same task instances."""
    return [sys.executable, "-c", _SAME_RUN_SCRIPT.format(path=str(dag_file), when=when.isoformat(), dag_id=dag_id)]


def run_same_run(dag_file: Path, dag_id: str, when: datetime, *, timeout: float = 300) -> DagRunResult:
    returncode, output = run_command(same_run_command(dag_file, dag_id, when), env=os.environ.copy(), timeout=timeout)
    return DagRunResult(dag_id, latest_run_id(dag_id), returncode, output)


def kill_when(cmd: list[str], ready: Callable[[], bool], *, timeout: float = 120) -> None:
    """Start ``cmd`` as a worker (its own process group, forked when :func:`forkable`), wait until
    ``ready()``, then SIGKILL its whole process group."""
    env = os.environ.copy()
    if forkable(cmd):
        server = fork_server(env)
        pid = server.start(cmd, env, os.devnull, os.devnull)
        poll, wait = (lambda: server.wait(0)), (lambda: server.wait(None))
    else:
        proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        pid, poll, wait = proc.pid, proc.poll, proc.wait
    ended = False
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            ended = poll() is not None
            assert not ended, "the worker ended before it was killed"
            assert time.monotonic() < deadline, "the worker never reached the point where it is killed"
            time.sleep(0.2)
    finally:
        if not ended:
            os.killpg(pid, signal.SIGKILL)
            wait()
