"""A real Airflow stack for the full-stack tests: api-server, scheduler, dag-processor and triggerer.

Each component is a separate ``airflow <component>`` process in its own session (``setsid``), with its output in
``<root>/component-logs/<component>.log``; :meth:`AirflowStack.stop` sends SIGTERM to each and, after a bounded
wait, SIGKILL to what is left of its process group (LocalExecutor workers included), so nothing outlives a test
run. Every stack has a fresh ``AIRFLOW_HOME`` and SQLite DB (a reused DB can wedge the triggerer), loopback
ports chosen free, LocalExecutor with parallelism 4, and the simple auth manager with everyone admin (no login).

The scenario pieces the test modules share: :func:`emulator_for_stack` (an emulator slow enough that the
triggerer really waits: a training job takes about 20 s), :func:`stack_with_connection` (the stack without the
triggerer, the ``modelarts_default`` connection created through the REST API, the example DAG parsed),
:func:`trigger_run` and :func:`wait_for_runs` (REST only, recording the states each run's task went through).

The topology is a :class:`Topology`: by default the one above; the Celery suite (``tests/fullstack_celery``) asks for
``CeleryExecutor`` on PostgreSQL and Redis with N Celery workers (``worker-1``...) and N triggerers
(``triggerer-1``...), each its own process with its own log-server port and its own host name (reported by
:func:`component_hostname` as the task instance's / triggerer job's ``hostname``, so a test can tell which worker
ran a task through the REST API).

Shared between test modules: :func:`shared` keeps one instance of a module-scoped fixture's value for all the
modules of the session that use that fixture, and closes it after the last of them (or at exit).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.testing import EmulatorHandle

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DAGS = REPO / "dags_examples"
SCREENSHOTS = REPO / "screenshots" / "fullstack"
BIN = Path(sys.executable).parent
AIRFLOW = str(BIN / "airflow")
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
HEALTH_NAMES = {"scheduler": "scheduler", "dag-processor": "dag_processor", "triggerer": "triggerer"}
STOP_TIMEOUT = 30.0
DAG_ID = "modelarts_ui_training"
CONN_ID = "modelarts_default"
EMULATOR_SPEED = 1.25  # emulated s per real s: a training job (25 emulated s) takes 20 s, well above the race window
POLL_INTERVAL = 2.0  # the example DAG's poll interval in these tests (MODELARTS_EXAMPLE_POLL_INTERVAL)
# where the training task's extra link must point (written out here, not taken from the link class under test)
CONSOLE_JOB_URL = "https://console.huaweicloud.com/modelarts/?region={region}#/trainingJobs/trainingJobDetail?jobId={job}"
BASE_COMPONENTS = ("api-server", "scheduler", "dag-processor")
FINAL_RUN_STATES = ("success", "failed")


def free_port() -> int:
    """A free TCP port on loopback (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], Any], *, timeout: float, interval: float = 0.5,
               what: str = "condition", diagnostics: Callable[[], str] | None = None) -> Any:
    """Call ``check`` until it returns something truthy; return that. Bounded.

    :param check: the probe; exceptions count as "not yet" (the last one is reported).
    :param timeout: seconds to wait at most.
    :param interval: seconds between probes.
    :param what: what is awaited, for the error message.
    :param diagnostics: called on timeout; its text is appended to the error.
    :raises TimeoutError: when ``check`` never returned something truthy in time.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            result = check()
            if result:
                return result
            last = result
        except Exception as exc:  # not up yet, connection refused...
            last = exc
        if time.monotonic() >= deadline:
            extra = f"\n{diagnostics()}" if diagnostics is not None else ""
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s (last: {last!r}){extra}")
        time.sleep(interval)


HOSTNAME_ENV = "FULLSTACK_COMPONENT_HOSTNAME"


def component_hostname() -> str:
    """``[core] hostname_callable`` of the multi-worker stacks: the component's name (``worker-2``...)."""
    return os.environ.get(HOSTNAME_ENV) or socket.getfqdn()


