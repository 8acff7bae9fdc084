"""Legacy (v1) training operators: jobs and versions, stop, delete, job configurations, visualization jobs.

Built on the shared machinery (:class:`~.base.ModelArtsResourceOperator`, the ``training_v1`` and
``visualization_job`` state tables and resource specs): validate before any call, reattach on retry, wait (sync
or deferred) while streaming the job log, stop the version on ``max_wait`` or kill.

v1 job names are unique per project. A job is named ``<task_id>-<run key>`` (stable across tries), so a retry
finds what an earlier try created with one ``search_content`` list call and reattaches when it is still running
or succeeded; when it failed, the new job is named ``<task_id>-<run key>-<n>``.

XCom keys: :data:`JOB_ID`, :data:`VERSION_ID`, :data:`JOB_NAME`, :data:`VERSION_NAME` (training); :data:`JOB_ID`,
:data:`JOB_NAME`, :data:`SERVICE_URL` (visualization). The return value is a compact summary with the status code
and its meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.sdk.exceptions import AirflowException

from airflow_provider_modelarts.lineage import OpenLineageMixin
from airflow_provider_modelarts.links.training_v1 import ModelArtsTrainingJobV1Link, ModelArtsVisualizationJobLink
from airflow_provider_modelarts.operators.base import (
    ModelArtsActionOperator,
    ModelArtsBaseOperator,
    ModelArtsDeleteOperator,
    ModelArtsLogStreamingOperator,
    ModelArtsResourceOperator,
)
from airflow_provider_modelarts.specs.naming import deterministic_name, run_key
from airflow_provider_modelarts.specs.training_v1 import (
    NAME_MAX,
    V1_CONFIG_ARGS,
    V1_ESTIMATOR_ARGS,
    V1_VERSION_ARGS,
    VIS_NAME_MAX,
    as_id,
    config_body,
    job_body,
    next_free_name,
    own_entries,
    own_version,
    version_body,
    visualization_body,
)

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import WaitOutcome

JOB_ID = "job_id"
VERSION_ID = "version_id"
JOB_NAME = "job_name"
VERSION_NAME = "version_name"
SERVICE_URL = "service_url"
NOT_ALLOWED = "ModelArts.0105"  # "This job can't be stop. job status: 10" and the like


def run_marker(context: Context) -> str:
    """``[airflow-run:<run key>]``: what a version create's ``job_desc`` ends with (one task instance, every try)."""
    return f"[airflow-run:{run_key(context)}]"


