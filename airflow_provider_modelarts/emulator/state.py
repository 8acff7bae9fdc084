"""The emulator's state: identities, per-project resource stores, the scaled clock, scripted outcomes.

Everything random comes from one seeded :class:`random.Random`, so a run is reproducible for a given seed
(ids, fault decisions, timings).
"""

from __future__ import annotations

import copy
import random
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

DEFAULT_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DEFAULT_PROJECT_NAME = "cn-north-4"
OTHER_PROJECT_ID = "f9e8d7c6b5a4938271605f4e3d2c1b0a"
OTHER_PROJECT_NAME = "cn-east-3"

#: The identity the emulator serves when no ``--config`` is given (documented in the README).
DEFAULT_CONFIG: dict[str, Any] = {
    "projects": [
        {"id": DEFAULT_PROJECT_ID, "name": DEFAULT_PROJECT_NAME},
        {"id": OTHER_PROJECT_ID, "name": OTHER_PROJECT_NAME},
    ],
    "domains": [
        {
            "name": "emulator-account",
            "users": [
                {"name": "emulator-account", "password": "emulator-account-password",
                 "projects": [DEFAULT_PROJECT_ID]},
                {"name": "emulator-user", "password": "emulator-user-password", "projects": [DEFAULT_PROJECT_ID]},
                {"name": "other-user", "password": "other-user-password", "projects": [OTHER_PROJECT_ID]},
            ],
        }
    ],
    "access_keys": [
        {"ak": "EMULATORAK0000000001", "sk": "emulatorSecretKey000000000000000000000001",
         "projects": [DEFAULT_PROJECT_ID]},
        {"ak": "EMULATORAK0000000002", "sk": "emulatorSecretKey000000000000000000000002",
         "projects": [OTHER_PROJECT_ID]},
    ],
}


