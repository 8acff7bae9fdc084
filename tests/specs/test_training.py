"""The v2 training job body builder: pure, no Airflow, no emulator."""

from __future__ import annotations

import sys

import pytest

from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.training import (
    ESTIMATOR_ARGS,
    build_training_job_body,
    node_count_problem,
    pick_output,
)

CODE = {"code_dir": "obs://bkt/code/", "boot_file": "train.py", "framework_type": "PyTorch",
        "framework_version": "PyTorch-1.8", "train_instance_type": "modelarts.vm.cpu.8u"}


def _args(**given: object) -> dict[str, object]:
    return {**dict.fromkeys(ESTIMATOR_ARGS), **given}


def _build(**given: object) -> dict:
    return build_training_job_body(_args(**given), None, name="task-abc", annotations={"airflow/run-key": "abc"})


def test_arguments_become_the_rest_body() -> None:
    body = _build(**CODE, train_instance_count="2", inputs="obs://bkt/data/", outputs={"model": "obs://bkt/out/"},
                  parameters={"epochs": 3}, env_variables={"A": "1"}, log_url="obs://bkt/logs/",
                  job_description="nightly")
    assert body["kind"] == "job"
    assert body["metadata"] == {"name": "task-abc", "annotations": {"airflow/run-key": "abc"},
                                "description": "nightly"}
    algorithm = body["algorithm"]
    assert (algorithm["code_dir"], algorithm["boot_file"]) == ("obs://bkt/code/", "obs://bkt/code/train.py")
    assert algorithm["engine"] == {"engine_name": "PyTorch", "engine_version": "PyTorch-1.8"}
    assert algorithm["inputs"] == [{"name": "data_url", "remote": {"obs": {"obs_url": "obs://bkt/data/"}}}]
    assert algorithm["outputs"] == [{"name": "model", "remote": {"obs": {"obs_url": "obs://bkt/out/"}}}]
    assert algorithm["parameters"] == [{"name": "epochs", "value": "3"}]
    assert algorithm["environments"] == {"A": "1"}
    assert body["spec"] == {"resource": {"node_count": 2, "flavor_id": "modelarts.vm.cpu.8u"},
                            "log_export_path": {"obs_url": "obs://bkt/logs/"}}


def test_custom_image_dataset_input_and_job_spec_merged_over() -> None:
    body = build_training_job_body(
        _args(user_image_url="swr/x:1", user_command="python run.py", pool_id="pool-1", dataset_id="d",
              dataset_version_id="v", job_name="mine"),
        {"spec": {"resource": {"node_count": 4}}}, name="unused", annotations={})
    assert body["metadata"]["name"] == "mine"
    assert body["algorithm"]["engine"] == {"image_url": "swr/x:1"} and body["algorithm"]["command"] == "python run.py"
    assert body["algorithm"]["inputs"] == [{"name": "data_url", "remote": {"dataset": {"id": "d", "version_id": "v"}}}]
    assert body["spec"]["resource"] == {"node_count": 4, "pool_id": "pool-1"}


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(SpecError) as caught:
        _build(framework_type="PyTorch", framework_version="x", user_image_url="swr/x:1", user_command="run",
               train_instance_count="zero")
    problems = caught.value.problems
    assert any(p.startswith("train_instance_count") and "fix:" in p for p in problems), problems
    assert "framework_type and user_image_url exclude each other: give one of them." in problems
    assert any(p.startswith("train_instance_type is required") for p in problems), problems
    assert str(caught.value).startswith("Invalid training job arguments:\n- ")
    assert len(str(caught.value).splitlines()) == len(problems) + 1


def test_a_job_spec_algorithm_and_resource_satisfy_the_requirements() -> None:
    body = build_training_job_body(_args(), {"algorithm": {"id": "alg-1"}, "spec": {"resource": {"pool_id": "p"}}},
                                   name="n", annotations={})
    assert body["algorithm"] == {"id": "alg-1"}


def test_node_count_problem_against_the_flavor_list() -> None:
    flavors = [{"flavor_id": "small", "max_num": 1}, {"flavor_id": "big", "max_num": 8}]
    body = _build(**{**CODE, "train_instance_type": "small"}, train_instance_count=3)
    assert node_count_problem(body, flavors) == ("train_instance_count: 3 nodes exceed the 1 that flavor small "
                                                 "allows; use at most 1 or a flavor with a larger max_num.")
    assert node_count_problem(_build(**{**CODE, "train_instance_type": "big"}, train_instance_count=3), flavors) is None
    assert node_count_problem(_build(**CODE, pool_id="p", train_instance_count=3), flavors) is None


def test_pick_output_is_a_folder() -> None:
    channels = [{"name": "a", "obs_url": "obs://bkt/a"}, {"name": "b", "obs_url": "obs://bkt/b/"}]
    assert pick_output(channels, None) == "obs://bkt/a/"
    assert pick_output(channels, "b") == "obs://bkt/b/"
    assert pick_output(channels, "c") is None and pick_output([], None) is None


def test_the_builders_import_no_airflow() -> None:
    import subprocess

    code = ("import sys, airflow_provider_modelarts.specs.training, airflow_provider_modelarts.specs.training_v1;"
            "print([m for m in sys.modules if m == 'airflow' or m.startswith('airflow.')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout
