"""Resource specs: for each waitable resource kind, how to read it, stop it, follow its log and summarize it.

The waiter, the trigger and the sensors take a kind name and look it up here, so a trigger only has to
serialize strings: the kind, the ids and the connection id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_modelarts.client.api import datasets, models, services, training_v1, training_v2
from airflow_provider_modelarts.client.logs import AomLogSource, LogSource, PreviewLogSource
from airflow_provider_modelarts.client.request import ApiRequest

Ids = Mapping[str, Any]


@dataclass(frozen=True)
class ResourceSpec:
    """:param kind: the state table (:mod:`.states`) of this resource
    :param id_keys: ids naming one resource.
    :param optional_keys: further ids kept when given (e.g. the v1 log file the log source reads)."""

    kind: str
    id_keys: tuple[str, ...]
    get: Callable[[Ids], ApiRequest]
    stop: Callable[[Ids], ApiRequest] | None = None
    logs: LogSource | None = None
    summarize: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    optional_keys: tuple[str, ...] = ()

    def check_ids(self, ids: Ids) -> dict[str, Any]:
        missing = [k for k in self.id_keys if not ids.get(k) and ids.get(k) != 0]
        if missing:
            raise ValueError(f"{self.kind} needs ids {', '.join(missing)}")
        return {**{k: ids[k] for k in self.id_keys}, **{k: ids[k] for k in self.optional_keys if ids.get(k)}}


def summarize_training_v2(job: Mapping[str, Any]) -> dict[str, Any]:
    """A compact summary of a v2 training job (what the operator returns)."""
    status = job.get("status") or {}
    resource = (job.get("spec") or {}).get("resource") or {}
    channels = [{"name": o.get("name"), "obs_url": ((o.get("remote") or {}).get("obs") or {}).get("obs_url")}
                for o in (job.get("algorithm") or {}).get("outputs") or []]
    outputs = [c["obs_url"] for c in channels]
    return {
        "training_job_id": (job.get("metadata") or {}).get("id"),
        "training_job_name": (job.get("metadata") or {}).get("name"),
        "phase": status.get("phase"),
        "secondary_phase": status.get("secondary_phase"),
        "duration_ms": status.get("duration"),
        "flavor": resource.get("flavor_id"),
        "node_count": resource.get("node_count"),
        "outputs": [o for o in outputs if o],
        "output_channels": [c for c in channels if c["obs_url"]],
        "task_statuses": status.get("task_statuses") or [],
    }


def _v1_metrics(value: Any) -> dict[str, Any]:
    """The overall metric values of a v1 ``model_metric_list`` (a JSON string or an object)."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            return {}
    total = (value or {}).get("total_metric") if isinstance(value, Mapping) else None
    return dict((total or {}).get("total_metric_values") or {})


def summarize_training_v1(version: Mapping[str, Any]) -> dict[str, Any]:
    """A compact summary of a v1 training job version (what the v1 operators return)."""
    from airflow_provider_modelarts.client.states import table

    return {
        "job_id": version.get("job_id"), "job_name": version.get("job_name"),
        "version_id": version.get("version_id"), "version_name": version.get("version_name"),
        "pre_version_id": version.get("pre_version_id"), "status": version.get("status"),
        "status_text": table("training_v1").describe(version.get("status")),
        "duration_ms": version.get("duration"), "spec_code": version.get("spec_code"),
        "worker_server_num": version.get("worker_server_num"),
        "engine": " ".join(str(version[k]) for k in ("engine_name", "engine_version") if version.get(k)),
        "data_url": version.get("data_url"), "train_url": version.get("train_url"),
        "metrics": _v1_metrics(version.get("model_metric_list")),
    }


def summarize_visualization_job(job: Mapping[str, Any]) -> dict[str, Any]:
    """A compact summary of a visualization job."""
    from airflow_provider_modelarts.client.states import table

    return {"job_id": job.get("job_id"), "job_name": job.get("job_name"), "status": job.get("status"),
            "status_text": table("visualization_job").describe(job.get("status")),
            "service_url": job.get("service_url"), "train_url": job.get("train_url"),
            "duration_ms": job.get("duration")}


def _v1_log_read(ids: Ids, base_line: str | None, lines: int) -> ApiRequest:
    """Lines of ``ids["log_file"]`` after ``base_line``; without a log file, the (line-less) file-name listing."""
    if not ids.get("log_file"):
        return training_v1.log_file_names(ids["job_id"], ids["version_id"])
    return training_v1.read_log(ids["job_id"], ids["version_id"], ids["log_file"], base_line=base_line, lines=lines,
                                order="desc")


def _pick(resource: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: resource.get(k) for k in keys if k in resource}


IMPORT_SUMMARY = ("task_id", "dataset_id", "status", "import_path", "import_type", "total_sample_count",
                  "imported_sample_count", "annotated_sample_count", "total_file_count", "finished_file_count",
                  "elapsed_time", "error_code", "error_msg")
