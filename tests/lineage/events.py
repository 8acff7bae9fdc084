"""Reading the events of the OpenLineage provider's file transport in tests (one JSON event per line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def openlineage_env(log_file: Path) -> dict[str, str]:
    """The environment that turns the pinned OpenLineage provider on with a file transport writing ``log_file``.

    :param log_file: the JSON-lines file the events are appended to.
    """
    transport = {"type": "file", "log_file_path": str(log_file), "append": True}
    return {"AIRFLOW__OPENLINEAGE__DISABLED": "False", "AIRFLOW__OPENLINEAGE__NAMESPACE": "modelarts-tests",
            "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport)}


def complete_events(log_file: Path, dag_id: str) -> dict[str, dict[str, Any]]:
    """The COMPLETE event of each task of ``dag_id``, by task id.

    :param log_file: the file transport's output.
    :param dag_id: the DAG whose task events are kept (job names are ``<dag_id>.<task_id>``).
    """
    events = [json.loads(line) for line in log_file.read_text().splitlines() if line.strip()]
    prefix = f"{dag_id}."
    return {e["job"]["name"][len(prefix):]: e for e in events
            if e.get("eventType") == "COMPLETE" and e["job"]["name"].startswith(prefix)}


def datasets(event: dict[str, Any], side: str) -> list[tuple[str, str]]:
    """``(namespace, name)`` of the event's ``inputs`` or ``outputs``, sorted.

    :param event: one OpenLineage run event.
    :param side: ``"inputs"`` or ``"outputs"``.
    """
    return sorted((d["namespace"], d["name"]) for d in event.get(side, []))


def run_key(run_id: str) -> str:
    """The run id as the example DAGs put it into OBS paths (their ``RUN`` template)."""
    return run_id.replace(":", "").replace("+", "").replace(".", "").replace("_", "-").lower()
