"""ModelArts console links, persisted as XCom before the task waits or defers.

The operator calls ``persist`` as soon as the remote id is known; Airflow then shows the link (the
task instance's "Extra Links"), even while the task is deferred.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from airflow.sdk import BaseOperatorLink

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.definitions.context import Context
    from airflow.sdk.types import TaskInstanceKey

CONSOLE = "https://console.huaweicloud.com/modelarts/?region={region}#"


class ModelArtsConsoleLink(BaseOperatorLink):
    """Base link: ``format_str`` is filled from the dict persisted under ``key``."""

    name: ClassVar[str] = "ModelArts Console"  # type: ignore[misc]
    key: ClassVar[str] = "modelarts_console"
    format_str: ClassVar[str] = CONSOLE + "/dashboard"

    @classmethod
    def persist(cls, context: Context, **values: Any) -> None:
        context["ti"].xcom_push(key=cls.key, value=values)

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        from airflow.sdk.execution_time.xcom import XCom

        try:
            values = XCom.get_value(key=self.key, ti_key=ti_key)
            return self.format_str.format(**values) if values else ""
        except Exception:  # a link must never fail the task or the UI
            return ""


class ModelArtsTrainingJobLink(ModelArtsConsoleLink):
    """The v2 training job's page in the ModelArts console."""

    name = "ModelArts Training Job"
    key = "modelarts_training_job_link"
    format_str = CONSOLE + "/trainingJobs/trainingJobDetail?jobId={training_job_id}"
