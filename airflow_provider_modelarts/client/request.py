"""The description of one REST call, built by the per-resource builders and run by the sync or async client."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

QueryPairs = Sequence[tuple[str, Any]]


def path_param(value: Any) -> str:
    """A path parameter, quoted like huaweicloudsdkcore does (``quote(str(v), safe='')``).

    :raises ValueError: for an empty value, which would address another resource (``/jobs//stop``) or a listing.
    """
    if value is None or str(value) == "":
        raise ValueError("an empty id cannot address a ModelArts resource")
    return quote(str(value), safe="")


@dataclass(frozen=True)
class ApiRequest:
    """One REST operation.

    :param method: HTTP method.
    :param path: path relative to the endpoint with ``{project_id}`` left as a placeholder (filled by the client)
        and every other parameter already quoted with :func:`path_param`.
    :param kind: operation name (``training_v2.create`` ...), used in errors, logs and request counts.
    :param query: query pairs; ``None`` values are dropped.
    :param body: JSON-able body, or None.
    :param idempotent: safe to re-send after an ambiguous failure (GET/PUT/DELETE and read-only POSTs such as
        searches). A create is not: see the retry policy in :mod:`.transport`.
    :param ok_statuses: statuses that count as success (default: any 2xx).
    """

    method: str
    path: str
    kind: str
    query: QueryPairs = ()
    body: Any = None
    idempotent: bool | None = None
    ok_statuses: tuple[int, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_idempotent(self) -> bool:
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() != "POST"

    def query_pairs(self) -> list[tuple[str, Any]]:
        return [(k, v) for k, v in self.query if v is not None]

    def body_bytes(self) -> bytes | None:
        if self.body is None:
            return None
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def with_query(self, **updates: Any) -> ApiRequest:
        """A copy with some query parameters replaced (used by the page iterators)."""
        pairs = [(k, v) for k, v in self.query if k not in updates] + list(updates.items())
        return ApiRequest(self.method, self.path, self.kind, pairs, self.body, self.idempotent, self.ok_statuses,
                          dict(self.headers))

    def with_body(self, **updates: Any) -> ApiRequest:
        body = dict(self.body or {})
        body.update(updates)
        return ApiRequest(self.method, self.path, self.kind, self.query, body, self.idempotent, self.ok_statuses,
                          dict(self.headers))
