"""The poll schedule of both loops (:meth:`Waiter.next_sleep`): a fixed rate, not a fixed delay.

A poll that takes time (a slow answer, or a triggerer's event loop busy with a thousand other waits) must not push
every later poll back by that time: each poll is due one interval after the previous one was due. These drive the
real :func:`wait_sync` with a client whose answers take fake time.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.waiter import Waiter, phase_of, wait_sync


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class SlowClient:
    """A sync client whose every answer takes ``took[i]`` seconds of the fake clock; Completed after ``running``."""

    def __init__(self, clock: Clock, took: list[float], running: int) -> None:
        self.clock, self.took, self.running, self.reads = clock, took, running, []

    def call(self, req: ApiRequest) -> Any:
        self.clock.now += self.took[len(self.reads) % len(self.took)]
        self.reads.append(self.clock.now)
        phase = "Running" if len(self.reads) <= self.running else "Completed"
        return {"metadata": {"id": "j"}, "status": {"phase": phase}}


def _wait(took: list[float], running: int = 5, interval: float = 1.0, deadline: float | None = None) -> tuple[
        Clock, SlowClient, Any]:
    clock = Clock()
    client = SlowClient(clock, took, running)
    waiter = Waiter("training_v2", {"training_job_id": "j"}, poll_interval=interval, stream_logs=False,
                    deadline=deadline, emit=lambda _line: None)
    outcome = wait_sync(client, waiter, sleep=clock.sleep, now=lambda: clock.now)  # type: ignore[arg-type]
    return clock, client, outcome


def test_slow_answers_do_not_push_later_polls_back() -> None:
    clock, client, outcome = _wait(took=[0.3])
    assert outcome.state == "success"
    # the first sleep is a whole interval (nothing was due before); then each poll is due 1 s after the last was
    assert clock.sleeps == [1.0, 0.7, 0.7, 0.7, 0.7]
    gaps = [round(b - a, 6) for a, b in zip(client.reads, client.reads[1:], strict=False)]
    assert gaps == [1.3, 1.0, 1.0, 1.0, 1.0]


def test_a_poll_that_fell_behind_is_sent_at_once_without_a_burst_to_catch_up() -> None:
    clock, client, _ = _wait(took=[0.1, 0.1, 2.5, 0.1, 0.1, 0.1])
    # the third answer took 2.5 s (over two intervals): the next poll at once, then the rate again from there
    assert clock.sleeps == [1.0, 0.9, 0.0, 0.9, 0.9]


def test_the_schedule_never_sleeps_past_the_deadline() -> None:
    clock, _, outcome = _wait(took=[0.3], running=50, deadline=1_003.5)
    assert outcome.state == "timeout"
    assert clock.now <= 1_003.5 + 0.3 and all(s >= 0 for s in clock.sleeps)


def test_a_phase_puts_the_second_poll_later_once_then_the_rate_holds() -> None:
    clock = Clock()
    client = SlowClient(clock, [0.0], running=4)
    waiter = Waiter("training_v2", {"training_job_id": "j"}, poll_interval=2.0, stream_logs=False, phase=0.25,
                    emit=lambda _line: None)
    wait_sync(client, waiter, sleep=clock.sleep, now=lambda: clock.now)  # type: ignore[arg-type]
    assert clock.sleeps == [2.5, 2.0, 2.0, 2.0]


def test_the_phase_of_a_resource_is_stable_and_spreads_many_waits() -> None:
    phases = [phase_of("training_v2", {"training_job_id": f"job-{i}"}) for i in range(1000)]
    assert phases[7] == phase_of("training_v2", {"training_job_id": "job-7"})  # the same on every triggerer
    assert all(0.0 <= p < 1.0 for p in phases)
    # spread over the interval: every tenth of it holds some of the 1,000 waits, none holds a fifth of them
    tenths = [sum(1 for p in phases if k / 10 <= p < (k + 1) / 10) for k in range(10)]
    assert min(tenths) > 50 and max(tenths) < 200, tenths
    assert phase_of("training_v2", {"a": 1, "b": 2}) == phase_of("training_v2", {"b": 2, "a": 1})


def test_a_phase_outside_the_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="phase"):
        Waiter("training_v2", {"training_job_id": "j"}, poll_interval=1.0, phase=1.0)
