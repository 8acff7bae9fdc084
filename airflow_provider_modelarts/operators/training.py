"""v2 training job operators: create (and wait), terminate, delete.

``ModelArtsCreateTrainingJobOperator`` takes the SDK reference's ``Estimator`` arguments and/or a raw
``job_spec`` in REST shape (merged over the arguments), validates everything before any call, reattaches to a
job an earlier try created, streams the job's log into the task log while waiting (sync or deferred) and
returns a compact summary (its return value: phase, outputs and ``output_channels`` ``[{"name", "obs_url"}]``, which
downstream operators read instead of fetching the job: :func:`training_outputs`). XCom keys:
:data:`TRAINING_JOB_ID`, :data:`TRAINING_JOB_NAME`, :data:`TRAINING_METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_modelarts.lineage import OpenLineageMixin
from airflow_provider_modelarts.links.modelarts import ModelArtsTrainingJobLink
from airflow_provider_modelarts.operators.base import (
    ModelArtsActionOperator,
    ModelArtsDeleteOperator,
    ModelArtsLogStreamingOperator,
)
from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.naming import deterministic_name, run_key
from airflow_provider_modelarts.specs.training import (
    ESTIMATOR_ARGS,
    RUN_KEY_ANNOTATION,
    WHAT,
    build_training_job_body,
    node_count_problem,
    pick_output,
)

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.states import Verdict
    from airflow_provider_modelarts.client.waiter import WaitOutcome

TRAINING_JOB_ID = "training_job_id"
TRAINING_JOB_NAME = "training_job_name"
TRAINING_METRICS = "training_metrics"
#: the answer of a terminate outside Creating/Pending/Running (the job already ended)
TERMINATE_REFUSED = "ModelArts.2796"


class ModelArtsCreateTrainingJobOperator(OpenLineageMixin, ModelArtsLogStreamingOperator):
    """Create a v2 training job and wait for it (ModelArts ``POST /v2/{project_id}/training-jobs``).

    The Estimator arguments (SDK reference section 8) are all templated; ``job_spec`` is merged over what they
    produce. The waiting arguments (``wait_for_completion``, ``poll_interval``, ``max_wait`` (then the job is
    terminated), ``deferrable``, ``action_if_exists``, ``stream_logs``, ``poll_error_budget``) are those of
    :class:`~.base.ModelArtsLogStreamingOperator` and its bases.

    :param job_spec: a REST-shaped body merged over what the arguments produce.
    :param collect_metrics: push the per-worker metrics to XCom :data:`TRAINING_METRICS`.
    :param job_name: the job's name (default ``<task_id>-<run key>``, stable across tries).
    :param job_description: its description.
    :param code_dir: the OBS folder of the code.
    :param boot_file: the start script (in ``code_dir``, or an ``obs://`` URL).
    :param framework_type: the engine name (with ``framework_version``; excludes ``user_image_url``).
    :param framework_version: the engine version.
    :param user_image_url: a custom image (with ``user_command``).
    :param user_command: the custom image's start command.
    :param train_instance_type: the flavor id (``list_training_flavors()`` lists them).
    :param train_instance_count: the number of nodes (at most the flavor's ``max_num``).
    :param pool_id: a dedicated resource pool.
    :param inputs: ``obs://`` path, ``{name: obs_path}`` or ``[{"name", "obs_path"}]`` (excludes ``dataset_id``).
    :param dataset_id: a dataset as input (with ``dataset_version_id``).
    :param dataset_version_id: the dataset's version.
    :param outputs: like ``inputs``; the default channel name is ``train_url``.
    :param parameters: ``{name: value}`` or ``[{"name", "value"}]``.
    :param env_variables: environment variables of the job.
    :param log_url: an OBS folder the job's log is exported to.
    :param volumes: volumes to mount (REST shape).
    :param working_dir: the job's working directory.
    :param local_code_dir: where the code is downloaded in the container.
    """

    resource_kind = "training_v2"
    lineage_inputs, lineage_outputs = ("inputs", "code_dir"), ("outputs",)  # OpenLineage datasets
    template_fields: Sequence[str] = (*ESTIMATOR_ARGS, "job_spec")
    template_fields_renderers = {"job_spec": "json", "inputs": "json", "outputs": "json", "parameters": "json",
                                 "env_variables": "json", "volumes": "json"}
    console_link = ModelArtsTrainingJobLink
    xcom_keys = (TRAINING_JOB_ID, TRAINING_JOB_NAME)
    answer_keys = (TRAINING_JOB_NAME,)

    def __init__(self, *, job_spec: dict[str, Any] | None = None, collect_metrics: bool = True,
                 job_name: str | None = None, job_description: str | None = None, code_dir: str | None = None,
                 boot_file: str | None = None, framework_type: str | None = None,
                 framework_version: str | None = None, user_image_url: str | None = None,
                 user_command: str | None = None, train_instance_type: str | None = None,
                 train_instance_count: int | str = 1, pool_id: str | None = None, inputs: Any = None,
                 dataset_id: str | None = None, dataset_version_id: str | None = None, outputs: Any = None,
                 parameters: Any = None, env_variables: dict[str, str] | None = None, log_url: str | None = None,
                 volumes: list[dict[str, Any]] | None = None, working_dir: str | None = None,
                 local_code_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_spec = job_spec
        self.collect_metrics = collect_metrics
        self.job_name = job_name
        self.job_description = job_description
        self.code_dir = code_dir
        self.boot_file = boot_file
        self.framework_type = framework_type
        self.framework_version = framework_version
        self.user_image_url = user_image_url
        self.user_command = user_command
        self.train_instance_type = train_instance_type
        self.train_instance_count = train_instance_count
        self.pool_id = pool_id
        self.inputs = inputs
        self.dataset_id = dataset_id
        self.dataset_version_id = dataset_version_id
        self.outputs = outputs
        self.parameters = parameters
        self.env_variables = env_variables
        self.log_url = log_url
        self.volumes = volumes
        self.working_dir = working_dir
        self.local_code_dir = local_code_dir

    def prepare(self, context: Context) -> dict[str, Any]:
        args = {name: getattr(self, name) for name in ESTIMATOR_ARGS}
        return build_training_job_body(args, self.job_spec, name=deterministic_name(context),
                                       annotations={RUN_KEY_ANNOTATION: run_key(context)})

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        from airflow_provider_modelarts.client.api import training_v2

        self.check_node_count(body)
        job = self.hook.call(training_v2.create_job(body))
        return self.answered({TRAINING_JOB_ID: job["metadata"]["id"]}, {TRAINING_JOB_NAME: job["metadata"]["name"]})

    def check_node_count(self, body: Mapping[str, Any]) -> None:
        """Refuse more nodes than the flavor allows, with one flavor read before the create (SDK reference
        §8.1.2.1 step 9: the flavor list answers ``max_num``; :func:`~.specs.training.node_count_problem`).

        :param body: the create body.
        :raises SpecError: naming the argument and the limit.
        """
        resource = (body.get("spec") or {}).get("resource") or {}
        if not resource.get("flavor_id") or resource.get("pool_id"):
            return  # no public flavor to read
        problem = node_count_problem(body, self.hook.list_training_flavors())
        if problem is not None:
            raise SpecError(WHAT, [problem])

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        key = run_key(context)
        jobs = [j for j in self.hook.find_training_jobs_by_name(body["metadata"]["name"])
                if ((j.get("metadata") or {}).get("annotations") or {}).get(RUN_KEY_ANNOTATION) == key]
        if not jobs:
            return None
        newest = max(jobs, key=lambda j: (j.get("metadata") or {}).get("create_time") or 0)
        return self.answered({TRAINING_JOB_ID: newest["metadata"]["id"]}, {TRAINING_JOB_NAME: newest["metadata"]["name"]})

    def read_values(self, ids: Mapping[str, Any]) -> Mapping[str, Any]:
        return {TRAINING_JOB_NAME: self.hook.get_training_job(ids[TRAINING_JOB_ID])["metadata"]["name"]}

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        summary = dict(outcome.summary)
        if self.collect_metrics:
            tasks = [t.get("task") for t in summary.get("task_statuses") or [] if t.get("task")] or ["worker-0"]
            context["ti"].xcom_push(key=TRAINING_METRICS, value=self.hook.get_training_job_metrics_of_tasks(
                outcome.ids[TRAINING_JOB_ID], tasks))
        summary.pop("task_statuses", None)
        return summary

    def failure_text(self, outcome: WaitOutcome) -> str:
        s = outcome.summary
        tasks = ", ".join(f"{t.get('task')} exit {t.get('exit_code')}: {t.get('message') or ''}".strip()
                          for t in s.get("task_statuses") or [])
        return (f"Training job {s.get('training_job_name') or ''} {outcome.ids['training_job_id']} ended "
                f"{s.get('phase') or outcome.status} (secondary phase {s.get('secondary_phase')})"
                + (f"; tasks: {tasks}" if tasks else ""))

    def read_log_tail(self, ids: Mapping[str, Any]) -> list[str]:
        return self.hook.get_training_job_log(ids[TRAINING_JOB_ID]).splitlines()[-20:]


def training_outputs(task: BaseOperator, context: Context, training_job_id: str,
                     get_job: Callable[[str], Mapping[str, Any]]) -> tuple[Any, list[dict[str, Any]]]:
    """The phase and the OBS outputs (``[{"name", "obs_url"}]``) of v2 training job ``training_job_id``.

    From the return value (XCom) of an upstream :class:`ModelArtsCreateTrainingJobOperator` that ran this job: no
    request. Otherwise (the id came from elsewhere) one ``get_job`` call.

    :param task: the operator asking (its upstream tasks are searched).
    :param context: its context (for ``xcom_pull``).
    :param training_job_id: the job.
    :param get_job: ``(job id) -> job`` (one GET), the fallback.
    """
    from airflow_provider_modelarts.operators.upstream import upstream_summary

    summary = upstream_summary(task, context, (ModelArtsCreateTrainingJobOperator,), TRAINING_JOB_ID,
                               training_job_id, "output_channels")
    if summary is not None:
        return summary.get("phase"), [dict(c) for c in summary["output_channels"]]
    from airflow_provider_modelarts.client.resources import summarize_training_v2

    fetched = summarize_training_v2(get_job(training_job_id))
    return fetched.get("phase"), fetched["output_channels"]


def training_output(task: BaseOperator, context: Context, training_job_id: str,
                    get_job: Callable[[str], Mapping[str, Any]], wanted: str | None, purpose: str, *,
                    not_completed: str | None = None) -> str:
    """The OBS URL of output ``wanted`` (None: the first) of a v2 training job (:func:`training_outputs`);
    ``AirflowFailException`` naming its outputs when it has no such output.

    :param task: the operator asking.
    :param context: its context.
    :param training_job_id: the job.
    :param get_job: ``(job id) -> job`` (one GET), the fallback.
    :param wanted: the output's name (None: the first OBS output).
    :param purpose: what the output is for, in the error (``"holding metrics.json"``).
    :param not_completed: when given, the job must be Completed (checked first), else the task fails saying its
        output ``not_completed`` (``"holds no model to import"``).
    """
    phase, channels = training_outputs(task, context, training_job_id, get_job)
    if not_completed is not None and phase != "Completed":
        raise AirflowFailException(f"Training job {training_job_id} is {phase}, not Completed: its output "
                                   f"{not_completed}.")
    url = pick_output(channels, wanted)
    if url is None:
        raise AirflowFailException(f"Training job {training_job_id} has no OBS output {wanted or ''} {purpose} "
                                   f"(outputs: {[c.get('name') for c in channels]}).")
    return url


class ModelArtsTerminateTrainingJobOperator(ModelArtsActionOperator):
    """Terminate a v2 training job and (by default) wait until it is Terminated.

    A job that already ended is left as it is (logged; its phase is returned).

    :param training_job_id: the job (templated).
    """

    resource_kind = "training_v2"
    id_args = (TRAINING_JOB_ID,)
    refused_codes = (TERMINATE_REFUSED,)

    def __init__(self, *, training_job_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.training_job_id = training_job_id

    def target_ids(self) -> dict[str, Any]:
        return {TRAINING_JOB_ID: self.training_job_id}

    def act(self, ids: Mapping[str, Any]) -> None:
        self.hook.terminate_training_job(ids[TRAINING_JOB_ID])

    def refused(self, ids: Mapping[str, Any], verdict: Verdict | None) -> Any:
        return {**ids, "phase": verdict.status if verdict else None}


class ModelArtsDeleteTrainingJobOperator(ModelArtsDeleteOperator):
    """Delete a v2 training job (``DELETE /v2/{project_id}/training-jobs/{id}``).

    :param training_job_id: the job (templated).
    """

    id_args = (TRAINING_JOB_ID,)
    what = "Training job"

    def __init__(self, *, training_job_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.training_job_id = training_job_id

    def delete(self) -> Any:
        return self.hook.delete_training_job(self.training_job_id)
