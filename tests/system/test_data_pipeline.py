"""System test of ``dags_examples/modelarts_data_pipeline.py``: landing folder -> manifest -> import -> export of
the labeled subset -> download -> report, and the export as an Airflow Asset that schedules the consumer DAG."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.airflow_run import AIRFLOW, run_dag, ti_states, xcom

EXAMPLES = Path(__file__).resolve().parents[2] / "dags_examples"
ENV = {"AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLES), "MODELARTS_EXAMPLE_POLL_INTERVAL": "0.5"}
EXPORT_URI = "obs://modelarts-emulator/pipeline/exports/labeled"


def test_data_pipeline_imports_exports_reports_and_schedules_the_consumer(modelarts_conn, airflow_db) -> None:
    from airflow.models.asset import AssetDagRunQueue, AssetEvent
    from airflow.utils.session import create_session
    from sqlalchemy import select

    env = {**os.environ, **ENV}
    for cmd in (["dags", "reserialize"], ["dags", "unpause", "modelarts_labeled_data_consumer"]):
        subprocess.run([AIRFLOW, *cmd], check=True, capture_output=True, timeout=300, env=env)
    dr = run_dag("modelarts_data_pipeline", extra_env=ENV, timeout=600)
    states = ti_states(dr)
    assert set(states.values()) == {"success"}, (states, dr.output[-6000:])
    assert xcom(dr, "build_manifest")["sample_count"] == 12
    imported = xcom(dr, "import_manifest")
    assert imported["imported_sample_count"] == 12 and imported["annotated_sample_count"] == 12
    assert xcom(dr, "report") == {"samples": 12, "labels": {"bird": 4, "cat": 4, "dog": 4}}
    assert "labeled data report:" in dr.output
    with create_session() as session:
        events = session.scalars(select(AssetEvent).where(AssetEvent.source_run_id == dr.run_id)).all()
        assert EXPORT_URI in {e.asset.uri for e in events}
        queued = {(q.target_dag_id, q.asset.uri) for q in session.scalars(select(AssetDagRunQueue)).all()}
        assert ("modelarts_labeled_data_consumer", EXPORT_URI) in queued, queued
