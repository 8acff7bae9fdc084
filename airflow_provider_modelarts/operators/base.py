"""The operator bases, one per behaviour, so a signature lists only what its class honours:
:class:`ModelArtsBaseOperator` (every operator), :class:`ModelArtsWaitingOperator` (the waiting arguments),
:class:`ModelArtsResourceOperator` (create or reattach, then wait), :class:`ModelArtsLogStreamingOperator`
(``stream_logs``, for the resources with a log), :class:`ModelArtsActionOperator` (stop, terminate, restart) and
:class:`ModelArtsDeleteOperator` (one delete); each class's docstring says what it adds.

``ModelArtsResourceOperator.execute``: build and validate the request (no remote call before the spec is valid)
-> reattach to what an earlier try of this task instance created, or create -> push the stable XCom keys and the
console link -> wait (sync poll, or defer to :class:`~airflow_provider_modelarts.triggers.modelarts.ModelArtsResourceTrigger`)
-> return a compact summary.

Idempotency (a retried task never creates a second billed resource):

1. the remote ids are saved in the task state store (Airflow 3.3+ ``context["task_state_store"]``) right
   after the create;
2. when the store is unavailable or empty (the worker died between create and save), an O(1) lookup by the
   deterministic name derived from dag_id, task_id, run_id and map_index finds it;
3. a resource found that way is reattached to when it is running or succeeded (``action_if_exists``:
   ``reattach`` default, ``fail``, ``new``); a failed one is replaced by a new create.

A create whose outcome is unknown (a 5xx or a reset after the request went out) is reconciled by the same
lookup before anything is created again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from string import Formatter
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.sdk import BaseOperator, conf
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID
from airflow_provider_modelarts.hooks.task import ModelArtsTaskMixin
from airflow_provider_modelarts.specs.deadlines import deadline_reason, wait_deadline

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context

    from airflow_provider_modelarts.client.states import Verdict
    from airflow_provider_modelarts.client.waiter import WaitOutcome
    from airflow_provider_modelarts.links.modelarts import ModelArtsConsoleLink

ACTIONS_IF_EXISTS = ("reattach", "fail", "new")


@contextmanager
def failing_on_spec_error() -> Iterator[None]:
    """Turn a :class:`~airflow_provider_modelarts.specs.SpecError` raised inside into ``AirflowFailException``
    (no retry: wrong arguments stay wrong), its message listing every problem: the package's one conversion."""
    from airflow_provider_modelarts.specs import SpecError

    try:
        yield
    except SpecError as exc:
        raise AirflowFailException(str(exc)) from None


