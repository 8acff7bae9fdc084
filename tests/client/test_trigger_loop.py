"""The trigger's async loop against a fake async client (no HTTP): deadline, errors and log cadence.

The fake stands in for :class:`~airflow_provider_modelarts.client.aio.AsyncModelArtsClient` only: the trigger's
``run()``, the :class:`~airflow_provider_modelarts.client.waiter.Waiter` and ``apoll_once`` run for real.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from airflow_provider_modelarts.client.errors import ModelArtsServerError
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger


class FakeAsyncClient:
    """Answers each request with ``answer(req)`` (a value, or an exception to raise); records the kinds sent."""

    def __init__(self, answer: Callable[[ApiRequest], Any]) -> None:
        self.answer = answer
        self.kinds: list[str] = []

    async def __aenter__(self) -> FakeAsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def call(self, req: ApiRequest) -> Any:
        self.kinds.append(req.kind)
        result = self.answer(req)
        if isinstance(result, Exception):
            raise result
        return result


def _events(trigger: ModelArtsResourceTrigger, client: FakeAsyncClient) -> list[dict[str, Any]]:
    async def fake_client() -> FakeAsyncClient:
        return client

    trigger._client = fake_client  # type: ignore[method-assign]  # the connection, not the loop under test

    async def collect() -> list[dict[str, Any]]:
        return [event.payload async for event in trigger.run()]

    return asyncio.run(asyncio.wait_for(collect(), timeout=60))


def _server_error(req: ApiRequest) -> Any:
    return ModelArtsServerError(503, "APIG.0201", "backend unavailable", operation=req.kind)


def test_transient_error_past_the_deadline_ends_with_timeout_not_more_polling() -> None:
    """Issue 13: a transient error after the deadline must end the wait (as ``wait_sync`` does), not poll on."""
    client = FakeAsyncClient(_server_error)
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": "j"}, poll_interval=0.01,
                                       deadline=time.time() - 1, error_budget=5, stream_logs=False)
    events = _events(trigger, client)
    assert [e["status"] for e in events] == ["timeout"]
    assert client.kinds == ["training_v2.get"]  # one poll, then the deadline is checked


def test_errors_within_the_budget_are_retried_then_the_wait_fails() -> None:
    client = FakeAsyncClient(_server_error)
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": "j"}, poll_interval=0.001,
                                       error_budget=2, stream_logs=False)
    events = _events(trigger, client)
    assert [e["status"] for e in events] == ["error"] and "ModelArtsServerError" in events[0]["message"]
    assert client.kinds == ["training_v2.get"] * 3  # the budget (2) retried, the third failure ends it


def _job_then_done(polls_running: int, log: Callable[[int], str]) -> Callable[[ApiRequest], Any]:
    seen = {"get": 0}

    def answer(req: ApiRequest) -> Any:
        if req.kind == "training_v2.get":
            seen["get"] += 1
            phase = "Running" if seen["get"] <= polls_running else "Completed"
            return {"metadata": {"id": "j"}, "status": {"phase": phase}}
        text = log(seen["get"])
        return {"content": text, "full_size": len(text)}

    return answer


def test_a_log_that_does_not_grow_is_read_less_often_and_the_last_lines_are_read_at_the_end() -> None:
    """Log cadence: a silent log is read at a backed-off cadence; the final read always happens."""
    client = FakeAsyncClient(_job_then_done(40, lambda polls: "one\n" if polls < 40 else "one\ntwo\n"))
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": "j"}, poll_interval=0.001)
    events = _events(trigger, client)
    assert [e["status"] for e in events] == ["success"]
    assert client.kinds.count("training_v2.get") == 41
    reads = client.kinds.count("training_v2.logs")
    assert 2 <= reads <= 12, client.kinds  # 41 polls, a silent log: backed off (1, 2, 4, 8... polls apart)
    assert events[0]["log_tail"] == ["one", "two"] and events[0]["log_cursor"] == len("one\ntwo\n")


def test_a_growing_log_is_read_on_every_poll() -> None:
    client = FakeAsyncClient(_job_then_done(10, lambda polls: "".join(f"line {i}\n" for i in range(polls))))
    trigger = ModelArtsResourceTrigger("training_v2", {"training_job_id": "j"}, poll_interval=0.001)
    events = _events(trigger, client)
    assert [e["status"] for e in events] == ["success"]
    assert client.kinds.count("training_v2.logs") == client.kinds.count("training_v2.get") == 11
    assert events[0]["log_tail"][-1] == "line 10"
