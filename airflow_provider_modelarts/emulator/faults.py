"""Deterministic fault injection: throttling, server errors, connection resets and latency.

Configured through ``POST /_emulator/faults`` with::

    {"rates": {"429": 0.1, "500": 0.05, "503": 0.05, "504": 0.0, "reset": 0.02, "drop_reply": 0.0},
     "latency_ms": 0,                 # added to every matching request
     "kinds": ["training_v2.*"],      # fnmatch globs over route kinds (default: every non-IAM kind)
     "seed": 7,                       # re-seeds the injector's own random.Random
     "sequence": ["503", "ok", "429"],# consumed in order by matching requests before the rates apply
     "max_faults": 3}                 # stop injecting after this many faults

IAM kinds (``iam.*``) are never faulted unless a glob in ``kinds`` names them explicitly (starts with ``iam``).
The same seed and the same sequence of matching requests always give the same decisions.

Answers (codes from the reference's error table, ``api-ref-otc/appendix/error_codes.txt``):

* ``429``: ``ModelArts.2799`` "Too many requests." with ``Retry-After: 1``;
* ``500``: ``ModelArts.0010`` "Internal error.";
* ``503``: ``ModelArts.4700`` "Unavailable gateway." (the reference lists ``ModelArts.6101`` "system busy" under
  429, and ``ModelArts.4700`` as the 503 code, so 503 uses the latter);
* ``504``: ``ModelArts.4503`` (backend timed out);
* ``reset``: the connection is closed with a TCP RST and no answer, before the request is applied;
* ``drop_reply``: the request is applied (the resource is created, the action taken), then the connection is
  closed with a TCP RST instead of the answer: the lost-reply trap that makes a blind re-send of a create bill a
  second job. A typical setup is ``{"sequence": ["drop_reply"], "kinds": ["training_v1.create_version"]}``.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass
from typing import Any

from airflow_provider_modelarts.emulator.http import Response

#: Fault names, in the order their rates are stacked on the unit interval.
FAULT_NAMES = ("429", "500", "503", "504", "reset", "drop_reply")
SEQUENCE_WORDS = (*FAULT_NAMES, "ok")
_ANSWERS: dict[str, tuple[int, str, str]] = {
    "429": (429, "ModelArts.2799", "Too many requests."),
    "500": (500, "ModelArts.0010", "Internal error."),
    "503": (503, "ModelArts.4700", "Unavailable gateway."),
    "504": (504, "ModelArts.4503", "Failed to obtain the backend service because the response timed out."),
}
_CONFIG_KEYS = {"rates", "latency_ms", "kinds", "seed", "sequence", "max_faults"}


@dataclass
class Fault:
    """One decision: wait ``latency`` seconds, then drop the connection (``reset``), answer ``response``, or
    apply the request and drop the connection instead of its answer (``drop_reply``).

    A fault with none of these only delays the normal answer.
    """

    name: str
    latency: float = 0.0
    reset: bool = False
    response: Response | None = None
    drop_reply: bool = False


def fault_response(name: str) -> Response:
    """The HTTP answer of an error fault (``429``, ``500``, ``503``, ``504``)."""
    status, code, msg = _ANSWERS[name]
    headers = {"Retry-After": "1"} if status == 429 else {}
    return Response(status, {"error_code": code, "error_msg": msg}, headers)


def validate_config(config: dict[str, Any]) -> None:
    """Check a fault configuration.

    :raises ValueError: with a message naming the bad key.
    """
    if not isinstance(config, dict):
        raise ValueError("the fault configuration must be a JSON object")
    unknown = set(config) - _CONFIG_KEYS
    if unknown:
        raise ValueError(f"unknown fault configuration keys: {sorted(unknown)}; allowed: {sorted(_CONFIG_KEYS)}")
    rates = config.get("rates", {})
    if not isinstance(rates, dict):
        raise ValueError("rates must be an object like {\"429\": 0.1}")
    for name, rate in rates.items():
        if name not in FAULT_NAMES:
            raise ValueError(f"unknown fault {name!r} in rates; allowed: {list(FAULT_NAMES)}")
        if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise ValueError(f"rate of {name!r} must be a number between 0 and 1")
    if sum(float(r) for r in rates.values()) > 1.0 + 1e-9:
        raise ValueError("the rates add up to more than 1")
    for word in config.get("sequence", []) or []:
        if word not in SEQUENCE_WORDS:
            raise ValueError(f"unknown word {word!r} in sequence; allowed: {list(SEQUENCE_WORDS)}")
    kinds = config.get("kinds")
    if kinds is not None and (not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds)):
        raise ValueError("kinds must be a list of glob strings")
    for key in ("latency_ms", "max_faults", "seed"):
        value = config.get(key)
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool) or value < 0):
            raise ValueError(f"{key} must be a non-negative number")


class FaultInjector:
    """Decides, request by request, whether to inject a fault.

    :param seed: default seed of the injector's own :class:`random.Random` (a ``seed`` key in the configuration
        overrides it).
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self._lock = threading.Lock()
        self.config: dict[str, Any] = {}
        self._rng = random.Random(seed)
        self._sequence: list[str] = []
        self.injected = 0

    def configure(self, config: dict[str, Any]) -> None:
        """Replace the configuration (``{}`` turns injection off) and restart the random sequence.

        :raises ValueError: for a malformed configuration.
        """
        validate_config(config)
        with self._lock:
            self.config = dict(config)
            self._rng = random.Random(config.get("seed", self.seed))
            self._sequence = list(config.get("sequence") or [])
            self.injected = 0

    def describe(self) -> dict[str, Any]:
        """The configuration plus the remaining sequence and the number of faults injected so far."""
        with self._lock:
            return {"config": dict(self.config), "remaining_sequence": list(self._sequence),
                    "injected": self.injected}

    def applies_to(self, kind: str) -> bool:
        """Whether requests of ``kind`` are subject to the configuration."""
        patterns = self.config.get("kinds")
        if patterns is None:
            return not kind.startswith("iam.")
        return any(fnmatch.fnmatchcase(kind, p) and (not kind.startswith("iam.") or p.startswith("iam"))
                   for p in patterns)

    def decide(self, kind: str) -> Fault | None:
        """The fault for the next request of ``kind``, or None for a normal answer."""
        with self._lock:
            if not self.config or not self.applies_to(kind):
                return None
            latency = float(self.config.get("latency_ms") or 0) / 1000.0
            name = self._pick()
            if name is None or name == "ok":
                return Fault("latency", latency) if latency else None
            self.injected += 1
            if name == "reset":
                return Fault(name, latency, reset=True)
            if name == "drop_reply":
                return Fault(name, latency, drop_reply=True)
            return Fault(name, latency, response=fault_response(name))

    def _pick(self) -> str | None:
        """Next scripted word, else a draw over the rates (one draw per matching request)."""
        max_faults = self.config.get("max_faults")
        if max_faults is not None and self.injected >= max_faults:
            return None
        if self._sequence:
            return self._sequence.pop(0)
        rates = self.config.get("rates") or {}
        if not rates:
            return None
        draw = self._rng.random()
        edge = 0.0
        for name in FAULT_NAMES:
            edge += float(rates.get(name, 0.0))
            if draw < edge:
                return name
        return None