class ModelArtsBaseOperator(ModelArtsTaskMixin, BaseOperator):
    """Base of every ModelArts operator: the connection, the hook and resource kind (:class:`ModelArtsTaskMixin`),
    id arguments, declared XCom keys and link.

    Subclasses implement :meth:`run`; :meth:`execute` checks the id arguments first and turns a
    :class:`~airflow_provider_modelarts.specs.SpecError` (wrong arguments) into one ``AirflowFailException``.

    :param modelarts_conn_id: the ``modelarts`` connection.
    """

    #: arguments naming an existing resource; an empty one (an XCom that rendered to nothing) fails the task
    #: before any request instead of becoming a call to a wrong URL
    id_args: ClassVar[tuple[str, ...]] = ()
    #: the stable XCom keys :meth:`push_ids` pushes (those present in the ids)
    xcom_keys: ClassVar[tuple[str, ...]] = ()
    #: the console link persisted by :meth:`push_ids` (also the class's only extra link)
    console_link: ClassVar[type[ModelArtsConsoleLink] | None] = None
    template_fields: Sequence[str] = ("modelarts_conn_id",)
    ui_color = "#fde2e2"

    def __init__(self, *, modelarts_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.modelarts_conn_id = modelarts_conn_id
        #: the ids of the remote resource this task acts on, once known (what ``on_kill`` may stop)
        self.remote_ids: dict[str, Any] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Derive what a subclass need not spell: its extra link from :attr:`console_link`, and its template
        fields: ``modelarts_conn_id`` always, the :attr:`id_args` when it names no other."""
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("console_link") is not None and "operator_extra_links" not in cls.__dict__:
            cls.operator_extra_links = (cls.console_link(),)  # type: ignore[misc]
        fields = cls.__dict__.get("template_fields", cls.__dict__.get("id_args"))
        if fields is not None and "modelarts_conn_id" not in fields:
            cls.template_fields = (*fields, "modelarts_conn_id")

    def execute(self, context: Context) -> Any:
        self.check_id_args()
        with failing_on_spec_error():
            return self.run(context)

    def run(self, context: Context) -> Any:
        """What the operator does (after the id arguments were checked)."""
        raise NotImplementedError

    def check_id_args(self) -> None:
        """Fail (no retry) when an id argument is empty."""
        empty = [name for name in self.id_args if getattr(self, name, None) in (None, "")]
        if empty:
            raise AirflowFailException(
                f"{', '.join(empty)} is empty: give the id of an existing resource (an upstream XCom that rendered "
                "to nothing?).")

    def push_values(self, context: Context, values: Mapping[str, Any]) -> None:
        """Push the declared XCom keys found in ``values`` (unless ``do_xcom_push`` is off).

        :param context: the task's context.
        :param values: the ids and other stable values of the resource.
        """
        if self.do_xcom_push:
            for key in self.xcom_keys:
                if values.get(key) is not None:
                    context["ti"].xcom_push(key=key, value=values[key])

    def push_ids(self, context: Context, ids: Mapping[str, Any]) -> None:
        """:meth:`push_values` of the ids, and persist the console link.

        :param context: the task's context.
        :param ids: the remote ids (and other stable values) of the resource.
        """
        self.push_values(context, ids)
        if self.console_link is not None:
            self.console_link.persist(context, region=self.hook.settings.region, **self.link_values(ids))

    def link_values(self, ids: Mapping[str, Any]) -> dict[str, Any]:
        """The values the console link's URL is filled from: those of ``ids`` its ``format_str`` names (one not
        known yet is empty); the region is added by :meth:`push_ids`.

        :param ids: the remote ids (and other stable values) of the resource.
        """
        fields = [name for _, name, _, _ in Formatter().parse(self.console_link.format_str if self.console_link
                                                              else "") if name and name != "region"]
        return {name: "" if ids.get(name) is None else ids[name] for name in fields}

    def verdict_of(self, ids: Mapping[str, Any]) -> Verdict | None:
        """The resource's current classification (one GET); None when it does not exist.

        :param ids: the remote ids of the resource.
        """
        from airflow_provider_modelarts.client.errors import ModelArtsNotFoundError
        from airflow_provider_modelarts.client.states import classify

        try:
            resource = self.hook.get_resource(self.kind, ids)
        except ModelArtsNotFoundError:
            return None
        return classify(self.kind, resource)

    def on_kill(self) -> None:
        """Nothing remote runs on behalf of this task: nothing to stop."""


class ModelArtsWaitingOperator(ModelArtsBaseOperator):
    """Base of the operators that wait for a remote resource: check once, then poll here or defer.

    Subclasses call :meth:`wait` with the resource's ids; they may override :meth:`finish` (the return value).

    :param wait_for_completion: wait until the resource is done.
    :param poll_interval: seconds between status polls.
    :param max_wait: seconds to wait at most; then the resource is stopped (when it can be) and the task fails.
    :param deferrable: free the worker while waiting (default ``[operators] default_deferrable``).
    :param poll_error_budget: consecutive transient polling errors tolerated before failing.
    """

    #: a stop was asked for: a stopped resource is the success of the wait
    expect_stop: ClassVar[bool] = False
    #: copy the remote log into the task log while waiting (the argument of :class:`ModelArtsLogStreamingOperator`)
    stream_logs: bool = False

    def __init__(self, *, wait_for_completion: bool = True, poll_interval: float = 30.0,
                 max_wait: float | None = None,
                 deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
                 poll_error_budget: int = 10, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wait_for_completion = wait_for_completion
        self.poll_interval = float(poll_interval)
        self.max_wait = max_wait
        self.deferrable = deferrable
        self.poll_error_budget = poll_error_budget
        #: the ids a stop was sent for in this task process (none sent twice)
        self.stopped_ids: dict[str, Any] | None = None
        #: the epoch-seconds deadline of the current wait (``max_wait``), kept across a deferral
        self.wait_deadline: float | None = None

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        """The task's return value after a successful wait.

        :param context: the task's context.
        :param outcome: how the wait ended.
        """
        return {**outcome.ids, "status": outcome.status, **outcome.summary}

    def _waiter(self, ids: Mapping[str, Any], deadline: float | None, log_cursor: int = 0,
                kind: str | None = None) -> Any:
        from airflow_provider_modelarts.client.waiter import Waiter

        return Waiter(kind or self.kind, ids, poll_interval=self.poll_interval, deadline=deadline,
                      expect_stop=self.expect_stop, stream_logs=self.stream_logs, log_cursor=log_cursor,
                      error_budget=self.poll_error_budget, emit=self.log.info)

    def wait(self, context: Context, ids: Mapping[str, Any]) -> Any:
        """Wait for the resource: check once, then poll here or defer to the trigger."""
        from airflow_provider_modelarts.client.waiter import poll_once, wait_sync

        deadline = wait_deadline(time.time(), self.max_wait, self.timeout_seconds(), self._started(context))
        self.wait_deadline = deadline
        waiter = self._waiter(ids, deadline)
        if not self.deferrable:
            return self.complete(context, wait_sync(self.hook.client, waiter))
        outcome, _, _ = poll_once(self.hook.client, waiter)
        if outcome is not None:
            return self.complete(context, outcome)
        self.defer_wait(waiter)

    def timeout_seconds(self) -> float | None:
        """``execution_timeout`` in seconds when the wait is deferred (the trigger must enforce it), else None."""
        return self.execution_timeout.total_seconds() if self.deferrable and self.execution_timeout else None

    @staticmethod
    def _started(context: Context) -> float | None:
        start = getattr(context.get("ti"), "start_date", None)
        return start.timestamp() if start is not None else None

    def deadline_reason(self) -> str:
        """Which limit a wait's deadline came from, in words (for the stop and the task's error)."""
        return deadline_reason(self.max_wait, self.timeout_seconds())

    def defer_wait(self, waiter: Any, *, method_name: str = "execute_complete",
                   kwargs: Mapping[str, Any] | None = None) -> None:
        """Hand ``waiter``'s wait to the trigger; ``method_name`` resumes with the event, the wait's deadline and
        ``kwargs`` (so a follow-up wait after the resume keeps the same ``max_wait``). The status was just read
        (the check before deferring, or the action that started the wait), so the trigger's first poll comes one
        interval later.

        :param waiter: the wait to continue (kind, ids, deadline, log cursor).
        :param method_name: the method the task resumes in.
        :param kwargs: more JSON-able keyword arguments for that method.
        """
        from airflow_provider_modelarts.triggers.modelarts import ModelArtsResourceTrigger

        self.defer(
            trigger=ModelArtsResourceTrigger(
                kind=waiter.kind, ids=dict(waiter.ids), modelarts_conn_id=self.modelarts_conn_id,
                poll_interval=self.poll_interval, deadline=waiter.deadline, expect_stop=waiter.expect_stop,
                stream_logs=self.stream_logs, log_cursor=waiter.log_cursor, error_budget=self.poll_error_budget,
                first_poll_at=time.time() + self.poll_interval),
            method_name=method_name,
            kwargs={"deadline": waiter.deadline, **(kwargs or {})},
        )

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None,
                         deadline: float | None = None) -> Any:
        """Resume after the trigger: only the event (and the wait's deadline) is used."""
        from airflow_provider_modelarts.client.waiter import WaitOutcome

        self.wait_deadline = deadline
        if not event:
            raise AirflowException("The ModelArts trigger sent no event.")
        if event.get("status") == "error":
            self.remote_ids = dict(event.get("ids") or {})
            raise AirflowException(f"Waiting for {event.get('kind')} {event.get('ids')} failed: {event['message']}")
        outcome = WaitOutcome.from_event(event)
        self.remote_ids = dict(outcome.ids)
        return self.complete(context, outcome)

    def complete(self, context: Context, outcome: WaitOutcome) -> Any:
        """Turn the outcome into the task's result, or its failure."""
        from airflow_provider_modelarts.client.states import SUCCESS
        from airflow_provider_modelarts.client.waiter import TIMEOUT

        if outcome.state == TIMEOUT:
            reason = self.deadline_reason()
            stopped = self.stop_remote(reason=reason)
            raise AirflowException(f"{outcome.message} ({reason}); " + ("it was stopped." if stopped else "it cannot be "
                                                               "stopped and keeps running remotely."))
        if outcome.state != SUCCESS:
            raise AirflowException(self.failure_message(outcome))
        return self.finish(context, outcome)

    def failure_message(self, outcome: WaitOutcome) -> str:
        """The task's error when the resource failed: :meth:`failure_text` and the last lines of its log (those
        the wait followed, else :meth:`read_log_tail`).

        :param outcome: how the wait ended.
        """
        tail = outcome.log_tail
        if not tail:
            try:
                tail = self.read_log_tail(outcome.ids)
            except Exception as exc:  # the log explains a failure, never hides it
                self.log.warning("Could not read the log of %s %s: %s", self.kind, dict(outcome.ids), exc)
        return self.failure_text(outcome) + ("\nLast log lines:\n" + "\n".join(tail[-20:]) if tail else "")

    def failure_text(self, outcome: WaitOutcome) -> str:
        """The failure in words (without the log).

        :param outcome: how the wait ended.
        """
        return f"{self.kind} {outcome.ids} ended {outcome.state}: {outcome.message}"

    def read_log_tail(self, ids: Mapping[str, Any]) -> list[str]:
        """The last lines of the resource's log, read after a failure the wait did not follow the log of (none
        unless the kind has a log).

        :param ids: the resource's ids.
        """
        return []

    def stop_remote(self, *, reason: str) -> bool:
        """Stop the remote resource when this kind can be stopped, once per task process. True when a stop was
        sent (now or before)."""
        from airflow_provider_modelarts.client.resources import spec_for

        if not self.remote_ids or not self.kind:  # nothing created, or nothing stoppable (no kind)
            return False
        spec = spec_for(self.kind)
        if spec.stop is None:
            return False
        if self.remote_ids == self.stopped_ids:  # e.g. on_kill (SIGTERM, execution_timeout) after a timeout's stop
            return True
        try:
            self.hook.call(spec.stop(self.remote_ids))
        except Exception as exc:  # already finished, gone...: say so, do not hide the original failure
            self.log.warning("Could not stop %s %s (%s): %s", self.kind, self.remote_ids, reason, exc)
            return False
        self.stopped_ids = dict(self.remote_ids)
        self.log.info("Stopped %s %s: %s", self.kind, self.remote_ids, reason)
        return True

    def on_kill(self) -> None:
        """Stop the remote resource (when one was created or acted on and its kind can be stopped)."""
        self.stop_remote(reason="the task was killed")


class ModelArtsResourceOperator(ModelArtsWaitingOperator):
    """Base of the operators that create a ModelArts resource and wait for it.

    Subclasses set ``resource_kind`` and implement :meth:`prepare`, :meth:`create` and :meth:`find_existing`;
    they may override :meth:`finish` (the return value) and :meth:`push_ids`. The waiting arguments are those of
    :class:`ModelArtsWaitingOperator`.

    :param action_if_exists: what to do when an earlier try of this task instance created the resource:
        ``reattach`` (wait on it), ``fail``, or ``new`` (create another one).
    """

    #: stable values besides the ids (names, URLs) that the create answers: kept by :meth:`answered` and pushed
    #: with the ids without a read; a reattached resource's are read once (:meth:`read_values`)
    answer_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, action_if_exists: str = "reattach", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if action_if_exists not in ACTIONS_IF_EXISTS:
            raise ValueError(f"action_if_exists must be one of {ACTIONS_IF_EXISTS}, got {action_if_exists!r}")
        self.action_if_exists = action_if_exists
        #: the ids and :attr:`answer_keys` values of the resource, once known (from its create's answer)
        self.known: dict[str, Any] | None = None

    def answered(self, ids: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
        """``ids``, the :attr:`answer_keys` values of the create's (or lookup's) ``answer`` kept for :meth:`push_ids`.

        :param ids: the resource's ids.
        :param answer: what the create (or the lookup that found it) answered.
        """
        self.known = {**ids, **{key: answer.get(key) for key in self.answer_keys}}
        return dict(ids)

    def read_values(self, ids: Mapping[str, Any]) -> Mapping[str, Any]:
        """The :attr:`answer_keys` values of an existing resource (one read; a reattached one's).

        :param ids: the resource's ids.
        """
        raise NotImplementedError

    def push_ids(self, context: Context, ids: Mapping[str, Any]) -> None:
        """Push the ids with the :attr:`answer_keys` values (the kept answer's when it is this resource's)."""
        if self.answer_keys:
            known = self.known or {}
            if any(known.get(k) != v for k, v in ids.items()) or any(known.get(k) is None for k in self.answer_keys):
                self.answered(ids, self.read_values(ids))
            ids = dict(self.known or ids)
        super().push_ids(context, ids)

    # ---- to implement ---------------------------------------------------------------------------------------
    def prepare(self, context: Context) -> dict[str, Any]:
        """Build and validate the request body from the rendered arguments. No remote call here."""
        raise NotImplementedError

    def create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        """Create the resource; return its ids."""
        raise NotImplementedError

    def find_existing(self, context: Context, body: dict[str, Any]) -> dict[str, Any] | None:
        """O(1) lookup of what an earlier try created (by the deterministic name); its ids or None."""
        raise NotImplementedError

    @property
    def state_store_key(self) -> str:
        """The task state store key of this operator's remote ids."""
        return f"modelarts_{self.kind}_ids"

    def reattach_or_create(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        from airflow_provider_modelarts.client.states import FAILURE, STOPPED

        store = context.get("task_state_store")
        if self.action_if_exists != "new":
            ids = (store.get(self.state_store_key) if store is not None else None) or \
                self.find_existing(context, body)
            if ids:
                verdict = self.verdict_of(ids)
                if verdict is not None and verdict.state not in (FAILURE, STOPPED):
                    if self.action_if_exists == "fail":
                        raise AirflowException(f"{self.kind} {ids} was already created by an earlier try of "
                                               f"this task ({verdict.message}); action_if_exists='fail'.")
                    self.log.info("Reattaching to %s %s created by an earlier try (%s)", self.kind, ids,
                                  verdict.message)
                    return dict(ids)
                if verdict is not None:
                    self.log.info("The earlier %s %s ended (%s); creating a new one", self.kind, ids,
                                  verdict.message)
        ids = self._create_reconciled(context, body)
        if store is not None:
            store.set(self.state_store_key, ids)
        self.log.info("Created %s %s", self.kind, ids)
        return ids

    def _create_reconciled(self, context: Context, body: dict[str, Any]) -> dict[str, Any]:
        """Create; after an ambiguous failure look the resource up by name before creating again."""
        from airflow_provider_modelarts.client.errors import ModelArtsAmbiguousError

        policy = self.hook.client.policy
        for attempt in range(policy.max_retries + 1):
            try:
                return self.create(context, body)
            except ModelArtsAmbiguousError as exc:
                if attempt == policy.max_retries:
                    raise
                self.log.warning("Outcome of the create is unknown (%s); looking it up before retrying", exc)
                found = self.find_existing(context, body)
                if found:
                    return found
                time.sleep(policy.backoff_delay(attempt))
        raise AssertionError("unreachable")

    def run(self, context: Context) -> Any:
        body = self.prepare(context)
        ids = self.reattach_or_create(context, body)
        self.remote_ids = dict(ids)
        self.push_ids(context, ids)
        if not self.wait_for_completion:
            return dict(ids)
        return self.wait(context, ids)


class ModelArtsLogStreamingOperator(ModelArtsResourceOperator):
    """Base of the creates whose resource has a log to follow while waiting (the v2 and v1 training jobs).

    :param stream_logs: copy the remote log into the task log while waiting, each line once.
    """

    def __init__(self, *, stream_logs: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream_logs = stream_logs


class ModelArtsActionOperator(ModelArtsWaitingOperator):
    """Base of the operators that send one action (stop, terminate, restart) to an existing resource, then (by
    default) wait for it to take effect.

    An action the service refuses in the resource's current state (an error code of :attr:`refused_codes`, e.g.
    stopping a job that already ended) is not an error: the current status is logged and returned.
    Subclasses set ``resource_kind``, ``id_args``, :attr:`refused_codes` and implement :meth:`target_ids` and
    :meth:`act`. The waiting arguments (``wait_for_completion``: until the action took effect) are those of
    :class:`ModelArtsWaitingOperator`.
    """

    expect_stop = True
    #: the error codes with which the service refuses this action in the resource's current state
    refused_codes: ClassVar[tuple[str, ...]] = ()

    def target_ids(self) -> dict[str, Any]:
        """The ids of the resource to act on, from the (rendered) arguments."""
        raise NotImplementedError

    def act(self, ids: Mapping[str, Any]) -> None:
        """Send the action.

        :param ids: the resource's ids (:meth:`target_ids`).
        """
        raise NotImplementedError

    def refused(self, ids: Mapping[str, Any], verdict: Verdict | None) -> Any:
        """The task's result when the service refused the action in the current state.

        :param ids: the resource's ids.
        :param verdict: its current classification (None: it does not exist any more).
        """
        return {**ids, "status": verdict.status if verdict else None,
                "status_text": verdict.message if verdict else "does not exist"}

    def run(self, context: Context) -> Any:
        from airflow_provider_modelarts.client.errors import ModelArtsApiError

        ids = self.target_ids()
        try:
            self.act(ids)
        except ModelArtsApiError as exc:
            if exc.error_code not in self.refused_codes:
                raise
            verdict = self.verdict_of(ids)
            self.log.info("%s %s: %s; its status is %s", self.kind, ids, exc,
                          verdict.message if verdict else "unknown (it does not exist)")
            return self.refused(ids, verdict)
        self.remote_ids = dict(ids)
        if not self.wait_for_completion:
            return dict(ids)
        return self.wait(context, ids)

    def finish(self, context: Context, outcome: WaitOutcome) -> Any:
        return {**outcome.ids, **outcome.summary, "status": outcome.status}


class ModelArtsDeleteOperator(ModelArtsBaseOperator):
    """Base of the operators that delete one resource: one request; a missing resource is logged
    (``ignore_missing``) or fails the task.

    Subclasses set ``id_args`` and :attr:`what` (or override :meth:`describe`) and implement :meth:`delete`;
    :meth:`deleted` shapes the return value from the answer.

    :param ignore_missing: a resource that does not exist is not an error.
    """

    def __init__(self, *, ignore_missing: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ignore_missing = ignore_missing

    #: the kind of resource in words (``Training job``), followed by its id in :meth:`describe`
    what: ClassVar[str] = "Resource"

    def describe(self) -> str:
        """The resource in words (``Training job 123``), for the log and the error: :attr:`what` and the ids."""
        return " ".join([self.what, *(str(getattr(self, name)) for name in self.id_args)])

    def delete(self) -> Any:
        """Send the delete; return the answer."""
        raise NotImplementedError

    def deleted(self, answer: Any) -> Any:
        """The task's return value from the delete's answer (None when there was nothing to delete).

        :param answer: what :meth:`delete` returned, or None.
        """
        return None

    def run(self, context: Context) -> Any:
        """Send the one delete; a resource that does not exist is logged (``ignore_missing``) or fails the task."""
        from airflow_provider_modelarts.client.errors import ModelArtsNotFoundError

        what = self.describe()
        try:
            answer = self.delete()
        except ModelArtsNotFoundError:
            if not self.ignore_missing:
                raise AirflowException(f"{what} does not exist.") from None
            self.log.info("%s does not exist; nothing to delete", what)
            return self.deleted(None)
        self.log.info("Deleted %s", what)
        return self.deleted(answer)