@dataclass(frozen=True)
class Topology:
    """Which executor and metadata DB, and how many workers and triggerers.

    :param executor: ``LocalExecutor`` or ``CeleryExecutor``.
    :param sql_alchemy_conn: the metadata DB URL (None: SQLite in ``AIRFLOW_HOME``).
    :param broker_url: the Celery broker (CeleryExecutor only).
    :param workers: Celery workers (``worker-1`` ... ``worker-N``).
    :param triggerers: triggerers; one is called ``triggerer``, several ``triggerer-1`` ... ``triggerer-N``.
    :param worker_concurrency: task slots of each Celery worker.
    :param parallelism: ``[core] parallelism`` (task slots of the scheduler).
    """

    executor: str = "LocalExecutor"
    sql_alchemy_conn: str | None = None
    broker_url: str | None = None
    workers: int = 0
    triggerers: int = 1
    worker_concurrency: int = 4
    parallelism: int = 4

    @property
    def worker_names(self) -> tuple[str, ...]:
        return tuple(f"worker-{i}" for i in range(1, self.workers + 1))

    @property
    def triggerer_names(self) -> tuple[str, ...]:
        if self.triggerers == 1:
            return ("triggerer",)
        return tuple(f"triggerer-{i}" for i in range(1, self.triggerers + 1))

    @property
    def components(self) -> tuple[str, ...]:
        return (*BASE_COMPONENTS, *self.triggerer_names, *self.worker_names)


class ApiError(AssertionError):
    """An unexpected REST answer (status and body in the message)."""


