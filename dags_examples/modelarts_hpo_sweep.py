"""Example DAG ``modelarts_hpo_sweep``: a hyperparameter sweep as mapped training jobs, the best model imported.

1. ``land_data`` writes training points to OBS and ``upload_code`` ships the training script (the same
   ``train.py`` as ``modelarts_retraining``; with ``--learning_rate``/``--iterations`` it fits by gradient descent).
2. ``grid`` expands ``params.learning_rates`` x ``params.iterations`` into one parameter set per trial.
3. ``train`` is one ``ModelArtsCreateTrainingJobOperator`` mapped over the grid (``.expand(parameters=...)``);
   every trial writes to its own output folder (``trial-<map index>/``). The trials run in the Airflow pool
   ``modelarts_training``, so at most its slot count of training jobs run at once. Create the pool first::

       airflow pools set modelarts_training 2 "ModelArts training jobs" --include-deferred

   (``--include-deferred``: a deferred trial keeps its slot while its job runs, so the bound holds with
   ``deferrable=True``; or create it in the UI, Admin -> Pools, or the REST API ``POST /api/v2/pools``.)
4. ``pick_best`` reads each trial's ``metrics.json`` and picks the highest ``r2``.
5. ``import_model`` imports the best trial's model; ``report`` returns the sweep.

Configuration: as ``modelarts_retraining`` (``MODELARTS_EXAMPLE_BUCKET``, ``MODELARTS_EXAMPLE_POLL_INTERVAL``,
``MODELARTS_EXAMPLE_FLAVOR``, ``MODELARTS_EXAMPLE_ENGINE``), plus ``MODELARTS_EXAMPLE_POOL`` (the Airflow pool,
default ``modelarts_training``).
"""

from __future__ import annotations

import itertools
import os
import random
from datetime import datetime
from pathlib import Path
from typing import Any

from airflow.sdk import DAG, Param, task

from airflow_provider_modelarts.operators.models import ModelArtsImportModelOperator
from airflow_provider_modelarts.operators.obs import LocalFilesystemToOBSOperator
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator

BUCKET = os.environ.get("MODELARTS_EXAMPLE_BUCKET", "modelarts-emulator")
POLL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))
FLAVOR = os.environ.get("MODELARTS_EXAMPLE_FLAVOR", "modelarts.vm.cpu.8u")
ENGINE_NAME, _, ENGINE_VERSION = os.environ.get(
    "MODELARTS_EXAMPLE_ENGINE", "PyTorch:PyTorch-1.4.0-python3.6-v2").partition(":")
POOL = os.environ.get("MODELARTS_EXAMPLE_POOL", "modelarts_training")
ROOT = f"obs://{BUCKET}/hpo-sweep"
RUN = "{{ run_id | replace(':', '') | replace('+', '') | replace('.', '') | replace('_', '-') | lower }}"
DATA = f"{ROOT}/runs/{RUN}/data/"
METRIC = "r2"


@task
def land_data(data_url: str, points: int = 40) -> list[str]:
    """Points of ``y = 2x + 1`` with noise as one CSV file in ``data_url``."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    rng = random.Random(data_url)
    rows = ["x,y"] + [f"{x},{2 * x + 1 + rng.uniform(-0.2, 0.2):.4f}"
                      for x in (rng.uniform(0, 10) for _ in range(points))]
    return [OBSHook().write_text(f"{data_url}points.csv", "\n".join(rows) + "\n")]


@task
def grid(params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One hyperparameter set per trial: the cross product of ``params.learning_rates`` and ``params.iterations``."""
    assert params is not None  # the DAG params, from the context
    return [{"learning_rate": lr, "iterations": n} for lr, n in itertools.product(params["learning_rates"],
                                                                                   params["iterations"])]


@task
def pick_best(trials: list[dict[str, Any]], grid: list[dict[str, Any]]) -> dict[str, Any]:
    """The trial with the highest ``r2`` (from the ``metrics.json`` each wrote into its output)."""
    import json

    from airflow_provider_modelarts.hooks.obs import OBSHook

    obs = OBSHook()
    scored = []
    for index, (trial, params) in enumerate(zip(trials, grid, strict=True)):
        metrics = json.loads(obs.read_text(trial["outputs"][0].rstrip("/") + "/metrics.json"))
        scored.append({"map_index": index, "training_job_id": trial["training_job_id"], "parameters": params,
                       METRIC: metrics[METRIC]})
    best = max(scored, key=lambda s: s[METRIC])
    return {**best, "trials": scored}


@task
def report(best: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """The sweep: every trial's metric, the best one and the imported model."""
    return {"trials": best["trials"], "best": {k: v for k, v in best.items() if k != "trials"},
            "model_id": model.get("model_id"), "model_status": model.get("model_status")}


with DAG(
    "modelarts_hpo_sweep",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={
        "learning_rates": Param([0.05, 0.5], type="array", items={"type": "number", "exclusiveMinimum": 0},
                                minItems=1, description="Learning rates to try."),
        "iterations": Param([5, 30], type="array", items={"type": "integer", "minimum": 1}, minItems=1,
                            description="Gradient-descent iteration counts to try."),
        "model_version": Param("", type="string", pattern=r"^$|^(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)$",
                               description="Version N.N.N of the imported model; empty: year.week.weekday of the run."),
    },
    tags=["modelarts", "example"],
    doc_md=__doc__,
) as dag:
    data = land_data(DATA)
    code = LocalFilesystemToOBSOperator(
        task_id="upload_code", src=str(Path(__file__).parent / "assets" / "train_job" / "code") + "/",
        dst=f"{ROOT}/code/", keep_last_dir=False)
    trial_grid = grid()
    train = ModelArtsCreateTrainingJobOperator.partial(
        task_id="train", pool=POOL, code_dir=f"{ROOT}/code/", boot_file="train.py", framework_type=ENGINE_NAME,
        framework_version=ENGINE_VERSION, train_instance_type=FLAVOR, inputs=DATA,
        outputs=f"{ROOT}/runs/{RUN}/trial-{{{{ ti.map_index }}}}/", job_description="hpo sweep trial",
        deferrable=True, poll_interval=POLL, max_wait=6 * 3600,
    ).expand(parameters=trial_grid)
    best = pick_best(train.output, trial_grid)
    model = ModelArtsImportModelOperator(
        task_id="import_model", model_name="hpo-sweep-linear",
        model_version="{{ params.model_version or dag_run.run_after.strftime('%-y.%-W.%-u') }}", model_type="PyTorch", runtime="python3.7",
        training_job_id="{{ ti.xcom_pull(task_ids='pick_best')['training_job_id'] }}", poll_interval=POLL)
    [data, code] >> train
    best >> model
    report(best, model.output)
