"""The production-like stack of the Celery suite: PostgreSQL, Redis, the emulator, and Airflow with
``CeleryExecutor`` (api-server, scheduler, dag-processor, two Celery workers, two triggerers), all on loopback,
built on :class:`tests.fullstack.stack.AirflowStack`.

* The DAGs folder is a temporary one with ``modelarts_retraining`` (and its assets) from ``dags_examples/`` and
  ``dags/celery_scenarios.py`` from here, linked.
* Two connections, both created through ``POST /api/v2/connections``: ``modelarts_default`` (AK/SK: the example
  DAG needs OBS, which signs with AK/SK) and ``modelarts_iam`` (``iam_user``: the scenario DAGs, whose IAM tokens
  scenario 7 counts).
* Sized for 2 cores: each worker runs 4 tasks at once; triggerers heartbeat every 2 s and are declared dead after
  10 s (failover within a few polls); a task whose worker vanished is noticed after 20 s.
* :class:`TokenRecorder` notes, for every IAM token request the emulator answers, the process that sent it (the
  caller's TCP port on loopback resolved to its pid with psutil while the request is being served).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fullstack.stack import (
    EXAMPLE_DAGS,
    AirflowStack,
    Topology,
    connection_body,
    wait_until,
)
from tests.fullstack_celery.services import postgres_server, redis_server

HERE = Path(__file__).resolve().parent
SCENARIO_DAGS = HERE / "dags" / "celery_scenarios.py"
WORKERS = ("worker-1", "worker-2")
TRIGGERERS = ("triggerer-1", "triggerer-2")
IAM_CONN_ID = "modelarts_iam"
POLL = 2.0  # poll interval of every wait in this suite
MAPPED = int(os.environ.get("CELERY_SCENARIO_MAPPED", "50"))
STALL = 6  # waits of the stalled-triggerer run
EXECUTION_TIMEOUT = 40.0  # of the deferred-timeout DAG: room to reach "deferred" on a loaded machine
RETRAINING = "modelarts_retraining"
DAG_IDS = (RETRAINING, "celery_mapped_training", "celery_stall_training", "celery_sync_training", "celery_deferred_stuck",
           "celery_deferred_timeout")
TRIGGERER_HEALTH_THRESHOLD = 10


def dags_folder(root: Path) -> Path:
    """A DAGs folder with the example retraining DAG (and its assets) and the scenario DAGs, linked."""
    folder = root / "dags"
    folder.mkdir()
    (folder / "modelarts_retraining.py").symlink_to(EXAMPLE_DAGS / "modelarts_retraining.py")
    (folder / "assets").symlink_to(EXAMPLE_DAGS / "assets")
    (folder / "celery_scenarios.py").symlink_to(SCENARIO_DAGS)
    return folder


def iam_connection_body(emulator: Any) -> dict[str, Any]:
    """``modelarts_iam``: the emulator's IAM user (auth type ``iam_user``) as ``POST /api/v2/connections`` takes it."""
    extra = {"auth_type": "iam_user", "account": emulator.domain, "region": emulator.region,
             "project_id": emulator.project_id, "modelarts_endpoint": emulator.url, "iam_endpoint": emulator.url}
    return {"connection_id": IAM_CONN_ID, "conn_type": "modelarts", "login": emulator.user,
            "password": emulator.password, "extra": json.dumps(extra)}


def environment() -> dict[str, str]:
    """Settings of every component (and the scenario DAGs' knobs)."""
    return {
        "MODELARTS_EXAMPLE_POLL_INTERVAL": str(POLL),
        "CELERY_SCENARIO_POLL": str(POLL),
        "CELERY_SCENARIO_MAPPED": str(MAPPED),
        "CELERY_SCENARIO_STALL": str(STALL),
        "CELERY_SCENARIO_TIMEOUT": str(EXECUTION_TIMEOUT),
        "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": "True",
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "64",
        "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "2",
        "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": str(TRIGGERER_HEALTH_THRESHOLD),
        "AIRFLOW__TRIGGERER__CAPACITY": "100",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "10",
        # the task supervisor's calls to the api-server: Airflow's 5 s default fails tasks (ReadTimeout before
        # they start) when the 2 cores are busy, seen with two stacks on one machine
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "30",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE": "3",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_MAX_OVERFLOW": "5",
    }


