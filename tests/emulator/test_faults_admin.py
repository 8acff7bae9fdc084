"""Fault injection and the admin API, over HTTP against the session emulator (and a private one for resets).

Faulted calls use the IAM route ``GET /v3/projects`` (kind ``iam.projects.list``), which the fault configuration
names explicitly because IAM kinds are excluded by default.
"""

from __future__ import annotations

import time

import pytest
import requests

from airflow_provider_modelarts.emulator.faults import FaultInjector
from airflow_provider_modelarts.emulator.testing import EmulatorHandle, start_emulator

KIND = "iam.projects.list"


def call(handle: EmulatorHandle, token: str) -> requests.Response:
    return requests.get(f"{handle.url}/v3/projects", params={"name": handle.project_name},
                        headers={"X-Auth-Token": token}, timeout=10)


# ---- the injector itself ---------------------------------------------------------------------------------
def decisions(seed: int, n: int = 300) -> list[str]:
    injector = FaultInjector(seed=0)
    injector.configure({"seed": seed, "rates": {"429": 0.2, "500": 0.1, "503": 0.1, "reset": 0.05}})
    return [(f.name if (f := injector.decide("training_v2.create")) else "ok") for _ in range(n)]


def test_same_seed_gives_the_same_decisions() -> None:
    first, again, other = decisions(7), decisions(7), decisions(8)
    assert first == again
    assert first != other
    assert set(first) == {"ok", "429", "500", "503", "reset"}
    assert 0.3 < first.count("ok") / len(first) < 0.8


def test_kinds_select_requests_and_iam_is_excluded_by_default() -> None:
    injector = FaultInjector()
    injector.configure({"rates": {"500": 1.0}})
    assert injector.decide("training_v2.create") is not None
    assert injector.decide("iam.token.create") is None
    injector.configure({"rates": {"500": 1.0}, "kinds": ["datasets.*", "iam.token.*"]})
    assert injector.decide("datasets.list") is not None
    assert injector.decide("training_v2.create") is None
    assert injector.decide("iam.token.create") is not None
    injector.configure({"rates": {"500": 1.0}, "kinds": ["*"]})
    assert injector.decide("iam.token.create") is None


def test_invalid_configurations_are_rejected() -> None:
    injector = FaultInjector()
    for bad in ({"rates": {"418": 0.1}}, {"rates": {"500": 1.5}}, {"rates": {"500": 0.6, "503": 0.6}},
                {"sequence": ["boom"]}, {"kinds": "training"}, {"latency": 3}, {"max_faults": -1}):
        with pytest.raises(ValueError):
            injector.configure(bad)


# ---- over HTTP ---------------------------------------------------------------------------------------------
def test_sequence_script_and_error_shapes(emulator: EmulatorHandle) -> None:
    token = emulator.token()
    emulator.set_faults({"kinds": [KIND], "sequence": ["503", "ok", "429", "500"]})
    answers = [call(emulator, token) for _ in range(5)]
    assert [a.status_code for a in answers] == [503, 200, 429, 500, 200]
    assert answers[0].json() == {"error_code": "ModelArts.4700", "error_msg": "Unavailable gateway."}
    assert answers[2].headers["Retry-After"] == "1"
    assert answers[2].json() == {"error_code": "ModelArts.2799", "error_msg": "Too many requests."}
    assert answers[3].json()["error_code"] == "ModelArts.0010"
    assert [e["fault"] for e in emulator.requests(KIND)] == ["503", None, "429", "500", None]


def test_reset_fault_drops_the_connection(emulator: EmulatorHandle) -> None:
    token = emulator.token()
    emulator.set_faults({"kinds": [KIND], "sequence": ["reset"]})
    with pytest.raises(requests.exceptions.ConnectionError):
        call(emulator, token)
    assert call(emulator, token).status_code == 200
    assert [e["status"] for e in emulator.requests(KIND)] == [0, 200]


def test_drop_reply_applies_the_request_then_drops_the_connection(emulator: EmulatorHandle) -> None:
    """The lost-reply trap: the create happened, but the client only sees a reset."""
    url = f"{emulator.url}/v1/{emulator.project_id}/models"
    body = {"model_name": "dropped", "model_version": "1.0.0", "model_type": "Image",
            "source_location": "swr.cn-north-4.myhuaweicloud.com/org/infer:1.0"}
    emulator.set_faults({"kinds": ["models.create"], "sequence": ["drop_reply"]})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.post(url, json=body, headers=emulator.headers(), timeout=10)
    listed = requests.get(url, params={"model_name": "dropped"}, headers=emulator.headers(), timeout=10).json()
    assert [m["model_name"] for m in listed["models"]] == ["dropped"]
    (entry,) = emulator.requests("models.create")
    assert (entry["fault"], entry["status"], entry["applied_status"]) == ("drop_reply", 0, 200)


