"""v2 training job operators: create (and wait), terminate, delete.

``ModelArtsCreateTrainingJobOperator`` takes the SDK reference's ``Estimator`` arguments and/or a raw
``job_spec`` in REST shape (merged over the arguments), validates everything before any call, reattaches to a
job an earlier try created, streams the job's log into the task log while waiting (sync or deferred) and
returns a compact summary (its return value: phase, outputs and ``output_channels`` ``[{"name", "obs_url"}]``, which
downstream operators read instead of fetching the job: :func:`training_outputs`). XCom keys: ``training_job_id``,
``training_job_name``, ``training_metrics``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_modelarts.lineage import OpenLineageMixin
from airflow_provider_modelarts.links.modelarts import ModelArtsTrainingJobLink
from airflow_provider_modelarts.operators.base import ModelArtsResourceOperator, deterministic_name, run_key

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import WaitOutcome

RUN_KEY_ANNOTATION = "airflow/run-key"
ESTIMATOR_ARGS = (
    "job_name", "job_description", "code_dir", "boot_file", "framework_type", "framework_version", "user_image_url",
    "user_command", "train_instance_type", "train_instance_count", "pool_id", "inputs", "dataset_id",
    "dataset_version_id", "outputs", "parameters", "env_variables", "log_url", "volumes", "working_dir",
    "local_code_dir",
)


def _channels(value: Any, default_name: str) -> list[dict[str, Any]]:
    """``"obs://..."`` | ``{"name": "obs://"}`` | ``[{"name", "obs_path"}]`` -> ``[{"name", "obs_path"}]``."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [{"name": default_name, "obs_path": value}]
    if isinstance(value, Mapping):
        if "obs_path" in value:
            return [dict(value)]
        return [{"name": k, "obs_path": v} for k, v in value.items()]
    return [dict(v) for v in value]


def _parameters(value: Any) -> list[dict[str, Any]]:
    if not value:
        return []
    if isinstance(value, Mapping):
        return [{"name": str(k), "value": v} for k, v in value.items()]
    return [dict(v) for v in value]