class Clock:
    """Emulated time: real time since start multiplied by ``speed``, plus manual advances.

    :param speed: how many emulated seconds pass per real second.
    """

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._real_start = time.monotonic()
        self._epoch_start = time.time()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Emulated epoch seconds."""
        with self._lock:
            return self._epoch_start + (time.monotonic() - self._real_start) * self.speed + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


@dataclass
class Lifecycle:
    """The time-driven status of one emulated resource: the one lifecycle type every resource record owns.

    The resource shows ``steps[i][0]`` during ``steps[i][1]`` emulated seconds each, starting at ``started``, then
    ``final`` for ever. ``final=None`` means it never leaves the last step (a *stuck* resource). The steps come from
    each resource's scripted outcome (its ``_plan``); the emulator's clock applies the speed factor.
    :meth:`switch` (and :meth:`stop`, its one-step form) replaces the remaining path, for actions such as
    terminate, stop or restart; ``segments`` keeps every path taken, so :meth:`timeline` can tell what was shown
    across switches. Dict records keep it under ``"_life"``, the v2 training :class:`JobRecord` as ``life``.

    :param steps: ``(status, emulated seconds)`` of each step.
    :param final: the status after the last step (None: stays in the last step).
    :param started: emulated time at which the first step starts (the record's creation).
    """

    steps: list[tuple[Any, float]]
    final: Any
    started: float
    history: list[tuple[float, Any]] = field(default_factory=list)
    segments: list[tuple[float, list[tuple[Any, float]], Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.steps = list(self.steps)
        if not self.segments:
            self.segments.append((self.started, list(self.steps), self.final))

    @property
    def created(self) -> float:
        """Emulated time at which the record came to life (the start of its first path)."""
        return self.segments[0][0]

    @property
    def switched_at(self) -> float | None:
        """Emulated time of the last :meth:`switch` (None before any)."""
        return self.history[-1][0] if self.history else None

    def status(self, now: float) -> Any:
        t = self.started
        for status, duration in self.steps:
            if now < t + duration:
                return status
            t += duration
        if self.final is None:
            return self.steps[-1][0] if self.steps else None
        return self.final

    def step_window(self, now: float) -> tuple[float, float]:
        """(start, duration) of the step shown now; (finished_at, 0) once final; the last step's when stuck."""
        t = self.started
        for _, duration in self.steps:
            if now < t + duration:
                return t, duration
            t += duration
        if self.final is None and self.steps:
            return t - self.steps[-1][1], self.steps[-1][1]
        return t, 0.0

    def finished_at(self) -> float | None:
        """Emulated time at which ``final`` is reached (None when stuck)."""
        if self.final is None:
            return None
        return self.started + sum(d for _, d in self.steps)

    def is_final(self, now: float) -> bool:
        end = self.finished_at()
        return end is not None and now >= end

    def switch(self, now: float, steps: list[tuple[Any, float]], final: Any) -> None:
        """Replace the remaining path from ``now`` on (stop, terminate, restart, a new deployment)."""
        self.history.append((now, self.status(now)))
        self.steps = list(steps)
        self.final = final
        self.started = now
        self.segments.append((now, list(steps), final))

    def stop(self, now: float, via: Any, seconds: float, final: Any) -> None:
        """A stop or terminate action: show ``via`` for ``seconds``, then ``final``."""
        self.switch(now, [(via, seconds)], final)

    def timeline(self, now: float) -> list[tuple[float, Any]]:
        """Every ``(time, status)`` entered up to ``now``, across switches."""
        out: list[tuple[float, Any]] = []
        for index, (start, steps, final) in enumerate(self.segments):
            last = index + 1 == len(self.segments)
            limit = now if last else self.segments[index + 1][0]
            t = start
            for status, duration in [*steps, (final, None)]:
                if status is None or t > limit or (t == limit and not last):
                    break
                if not out or out[-1][1] != status:
                    out.append((t, status))
                if duration is None:
                    break
                t += duration
        return out


class Outcomes:
    """Scripted outcomes per resource kind, set through the admin API.

    A rule ``{"kind": "training_v2", "outcome": "fail", "match": "substr", "count": 1}`` applies to the next
    ``count`` resources of that kind whose name contains ``match`` (any name when empty); ``count: null``
    keeps it for ever. Outcome words are resource-specific (``success``, ``fail``, ``abnormal``, ``stuck``,
    ``slow``, ``terminated``, ``code:11`` ...).
    """

    def __init__(self) -> None:
        self.rules: list[dict[str, Any]] = []

    def add(self, kind: str, outcome: str, match: str = "", count: int | None = 1) -> dict[str, Any]:
        rule = {"kind": kind, "outcome": outcome, "match": match or "", "count": count}
        self.rules.append(rule)
        return rule

    def take(self, kind: str, name: str, explicit: str | None = None) -> str:
        """The outcome for a new resource: ``explicit`` (a trigger in the request) wins, then the first rule."""
        if explicit:
            return explicit
        for rule in self.rules:
            if rule["kind"] == kind and rule["match"] in (name or ""):
                if rule["count"] is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        self.rules.remove(rule)
                return str(rule["outcome"])
        return "success"

    def clear(self) -> None:
        self.rules.clear()


class Emulator:
    """All state of one emulator instance.

    :param config: identities (see :data:`DEFAULT_CONFIG`).
    :param speed: time factor of the state machines.
    :param seed: seed of every random decision.
    :param runner: run training jobs and services for real (runner mode).
    :param token_ttl: lifetime of IAM tokens, seconds of real time.
    """

    def __init__(self, config: dict[str, Any] | None = None, *, speed: float = 1.0, seed: int = 0,
                 runner: bool = False, token_ttl: float = 24 * 3600.0) -> None:
        self.config = copy.deepcopy(config or DEFAULT_CONFIG)
        self.speed = speed
        self.seed = seed
        self.runner = runner
        self.token_ttl = token_ttl
        self.clock = Clock(speed)
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.outcomes = Outcomes()
        self._stores: dict[tuple[str, str], OrderedDict[str, Any]] = {}
        self.request_log: list[dict[str, Any]] = []
        self.tokens: dict[str, dict[str, Any]] = {}
        self.faults: Any = None  # set by the server (faults.FaultInjector)
        self.obs: Any = None  # set by the server (obs.ObsStore); None when OBS is not started
        self.base_url = ""  # http://host:port of the ModelArts/IAM endpoint, set by the server
        self.extras: dict[str, Any] = {}  # free room for resource modules (counters, runners)

    # ---- identities -------------------------------------------------------------------------------------
    def project_by_id(self, project_id: str) -> dict[str, Any] | None:
        return next((p for p in self.config["projects"] if p["id"] == project_id), None)

    def project_by_name(self, name: str) -> dict[str, Any] | None:
        return next((p for p in self.config["projects"] if p["name"] == name), None)

    def access_key(self, ak: str) -> dict[str, Any] | None:
        return next((k for k in self.config["access_keys"] if k["ak"] == ak), None)

    # ---- stores -------------------------------------------------------------------------------------------
    def store(self, project_id: str, collection: str) -> OrderedDict[str, Any]:
        """The records of one collection in one project (insertion ordered)."""
        key = (project_id, collection)
        if key not in self._stores:
            self._stores[key] = OrderedDict()
        return self._stores[key]

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def new_id(self, length: int = 20) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def next_int(self, name: str, start: int = 1) -> int:
        counters = self.extras.setdefault("counters", {})
        counters[name] = counters.get(name, start - 1) + 1
        return int(counters[name])

    def stop_runs(self) -> int:
        """Terminate every runner-mode training process still going (see :func:`.runner.stop_all_runs`).

        Called by :meth:`reset` and :meth:`close` so that no training subprocess outlives its job records or the
        server. Returns how many were stopped.
        """
        from airflow_provider_modelarts.emulator.runner import stop_all_runs

        return stop_all_runs(self)

    def close(self) -> None:
        """The emulator is shutting down: stop the runner processes (the HTTP server calls this on stop)."""
        from airflow_provider_modelarts.emulator.runner import KILL_GRACE_SECONDS

        with self.lock:
            self.stop_runs()
            runs = list(self.extras.get("training_runs", {}).values())
        for run in runs:  # outside the lock: a run finishing may need it
            run.wait(KILL_GRACE_SECONDS + 2.0)

    def reset(self) -> None:
        """Forget every resource, rule, token and logged request (identities stay); runner processes are stopped."""
        with self.lock:
            self.stop_runs()
            self._stores.clear()
            self.outcomes.clear()
            self.request_log.clear()
            self.tokens.clear()
            self.extras.clear()
            self.rng = random.Random(self.seed)
            if self.faults is not None:
                self.faults.configure({})
