"""Model (AI application) operators: import (and wait until published), delete.

``ModelArtsImportModelOperator`` covers the import variants of the SDK reference section 10.2: an OBS model
directory (``model/config.json`` + ``model/customize_service.py``, any engine ``model_type`` with ``runtime``,
``execution_code``, ``dependencies``, ``apis``, ``install_type`` ...), a custom image (``model_type="Image"`` and
an SWR address), and the output of a v2 training job (``training_job_id``: the job's output directory becomes
``source_location`` and the job id the lineage ``source_job_id``). XCom: :data:`MODEL_ID`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowException

from airflow_provider_modelarts.lineage import OpenLineageMixin
from airflow_provider_modelarts.links.models import ModelArtsModelLink
from airflow_provider_modelarts.operators.base import (
    ModelArtsDeleteOperator,
    ModelArtsResourceOperator,
)
from airflow_provider_modelarts.specs.models import FROM_TRAINING_JOB, MODEL_ARGS, build_model_body
from airflow_provider_modelarts.specs.naming import deterministic_name

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.waiter import WaitOutcome

#: XCom key: the imported model's id.
MODEL_ID = "model_id"


class ModelArtsImportModelOperator(OpenLineageMixin, ModelArtsResourceOperator):
    """Import a model (``POST /v1/{project_id}/models``) and wait until it is published.

    The arguments follow the SDK reference section 10.2; all are templated.

    :param model_version: the version, ``N.N.N``.
    :param model_type: TensorFlow, MXNet, Caffe, Spark_MLlib, Scikit_Learn, XGBoost, MindSpore, Image, PyTorch or
        Template.
    :param source_location: the OBS directory holding ``model/`` (``obs://bucket/dir/`` or ``/bucket/dir/``); an
        SWR image address for ``Image``. Not together with ``training_job_id``.
    :param training_job_id: import from this v2 training job's output instead of ``source_location`` (the output
        directory comes from the upstream training task's XCom, or one GET when the id came from elsewhere; the job
        must be Completed).
    :param training_output: the output channel to use (default: the first one).
    :param model_name: the name (default ``<task_id>-<run key>``).
    :param runtime: the runtime environment (e.g. ``python3.7``).
    :param execution_code: the OBS path of the inference script.
    :param description: the description.
    :param model_algorithm: the algorithm (e.g. ``predict_analysis``).
    :param source_job_id: the training job the model came from (lineage).
    :param source_job_version: that job's version (lineage).
    :param source_type: ``auto`` for a model from an auto-learning job.
    :param input_params: the input parameters ``[{url, method, param_name, param_desc, param_type, ...}]``.
    :param output_params: the output parameters, same shape.
    :param dependencies: ``[{installer, packages: [{package_name, package_version, restraint}]}]``.
    :param apis: the inference APIs (config.json's ``apis``).
    :param install_type: the deploy types it supports: a subset of real-time, batch, edge.
    :param initial_config: ``config.json`` as a dict or JSON text.
    :param model_metrics: the model's metrics as a dict or JSON text.
    :param model_docs: ``[{doc_url, doc_name}]``.
    :param template: the model template (``model_type="Template"``).
    :param workspace_id: the workspace.
    :param model_spec: a raw REST body merged over what the arguments produce.

    A model with the same name and version is reattached to (``action_if_exists="reattach"``, the default); one
    that failed is deleted and imported again. Publishing failures (``failed``, ``building_failed``) fail the task
    with the remote ``error_msg``. XCom: :data:`MODEL_ID`; the return value is a summary of the model.
    """

    resource_kind = "model"
    xcom_keys = (MODEL_ID,)
    console_link = ModelArtsModelLink
    # OpenLineage datasets: the OBS directory given, or the training job's output this task resolved and imported
    lineage_inputs = ("source_location", "imported_from")
    template_fields: Sequence[str] = (*MODEL_ARGS, "model_spec", "training_job_id", "training_output")
    template_fields_renderers = {"model_spec": "json", "dependencies": "json", "apis": "json",
                                 "initial_config": "json", "input_params": "json", "output_params": "json"}

    def __init__(self, *, model_version: str, model_type: str, source_location: str | None = None,
                 training_job_id: str | None = None, training_output: str | None = None,
                 model_name: str | None = None, runtime: str | None = None, execution_code: str | None = None,
                 description: str | None = None, model_algorithm: str | None = None,
                 source_job_id: str | None = None, source_job_version: str | None = None,
                 source_type: str | None = None, input_params: list[dict[str, Any]] | None = None,
                 output_params: list[dict[str, Any]] | None = None, dependencies: list[dict[str, Any]] | None = None,
                 apis: Any = None, install_type: list[str] | None = None, initial_config: Any = None,
                 model_metrics: Any = None, model_docs: list[dict[str, Any]] | None = None,
                 template: dict[str, Any] | None = None, workspace_id: str | None = None,
                 model_spec: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_version = model_version
        self.model_type = model_type
        self.source_location = source_location
        self.imported_from: str | None = None  # the training job's output directory, once resolved
        self.training_job_id = training_job_id
        self.training_output = training_output
        self.model_name = model_name
        self.runtime = runtime
        self.execution_code = execution_code
        self.description = description
        self.model_algorithm = model_algorithm
        self.source_job_id = source_job_id
        self.source_job_version = source_job_version
        self.source_type = source_type
        self.input_params = input_params
        self.output_params = output_params
        self.dependencies = dependencies
        self.apis = apis
        self.install_type = install_type
        self.initial_config = initial_config
        self.model_metrics = model_metrics
        self.model_docs = model_docs
        self.template = template
        self.workspace_id = workspace_id
        self.model_spec = model_spec

    def prepare(self, context: Context) -> dict[str, Any]:
        args = {name: getattr(self, name) for name in MODEL_ARGS}
        return build_model_body(args, self.model_spec, name=deterministic_name(context),
                                from_training_job=bool(self.training_job_id))

    def resolve_training_output(self, context: Context) -> str:
        """The ``/bucket/dir/`` of the training job's output; the job must be Completed. Read from the upstream
        training task's XCom, or with one GET when the job id came from elsewhere (:func:`.training_outputs`)."""
        from airflow_provider_modelarts.client.obs_paths import to_slash_path
        from airflow_provider_modelarts.operators.training import training_output

        url = training_output(self, context, str(self.training_job_id), self.hook.get_training_job,
                              self.training_output, "to import a model from", not_completed="holds no model to import")
        return to_slash_path(url, folder=True)

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        if self.training_job_id and body.get("source_location") == FROM_TRAINING_JOB:
            body["source_location"] = self.imported_from = self.resolve_training_output(context)
            body.setdefault("source_job_id", str(self.training_job_id))
            self.log.info("Importing the model from training job %s output %s", self.training_job_id,
                          body["source_location"])
        return {MODEL_ID: self.hook.create_or_reuse_model(body)}

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        found = self.hook.find_model(body["model_name"], body["model_version"])
        return {MODEL_ID: found["model_id"]} if found else None

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        return {**outcome.ids, **outcome.summary}

    def failure_text(self, outcome: WaitOutcome) -> str:
        s = outcome.summary
        return (f"Model {s.get('model_name') or ''} {s.get('model_version') or ''} ({outcome.ids[MODEL_ID]}) "
                f"ended {outcome.state}: {outcome.message}")


class ModelArtsDeleteModelOperator(ModelArtsDeleteOperator):
    """Delete a model (``DELETE /v1/{project_id}/models/{model_id}``).

    :param model_id: the model (templated).
    :param cascade: also delete the other versions of the same name.

    A model used by a service is not deleted: the task fails with the remote error (``ModelArts.3009``).
    Returns the ids deleted.
    """

    id_args = ("model_id",)
    what = "Model"

    def __init__(self, *, model_id: str, cascade: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_id = model_id
        self.cascade = cascade

    def delete(self) -> Any:
        return self.hook.delete_model(self.model_id, cascade=self.cascade)

    def deleted(self, answer: Any) -> list[str]:
        if answer is None:
            return []
        failed = answer.get("delete_failed_list") or []
        if failed:
            text = "; ".join(f"{f.get('model_id')}: {f.get('error_code')} {f.get('error_msg')}" for f in failed)
            raise AirflowException(f"Could not delete model(s): {text}")
        deleted = [str(i) for i in answer.get("delete_success_list") or []]
        self.log.info("Deleted model(s) %s", deleted)
        return deleted
