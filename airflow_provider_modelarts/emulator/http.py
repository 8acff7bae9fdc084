"""Minimal HTTP plumbing of the emulator: requests, responses, API errors and a path router.

The emulator deliberately uses only the standard library here (no Flask, no code from ``client/``),
so that a bug in the provider's client cannot hide behind a shared implementation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator


class ApiError(Exception):
    """An error answered with the real ModelArts error shape.

    :param status: HTTP status code.
    :param error_code: ModelArts error code such as ``ModelArts.0104``.
    :param error_msg: human readable message.
    :param solution: optional ``error_solution`` (v2 training answers carry one).
    :param v1: answer in the legacy v1 shape ``{"is_success": false, "error_code", "error_message"}``.
    :param headers: extra response headers (for example ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        error_code: str,
        error_msg: str,
        *,
        solution: str | None = None,
        v1: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {error_code}: {error_msg}")
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.solution = solution
        self.v1 = v1
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        if self.v1:
            return {"is_success": False, "error_code": self.error_code, "error_message": self.error_msg}
        body: dict[str, Any] = {"error_code": self.error_code, "error_msg": self.error_msg}
        if self.solution:
            body["error_solution"] = self.solution
        if self.error_code.startswith("APIG"):
            body["request_id"] = request_id
        return body


def bad_request(msg: str, code: str = "ModelArts.0104", *, v1: bool = False) -> ApiError:
    """A 400 parameter error (``ModelArts.0104`` unless another code is given)."""
    return ApiError(400, code, msg, v1=v1)


@dataclass
class Response:
    """An answer: status, a JSON-able body (or raw bytes), and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"

    def payload(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


class Headers:
    """Case-insensitive header access over the raw (name, value) pairs, order kept."""

    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = list(items)

    def get(self, name: str, default: str | None = None) -> str | None:
        low = name.lower()
        for key, value in self.items:
            if key.lower() == low:
                return value
        return default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


@dataclass
class Request:
    """An incoming request as the handlers see it.

    ``raw_path`` is the path exactly as sent (percent-encoded); ``path`` is decoded. ``query_pairs`` keeps
    repeated keys and their order. ``params`` holds the path parameters matched by the router, and
    ``project_id`` the authenticated project (set by the auth layer).
    """

    method: str
    raw_path: str
    raw_query: str
    headers: Headers
    body: bytes
    client: str = "127.0.0.1"
    client_port: int = 0  # the caller's TCP port (lets a test on loopback tell which process called)
    params: dict[str, str] = field(default_factory=dict)
    project_id: str | None = None
    identity: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.raw_query, keep_blank_values=True)

    def query(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query_pairs:
            if key == name:
                return value
        return default

    def query_int(self, name: str, default: int, *, lo: int | None = None, hi: int | None = None,
                  v1: bool = False) -> int:
        """An integer query parameter, answering 400 ModelArts.0104 when it is not an int or out of range."""
        raw = self.query(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise bad_request(f"Invalid parameter {name}: {raw!r} is not an integer.", v1=v1) from None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise bad_request(f"Invalid parameter {name}: {value} is out of range [{lo}, {hi}].", v1=v1)
        return value

    def json(self, *, v1: bool = False) -> Any:
        """The body parsed as JSON; an empty body is ``{}``; bad JSON answers 400."""
        if not self.body:
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise bad_request(f"The request body is not valid JSON: {exc}", v1=v1) from None

    def json_object(self, *, v1: bool = False) -> dict[str, Any]:
        body = self.json(v1=v1)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.", v1=v1)
        return body


Handler = Callable[["Request", "Emulator"], Response]


@dataclass
class Route:
    method: str
    pattern: str
    regex: re.Pattern[str]
    handler: Handler
    kind: str
    auth: bool


class Router:
    """Maps ``(method, path)`` to handlers. Patterns look like ``/v2/{project_id}/datasets/{dataset_id}``.

    Each route has a ``kind`` (for example ``training_v2.create``) used by the request log so tests can count
    calls by kind, and ``auth`` telling whether ModelArts authentication applies.
    """

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, method: str, pattern: str, kind: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "/?$")

        def decorator(func: Handler) -> Handler:
            self.routes.append(Route(method.upper(), pattern, regex, func, kind, auth))
            return func

        return decorator

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """Return (route, path params, path_known). ``path_known`` tells a 405 from a 404."""
        path_known = False
        for route in self.routes:
            m = route.regex.match(path)
            if not m:
                continue
            path_known = True
            if route.method == method.upper():
                return route, {k: unquote(v) for k, v in m.groupdict().items()}, True
        return None, {}, path_known
