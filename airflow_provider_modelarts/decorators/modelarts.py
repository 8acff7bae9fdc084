"""``@task.modelarts``: run a Python function as a ModelArts v2 training job and return its value to XCom.

::

    @task.modelarts(train_instance_type="modelarts.vm.cpu.8u", framework_type="PyTorch",
                    framework_version="PyTorch-1.4.0-python3.6-v2",
                    obs_dir="obs://bucket/airflow/{{ dag.dag_id }}/", deferrable=True)
    def train(epochs: int, data: str) -> dict:
        import torch  # imports inside the function: it runs in the job, not in the DAG file
        ...
        return {"loss": 0.1}

The operator *is* a :class:`~airflow_provider_modelarts.operators.training.ModelArtsCreateTrainingJobOperator`
(create or reattach, wait or defer, log streaming, ``max_wait``, ``on_kill``); what it adds:

1. before any remote call, the function's arguments (rendered, XComs resolved) must be JSON-serialisable;
2. under ``<obs_dir>/<task_id>-<run key>/`` (one folder per task instance, stable across tries) it stages
   ``code/function.py`` (the source without the decorator), ``code/call.json`` (the arguments) and
   ``code/modelarts_boot.py`` (:mod:`.modelarts_boot`, a generic runner), only when a new job is created;
3. the job runs the boot file, which writes ``output/result.json``; the task returns its ``return_value``;
4. a failed job raises with the function's traceback taken from the job log.

The function's source must be self-contained (imports inside it; module-level names of the DAG file do not
exist in the job). Context arguments (``ti``, ...) are not passed: the function runs outside Airflow.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk.bases.decorator import DecoratedOperator, task_decorator_factory
from airflow.sdk.exceptions import AirflowException

from airflow_provider_modelarts.client.obs_paths import join, parse_obs_url
from airflow_provider_modelarts.decorators.modelarts_boot import OUTPUT_ARG as RESULT_CHANNEL
from airflow_provider_modelarts.decorators.modelarts_boot import RESULT_FILE, TRACEBACK_BEGIN, TRACEBACK_END
from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator
from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.naming import deterministic_name

if TYPE_CHECKING:
    from airflow.sdk.bases.decorator import TaskDecorator
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import WaitOutcome

BOOT_SCRIPT = Path(__file__).with_name("modelarts_boot.py")
BOOT_FILE = BOOT_SCRIPT.name
#: where a custom image finds the code dir and the output channel (SDK reference section 8, example 2)
IMAGE_CODE_DIR = "/home/ma-user/modelarts/user-job-dir/code"
IMAGE_RESULT_DIR = "/home/ma-user/modelarts/outputs/result_url_0"
#: training-operator arguments the decorator sets itself
OWNED_ARGS = ("code_dir", "boot_file", "outputs", "inputs", "parameters", "dataset_id", "dataset_version_id",
              "job_spec", "job_name", "local_code_dir", "working_dir")


def check_obs_dir(obs_dir: str) -> str:
    """``obs_dir`` as a folder URL (trailing ``/``).

    :param obs_dir: the rendered ``obs_dir`` argument.
    :raises ValueError: naming the field and the fix.
    """
    try:
        location = parse_obs_url(obs_dir)
    except ValueError as exc:
        raise ValueError(f"obs_dir: {exc} Give an OBS folder such as obs://bucket/airflow/.") from None
    return location.as_folder().url


def call_payload(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    """``call.json``: the function name and its arguments as JSON.

    :param name: the function's name.
    :param args: positional arguments (rendered).
    :param kwargs: keyword arguments (rendered).
    :raises TypeError: naming the first argument that is not JSON-serialisable.
    """
    named = [(f"positional argument {i}", v) for i, v in enumerate(args)] + [
        (f"argument {k!r}", v) for k, v in kwargs.items()]
    for what, value in named:
        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{what} of {name}() is not JSON-serialisable ({type(value).__name__}: {exc}); "
                            "@task.modelarts sends the arguments to the job as JSON: pass dicts, lists, str, "
                            "int, float, bool or None (an OBS path instead of data).") from None
    return json.dumps({"function": name, "args": list(args), "kwargs": dict(kwargs)})


def function_traceback(log: str) -> str | None:
    """The traceback the boot file printed into the job log (the last one), or None."""
    end = log.rfind(TRACEBACK_END)
    begin = log.rfind(TRACEBACK_BEGIN, 0, end if end >= 0 else len(log))
    if begin < 0:
        return None
    return log[begin + len(TRACEBACK_BEGIN): end if end >= 0 else len(log)].strip("\n")


class _ModelArtsDecoratedOperator(DecoratedOperator, ModelArtsCreateTrainingJobOperator):
    """The operator behind ``@task.modelarts`` (see the module docstring).

    :param python_callable: the decorated function.
    :param task_id: the task id (the function's name by default).
    :param obs_dir: OBS folder (templated) under which each task instance stages its code and result.
    :param op_args: positional arguments of the function (templated; XComs allowed).
    :param op_kwargs: keyword arguments of the function (templated; XComs allowed).
    :param user_command: custom image only: the start command (default: run the boot file with ``python``
        from ``/home/ma-user/modelarts/user-job-dir/code``).
    :param kwargs: the training operator's arguments that apply: ``train_instance_type``,
        ``train_instance_count``, ``framework_type`` + ``framework_version`` or ``user_image_url``, ``pool_id``,
        ``env_variables``, ``job_description``, ``log_url``, ``volumes``, ``collect_metrics`` and the waiting
        arguments (``deferrable``, ``max_wait``, ``poll_interval``, ``action_if_exists``, ``stream_logs``, ...).
    """

    custom_operator_name = "@task.modelarts"
    template_fields: Sequence[str] = (
        "op_args", "op_kwargs", "obs_dir", "train_instance_type", "train_instance_count", "framework_type",
        "framework_version", "user_image_url", "user_command", "pool_id", "env_variables", "job_description",
        "log_url", "modelarts_conn_id")
    template_fields_renderers = {"op_args": "py", "op_kwargs": "py", "env_variables": "json"}

    def __init__(self, *, python_callable: Callable[..., Any], task_id: str, obs_dir: str,
                 op_args: Collection[Any] | None = None, op_kwargs: Mapping[str, Any] | None = None,
                 user_command: str | None = None, **kwargs: Any) -> None:
        owned = sorted(set(kwargs) & set(OWNED_ARGS))
        if owned:
            raise TypeError(f"@task.modelarts stages the function itself: {', '.join(owned)} cannot be given "
                            "(put data paths in the function's arguments).")
        if "{{" not in str(obs_dir):
            check_obs_dir(obs_dir)
        super().__init__(python_callable=python_callable, task_id=task_id, op_args=op_args, op_kwargs=op_kwargs,
                         user_command=user_command, **kwargs)
        self.obs_dir = obs_dir

    # ---- where things are staged -----------------------------------------------------------------------------
    def stage_url(self, context: Context) -> str:
        """``<obs_dir>/<task_id>-<run key>/``: this task instance's folder (the same for every try).

        :param context: the task's context (its run key).
        :raises ValueError: when ``obs_dir`` is not an OBS folder (:meth:`prepare` has checked it).
        """
        return join(check_obs_dir(self.obs_dir), deterministic_name(context) + "/")

    def prepare(self, context: Context) -> dict[str, Any]:
        problems = []
        try:
            stage = self.stage_url(context)
        except ValueError as exc:
            problems.append(str(exc))
        try:
            self._call_json = call_payload(self.python_callable.__name__, self.op_args, self.op_kwargs)
        except TypeError as exc:
            problems.append(str(exc))
        if problems:
            raise SpecError("@task.modelarts arguments", problems)
        self.code_dir = join(stage, "code/")
        self.boot_file = BOOT_FILE
        output = {"name": RESULT_CHANNEL, "obs_path": join(stage, "output/")}
        if self.user_image_url:
            output["local_dir"] = IMAGE_RESULT_DIR
            self.user_command = self.user_command or (
                f"python {IMAGE_CODE_DIR}/{BOOT_FILE} --{RESULT_CHANNEL}={IMAGE_RESULT_DIR}")
        self.outputs = [output]
        return super().prepare(context)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        """Stage the code (only for a new job: a reattached one already has it), then create the job."""
        from airflow_provider_modelarts.hooks.obs import OBSHook

        obs = OBSHook(self.modelarts_conn_id)
        code_dir = body["algorithm"]["code_dir"]
        obs.write_text(join(code_dir, BOOT_FILE), BOOT_SCRIPT.read_text(encoding="utf-8"))
        obs.write_text(join(code_dir, "function.py"), self.get_python_source())
        obs.write_text(join(code_dir, "call.json"), self._call_json)
        result = join(self.stage_url(context), "output/", RESULT_FILE)
        if obs.exists(result):  # left by an earlier try whose job then failed: never return a stale value
            obs.delete(result)
        self.log.info("Staged %s() under %s", self.python_callable.__name__, code_dir)
        return super().create(context, body)

    # ---- the outcome ---------------------------------------------------------------------------------------
    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        """The function's return value, read from ``output/result.json``."""
        from airflow_provider_modelarts.hooks.obs import OBSError, OBSHook

        summary = super().finish(context, outcome)
        context["ti"].xcom_push(key="training_job", value=summary)
        url = join(self.stage_url(context), "output/", RESULT_FILE)
        try:
            text = OBSHook(self.modelarts_conn_id).read_text(url)
        except OBSError as exc:
            raise AirflowException(f"Training job {outcome.ids['training_job_id']} completed but "
                                   f"{self.python_callable.__name__}() left no result at {url}: {exc}") from None
        return json.loads(text)["return_value"]

    def failure_message(self, outcome: WaitOutcome) -> str:
        """The function's traceback from the job log, else the training operator's message."""
        job_id = outcome.ids["training_job_id"]
        try:
            found = function_traceback(self.hook.get_training_job_log(job_id))
        except Exception as exc:  # the log is a bonus: fall back to the generic message
            self.log.warning("Could not read the log of job %s: %s", job_id, exc)
            found = None
        if found is None:
            return super().failure_message(outcome)
        return (f"{self.python_callable.__name__}() failed in training job {job_id} "
                f"({outcome.summary.get('phase') or outcome.status}):\n{found}")

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage: the staged code dir read, the result folder written (from the task instance: a resumed
        deferred task never ran :meth:`prepare`)."""
        from airflow_provider_modelarts.lineage import operator_lineage

        stage = self.stage_url({"ti": task_instance})
        return operator_lineage(self, [join(stage, "code/")], [join(stage, "output/")])


def modelarts_task(python_callable: Callable[..., Any] | None = None, multiple_outputs: bool | None = None,
                   **kwargs: Any) -> TaskDecorator:
    """``@task.modelarts``: run the decorated function as a ModelArts v2 training job.

    :param python_callable: the function (when used without parentheses).
    :param multiple_outputs: unroll a returned dict into one XCom per key.
    :param kwargs: the arguments of :class:`_ModelArtsDecoratedOperator` (``obs_dir`` is required).
    """
    return task_decorator_factory(python_callable=python_callable, multiple_outputs=multiple_outputs,
                                  decorated_operator_class=_ModelArtsDecoratedOperator, **kwargs)