def build_training_job_body(args: Mapping[str, Any], job_spec: Mapping[str, Any] | None, *, name: str,
                            annotations: Mapping[str, str]) -> dict[str, Any]:
    """Validate the Estimator arguments and turn them (plus ``job_spec``) into the REST create body.

    :raises SpecError: naming the field and the fix, before any remote call.
    """
    from airflow_provider_modelarts.schemas import SpecError, coerce_numbers, deep_merge, validate

    values = coerce_numbers({k: v for k, v in args.items() if v not in (None, "", [], {})},
                            integer_fields=("train_instance_count",))
    values["inputs"] = _channels(values.get("inputs"), "data_url")
    values["outputs"] = _channels(values.get("outputs"), "train_url")
    values["parameters"] = _parameters(values.get("parameters"))
    for key in ("inputs", "outputs", "parameters"):
        if not values[key]:
            del values[key]
    validate(values, "training_job_v2", what="training job arguments")
    spec = dict(job_spec or {})
    for a, b in (("framework_type", "user_image_url"), ("inputs", "dataset_id")):
        if values.get(a) and values.get(b):
            raise SpecError(f"Invalid training job arguments:\n- {a} and {b} exclude each other: give one of them.")
    algorithm_in_spec = bool((spec.get("algorithm") or {}).keys() & {"id", "code_dir", "subscription_id", "engine"})
    if not (values.get("code_dir") or values.get("user_image_url") or algorithm_in_spec):
        raise SpecError("Invalid training job arguments:\n- code_dir/boot_file (with framework_type and "
                        "framework_version) or user_image_url/user_command is required, or job_spec.algorithm.")
    resource_in_spec = ((spec.get("spec") or {}).get("resource") or {})
    if not (values.get("train_instance_type") or values.get("pool_id") or resource_in_spec.get("flavor_id")
            or resource_in_spec.get("pool_id")):
        raise SpecError("Invalid training job arguments:\n- train_instance_type is required (a flavor id such as "
                        "modelarts.vm.cpu.8u; the hook's list_training_flavors() lists them), or pool_id.")

    algorithm: dict[str, Any] = {}
    if values.get("code_dir"):
        algorithm["code_dir"] = values["code_dir"]
        boot = values["boot_file"]
        algorithm["boot_file"] = boot if boot.startswith("obs://") else values["code_dir"] + boot.lstrip("/")
    if values.get("framework_type"):
        algorithm["engine"] = {"engine_name": values["framework_type"], "engine_version": values["framework_version"]}
    if values.get("user_image_url"):
        algorithm["engine"] = {"image_url": values["user_image_url"]}
        algorithm["command"] = values["user_command"]
    if values.get("parameters"):
        algorithm["parameters"] = [{"name": p["name"], "value": str(p["value"])} for p in values["parameters"]]
    inputs = [{"name": c["name"], "remote": {"obs": {"obs_url": c["obs_path"]}}, **(
        {"local_dir": c["local_dir"]} if c.get("local_dir") else {})} for c in values.get("inputs", [])]
    if values.get("dataset_id"):
        inputs = [{"name": "data_url", "remote": {"dataset": {"id": values["dataset_id"],
                                                              "version_id": values["dataset_version_id"]}}}]
    if inputs:
        algorithm["inputs"] = inputs
    if values.get("outputs"):
        algorithm["outputs"] = [{"name": c["name"], "remote": {"obs": {"obs_url": c["obs_path"]}}, **(
            {"local_dir": c["local_dir"]} if c.get("local_dir") else {})} for c in values["outputs"]]
    if values.get("env_variables"):
        algorithm["environments"] = dict(values["env_variables"])
    for key in ("working_dir", "local_code_dir"):
        if values.get(key):
            algorithm[key] = values[key]
    resource: dict[str, Any] = {"node_count": values.get("train_instance_count", 1)}
    if values.get("train_instance_type"):
        resource["flavor_id"] = values["train_instance_type"]
    if values.get("pool_id"):
        resource["pool_id"] = values["pool_id"]
    job_spec_part: dict[str, Any] = {"resource": resource}
    if values.get("volumes"):
        job_spec_part["volumes"] = values["volumes"]
    if values.get("log_url"):
        job_spec_part["log_export_path"] = {"obs_url": values["log_url"]}
    metadata = {"name": values.get("job_name") or name, "annotations": dict(annotations)}
    if values.get("job_description"):
        metadata["description"] = values["job_description"]
    body = {"kind": "job", "metadata": metadata, "algorithm": algorithm, "spec": job_spec_part}
    return deep_merge(body, spec)


