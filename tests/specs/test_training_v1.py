"""The v1 training job, version, configuration and visualization body builders: pure, no Airflow, no emulator."""

from __future__ import annotations

import pytest

from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.training_v1 import (
    DESC_MAX,
    V1_ESTIMATOR_ARGS,
    as_id,
    config_body,
    job_body,
    marked_description,
    version_body,
    visualization_body,
)

FULL = {"code_dir": "obs://bkt/code/", "boot_file": "train.py", "framework_type": "PyTorch",
        "framework_version": "PyTorch-1.0.0-python3.6", "inputs": "obs://bkt/data/", "output_path": "/bkt/out/",
        "train_instance_type": "modelarts.vm.cpu.2u"}
MARKER = "[airflow-run:0123456789ab]"


def _args(**given: object) -> dict[str, object]:
    return {**dict.fromkeys(V1_ESTIMATOR_ARGS), **given}


def test_job_body_converts_paths_and_leaves_names_to_resolve() -> None:
    body = job_body(_args(**FULL, hyperparameters={"epochs": 3}, log_url="obs://bkt/logs/", train_instance_count="2"),
                    None, job_name="train-x", job_description="nightly")
    assert body["job_name"] == "train-x" and body["job_desc"] == "nightly"
    assert body["config"] == {"worker_server_num": 2, "app_url": "/bkt/code/", "boot_file_url": "/bkt/code/train.py",
                              "data_url": "/bkt/data/", "train_url": "/bkt/out/", "log_url": "/bkt/logs/",
                              "parameter": [{"label": "epochs", "value": "3"}]}
    assert body["lookups"] == {"engine": ["PyTorch", "PyTorch-1.0.0-python3.6"], "flavor": "modelarts.vm.cpu.2u"}


def test_job_body_spec_id_data_source_boot_file_path_and_overrides() -> None:
    body = job_body(_args(**{**FULL, "inputs": None, "train_instance_type": "3", "boot_file": "obs://bkt/x/run.py"},
                          data_source=[{"type": "obs", "data_url": "obs://bkt/d/"}]),
                    {"engine_id": 9}, job_name="j", job_description=None)
    config = body["config"]
    assert config["spec_id"] == 3 and config["engine_id"] == 9 and config["boot_file_url"] == "/bkt/x/run.py"
    assert config["data_source"] == [{"type": "obs", "data_url": "/bkt/d/"}]
    assert "job_desc" not in body and "flavor" not in body["lookups"]


def test_job_body_lists_every_problem_at_once() -> None:
    with pytest.raises(SpecError) as caught:
        job_body(_args(code_dir="obs://bkt/code/", boot_file="t.py", model_name="ResNet", train_instance_count=0),
                 None, job_name="bad name!", job_description=None)
    problems = caught.value.problems
    assert any(p.startswith("job_name") for p in problems), problems
    assert any(p.startswith("train_instance_count") for p in problems), problems
    assert ("code_dir and model_name exclude each other: give code_dir/boot_file (with framework_type and "
            "framework_version), model_name (a built-in algorithm) or user_image_url/user_command.") in problems
    assert "output_path is required (an OBS folder like obs://bucket/output/)." in problems
    assert "inputs (an OBS path), dataset_id + dataset_version_id or data_source is required." in problems
    assert str(caught.value).startswith("Invalid training job arguments:\n- ")


def test_a_bad_bucket_name_is_a_problem_not_a_crash() -> None:
    with pytest.raises(SpecError) as caught:
        job_body(_args(**{**FULL, "inputs": "obs://B_ad/data/"}), None, job_name="j", job_description=None)
    assert [p for p in caught.value.problems if p.startswith("inputs: ")], caught.value.problems


def test_version_body_takes_only_the_changes() -> None:
    body = version_body(_args(train_instance_type="modelarts.vm.gpu.p100", hyperparameters={"epochs": 7}), None,
                        pre_version_id="12", job_description=None, marker=MARKER)
    assert body == {"config": {"parameter": [{"label": "epochs", "value": "7"}]},
                    "lookups": {"flavor": "modelarts.vm.gpu.p100"}, "pre_version_id": 12}


def test_version_body_problems() -> None:
    with pytest.raises(SpecError) as caught:
        version_body(_args(volumes=[{"nfs": {}}]), None, pre_version_id="0", job_description="x" * 250,
                     marker=MARKER)
    problems = caught.value.problems
    assert problems[0].startswith("volumes cannot be set on a new version")
    assert any(p.startswith("pre_version_id") for p in problems), problems
    room = DESC_MAX - len(MARKER) - 1
    assert f"job_description: at most {room} characters on a new version (the {DESC_MAX} of job_desc less the " \
           f"run marker {MARKER})." in problems


def test_marked_description_replaces_an_older_marker_and_fits() -> None:
    assert marked_description("nightly [airflow-run:ffffffffffff]", MARKER) == f"nightly {MARKER}"
    assert marked_description("", MARKER) == MARKER
    assert len(marked_description("x" * 400, MARKER)) == DESC_MAX


def test_config_body_refuses_what_a_configuration_cannot_hold() -> None:
    config, lookups = config_body(_args(**FULL), None, config_name="cfg-a", config_description="first")
    assert config["app_url"] == "/bkt/code/" and lookups["flavor"] == "modelarts.vm.cpu.2u"
    with pytest.raises(SpecError) as caught:
        config_body(_args(**FULL, pool_id="p", volumes=[{}]), None, config_name="a-name-longer-than-20-chars",
                    config_description=None)
    problems = caught.value.problems
    assert problems[0].startswith("pool_id and volumes cannot be saved in a configuration")
    assert any(p.startswith("config_name") for p in problems), problems
    assert str(caught.value).startswith("Invalid training job configuration arguments:\n")


def test_visualization_body() -> None:
    body = visualization_body(train_url="obs://bkt/out/", job_name="board", job_description="tb", flavor="f1",
                              auto_stop_hours=2)
    assert body == {"job_name": "board", "job_desc": "tb", "train_url": "/bkt/out/", "job_type": "tensorboard",
                    "flavor": {"code": "f1"}, "schedule": {"type": "stop", "time_unit": "HOURS", "duration": 2}}
    with pytest.raises(SpecError) as caught:
        visualization_body(train_url="nowhere", job_name="x" * 21, job_type="other")
    assert {p.split(":")[0] for p in caught.value.problems} == {"job_name", "job_type", "train_url"}


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (" 7 ", 7), (5, 5), ("abc", "abc"), (None, None)])
def test_as_id(value: object, expected: object) -> None:
    assert as_id(value) == expected