class AirflowStack:
    """Airflow components on a fresh home, talking to each other over loopback.

    :param root: an empty folder for ``AIRFLOW_HOME`` and the component logs.
    :param dags_folder: the DAGs folder.
    :param extra_env: more environment for every component (e.g. settings the DAGs read).
    :param topology: executor, metadata DB, workers and triggerers (default: LocalExecutor on SQLite, one
        triggerer).
    """

    def __init__(self, root: Path, *, dags_folder: Path = EXAMPLE_DAGS,
                 extra_env: Mapping[str, str] | None = None, topology: Topology | None = None) -> None:
        self.topology = topology or Topology()
        self.root = root
        self.home = root / "airflow-home"
        self.log_dir = root / "component-logs"
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = self._environment(dags_folder, extra_env or {})
        self.components = self.topology.components
        # several workers / triggerers on one host: each serves its logs on a port of its own, under its name
        several = (*self.topology.worker_names, *self.topology.triggerer_names) \
            if self.topology.workers or self.topology.triggerers > 1 else ()
        self.component_env: dict[str, dict[str, str]] = {name: {} for name in self.components}
        for name in several:
            self.component_env[name] = {"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                                        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
                                        HOSTNAME_ENV: name}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._session: Any = None

    # ---- environment and lifecycle ------------------------------------------------------------------------
    def _environment(self, dags_folder: Path, extra: Mapping[str, str]) -> dict[str, str]:
        """The test process's environment without any Airflow setting, plus this stack's settings."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AIRFLOW__", "AIRFLOW_CONN_", "AIRFLOW_VAR_")) and k != "AIRFLOW_HOME"}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # other example DAGs stay quiet; see unpause()
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        })
        topo = self.topology
        env["AIRFLOW__CORE__EXECUTOR"] = topo.executor
        env["AIRFLOW__CORE__PARALLELISM"] = str(topo.parallelism)
        if topo.sql_alchemy_conn:
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = topo.sql_alchemy_conn
        if topo.executor == "CeleryExecutor":
            if not (topo.broker_url and topo.sql_alchemy_conn):
                raise ValueError("CeleryExecutor needs broker_url and sql_alchemy_conn in the Topology")
            env.update({
                "AIRFLOW__CELERY__BROKER_URL": topo.broker_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + topo.sql_alchemy_conn,
                "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(topo.worker_concurrency),
                "AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER": "1",
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.fullstack.stack.component_hostname",
                "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p),
            })
        env.update(extra)
        return env

    def migrate(self, timeout: float = 240) -> None:
        """``airflow db migrate`` on the fresh DB."""
        proc = subprocess.run([AIRFLOW, "db", "migrate"], env=self.env, cwd=self.root, capture_output=True,
                              text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed ({proc.returncode}):\n{proc.stdout[-3000:]}"
                               f"\n{proc.stderr[-3000:]}")

    def command(self, name: str) -> list[str]:
        """The command line of a component (``worker-N`` is a Celery worker, ``triggerer-N`` a triggerer)."""
        if name not in self.components:
            raise ValueError(f"unknown component {name!r}; one of {self.components}")
        if name == "api-server":
            return [AIRFLOW, name, "--workers", "1"]
        if name in self.topology.worker_names:
            return [AIRFLOW, "celery", "worker", "--concurrency", str(self.topology.worker_concurrency),
                    "--celery-hostname", f"{name}@%h", "--without-gossip", "--without-mingle"]
        return [AIRFLOW, "triggerer" if name.startswith("triggerer") else name]

    def start(self, *components: str) -> None:
        """Start components (each once; a running one is left alone) in their own sessions.

        :param components: names from ``self.components`` (the topology's).
        """
        for name in components:
            cmd = self.command(name)
            if self.running(name):
                continue
            with open(self.log_dir / f"{name}.log", "ab") as out:
                self.procs[name] = subprocess.Popen(cmd, env={**self.env, **self.component_env[name]}, cwd=self.root,
                                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                                    start_new_session=True)

    def pid(self, name: str) -> int:
        """The main process id of a running component."""
        if not self.running(name):
            raise RuntimeError(f"{name} is not running")
        return self.procs[name].pid

    def kill(self, name: str, sig: signal.Signals, *, timeout: float = STOP_TIMEOUT) -> int | None:
        """Signal a component and forget it once it exited; returns its exit code.

        SIGKILL goes to the component's whole process group (a lost host: its task processes die with it); any
        other signal to its main process only (what an orchestrator's graceful stop does). After ``timeout`` the
        leftovers are SIGKILLed as in :meth:`stop`.

        :param name: the component.
        :param sig: the signal.
        :param timeout: seconds to wait for it to exit.
        """
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                os.kill(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout)
        code = proc.poll()
        self.stop(name, timeout=1)
        return code

    def running(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def stop(self, *components: str, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM each component (all of them by default, newest first), wait, then SIGKILL its leftovers.

        :param components: which ones (default: every started one).
        :param timeout: seconds to wait for a clean exit before SIGKILL.
        """
        names = list(components) or list(reversed(self.procs))
        procs = [(n, self.procs.pop(n)) for n in names if n in self.procs]
        for _, proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for _, proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            # the process group is the component's session (setsid): workers and log servers it started
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)

    def __enter__(self) -> AirflowStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self._session is not None:
            self._session.close()

    # ---- waiting -------------------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return dict(self.api("GET", "/api/v2/monitor/health"))

    def wait_healthy(self, components: Iterable[str], timeout: float = 120) -> None:
        """Wait until the API answers and each of ``components`` reports healthy.

        :param components: component names (the api-server is implied).
        :param timeout: seconds.
        """
        wanted = [HEALTH_NAMES[c] for c in components if c in HEALTH_NAMES]

        def healthy() -> bool:
            self.check_alive()
            status = self.health()
            return all((status.get(c) or {}).get("status") == "healthy" for c in wanted)

        wait_until(healthy, timeout=timeout, interval=1.0, what=f"healthy {', '.join(wanted) or 'api-server'}",
                   diagnostics=self.diagnostics)

    def check_alive(self) -> None:
        """Raise if a started component has exited."""
        dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"Airflow components exited: {dead}\n{self.diagnostics()}")

    # ---- REST ----------------------------------------------------------------------------------------------
    def api(self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None,
            expect: Iterable[int] = (200,)) -> Any:
        """Call the public REST API; return the JSON answer (None when empty).

        :param method: HTTP method.
        :param path: path from the root, e.g. ``/api/v2/connections``.
        :param json: request body.
        :param params: query parameters.
        :param expect: accepted status codes.
        :raises ApiError: for another status.
        """
        import requests

        if self._session is None:
            self._session = requests.Session()
        resp = self._session.request(method, self.url + path, json=json, params=params, timeout=30)
        if resp.status_code not in tuple(expect):
            raise ApiError(f"{method} {path} -> {resp.status_code}: {resp.text[:2000]}")
        return resp.json() if resp.content else None

    def ti_states(self, dag_id: str, run_id: str) -> dict[str, str | None]:
        """``{task_id: state}`` of a DAG run's task instances."""
        tis = self.api("GET", f"{run_path(dag_id, run_id)}/taskInstances")["task_instances"]
        return {ti["task_id"]: ti["state"] for ti in tis}

    def run_state(self, dag_id: str, run_id: str) -> str:
        return str(self.api("GET", run_path(dag_id, run_id))["state"])

    def unpause(self, dag_id: str) -> None:
        self.api("PATCH", f"/api/v2/dags/{quote(dag_id, safe='')}", json={"is_paused": False})

    def task_instance(self, dag_id: str, run_id: str, task_id: str) -> dict[str, Any]:
        return dict(self.api("GET", ti_path(dag_id, run_id, task_id)))

    def xcom(self, dag_id: str, run_id: str, task_id: str, key: str) -> Any:
        """An XCom value through the REST API."""
        return self.api("GET", f"{ti_path(dag_id, run_id, task_id)}/xcomEntries/{quote(key, safe='')}",
                        params={"deserialize": "true"})["value"]

    # ---- logs ----------------------------------------------------------------------------------------------
    def component_log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def task_logs(self, dag_id: str, run_id: str, task_id: str) -> dict[str, str]:
        """Every log file Airflow wrote for one task instance (worker tries and trigger logs), by file name."""
        folder = self.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
        return {p.name: p.read_text(errors="replace") for p in sorted(folder.glob("*")) if p.is_file()}

    def diagnostics(self, lines: int = 40) -> str:
        """The last lines of every component log (for failure messages)."""
        parts = []
        for name in self.components:
            text = self.component_log(name)
            if text:
                tail = "\n".join(text.splitlines()[-lines:])
                parts.append(f"----- {name} (last {lines} lines) -----\n{tail}")
        return "\n".join(parts)


