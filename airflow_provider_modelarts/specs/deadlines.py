"""When a wait must end, from the task's limits (pure: numbers in, epoch seconds or words out).

Airflow 3.3 enforces ``execution_timeout`` only while a task runs in a worker, not while it is deferred
(``TODO: handle timeout in case of deferral`` in its task runner), so a deferred wait carries it as (a cap on) its
deadline: the trigger then ends with a timeout, and the resumed task stops the resource and fails.
"""

from __future__ import annotations


def wait_deadline(now: float, max_wait: float | None, timeout: float | None, started: float | None) -> float | None:
    """The epoch seconds at which a wait ends (None: no limit): the earlier of ``max_wait`` from ``now`` and
    ``timeout`` from the task's start.

    :param now: epoch seconds, when the wait starts.
    :param max_wait: the operator's ``max_wait`` in seconds (None or 0: none).
    :param timeout: the task's ``execution_timeout`` in seconds when the wait is deferred (None: none).
    :param started: epoch seconds of the task instance's start (None: ``now``).
    """
    limits = [now + max_wait if max_wait else None,
              (now if started is None else started) + timeout if timeout else None]
    return min((limit for limit in limits if limit is not None), default=None)


def deadline_reason(max_wait: float | None, timeout: float | None) -> str:
    """Which limit the deadline of :func:`wait_deadline` came from, in words.

    :param max_wait: as for :func:`wait_deadline`.
    :param timeout: as for :func:`wait_deadline`.
    """
    if timeout and (not max_wait or timeout <= max_wait):
        return f"execution_timeout of {timeout:g}s exceeded"
    return f"max_wait of {max_wait}s exceeded"
