"""Test DAGs of ``@task.modelarts`` (run with ``airflow dags test`` against the emulator in runner mode: the
decorated functions really run in the emulator's training subprocess)."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, task

START = datetime(2026, 1, 1)
OBS_DIR = "obs://modelarts-emulator/decorated/{{ dag.dag_id }}/"
JOB = {"obs_dir": OBS_DIR, "train_instance_type": "modelarts.vm.cpu.8u", "framework_type": "PyTorch",
       "framework_version": "PyTorch-1.4.0-python3.6-v2", "poll_interval": 0.5}


@task
def make_points() -> dict:
    return {"xs": [1, 2, 3]}


with DAG("deco_success", schedule=None, start_date=START, catchup=False) as deco_success:

    @task.modelarts(deferrable=True, env_variables={"SCALE_NOTE": "from-env"}, **JOB)
    def fit(points: dict, scale: int, label: str = "x") -> dict:
        # comment lines are dropped from the staged source; imports must be inside the function
        import os
        import sys

        return {"total": sum(points["xs"]) * scale, "label": label, "job_key": os.environ.get("MA_JOB_KEY"),
                "note": os.environ.get("SCALE_NOTE"), "argv0": sys.argv[0].rsplit("/", 1)[-1]}

    fit(make_points(), 10, label="{{ dag.dag_id }}")


# The three ways a decorated task fails, as independent tasks of one DAG: one ``airflow dags test`` covers them.
with DAG("deco_failures", schedule=None, start_date=START, catchup=False,
         default_args={"retries": 0}) as deco_failures:

    @task.modelarts(**JOB)
    def explode(epoch: int) -> dict:
        def check(value: int) -> None:
            raise ValueError(f"epoch {value} diverged")

        check(epoch)
        return {}

    @task.modelarts(**JOB)
    def returns_a_set() -> set:
        return {1, 2}

    @task.modelarts(**JOB)
    def takes_a_date(when) -> str:
        return str(when)

    explode(7)
    returns_a_set()
    takes_a_date(START)


with DAG("deco_reattach", schedule=None, start_date=START, catchup=False) as deco_reattach:

    @task.modelarts(**JOB)
    def slow(seconds: float) -> dict:
        import os
        import time

        time.sleep(seconds)
        return {"slept": seconds, "job_key": os.environ.get("MA_JOB_KEY")}

    slow(8.0)


with DAG("deco_on_kill", schedule=None, start_date=START, catchup=False) as deco_on_kill:

    # execution_timeout makes Airflow kill the (non-deferred) task while it polls: on_kill terminates the job
    @task.modelarts(execution_timeout=timedelta(seconds=6), **JOB)
    def sleeps_long() -> int:
        import time

        time.sleep(300)
        return 0

    sleeps_long()
