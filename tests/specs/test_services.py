"""The service body builders (``specs/services.py``): pure functions, no Airflow and no emulator."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.services import (
    build_service_body,
    complete_configs,
    one_model_configs,
    predict_payload,
    request_config,
    schedule_items,
    service_kind,
    update_body,
)

SPEC = "modelarts.vm.cpu.2u"


def deploy(**args: Any) -> dict[str, Any]:
    spec = args.pop("service_spec", None)
    return build_service_body(args, spec, name="task-abc", marker="[airflow:abc]", max_instances=5)


def deploy_problems(**args: Any) -> list[str]:
    with pytest.raises(SpecError) as caught:
        deploy(**args)
    assert str(caught.value).startswith("Invalid service arguments:\n")
    return caught.value.problems


def update_problems(*args: Any) -> list[str]:
    with pytest.raises(SpecError) as caught:
        update_body(*args, max_instances=5)
    assert str(caught.value).startswith("Invalid service update arguments:\n")
    return caught.value.problems


def test_a_real_time_deploy_body_takes_numbers_from_strings_the_schedule_type_and_the_run_marker() -> None:
    body = deploy(service_name="svc", description="demo", configs=[
        {"model_id": "m1", "specification": SPEC, "instance_count": "1", "weight": "90"},
        {"model_id": "m2", "specification": SPEC, "instance_count": 1, "weight": 10}],
        schedule={"op_type": "stop", "time_unit": "HOURS", "duration": "2"})
    assert body["infer_type"] == "real-time"
    assert [(c["instance_count"], c["weight"]) for c in body["config"]] == [(1, 90), (1, 10)]
    assert body["schedule"] == [{"type": "stop", "time_unit": "HOURS", "duration": 2}]
    assert body["description"] == "demo [airflow:abc]"


def test_the_default_name_starts_with_a_letter_and_a_long_description_gets_no_marker() -> None:
    config = {"model_id": "m1", "specification": SPEC, "instance_count": 1, "weight": 100}
    assert deploy(configs=[config])["service_name"] == "task-abc"
    body = build_service_body({"configs": [config], "description": "x" * 97}, None, name="1-abc", marker="[m]",
                              max_instances=5)
    assert body["service_name"] == "svc-1-abc" and body["description"] == "x" * 97


def test_a_batch_deploy_sends_its_obs_folders_in_the_slash_form() -> None:
    body = deploy(infer_type="batch", configs={
        "model_id": "m1", "specification": SPEC, "instance_count": 1, "src_path": "obs://bucket/in",
        "dest_path": "obs://bucket/out/", "req_uri": "/", "mapping_type": "file"})
    assert (body["config"][0]["src_path"], body["config"][0]["dest_path"]) == ("/bucket/in/", "/bucket/out/")


def test_service_spec_is_merged_over_the_arguments() -> None:
    body = deploy(configs=[{"model_id": "m1", "specification": SPEC, "instance_count": 1, "weight": 100}],
                  service_spec={"service_name": "raw", "load_balancer_policy": "ROUND_ROBIN"})
    assert body["service_name"] == "raw" and body["load_balancer_policy"] == "ROUND_ROBIN"


def test_every_deploy_problem_is_listed_once_in_problems() -> None:
    problems = deploy_problems(infer_type="batch", vpc_id="v", schedule={"op_type": "stop", "type": "start",
                                                                          "time_unit": "DAYS", "duration": 1},
                               configs=[{"model_id": "m1", "specification": SPEC, "instance_count": 6,
                                         "src_path": "obs://b/in/"},
                                        {"model_id": "m1", "specification": SPEC, "instance_count": 1}])
    text = "\n".join(problems)
    assert not any(p.startswith("- ") for p in problems)
    assert "schedule[0]: op_type 'stop' and type 'start' differ" in text
    assert "subnet_network_id" in text and "security_group_id" in text
    assert "config[0].src_path: OBS bucket name 'b' must be 3 to 63 characters long" in text
    assert "config[0].instance_count: 6 is over the limit of 5 instances" in text
    assert "config[0]: a batch service needs dest_path, req_uri, mapping_type" in text
    assert "config: a batch service takes exactly one model config, got 2" in text
    assert "config[*].model_id: the same model is given twice" in text
    assert "schedule: only real-time services can be scheduled to stop" in text


def test_real_time_weights_are_required_and_add_up_to_100() -> None:
    problems = deploy_problems(configs=[{"model_id": "m1", "specification": SPEC, "instance_count": 1, "weight": 60},
                                        {"model_id": "m2", "specification": SPEC, "instance_count": 1}])
    assert any(p.startswith("config[1].weight is required for a real-time service") for p in problems)
    assert any(p.startswith("config[*].weight: the weights add up to 60 (fix: make them add up to 100")
               for p in problems)


def test_a_csv_batch_config_needs_its_mapping_rule() -> None:
    problems = deploy_problems(infer_type="batch", configs=[{
        "model_id": "m1", "specification": SPEC, "instance_count": 1, "src_path": "/bucket/in/",
        "dest_path": "/bucket/out/", "req_uri": "/", "mapping_type": "csv"}])
    assert any("mapping_rule" in p and "a csv batch service needs mapping_rule" in p for p in problems), problems


def test_the_one_model_shorthand() -> None:
    assert one_model_configs(None, model_id="m1", specification=SPEC, instance_count=None, envs={"A": "1"},
                             infer_type="real-time") == [{"model_id": "m1", "specification": SPEC,
                                                          "instance_count": 1, "weight": 100, "envs": {"A": "1"}}]
    assert one_model_configs(None, model_id="m1", specification=SPEC, instance_count="2", envs=None,
                             infer_type="batch") == [{"model_id": "m1", "specification": SPEC, "instance_count": "2"}]
    given = [{"model_id": "m2"}]
    assert one_model_configs(given, model_id="m1", specification=None, instance_count=None, envs=None,
                             infer_type="real-time") is given


def test_the_kind_a_service_is_waited_on_as() -> None:
    assert [service_kind(t) for t in ("real-time", "batch", "edge")] == ["service", "batch_service", "service"]


def test_schedule_items_accepts_the_sdk_spelling() -> None:
    assert schedule_items(None) == (None, [])
    assert schedule_items([{"type": "stop", "time_unit": "DAYS", "duration": 3}]) == (
        [{"type": "stop", "time_unit": "DAYS", "duration": 3}], [])
    items, problems = schedule_items({"op_type": "stop", "type": "stop", "time_unit": "DAYS", "duration": "1"})
    assert items == [{"type": "stop", "time_unit": "DAYS", "duration": 1}] and problems == []


def test_update_bodies() -> None:
    assert update_body(None, "m2", None, None, None, max_instances=5) == {
        "config": [{"model_id": "m2", "weight": 100}]}
    assert update_body(None, None, "stopped", None, None, max_instances=5) == {"status": "stopped"}
    assert update_body(None, None, None, "", {"op_type": "stop", "time_unit": "DAYS", "duration": 1},
                       max_instances=5) == {"description": "", "schedule": [{"type": "stop", "time_unit": "DAYS",
                                                                              "duration": 1}]}
    canary = update_body([{"model_id": "m1", "weight": "90"}, {"model_id": "m2", "weight": 10}], None, None, None,
                         None, max_instances=5)
    assert canary == {"config": [{"model_id": "m1", "weight": 90}, {"model_id": "m2", "weight": 10}]}


def test_an_update_may_omit_weights_it_inherits() -> None:
    assert update_body([{"model_id": "m1", "instance_count": 2}], None, None, None, None, max_instances=5) == {
        "config": [{"model_id": "m1", "instance_count": 2}]}


def test_every_update_problem_is_listed_once() -> None:
    problems = update_problems([{"model_id": "m1", "weight": 60}], "m2", "restart", None,
                               {"op_type": "stop", "type": "go", "time_unit": "DAYS", "duration": 1})
    assert problems[:3] == [
        "model_id and configs exclude each other: give one.",
        "status: 'restart' (fix: running to start the service, stopped to stop it)",
        "status and configs: ModelArts applies only status when both are sent (fix: one task per change)"]
    text = "\n".join(problems)
    assert "config[*].weight: the weights add up to 60" in text
    assert "schedule[0]: op_type 'stop' and type 'go' differ" in text


def test_update_config_entries_need_a_model_and_a_weight_0_to_100() -> None:
    assert update_problems([{"weight": 100}], None, None, None, None) == [
        "config[0].model_id is required (fix: the id of a published model)"]
    assert "config[0].weight: 101 (fix: a whole number 0-100)" in update_problems(
        [{"model_id": "m1", "weight": 101}, {"model_id": "m2", "weight": -1}], None, None, None, None)
    assert update_problems(None, None, None, None, None) == [
        "nothing to update (fix: give configs, model_id, status, description or schedule)"]


def test_a_rollback_sends_back_what_a_put_accepts_and_an_update_inherits_the_rest() -> None:
    current = [{"model_id": "m1", "model_name": "lin", "weight": 100, "specification": SPEC, "instance_count": 2,
                "envs": {"A": "1"}, "status": "ready", "custom_spec": None}]
    assert request_config(current) == [{"model_id": "m1", "weight": 100, "specification": SPEC,
                                        "instance_count": 2, "envs": {"A": "1"}}]
    assert complete_configs([{"model_id": "m2", "weight": 10}, {"model_id": "m1", "weight": 90,
                                                                "instance_count": 1}], current) == [
        {"specification": SPEC, "instance_count": 2, "envs": {"A": "1"}, "model_id": "m2", "weight": 10},
        {"specification": SPEC, "instance_count": 1, "envs": {"A": "1"}, "model_id": "m1", "weight": 90}]
    assert complete_configs([{"model_id": "m2", "weight": 100}], []) == [{"model_id": "m2", "weight": 100}]


def test_predict_takes_one_address_and_one_payload_json_text_parsed() -> None:
    assert predict_payload(service_id="s1", access_address=None, payload='{"x": [1, 2]}', file_path=None) == {
        "x": [1, 2]}
    assert predict_payload(service_id=None, access_address="https://a", payload=None, file_path="/tmp/a.png") is None
    with pytest.raises(SpecError) as caught:
        predict_payload(service_id="s1", access_address="https://a", payload="{x", file_path="/tmp/a.png")
    assert str(caught.value).startswith("Invalid predict arguments:\n")
    assert caught.value.problems[:2] == ["Give service_id or access_address (exactly one).",
                                         "Give payload (JSON) or file_path (exactly one)."]
    assert caught.value.problems[2].startswith("payload is a string but not JSON (")
