"""Waiting for a resource to finish: the rules in one class (:class:`Waiter`), one sync loop (:func:`wait_sync`).

The async loop lives in the generic trigger (``triggers/modelarts.py``) and drives the very same
:class:`Waiter`; the two loops differ only in ``await``. The state tables decide what is done
(:func:`~.states.classify`).

Rules:

* poll every ``poll_interval`` seconds until the status is terminal or the ``deadline`` (epoch seconds) passes;
* stream the log (when the resource has one) on every poll, each line once, in order (a cursor);
* an unknown status is logged once and polled on;
* transient errors while polling (429, 5xx, connection failures) are retried with backoff; the wait fails only
  after ``error_budget`` consecutive failures;
* the outcome carries the final resource, its summary, the log cursor and the last log lines.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
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
    from airflow_provider_modelarts.client.transport import ModelArtsClient

TRANSIENT_ERRORS = (ModelArtsConnectionError, ModelArtsServerError, ModelArtsThrottledError, ModelArtsAmbiguousError)
TIMEOUT = "timeout"


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


class Waiter:
    """The state of one wait, shared by the sync loop and the trigger.

    :param kind: resource kind (:mod:`.resources`). :param ids: ids of the resource.
    :param poll_interval: seconds between polls. :param deadline: epoch seconds, or None for no limit.
    :param expect_stop: a stop was requested: stopped counts as success.
    :param stream_logs: follow the log. :param log_cursor: where a previous reader stopped.
    :param error_budget: consecutive transient polling errors tolerated.
    :param emit: where log lines and notes go (a logger's ``info``).
    :param overrides: status values moved to another class (:func:`~.states.with_overrides`).
    """

    def __init__(self, kind: str, ids: Mapping[str, Any], *, poll_interval: float, deadline: float | None = None,
                 expect_stop: bool = False, stream_logs: bool = True, log_cursor: int = 0, error_budget: int = 10,
                 tail_lines: int = 30, emit: Callable[[str], None] = print, backoff_max: float = 60.0,
                 overrides: Mapping[str, Any] | None = None) -> None:
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
        self.polls = 0
        self.errors = 0
        self._unknown_seen: set[Any] = set()
        self._last_seen: tuple[Any, Any] | None = None

    # ---- requests -----------------------------------------------------------------------------------------
    def get_request(self) -> ApiRequest:
        return self.spec.get(self.ids)

    def log_request(self) -> ApiRequest | None:
        if not self.stream_logs or self.spec.logs is None:
            return None
        return self.spec.logs.request(self.ids, self.log_cursor)

    # ---- answers --------------------------------------------------------------------------------------------
    def on_log(self, data: Any) -> None:
        assert self.spec.logs is not None
        lines, self.log_cursor = self.spec.logs.advance(data, self.log_cursor)
        for line in lines:
            self.tail.append(line)
            self.emit(line)

    def on_resource(self, resource: Mapping[str, Any]) -> WaitOutcome | None:
        """Classify one observation; an outcome when the wait is over."""
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
        if not verdict.done:
            return None
        return self.outcome(verdict, resource)

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

    def next_sleep(self, now: float) -> float:
        if self.deadline is None:
            return self.poll_interval
        return max(0.0, min(self.poll_interval, self.deadline - now))


def poll_once(client: ModelArtsClient, waiter: Waiter) -> tuple[WaitOutcome | None, Mapping[str, Any] | None,
                                                                 float | None]:
    """One poll: read the resource and its new log lines. Returns (outcome or None, resource, retry delay)."""
    try:
        resource = client.call(waiter.get_request())
    except TRANSIENT_ERRORS as exc:
        return None, None, waiter.on_error(exc)
    log_req = waiter.log_request()
    if log_req is not None:
        try:
            waiter.on_log(client.call(log_req))
        except TRANSIENT_ERRORS as exc:
            waiter.emit(f"could not read the log this time: {exc}")
    return waiter.on_resource(resource or {}), resource, None


def wait_sync(client: ModelArtsClient, waiter: Waiter, *, sleep: Callable[[float], None] = time.sleep,
              now: Callable[[], float] = time.time) -> WaitOutcome:
    """Poll until the resource is done or the deadline passes (the synchronous loop)."""
    last: Mapping[str, Any] | None = None
    while True:
        outcome, resource, retry_delay = poll_once(client, waiter)
        if outcome is not None:
            return outcome
        last = resource if resource is not None else last
        if waiter.timed_out(now()):
            return waiter.timeout_outcome(last)
        sleep(retry_delay if retry_delay is not None else waiter.next_sleep(now()))