class _UniqueNameMixin:
    """Creates of resources whose names are unique (v1 jobs, visualization jobs): a retry's create collides with
    the earlier try's resource (``ModelArts.0103``); it is reattached to when alive, else a free name is taken."""

    resource_kind: ClassVar[str]
    name_key: ClassVar[str] = "job_name"
    log: Any

    def lookup_named(self, base: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    def ids_of_entry(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def create_unique(self, body: dict[str, Any], post: Callable[[dict[str, Any]], dict[str, Any]],
                      base: str | None) -> dict[str, Any]:
        """POST ``body``; on a name collision with a deterministic ``base``, reattach or take the next name."""
        from airflow_provider_modelarts.client.errors import ModelArtsConflictError
        from airflow_provider_modelarts.client.states import FAILURE, STOPPED, classify

        try:
            return post(body)
        except ModelArtsConflictError:
            if base is None:  # a name the user chose: the collision is theirs to resolve
                raise
        own = own_entries(self.lookup_named(base), base)
        if own and classify(self.resource_kind, own[0]).state not in (FAILURE, STOPPED):
            self.log.info("%s %s already exists (created by an earlier try); reattaching", self.resource_kind,
                          own[0].get(self.name_key))
            return self.ids_of_entry(own[0])
        body = {**body, self.name_key: next_free_name(base, own)}
        self.log.info("An earlier try's %s ended; creating %s", self.resource_kind, body[self.name_key])
        return post(body)

    def find_own(self, base: str | None) -> dict[str, Any] | None:
        """The newest resource an earlier try of this task instance created (one list call), or None."""
        if base is None:
            return None
        own = own_entries(self.lookup_named(base), base)
        return self.ids_of_entry(own[0]) if own else None


# ---- training jobs and versions ----------------------------------------------------------------------------------
class _V1EstimatorOperator(ModelArtsBaseOperator):
    """The Estimator arguments (SDK reference 9.1.1) that the v1 job, version and configuration creates all take,
    each documented on :class:`ModelArtsCreateTrainingJobV1Operator`: code_dir, boot_file, model_name,
    framework_type, framework_version, user_image_url, user_command, hyperparameters, output_path, log_url,
    inputs, dataset_id, dataset_version_id, data_source, train_instance_type, train_instance_count (default 1; a new
    version keeps its previous version's). A subclass adds those its request has too (``pool_id``, ``volumes``) and
    names them all in :attr:`estimator_args`.
    """

    #: the Estimator arguments the subclass's request takes (what :meth:`estimator` reads)
    estimator_args: ClassVar[tuple[str, ...]] = V1_CONFIG_ARGS

    def __init__(self, *, code_dir: str | None = None, boot_file: str | None = None, model_name: str | None = None,
                 framework_type: str | None = None, framework_version: str | None = None,
                 user_image_url: str | None = None, user_command: str | None = None, hyperparameters: Any = None,
                 output_path: str | None = None, log_url: str | None = None, inputs: str | None = None,
                 dataset_id: str | None = None, dataset_version_id: str | None = None,
                 data_source: list[dict[str, Any]] | None = None, train_instance_type: str | int | None = None,
                 train_instance_count: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.code_dir, self.boot_file, self.model_name = code_dir, boot_file, model_name
        self.framework_type, self.framework_version = framework_type, framework_version
        self.user_image_url, self.user_command = user_image_url, user_command
        self.hyperparameters, self.output_path, self.log_url = hyperparameters, output_path, log_url
        self.inputs, self.dataset_id, self.dataset_version_id = inputs, dataset_id, dataset_version_id
        self.data_source = data_source
        self.train_instance_type, self.train_instance_count = train_instance_type, train_instance_count

    def estimator(self) -> dict[str, Any]:
        """The (rendered) Estimator arguments of this request (:attr:`estimator_args`; unset ones None)."""
        return {a: getattr(self, a) for a in self.estimator_args}


class _TrainingV1Operator(OpenLineageMixin, _V1EstimatorOperator, ModelArtsLogStreamingOperator):
    """Shared waiting, XCom, link, log and failure handling of the v1 job/version operators."""

    resource_kind = "training_v1"
    lineage_inputs, lineage_outputs = ("inputs", "data_source", "code_dir"), ("output_path",)  # OpenLineage
    console_link = ModelArtsTrainingJobV1Link
    xcom_keys = (JOB_ID, VERSION_ID, JOB_NAME, VERSION_NAME)

    answer_keys = (JOB_NAME, VERSION_NAME)  # the versions create table answers both

    def created(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        """The ids of a job or version create's answer (its names kept for :meth:`push_ids`).

        :param answer: the answer of a job or version create.
        """
        return self.answered({JOB_ID: answer[JOB_ID], VERSION_ID: answer[VERSION_ID]}, answer)

    def read_values(self, ids: Mapping[str, Any]) -> Mapping[str, Any]:
        return self.hook.get_training_job_version_v1(ids[JOB_ID], ids[VERSION_ID])

    def wait(self, context: Context, ids: Mapping[str, Any]) -> Any:
        """Wait with the log of the first worker streamed (its name from one ``log/file-names`` call)."""
        if self.stream_logs:
            ids = {**ids, "log_file": self.hook.first_training_job_v1_log_file(
                ids[JOB_ID], ids[VERSION_ID], str((self.known or {}).get(JOB_NAME) or ""))}
        return super().wait(context, ids)

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        return {**outcome.summary, "status": outcome.status}

    def failure_text(self, outcome: WaitOutcome) -> str:
        from airflow_provider_modelarts.client.states import table

        s = outcome.summary
        return (f"Training job {s.get('job_name') or ''} (job_id {outcome.ids['job_id']}, version "
                f"{s.get('version_name') or ''} version_id {outcome.ids['version_id']}) ended {outcome.state} with "
                f"status {table('training_v1').describe(outcome.status)}")

    def read_log_tail(self, ids: Mapping[str, Any]) -> list[str]:
        return self.hook.get_training_job_v1_log_tail(ids[JOB_ID], ids[VERSION_ID])


class ModelArtsCreateTrainingJobV1Operator(_UniqueNameMixin, _TrainingV1Operator):
    """Create a legacy (v1) training job with its first version and wait for it (``POST /v1/{p}/training-jobs``).

    Estimator arguments (SDK reference 9.1.1), all templated; OBS paths as ``obs://b/d/`` or ``/b/d/``. The
    waiting arguments are those of :class:`~.base.ModelArtsLogStreamingOperator`; ``max_wait`` and killing the task
    stop the version. Succeeds on status 10; any failure code (3, 5, 6, 11, 12, 13, 14, 16, 17, 21, 22) fails the
    task with the code's name and meaning and the last log lines.

    :param job_name: the job's name (default ``<task_id>-<run key>``, stable across tries).
    :param job_description: its description.
    :param job_config: REST ``config`` fields merged over what the arguments produce.
    :param code_dir: the OBS folder of the code (with ``boot_file``, ``framework_type``, ``framework_version``).
    :param boot_file: the start script (in ``code_dir``, or an OBS path).
    :param model_name: a built-in algorithm (resolved to ``model_id``) instead of ``code_dir``.
    :param framework_type: the engine name (resolved with ``framework_version`` to ``engine_id``).
    :param framework_version: the engine version.
    :param user_image_url: a custom image (with ``user_command``) instead of ``code_dir``.
    :param user_command: the custom image's start command.
    :param hyperparameters: ``{name: value}`` or ``[{"label", "value"}]``.
    :param output_path: the OBS folder of the training output (required).
    :param log_url: an OBS folder for the job's log.
    :param inputs: the data as an OBS path (or ``dataset_id`` or ``data_source``).
    :param dataset_id: a dataset as input (with ``dataset_version_id``).
    :param dataset_version_id: the dataset's version.
    :param data_source: ``[{"type": "obs", "data_url"}]`` or ``[{"type": "dataset", "dataset_id",
        "dataset_version"}]``.
    :param train_instance_type: a flavor code (resolved to ``spec_id``) or a spec id.
    :param train_instance_count: the number of workers.
    :param pool_id: a dedicated resource pool (instead of ``train_instance_type``).
    :param volumes: volumes to mount (REST shape).
    """

    template_fields: Sequence[str] = (*V1_ESTIMATOR_ARGS, "job_name", "job_description", "job_config")
    template_fields_renderers = {"job_config": "json", "hyperparameters": "json", "data_source": "json"}
    estimator_args = V1_ESTIMATOR_ARGS

    def __init__(self, *, job_name: str | None = None, job_description: str | None = None,
                 job_config: dict[str, Any] | None = None, pool_id: str | None = None,
                 volumes: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_name = job_name
        self.job_description = job_description
        self.job_config = job_config
        self.pool_id, self.volumes = pool_id, volumes
        self._base_name: str | None = None

    def prepare(self, context: Context) -> dict[str, Any]:
        self._base_name = None if self.job_name else deterministic_name(context, max_len=NAME_MAX)
        return job_body(self.estimator(), self.job_config, job_name=self.job_name or str(self._base_name),
                        job_description=self.job_description)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        request = {k: v for k, v in body.items() if k != "lookups"}  # names resolved to ids instead
        request["config"] = self.hook.resolve_v1_config(body["config"], body["lookups"])
        return self.create_unique(request, self._post, self._base_name)

    def _post(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.created(self.hook.create_training_job_v1(request))

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        return self.find_own(self._base_name)

    def lookup_named(self, base: str) -> list[dict[str, Any]]:
        return self.hook.find_training_jobs_v1_by_name(base)

    def ids_of_entry(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """The job's first version (the one this operator created), from the list entry when it has one."""
        if int(entry.get("version_count") or 1) == 1:
            return {"job_id": entry["job_id"], "version_id": entry["version_id"]}
        versions = self.hook.list_training_job_versions_v1(entry["job_id"])
        return {"job_id": entry["job_id"], "version_id": min(int(v["version_id"]) for v in versions)}


class ModelArtsCreateTrainingJobVersionV1Operator(_TrainingV1Operator):
    """Create a new version of a v1 training job from ``pre_version_id`` and wait for it.

    The new version starts from the previous version's configuration, read with one ``GET`` of that version;
    the Estimator arguments given (those of :class:`ModelArtsCreateTrainingJobV1Operator`, all optional, but
    ``volumes``, which the versions table does not have) replace it, and a data or code source given replaces the
    previous one as a whole. The whole configuration is sent (the api-ref makes it Mandatory).

    Versions have no name. To find what this task instance created (a retry after the worker died, or a create
    whose reply was lost) the request's ``job_desc`` (the job's description, which the versions answer returns)
    ends with ``[airflow-run:<run key>]``; the lookup is one versions list: the newest version from
    ``pre_version_id`` while the job's description carries this run's key.

    :param job_id: the job (templated).
    :param pre_version_id: the version to start from (templated).
    :param job_description: a new job description (at most 229 characters: the run marker follows it); default:
        the job's current description.
    :param job_config: REST ``config`` fields merged over the previous version's.
    :param pool_id: a dedicated resource pool (instead of ``train_instance_type``).
    """

    template_fields: Sequence[str] = (*V1_VERSION_ARGS, "job_id", "pre_version_id", "job_description",
                                      "job_config")
    template_fields_renderers = {"job_config": "json", "hyperparameters": "json", "data_source": "json"}
    estimator_args = V1_VERSION_ARGS
    id_args = ("job_id", "pre_version_id")

    def __init__(self, *, job_id: int | str, pre_version_id: int | str, job_description: str | None = None,
                 job_config: dict[str, Any] | None = None, pool_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.pre_version_id = pre_version_id
        self.job_description = job_description
        self.job_config = job_config
        self.pool_id = pool_id
        self._marker = ""
        self._request: dict[str, Any] | None = None
        self._found_before: dict[str, Any] | None = None
        self._stale: set[int] = set()
        self._posted = False

    def prepare(self, context: Context) -> dict[str, Any]:
        self._marker = run_marker(context)
        return version_body(self.estimator(), self.job_config, pre_version_id=self.pre_version_id,
                            job_description=self.job_description, marker=self._marker)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        """POST the full configuration (built once: one GET of the previous version, then the changes merged)."""
        job_id = as_id(self.job_id)
        if self._request is None:
            self._request = self.hook.version_request_v1(job_id, body, self.job_description, self._marker)
        store = context.get("task_state_store")
        earlier = [store.get(self.state_store_key) if store is not None else None, self._found_before]
        self._stale = {int(ids["version_id"]) for ids in earlier if ids}
        self._posted = True
        return self.created(self.hook.create_training_job_version_v1(job_id, self._request))

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        """The version this task instance created, by its run marker (one versions list), or None.

        Before this try's create: the newest version from ``pre_version_id`` while the job's description carries
        this run's marker (an earlier try made it). After an ambiguous create: the same, leaving out what an
        earlier try made (so a lost reply finds this try's version, and a create that never arrived finds none).
        """
        job_id = as_id(self.job_id)
        version_id = own_version(self.hook.get_training_job_v1_versions(job_id), self._marker,
                                 body["pre_version_id"], self._stale)
        if version_id is None:
            return None
        found = {"job_id": job_id, "version_id": version_id}
        if not self._posted:
            self._found_before = found
        return found


class ModelArtsStopTrainingJobVersionV1Operator(ModelArtsActionOperator):
    """Stop a v1 training job version and (by default) wait until it is stopped (12 KILLED or 13 CANCELED).

    A version that already ended is left as it is (logged; its status is returned).

    :param job_id: the job (templated).
    :param version_id: the version (templated).
    """

    resource_kind = "training_v1"
    id_args = (JOB_ID, VERSION_ID)
    refused_codes = (NOT_ALLOWED,)

    def __init__(self, *, job_id: int | str, version_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.version_id = version_id

    def target_ids(self) -> dict[str, Any]:
        return {JOB_ID: as_id(self.job_id), VERSION_ID: as_id(self.version_id)}

    def act(self, ids: Mapping[str, Any]) -> None:
        self.hook.stop_training_job_version_v1(ids[JOB_ID], ids[VERSION_ID])


class ModelArtsDeleteTrainingJobV1Operator(ModelArtsDeleteOperator):
    """Delete a v1 training job with all its versions, or one version (``version_id``).

    :param job_id: the job (templated).
    :param version_id: delete only this version (templated).
    """

    id_args = (JOB_ID,)
    template_fields: Sequence[str] = ("job_id", "version_id")

    def __init__(self, *, job_id: int | str, version_id: int | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.version_id = version_id

    def describe(self) -> str:
        return f"Training job {as_id(self.job_id)}" + (f" version {as_id(self.version_id)}" if self.version_id else "")

    def delete(self) -> Any:
        if self.version_id:
            return self.hook.delete_training_job_version_v1(as_id(self.job_id), as_id(self.version_id))
        return self.hook.delete_training_job_v1(as_id(self.job_id))


# ---- training job configurations ----------------------------------------------------------------------------------
class ModelArtsCreateTrainingJobConfigV1Operator(_V1EstimatorOperator):
    """Save a reusable v1 training job configuration (``POST /v1/{p}/training-job-configs``); returns its details.

    Takes the Estimator arguments of :class:`ModelArtsCreateTrainingJobV1Operator` but ``pool_id`` and
    ``volumes``, which the configuration tables do not have (all templated), plus ``job_config``.

    :param config_name: the name (templated).
    :param config_description: its description (templated).
    :param job_config: REST ``config`` fields merged over what the Estimator arguments produce (templated).
    :param if_exists: ``update`` (default: replace the fields given) or ``fail``.
    """

    template_fields: Sequence[str] = (*V1_CONFIG_ARGS, "config_name", "config_description", "job_config")

    def __init__(self, *, config_name: str, config_description: str | None = None,
                 job_config: dict[str, Any] | None = None, if_exists: str = "update", **kwargs: Any) -> None:
        if if_exists not in ("update", "fail"):
            raise ValueError(f"if_exists must be 'update' or 'fail', got {if_exists!r}")
        super().__init__(**kwargs)
        self.config_name = config_name
        self.config_description = config_description
        self.job_config = job_config
        self.if_exists = if_exists

    def run(self, context: Context) -> Any:
        from airflow_provider_modelarts.client.errors import ModelArtsAmbiguousError, ModelArtsConflictError

        config, lookups = config_body(self.estimator(), self.job_config, config_name=self.config_name,
                                      config_description=self.config_description)
        config = self.hook.resolve_v1_config(config, lookups)
        try:
            self.hook.create_training_job_config_v1(self.config_name, config, self.config_description)
            self.log.info("Created training job configuration %s", self.config_name)
        except ModelArtsConflictError:
            if self.if_exists == "fail":
                raise AirflowException(f"Training job configuration {self.config_name} already exists "
                                       "(if_exists='fail').") from None
            self.hook.update_training_job_config_v1(self.config_name, config, self.config_description)
            self.log.info("Updated training job configuration %s", self.config_name)
        except ModelArtsAmbiguousError as exc:
            self._reconcile(config, exc)
        return self.hook.get_training_job_config_v1(self.config_name)

    def _reconcile(self, config: dict[str, Any], exc: Exception) -> None:
        """After a create whose outcome is unknown: look the name up (one list call) before creating again.

        Found: the create arrived (the name was free, or a conflict answer was lost); with ``if_exists='update'``
        it is replaced by this configuration (a PUT replaces it as a whole, so sending it again is harmless).
        """
        self.log.warning("Outcome of the configuration create is unknown (%s); looking it up", exc)
        names = {c.get("config_name") for c in self.hook.list_training_job_configs_v1(search_content=self.config_name)}
        if self.config_name not in names:
            self.hook.create_training_job_config_v1(self.config_name, config, self.config_description)
            self.log.info("Created training job configuration %s", self.config_name)
        elif self.if_exists == "update":
            self.hook.update_training_job_config_v1(self.config_name, config, self.config_description)
            self.log.info("Training job configuration %s exists; updated it", self.config_name)
        else:
            self.log.info("Training job configuration %s exists (the lost create arrived)", self.config_name)


class ModelArtsDeleteTrainingJobConfigV1Operator(ModelArtsDeleteOperator):
    """Delete a v1 training job configuration.

    :param config_name: the configuration (templated).
    """

    id_args = ("config_name",)
    what = "Training job configuration"

    def __init__(self, *, config_name: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config_name = config_name

    def delete(self) -> Any:
        return self.hook.delete_training_job_config_v1(self.config_name)


# ---- visualization jobs ------------------------------------------------------------------------------------------
class ModelArtsCreateVisualizationJobOperator(_UniqueNameMixin, ModelArtsResourceOperator):
    """Create a visualization job (TensorBoard/MindInsight over a training output) and wait until it is up (8).

    :param train_url: the OBS folder with the event files (templated; ``obs://b/d/`` or ``/b/d/``).
    :param job_name: 1-20 characters (default ``<task_id prefix>-<run key>``, stable across tries).
    :param job_description: description
    :param job_type: ``tensorboard`` (default) or ``mindinsight``.
    :param flavor: a flavor code
    :param auto_stop_hours: stop it after 1-24 hours (0 or None: never).
    """

    resource_kind = "visualization_job"
    console_link = ModelArtsVisualizationJobLink
    xcom_keys = (JOB_ID, JOB_NAME, SERVICE_URL)
    answer_keys = (JOB_NAME, SERVICE_URL)
    template_fields: Sequence[str] = ("train_url", "job_name", "job_description")

    def __init__(self, *, train_url: str, job_name: str | None = None, job_description: str | None = None,
                 job_type: str = "tensorboard", flavor: str | None = None, auto_stop_hours: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.train_url = train_url
        self.job_name = job_name
        self.job_description = job_description
        self.job_type = job_type
        self.flavor = flavor
        self.auto_stop_hours = auto_stop_hours
        self._base_name: str | None = None

    def prepare(self, context: Context) -> dict[str, Any]:
        self._base_name = None if self.job_name else deterministic_name(context, max_len=VIS_NAME_MAX)
        return visualization_body(train_url=self.train_url, job_name=self.job_name or str(self._base_name),
                                  job_description=self.job_description, job_type=self.job_type, flavor=self.flavor,
                                  auto_stop_hours=self.auto_stop_hours)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        return self.create_unique(body, self._post, self._base_name)

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.hook.create_visualization_job(body)  # answers the name and URL: pushed without a read
        return self.answered({JOB_ID: answer[JOB_ID]}, answer)

    def read_values(self, ids: Mapping[str, Any]) -> Mapping[str, Any]:
        return self.hook.get_visualization_job(ids[JOB_ID])

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        return {**outcome.summary, "status": outcome.status}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        return self.find_own(self._base_name)

    def lookup_named(self, base: str) -> list[dict[str, Any]]:
        return self.hook.find_visualization_jobs_by_name(base)

    def ids_of_entry(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        return {JOB_ID: entry["job_id"]}


class _VisualizationAction(ModelArtsActionOperator):
    """An action on a visualization job (refused with ``ModelArts.0105`` in a state it does not apply to)."""

    resource_kind = "visualization_job"
    id_args = (JOB_ID,)
    refused_codes = (NOT_ALLOWED,)

    def __init__(self, *, job_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id

    def target_ids(self) -> dict[str, Any]:
        return {JOB_ID: as_id(self.job_id)}


class ModelArtsStopVisualizationJobOperator(_VisualizationAction):
    """Stop a visualization job and (by default) wait until it is stopped (12).

    :param job_id: the job (templated).
    """

    def act(self, ids: Mapping[str, Any]) -> None:
        self.hook.stop_visualization_job(ids[JOB_ID])


class ModelArtsRestartVisualizationJobOperator(_VisualizationAction):
    """Restart a finished visualization job and (by default) wait until it is up again (8).

    A job that is not finished (still up) is left as it is.

    :param job_id: the job (templated).
    """

    expect_stop = False

    def act(self, ids: Mapping[str, Any]) -> None:
        self.hook.restart_visualization_job(ids[JOB_ID])


class ModelArtsDeleteVisualizationJobOperator(ModelArtsDeleteOperator):
    """Delete a visualization job.

    :param job_id: the job (templated).
    """

    id_args = (JOB_ID,)
    what = "Visualization job"

    def __init__(self, *, job_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id

    def delete(self) -> Any:
        return self.hook.delete_visualization_job(as_id(self.job_id))
