"""Helpers every resource module shares: times, names, integers, pages, route tables.

Each exists once. The API families answer errors in two shapes (v1: ``{"is_success": false, "error_code",
"error_message"}``; v2 and the dataset APIs: ``{"error_code", "error_msg"}``, see :class:`..http.ApiError`): a
caller from the v1 family passes ``v1=True``, as it does to :meth:`..http.Request.query_int`. What differs between
resources beyond the shape (the name rule and its wording, the page parameters) is the caller's argument, so the
answers stay those the contract tables and tests check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import Request, Response, bad_request

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.http import Router
    from airflow_provider_modelarts.emulator.state import Emulator

INT_TEXT = re.compile(r"-?\d+")
#: A route's handler.
Handler = Callable[[Request, "Emulator"], Response]
#: One route: (method, path pattern, operation, handler); its request-log kind is ``<family>.<operation>``.
RouteSpec = tuple[str, str, str, Handler]


def ms(seconds: float) -> int:
    """Emulated epoch seconds as epoch milliseconds."""
    return int(seconds * 1000)


def now_ms(emu: Emulator) -> int:
    """Emulated time now in epoch milliseconds."""
    return emu.clock.now_ms()


@dataclass(frozen=True)
class NameRule:
    """How one API family names a resource, and how its errors say so.

    :param pattern: what a valid name matches (``re.match``).
    :param rule: the end of the invalid-name message, after ``Invalid parameter <field>: <value!r>``.
    :param max_len: a length limit checked beside ``pattern`` (None: ``pattern`` holds it).
    :param missing: the message for an absent or empty name, with ``{field}`` (None: the invalid-name message).
    """

    pattern: re.Pattern[str]
    rule: str
    max_len: int | None = None
    missing: str | None = None


def check_name(value: Any, field: str, rule: NameRule, *, v1: bool = False) -> str:
    """A required resource name that follows ``rule``; 400 ``ModelArts.0104`` naming ``field`` otherwise.

    :param value: the value from the body.
    :param field: its field name for the error message.
    :param rule: the family's name rule.
    :param v1: answer in the v1 error shape.
    """
    invalid = f"Invalid parameter {field}: {value!r} {rule.rule}"
    if not isinstance(value, str) or not value:
        raise bad_request(rule.missing.format(field=field) if rule.missing else invalid, v1=v1)
    if (rule.max_len is not None and len(value) > rule.max_len) or not rule.pattern.match(value):
        raise bad_request(invalid, v1=v1)
    return value


def as_int(value: Any, field: str, *, lo: int | None = None, hi: int | None = None, whole_floats: bool = False,
           v1: bool = False) -> int:
    """An integer body field: a JSON integer or a digit string (the documented samples quote some Long values).

    :param value: the value from the body.
    :param field: its field name for the error message.
    :param lo: the smallest accepted value (None: no bound).
    :param hi: the largest accepted value (None: no bound).
    :param whole_floats: accept a float without fraction such as ``5.0``.
    :param v1: answer in the v1 error shape.
    """
    if isinstance(value, str) and INT_TEXT.fullmatch(value.strip()):
        value = int(value.strip())
    elif whole_floats and isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"Invalid parameter {field}: {value!r} is not an integer.", v1=v1)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise bad_request(f"Invalid parameter {field}: {value} is out of range [{lo}, {hi}].", v1=v1)
    return value


def page_window(req: Request, *, default_size: int = 10, max_size: int = 100, size: str = "limit",
                index: str = "offset", first: int = 0, max_index: int | None = None, v1: bool = False) -> slice:
    """The rows one page of a list covers, from its page-size and page-index query parameters (size checked first).

    :param req: the request carrying the parameters.
    :param default_size: page size when ``size`` is absent.
    :param max_size: largest accepted page size.
    :param size: name of the page-size parameter (``limit``; v1 training ``per_page``).
    :param index: name of the page-index parameter (``offset``, a PAGE index; v1 training ``page``).
    :param first: the index of the first page (0, or 1 for v1 training).
    :param max_index: largest accepted page index (None: no bound).
    :param v1: answer in the v1 error shape.
    """
    limit = req.query_int(size, default_size, lo=1, hi=max_size, v1=v1)
    number = req.query_int(index, first, lo=first, hi=max_index, v1=v1) - first
    return slice(number * limit, (number + 1) * limit)


def page(items: list[Any], req: Request, **window: Any) -> list[Any]:
    """The page of ``items`` (already filtered and sorted) that ``req`` asks for (see :func:`page_window`)."""
    return items[page_window(req, **window)]


#: How a resource's standard operations go on the wire, by the verb their name starts with (``create``,
#: ``list_versions``, ``get_config``, ...): (method, on one resource rather than on the collection).
STANDARD_VERBS = {"create": ("POST", False), "list": ("GET", False), "get": ("GET", True), "update": ("PUT", True),
                  "delete": ("DELETE", True)}


def resource_routes(collection: str, one: str, **handlers: Handler) -> list[RouteSpec]:
    """The routes of a resource's standard operations, in the given order (see :data:`STANDARD_VERBS`).

    An operation named ``create...`` is POST on ``collection``, ``list...`` GET on it; ``get...``, ``update...``
    and ``delete...`` are GET, PUT and DELETE on ``one``.

    :param collection: the path pattern of the collection (``.../datasets``).
    :param one: the path pattern of one resource in it (``.../datasets/{dataset_id}``).
    :param handlers: the handler of each operation, by operation name.
    :raises ValueError: for an operation name that starts with no standard verb.
    """
    routes: list[RouteSpec] = []
    for op, handler in handlers.items():
        verb = op.split("_", 1)[0]
        if verb not in STANDARD_VERBS:
            raise ValueError(f"{op} is not a standard operation ({sorted(STANDARD_VERBS)})")
        method, on_one = STANDARD_VERBS[verb]
        routes.append((method, one if on_one else collection, op, handler))
    return routes


def add_routes(router: Router, family: str, routes: Iterable[RouteSpec]) -> None:
    """Register a family's route table; each route's kind is ``<family>.<operation>`` (in the given order)."""
    for method, pattern, op, handler in routes:
        router.route(method, pattern, f"{family}.{op}")(handler)
