"""Waiting for a resource to finish: the rules in one class (:class:`Waiter`), one sync loop (:func:`wait_sync`).

The async loop lives in the generic trigger (``triggers/modelarts.py``) and drives the very same
:class:`Waiter`: one poll is :meth:`Waiter.poll_steps` (no I/O), sent by :func:`poll_once` or :func:`apoll_once`,
and what follows a poll is :meth:`Waiter.after_poll`, so the two loops differ only in ``await``. The state tables decide what is done
(:func:`~.states.classify`).

Rules:

* poll every ``poll_interval`` seconds until the status is terminal or the ``deadline`` (epoch seconds) passes,
  at a fixed rate: each poll is due one interval after the previous one was due, so a slow answer or a busy
  event loop (a triggerer holding many waits) does not push every later poll back; a poll that fell a whole
  interval behind is sent at once, with no burst to catch up; a ``phase`` (the trigger's, from the resource's
  ids) puts the second poll up to one more interval later, once, so that waits that started together (a mapped
  task, a triggerer taking over another's waits) do not poll together forever;
* stream the log (when the resource has one), each line once, in order (a cursor): on every poll while it grows;
  a log that did not grow is read 1, 2, 4 ... up to ``log_every_max`` polls apart, and always on the last poll;
* an unknown status is logged once and polled on;
* transient errors while polling (429, 5xx, connection failures) are retried with backoff; the wait fails only
  after ``error_budget`` consecutive failures; the deadline is checked after every poll, failed or not;
* the outcome carries the final resource, its summary, the log cursor and the last log lines.
"""

from __future__ import annotations

import time
import zlib
from collections import deque
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.client.errors import (
    ModelArtsAmbiguousError,
    ModelArtsConnectionError,
    ModelArtsServerError,
    ModelArtsThrottledError,
)
from airflow_provider_modelarts.client.request import ApiRequest
from airflow_provider_modelarts.client.resources import spec_for
from airflow_provider_modelarts.client.states import RUNNING, UNKNOWN, Verdict, classify, table

if TYPE_CHECKING:
    from airflow_provider_modelarts.client.aio import AsyncModelArtsClient
    from airflow_provider_modelarts.client.transport import ModelArtsClient

TRANSIENT_ERRORS = (ModelArtsConnectionError, ModelArtsServerError, ModelArtsThrottledError, ModelArtsAmbiguousError)
TIMEOUT = "timeout"
#: a log that does not grow is read at most this many polls apart (see :class:`Waiter`)
LOG_EVERY_MAX = 8


@dataclass
class WaitOutcome:
    """How a wait ended. ``state`` is ``success``, ``failure``, ``stopped`` or ``timeout``."""

    kind: str
    ids: dict[str, Any]
    state: str
    status: Any
    message: str
    resource: dict[str, Any] | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    log_cursor: int = 0
    log_tail: list[str] = field(default_factory=list)
    polls: int = 0

    def to_event(self) -> dict[str, Any]:
        """The JSON-safe form sent by the trigger (no full resource: summaries only)."""
        return {"status": self.state, "kind": self.kind, "ids": self.ids, "resource_status": self.status,
                "message": self.message, "summary": self.summary, "log_cursor": self.log_cursor,
                "log_tail": self.log_tail, "polls": self.polls}

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> WaitOutcome:
        missing = [k for k in ("status", "kind", "ids", "message") if k not in event]
        if missing:
            raise ValueError(f"malformed trigger event, missing {missing}: {dict(event)!r}")
        return cls(kind=event["kind"], ids=dict(event["ids"]), state=event["status"],
                   status=event.get("resource_status"), message=event["message"],
                   summary=dict(event.get("summary") or {}), log_cursor=int(event.get("log_cursor") or 0),
                   log_tail=list(event.get("log_tail") or []), polls=int(event.get("polls") or 0))


