"""The poll schedule of both loops (:meth:`Waiter.next_sleep`): a fixed rate, not a fixed delay.

A poll that takes time (a slow answer, or a triggerer's event loop busy with a thousand other waits) must not push
every later poll back by that time: each poll is due one interval after the previous one was due. These drive the
real :func:`wait_sync` with a client whose answers take fake time.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.waiter import Waiter, wait_sync


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
