"""Legacy v1 training job configurations (custom ones and the read-only samples)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import Request, Response
from airflow_provider_modelarts.emulator.resources.common import check_name, now_ms
from airflow_provider_modelarts.emulator.resources.training_v1.base import (
    CONFIGS,
    JOB_NAME,
    body_of,
    check_text,
    lookup,
    ok,
    page_items,
    present,
    v1_error,
)
from airflow_provider_modelarts.emulator.resources.training_v1.configuration import (
    config_fields,
    resource_fields,
    validate_config,
)

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


SAMPLE_CONFIGS: list[dict[str, Any]] = [
    {"config_name": "sample-tensorflow-mnist", "config_desc": "TensorFlow MNIST sample", "create_time": 1559045426000,
     "config": {"worker_server_num": 1, "app_url": "/modelarts-samples/tf-mnist/code/",
                "boot_file_url": "/modelarts-samples/tf-mnist/code/train.py", "engine_id": 1, "spec_id": 1,
                "data_url": "/modelarts-samples/tf-mnist/data/", "parameter": [{"label": "max_steps", "value": "100"}],
                "train_url": "/modelarts-samples/tf-mnist/output/"}},
    {"config_name": "sample-pytorch-cifar10", "config_desc": "PyTorch CIFAR-10 sample", "create_time": 1559045427000,
     "config": {"worker_server_num": 1, "app_url": "/modelarts-samples/pt-cifar/code/",
                "boot_file_url": "/modelarts-samples/pt-cifar/code/main.py", "engine_id": 8, "spec_id": 3,
                "data_url": "/modelarts-samples/pt-cifar/data/", "parameter": [{"label": "epochs", "value": "2"}],
                "train_url": "/modelarts-samples/pt-cifar/output/"}},
]


# ---- training job configurations --------------------------------------------------------------------------------
def configs_of(emu: Emulator, req: Request) -> Any:
    return emu.store(str(req.project_id), CONFIGS)


def config_type(req: Request) -> str:
    value = req.query("config_type") or "custom"
    if value not in ("custom", "sample"):
        raise v1_error(f"Invalid parameter config_type: {value!r} must be custom or sample.")
    return value


def get_config_record(emu: Emulator, req: Request, *, writable: bool = False) -> dict[str, Any]:
    name = req.params["config_name"]
    if not writable and config_type(req) == "sample":
        record = lookup(SAMPLE_CONFIGS, "config_name", name)
    else:
        record = configs_of(emu, req).get(name)
    if record is None:
        if writable and lookup(SAMPLE_CONFIGS, "config_name", name):
            raise v1_error(f"Sample configuration {name} cannot be changed.", "ModelArts.0105")
        raise v1_error(f"Training job configuration {name} does not exist.", "ModelArts.0105")
    return record


def render_config(record: dict[str, Any], *, detail: bool) -> dict[str, Any]:
    """A configuration as a list entry or (``detail``) with every training field."""
    cfg = record["config"]
    res = resource_fields(cfg)
    out = {"config_name": record["config_name"], "config_desc": record["config_desc"],
           "create_time": record["create_time"], "engine_type": res["engine_type"], "engine_name": res["engine_name"],
           "engine_id": res["engine_id"], "engine_version": res["engine_version"],
           "user_image_url": cfg.get("user_image_url", ""), "user_command": cfg.get("user_command", "")}
    if detail:
        out = {"is_success": True, **config_fields(cfg), **res, **out}
    return present(out)


def create_config(req: Request, emu: Emulator) -> Response:
    body = body_of(req)
    name = check_name(body.get("config_name"), "config_name", JOB_NAME, v1=True)
    desc = check_text(body, "config_desc")
    cfg = validate_config(body)
    configs = configs_of(emu, req)
    if name in configs or lookup(SAMPLE_CONFIGS, "config_name", name):
        raise v1_error(f"Config name:{name} is existed", "ModelArts.0103")
    configs[name] = {"config_name": name, "config_desc": desc, "create_time": now_ms(emu), "config": cfg}
    return ok()


def list_configs(req: Request, emu: Emulator) -> Response:
    records = SAMPLE_CONFIGS if config_type(req) == "sample" else list(configs_of(emu, req).values())
    entries = [render_config(record, detail=False) for record in records]
    page, total = page_items(req, entries, name_key="config_name", default_order="desc", max_search=None,
                             sort_fields=("config_name", "config_desc", "create_time"))
    return ok(config_total_count=total, configs=page)


def get_config(req: Request, emu: Emulator) -> Response:
    return Response(200, render_config(get_config_record(emu, req), detail=True))


def update_config(req: Request, emu: Emulator) -> Response:
    record = get_config_record(emu, req, writable=True)
    body = body_of(req)
    record["config"] = validate_config(body)
    if "config_desc" in body:
        record["config_desc"] = check_text(body, "config_desc")
    return ok()


def delete_config(req: Request, emu: Emulator) -> Response:
    record = get_config_record(emu, req, writable=True)
    del configs_of(emu, req)[record["config_name"]]
    return ok()