#: what one poll returns: (outcome or None, resource or None, retry delay after a transient error or None)
PollResult = tuple[WaitOutcome | None, Mapping[str, Any] | None, float | None]


class Waiter:
    """The state of one wait, shared by the sync loop and the trigger.

    :param kind: resource kind (:mod:`.resources`).
    :param ids: ids of the resource.
    :param poll_interval: seconds between polls.
    :param deadline: epoch seconds, or None for no limit.
    :param expect_stop: a stop was requested: stopped counts as success.
    :param stream_logs: follow the log.
    :param log_cursor: where a previous reader stopped.
    :param error_budget: consecutive transient polling errors tolerated.
    :param tail_lines: how many of the last log lines the outcome carries.
    :param emit: where log lines and notes go (a logger's ``info``).
    :param overrides: status values moved to another class (:func:`~.states.with_overrides`).
    :param backoff_max: longest delay (seconds) after a transient polling error.
    :param log_every_max: a log that did not grow is read again after 1, 2, 4 ... polls, at most this many apart
        (1: on every poll); a log that grew is read on the next poll; the last poll always reads it.
    :param phase: a fraction of the interval in [0, 1): the second poll comes that much later, once (the polls
        of many waits spread over the interval; see :func:`phase_of`).
    """

    def __init__(self, kind: str, ids: Mapping[str, Any], *, poll_interval: float, deadline: float | None = None,
                 expect_stop: bool = False, stream_logs: bool = True, log_cursor: int = 0, error_budget: int = 10,
                 tail_lines: int = 30, emit: Callable[[str], None] = print, backoff_max: float = 60.0,
                 overrides: Mapping[str, Any] | None = None, log_every_max: int = LOG_EVERY_MAX,
                 phase: float = 0.0) -> None:
        if not 0.0 <= phase < 1.0:
            raise ValueError(f"phase must be in [0, 1), not {phase!r}")
        self.spec = spec_for(kind)
        self.kind = kind
        self.ids = self.spec.check_ids(ids)
        self.poll_interval = poll_interval
        self.deadline = deadline
        self.expect_stop = expect_stop
        self.overrides = dict(overrides) if overrides else None
        self.stream_logs = stream_logs and self.spec.logs is not None
        self.log_cursor = log_cursor
        self.error_budget = error_budget
        self.tail: deque[str] = deque(maxlen=tail_lines)
        self.emit = emit
        self.backoff_max = backoff_max
        self.log_every_max = max(1, int(log_every_max))
        self.polls = 0
        self.errors = 0
        self.last_resource: Mapping[str, Any] | None = None
        self._log_every = 1  # polls between two log reads now
        self._log_due = 0  # polls until the next log read (0: this one)
        self._due: float | None = None  # epoch seconds the next poll is due (None: not scheduled yet)
        self.phase = phase
        self._unknown_seen: set[Any] = set()
        self._last_seen: tuple[Any, Any] | None = None

    # ---- requests -----------------------------------------------------------------------------------------
    def get_request(self) -> ApiRequest:
        return self.spec.get(self.ids)

    def log_request(self, *, final: bool = False) -> ApiRequest | None:
        """The log read of this poll, or None (no log, or not due: see ``log_every_max``).

        :param final: the wait ends with this poll: the log is read whatever the cadence.
        """
        if not self.stream_logs or self.spec.logs is None:
            return None
        if not final and self._log_due > 0:
            self._log_due -= 1
            return None
        return self.spec.logs.request(self.ids, self.log_cursor)

    def poll_steps(self) -> Generator[ApiRequest, Any, PollResult]:
        """One poll without I/O: yields the requests to send, receives their answers (or a transient error thrown
        in), returns ``(outcome or None, resource or None, retry delay or None)``. :func:`poll_once` and
        :func:`apoll_once` only send what it yields, so the sync and async loops cannot drift apart.
        """
        try:
            resource = (yield self.get_request()) or {}
        except TRANSIENT_ERRORS as exc:
            return None, None, self.on_error(exc)
        verdict = self.observe(resource)
        log_req = self.log_request(final=verdict.done)
        if log_req is not None:
            try:
                self.on_log((yield log_req))
            except TRANSIENT_ERRORS as exc:
                self.emit(f"could not read the log this time: {exc}")
        return self.settle(verdict, resource), resource, None

    # ---- answers --------------------------------------------------------------------------------------------
    def on_log(self, data: Any) -> None:
        assert self.spec.logs is not None
        before = self.log_cursor
        lines, self.log_cursor = self.spec.logs.advance(data, self.log_cursor)
        for line in lines:
            self.tail.append(line)
            self.emit(line)
        grew = bool(lines) or self.log_cursor != before
        self._log_every = 1 if grew else min(self.log_every_max, self._log_every * 2)
        self._log_due = self._log_every - 1

    def observe(self, resource: Mapping[str, Any]) -> Verdict:
        """Classify one observation (a successful poll: the error count restarts); unknown statuses noted once."""
        self.polls += 1
        self.errors = 0
        verdict = classify(self.kind, resource, expect_stop=self.expect_stop, overrides=self.overrides)
        seen = (verdict.status, table(self.kind).detail_of(resource))
        if seen != self._last_seen:  # each change of status (and of its finer status) once in the log
            self._last_seen = seen
            self.emit(f"{self.kind} {' '.join(str(v) for v in self.ids.values())} is {seen[0]}"
                      + (f" ({seen[1]})" if seen[1] not in (None, "", seen[0]) else ""))
        if verdict.state == UNKNOWN and verdict.status not in self._unknown_seen:
            self._unknown_seen.add(verdict.status)
            self.emit(f"{self.kind} reports a status this provider does not know ({verdict.status!r}); "
                      "polling on")
        return verdict

    def settle(self, verdict: Verdict, resource: Mapping[str, Any]) -> WaitOutcome | None:
        """The outcome of an observation when the wait is over, else None."""
        return self.outcome(verdict, resource) if verdict.done else None

    def on_resource(self, resource: Mapping[str, Any]) -> WaitOutcome | None:
        """Classify one observation; an outcome when the wait is over."""
        return self.settle(self.observe(resource), resource)

    def outcome(self, verdict: Verdict, resource: Mapping[str, Any] | None, state: str | None = None) -> WaitOutcome:
        summary = self.spec.summarize(resource) if (self.spec.summarize and resource) else {}
        return WaitOutcome(self.kind, dict(self.ids), state or verdict.state, verdict.status, verdict.message,
                           dict(resource) if resource else None, summary, self.log_cursor, list(self.tail),
                           self.polls)

    def on_error(self, exc: Exception) -> float:
        """A transient polling error: the delay before the next try, or the error re-raised past the budget."""
        self.errors += 1
        if self.errors > self.error_budget:
            raise exc
        delay = min(self.backoff_max, self.poll_interval * (2 ** (self.errors - 1)))
        self.emit(f"transient error while polling {self.kind} ({self.errors}/{self.error_budget}): {exc}; "
                  f"retrying in {delay:.1f}s")
        return delay

    def timed_out(self, now: float) -> bool:
        return self.deadline is not None and now >= self.deadline

    def timeout_outcome(self, resource: Mapping[str, Any] | None) -> WaitOutcome:
        verdict = classify(self.kind, resource) if resource else Verdict(self.kind, None, RUNNING, "")
        message = f"{self.kind} {self.ids} did not finish before the deadline (last status {verdict.status})"
        return self.outcome(Verdict(self.kind, verdict.status, TIMEOUT, message), resource, TIMEOUT)

    def next_sleep(self, now: float, delay: float | None = None) -> float:
        """Seconds to sleep before the next poll, never past the deadline: ``delay`` after a transient error, else
        until one poll interval after the previous poll was due (the first: one interval and the ``phase`` from
        ``now``), and not before ``now`` (a poll that fell behind is sent at once; the schedule goes on from it).

        :param now: epoch seconds, when the poll ended.
        :param delay: the retry delay of a transient error (None: the poll interval's schedule).
        """
        if delay is not None:
            self._due = now + delay
        elif self._due is None:
            self._due = now + self.poll_interval * (1.0 + self.phase)
        else:
            self._due = max(now, self._due + self.poll_interval)
        wanted = self._due - now
        if self.deadline is None:
            return wanted
        return max(0.0, min(wanted, self.deadline - now))

    def after_poll(self, result: PollResult, now: float) -> tuple[WaitOutcome | None, float]:
        """What both loops do after a poll: ``(outcome, 0)`` when the wait is over (done, or the deadline passed,
        also after a transient error), else ``(None, seconds to sleep)``.

        :param result: what :func:`poll_once` / :func:`apoll_once` returned.
        :param now: epoch seconds.
        """
        outcome, resource, retry_delay = result
        if resource is not None:
            self.last_resource = resource
        if outcome is not None:
            return outcome, 0.0
        if self.timed_out(now):
            return self.timeout_outcome(self.last_resource), 0.0
        return None, self.next_sleep(now, retry_delay)


