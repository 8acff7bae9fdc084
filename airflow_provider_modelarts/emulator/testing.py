"""Starting the emulator from Python, a client-side handle on it, and the pytest plugin.

* :func:`launch` starts OBS (moto) and the ModelArts/IAM HTTP server in the current process; the CLI
  (``python -m airflow_provider_modelarts.emulator``) and :func:`start_emulator` share it.
* :class:`EmulatorHandle` describes a running emulator (endpoints and identities) and drives it through the admin
  API **over HTTP**, so it works as well against an emulator in another process (:meth:`EmulatorHandle.from_url`).
* pytest fixtures (loaded with ``pytest_plugins = ["airflow_provider_modelarts.emulator.testing"]``):
  ``emulator_server`` (session: one emulator at speed 10 on free loopback ports) and ``emulator`` (function: the
  same server with the request log, outcome rules and faults cleared; resources and tokens are kept). Set
  ``MODELARTS_EMULATOR_URL`` to run the tests against an already running emulator instead (``handle.emu`` is then
  None).

pytest is imported only when available, so the CLI works without it.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.admin import default_identity

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.obs import ObsStore
    from airflow_provider_modelarts.emulator.server import EmulatorServer
    from airflow_provider_modelarts.emulator.state import Emulator

DEFAULT_BUCKETS = ("modelarts-emulator",)
EXTERNAL_URL_ENV = "MODELARTS_EMULATOR_URL"
_TIMEOUT = 30


@dataclass
class RunningEmulator:
    """An emulator started by :func:`launch`: state, HTTP server and OBS store."""

    emu: Emulator
    server: EmulatorServer
    obs: ObsStore | None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def obs_url(self) -> str | None:
        return self.obs.endpoint if self.obs is not None else None

    def stop(self) -> None:
        """Stop the HTTP server, then OBS."""
        self.server.stop()
        if self.obs is not None:
            self.obs.stop()


def launch(*, host: str = "127.0.0.1", port: int = 0, obs_port: int = 0, speed: float = 1.0, seed: int = 0,
           runner: bool = False, config: dict[str, Any] | None = None, obs: bool = True,
           buckets: tuple[str, ...] | list[str] = DEFAULT_BUCKETS, token_ttl: float = 24 * 3600.0) -> RunningEmulator:
    """Start an emulator in this process (server threads are daemons).

    :param host: bind address of both servers.
    :param port: ModelArts + IAM port (0: a free port).
    :param obs_port: OBS port (0: a free port).
    :param speed: emulated seconds per real second.
    :param seed: seed of every random decision.
    :param runner: run training jobs and services for real.
    :param config: identity configuration (default ``state.DEFAULT_CONFIG``); validated.
    :param obs: start the OBS store.
    :param buckets: buckets to create in OBS.
    :param token_ttl: IAM token lifetime in real seconds.
    :raises ValueError: for a malformed ``config``.
    """
    from airflow_provider_modelarts.emulator.iam import validate_identities
    from airflow_provider_modelarts.emulator.server import EmulatorServer
    from airflow_provider_modelarts.emulator.state import Emulator

    if config is not None:
        validate_identities(config)
    emu = Emulator(config, speed=speed, seed=seed, runner=runner, token_ttl=token_ttl)
    store = _start_obs(host, obs_port, default_identity(emu.config)["project_name"], buckets) if obs else None
    emu.obs = store
    try:
        server = EmulatorServer(emu, host, port).start()
    except BaseException:
        if store is not None:
            store.stop()
        raise
    return RunningEmulator(emu, server, store)


def _start_obs(host: str, port: int, region: str, buckets: tuple[str, ...] | list[str]) -> ObsStore:
    from airflow_provider_modelarts.emulator.obs import ObsStore

    store = ObsStore(host, port, region=region)
    for bucket in buckets:
        store.ensure_bucket(bucket)
    return store


class EmulatorHandle:
    """A running emulator as a client sees it.

    :param url: ModelArts + IAM base URL (``http://127.0.0.1:PORT``).
    :param identity: the default identities (:func:`admin.default_identity`); a configuration without an access
        key or user for the first project leaves those attributes empty (``""``).
    :param obs_url: OBS endpoint (None without OBS).
    :param emu: the in-process :class:`Emulator` (None for an emulator in another process).
    """

    def __init__(self, url: str, identity: dict[str, Any], *, obs_url: str | None = None,
                 emu: Emulator | None = None) -> None:
        self.url = url.rstrip("/")
        self.obs_url = obs_url
        self.emu = emu
        self.project_id: str = identity["project_id"]
        self.project_name: str = identity["project_name"]
        self.region: str = identity["project_name"]
        self.other_project_id: str | None = identity.get("other_project_id")
        self.ak: str = identity.get("ak") or ""
        self.sk: str = identity.get("sk") or ""
        self.other_ak: str | None = identity.get("other_ak")
        self.other_sk: str | None = identity.get("other_sk")
        self.domain: str = identity.get("domain") or ""
        self.user: str = identity.get("user") or ""
        self.password: str = identity.get("password") or ""
        self._tokens: dict[str, str] = {}

    @classmethod
    def from_url(cls, url: str) -> EmulatorHandle:
        """A handle on an emulator running elsewhere, from its ``/_emulator/config``."""
        import requests

        resp = requests.get(url.rstrip("/") + "/_emulator/config", timeout=_TIMEOUT)
        resp.raise_for_status()
        cfg = resp.json()
        return cls(cfg["url"] or url, cfg["default"], obs_url=cfg.get("obs_url"))

    @classmethod
    def from_running(cls, running: RunningEmulator) -> EmulatorHandle:
        """A handle on an emulator started in this process by :func:`launch`."""
        return cls(running.url, default_identity(running.emu.config), obs_url=running.obs_url, emu=running.emu)

    # ---- HTTP -----------------------------------------------------------------------------------------------
    def admin(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        """Call ``/_emulator/{path}``; returns the JSON answer (None for 204).

        :raises RuntimeError: for an error answer.
        """
        import requests

        resp = requests.request(method, f"{self.url}/_emulator/{path.lstrip('/')}", json=body, params=params,
                                timeout=_TIMEOUT)
        if resp.status_code >= 400:
            raise RuntimeError(f"admin {method} {path} -> {resp.status_code}: {resp.text}")
        return resp.json() if resp.content else None

    def token(self, *, refresh: bool = False) -> str:
        """A project token of the default user from a real ``POST /v3/auth/tokens`` (cached)."""
        import requests

        if refresh or self.project_id not in self._tokens:
            body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": self.user, "password": self.password, "domain": {"name": self.domain}}}},
                "scope": {"project": {"id": self.project_id}}}}
            resp = requests.post(f"{self.url}/v3/auth/tokens", params={"nocatalog": "true"}, json=body,
                                 timeout=_TIMEOUT)
            if resp.status_code != 201:
                raise RuntimeError(f"IAM token request failed: {resp.status_code} {resp.text}")
            self._tokens[self.project_id] = resp.headers["X-Subject-Token"]
        return self._tokens[self.project_id]

    def headers(self) -> dict[str, str]:
        """``Content-Type`` and ``X-Auth-Token`` headers for a ModelArts call."""
        return {"Content-Type": "application/json", "X-Auth-Token": self.token()}

    # ---- admin helpers ---------------------------------------------------------------------------------------
    def advance(self, seconds: float) -> float:
        """Move the emulated clock forward; returns the new emulated time."""
        return float(self.admin("POST", "clock/advance", {"seconds": seconds})["now"])

    def set_outcome(self, kind: str, outcome: str, match: str = "", count: int | None = 1) -> dict[str, Any]:
        """Script the outcome of the next ``count`` resources of ``kind`` whose name contains ``match``."""
        return dict(self.admin("POST", "outcomes", {"kind": kind, "outcome": outcome, "match": match,
                                                    "count": count}))

    def set_faults(self, config: dict[str, Any]) -> dict[str, Any]:
        """Configure fault injection (see :mod:`faults`); ``{}`` switches it off."""
        return dict(self.admin("POST", "faults", config))

    def requests(self, kind: str | None = None, status: int | None = None) -> list[dict[str, Any]]:
        """The request log, optionally filtered by kind (glob) and status."""
        params = {k: v for k, v in (("kind", kind), ("status", status)) if v is not None}
        return list(self.admin("GET", "requests", params=params)["requests"])

    def count(self, kind: str) -> int:
        """How many logged requests have exactly this kind."""
        return int(self.admin("GET", "requests/counts").get(kind, 0))

    def clear_requests(self) -> None:
        self.admin("DELETE", "requests")

    def clean(self) -> None:
        """Clear the request log, outcome rules and faults (what the ``emulator`` fixture does per test)."""
        self.admin("DELETE", "requests")
        self.admin("DELETE", "outcomes")
        self.admin("DELETE", "faults")

    def reset(self, *, obs: bool = False) -> None:
        """Forget all resources, rules, tokens and logged requests (and OBS objects when ``obs``)."""
        self.admin("POST", "reset", {"obs": obs})
        self._tokens.clear()

    def expire_tokens(self) -> None:
        """Expire every issued token now (the cached one too)."""
        self.admin("POST", "tokens/expire")
        self._tokens.clear()

    def set_token_ttl(self, seconds: float) -> None:
        """Lifetime of the tokens issued from now on (real seconds)."""
        self.admin("POST", "tokens/ttl", {"seconds": seconds})

    # ---- client configuration --------------------------------------------------------------------------------
    def airflow_connection(self) -> dict[str, Any]:
        """The Airflow connection (``AIRFLOW_CONN_MODELARTS_DEFAULT`` JSON) for the default AK/SK."""
        extra: dict[str, Any] = {"auth_type": "aksk", "region": self.region, "project_id": self.project_id,
                                 "modelarts_endpoint": self.url, "iam_endpoint": self.url}
        if self.obs_url:
            extra["obs_endpoint"] = self.obs_url
        return {"conn_type": "modelarts", "login": self.ak, "password": self.sk, "extra": extra}

    def airflow_connection_json(self) -> str:
        return json.dumps(self.airflow_connection(), separators=(",", ":"))


@contextlib.contextmanager
def start_emulator(*, speed: float = 10.0, seed: int = 0, runner: bool = False, config: dict[str, Any] | None = None,
                   obs: bool = True, host: str = "127.0.0.1") -> Iterator[EmulatorHandle]:
    """Run an emulator on free loopback ports for the duration of the ``with`` block.

    :param speed: emulated seconds per real second.
    :param seed: seed of every random decision.
    :param runner: runner mode.
    :param config: identity configuration.
    :param obs: start OBS.
    :param host: bind address.
    """
    running = launch(host=host, speed=speed, seed=seed, runner=runner, config=config, obs=obs)
    try:
        yield EmulatorHandle.from_running(running)
    finally:
        running.stop()


# ---- pytest plugin ---------------------------------------------------------------------------------------------
try:
    import pytest
except ImportError:  # pragma: no cover - the CLI runs without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="session")
    def emulator_server() -> Iterator[EmulatorHandle]:
        """One emulator for the test session (speed 10), or the one at ``$MODELARTS_EMULATOR_URL``."""
        external = os.environ.get(EXTERNAL_URL_ENV)
        if external:
            yield EmulatorHandle.from_url(external)
            return
        with start_emulator(speed=10.0) as handle:
            yield handle

    @pytest.fixture
    def emulator(emulator_server: EmulatorHandle) -> Iterator[EmulatorHandle]:
        """The session emulator with a clean request log, no outcome rules and no faults."""
        emulator_server.clean()
        yield emulator_server
        emulator_server.admin("DELETE", "faults")
