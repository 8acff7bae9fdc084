"""Data management operators (SDK reference §7): datasets, import and export tasks, versions, samples, labeling
tasks, and building a manifest from an OBS folder.

Every operator validates its rendered arguments before any request (``AirflowFailException`` naming the field
and the fix), reattaches instead of creating twice on a retry, and pushes the stable XCom keys its docstring
lists (module constants ``DATASET_ID``, ``IMPORT_TASK_ID``, ``EXPORT_TASK_ID``, ``VERSION_ID``,
``LABEL_TASK_ID``); the request bodies are built by :mod:`airflow_provider_modelarts.specs.datasets`.

Data-aware scheduling: the import, export and build-manifest operators declare their ``obs://`` location as an
Airflow Asset (:func:`~airflow_provider_modelarts.assets.dataset_asset`) when the path is known when the DAG is
parsed, and, with ``asset_alias="..."``, also emit ``Asset(<rendered path>)`` through an ``AssetAlias`` at run
time (templated paths). Downstream DAGs use ``schedule=[dataset_asset("obs://bucket/export/")]`` or
``schedule=[AssetAlias("...")]``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from airflow_provider_modelarts.assets import ObsAssetMixin
from airflow_provider_modelarts.assets import dataset_asset as dataset_asset  # where DAGs import it from
from airflow_provider_modelarts.client.obs_paths import to_obs_url
from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID
from airflow_provider_modelarts.lineage import OpenLineageMixin
from airflow_provider_modelarts.links.datasets import ModelArtsDatasetLink
from airflow_provider_modelarts.operators.base import (
    ModelArtsBaseOperator,
    ModelArtsDeleteOperator,
    ModelArtsResourceOperator,
)
from airflow_provider_modelarts.specs.datasets import (
    CLOCK_SKEW_MS,
    DATASET_ARGS,
    VERSION_ARGS,
    build_dataset_body,
    build_dataset_update_body,
    build_export_body,
    build_import_body,
    build_label_task_body,
    build_version_body,
    clean,
    export_result,
    export_type_problem,
    failed_samples,
    import_mode_problem,
    import_result,
    label_objects,
    manifest_file_problem,
    same_export,
    same_import,
    samples_to_delete,
    task_of_request,
)
from airflow_provider_modelarts.specs.naming import deterministic_name

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import WaitOutcome

PUBLISH_TOO_OFTEN = "ModelArts.4370"
EXPORT_REFUSED = ("ModelArts.4384", "ModelArts.4383")
#: The stable XCom keys the data management operators push (the table above).
DATASET_ID = "dataset_id"
IMPORT_TASK_ID = "import_task_id"
EXPORT_TASK_ID = "export_task_id"
VERSION_ID = "version_id"
LABEL_TASK_ID = "label_task_id"


# ---- helpers ---------------------------------------------------------------------------------------------------
def _run_started_ms(context: Context) -> int:
    """When the DAG run started (epoch ms): resources created since then may belong to this task instance."""
    start = getattr(context.get("dag_run"), "start_date", None)
    return int(start.timestamp() * 1000) if start is not None else 0


class _DatasetResourceOperator(ModelArtsResourceOperator):
    """A resource of a dataset, created and waited for: the dataset's console link, no remote log, and the ids
    ``{dataset_id, task_id}`` of an import, export or labeling task pushed as ``dataset_id`` and
    :attr:`task_id_key`.

    Its arguments are those of :class:`~airflow_provider_modelarts.operators.base.ModelArtsResourceOperator`.
    """

    console_link = ModelArtsDatasetLink
    #: the XCom key a task's ``task_id`` is pushed as (empty: the ids are pushed as they are)
    task_id_key: ClassVar[str] = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        #: when the create was sent (epoch ms): the start of the window a lost reply is looked for in
        self._sent_ms: int | None = None

    def mark_sent(self) -> None:
        """Remember when the create is sent (the start of the window a lost reply is looked for in)."""
        self._sent_ms = int(time.time() * 1000)

    def push_ids(self, context: Context, ids: Mapping[str, Any]) -> None:
        if self.task_id_key:
            ids = {DATASET_ID: ids[DATASET_ID], self.task_id_key: ids["task_id"]}
        super().push_ids(context, ids)


# ---- datasets ------------------------------------------------------------------------------------------------
class ModelArtsCreateDatasetOperator(_DatasetResourceOperator):
    """Create a dataset (``POST /v2/{project_id}/datasets``) and wait until it is normal (status 1) (SDK
    reference 7.1.2; the data arguments are templated).

    :param work_path: the OBS work folder (``obs://bucket/work/``, ``/bucket/work/`` or the SDK's ``{type, path}``).
    :param dataset_name: 1-100 letters, digits, ``_``, ``-`` (default ``<task_id>-<run key>``).
    :param data_type: create by data type: ``IMAGE``, ``TEXT``, ``AUDIO``, ``TABLE``, ``VIDEO`` or ``PLAIN``
        (sent as the documented ``dataset_type`` 0, 100, 200, 400, 600, 900: the REST create has no ``data_type``);
        exactly one of ``data_type`` and ``dataset_type``.
    :param dataset_type: the labeling type code (0, 1, 3, 100, 101, 102, 200, 201, 202, 400, 600, 900).
    :param data_sources: required (OTC api-ref, SDK reference 7.1.2): the SDK's ``{type, path, annotation_config,
        with_column_header, content_info}``, a list of one, or just an OBS path; the service syncs the folder at
        creation (an import pushed as ``import_task_id`` and waited for; an empty folder syncs nothing).
    :param labels: label names or ``{name, type, property}`` objects (text triplets need relation labels).
    :param schema: the columns of a table dataset, ``[{schema_id, name, type}]``.
    :param description: the dataset's description.
    :param import_annotations: import the labels of the data source.
    :param data_format: REST option ``data_format``.
    :param workspace_id: the workspace the dataset belongs to.

    ``action_if_exists``: ``reattach`` (default) reuses a dataset that already has this name, ``fail`` fails,
    ``new`` always sends the create (the service refuses a duplicate name). An import started by ``data_sources``
    that fails fails the task. XCom: ``dataset_id``, ``import_task_id``. Returns a summary (``dataset_id``,
    ``dataset_name``, ``dataset_type``, ``status``, counts, ``import_task_id`` and the import's counts).
    """

    resource_kind = "dataset"
    template_fields: Sequence[str] = ("dataset_name", "data_type", "dataset_type", "work_path", "data_sources",
                                      "labels", "schema", "description")
    template_fields_renderers = {"data_sources": "json", "labels": "json", "schema": "json"}
    xcom_keys = (DATASET_ID, IMPORT_TASK_ID)

    def __init__(self, *, work_path: Any, dataset_name: str | None = None, data_type: str | None = None,
                 dataset_type: int | str | None = None, data_sources: Any = None, labels: list[Any] | None = None,
                 schema: list[dict[str, Any]] | None = None, description: str | None = None,
                 import_annotations: bool | None = None, data_format: str | None = None,
                 workspace_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_name = dataset_name
        self.data_type = data_type
        self.dataset_type = dataset_type
        self.work_path = work_path
        self.data_sources = data_sources
        self.labels = labels
        self.schema = schema
        self.description = description
        self.import_annotations = import_annotations
        self.data_format = data_format
        self.workspace_id = workspace_id

    def prepare(self, context: Context) -> dict[str, Any]:
        args = {k: getattr(self, k) for k in DATASET_ARGS}
        if args["labels"]:
            args["labels"] = label_objects(args["labels"])
        return build_dataset_body(args, name=deterministic_name(context, max_len=100))

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.hook.create_dataset(body)
        return clean({"dataset_id": answer["dataset_id"], "import_task_id": answer.get("import_task_id")})

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        found = self.hook.find_datasets_by_name(body["dataset_name"])
        if not found:
            return None
        return clean({"dataset_id": found[0]["dataset_id"], "import_task_id": found[0].get("import_task_id")})

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        summary = dict(outcome.summary)
        task_id = summary.get("import_task_id") or (self.remote_ids or {}).get("import_task_id")
        if task_id:
            from airflow_provider_modelarts.client.resources import IMPORT_SUMMARY

            task = self.hook.get_import_task(summary["dataset_id"], task_id)
            if task.get("status") == "FAILED":
                raise AirflowException(f"Dataset {summary['dataset_id']} was created, but the import of its data "
                                       f"source {task.get('import_path')} failed: {task.get('error_code')} "
                                       f"{task.get('error_msg')}")
            summary["import_task_id"] = task_id
            summary["import"] = {k: task.get(k) for k in IMPORT_SUMMARY if k in task}
        return summary


class ModelArtsUpdateDatasetOperator(ModelArtsBaseOperator):
    """Rename a dataset, change its description or current version, add/update/delete labels
    (``PUT /v2/{project_id}/datasets/{dataset_id}``). Returns ``{"dataset_id"}``.

    :param dataset_id: the dataset (templated)
    :param dataset_name: new name
    :param description: new description.
    :param current_version_id: version to make current
    :param add_labels: label names or ``{name, type, property}`` objects to add.
    :param update_labels: label names or ``{name, type, property}`` objects to change.
    :param delete_labels: label names or ``{name, type, property}`` objects to delete.

    XCom: ``dataset_id``.
    """

    template_fields: Sequence[str] = ("dataset_id", "dataset_name", "description", "current_version_id",
                                      "add_labels", "update_labels", "delete_labels")
    id_args = ("dataset_id",)
    xcom_keys = (DATASET_ID,)

    def __init__(self, *, dataset_id: str, dataset_name: str | None = None, description: str | None = None,
                 current_version_id: str | None = None, add_labels: list[Any] | None = None,
                 update_labels: list[Any] | None = None, delete_labels: list[Any] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.dataset_name = dataset_name
        self.description = description
        self.current_version_id = current_version_id
        self.add_labels = add_labels
        self.update_labels = update_labels
        self.delete_labels = delete_labels

    def run(self, context: Context) -> Any:
        body = build_dataset_update_body({k: getattr(self, k) for k in (
            "dataset_id", "dataset_name", "description", "current_version_id", "add_labels", "update_labels",
            "delete_labels")})
        self.hook.update_dataset(self.dataset_id, body)
        ids = {DATASET_ID: self.dataset_id}
        self.push_ids(context, ids)
        return ids


class ModelArtsDeleteDatasetOperator(ModelArtsDeleteOperator):
    """Delete a dataset (``DELETE /v2/{project_id}/datasets/{dataset_id}``).

    :param dataset_id: the dataset (templated).
    """

    id_args = ("dataset_id",)
    what = "Dataset"

    def __init__(self, *, dataset_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id

    def delete(self) -> Any:
        return self.hook.delete_dataset(self.dataset_id)


# ---- import / export tasks -----------------------------------------------------------------------------------
class _DatasetTaskOperator(OpenLineageMixin, ObsAssetMixin, _DatasetResourceOperator):
    """Shared shape of the import and export operators: ids ``{dataset_id, task_id}``, the XCom key
    :attr:`task_id_key`, reattach to the newest task of the same request, and the OBS asset.

    Import and export tasks have no name: after a create whose reply was lost, the task is recognised by listing
    the dataset's newest tasks (one request) and taking the newest one whose request fields match what was sent
    (:attr:`same_request`) and that was created since the create was sent (less :data:`CLOCK_SKEW_MS`); only when
    none matches is the create sent again.
    """

    path_field: ClassVar[str] = ""
    #: whether a listed task answers a create body (``specs.datasets.same_import``/``same_export``)
    same_request: ClassVar[Callable[[Mapping[str, Any], Mapping[str, Any]], bool]]

    def _same_task(self, context: Context, tasks: list[dict[str, Any]], body: Mapping[str, Any]
                   ) -> dict[str, Any] | None:
        return task_of_request(self.kind, tasks, body, type(self).same_request, sent_ms=self._sent_ms,
                               run_started_ms=_run_started_ms(context))

    def failure_text(self, outcome: WaitOutcome) -> str:
        s = outcome.summary
        return (f"{self.kind.replace('_', ' ')} {outcome.ids.get('task_id')} of dataset "
                f"{outcome.ids.get('dataset_id')} ({s.get(self.path_field)}) ended {outcome.status}: "
                f"{s.get('error_code') or ''} {s.get('error_msg') or outcome.message}".rstrip())


class ModelArtsImportDatasetOperator(_DatasetTaskOperator):
    """Import data into a dataset from OBS (``POST .../import-tasks``) and wait for it (SDK reference 7.4.2).

    :param dataset_id: the dataset (templated).
    :param import_path: an OBS folder (directory import) or the exact ``.manifest`` file (manifest import).
    :param import_type: ``dir`` or ``manifest`` (default: from the path).
    :param annotation_config: the SDK's AnnotationConfig: None (default) does not import labels; ``{}`` imports
        a manifest's labels; ``{"scene", "format_name", "parameters"}`` imports labels in that format (validated,
        sent as the documented ``import_annotations``/``included_labels``/``difficult_only``/``label_format``).
    :param import_annotations: override whether labels are imported (folder labels of image/sound
        classification, manifest labels).
    :param with_column_header: table datasets: the first row is the header.
    :param included_labels: label names (or Label objects): only samples with these labels are imported.
    :param excluded_labels: label names (or Label objects): samples with these labels are not imported.
    :param difficult_only: REST option ``difficult_only``: import only the samples marked difficult.
    :param final_annotation: REST option ``final_annotation``.
    :param import_folder: REST option ``import_folder``.
    :param import_origin: REST option ``import_origin``.
    :param allow_empty: a completed import of zero samples is a success (default: it fails the task).
    :param asset_alias: also emit the import location through this ``AssetAlias`` (templated paths).

    The dataset is read first: a directory import into a type without one (SDK reference 7.4.2 table 7-19: named
    entity, triplet, speech content/segmentation, video, free format) or a manifest import into a table dataset
    fails the task before the import is requested.

    XCom: ``dataset_id``, ``import_task_id``. Returns the import's counts (``imported_sample_count``,
    ``annotated_sample_count``, ``total_sample_count``, ``total_file_count``) and ``import_path``. A retry
    reattaches to the import this task started (task state store; else the dataset's newest import of the same
    path when it is running or was created during this DAG run).
    """

    resource_kind = "import_task"
    task_id_key = IMPORT_TASK_ID
    xcom_keys = (DATASET_ID, IMPORT_TASK_ID)
    lineage_inputs = ("import_path",)  # OpenLineage datasets
    path_field = "import_path"
    same_request = staticmethod(same_import)
    template_fields: Sequence[str] = ("dataset_id", "import_path", "import_type", "annotation_config",
                                      "included_labels", "excluded_labels")
    template_fields_renderers = {"annotation_config": "json"}

    def __init__(self, *, dataset_id: str, import_path: str, import_type: str | None = None,
                 annotation_config: dict[str, Any] | None = None, import_annotations: bool | None = None,
                 with_column_header: bool | None = None, included_labels: list[Any] | None = None,
                 excluded_labels: list[Any] | None = None, difficult_only: bool | None = None,
                 final_annotation: bool | None = None, import_folder: str | None = None,
                 import_origin: str | None = None, allow_empty: bool = False, asset_alias: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.import_path = import_path
        self.import_type = import_type
        self.annotation_config = annotation_config
        self.import_annotations = import_annotations
        self.with_column_header = with_column_header
        self.included_labels = included_labels
        self.excluded_labels = excluded_labels
        self.difficult_only = difficult_only
        self.final_annotation = final_annotation
        self.import_folder = import_folder
        self.import_origin = import_origin
        self.allow_empty = allow_empty
        self.declare_obs_asset(import_path, asset_alias)

    def prepare(self, context: Context) -> dict[str, Any]:
        args = {k: getattr(self, k) for k in (
            "dataset_id", "import_path", "import_type", "annotation_config", "import_annotations",
            "with_column_header", "included_labels", "excluded_labels", "difficult_only", "final_annotation",
            "import_folder", "import_origin")}
        return build_import_body(args)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        dataset = self.hook.get_dataset(self.dataset_id)
        problem = import_mode_problem(dataset.get("dataset_type"), body["import_type"])
        if problem:
            raise AirflowFailException(f"Dataset {dataset.get('dataset_name')} ({self.dataset_id}): {problem}")
        self.mark_sent()
        return {"dataset_id": self.dataset_id, "task_id": self.hook.create_import_task(self.dataset_id, body)}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        task = self._same_task(context, self.hook.latest_import_tasks(self.dataset_id), body)
        return {"dataset_id": self.dataset_id, "task_id": task["task_id"]} if task else None

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        s = outcome.summary
        result = import_result(outcome.ids, outcome.status, s, self.import_path)
        if not result.get("imported_sample_count") and not self.allow_empty:
            raise AirflowFailException(
                f"Import task {result['import_task_id']} of dataset {result['dataset_id']} completed but imported 0 "
                f"samples from {result['import_path']} ({s.get('total_file_count') or 0} files seen). Check the "
                "path and the file types, or set allow_empty=True if an empty import is expected.")
        self.emit_obs_asset(context, result["import_path"], result)
        return result


class ModelArtsExportDatasetOperator(_DatasetTaskOperator):
    """Export a dataset's samples to OBS or to a new dataset (``POST .../export-tasks``) and wait (SDK 7.5.2).

    Only image classification (0), object detection (1), image segmentation (3) and free format (900) datasets can
    be exported: another type fails the task with that explanation before the export is requested.

    :param dataset_id: the dataset (templated).
    :param path: OBS output folder (``obs://bucket/export/``); the service writes ``{path}Data/<name>.manifest``.
    :param export_type: 0 labelled, 1 unlabelled, 2 all (default), 3 by condition (``sample_state``/``samples``).
    :param export_format: 1 tree, 2 tile (default)
    :param version_id: export this version's snapshot.
    :param version_format: ``Default``, ``CarbonData``, ``CSV``
    :param sample_state: ``__ALL__``, ``__NONE__`` ...
    :param annotation_format: ``VOC`` or ``COCO``
    :param source_type_header: ``obs://`` (default) or ``s3://``.
    :param with_column_header: table exports
    :param samples: sample ids (``export_type=3``).
    :param export_dest: ``DIR`` (default) or ``NEW_DATASET``; then ``new_dataset_name`` (required) and
        ``new_dataset_work_path``.
    :param new_dataset_name: the new dataset's name (``export_dest="NEW_DATASET"``).
    :param new_dataset_work_path: the new dataset's OBS work folder (``export_dest="NEW_DATASET"``).
    :param export_params: further ``export_params`` fields.
    :param asset_alias: also emit the export location through this ``AssetAlias`` (templated paths).

    XCom: ``dataset_id``, ``export_task_id``. Returns ``path``, ``manifest_path``, the counts and, for
    ``NEW_DATASET``, ``new_dataset_id``.
    """

    resource_kind = "export_task"
    lineage_outputs = ("path",)  # OpenLineage datasets
    task_id_key = EXPORT_TASK_ID
    xcom_keys = (DATASET_ID, EXPORT_TASK_ID)
    path_field = "path"
    same_request = staticmethod(same_export)
    template_fields: Sequence[str] = ("dataset_id", "path", "export_type", "version_id", "sample_state",
                                      "new_dataset_name", "new_dataset_work_path", "samples", "export_params")
    template_fields_renderers = {"export_params": "json"}

    def __init__(self, *, dataset_id: str, path: str, export_type: int | str | None = None,
                 export_format: int | str | None = None, version_id: str | None = None,
                 version_format: str | None = None, sample_state: str | None = None,
                 annotation_format: str | None = None, source_type_header: str | None = None,
                 with_column_header: bool | None = None, samples: list[str] | None = None,
                 export_dest: str = "DIR", new_dataset_name: str | None = None,
                 new_dataset_work_path: str | None = None, export_params: dict[str, Any] | None = None,
                 asset_alias: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.path = path
        self.export_type = export_type
        self.export_format = export_format
        self.version_id = version_id
        self.version_format = version_format
        self.sample_state = sample_state
        self.annotation_format = annotation_format
        self.source_type_header = source_type_header
        self.with_column_header = with_column_header
        self.samples = samples
        self.export_dest = export_dest
        self.new_dataset_name = new_dataset_name
        self.new_dataset_work_path = new_dataset_work_path
        self.export_params = export_params
        self.declare_obs_asset(path, asset_alias)

    def prepare(self, context: Context) -> dict[str, Any]:
        args = {k: getattr(self, k) for k in (
            "dataset_id", "path", "export_type", "export_format", "version_id", "version_format", "sample_state",
            "annotation_format", "source_type_header", "with_column_header", "samples", "export_dest",
            "export_params")}
        args["export_new_dataset_name"] = self.new_dataset_name
        args["export_new_dataset_work_path"] = self.new_dataset_work_path
        return build_export_body(args)

    def check_exportable(self) -> dict[str, Any]:
        """The dataset; ``AirflowFailException`` when its type cannot be exported."""
        dataset = self.hook.get_dataset(self.dataset_id)
        problem = export_type_problem(dataset.get("dataset_type"))
        if problem:
            raise AirflowFailException(f"Dataset {dataset.get('dataset_name')} ({self.dataset_id}) is {problem}")
        return dataset

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        from airflow_provider_modelarts.client.errors import ModelArtsApiError

        self.check_exportable()
        self.mark_sent()
        try:
            task_id = self.hook.create_export_task(self.dataset_id, body)
        except ModelArtsApiError as exc:
            if exc.error_code in EXPORT_REFUSED:
                raise AirflowFailException(f"ModelArts refused the export of dataset {self.dataset_id}: "
                                           f"{exc.error_code} {exc.error_msg}") from None
            raise
        return {"dataset_id": self.dataset_id, "task_id": task_id}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        task = self._same_task(context, self.hook.latest_export_tasks(self.dataset_id), body)
        return {"dataset_id": self.dataset_id, "task_id": task["task_id"]} if task else None

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        s = outcome.summary
        dataset = self.hook.get_dataset(outcome.ids["dataset_id"])
        result = export_result(outcome.ids, outcome.status, s, self.path, dataset.get("dataset_name"))
        params = s.get("export_params") or {}
        if params.get("export_dest") == "NEW_DATASET":
            found = self.hook.find_datasets_by_name(str(params.get("export_new_dataset_name")))
            result["new_dataset_id"] = found[0]["dataset_id"] if found else None
        self.emit_obs_asset(context, result["path"], result)
        return result


# ---- versions ------------------------------------------------------------------------------------------------
class ModelArtsCreateDatasetVersionOperator(_DatasetResourceOperator):
    """Publish a dataset version (``POST .../versions``) and wait until it is usable (status 1) (SDK 7.2.2).

    :param dataset_id: the dataset (templated)
    :param version_name: 1-32 characters (default: the service's ``V001``, ``V002`` ...).
    :param version_format: ``Default``, ``CarbonData``, ``CSV``.
    :param description: the version's description (SDK argument).
    :param label_task_type: labeling type code (SDK argument, a cited exception of the REST table).
    :param label_task_id: publish from this labeling task (SDK argument, a cited exception of the REST table).
    :param train_evaluate_sample_ratio: training share, ``"0.80"`` (or 0.8).
    :param clear_hard_property: REST option.
    :param remove_sample_usage: REST option.
    :param export_images: REST option.
    :param with_column_header: REST option.

    ModelArts publishes at most one version per dataset per minute: a second publish fails the try with a clear
    ``ModelArts.4370`` message (retry after a minute, e.g. ``retry_delay=timedelta(minutes=1)``). A retry
    reattaches to the version this task published (state store; else the version of the same name, or the newest
    one created during this DAG run). XCom: ``dataset_id``, ``version_id``. Returns ``version_id``,
    ``version_name``, ``manifest_path`` (``obs://``), counts.
    """

    resource_kind = "dataset_version"
    template_fields: Sequence[str] = ("dataset_id", "version_name", "description", "label_task_id",
                                      "train_evaluate_sample_ratio")
    xcom_keys = (DATASET_ID, VERSION_ID)

    def __init__(self, *, dataset_id: str, version_name: str | None = None, version_format: str | None = None,
                 description: str | None = None, label_task_type: int | str | None = None,
                 label_task_id: str | None = None, train_evaluate_sample_ratio: str | float | None = None,
                 clear_hard_property: bool | None = None, remove_sample_usage: bool | None = None,
                 export_images: bool | None = None, with_column_header: bool | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.version_name = version_name
        self.version_format = version_format
        self.description = description
        self.label_task_type = label_task_type
        self.label_task_id = label_task_id
        self.train_evaluate_sample_ratio = train_evaluate_sample_ratio
        self.clear_hard_property = clear_hard_property
        self.remove_sample_usage = remove_sample_usage
        self.export_images = export_images
        self.with_column_header = with_column_header

    def prepare(self, context: Context) -> dict[str, Any]:
        return build_version_body({k: getattr(self, k) for k in VERSION_ARGS})

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        from airflow_provider_modelarts.client.errors import ModelArtsApiError

        self.mark_sent()
        try:
            return {"dataset_id": self.dataset_id,
                    "version_id": self.hook.create_dataset_version(self.dataset_id, body)}
        except ModelArtsApiError as exc:
            if exc.error_code == PUBLISH_TOO_OFTEN:
                raise AirflowException(
                    f"ModelArts publishes at most one version of a dataset per minute, and dataset {self.dataset_id} "
                    f"published one less than a minute ago ({exc.error_code}: {exc.error_msg}). Retry after a "
                    "minute (retry_delay >= 60 s) or space the version tasks out.") from None
            raise

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        versions = self.hook.latest_dataset_versions(self.dataset_id, 10)
        if body.get("version_name"):
            match = next((v for v in versions if v.get("version_name") == body["version_name"]), None)
        else:  # unnamed: the newest version created since the create was sent (lost reply) or during this run
            since = self._sent_ms - CLOCK_SKEW_MS if self._sent_ms is not None else _run_started_ms(context)
            newest = versions[0] if versions else None
            match = newest if newest and (newest.get("create_time") or 0) >= since else None
        return {"dataset_id": self.dataset_id, "version_id": match["version_id"]} if match else None

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        s = dict(outcome.summary)
        if s.get("manifest_path"):
            s["manifest_path"] = to_obs_url(str(s["manifest_path"]))
        return {"dataset_id": outcome.ids["dataset_id"], **s}

    def failure_text(self, outcome: WaitOutcome) -> str:
        s = outcome.summary
        return (f"Dataset version {s.get('version_name') or ''} {outcome.ids['version_id']} of dataset "
                f"{outcome.ids['dataset_id']} could not be published: {outcome.message}")


class ModelArtsDeleteDatasetVersionOperator(ModelArtsDeleteOperator):
    """Delete a dataset version (``DELETE .../versions/{version_id}``).

    :param dataset_id: the dataset (templated).
    :param version_id: the version (templated).
    """

    id_args = ("dataset_id", "version_id")

    def __init__(self, *, dataset_id: str, version_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.version_id = version_id

    def describe(self) -> str:
        return f"Version {self.version_id} of dataset {self.dataset_id}"

    def delete(self) -> Any:
        return self.hook.delete_dataset_version(self.dataset_id, self.version_id)


# ---- samples and labeling tasks --------------------------------------------------------------------------------
class ModelArtsDeleteSamplesOperator(ModelArtsBaseOperator):
    """Delete samples in bulk (``POST .../data-annotations/samples/delete``) (SDK reference 7.3.3).

    :param dataset_id: the dataset (templated).
    :param sample_ids: the sample ids (templated), or None to select them with ``sample_state``/``label_name``
        (e.g. ``sample_state="__NONE__"`` deletes every unlabelled sample).
    :param sample_state: selection when ``sample_ids`` is None.
    :param label_name: selection when ``sample_ids`` is None.
    :param delete_source: also delete the OBS objects.
    :param ignore_missing: ids that do not exist are skipped (logged) instead of failing the task.

    Returns ``{"dataset_id", "deleted", "failed": [{sample_id, error_code, error_msg}]}``.
    """

    template_fields: Sequence[str] = ("dataset_id", "sample_ids", "sample_state", "label_name")
    id_args = ("dataset_id",)

    def __init__(self, *, dataset_id: str, sample_ids: list[str] | str | None = None,
                 sample_state: str | None = None, label_name: str | None = None, delete_source: bool = False,
                 ignore_missing: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.sample_ids = sample_ids
        self.sample_state = sample_state
        self.label_name = label_name
        self.delete_source = delete_source
        self.ignore_missing = ignore_missing

    def run(self, context: Context) -> Any:
        ids = samples_to_delete(self.sample_ids, sample_state=self.sample_state, label_name=self.label_name)
        if ids is None:
            ids = [s["sample_id"] for s in self.hook.list_samples(self.dataset_id, sample_state=self.sample_state,
                                                                  label_name=self.label_name)]
        if not ids:
            self.log.info("No sample to delete in dataset %s", self.dataset_id)
            return {"dataset_id": self.dataset_id, "deleted": 0, "failed": []}
        failed = failed_samples(ids, self.hook.delete_samples(self.dataset_id, ids, delete_source=self.delete_source))
        if failed and not self.ignore_missing:
            raise AirflowException(f"{len(failed)} of {len(ids)} samples of dataset {self.dataset_id} were not "
                                   f"deleted: {failed[:5]}")
        for item in failed:
            self.log.info("Sample %s not deleted: %s %s", item["sample_id"], item["error_code"], item["error_msg"])
        return {"dataset_id": self.dataset_id, "deleted": len(ids) - len(failed), "failed": failed}


class ModelArtsCreateLabelTaskOperator(_DatasetResourceOperator):
    """Create a team labeling task on a dataset (``POST .../workforce-tasks``) and wait until it has started
    (SDK reference 7.7.1).

    :param dataset_id: the dataset (templated).
    :param task_name: 1-64 letters, digits, ``_``, ``-`` (default ``<task_id>-<run key>``); an existing task of
        that name is reattached to.
    :param task_type: labeling type code (SDK reference 7.7.1; a cited exception of the REST table).
    :param description: SDK 7.7.1 (0-256 characters without ``^!<>=&"'``, as the task update documents).
    :param repetition: REST option.
    :param workforces_config: REST option.
    :param sample_conditions: REST option.
    :param auto_sync_dataset: REST option.
    :param synchronize_data: REST option.
    :param data_sync_type: REST option.

    XCom: ``dataset_id``, ``label_task_id``. Returns the task's id, name, status and statistics.
    """

    resource_kind = "label_task"
    template_fields: Sequence[str] = ("dataset_id", "task_name", "description", "workforces_config")
    template_fields_renderers = {"workforces_config": "json"}
    task_id_key = LABEL_TASK_ID
    xcom_keys = (DATASET_ID, LABEL_TASK_ID)
    ARGS = ("dataset_id", "task_name", "task_type", "description", "repetition", "workforces_config",
            "sample_conditions", "auto_sync_dataset", "synchronize_data", "data_sync_type")

    def __init__(self, *, dataset_id: str, task_name: str | None = None, task_type: int | str | None = None,
                 description: str | None = None, repetition: int | None = None,
                 workforces_config: dict[str, Any] | None = None, sample_conditions: str | None = None,
                 auto_sync_dataset: bool | None = None, synchronize_data: bool | None = None,
                 data_sync_type: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dataset_id = dataset_id
        self.task_name = task_name
        self.labeling_type = task_type  # BaseOperator.task_type is the operator class name
        self.description = description
        self.repetition = repetition
        self.workforces_config = workforces_config
        self.sample_conditions = sample_conditions
        self.auto_sync_dataset = auto_sync_dataset
        self.synchronize_data = synchronize_data
        self.data_sync_type = data_sync_type

    def prepare(self, context: Context) -> dict[str, Any]:
        args = {k: getattr(self, k) for k in self.ARGS if k != "task_type"}
        args["task_type"] = self.labeling_type
        args["task_name"] = args["task_name"] or deterministic_name(context)
        return build_label_task_body(args)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "task_id": self.hook.create_label_task(self.dataset_id, body)}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        match = next((t for t in self.hook.list_label_tasks(self.dataset_id)
                      if t.get("task_name") == body["task_name"]), None)
        return {"dataset_id": self.dataset_id, "task_id": match["task_id"]} if match else None

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        return {DATASET_ID: outcome.ids["dataset_id"], LABEL_TASK_ID: outcome.ids["task_id"], **outcome.summary}


# ---- manifests ------------------------------------------------------------------------------------------------
class ModelArtsBuildManifestOperator(ObsAssetMixin, BaseOperator):
    """Write a ModelArts manifest listing every file of an OBS folder, with labels (no ModelArts call).

    :param source_folder: ``obs://bucket/images/`` (templated).
    :param manifest_path: where to write it: ``obs://...`` or a local path (templated).
    :param labels: ``"folders"`` (default: the first sub-folder is the label, ImageNet layout), a mapping of a
        relative file or sub-folder (ending ``/``) to a label name or names (templated), or None.
    :param label_type: manifest label type or dataset type code (default 0, image classification).
    :param extensions: file endings to keep (default images; None: every file)
    :param usage: ``TRAIN`` ...
    :param source_scheme: ``obs://`` or ``s3://`` in the ``source`` of every line.
    :param save_mode: ``w`` or ``a``
    :param allow_empty: an empty folder is a success (default: it fails).
    :param asset_alias: also emit the manifest location through this ``AssetAlias``.
    :param modelarts_conn_id: the ``modelarts`` connection (for ``obs://`` folders and manifests).

    Returns ``{"manifest_path", "sample_count", "labels"}``; feed ``manifest_path`` to
    :class:`ModelArtsImportDatasetOperator` (with ``annotation_config={}`` to import the labels).
    """

    template_fields: Sequence[str] = ("source_folder", "manifest_path", "labels", "usage", "modelarts_conn_id")
    template_fields_renderers = {"labels": "json"}

    def __init__(self, *, source_folder: str, manifest_path: str, labels: Any = "folders",
                 label_type: int | str = 0, extensions: Sequence[str] | None = (".jpg", ".jpeg", ".png", ".bmp"),
                 usage: str | None = None, source_scheme: str = "obs://", save_mode: str = "w",
                 allow_empty: bool = False, asset_alias: str | None = None,
                 modelarts_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source_folder = source_folder
        self.manifest_path = manifest_path
        self.labels = labels
        self.label_type = label_type
        self.extensions = extensions
        self.usage = usage
        self.source_scheme = source_scheme
        self.save_mode = save_mode
        self.allow_empty = allow_empty
        self.modelarts_conn_id = modelarts_conn_id
        self.declare_obs_asset(manifest_path if str(manifest_path).startswith("obs://") else None, asset_alias)

    def execute(self, context: Context) -> Any:
        from airflow_provider_modelarts.hooks.obs import OBSHook
        from airflow_provider_modelarts.utils.manifest import ManifestError, write_folder_manifest

        problem = manifest_file_problem(self.manifest_path)  # checked before anything is listed
        if problem:
            raise AirflowFailException(problem)
        try:
            result = write_folder_manifest(
                self.source_folder, self.manifest_path, obs_hook=OBSHook(self.modelarts_conn_id),
                save_mode=self.save_mode, allow_empty=self.allow_empty, labels=self.labels or None,
                label_type=self.label_type, extensions=self.extensions, usage=self.usage,
                source_scheme=self.source_scheme)
        except ManifestError as exc:
            raise AirflowFailException(str(exc)) from None
        path, count = result["manifest_path"], result["sample_count"]
        self.log.info("Wrote %d samples (%d labels) to %s", count, len(result["labels"]), path)
        if str(path).startswith("obs://"):
            self.emit_obs_asset(context, str(path), {"manifest_path": path, "sample_count": count})
        return result
