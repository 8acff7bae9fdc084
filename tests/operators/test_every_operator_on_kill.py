"""Issue 13: ``on_kill`` of every public operator and sensor class is safe before anything was created.

Airflow calls ``on_kill`` whenever a running task is stopped (marked failed, timed out, worker shutdown), also
before ``execute`` got as far as a create. A kill at that moment must neither raise (the v1 configuration
operators once did: ``spec_for("")``) nor reach for a connection or the network: there is nothing to stop.
The classes are walked from the provider info, so a new operator is covered without editing this file.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from tests.operators.task_classes import public_task_classes

DUMMY: dict[str, Any] = {"threshold": 0.5, "promote_task_ids": ["promote"], "metric": "accuracy"}


CLASSES = public_task_classes()


def _required_arguments(cls: type) -> dict[str, Any]:
    params = inspect.signature(cls.__init__).parameters.values()  # type: ignore[misc]
    return {p.name: DUMMY.get(p.name, f"dummy-{p.name}") for p in params
            if p.default is inspect.Parameter.empty and p.name not in ("self",)
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def test_the_walk_finds_every_kind_of_task() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert len(CLASSES) >= 40
    assert {"ModelArtsCreateTrainingJobOperator", "ModelArtsCreateTrainingJobConfigV1Operator",
            "ModelArtsUpdateServiceOperator", "OBSKeySensor", "LocalFilesystemToOBSOperator"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.__name__ for cls in CLASSES])
def test_on_kill_before_any_create_neither_raises_nor_calls_out(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    # no connection exists: reaching for one (or for the network) would raise here
    monkeypatch.delenv("AIRFLOW_CONN_MODELARTS_DEFAULT", raising=False)
    task = cls(task_id=f"kill_{cls.__name__.lower()}", **_required_arguments(cls))
    task.on_kill()


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.__name__ for cls in CLASSES])
def test_on_kill_after_a_create_never_raises(cls: type, modelarts_conn: Any) -> None:
    """After a create (``remote_ids`` set) ``on_kill`` sends the stop when the kind can be stopped; a stop that
    fails (here: the resource does not exist on the emulator) is logged, never raised over the kill."""
    from airflow_provider_modelarts.client.resources import spec_for

    task = cls(task_id=f"kill_{cls.__name__.lower()}", **_required_arguments(cls))
    kind = getattr(task, "kind", "")
    keys = spec_for(kind).id_keys if kind else ("id",)
    task.remote_ids = {key: "0" * 32 for key in keys}
    task.on_kill()
