"""Resource specs: for each waitable resource kind, how to read it, stop it, follow its log and summarize it.

The waiter, the trigger and the sensors take a kind name and look it up here, so a trigger only has to
serialize strings: the kind, the ids and the connection id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_modelarts.client.api import datasets, models, services, training_v1, training_v2
from airflow_provider_modelarts.client.logs import LogSource, PreviewLogSource
from airflow_provider_modelarts.client.request import ApiRequest

Ids = Mapping[str, Any]


@dataclass(frozen=True)
class ResourceSpec:
    """:param kind: the state table (:mod:`.states`) of this resource. :param id_keys: ids naming one resource."""

    kind: str
    id_keys: tuple[str, ...]
    get: Callable[[Ids], ApiRequest]
    stop: Callable[[Ids], ApiRequest] | None = None
    logs: LogSource | None = None
    summarize: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None

    def check_ids(self, ids: Ids) -> dict[str, Any]:
        missing = [k for k in self.id_keys if not ids.get(k) and ids.get(k) != 0]
        if missing:
            raise ValueError(f"{self.kind} needs ids {', '.join(missing)}")
        return {k: ids[k] for k in self.id_keys}


def summarize_training_v2(job: Mapping[str, Any]) -> dict[str, Any]:
    """A compact summary of a v2 training job (what the operator returns)."""
    status = job.get("status") or {}
    resource = (job.get("spec") or {}).get("resource") or {}
    outputs = [o.get("remote", {}).get("obs", {}).get("obs_url") for o in (job.get("algorithm") or {}).get(
        "outputs") or []]
    return {
        "training_job_id": (job.get("metadata") or {}).get("id"),
        "training_job_name": (job.get("metadata") or {}).get("name"),
        "phase": status.get("phase"),
        "secondary_phase": status.get("secondary_phase"),
        "duration_ms": status.get("duration"),
        "flavor": resource.get("flavor_id"),
        "node_count": resource.get("node_count"),
        "outputs": [o for o in outputs if o],
        "task_statuses": status.get("task_statuses") or [],
    }


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
        ),
        ResourceSpec("visualization_job", ("job_id",),
                     get=lambda i: training_v1.get_visualization_job(i["job_id"]),
                     stop=lambda i: training_v1.stop_visualization_job(i["job_id"])),
        ResourceSpec("import_task", ("dataset_id", "task_id"),
                     get=lambda i: datasets.get_import_task(i["dataset_id"], i["task_id"])),
        ResourceSpec("export_task", ("dataset_id", "task_id"),
                     get=lambda i: datasets.get_export_task(i["dataset_id"], i["task_id"])),
        ResourceSpec("dataset_version", ("dataset_id", "version_id"),
                     get=lambda i: datasets.get_version(i["dataset_id"], i["version_id"])),
        ResourceSpec("dataset", ("dataset_id",), get=lambda i: datasets.get_dataset(i["dataset_id"])),
        ResourceSpec("model", ("model_id",), get=lambda i: models.get_model(i["model_id"])),
        ResourceSpec("service", ("service_id",), get=lambda i: services.get_service(i["service_id"])),
    )
}


def spec_for(kind: str) -> ResourceSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(sorted(SPECS))}") from None