EXPORT_SUMMARY = ("task_id", "status", "path", "export_type", "export_format", "version_id", "total_sample_count",
                  "finished_sample_count", "progress", "export_params", "error_code", "error_msg")
VERSION_SUMMARY = ("version_id", "version_name", "status", "version_format", "total_sample_count",
                   "annotated_sample_count", "manifest_path", "is_current", "message", "create_time")
DATASET_SUMMARY = ("dataset_id", "dataset_name", "dataset_type", "status", "work_path", "total_sample_count",
                   "annotated_sample_count", "current_version_id", "current_version_name", "import_task_id")
LABEL_TASK_SUMMARY = ("task_id", "task_name", "dataset_id", "status", "sample_stats", "workforce_stats")


def summarizer(keys: tuple[str, ...]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A summary function keeping ``keys`` of the resource (data management kinds)."""
    return lambda resource: _pick(resource, keys)


def summarize_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """A compact summary of a model (what the import operator returns)."""
    keys = ("model_id", "model_name", "model_version", "model_type", "model_status", "model_size",
            "source_location", "source_job_id", "runtime", "install_type")
    return {k: model.get(k) for k in keys if k in model}


def summarize_service(service: Mapping[str, Any]) -> dict[str, Any]:
    """A compact summary of a service (what the deploy and update operators return)."""
    keys = ("service_id", "service_name", "infer_type", "status", "access_address", "invocation_times",
            "failed_times")
    out = {k: service.get(k) for k in keys if k in service}
    out["config"] = [{k: c.get(k) for k in ("model_id", "model_name", "model_version", "weight",
                                             "specification", "instance_count", "status") if k in c}
                     for c in service.get("config") or []]
    return out


def stop_service(service_id: str) -> ApiRequest:
    """Stop a service (``PUT`` ``{"status": "stopped"}``): what a deploy's ``max_wait`` and ``on_kill`` do."""
    return services.update_service(service_id, {"status": "stopped"})


SPECS: dict[str, ResourceSpec] = {
    s.kind: s
    for s in (
        ResourceSpec(
            "training_v2", ("training_job_id",),
            get=lambda i: training_v2.get_job(i["training_job_id"]),
            stop=lambda i: training_v2.terminate_job(i["training_job_id"]),
            logs=PreviewLogSource(lambda i: training_v2.preview_log(i["training_job_id"], i.get("task_id")
                                                                    or "worker-0")),
            summarize=summarize_training_v2,
        ),
        ResourceSpec(
            "training_v1", ("job_id", "version_id"),
            get=lambda i: training_v1.get_version(i["job_id"], i["version_id"]),
            stop=lambda i: training_v1.stop_version(i["job_id"], i["version_id"]),
            logs=AomLogSource(_v1_log_read),
            summarize=summarize_training_v1,
            optional_keys=("log_file",),
        ),
        ResourceSpec("visualization_job", ("job_id",),
                     get=lambda i: training_v1.get_visualization_job(i["job_id"]),
                     stop=lambda i: training_v1.stop_visualization_job(i["job_id"]),
                     summarize=summarize_visualization_job),
        ResourceSpec("import_task", ("dataset_id", "task_id"),
                     get=lambda i: datasets.get_import_task(i["dataset_id"], i["task_id"]),
                     summarize=summarizer(IMPORT_SUMMARY)),
        ResourceSpec("export_task", ("dataset_id", "task_id"),
                     get=lambda i: datasets.get_export_task(i["dataset_id"], i["task_id"]),
                     summarize=summarizer(EXPORT_SUMMARY)),
        ResourceSpec("dataset_version", ("dataset_id", "version_id"),
                     get=lambda i: datasets.get_version(i["dataset_id"], i["version_id"]),
                     summarize=summarizer(VERSION_SUMMARY)),
        ResourceSpec("dataset", ("dataset_id",), get=lambda i: datasets.get_dataset(i["dataset_id"]),
                     summarize=summarizer(DATASET_SUMMARY)),
        ResourceSpec("label_task", ("dataset_id", "task_id"),
                     get=lambda i: datasets.get_label_task(i["dataset_id"], i["task_id"]),
                     summarize=summarizer(LABEL_TASK_SUMMARY)),
        ResourceSpec("model", ("model_id",), get=lambda i: models.get_model(i["model_id"]),
                     summarize=summarize_model),
        ResourceSpec("service", ("service_id",), get=lambda i: services.get_service(i["service_id"]),
                     stop=lambda i: stop_service(i["service_id"]), summarize=summarize_service),
        ResourceSpec("batch_service", ("service_id",), get=lambda i: services.get_service(i["service_id"]),
                     stop=lambda i: stop_service(i["service_id"]), summarize=summarize_service),
        # ids: the service and the update_time (epoch ms, server clock) from which its update logs are read
        ResourceSpec("service_update", ("service_id", "update_time"),
                     get=lambda i: services.get_update_logs(i["service_id"], int(i["update_time"]))),
    )
}


def spec_for(kind: str) -> ResourceSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(sorted(SPECS))}") from None
