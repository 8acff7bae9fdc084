"""Fault soak: the train -> import model -> deploy chain run repeatedly with 20% transient faults on every
ModelArts request (429, 500, 503, 504, connection resets): zero failed runs, zero duplicate resources.

``make test`` runs the chain 3 times; ``make soak`` 20 times (``RELIABILITY_SOAK_RUNS``).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.reliability.helpers import DAG_FILE, created, run_many, runs_of

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("RELIABILITY_SOAK_RUNS", "3"))
FAULTS = {"rates": {"429": 0.04, "500": 0.04, "503": 0.06, "504": 0.03, "reset": 0.03}, "seed": 20}
#: chain step -> (the file that brings it, the create request kind). A step whose file exists must be in the DAG.
STEPS = {"train": ("operators/training.py", "training_v2.create"),
         "import_model": ("operators/models.py", "models.create"),
         "deploy": ("operators/services.py", "services.create")}


def expected_steps() -> list[str]:
    return [step for step, (path, _) in STEPS.items() if (ROOT / "airflow_provider_modelarts" / path).exists()]


def test_chain_includes_every_step_whose_operator_exists() -> None:
    """Not silent: once the model/service operators exist, the soak must exercise them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("reliability_dags_check", DAG_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(module.rel_soak.task_ids) == sorted(expected_steps())


def test_fault_soak_no_failed_run_no_duplicate(emulator) -> None:
    from airflow_provider_modelarts.hooks.obs import OBSHook

    steps = expected_steps()
    if "import_model" in steps:
        OBSHook().upload_dir(ROOT / "tests" / "data" / "model_linear", "obs://modelarts-emulator/rel-soak/")
    before = set(runs_of("rel_soak"))
    emulator.set_faults(FAULTS)
    start = datetime(2026, 5, 1, tzinfo=UTC) + timedelta(minutes=int(datetime.now().timestamp()) % 100000)
    output = run_many("rel_soak", [start + timedelta(minutes=i) for i in range(RUNS)], timeout=300 + 120 * RUNS)
    emulator.set_faults({})
    runs = {k: v for k, v in runs_of("rel_soak").items() if k not in before}
    assert len(runs) == RUNS, output[-3000:]
    failed = {run: states for run, states in runs.items() if set(states.values()) != {"success"}}
    assert not failed, (failed, output[-5000:])
    faulted = [r for r in emulator.requests() if r.get("fault")]
    assert len(faulted) >= RUNS, "too few faults were injected: the soak would prove nothing"
    for step in steps:
        kind = STEPS[step][1]
        assert created(emulator, kind) == RUNS, f"{kind}: {created(emulator, kind)} resources for {RUNS} runs"
