"""The emulator's contract: one documented field table per operation, and the one validator that reads them.

Every operation the emulator serves (a route ``kind`` such as ``datasets.create``) has an :class:`Operation` in
one of the family modules beside this file (``datasets``, ``training_v1``, ...; each exports ``OPERATIONS``). An
operation cites its source (an ``api-ref-otc/...`` page, an official SDK model in ``huaweicloudsdkmodelarts``, or
a section of ``modelarts-rest-api.md``/the SDK reference) and lists its query parameters, its body and its answer
as :class:`Field` trees. A field that no source of the operation has, but that the SDK reference needs, is kept
only with ``cite=`` naming where it comes from (an *exception entry*).

The dispatcher calls :func:`check_request` after authentication and before the handler: an unknown key at any
depth, a missing mandatory field, a wrong JSON type or a value outside an enumeration answers 400 with a
ModelArts-style error naming the field (the v1 shape ``is_success``/``error_message`` for v1 operations). It then
calls :func:`check_response` on every 2xx JSON answer: a field the table does not have, or a wrong type, is an
emulator bug and answers 500 ``ModelArts.0010`` so that the tests see it at once.

Tables are data: nothing here knows any resource.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from airflow_provider_modelarts.emulator.http import ApiError

JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array", "map", "any")


@dataclass(frozen=True)
class Field:
    """One documented field.

    :param type: ``string``, ``integer``, ``number``, ``boolean``, ``object`` (closed: only ``fields``),
        ``array`` (of ``items``), ``map`` (free keys, values ``items``) or ``any``.
    :param required: Mandatory in the source (checked on requests only).
    :param fields: the children of an ``object``.
    :param items: the element of an ``array`` or the value of a ``map``.
    :param enum: the documented values, when the source enumerates them.
    :param nullable: ``null`` is allowed.
    :param cite: for a field its operation's source lacks: where it comes from and why it is kept.
    """

    type: str
    required: bool = False
    fields: Mapping[str, Field] | None = None
    items: Field | None = None
    enum: tuple[Any, ...] | None = None
    nullable: bool = False
    cite: str = ""

    def __post_init__(self) -> None:
        if self.type not in JSON_TYPES:
            raise ValueError(f"unknown field type {self.type!r}")


# ---- constructors that keep the tables short ------------------------------------------------------------------
def s(*, enum: Iterable[Any] | None = None, **kw: Any) -> Field:
    """A string field."""
    return Field("string", enum=tuple(enum) if enum is not None else None, **kw)


def i(*, enum: Iterable[Any] | None = None, **kw: Any) -> Field:
    """An integer field (JSON ``true``/``false`` is not an integer)."""
    return Field("integer", enum=tuple(enum) if enum is not None else None, **kw)


def n(**kw: Any) -> Field:
    """A number field (integer or float)."""
    return Field("number", **kw)


def b(**kw: Any) -> Field:
    """A boolean field."""
    return Field("boolean", **kw)


def o(fields: Mapping[str, Field] | None = None, /, **kw: Any) -> Field:
    """A closed object: only the keys of ``fields`` are allowed (pass ``{}`` for an empty object)."""
    return Field("object", fields=dict(fields or {}), **kw)


def a(items: Field, /, **kw: Any) -> Field:
    """An array of ``items``."""
    return Field("array", items=items, **kw)


def m(values: Field | None = None, /, **kw: Any) -> Field:
    """A map with free keys (labels, environment variables, hyperparameters); values are ``values``."""
    return Field("map", items=values or Field("any"), **kw)


def anything(**kw: Any) -> Field:
    """Any JSON value (only where the source itself leaves the value open, e.g. a prediction payload)."""
    return Field("any", **kw)


def req(f: Field) -> Field:
    """``f`` marked Mandatory."""
    return replace(f, required=True)


def cited(f: Field, cite: str) -> Field:
    """``f`` kept as an exception entry: ``cite`` names the source that needs it."""
    return replace(f, cite=cite)


@dataclass(frozen=True)
class Operation:
    """The documented shape of one operation.

    :param source: where the tables come from (``api-ref-otc/<path>.txt``, ``huaweicloudsdkmodelarts/<model>.py``,
        ``modelarts-rest-api.md §N``); several sources are separated by ``;``.
    :param query: the documented query parameters (each a :class:`Field` of a scalar type).
    :param body: the request body (an ``object``), or None when the operation takes no body.
    :param response: the 2xx answer (an ``object``), or None when it is not JSON or not checked (say why in
        ``note``).
    :param v1: errors use the legacy v1 shape (``is_success: false``, ``error_message``).
    :param error_code: the family's documented parameter-error code (``ModelArts.0104`` "Parameter error." in the
        error-code appendix; v2 training answers ``ModelArts.2788`` InvalidParam).
    :param solution: an ``error_solution`` for families whose errors carry one (v2 training).
    :param error: builds the 400 of a family with an error shape of its own (IAM's Keystone ``{"error": ...}``)
        from the message; None for the ModelArts shapes.
    :param note: decisions and conflicts between sources (also in ``docs/api-decisions.md``).
    """

    source: str
    query: Mapping[str, Field] = field(default_factory=dict)
    body: Field | None = None
    response: Field | None = None
    v1: bool = False
    error_code: str = "ModelArts.0104"
    solution: str | None = None
    error: Callable[[str], ApiError] | None = None
    note: str = ""


# ---- the validator --------------------------------------------------------------------------------------------
def problems(value: Any, spec: Field, path: str, *, request: bool) -> list[str]:
    """Every way ``value`` breaks ``spec``, each naming the field by its dotted path (``a.b[0].c``).

    :param value: the decoded JSON value.
    :param spec: the documented field.
    :param path: the name of ``value`` in its document.
    :param request: check Mandatory fields (requests) or not (answers).
    """
    if value is None:
        # An optional request field sent as null counts as absent (as the SDKs' JSON mappers read it); an answer
        # never carries null unless its table says so.
        allowed = spec.nullable or spec.type == "any" or (request and not spec.required)
        return [] if allowed else [f"{path}: must not be null"]
    kind = spec.type
    wrong = {
        "string": not isinstance(value, str),
        "integer": isinstance(value, bool) or not isinstance(value, int),
        "number": isinstance(value, bool) or not isinstance(value, int | float),
        "boolean": not isinstance(value, bool),
        "object": not isinstance(value, dict),
        "map": not isinstance(value, dict),
        "array": not isinstance(value, list),
        "any": False,
    }[kind]
    if wrong:
        return [f"{path}: expected {kind}, got {_json_type(value)}"]
    if spec.enum is not None and value not in spec.enum:
        return [f"{path}: {value!r} is not one of {list(spec.enum)}"]
    found: list[str] = []
    if kind == "object":
        assert spec.fields is not None
        for key in value:
            if key not in spec.fields:
                found.append(f"{_join(path, key)}: unknown field (the documented fields are "
                             f"{sorted(spec.fields) or 'none'})")
        for key, child in spec.fields.items():
            if key in value:
                found += problems(value[key], child, _join(path, key), request=request)
            elif request and child.required:
                found.append(f"{_join(path, key)}: missing mandatory field")
    elif kind in ("array", "map") and spec.items is not None:
        entries = enumerate(value) if kind == "array" else value.items()
        for key, item in entries:
            name = f"{path}[{key}]" if kind == "array" else _join(path, str(key))
            found += problems(item, spec.items, name, request=request)
    return found


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(value: Any) -> str:
    for name, py in (("boolean", bool), ("integer", int), ("number", float), ("string", str),
                     ("object", dict), ("array", list)):
        if isinstance(value, py):
            return name
    return type(value).__name__


def query_problems(pairs: Iterable[tuple[str, str]], table: Mapping[str, Field]) -> list[str]:
    """Every unknown, repeated or mistyped query parameter (the values arrive as strings)."""
    found: list[str] = []
    seen: set[str] = set()
    for key, raw in pairs:
        spec = table.get(key)
        if spec is None:
            found.append(f"{key}: unknown query parameter (the documented ones are {sorted(table) or 'none'})")
            continue
        if key in seen:
            found.append(f"{key}: given more than once")
        seen.add(key)
        value: Any = raw
        if spec.type in ("integer", "number"):
            try:
                value = int(raw) if spec.type == "integer" else float(raw)
            except ValueError:
                found.append(f"{key}: expected {spec.type}, got {raw!r}")
                continue
        elif spec.type == "boolean":
            if raw not in ("true", "false"):
                found.append(f"{key}: expected true or false, got {raw!r}")
                continue
            value = raw == "true"
        if spec.enum is not None and value not in spec.enum:
            found.append(f"{key}: {raw!r} is not one of {list(spec.enum)}")
    for key, spec in table.items():
        if spec.required and key not in seen:
            found.append(f"{key}: missing mandatory query parameter")
    return found


def request_problems(op: Operation, query_pairs: Iterable[tuple[str, str]], body: bytes) -> list[str]:
    """Every way a request breaks its operation's tables (query first, then body)."""
    found = query_problems(query_pairs, op.query)
    if op.body is None:
        if body.strip() not in (b"", b"{}"):
            found.append("body: this operation takes no request body")
        return found
    if op.body.type == "any":  # the source leaves the payload open (a model's input: JSON, a file, ...)
        return found
    try:
        decoded = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return found  # the handler answers its family's own invalid-JSON error (e.g. ModelArts.2787)
    return found + problems(decoded, op.body, "", request=True)


# ---- the registry ---------------------------------------------------------------------------------------------
_OPERATIONS: dict[str, Operation] | None = None


def operations() -> dict[str, Operation]:
    """Every tabled operation by route kind, gathered once from the family modules beside this file."""
    global _OPERATIONS
    if _OPERATIONS is None:
        found: dict[str, Operation] = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for kind, op in getattr(module, "OPERATIONS", {}).items():
                if kind in found:
                    raise ValueError(f"operation {kind} is tabled twice")
                found[kind] = op
        _OPERATIONS = found
    return _OPERATIONS


def check_request(kind: str, query_pairs: Iterable[tuple[str, str]], body: bytes) -> None:
    """Raise a 400 naming every field of the request that its table does not allow.

    :param kind: the route kind.
    :param query_pairs: the decoded query pairs.
    :param body: the raw body.
    """
    op = operations().get(kind)
    if op is None:
        return
    found = request_problems(op, query_pairs, body)
    if found:
        shown = "; ".join(found[:5]) + (f"; and {len(found) - 5} more" if len(found) > 5 else "")
        message = f"Invalid parameter: {shown}."
        if op.error is not None:
            raise op.error(message)
        raise ApiError(400, op.error_code, message, v1=op.v1, solution=op.solution)


def check_response(kind: str, status: int, body: Any) -> list[str]:
    """Every field of a 2xx JSON answer that its table does not document (empty when all is well)."""
    op = operations().get(kind)
    if op is None or op.response is None or not 200 <= status < 300 or body is None:
        return []
    return problems(body, op.response, "", request=False)


def wire_problems(method: str, path: str, query_pairs: Iterable[tuple[str, str]], body: bytes | None) -> list[str]:
    """Every way a request, as it would go on the wire, breaks the tables (for tests of the client's builders).

    :param method: HTTP method.
    :param path: the path with the project id filled in.
    :param query_pairs: the query pairs as strings.
    :param body: the raw body, or None.
    :raises LookupError: when no route serves ``method path`` or the route has no table.
    """
    from airflow_provider_modelarts.emulator.server import build_router  # the router imports this module

    route, _, _ = build_router().match(method, path)
    if route is None:
        raise LookupError(f"no emulator route serves {method} {path}")
    op = operations().get(route.kind)
    if op is None:
        raise LookupError(f"{route.kind} has no documented table")
    return request_problems(op, query_pairs, body or b"")
