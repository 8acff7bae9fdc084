"""The contract validator itself: what it refuses and how it names the field."""

from __future__ import annotations

import json

import pytest

from airflow_provider_modelarts.emulator import contract
from airflow_provider_modelarts.emulator.contract import Operation, a, b, i, m, o, req, s
from airflow_provider_modelarts.emulator.http import ApiError

BODY = o({
    "name": req(s()),
    "count": i(),
    "flag": b(),
    "sources": a(o({"path": req(s()), "kind": i(enum=[0, 1])})),
    "env": m(s()),
})


def test_a_documented_body_has_no_problems() -> None:
    value = {"name": "x", "count": 2, "flag": True, "sources": [{"path": "/b/k", "kind": 1}], "env": {"A": "1"}}
    assert contract.problems(value, BODY, "", request=True) == []


@pytest.mark.parametrize(("value", "expected"), [
    ({}, "name: missing mandatory field"),
    ({"name": "x", "extra": 1}, "extra: unknown field"),
    ({"name": "x", "sources": [{"path": "/b", "depth": 1}]}, "sources[0].depth: unknown field"),
    ({"name": "x", "sources": [{}]}, "sources[0].path: missing mandatory field"),
    ({"name": "x", "count": "2"}, "count: expected integer, got string"),
    ({"name": "x", "count": True}, "count: expected integer, got boolean"),
    ({"name": "x", "sources": [{"path": "/b", "kind": 7}]}, "sources[0].kind: 7 is not one of [0, 1]"),
    ({"name": "x", "env": {"A": 1}}, "env.A: expected string, got integer"),
    ({"name": None}, "name: must not be null"),
    ({"name": "x", "sources": [{"path": None}]}, "sources[0].path: must not be null"),
])
def test_each_undocumented_shape_is_named(value: dict, expected: str) -> None:
    found = contract.problems(value, BODY, "", request=True)
    assert any(p.startswith(expected) for p in found), found


def test_answers_are_not_held_to_mandatory_fields_but_to_their_types() -> None:
    assert contract.problems({}, BODY, "", request=False) == []
    assert contract.problems({"bogus": 1}, BODY, "", request=False)
    assert contract.problems({"count": None}, BODY, "", request=False) == ["count: must not be null"]


def test_an_optional_request_field_sent_as_null_counts_as_absent() -> None:
    assert contract.problems({"name": "x", "count": None}, BODY, "", request=True) == []


def test_query_parameters_are_typed_and_closed() -> None:
    table = {"limit": i(), "order": s(enum=["asc", "desc"]), "with_labels": b()}
    assert contract.query_problems([("limit", "5"), ("order", "asc"), ("with_labels", "true")], table) == []
    found = contract.query_problems([("limit", "x"), ("order", "up"), ("page", "1"), ("with_labels", "1")], table)
    assert [p.split(":")[0] for p in found] == ["limit", "order", "page", "with_labels"]


def test_an_operation_without_a_body_refuses_one() -> None:
    op = Operation(source="test")
    assert contract.request_problems(op, [], b"") == []
    assert contract.request_problems(op, [], b"{}") == []
    assert contract.request_problems(op, [], json.dumps({"a": 1}).encode()) == [
        "body: this operation takes no request body"]


def test_check_request_answers_400_in_the_operations_error_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    ops = {"x.v2": Operation(source="t", body=BODY), "x.v1": Operation(source="t", body=BODY, v1=True)}
    monkeypatch.setattr(contract, "_OPERATIONS", ops)
    with pytest.raises(ApiError) as err:
        contract.check_request("x.v2", [], b'{"name": "a", "bogus": 1}')
    assert err.value.status == 400 and "bogus" in err.value.error_msg
    assert err.value.body("r") == {"error_code": "ModelArts.0104", "error_msg": err.value.error_msg}
    with pytest.raises(ApiError) as err:
        contract.check_request("x.v1", [], b"{}")
    assert err.value.body("r")["is_success"] is False and "name" in err.value.body("r")["error_message"]


def test_every_tabled_operation_names_a_route_and_a_source() -> None:
    from airflow_provider_modelarts.emulator.server import build_router

    kinds = {route.kind for route in build_router().routes}
    for kind, op in contract.operations().items():
        assert kind in kinds, f"{kind} is tabled but no route serves it"
        assert op.source.strip(), f"{kind} cites no source"


def test_every_served_route_has_a_documented_table() -> None:
    """Issue 12: the emulator validates *every* operation it serves, so no route may lack a table (a new route
    without one would be a lenient hole the family tests of the other families cannot see)."""
    from airflow_provider_modelarts.emulator.server import build_router

    tabled = contract.operations()
    untabled = sorted({route.kind for route in build_router().routes} - set(tabled))
    assert not untabled, f"routes served without a documented field table: {untabled}"


def test_every_client_request_builder_is_fed_through_the_tables_by_a_family_test() -> None:
    """Issue 12: each request builder of ``client/api/`` (a public function returning an ``ApiRequest``) is called
    by one of the family contract tests beside this file, which pass what it builds through
    ``contract.wire_problems``; a new builder without such a call fails here."""
    import importlib
    import inspect
    import re
    from pathlib import Path

    here = Path(__file__).parent
    family_tests = "\n".join(p.read_text() for p in here.glob("test_*.py") if p.name != "test_core.py")
    assert family_tests.count("wire_problems(") >= 5
    unfed: list[str] = []
    for family in ("datasets", "models", "services", "training_v1", "training_v2"):
        module = importlib.import_module(f"airflow_provider_modelarts.client.api.{family}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            returns = str(inspect.signature(fn).return_annotation)
            if fn.__module__ == module.__name__ and not name.startswith("_") and "ApiRequest" in returns \
                    and not re.search(rf"\b{name}\(", family_tests):
                unfed.append(f"{family}.{name}")
    assert not unfed, f"request builders no contract test feeds through the tables: {unfed}"
