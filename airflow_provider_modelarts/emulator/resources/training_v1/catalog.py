"""Legacy v1 training lookups: resource specs, AI engines and built-in algorithms."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import Request, Response
from airflow_provider_modelarts.emulator.resources.training_v1.base import ok, page_items, v1_error

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


# ---- lookup tables ---------------------------------------------------------------------------------------------
SPECS: list[dict[str, Any]] = [
    {"spec_id": 1, "core": "8", "cpu": "32", "gpu_num": 0, "gpu_type": "", "spec_code": "modelarts.vm.cpu.8u",
     "max_num": 5, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
    {"spec_id": 2, "core": "2", "cpu": "8", "gpu_num": 0, "gpu_type": "", "spec_code": "modelarts.vm.cpu.2u",
     "max_num": 2, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
    {"spec_id": 3, "core": "8", "cpu": "64", "gpu_num": 1, "gpu_type": "P100", "spec_code": "modelarts.vm.gpu.p100",
     "max_num": 5, "unit_num": 1, "storage": "800G", "interface_type": 1, "no_resource": False},
    {"spec_id": 4, "core": "8", "cpu": "64", "gpu_num": 1, "gpu_type": "V100", "spec_code": "modelarts.vm.gpu.v100",
     "max_num": 5, "unit_num": 1, "storage": "800G", "interface_type": 1, "no_resource": False},
]


INFERENCE_SPECS: list[dict[str, Any]] = [
    {"spec_id": 101, "core": "2", "cpu": "8", "gpu_num": 0, "gpu_type": "", "spec_code": "modelarts.vm.cpu.2u",
     "max_num": 5, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
    {"spec_id": 102, "core": "4", "cpu": "16", "gpu_num": 1, "gpu_type": "P4", "spec_code": "modelarts.vm.gpu.p4",
     "max_num": 5, "unit_num": 1, "storage": "", "interface_type": 1, "no_resource": False},
]


ENGINES: list[dict[str, Any]] = [
    {"engine_type": 1, "engine_id": 1, "engine_name": "TensorFlow", "engine_version": "TF-1.8.0-python3.6"},
    {"engine_type": 1, "engine_id": 2, "engine_name": "TensorFlow", "engine_version": "TF-2.1.0-python3.6"},
    {"engine_type": 2, "engine_id": 3, "engine_name": "MXNet", "engine_version": "MXNet-1.2.1-python3.6"},
    {"engine_type": 3, "engine_id": 4, "engine_name": "Ray", "engine_version": "RAY-0.7.4-python3.6"},
    {"engine_type": 4, "engine_id": 5, "engine_name": "Caffe", "engine_version": "Caffe-1.0.0-python2.7"},
    {"engine_type": 5, "engine_id": 6, "engine_name": "Spark_MLLib", "engine_version": "Spark-2.3.2-python3.6"},
    {"engine_type": 9, "engine_id": 7, "engine_name": "XGBoost-Sklearn",
     "engine_version": "Scikit_Learn-0.18.1-python3.6"},
    {"engine_type": 10, "engine_id": 8, "engine_name": "PyTorch", "engine_version": "PyTorch-1.0.0-python3.6"},
    {"engine_type": 10, "engine_id": 9, "engine_name": "PyTorch", "engine_version": "PyTorch-1.3.0-python3.6"},
    {"engine_type": 12, "engine_id": 10, "engine_name": "Horovod",
     "engine_version": "Horovod_0.16.2_TF_1.13.1-python3.6"},
    {"engine_type": 2, "engine_id": 501, "engine_name": "MXNet", "engine_version": "MXNet-1.2.1-python2.7"},
]


def _algo(model_id: int, name: str, usage: int, precision: str, size: int, dataset: str,
          params: list[tuple[str, str]]) -> dict[str, Any]:
    """One built-in algorithm record (engine 501, MXNet, as in the documented sample)."""
    return {
        "model_id": model_id, "model_name": name, "model_usage": usage, "model_precision": precision,
        "model_size": size, "model_train_dataset": dataset, "model_dataset_format": "shape: [H, W, C==3]; type: int8",
        "model_description_url": "https://github.com/apache/incubator-mxnet/tree/master/example",
        "parameter": json.dumps([{"label": k, "value": v, "placeholder_cn": "", "placeholder_en": "",
                                  "required": True} for k, v in params]),
        "create_time": 1522218780025 + model_id * 1000, "engine_id": 501, "engine_name": "MXNet",
        "engine_version": "MXNet-1.2.1-python2.7",
    }


BUILTIN_ALGORITHMS: list[dict[str, Any]] = [
    _algo(4, "ResNet_v2_50", 1, "75.55%(top1), 92.6%(top5)", 102503801,
          "ImageNet, 1,000 classes for image classification", [("batch_size", "4"), ("lr", "0.0001")]),
    _algo(5, "Faster_RCNN_ResNet_v2_101", 2, "80.05%(mAP)", 190936449,
          "PASCAL VOC2007, 20 classes for object detection", [("lr", "0.0001"), ("mom", "0.9")]),
    _algo(6, "Faster_RCNN_ResNet_v1_50", 2, "73.6%(mAP)", 131458972,
          "PASCAL VOC2007, 20 classes for object detection", [("lr", "0.0001"), ("num_classes", "")]),
    _algo(7, "SegNet_VGG_BN_16", 3, "89%(pixel acc)", 112336197, "CamVid, 11 classes for segmentation",
          [("lr", "0.0001"), ("num_epoch", "10")]),
]


# ---- lookups ------------------------------------------------------------------------------------------------------
def job_type(req: Request) -> str:
    value = req.query("job_type") or "train"
    if value not in ("train", "inference"):
        raise v1_error(f"Invalid parameter job_type: {value!r} must be train or inference.")
    return value


def list_specs(req: Request, emu: Emulator) -> Response:
    specs = SPECS if job_type(req) == "train" else INFERENCE_SPECS
    req.query_int("engine_id", 0, lo=0, v1=True)
    req.query_int("project_type", 0, lo=0, v1=True)
    return ok(spec_total_count=len(specs), specs=[dict(spec) for spec in specs])


def list_engines(req: Request, emu: Emulator) -> Response:
    job_type(req)
    return ok(engines=[dict(engine) for engine in ENGINES])


def list_builtin(req: Request, emu: Emulator) -> Response:
    entries = [dict(model) for model in BUILTIN_ALGORITHMS]
    for entry in entries:
        entry["engine"] = entry["engine_name"]
    page, total = page_items(req, entries, name_key="model_name", default_order="desc", max_per_page=100,
                             max_search=None, sort_fields=("engine", "model_name", "model_precision", "model_usage",
                                                           "model_size", "create_time", "parameter"))
    for entry in page:
        entry.pop("engine")
    return ok(model_total_count=total, models=page)
