"""State tables: for every resource kind, where its status is and which values mean what.

This is the single place run-state logic lives. The sync waiter, the generic trigger and the sensors all
classify through :func:`classify`; nothing else compares status strings.

Classes of a status (see ``../shared/reference/modelarts-rest-api.md`` section 4 and the SDK reference 9.6):

* ``running``: keep polling (including values that are unknown to the table: logged, then polled on);
* ``success``: the wait is over and it went well;
* ``failure``: terminal failure;
* ``stopped``: terminal, stopped/killed/cancelled/terminated. A failure for a wait-until-done, and the success
  of a wait that asked for the stop (``expect_stop=True``, as the terminate and stop operators do).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

RUNNING, SUCCESS, FAILURE, STOPPED, UNKNOWN = "running", "success", "failure", "stopped", "unknown"

#: v1 training job / version / visualization job codes (SDK reference section 9.6): (name, meaning, class).
V1_STATUS_CODES: Mapping[int, tuple[str, str, str]] = {
    0: ("JOBSTAT_UNKNOWN", "job status unknown", RUNNING),
    1: ("JOBSTAT_INIT", "job initializing", RUNNING),
    2: ("JOBSTAT_IMAGE_CREATING", "job image being created", RUNNING),
    3: ("JOBSTAT_IMAGE_FAILED", "job image creation failed", FAILURE),
    4: ("JOBSTAT_SUBMIT_TRYING", "job being submitted", RUNNING),
    5: ("JOBSTAT_SUBMIT_FAILED", "job submission failed", FAILURE),
    6: ("JOBSTAT_DELETE_FAILED", "job deletion failed", FAILURE),
    7: ("JOBSTAT_WAITING", "job queued", RUNNING),
    8: ("JOBSTAT_RUNNING", "job running", RUNNING),
    9: ("JOBSTAT_KILLING", "job being cancelled", RUNNING),
    10: ("JOBSTAT_COMPLETED", "job completed", SUCCESS),
    11: ("JOBSTAT_FAILED", "job run failed", FAILURE),
    12: ("JOBSTAT_KILLED", "job cancelled successfully", STOPPED),
    13: ("JOBSTAT_CANCELED", "job cancelled", STOPPED),
    14: ("JOBSTAT_LOST", "job lost", FAILURE),
    15: ("JOBSTAT_SCALING", "job scaling out", RUNNING),
    16: ("JOBSTAT_SUBMIT_MODEL_FAILED", "model submission failed", FAILURE),
    17: ("JOBSTAT_DEPLOY_SERVICE_FAILED", "service deployment failed", FAILURE),
    18: ("JOBSTAT_CHECK_INIT", "review job initializing", RUNNING),
    19: ("JOBSTAT_CHECK_RUNNING", "review job running", RUNNING),
    20: ("JOBSTAT_CHECK_RUNNING_COMPLETED", "review job completed", SUCCESS),
    21: ("JOBSTAT_CHECK_FAILED", "review job failed", FAILURE),
    22: ("MOUNT_FAILED", "mount failed", FAILURE),
}


def _v1_set(cls: str) -> frozenset[Any]:
    return frozenset(code for code, (_, _, c) in V1_STATUS_CODES.items() if c == cls)


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


@dataclass(frozen=True)
class StateTable:
    """How to read and classify one resource kind's status.

    :param kind: resource kind name.
    :param status_path: keys leading to the status in the resource's JSON (``("status", "phase")``).
    :param running: / ``success`` / ``failure`` / ``stopped``: the value sets.
    :param error_paths: where the service puts an error message for a failed resource.
    :param meanings: optional human meanings of values (v1 codes).
    :param detail_path: keys leading to a finer status shown beside the status when it changes (v2 training's
        ``status.secondary_phase``).
    """

    kind: str
    status_path: tuple[str, ...]
    running: frozenset[Any]
    success: frozenset[Any]
    failure: frozenset[Any]
    stopped: frozenset[Any] = frozenset()
    error_paths: tuple[tuple[str, ...], ...] = ()
    meanings: Mapping[Any, str] = field(default_factory=dict)
    detail_path: tuple[str, ...] = ()

    def status_of(self, resource: Mapping[str, Any] | None) -> Any:
        return _dig(resource, self.status_path)

    def detail_of(self, resource: Mapping[str, Any] | None) -> Any:
        """The finer status at ``detail_path`` (None when the table has none)."""
        return _dig(resource, self.detail_path) if self.detail_path else None

    def error_of(self, resource: Mapping[str, Any] | None) -> str | None:
        for path in self.error_paths:
            value: Any = resource
            for key in path:
                value = value.get(key) if isinstance(value, Mapping) else None
            if value:
                return str(value)
        return None

    def describe(self, status: Any) -> str:
        meaning = self.meanings.get(status)
        return f"{status} ({meaning})" if meaning else str(status)


@dataclass(frozen=True)
class NewestEntryTable(StateTable):
    """A state table whose status is that of the newest entry of a list in the resource.

    Used for a service's config update, observed through its update logs (``GET .../logs``): the status is the
    ``result`` (``RUNNING``/``SUCCESS``/``FAIL``) of the newest log entry; with no entry yet it is ``empty_status``.

    :param list_key: the key of the list
    :param order_key: the entry field that orders entries (newest = max;
        ties go to the later entry). :param empty_status: the status when the list is empty.
    """

    list_key: str = "logs"
    order_key: str = "update_time"
    empty_status: str = "PENDING"

    def newest(self, resource: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        items = resource.get(self.list_key) if isinstance(resource, Mapping) else None
        entries = [(e.get(self.order_key) or 0, i, e) for i, e in enumerate(items or []) if isinstance(e, Mapping)]
        return max(entries, key=lambda t: (t[0], t[1]))[2] if entries else None

    def status_of(self, resource: Mapping[str, Any] | None) -> Any:
        entry = self.newest(resource)
        return self.empty_status if entry is None else super().status_of(entry)

    def error_of(self, resource: Mapping[str, Any] | None) -> str | None:
        return super().error_of(self.newest(resource))


@dataclass(frozen=True)
class AllEntriesReadyTable(StateTable):
    """A state table whose success also needs every entry of a list in the resource to be ready.

    Used for a deployed service: ``status`` ``running`` says the service is up, while each ``config[]`` entry's
    ``status`` says whether that model's instances are (SDK reference 表 11-11: ``ready`` all instances up,
    ``concerning`` some, ``notReady`` none). Until every entry that carries a status is ready, a success status
    reads as :data:`INSTANCES_NOT_READY` (polled on). Entries without a status (a batch config, 表 11-12) count
    as ready.

    :param list_key: the key of the list.
    :param entry_key: the status key of an entry.
    :param entry_ready: the entry values that mean ready.
    """

    list_key: str = "config"
    entry_key: str = "status"
    entry_ready: frozenset[Any] = frozenset({"ready"})

    def status_of(self, resource: Mapping[str, Any] | None) -> Any:
        status = super().status_of(resource)
        if status not in self.success or not isinstance(resource, Mapping):
            return status
        entries = [e for e in resource.get(self.list_key) or [] if isinstance(e, Mapping) and self.entry_key in e]
        if any(e[self.entry_key] not in self.entry_ready for e in entries):
            return INSTANCES_NOT_READY
        return status


#: The status a deployed service reads as while some ``config[]`` instances are not ready yet.
INSTANCES_NOT_READY = "running (config instances not ready)"

#: Service statuses that are on the way somewhere (polled on).
_SERVICE_MOVING = frozenset({"deploying", "pending", "waiting", "stopping", "deleting"})

TABLES: dict[str, StateTable] = {
    t.kind: t
    for t in (
        StateTable("training_v2", ("status", "phase"),
                   running=frozenset({"Creating", "Pending", "Running", "Terminating"}),
                   success=frozenset({"Completed"}), failure=frozenset({"Failed", "Abnormal"}),
                   stopped=frozenset({"Terminated"}), detail_path=("status", "secondary_phase")),
        StateTable("training_v1", ("status",), running=_v1_set(RUNNING), success=_v1_set(SUCCESS),
                   failure=_v1_set(FAILURE), stopped=_v1_set(STOPPED),
                   meanings={c: f"{n}: {m}" for c, (n, m, _) in V1_STATUS_CODES.items()}),
        # A visualization job is "done" when it is up and serving (8 running).
        StateTable("visualization_job", ("status",),
                   running=_v1_set(RUNNING) - {8}, success=_v1_set(SUCCESS) | {8}, failure=_v1_set(FAILURE),
                   stopped=_v1_set(STOPPED),
                   meanings={c: f"{n}: {m}" for c, (n, m, _) in V1_STATUS_CODES.items()}),
        StateTable("import_task", ("status",), running=frozenset({"QUEUING", "STARTING", "RUNNING"}),
                   success=frozenset({"COMPLETED"}), failure=frozenset({"FAILED", "NOT_EXIST"}),
                   error_paths=(("error_msg",),)),
        # The only documented values (creating_a_dataset_export_task.txt; modelarts-rest-api.md §4.1), "SUCCESSED"
        # spelled as the service spells it. Any other value is unknown: polled on (a sensor can override).
        StateTable("export_task", ("status",), running=frozenset({"INIT", "RUNNING"}),
                   success=frozenset({"SUCCESSED"}), failure=frozenset({"FAILED"}),
                   error_paths=(("error_msg",),)),
        StateTable("dataset_version", ("status",), running=frozenset({0, 2}), success=frozenset({1}),
                   failure=frozenset({4}), stopped=frozenset({3}), error_paths=(("message",),),
                   meanings={0: "creating", 1: "normal", 2: "deleting", 3: "deleted", 4: "error"}),
        StateTable("dataset", ("status",), running=frozenset({0, 2, 5, 6, 7, 8}), success=frozenset({1}),
                   failure=frozenset({4}), stopped=frozenset({3}),
                   meanings={0: "creating", 1: "normal", 2: "deleting", 3: "deleted", 4: "abnormal",
                             5: "synchronizing", 6: "releasing a version", 7: "switching versions", 8: "importing"}),
        # A team labeling (workforce) task is usable once started: 6 created and 0 starting are the waits. 4
        # "rejected" means the task is being labelled and reviewed again (querying_details_about_a_team_labeling_task
        # .txt; modelarts-rest-api.md §4.1 "IP"): polled on, not a success. No failure value is documented for the
        # task's status (the service refuses a start with ModelArts.4621 instead); a sensor can name one.
        StateTable("label_task", ("status",), running=frozenset({0, 4, 6}), success=frozenset({1, 2, 3, 5, 7}),
                   failure=frozenset(),
                   meanings={0: "starting", 1: "running", 2: "accepting", 3: "accepted", 4: "rejected",
                             5: "synchronizing the acceptance result", 6: "created", 7: "acceptance sampling"}),
        StateTable("model", ("model_status",), running=frozenset({"publishing", "building"}),
                   success=frozenset({"published"}), failure=frozenset({"failed", "building_failed"})),
        # Deploy waits for running (real-time, edge) with every config[] instance ready, or finished (batch);
        # concerning is degraded, not done (REST §4.5, SDK reference 表 11-10/11-11).
        AllEntriesReadyTable("service", ("status",),
                             running=frozenset({"deploying", "concerning", "pending", "waiting", "stopping",
                                                "deleting", INSTANCES_NOT_READY}),
                             success=frozenset({"running", "finished"}), failure=frozenset({"failed"}),
                             stopped=frozenset({"stopped"}), error_paths=(("error_msg",),)),
        # A batch service runs its input and ends finished: running is progress, not success.
        StateTable("batch_service", ("status",), running=_SERVICE_MOVING | {"running", "concerning"},
                   success=frozenset({"finished"}), failure=frozenset({"failed"}), stopped=frozenset({"stopped"}),
                   error_paths=(("error_msg",),)),
        # A config update of a live service, read from its update logs (newest entry's result).
        NewestEntryTable("service_update", ("result",), running=frozenset({"RUNNING", "PENDING"}),
                         success=frozenset({"SUCCESS"}), failure=frozenset({"FAIL"}),
                         error_paths=(("result_detail",),),
                         meanings={"PENDING": "no update-log entry yet", "FAIL": "the update failed"}),
    )
}


@dataclass(frozen=True)
class Verdict:
    """The classification of one observation. ``done`` ends a wait; ``ok`` says how it ended."""

    kind: str
    status: Any
    state: str
    message: str

    @property
    def done(self) -> bool:
        return self.state in (SUCCESS, FAILURE, STOPPED)


def table(kind: str) -> StateTable:
    try:
        return TABLES[kind]
    except KeyError:
        raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(sorted(TABLES))}") from None


def with_overrides(t: StateTable, overrides: Mapping[str, Iterable[Any]] | None) -> StateTable:
    """``t`` with the values of ``overrides`` (``{"success": [...], "failure": [...]}``) moved to those classes.

    For values the documents leave open (an export status other than the four documented ones, a labeling task
    status a team treats as failed): the caller names them, the table's other classes lose them.

    :param t: the state table.
    :param overrides: class name (``success``, ``failure``, ``running``, ``stopped``) -> status values.
    """
    if not overrides:
        return t
    unknown = sorted(set(overrides) - {RUNNING, SUCCESS, FAILURE, STOPPED})
    if unknown:
        raise ValueError(f"unknown status class(es) {unknown}; use success, failure, running or stopped")
    moved = {cls: frozenset(values) for cls, values in overrides.items()}
    every = frozenset().union(*moved.values())
    sets = {cls: (getattr(t, cls) - every) | moved.get(cls, frozenset()) for cls in (RUNNING, SUCCESS, FAILURE,
                                                                                      STOPPED)}
    return replace(t, **sets)


def classify(kind: str, resource: Mapping[str, Any] | None, *, expect_stop: bool = False,
             overrides: Mapping[str, Iterable[Any]] | None = None) -> Verdict:
    """Classify a resource's current status.

    :param kind: a key of :data:`TABLES`.
    :param resource: the resource JSON as the service returned it.
    :param expect_stop: a stop/terminate was asked for: ``stopped`` counts as success.
    :param overrides: status values moved to another class (see :func:`with_overrides`).
    """
    t = with_overrides(table(kind), overrides)
    status = t.status_of(resource)
    if status in t.success:
        state = SUCCESS
    elif status in t.failure:
        state = FAILURE
    elif status in t.stopped:
        state = SUCCESS if expect_stop else STOPPED
    elif status in t.running:
        state = RUNNING
    else:
        state = UNKNOWN
    message = f"{kind} status {t.describe(status)}"
    error = t.error_of(resource)
    if error and state in (FAILURE, STOPPED):
        message += f": {error}"
    return Verdict(kind, status, state, message)