class PollRun:
    """One poll's :meth:`Waiter.poll_steps` as both loops drive it: the request to send next (None once the steps
    are over), fed the answer or the transient error; then the poll's result.

    :param waiter: the waiter whose steps to run.
    """

    def __init__(self, waiter: Waiter) -> None:
        self._steps = waiter.poll_steps()
        self.request: ApiRequest | None = next(self._steps)
        self.result: PollResult = (None, None, None)

    def feed(self, answer: Any = None, error: Exception | None = None) -> None:
        """Give the steps the answer to :attr:`request` (or the transient ``error`` it raised).

        :param answer: the decoded answer.
        :param error: the transient error instead of an answer.
        """
        try:
            self.request = self._steps.send(answer) if error is None else self._steps.throw(error)
        except StopIteration as done:
            self.request, self.result = None, done.value


def phase_of(kind: str, ids: Mapping[str, Any]) -> float:
    """A stable fraction in [0, 1) for one resource (the same on every triggerer that runs its wait): the
    :class:`Waiter` ``phase`` of a trigger, so that many waits spread their polls over the interval.

    :param kind: the resource kind.
    :param ids: the resource's ids.
    """
    key = kind + "".join(f"|{name}={ids[name]}" for name in sorted(ids))
    return zlib.crc32(key.encode("utf-8")) / 2**32


def poll_once(client: ModelArtsClient, waiter: Waiter) -> PollResult:
    """One poll: read the resource and, when due, its new log lines. Returns (outcome or None, resource, retry
    delay)."""
    run = PollRun(waiter)
    while run.request is not None:
        try:
            answer = client.call(run.request)
        except TRANSIENT_ERRORS as exc:
            run.feed(error=exc)
        else:
            run.feed(answer)
    return run.result


async def apoll_once(client: AsyncModelArtsClient, waiter: Waiter) -> PollResult:
    """:func:`poll_once` with the async client (the trigger's poll): the same steps, awaited."""
    run = PollRun(waiter)
    while run.request is not None:
        try:
            answer = await client.call(run.request)
        except TRANSIENT_ERRORS as exc:
            run.feed(error=exc)
        else:
            run.feed(answer)
    return run.result


def wait_sync(client: ModelArtsClient, waiter: Waiter, *, sleep: Callable[[float], None] = time.sleep,
              now: Callable[[], float] = time.time) -> WaitOutcome:
    """Poll until the resource is done or the deadline passes (the synchronous loop)."""
    while True:
        outcome, delay = waiter.after_poll(poll_once(client, waiter), now())
        if outcome is not None:
            return outcome
        sleep(delay)
