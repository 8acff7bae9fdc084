"""The route tables: the standard operations of a resource follow one REST convention."""

from __future__ import annotations

from collections import Counter

import pytest

from airflow_provider_modelarts.emulator.http import Request, Response
from airflow_provider_modelarts.emulator.resources.common import resource_routes
from airflow_provider_modelarts.emulator.server import build_router


def _handler(req: Request, emu: object) -> Response:
    return Response(200, {})


def test_standard_operations_go_by_their_verb_in_the_given_order() -> None:
    routes = resource_routes("/c", "/c/{id}", list_things=_handler, create_thing=_handler, get_thing=_handler,
                             update_thing=_handler, delete_thing=_handler)
    assert [(method, path, op) for method, path, op, _ in routes] == [
        ("GET", "/c", "list_things"), ("POST", "/c", "create_thing"), ("GET", "/c/{id}", "get_thing"),
        ("PUT", "/c/{id}", "update_thing"), ("DELETE", "/c/{id}", "delete_thing")]


def test_an_operation_without_a_standard_verb_is_refused() -> None:
    with pytest.raises(ValueError, match="stop_thing is not a standard operation"):
        resource_routes("/c", "/c/{id}", stop_thing=_handler)


def test_every_method_and_path_is_routed_once() -> None:
    seen = Counter((route.method, route.pattern) for route in build_router().routes)
    assert [key for key, count in seen.items() if count > 1] == []