def run_path(dag_id: str, run_id: str) -> str:
    """REST path of a DAG run (run ids hold ``:`` and ``+``: quoted)."""
    return f"/api/v2/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}"


def ti_path(dag_id: str, run_id: str, task_id: str) -> str:
    return f"{run_path(dag_id, run_id)}/taskInstances/{quote(task_id, safe='')}"


# ---- the scenario ----------------------------------------------------------------------------------------------
@contextlib.contextmanager
def emulator_for_stack() -> Iterator[EmulatorHandle]:
    """An emulator of its own (not the session's speed-10 one) at :data:`EMULATOR_SPEED`."""
    from airflow_provider_modelarts.emulator.testing import start_emulator

    with start_emulator(speed=EMULATOR_SPEED) as handle:
        yield handle


def connection_body(emulator: EmulatorHandle) -> dict[str, Any]:
    """The ``modelarts_default`` connection (AK/SK on the emulator) as ``POST /api/v2/connections`` takes it."""
    import json

    conn = emulator.airflow_connection()
    return {"connection_id": CONN_ID, "conn_type": conn["conn_type"], "login": conn["login"],
            "password": conn["password"], "extra": json.dumps(conn["extra"])}


@contextlib.contextmanager
def stack_with_connection(root: Path, emulator: EmulatorHandle) -> Iterator[AirflowStack]:
    """api-server, scheduler and dag-processor (the triggerer is started by whoever needs it), the connection
    created through the public REST API, the example DAG parsed and unpaused (the other DAGs of
    ``dags_examples/`` stay paused: scheduled ones must not start runs here). Torn down on exit, whatever
    happened.

    :param root: an empty folder.
    :param emulator: the emulator the connection points at.
    """
    with AirflowStack(root, extra_env={"MODELARTS_EXAMPLE_POLL_INTERVAL": str(POLL_INTERVAL)}) as stack:
        stack.migrate()
        stack.start(*BASE_COMPONENTS)
        stack.wait_healthy(BASE_COMPONENTS)
        stack.api("POST", "/api/v2/connections", json=connection_body(emulator), expect=(201,))
        wait_until(lambda: stack.api("GET", f"/api/v2/dags/{DAG_ID}", expect=(200, 404)).get("dag_id"),
                   timeout=90, what=f"DAG {DAG_ID} parsed", diagnostics=stack.diagnostics)
        stack.unpause(DAG_ID)
        yield stack


def ensure_triggerer(stack: AirflowStack) -> None:
    """Start the triggerer (when not running) and wait until it reports healthy."""
    stack.start("triggerer")
    stack.wait_healthy(["triggerer"])


def trigger_run(stack: AirflowStack, conf: Mapping[str, Any], dag_id: str = DAG_ID) -> str:
    """``POST /api/v2/dags/{dag_id}/dagRuns`` with ``conf`` (the params); returns the run id."""
    run = stack.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": dict(conf)})
    return str(run["dag_run_id"])


@dataclass
class RunRecord:
    """A DAG run watched through the REST API: its conf, final state and the states its tasks went through."""

    run_id: str
    conf: dict[str, Any]
    state: str = "queued"
    seen: dict[str, list[str]] = field(default_factory=dict)

    def observe(self, states: Mapping[str, str | None]) -> None:
        for task_id, state in states.items():
            trail = self.seen.setdefault(task_id, [])
            if state is not None and (not trail or trail[-1] != state):
                trail.append(state)


def wait_for_runs(stack: AirflowStack, records: Iterable[RunRecord], *, timeout: float,
                  dag_id: str = DAG_ID) -> None:
    """Sample every run's task states (every 0.5 s) until all runs are final. Bounded by ``timeout``."""
    records = list(records)

    def all_final() -> bool:
        stack.check_alive()
        for rec in records:
            if rec.state in FINAL_RUN_STATES:
                continue
            rec.observe(stack.ti_states(dag_id, rec.run_id))
            rec.state = stack.run_state(dag_id, rec.run_id)
            if rec.state in FINAL_RUN_STATES:
                rec.observe(stack.ti_states(dag_id, rec.run_id))
        return all(rec.state in FINAL_RUN_STATES for rec in records)

    wait_until(all_final, timeout=timeout, interval=0.5, what="runs finished",
               diagnostics=lambda: f"{records}\n{stack.diagnostics()}")


