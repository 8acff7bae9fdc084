"""Secrets scan (last in the folder): no AK/SK, password, token or request signature in any log, XCom or
exception text the suite produced.

Read: every text the other reliability tests collected (DAG output, exception messages), the output of DAG runs
made here with the IAM-user (password, tokens) and AK/SK connections, succeeding and failing, every file under
``$AIRFLOW_HOME/logs``, and the XCom, rendered-template and DAG-run tables of the metadata DB. Searched for: every
SK and password of the emulator's identities, every IAM token it issued, and ``Signature=``.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.airflow_run import run_dag, ti_states
from tests.reliability.helpers import PRODUCED, iam_user_connection


def _secrets(emulator) -> dict[str, str]:
    """name -> value of everything that must never be printed (only names are ever reported)."""
    config = emulator.admin("GET", "config")["identities"]
    out = {f"SK of {k['ak']}": k["sk"] for k in config.get("access_keys", [])}
    out |= {f"password of {u['name']}": u["password"] for d in config.get("domains", []) for u in d.get("users", [])}
    out |= {f"security token of {k['ak']}": k["security_token"] for k in config.get("access_keys", [])
            if k.get("security_token")}
    if emulator.emu is not None:
        out |= {f"IAM token #{i}": token for i, token in enumerate(emulator.emu.tokens)}
    out["a request signature"] = "Signature="
    return out


def _db_texts() -> dict[str, str]:
    from airflow.models.dagrun import DagRun
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    texts: dict[str, str] = {}
    with create_session() as session:
        for row in session.scalars(select(XComModel)):
            texts[f"xcom {row.dag_id}/{row.run_id}/{row.task_id}/{row.key}"] = repr(row.value)
        for row in session.scalars(select(RenderedTaskInstanceFields)):
            texts[f"rendered fields {row.dag_id}/{row.run_id}/{row.task_id}"] = repr(row.rendered_fields)
        for row in session.scalars(select(DagRun)):
            texts[f"dag run conf {row.dag_id}/{row.run_id}"] = repr(row.conf)
    return texts


def _log_files() -> dict[str, str]:
    root = Path(os.environ["AIRFLOW_HOME"]) / "logs"
    return {f"log file {p.relative_to(root)}": p.read_text(errors="replace") for p in root.rglob("*") if p.is_file()}


def test_no_secret_in_any_log_xcom_or_exception(emulator, monkeypatch) -> None:
    aksk = os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"]
    runs = []
    for conn in (iam_user_connection(emulator), aksk):
        monkeypatch.setenv("AIRFLOW_CONN_MODELARTS_DEFAULT", conn)
        runs += [run_dag("rel_secrets_ok"), run_dag("rel_secrets_fail")]
    assert [ti_states(r) for r in runs] == [{"train": "success"}, {"train": "failed", "bad_spec": "failed"}] * 2
    assert emulator.count("iam.token.create") >= 1 and emulator.count("training_v2.create") >= 4
    texts = {f"output of {r.dag_id} #{i}": r.output for i, r in enumerate(runs)}
    texts |= {f"collected text #{i}": t for i, t in enumerate(PRODUCED)}
    texts |= _log_files() | _db_texts()
    assert sum(len(t) for t in texts.values()) > 10_000, "too little was scanned to prove anything"
    secrets = _secrets(emulator)
    hits = sorted({(source, name) for source, text in texts.items() for name, value in secrets.items()
                   if value and value in text})
    assert not hits, f"secrets found (source, what): {hits[:20]}"
