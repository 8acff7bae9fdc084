"""v2 training job methods of the hook."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.api import training_v2
from airflow_provider_modelarts.hooks.methods import HookMethods


class TrainingV2Methods(HookMethods):
    """Search, read, update, terminate and delete v2 training jobs; logs, metrics, flavors, engines."""

    def list_training_jobs(self, filters: list[dict[str, Any]] | None = None, *, sort_by: str = "create_time",
                           order: str = "desc") -> list[dict[str, Any]]:
        """Every v2 training job matching ``filters`` (``[{"key", "operator", "value": [...]}]``), across pages."""
        req = training_v2.search_jobs(filters, sort_by=sort_by, order=order)
        return list(self.iterate(req, training_v2.SEARCH_PAGER))

    def find_training_jobs_by_name(self, name: str) -> list[dict[str, Any]]:
        """Jobs named exactly ``name`` (one filtered search page: O(1) in the number of jobs)."""
        data = self.call(training_v2.search_jobs([{"key": "name", "operator": "in", "value": [name]}], limit=50))
        return [j for j in (data or {}).get("items") or [] if (j.get("metadata") or {}).get("name") == name]

    def get_training_job(self, training_job_id: str) -> dict[str, Any]:
        return self.call(training_v2.get_job(training_job_id))

    def update_training_job_description(self, training_job_id: str, description: str) -> Any:
        return self.call(training_v2.update_job(training_job_id, description))

    def terminate_training_job(self, training_job_id: str) -> dict[str, Any]:
        return self.call(training_v2.terminate_job(training_job_id))

    def delete_training_job(self, training_job_id: str) -> None:
        self.call(training_v2.delete_job(training_job_id))

    def get_training_job_log(self, training_job_id: str, task_id: str = "worker-0") -> str:
        """The newest part (up to 5 MB) of one task's log."""
        return str((self.call(training_v2.preview_log(training_job_id, task_id)) or {}).get("content") or "")

    def get_training_job_metrics(self, training_job_id: str, task_id: str = "worker-0") -> dict[str, list[Any]]:
        """``{metric: [values]}`` of one task (cpuUsage, memUsage, gpuUtil ...)."""
        data = self.call(training_v2.get_metrics(training_job_id, task_id)) or {}
        return {m.get("metric"): m.get("value") for m in data.get("metrics") or []}

    def get_training_job_metrics_of_tasks(self, training_job_id: str, tasks: list[str]) -> dict[str, Any]:
        """``{task: {metric: [values]}}`` of each task that answers (metrics are a bonus: a task whose read fails
        is logged and left out).

        :param training_job_id: the job.
        :param tasks: its task names (``worker-0`` ...).
        """
        metrics = {}
        for task in tasks:
            try:
                metrics[task] = self.get_training_job_metrics(training_job_id, task)
            except Exception as exc:
                self.log.warning("Could not read metrics of %s: %s", task, exc)
        return metrics

    def list_training_flavors(self, flavor_type: str | None = None) -> list[dict[str, Any]]:
        return list((self.call(training_v2.list_flavors(flavor_type)) or {}).get("flavors") or [])

    def list_training_engines(self) -> list[dict[str, Any]]:
        return list((self.call(training_v2.list_engines()) or {}).get("items") or [])
