"""The model import body builder (``specs/models.py``): pure, no Airflow and no emulator."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.models import FROM_TRAINING_JOB, MODEL_ARGS, build_model_body


def body(model_spec: dict[str, Any] | None = None, *, from_training_job: bool = False, **args: Any) -> dict[str, Any]:
    args = {"model_version": "1.0.0", "model_type": "PyTorch", **args}
    return build_model_body(args, model_spec, name="task-abc", from_training_job=from_training_job)


def problems(**args: Any) -> list[str]:
    with pytest.raises(SpecError) as caught:
        body(**args)
    assert str(caught.value).startswith("Invalid model import arguments:\n")
    assert str(caught.value).splitlines()[1:] == [f"- {p}" for p in caught.value.problems]
    return caught.value.problems


def test_an_obs_model_directory_in_either_form_becomes_the_slash_folder() -> None:
    for location in ("obs://bucket/models/lin", "/bucket/models/lin/"):
        assert body(source_location=location)["source_location"] == "/bucket/models/lin/"


def test_the_name_defaults_empty_arguments_are_dropped_and_model_spec_wins() -> None:
    built = body({"model_version": "2.0.0"}, source_location="/bucket/m/", runtime="", description=None)
    assert built == {"model_name": "task-abc", "model_version": "2.0.0", "model_type": "PyTorch",
                     "source_location": "/bucket/m/"}


def test_execution_code_is_one_object_and_mappings_become_json_text() -> None:
    built = body(source_location="/bucket/m/", execution_code="obs://bucket/m/model/customize_service.py",
                 initial_config={"model_type": "PyTorch", "name": "模型"}, model_metrics={"f1": 0.9})
    assert built["execution_code"] == "/bucket/m/model/customize_service.py"
    assert built["initial_config"] == '{"model_type": "PyTorch", "name": "模型"}'
    assert built["model_metrics"] == '{"f1": 0.9}'


def test_an_image_source_is_taken_as_given() -> None:
    address = "swr.cn-north-4.myhuaweicloud.com/org/infer:1.0"
    assert body(model_type="Image", source_location=address)["source_location"] == address


def test_a_training_job_import_validates_with_a_placeholder_location() -> None:
    assert body(from_training_job=True)["source_location"] == FROM_TRAINING_JOB


def test_every_problem_is_listed_schema_ones_first() -> None:
    found = problems(model_version="01.0.0", model_type="Keras", source_location="not-an-obs-path",
                     execution_code="obs://b/c.py")
    text = "\n".join(found)
    assert "model_version: '01.0.0' does not match" in text and "model_type" in text
    assert found[-2].startswith("source_location: 'not-an-obs-path' is not an OBS path (")
    assert found[-1].startswith("execution_code: OBS bucket name 'b' must be 3 to 63 characters long")
    assert not any(p.startswith(("source_location:", "execution_code:")) for p in found[:-2])  # schema's first


def test_a_source_location_next_to_a_training_job_is_a_problem() -> None:
    assert "source_location and training_job_id exclude each other: give one of them." in problems(
        source_location="/bucket/m/", from_training_job=True)


def test_model_args_are_the_body_fields_the_operator_passes() -> None:
    assert len(MODEL_ARGS) == len(set(MODEL_ARGS)) and "model_name" in MODEL_ARGS and "model_spec" not in MODEL_ARGS
