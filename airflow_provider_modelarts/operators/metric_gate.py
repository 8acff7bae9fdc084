"""``ModelArtsMetricGateOperator``: promote a model or skip it, by a training metric against a threshold.

A branching operator (in the spirit of SageMaker's condition step): it reads one metric of a training run, from the
training job's metrics API, from a metrics JSON file in OBS (e.g. the ``metrics.json`` a training script writes
into its output directory) or from a given dict (an upstream XCom), compares it with a threshold and continues
with ``promote_task_ids`` when the comparison holds, with ``skip_task_ids`` otherwise (the others are skipped).
Scheduled retraining ends in deployment: this is where a worse model is stopped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.standard.operators.branch import BaseBranchOperator
from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID
from airflow_provider_modelarts.hooks.task import ModelArtsTaskMixin
from airflow_provider_modelarts.operators.base import failing_on_spec_error
from airflow_provider_modelarts.specs.metric_gate import (
    COMPARISONS,
    METRICS_SOURCES,
    check_choices,
    gate_threshold,
    lookup,
    parse_metrics,
    reduce_value,
)

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context


class ModelArtsMetricGateOperator(ModelArtsTaskMixin, BaseBranchOperator):
    """Branch on ``<metric> <comparison> <threshold>``.

    :param metric: the metric name (templated); dots walk nested JSON (``eval.accuracy``).
    :param threshold: the number to compare with (templated; numeric strings are accepted).
    :param comparison: ``>``, ``>=`` (default), ``<``, ``<=``, ``==`` or ``!=`` (templated).
    :param promote_task_ids: task id(s) to run when the comparison holds.
    :param skip_task_ids: task id(s) to run otherwise (default none: everything downstream is skipped).
    :param metrics: the metrics themselves, a dict or JSON text (templated; e.g. an upstream XCom), or
    :param metrics_path: a metrics JSON file in OBS (``obs://bucket/key`` or ``/bucket/key``, templated), or
    :param training_job_id: a v2 training job (templated), read through ``metrics_source``: ``output`` (default:
        the JSON file ``metrics_file`` in the job's output directory ``training_output``: one OBS read, the
        output taken from the upstream training task's XCom, or one GET of the job when the id came from elsewhere) or ``api`` (the job's metrics API of ``task``, a series reduced by ``aggregate``).
    :param aggregate: how a series becomes one number: ``last`` (default), ``first``, ``max``, ``min``, ``mean``.
    :param on_missing: ``fail`` (default: the task fails naming the metrics that exist) or ``skip`` (the skip
        branch is taken).
    :param modelarts_conn_id: the ``modelarts`` connection.

    XCom: ``metric_value`` and ``gate_passed``. Arguments are checked before any remote call.
    """

    template_fields: Sequence[str] = ("metric", "threshold", "comparison", "metrics", "metrics_path",
                                      "training_job_id", "metrics_file", "training_output", "modelarts_conn_id")
    template_fields_renderers = {"metrics": "json"}
    ui_color = "#e2f0fd"

    def __init__(self, *, metric: str, threshold: float | str, promote_task_ids: str | Iterable[str],
                 skip_task_ids: str | Iterable[str] | None = None, comparison: str = ">=", metrics: Any = None,
                 metrics_path: str | None = None, training_job_id: str | None = None,
                 metrics_source: str = "output", metrics_file: str = "metrics.json",
                 training_output: str | None = None, task: str = "worker-0", aggregate: str = "last",
                 on_missing: str = "fail", modelarts_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_choices(metrics_source=metrics_source, aggregate=aggregate, on_missing=on_missing)
        self.metric = metric
        self.threshold = threshold
        self.comparison = comparison
        self.promote_task_ids = promote_task_ids
        self.skip_task_ids = skip_task_ids
        self.metrics = metrics
        self.metrics_path = metrics_path
        self.training_job_id = training_job_id
        self.metrics_source = metrics_source
        self.metrics_file = metrics_file
        self.training_output = training_output
        self.task = task
        self.aggregate = aggregate
        self.on_missing = on_missing
        self.modelarts_conn_id = modelarts_conn_id

    # ---- reading -----------------------------------------------------------------------------------------------
    def _read_obs_json(self, path: str) -> Any:
        from airflow_provider_modelarts.client.obs_paths import to_obs_url
        from airflow_provider_modelarts.hooks.obs import OBSHook

        url = to_obs_url(path)
        return parse_metrics(OBSHook(self.modelarts_conn_id).read_text(url), url)

    def _job_output(self, context: Context) -> str:
        """The job's output folder, from the upstream training task's XCom or one GET (:func:`.training_outputs`)."""
        from airflow_provider_modelarts.operators.training import training_output

        return training_output(self, context, str(self.training_job_id), self.hook.get_training_job,
                               self.training_output, f"holding {self.metrics_file}")

    def read_metrics(self, context: Context) -> Any:
        """The metrics document from the configured source.

        :param context: the task's context (the training job's outputs come from its upstream XCom).
        """
        if self.metrics not in (None, ""):
            return parse_metrics(self.metrics, "metrics (text)") if isinstance(self.metrics, str) else self.metrics
        if self.metrics_path:
            return self._read_obs_json(str(self.metrics_path))
        if self.metrics_source == "api":
            return self.hook.get_training_job_metrics(str(self.training_job_id), self.task)
        return self._read_obs_json(self._job_output(context) + self.metrics_file.lstrip("/"))

    # ---- deciding ----------------------------------------------------------------------------------------------
    def choose_branch(self, context: Context) -> str | Iterable[str] | None:
        with failing_on_spec_error():  # the arguments are checked before any read
            threshold = gate_threshold(metric=self.metric, threshold=self.threshold, comparison=self.comparison,
                                       sources={name: getattr(self, name) for name in METRICS_SOURCES})
            metrics = self.read_metrics(context)
        value = reduce_value(lookup(metrics, str(self.metric)), self.aggregate)
        ti = context["ti"]
        ti.xcom_push(key="metric_value", value=value)
        if value is None:
            available = sorted(metrics) if isinstance(metrics, Mapping) else type(metrics).__name__
            if self.on_missing == "fail":
                raise AirflowFailException(f"Metric {self.metric!r} is not a number in the metrics (available: "
                                           f"{available}).")
            self.log.warning("Metric %r is missing (available: %s): taking the skip branch", self.metric, available)
            passed = False
        else:
            passed = COMPARISONS[self.comparison](value, threshold)
        ti.xcom_push(key="gate_passed", value=passed)
        self.log.info("Metric %s = %s %s %s: %s", self.metric, value, self.comparison, threshold,
                      "PROMOTE" if passed else "SKIP")
        return self.promote_task_ids if passed else self.skip_task_ids