class ModelArtsCreateTrainingJobOperator(OpenLineageMixin, ModelArtsResourceOperator):
    """Create a v2 training job and wait for it (ModelArts ``POST /v2/{project_id}/training-jobs``).

    Estimator arguments (SDK reference section 8), all templated: ``code_dir`` (OBS folder) + ``boot_file``;
    ``framework_type`` + ``framework_version`` or ``user_image_url`` + ``user_command``; ``train_instance_type``
    (flavor id), ``train_instance_count``, ``pool_id``; ``inputs`` (``obs://`` path, ``{name: obs_path}`` or
    ``[{"name", "obs_path"}]``) or ``dataset_id`` + ``dataset_version_id``; ``outputs``; ``parameters``
    (``{name: value}`` or ``[{"name", "value"}]``); ``env_variables``; ``log_url``; ``volumes``;
    ``working_dir``; ``local_code_dir``; ``job_description``; ``job_name`` (default: ``<task_id>-<run key>``,
    stable across tries). ``job_spec``: a REST-shaped body merged over what the arguments produce.

    Waiting options come from :class:`~.base.ModelArtsResourceOperator` (``wait_for_completion``,
    ``poll_interval``, ``max_wait`` (then the job is terminated), ``deferrable``, ``action_if_exists``,
    ``stream_logs``). ``collect_metrics`` pushes the per-worker metrics to XCom ``training_metrics``.
    """

    resource_kind = "training_v2"
    lineage_inputs, lineage_outputs = ("inputs", "code_dir"), ("outputs",)  # OpenLineage datasets
    template_fields: Sequence[str] = (*ESTIMATOR_ARGS, "job_spec", "modelarts_conn_id")
    template_fields_renderers = {"job_spec": "json", "inputs": "json", "outputs": "json", "parameters": "json",
                                 "env_variables": "json", "volumes": "json"}
    operator_extra_links = (ModelArtsTrainingJobLink(),)

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
        self._job_name: str | None = None

    def prepare(self, context: Context) -> dict[str, Any]:
        from airflow_provider_modelarts.schemas import SpecError

        args = {name: getattr(self, name) for name in ESTIMATOR_ARGS}
        try:
            return build_training_job_body(args, self.job_spec, name=deterministic_name(context),
                                           annotations={RUN_KEY_ANNOTATION: run_key(context)})
        except SpecError as exc:
            raise AirflowFailException(str(exc)) from None  # retrying cannot fix a bad spec

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        from airflow_provider_modelarts.client.api import training_v2

        self.check_node_count(body)
        job = self.hook.call(training_v2.create_job(body))
        self._job_name = job["metadata"]["name"]
        return {"training_job_id": job["metadata"]["id"]}

    def check_node_count(self, body: Mapping[str, Any]) -> None:
        """Refuse more nodes than the flavor allows, with one flavor read before the create (SDK reference
        §8.1.2.2 step 11: the node count is at most the flavor's ``max_num``; §8.1.2.1 step 9: the flavor list
        answers ``max_num``).

        :raises AirflowFailException: naming the argument and the limit.
        """
        resource = (body.get("spec") or {}).get("resource") or {}
        flavor_id, count = resource.get("flavor_id"), resource.get("node_count", 1)
        if not flavor_id or resource.get("pool_id"):
            return  # a dedicated pool's node limits are the pool's, not a public flavor's
        flavor = next((f for f in self.hook.list_training_flavors() if f.get("flavor_id") == flavor_id), None)
        if flavor is not None and isinstance(flavor.get("max_num"), int) and count > flavor["max_num"]:
            raise AirflowFailException(
                f"Invalid training job arguments:\n- train_instance_count: {count} nodes exceed the {flavor['max_num']} "
                f"that flavor {flavor_id} allows; use at most {flavor['max_num']} or a flavor with a larger max_num.")

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        key = run_key(context)
        jobs = [j for j in self.hook.find_training_jobs_by_name(body["metadata"]["name"])
                if ((j.get("metadata") or {}).get("annotations") or {}).get(RUN_KEY_ANNOTATION) == key]
        if not jobs:
            return None
        newest = max(jobs, key=lambda j: (j.get("metadata") or {}).get("create_time") or 0)
        self._job_name = newest["metadata"]["name"]
        return {"training_job_id": newest["metadata"]["id"]}

    def push_ids(self, context: Context, ids: Mapping[str, Any]) -> None:
        super().push_ids(context, ids)
        name = self._job_name or self.hook.get_training_job(ids["training_job_id"])["metadata"]["name"]
        context["ti"].xcom_push(key="training_job_name", value=name)
        ModelArtsTrainingJobLink.persist(context, region=self.hook.settings.region,
                                         training_job_id=ids["training_job_id"])

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        summary = dict(outcome.summary)
        if self.collect_metrics:
            tasks = [t.get("task") for t in summary.get("task_statuses") or [] if t.get("task")] or ["worker-0"]
            metrics = {}
            for task in tasks:
                try:
                    metrics[task] = self.hook.get_training_job_metrics(outcome.ids["training_job_id"], task)
                except Exception as exc:  # metrics are a bonus: never fail a finished job for them
                    self.log.warning("Could not read metrics of %s: %s", task, exc)
            context["ti"].xcom_push(key="training_metrics", value=metrics)
        summary.pop("task_statuses", None)
        return summary

    def failure_message(self, outcome: WaitOutcome) -> str:
        s = outcome.summary
        tasks = ", ".join(f"{t.get('task')} exit {t.get('exit_code')}: {t.get('message') or ''}".strip()
                          for t in s.get("task_statuses") or [])
        text = (f"Training job {s.get('training_job_name') or ''} {outcome.ids['training_job_id']} ended "
                f"{s.get('phase') or outcome.status} (secondary phase {s.get('secondary_phase')})")
        if tasks:
            text += f"; tasks: {tasks}"
        tail = outcome.log_tail
        if not tail:
            try:
                tail = self.hook.get_training_job_log(outcome.ids["training_job_id"]).splitlines()[-20:]
            except Exception as exc:
                self.log.warning("Could not read the job log: %s", exc)
        if tail:
            text += "\nLast log lines:\n" + "\n".join(tail[-20:])
        return text


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

    summary = upstream_summary(task, context, (ModelArtsCreateTrainingJobOperator,), "training_job_id",
                               training_job_id, "output_channels")
    if summary is not None:
        return summary.get("phase"), [dict(c) for c in summary["output_channels"]]
    from airflow_provider_modelarts.client.resources import summarize_training_v2

    fetched = summarize_training_v2(get_job(training_job_id))
    return fetched.get("phase"), fetched["output_channels"]