def test_rates_are_deterministic_over_http(emulator: EmulatorHandle) -> None:
    token = emulator.token()

    def run() -> list[int]:
        emulator.set_faults({"kinds": [KIND], "seed": 42, "rates": {"500": 0.3, "429": 0.3}})
        return [call(emulator, token).status_code for _ in range(20)]

    first, second = run(), run()
    assert first == second
    assert {200, 429, 500} <= set(first)


def test_max_faults_and_latency(emulator: EmulatorHandle) -> None:
    token = emulator.token()
    emulator.set_faults({"kinds": [KIND], "rates": {"500": 1.0}, "max_faults": 2})
    assert [call(emulator, token).status_code for _ in range(3)] == [500, 500, 200]
    state = emulator.admin("GET", "faults")
    assert state["injected"] == 2
    emulator.set_faults({"kinds": [KIND], "latency_ms": 300})
    started = time.monotonic()
    assert call(emulator, token).status_code == 200
    assert time.monotonic() - started >= 0.3
    emulator.admin("DELETE", "faults")
    assert emulator.admin("GET", "faults")["config"] == {}


def test_bad_fault_configuration_is_400(emulator: EmulatorHandle) -> None:
    resp = requests.post(f"{emulator.url}/_emulator/faults", json={"rates": {"500": 2}}, timeout=10)
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "Emulator.0400"


def test_request_log_counts_exactly(emulator: EmulatorHandle) -> None:
    token = emulator.token()
    for _ in range(3):
        call(emulator, token)
    requests.get(f"{emulator.url}/v3/projects", timeout=10)  # 401
    requests.get(f"{emulator.url}/v2/{emulator.project_id}/no-such-api", timeout=10)  # 404
    assert emulator.count(KIND) == 4
    assert emulator.count("unknown") == 1
    assert len(emulator.requests(KIND, status=200)) == 3
    assert len(emulator.requests("iam.*", status=401)) == 1
    entry = emulator.requests(KIND)[0]
    assert entry["method"] == "GET" and entry["path"] == "/v3/projects" and "name=" in entry["query"]
    counts = emulator.admin("GET", "requests/counts")
    assert counts[KIND] == 4
    emulator.clear_requests()
    assert emulator.requests() == []


def test_outcome_rules_round_trip(emulator: EmulatorHandle) -> None:
    rule = emulator.set_outcome("training_v2", "fail", match="nightly", count=2)
    assert rule == {"kind": "training_v2", "outcome": "fail", "match": "nightly", "count": 2}
    emulator.set_outcome("model", "stuck", count=None)
    assert [r["kind"] for r in emulator.admin("GET", "outcomes")["rules"]] == ["training_v2", "model"]
    assert emulator.emu is not None
    with emulator.emu.lock:
        assert emulator.emu.outcomes.take("training_v2", "job-nightly-1") == "fail"
        assert emulator.emu.outcomes.take("training_v2", "job-daily") == "success"
    assert emulator.admin("GET", "outcomes")["rules"][0]["count"] == 1
    bad = requests.post(f"{emulator.url}/_emulator/outcomes", json={"kind": "x", "outcome": "fail", "count": 0},
                        timeout=10)
    assert bad.status_code == 400
    emulator.admin("DELETE", "outcomes")
    assert emulator.admin("GET", "outcomes")["rules"] == []


def test_clock_advance_moves_emulated_time(emulator: EmulatorHandle) -> None:
    before = emulator.admin("GET", "clock")["now"]
    after = emulator.advance(3600)
    assert 3600 <= after - before < 3700
    assert requests.post(f"{emulator.url}/_emulator/clock/advance", json={"seconds": "x"}, timeout=10).status_code \
        == 400


def test_health_and_config(emulator: EmulatorHandle) -> None:
    health = requests.get(f"{emulator.url}/_emulator/health", timeout=10).json()
    assert health["status"] == "ok" and health["speed"] == 10.0 and health["obs"] is True
    config = emulator.admin("GET", "config")
    assert config["default"]["project_id"] == emulator.project_id
    assert config["obs_url"] == emulator.obs_url
    remote = EmulatorHandle.from_url(emulator.url)
    assert (remote.ak, remote.sk, remote.user, remote.other_project_id) == (
        emulator.ak, emulator.sk, emulator.user, emulator.other_project_id)
    assert remote.token()
    assert requests.get(f"{emulator.url}/_emulator/nothing", timeout=10).status_code == 404


def test_reset_and_token_expiry_on_a_private_emulator() -> None:
    with start_emulator(obs=False) as handle:
        token = handle.token()
        assert call(handle, token).status_code == 200
        handle.set_outcome("training_v2", "fail")
        handle.expire_tokens()
        assert call(handle, token).status_code == 401
        fresh = handle.token()
        assert call(handle, fresh).status_code == 200
        handle.reset()
        assert handle.admin("GET", "outcomes")["rules"] == []
        assert handle.requests() == []
        assert call(handle, fresh).status_code == 401  # tokens are forgotten
        assert call(handle, handle.token()).status_code == 200
