"""Emulator security: requests with a bad signature, a stale ``X-Sdk-Date``, no or a garbled token, an expired
token, or a credential of another project are all rejected, and nothing changes (resources counted before and
after, the target job's phase unchanged)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from tests.reliability.helpers import training_job

BODY = {"kind": "job", "metadata": {"name": "rel-security"},
        "algorithm": {"code_dir": "obs://modelarts-emulator/code/", "boot_file": "obs://modelarts-emulator/code/train.py",
                      "engine": {"engine_name": "PyTorch", "engine_version": "PyTorch-1.4.0-python3.6-v2"},
                      "environments": {"MODELARTS_EMULATOR_OUTCOME": "stuck"}},
        "spec": {"resource": {"flavor_id": "modelarts.vm.cpu.8u", "node_count": 1}}}


def _signed(emulator, method: str, path: str, body: bytes | None, *, ak: str, sk: str,
            now: datetime | None = None, tamper: bool = False) -> dict[str, str]:
    from airflow_provider_modelarts.client.signer import sign_request

    headers = {"Content-Type": "application/json"}
    signed = sign_request(method, emulator.url + path, headers, body, ak, sk, now=now).headers
    if tamper:
        auth = signed["Authorization"]
        signed["Authorization"] = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    return signed


def _credentials(emulator) -> dict[str, Any]:
    """name -> (headers factory (method, path, body) -> headers, project id used in the path, expected status)."""
    p, other = emulator.project_id, emulator.other_project_id
    expired = emulator.token(refresh=True)
    emulator.expire_tokens()
    return {
        "bad signature": (lambda m, path, b: _signed(emulator, m, path, b, ak=emulator.ak, sk=emulator.sk,
                                                     tamper=True), p, 401),
        "stale X-Sdk-Date": (lambda m, path, b: _signed(emulator, m, path, b, ak=emulator.ak, sk=emulator.sk,
                                                        now=datetime.now(UTC) - timedelta(minutes=20)), p, 401),
        "wrong SK": (lambda m, path, b: _signed(emulator, m, path, b, ak=emulator.ak, sk=emulator.sk[::-1]), p, 401),
        "missing token": (lambda m, path, b: {"Content-Type": "application/json"}, p, 401),
        "garbled token": (lambda m, path, b: {"Content-Type": "application/json", "X-Auth-Token": "x" * 40}, p, 401),
        "expired token": (lambda m, path, b: {"Content-Type": "application/json", "X-Auth-Token": expired}, p, 401),
        "other project's AK": (lambda m, path, b: _signed(emulator, m, path, b, ak=emulator.other_ak,
                                                          sk=emulator.other_sk), p, 403),
        "token into another project": (lambda m, path, b: emulator.headers(), other, 403),
    }


def _state(emulator) -> dict[str, Any]:
    """Resource counts in both projects (through valid credentials)."""
    def total(project: str, headers: dict[str, str]) -> int:
        r = requests.post(f"{emulator.url}/v2/{project}/training-job-searches", json={"limit": 1, "offset": 0},
                          headers=headers, timeout=10)
        r.raise_for_status()
        return int(r.json()["total"])

    own = total(emulator.project_id, emulator.headers())
    path = f"/v2/{emulator.other_project_id}/training-job-searches"
    body = json.dumps({"limit": 1, "offset": 0}).encode()
    other_headers = _signed(emulator, "POST", path, body, ak=emulator.other_ak, sk=emulator.other_sk)
    r = requests.post(emulator.url + path, data=body, headers=other_headers, timeout=10)
    r.raise_for_status()
    return {"own": own, "other": int(r.json()["total"])}


@pytest.fixture
def running_job(emulator) -> str:
    r = requests.post(f"{emulator.url}/v2/{emulator.project_id}/training-jobs", json=BODY, headers=emulator.headers(),
                      timeout=10)
    assert r.status_code == 201, r.text
    return str(r.json()["metadata"]["id"])


def test_every_bad_credential_is_rejected_and_changes_nothing(emulator, running_job) -> None:
    creds = _credentials(emulator)
    before, phase = _state(emulator), training_job(emulator, running_job)["status"]["phase"]
    body = json.dumps(BODY).encode()
    emulator.clear_requests()
    outcomes = {}
    for name, (headers_for, project, expected) in creds.items():
        for method, path, data in (
                ("POST", f"/v2/{project}/training-jobs", body),
                ("POST", f"/v2/{project}/training-jobs/{running_job}/actions", b'{"action_type": "terminate"}'),
                ("DELETE", f"/v2/{project}/training-jobs/{running_job}", None)):
            r = requests.request(method, emulator.url + path, data=data, headers=headers_for(method, path, data),
                                 timeout=10)
            outcomes[(name, method, path.rsplit("/", 1)[-1])] = r.status_code
            assert r.status_code == expected, (name, method, path, r.status_code, r.text)
    assert _state(emulator) == before, outcomes
    # the job was neither terminated nor deleted (it may have moved on by itself: its clock runs while a loaded
    # machine sends the 27 requests, so the phase is compared with the natural order, not for equality)
    natural = ["Creating", "Pending", "Running", "Completed"]
    after = training_job(emulator, running_job)["status"]["phase"]
    assert after in natural and natural.index(after) >= natural.index(phase), (phase, after)
    assert emulator.count("training_v2.create") == len(creds)  # every attempt reached the emulator...
    assert emulator.requests("training_v2.*", status=201) == []  # ...and none created anything