def pick_output(channels: Sequence[Mapping[str, Any]], name: str | None) -> str | None:
    """The OBS URL of the output ``name`` (any output when None), as a folder (``/`` at the end); None if none."""
    urls = [str(c["obs_url"]) for c in channels if c.get("obs_url") and (not name or c.get("name") == name)]
    if not urls:
        return None
    return urls[0] if urls[0].endswith("/") else urls[0] + "/"


class ModelArtsTerminateTrainingJobOperator(ModelArtsResourceOperator):
    """Terminate a v2 training job and (by default) wait until it is Terminated.

    :param training_job_id: the job (templated). A job that already ended is left as it is (logged).
    """

    resource_kind = "training_v2"
    expect_stop = True
    template_fields: Sequence[str] = ("training_job_id", "modelarts_conn_id")

    id_args = ('training_job_id',)

    def __init__(self, *, training_job_id: str, **kwargs: Any) -> None:
        kwargs.setdefault("stream_logs", False)
        super().__init__(**kwargs)
        self.training_job_id = training_job_id

    def execute(self, context: Context) -> Any:
        self.check_id_args()
        from airflow_provider_modelarts.client.errors import ModelArtsConflictError
        from airflow_provider_modelarts.client.states import classify

        ids = {"training_job_id": self.training_job_id}
        try:
            self.hook.terminate_training_job(self.training_job_id)
        except ModelArtsConflictError as exc:  # 409 ModelArts.2796: not Creating/Pending/Running any more
            verdict = classify("training_v2", self.hook.get_training_job(self.training_job_id))
            self.log.info("Job %s cannot be terminated (%s): %s", self.training_job_id, exc.error_code,
                          verdict.message)
            return {"training_job_id": self.training_job_id, "phase": verdict.status}
        if not self.wait_for_completion:
            return ids
        return self.wait(context, ids)


class ModelArtsDeleteTrainingJobOperator(ModelArtsResourceOperator):
    """Delete a v2 training job (``DELETE /v2/{project_id}/training-jobs/{id}``).

    :param training_job_id: the job (templated)
    :param ignore_missing: a job that does not exist is not an error.
    """

    resource_kind = "training_v2"
    template_fields: Sequence[str] = ("training_job_id", "modelarts_conn_id")

    id_args = ('training_job_id',)

    def __init__(self, *, training_job_id: str, ignore_missing: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.training_job_id = training_job_id
        self.ignore_missing = ignore_missing

    def execute(self, context: Context) -> None:
        self.check_id_args()
        self.delete_remote(f"Training job {self.training_job_id}",
                           lambda: self.hook.delete_training_job(self.training_job_id),
                           ignore_missing=self.ignore_missing)