@dataclass
class TokenRecorder:
    """The process behind each IAM token request the emulator served: ``(pid, start time)`` (a pid alone could
    be reused), ``None`` when it could not be resolved; ``roles`` says what each process was (its command line)."""

    emulator_port: int
    pids: list[tuple[int, float] | None] = field(default_factory=list)
    roles: dict[tuple[int, float], str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def process_of(self, client_port: int) -> tuple[tuple[int, float], str] | None:
        """The local process whose TCP socket has ``client_port`` and talks to the emulator, and its role."""
        import psutil

        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == client_port and conn.raddr \
                    and conn.raddr.port == self.emulator_port and conn.pid:
                try:
                    proc = psutil.Process(conn.pid)
                    cmdline = " ".join(proc.cmdline())
                    key = (int(conn.pid), proc.create_time())
                except psutil.Error:
                    return None
                role = next((r for r in ("triggerer", "celery worker", "pytest") if r in cmdline), cmdline)
                return key, role
        return None

    def install(self, server: Any) -> None:
        """Wrap the emulator's dispatcher: token requests are attributed before they are answered."""
        dispatcher = server.httpd.dispatcher
        dispatch = dispatcher.dispatch

        def recording(req: Any) -> Any:
            if req.method == "POST" and req.path == "/v3/auth/tokens":
                found = self.process_of(req.client_port)
                with self.lock:
                    self.pids.append(found[0] if found else None)
                    if found:
                        self.roles[found[0]] = found[1]
            return dispatch(req)

        dispatcher.dispatch = recording


@dataclass
class CeleryStack:
    """What the tests get: the Airflow stack, the emulator handle and the token recorder."""

    airflow: AirflowStack
    emulator: Any
    tokens: TokenRecorder


@contextlib.contextmanager
def celery_stack(root: Path) -> Iterator[CeleryStack]:
    """Everything up (PostgreSQL, Redis, emulator, Airflow with two workers and two triggerers), connections
    made, the DAGs parsed and unpaused; everything stopped on exit.

    :param root: an empty folder.
    """
    from airflow_provider_modelarts.emulator.testing import EmulatorHandle, launch

    with contextlib.ExitStack() as stack:
        db = stack.enter_context(postgres_server())
        broker = stack.enter_context(redis_server())
        running = launch(speed=1.0, runner=True)  # runner: the example DAG's job writes its metrics.json
        stack.callback(running.stop)
        emulator = EmulatorHandle.from_running(running)
        tokens = TokenRecorder(int(running.server.port))
        tokens.install(running.server)
        topology = Topology(executor="CeleryExecutor", sql_alchemy_conn=db, broker_url=broker, workers=len(WORKERS),
                            triggerers=len(TRIGGERERS), worker_concurrency=4, parallelism=16)
        airflow = stack.enter_context(AirflowStack(root, dags_folder=dags_folder(root), extra_env=environment(),
                                                   topology=topology))
        airflow.migrate()
        airflow.start("api-server", "scheduler", "dag-processor")
        airflow.wait_healthy(["scheduler", "dag-processor"], timeout=240)
        airflow.api("POST", "/api/v2/connections", json=connection_body(emulator), expect=(201,))
        airflow.api("POST", "/api/v2/connections", json=iam_connection_body(emulator), expect=(201,))
        airflow.start(*TRIGGERERS, *WORKERS)
        wait_for_workers(airflow)
        wait_for_triggerers(airflow)
        for dag_id in DAG_IDS:
            wait_until(lambda d=dag_id: airflow.api("GET", f"/api/v2/dags/{d}", expect=(200, 404)).get("dag_id"),
                       timeout=180, what=f"DAG {dag_id} parsed", diagnostics=airflow.diagnostics)
            if dag_id != RETRAINING:  # weekly: unpausing it starts its scheduled run (scenario 1 does it)
                airflow.unpause(dag_id)
        yield CeleryStack(airflow, emulator, tokens)


def wait_for_workers(airflow: AirflowStack, names: tuple[str, ...] = WORKERS, timeout: float = 180) -> None:
    """Until each Celery worker logged ``ready``."""
    wait_until(lambda: (airflow.check_alive(), all(f"{n}@" in airflow.component_log(n)
                                                    and " ready." in airflow.component_log(n) for n in names))[1],
               timeout=timeout, interval=1.0, what=f"celery workers {names} ready", diagnostics=airflow.diagnostics)


def triggerer_jobs(airflow: AirflowStack) -> dict[str, int]:
    """``{hostname: job id}`` of the triggerers with a recent heartbeat (newest job per host name), from the
    metadata DB through the public API's job list."""
    jobs = airflow.api("GET", "/api/v2/jobs", params={"job_type": "TriggererJob", "is_alive": "true",
                                                       "limit": 100})["jobs"]
    out: dict[str, int] = {}
    for job in sorted(jobs, key=lambda j: j["id"]):
        out[job["hostname"]] = int(job["id"])
    return out


def wait_for_triggerers(airflow: AirflowStack, names: tuple[str, ...] = TRIGGERERS, timeout: float = 180) -> None:
    """Until each triggerer runs and heartbeats (an alive ``TriggererJob`` under its host name)."""
    wait_until(lambda: (airflow.check_alive(), set(names) <= set(triggerer_jobs(airflow)))[1], timeout=timeout,
               interval=1.0, what=f"triggerers {names} alive", diagnostics=airflow.diagnostics)