# The runs both modules look at: one with every param set and deploy on, one with the defaults and deploy off.
RUNS: dict[str, dict[str, Any]] = {
    "deploy": {"flavor": "modelarts.vm.gpu.t4", "node_count": 2, "epochs": 3, "dataset_version": "V002",
               "deploy": True},
    "no_deploy": {"deploy": False},
}


@contextlib.contextmanager
def completed_runs(stack: AirflowStack, runs: Mapping[str, Mapping[str, Any]] = RUNS,
                   timeout: float = 240) -> Iterator[dict[str, RunRecord]]:
    """With the triggerer running, trigger ``runs`` together (REST, with their params) and wait until all are
    final; yields their records by name.

    :param stack: the stack.
    :param runs: ``{name: conf}``.
    :param timeout: seconds for all of them.
    """
    ensure_triggerer(stack)
    records = {name: RunRecord(trigger_run(stack, conf), dict(conf)) for name, conf in runs.items()}
    wait_for_runs(stack, records.values(), timeout=timeout)
    yield records


def trigger_logs(stack: AirflowStack, run_id: str, task_id: str = "train", dag_id: str = DAG_ID) -> str:
    """What the triggerer wrote into the task's log folder (``attempt=N.log.trigger.<triggerer id>.log``)."""
    return "\n".join(text for name, text in stack.task_logs(dag_id, run_id, task_id).items() if ".trigger." in name)


# ---- fixtures -------------------------------------------------------------------------------------------------
def scenario_fixtures() -> tuple[Any, Any, Any]:
    """The module-scoped fixtures ``fs_emulator``, ``fs_stack`` and ``fs_runs``, to assign in each test module
    (``fs_emulator, fs_stack, fs_runs = scenario_fixtures()``): their values are shared through :func:`shared`,
    so every module of the session gets the same emulator, stack and runs.
    """
    import pytest

    @pytest.fixture(scope="module")
    def fs_emulator(request: Any) -> Iterator[EmulatorHandle]:
        with shared(request, emulator_for_stack) as emulator:
            yield emulator

    @pytest.fixture(scope="module")
    def fs_stack(request: Any, fs_emulator: EmulatorHandle, tmp_path_factory: Any) -> Iterator[AirflowStack]:
        def factory() -> AbstractContextManager[AirflowStack]:
            return stack_with_connection(tmp_path_factory.mktemp("fullstack"), fs_emulator)

        with shared(request, factory) as stack:
            yield stack

    @pytest.fixture(scope="module")
    def fs_runs(request: Any, fs_stack: AirflowStack) -> Iterator[dict[str, RunRecord]]:
        with shared(request, lambda: completed_runs(fs_stack)) as records:
            yield records

    return fs_emulator, fs_stack, fs_runs


# ---- sharing one fixture value between test modules ------------------------------------------------------------
_SHARED: dict[str, tuple[Any, ExitStack]] = {}


def _close_all() -> None:
    while _SHARED:
        _, (_, stack) = _SHARED.popitem()
        stack.close()


atexit.register(_close_all)


def _used_later(request: Any) -> bool:
    """Whether a test of a later module of this session uses the fixture being torn down."""
    session = request.session
    if session.shouldstop or session.shouldfail:
        return False
    items = list(session.items)
    here = [i for i, item in enumerate(items) if item.path == request.node.path]
    later = items[max(here) + 1:] if here else []
    return any(request.fixturename in item.fixturenames for item in later)


@contextlib.contextmanager
def shared(request: Any, factory: Callable[[], AbstractContextManager[Any]]) -> Iterator[Any]:
    """Body of a module-scoped fixture whose value is shared by every module of the session that uses it.

    The context manager from ``factory`` is entered by the first module and exited after the last module that
    uses the fixture (or at interpreter exit), so e.g. one Airflow stack serves ``test_fullstack`` and
    ``test_ui``, and is gone before the next test module runs.

    :param request: the fixture's ``request``.
    :param factory: makes the context manager whose value the fixture yields.
    """
    key = request.fixturename
    if key not in _SHARED:
        stack = ExitStack()
        try:
            value = stack.enter_context(factory())
        except BaseException:
            stack.close()
            raise
        _SHARED[key] = (value, stack)
    try:
        yield _SHARED[key][0]
    finally:
        if not _used_later(request) and key in _SHARED:
            _SHARED.pop(key)[1].close()
