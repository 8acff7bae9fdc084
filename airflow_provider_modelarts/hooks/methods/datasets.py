"""Data management methods of the hook: datasets, versions, samples, import/export and labeling tasks.

Listings follow every page (``offset`` is a page index, see :mod:`~airflow_provider_modelarts.client.pagination`);
``page_size`` sets the ``limit`` of each page (1-100). The ``find_*``/``latest_*`` helpers make exactly one
request (O(1) lookups used to reattach after a retry).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from airflow_provider_modelarts.client.api import datasets
from airflow_provider_modelarts.client.pagination import Pager
from airflow_provider_modelarts.hooks.methods import HookMethods


def _pager(pager: Pager, page_size: int | None) -> Pager:
    if page_size is None:
        return pager
    if not 1 <= page_size <= 100:
        raise ValueError(f"page_size must be 1..100, got {page_size}")
    return dataclasses.replace(pager, limit=page_size)


class DatasetMethods(HookMethods):
    """Datasets (SDK reference §7.1), versions (§7.2), samples (§7.3), import (§7.4) and export (§7.5) tasks and
    labeling tasks (§7.7)."""

    # ---- datasets ---------------------------------------------------------------------------------------------
    def list_datasets(self, *, dataset_type: int | None = None, dataset_name: str | None = None,
                      sort_by: str | None = None, order: str | None = None, with_labels: bool | None = None,
                      support_export: bool | None = None, page_size: int | None = None) -> list[dict[str, Any]]:
        """Every dataset matching the filters, across pages.

        :param dataset_type: type code (0, 1, 3, 100, 101, 102, 200, 201, 202, 400, 600, 900).
        :param dataset_name: fuzzy name match (REST ``search_content``).
        :param sort_by: ``create_time`` (default) or ``dataset_name``
        :param order: ``asc`` or ``desc``.
        :param with_labels: include each dataset's labels
        :param support_export: only exportable types.
        :param page_size: datasets per request (1-100).
        """
        req = datasets.list_datasets(dataset_type=dataset_type, search_content=dataset_name, sort_by=sort_by,
                                     order=order, with_labels=with_labels, support_export=support_export)
        return list(self.iterate(req, _pager(datasets.DATASET_PAGER, page_size)))

    def find_datasets_by_name(self, name: str) -> list[dict[str, Any]]:
        """Datasets named exactly ``name`` (one filtered page: O(1) in the number of datasets)."""
        req = datasets.DATASET_PAGER.request(datasets.list_datasets(search_content=name), 0)
        return [d for d in (self.call(req) or {}).get("datasets") or [] if d.get("dataset_name") == name]

    def get_dataset(self, dataset_id: str) -> dict[str, Any]:
        return dict(self.call(datasets.get_dataset(dataset_id)) or {})

    def create_dataset(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v2/{project_id}/datasets``: ``{dataset_id}`` (and ``import_task_id`` when data_sources import)."""
        return dict(self.call(datasets.create_dataset(body)) or {})

    def update_dataset(self, dataset_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Rename, describe, switch the current version, add/update/delete labels."""
        return dict(self.call(datasets.update_dataset(dataset_id, body)) or {})

    def delete_dataset(self, dataset_id: str) -> None:
        self.call(datasets.delete_dataset(dataset_id))

    # ---- versions ---------------------------------------------------------------------------------------------
    def list_dataset_versions(self, dataset_id: str, *, status: int | None = None,
                              page_size: int | None = None) -> list[dict[str, Any]]:
        """Every version of a dataset (newest first), optionally with one ``status``."""
        return list(self.iterate(datasets.list_versions(dataset_id, status=status),
                                 _pager(datasets.VERSION_PAGER, page_size)))

    def latest_dataset_versions(self, dataset_id: str, count: int = 100) -> list[dict[str, Any]]:
        """The newest ``count`` versions (one request)."""
        req = _pager(datasets.VERSION_PAGER, count).request(datasets.list_versions(dataset_id), 0)
        return list((self.call(req) or {}).get("versions") or [])

    def get_dataset_version(self, dataset_id: str, version_id: str) -> dict[str, Any]:
        return dict(self.call(datasets.get_version(dataset_id, version_id)) or {})

    def create_dataset_version(self, dataset_id: str, body: dict[str, Any]) -> str:
        """Publish a version; its ``version_id``. One version per dataset per minute (``ModelArts.4370``)."""
        return str((self.call(datasets.create_version(dataset_id, body)) or {})["version_id"])

    def delete_dataset_version(self, dataset_id: str, version_id: str) -> None:
        self.call(datasets.delete_version(dataset_id, version_id))

    # ---- samples ----------------------------------------------------------------------------------------------
    def list_samples(self, dataset_id: str, *, version_id: str | None = None, sample_state: str | None = None,
                     label_name: str | None = None, page_size: int | None = None) -> list[dict[str, Any]]:
        """Every sample of a dataset (or of one version), across pages. Not for table datasets (400).

        :param sample_state: ``__ALL__`` labelled, ``__NONE__`` unlabelled, ...
        :param label_name: only samples carrying this label.
        """
        req = datasets.list_samples(dataset_id, version_id=version_id, sample_state=sample_state,
                                    label_name=label_name)
        return list(self.iterate(req, _pager(datasets.SAMPLE_PAGER, page_size)))

    def get_sample(self, dataset_id: str, sample_id: str) -> dict[str, Any]:
        return dict(self.call(datasets.get_sample(dataset_id, sample_id)) or {})

    def delete_samples(self, dataset_id: str, sample_ids: list[str], *, delete_source: bool = False) -> dict[str, Any]:
        """Delete samples in bulk: ``{success, results: [{success, error_code, error_msg}]}``."""
        return dict(self.call(datasets.delete_samples(dataset_id, list(sample_ids), delete_source)) or {})

    # ---- import tasks -----------------------------------------------------------------------------------------
    def list_import_tasks(self, dataset_id: str, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """Every import task of a dataset (newest first)."""
        return list(self.iterate(datasets.list_import_tasks(dataset_id),
                                 _pager(datasets.IMPORT_TASK_PAGER, page_size)))

    def latest_import_tasks(self, dataset_id: str, count: int = 10) -> list[dict[str, Any]]:
        """The newest ``count`` import tasks (one request)."""
        req = _pager(datasets.IMPORT_TASK_PAGER, count).request(datasets.list_import_tasks(dataset_id), 0)
        return list((self.call(req) or {}).get("import_tasks") or [])

    def create_import_task(self, dataset_id: str, body: dict[str, Any]) -> str:
        """Start an import; its ``task_id``."""
        return str((self.call(datasets.create_import_task(dataset_id, body)) or {})["task_id"])

    def get_import_task(self, dataset_id: str, task_id: str) -> dict[str, Any]:
        return dict(self.call(datasets.get_import_task(dataset_id, task_id)) or {})

    # ---- export tasks -----------------------------------------------------------------------------------------
    def list_export_tasks(self, dataset_id: str, *, export_type: int | None = None,
                          page_size: int | None = None) -> list[dict[str, Any]]:
        """Every export task of a dataset (newest first)."""
        return list(self.iterate(datasets.list_export_tasks(dataset_id, export_type=export_type),
                                 _pager(datasets.EXPORT_TASK_PAGER, page_size)))

    def latest_export_tasks(self, dataset_id: str, count: int = 10) -> list[dict[str, Any]]:
        """The newest ``count`` export tasks (one request)."""
        req = _pager(datasets.EXPORT_TASK_PAGER, count).request(datasets.list_export_tasks(dataset_id), 0)
        return list((self.call(req) or {}).get("export_tasks") or [])

    def create_export_task(self, dataset_id: str, body: dict[str, Any]) -> str:
        """Start an export; its ``task_id``."""
        return str((self.call(datasets.create_export_task(dataset_id, body)) or {})["task_id"])

    def get_export_task(self, dataset_id: str, task_id: str) -> dict[str, Any]:
        return dict(self.call(datasets.get_export_task(dataset_id, task_id)) or {})

    # ---- labeling (team) tasks --------------------------------------------------------------------------------
    def list_label_tasks(self, dataset_id: str, *, page_size: int | None = None) -> list[dict[str, Any]]:
        """Every team labeling task of a dataset."""
        return list(self.iterate(datasets.list_label_tasks(dataset_id),
                                 _pager(datasets.LABEL_TASK_PAGER, page_size)))

    def create_label_task(self, dataset_id: str, body: dict[str, Any]) -> str:
        """Create a team labeling task; its ``task_id``."""
        return str((self.call(datasets.create_label_task(dataset_id, body)) or {})["task_id"])

    def get_label_task(self, dataset_id: str, task_id: str) -> dict[str, Any]:
        return dict(self.call(datasets.get_label_task(dataset_id, task_id)) or {})
