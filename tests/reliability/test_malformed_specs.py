"""The malformed-spec corpus (``malformed_corpus.py``) against every operator that exists: each case fails with
an error naming the field, before any request (the emulator's request log stays empty, OBS included: the
connection's OBS endpoint is the emulator here, so an OBS call would be logged too)."""

from __future__ import annotations

import inspect
import json
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from benchmarks.common import provider_modules
from tests.reliability.helpers import PRODUCED
from tests.reliability.malformed_corpus import ALL_CASES, BASE, PENDING, Case

ROOT = Path(__file__).resolve().parents[2]
#: Errors that say "your arguments are wrong" (not a retryable remote failure).
SPEC_ERRORS = ("AirflowFailException", "ValueError", "TypeError", "SpecError", "SettingsError", "FileNotFoundError",
               "NotADirectoryError")


def _module_exists(class_path: str) -> bool:
    module = class_path.rsplit(".", 1)[0]
    return (ROOT / (module.replace(".", "/") + ".py")).exists()


#: The corpus now: cases of operators whose module exists (a module written later joins automatically).
CORPUS = [c for c in ALL_CASES if _module_exists(c.cls)]
def _params() -> list:
    return [pytest.param(c, id=c.id) for c in CORPUS]


def operator_classes() -> list[str]:
    """Every concrete, public operator class defined in the provider's ``operators`` modules."""
    from airflow.sdk import BaseOperator

    found = []
    for name in provider_modules(("operators",)):
        if name.endswith(".base"):  # the abstract base of the others
            continue
        module = import_module(name)
        for attr, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseOperator) and obj.__module__ == name
                    and not attr.startswith("_")):
                found.append(f"{name}.{attr}")
    return sorted(found)


class _TI:
    """What ``prepare()`` reads of the task instance; pushes are kept, nothing is sent anywhere."""

    def __init__(self, task_id: str) -> None:
        self.dag_id, self.task_id, self.run_id, self.map_index, self.try_number = "corpus", task_id, "r1", -1, 1
        self.pushed: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.pushed[key] = value

    def xcom_pull(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture
def obs_on_emulator(emulator, monkeypatch):
    conn = json.loads(emulator.airflow_connection_json())
    conn["extra"]["obs_endpoint"] = emulator.url  # any OBS request would land in the request log
    monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", json.dumps(conn))
    return emulator


def test_the_corpus_is_large_and_covers_every_operator() -> None:
    classes = operator_classes()
    covered = {c.cls for c in CORPUS}
    missing = [c for c in classes if c not in covered and c not in PENDING]
    assert not missing, f"operators without malformed-spec cases (add them to malformed_corpus.py): {missing}"
    unknown = [c for c in covered if c not in classes]
    assert not unknown, f"corpus cases for classes that do not exist (renamed?): {unknown}"
    assert len(ALL_CASES) >= 50


@pytest.mark.parametrize("case", _params())
def test_malformed_spec_fails_naming_the_field_with_zero_requests(case: Case, obs_on_emulator) -> None:
    module, name = case.cls.rsplit(".", 1)
    cls = getattr(import_module(module), name)
    obs_on_emulator.clear_requests()
    with pytest.raises(Exception) as info:  # noqa: B017 - the type is checked below, with the message
        op = cls(task_id="corpus", **{**BASE.get(case.cls, {}), **case.kwargs})
        ti = _TI(op.task_id)
        op.execute({"ti": ti, "task_instance": ti, "params": {}, "run_id": ti.run_id})
    text = str(info.value)
    PRODUCED.append(text)
    assert obs_on_emulator.requests() == [], (case.id, text)
    assert type(info.value).__name__ in SPEC_ERRORS, (type(info.value).__name__, text)
    missing = [f for f in case.fields if f not in text]
    assert not missing, f"the error does not name {missing}: {text}"
