"""Example DAG ``modelarts_service_watch``: wait for a service deployed elsewhere, then smoke-test it.

A release pipeline, another team or the console deploys (or restarts) a real-time service; this DAG gets its id
as a parameter.

1. ``wait_for_service`` (a sensor, deferrable: no worker slot while it waits) waits until the service given by
   ``params.service_id`` is ``running`` with every ``config[]`` instance ``ready``. A ``failed`` or ``stopped``
   service fails the sensor with the remote ``error_msg``.
2. ``smoke_predict`` sends ``params.payload`` to the service's ``access_address`` (signed like every call).
3. ``check_answer`` fails the run when the answer has no ``data.resp_data``.

Configuration: connection ``modelarts_default``; ``MODELARTS_EXAMPLE_POLL_INTERVAL`` (seconds, default 30).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from airflow.sdk import DAG, Param, task

from airflow_provider_modelarts.operators.services import ModelArtsPredictOperator
from airflow_provider_modelarts.sensors.services import ModelArtsServiceSensor

POLL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))


@task
def check_answer(answer: Any) -> dict[str, Any]:
    """The smoke test's verdict: the answer carries ``data.resp_data`` (the preset inference answer form)."""
    data = (answer or {}).get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or "resp_data" not in data:
        raise ValueError(f"The service answered without data.resp_data: {str(answer)[:300]}")
    return {"ok": True, "resp_data": data["resp_data"]}


with DAG(
    "modelarts_service_watch",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={
        "service_id": Param("", type="string", minLength=1, description="A service deployed elsewhere."),
        "payload": Param({"data": {"req_data": [{"x": 1}]}}, type="object",
                         description="The JSON body of the smoke-test prediction."),
    },
    tags=["modelarts", "example"],
    doc_md=__doc__,
    render_template_as_native_obj=True,
) as dag:
    wait_for_service = ModelArtsServiceSensor(task_id="wait_for_service", service_id="{{ params.service_id }}",
                                              poke_interval=POLL, timeout=3600, deferrable=True)
    smoke = ModelArtsPredictOperator(task_id="smoke_predict", service_id="{{ params.service_id }}",
                                     payload="{{ params.payload }}")
    wait_for_service >> smoke >> check_answer(smoke.output)
