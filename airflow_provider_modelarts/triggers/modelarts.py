"""``ModelArtsResourceTrigger``: the one async waiter for every ModelArts resource kind.

Driven by the state tables through :class:`~airflow_provider_modelarts.client.waiter.Waiter`, it polls with the
async client, streams the log into the triggerer's task log (each line once; the cursor travels in the event
so the operator never prints a line twice), and yields exactly one event with the outcome. When a user marks
the deferred task failed or success (Airflow 3.3+ ``on_kill``), it stops the remote resource; a cleared task
(state None) is left running: its next try reattaches to it.

A trigger that only *moves* never stops anything. Airflow 3.3's triggerer calls ``on_kill`` for every trigger it
runs that is no longer assigned to it (``TriggerRunnerSupervisor.update_triggers`` -> ``cancel_triggers`` with the
user-action message): a user's action, but also a trigger redistributed to another triggerer after this one
missed its heartbeats (apache/airflow#73454). A graceful stop (SIGTERM) or a crash of the triggerer does not call
it. So :meth:`on_kill` first asks the API server for the task instance's state and stops the resource only when
the task is no longer ``deferred``; when the state cannot be read, it leaves the resource alone (a running job
costs a wait; a wrongly stopped one costs the work). A trigger run outside a triggerer (no task instance) stops
on ``on_kill`` as before.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID


class ModelArtsResourceTrigger(BaseTrigger):
    """Wait for a ModelArts resource to reach a terminal status.

    :param kind: resource kind (``training_v2``, ``training_v1``, ``import_task``, ``export_task``,
        ``dataset_version``, ``model``, ``service``, ``visualization_job`` ...).
    :param ids: the resource's ids, e.g. ``{"training_job_id": "..."}``.
    :param modelarts_conn_id: the connection (read in the triggerer with ``aget_connection``).
    :param poll_interval: seconds between polls.
    :param deadline: epoch seconds after which the wait ends with a ``timeout`` event (None: no limit).
    :param expect_stop: a stop was requested; a stopped resource counts as success.
    :param stream_logs: follow the remote log into the task log.
    :param log_cursor: where the log was read up to before deferring.
    :param error_budget: consecutive transient polling errors tolerated.
    :param stop_on_kill: stop the remote resource when the deferred task is killed by a user.
    :param overrides: status values moved to another class (a sensor's ``success_statuses``/``failure_statuses``).
    :param first_poll_at: epoch seconds of the first poll (None: at once). The deferring task has just checked
        the status, so its trigger waits one interval instead of reading the same status again; a trigger that
        restarts later (on another triggerer) polls at once.
    """

    def __init__(self, kind: str, ids: dict[str, Any], modelarts_conn_id: str = DEFAULT_CONN_ID,
                 poll_interval: float = 30.0, deadline: float | None = None, expect_stop: bool = False,
                 stream_logs: bool = True, log_cursor: int = 0, error_budget: int = 10,
                 stop_on_kill: bool = True, overrides: dict[str, list[Any]] | None = None,
                 first_poll_at: float | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.ids = dict(ids)
        self.modelarts_conn_id = modelarts_conn_id
        self.poll_interval = float(poll_interval)
        self.deadline = deadline
        self.expect_stop = expect_stop
        self.stream_logs = stream_logs
        self.log_cursor = int(log_cursor)
        self.error_budget = int(error_budget)
        self.stop_on_kill = stop_on_kill
        self.overrides = overrides
        self.first_poll_at = first_poll_at
        #: the wait's one event was handed over: the resumed task decides what happens to the resource
        self.event_sent = False

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{type(self).__module__}.{type(self).__qualname__}", {
            "kind": self.kind, "ids": self.ids, "modelarts_conn_id": self.modelarts_conn_id,
            "poll_interval": self.poll_interval, "deadline": self.deadline, "expect_stop": self.expect_stop,
            "stream_logs": self.stream_logs, "log_cursor": self.log_cursor, "error_budget": self.error_budget,
            "stop_on_kill": self.stop_on_kill, "overrides": self.overrides, "first_poll_at": self.first_poll_at,
        })

    async def _client(self) -> Any:
        from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

        return await ModelArtsHook(self.modelarts_conn_id).get_async_client()

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from airflow_provider_modelarts.client.waiter import Waiter, apoll_once, phase_of

        waiter = Waiter(self.kind, self.ids, poll_interval=self.poll_interval, deadline=self.deadline,
                        expect_stop=self.expect_stop, stream_logs=self.stream_logs, log_cursor=self.log_cursor,
                        error_budget=self.error_budget, emit=self.log.info, overrides=self.overrides,
                        phase=phase_of(self.kind, self.ids))
        try:
            if self.first_poll_at is not None:  # the task checked just before deferring: no second read at once
                await asyncio.sleep(min(max(0.0, self.first_poll_at - time.time()), self.poll_interval))
            async with await self._client() as client:
                while True:  # the loop of wait_sync, awaited
                    outcome, delay = waiter.after_poll(await apoll_once(client, waiter), time.time())
                    if outcome is not None:
                        self.event_sent = True
                        yield TriggerEvent(outcome.to_event())
                        return
                    await asyncio.sleep(delay)
        except Exception as exc:  # the operator decides: the event carries the error
            self.event_sent = True
            yield TriggerEvent({"status": "error", "kind": self.kind, "ids": self.ids,
                                "message": f"{type(exc).__name__}: {exc}", "log_cursor": waiter.log_cursor,
                                "log_tail": list(waiter.tail)})

    async def _task_state(self) -> str | None:
        """The deferred task instance's current state from the API server (None: unknown)."""
        ti = self.task_instance
        try:
            from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance
            from asgiref.sync import sync_to_async

            map_index = getattr(ti, "map_index", -1)
            states = await sync_to_async(RuntimeTaskInstance.get_task_states)(
                dag_id=ti.dag_id, task_ids=[ti.task_id], run_ids=[ti.run_id],
                map_index=map_index if map_index is not None and map_index >= 0 else None)
        except Exception as exc:  # no API server, an older Airflow...: unknown
            self.log.warning("Could not read the state of %s: %s", ti.task_id, exc)
            return None
        key = ti.task_id if map_index is None or map_index < 0 else f"{ti.task_id}_{map_index}"
        state = (states.get(ti.run_id) or {}).get(key)
        return str(state) if state is not None else None

    async def on_kill(self) -> None:
        """Stop the remote resource when the user marked the deferred task failed or success.

        Not when the trigger only moves to another triggerer (the task is still ``deferred``), nor when the task
        was cleared (state None: the next try reattaches) or its state cannot be read, nor once the trigger sent
        its event (the task is then no longer deferred, and the resumed task stops the resource if needed: a
        timeout's stop would otherwise be sent twice).
        """
        from airflow_provider_modelarts.client.resources import spec_for

        spec = spec_for(self.kind)
        if not self.stop_on_kill or spec.stop is None:
            return
        if self.event_sent:
            self.log.info("Not stopping %s %s: the wait already ended; the resumed task decides", self.kind,
                          self.ids)
            return
        state = "killed"  # run outside a triggerer (no task instance): the caller asked for the stop
        if getattr(self, "task_instance", None) is not None:
            state = await self._task_state()
            if state in (None, "deferred"):
                self.log.info("Not stopping %s %s: the task is %s (the trigger moved to another triggerer, or its "
                              "state could not be read)", self.kind, self.ids, state or "in an unknown state")
                return
        async with await self._client() as client:
            await client.call(spec.stop(self.ids))
            self.log.info("Stopped %s %s because the task is now %s", self.kind, self.ids, state)
