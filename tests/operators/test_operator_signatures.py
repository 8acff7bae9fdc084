"""Issue 13: every public operator's and sensor's signature lists only arguments the class honours.

An argument is honoured when what ``__init__`` stores it as is read by code the task can run: the methods
reachable from the entry points Airflow calls (``execute``, the resume methods named in ``defer``, ``on_kill``,
``poke``, the OpenLineage hooks), following ``self.<method>`` through the class's own method resolution (an
overridden method does not count for its subclass). The walk is static (the source's AST), so it needs no
connection, and it covers every class the provider info lists without editing this file.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from functools import cache
from typing import Any

import pytest

from tests.operators.task_classes import public_task_classes

CLASSES = public_task_classes()
ENTRY_POINTS = ("execute", "on_kill", "poke", "choose_branch", "get_openlineage_facets_on_start",
                "get_openlineage_facets_on_complete", "get_openlineage_facets_on_failure")
OURS = "airflow_provider_modelarts."
AIRFLOW = "<handed to Airflow's base class>"


def _is_ours(owner: type) -> bool:
    """The provider's code (and this file's own example class), not Airflow's."""
    return owner.__module__.startswith(OURS) or owner.__module__ == __name__


def _ours(cls: type) -> list[type]:
    return [c for c in cls.__mro__ if _is_ours(c)]


@cache
def _methods(owner: type) -> dict[str, ast.FunctionDef]:
    """The functions defined in ``owner``'s own body (methods and properties)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(owner)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    return {f.name: f for f in body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _find(cls: type, name: str, after: type | None = None) -> tuple[type, ast.FunctionDef] | None:
    """``cls.name`` as the method resolution finds it (after ``after``: a ``super()`` call), when it is the
    provider's own code; None when it is Airflow's, or missing."""
    mro = cls.__mro__
    for owner in mro[mro.index(after) + 1:] if after is not None else mro:
        if name in vars(owner):
            func = _methods(owner).get(name) if _is_ours(owner) else None
            return (owner, func) if func is not None else None
    return None


def _effective(cls: type, name: str) -> ast.FunctionDef | None:
    found = _find(cls, name)
    return found[1] if found else None


def _self_attributes(node: ast.AST) -> set[str]:
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "self" and isinstance(n.ctx, ast.Load)}


def _super_calls(node: ast.AST) -> set[str]:
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Call)
            and isinstance(n.value.func, ast.Name) and n.value.func.id == "super"}


def _named_strings(owner: type, node: ast.AST) -> set[str]:
    """Strings that may name attributes read with ``getattr(self, name)``: literals in the method and the
    string tuples of module constants it refers to (``for name in V1_ESTIMATOR_ARGS``)."""
    found = {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    module = vars(sys.modules[owner.__module__])
    for n in ast.walk(node):
        value = module.get(n.id) if isinstance(n, ast.Name) else None
        if isinstance(value, (tuple, list, frozenset, set)) and all(isinstance(v, str) for v in value):
            found |= set(value)
    return found


def _read_attributes(cls: type) -> set[str]:
    """Every ``self.<attr>`` read by the methods reachable from the entry points."""
    names = set(ENTRY_POINTS)
    for owner in _ours(cls):  # resume methods handed to defer(method_name="...")
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(owner)))):
            if isinstance(node, ast.keyword) and node.arg == "method_name" and isinstance(node.value, ast.Constant):
                names.add(node.value.value)
    todo = [found for name in names if (found := _find(cls, name))]
    seen: set[tuple[type, str]] = set()
    read: set[str] = set()
    while todo:
        owner, func = todo.pop()
        if (owner, func.name) in seen or func.name == "__init__":
            continue
        seen.add((owner, func.name))
        attrs = _self_attributes(func)
        read |= attrs | _named_strings(owner, func)
        for attr in attrs:  # getattr(self, k) for k in self.ARGS: a class's tuple of argument names
            value = getattr(cls, attr, None)
            if isinstance(value, (tuple, list)) and value and all(isinstance(v, str) for v in value):
                read |= set(value)
        todo.extend(found for name in attrs if (found := _find(cls, name)))
        todo.extend(found for name in _super_calls(func) if (found := _find(cls, name, after=owner)))
    return read


def _names(node: ast.AST | None) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} if node is not None else set()


def _assigned(func: ast.AST) -> list[tuple[str, set[str]]]:
    """``(attribute, names its value uses)`` for every ``self.<attribute> = ...`` in ``func``."""
    out = []
    for node in ast.walk(func):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                pairs = [(target, node.value)]
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):  # self.a, self.b = a, b
                    pairs = list(zip(target.elts, node.value.elts, strict=True))
                for one, value in pairs:
                    if isinstance(one, ast.Attribute) and isinstance(one.value, ast.Name) and one.value.id == "self":
                        out.append((one.attr, _names(value)))
    return out


def _stored_as(cls: type) -> dict[str, set[str]]:
    """Each ``__init__`` parameter of the provider's classes -> the ``self`` attributes assigned from it (also
    through a ``self.<method>(...)`` call in ``__init__`` that assigns attributes)."""
    stored: dict[str, set[str]] = {}
    for owner in _ours(cls):
        init = _methods(owner).get("__init__")
        if init is None:
            continue
        params = {a.arg for a in init.args.kwonlyargs + init.args.args} - {"self"}
        for call in (n for n in ast.walk(init) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr == "__init__" and isinstance(n.func.value, ast.Call)):
            for keyword in call.keywords:  # handed on to the base: Airflow's own argument, honoured there
                if isinstance(keyword.value, ast.Name) and keyword.value.id == keyword.arg in params:
                    stored.setdefault(keyword.arg, set()).add(AIRFLOW)
        for attr, used in _assigned(init):
            for param in used & params:
                stored.setdefault(param, set()).add(attr)
        for call in (n for n in ast.walk(init) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and isinstance(n.func.value, ast.Name) and n.func.value.id == "self"):
            helper = _effective(cls, call.func.attr)
            passed = set().union(*map(_names, [*call.args, *(k.value for k in call.keywords)])) & params
            if helper is not None and passed:
                for param in passed:
                    stored.setdefault(param, set()).update(attr for attr, _ in _assigned(helper))
    return stored


def _own_parameters(cls: type) -> list[str]:
    """The keyword parameters the provider's classes add to the signature (Airflow's own are not ours)."""
    names: list[str] = []
    for owner in _ours(cls):
        init = vars(owner).get("__init__")
        if init is None:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in names:
                names.append(p.name)
    return names


def unhonoured_arguments(cls: type) -> list[str]:
    """The parameters of ``cls``'s signature that nothing the task runs reads."""
    read = _read_attributes(cls) | {AIRFLOW}
    stored = _stored_as(cls)
    return [name for name in _own_parameters(cls) if not (stored.get(name, set()) & read)]


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.__name__ for cls in CLASSES])
def test_every_argument_in_the_signature_is_honoured(cls: type) -> None:
    assert unhonoured_arguments(cls) == [], (
        f"{cls.__name__} accepts arguments it never uses: drop them from its signature (or its base)")


def _ignoring_class() -> type:
    from airflow_provider_modelarts.operators.base import ModelArtsDeleteOperator

    class IgnoresAnArgument(ModelArtsDeleteOperator):
        def __init__(self, *, thing: str, unused: int = 0, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.thing = thing
            self.unused = unused

        def describe(self) -> str:
            return f"Model {self.thing}"

        def delete(self) -> Any:
            return self.hook.delete_model(self.thing)

    return IgnoresAnArgument


def test_the_walk_sees_an_ignored_argument() -> None:
    """The check can fail: a class that stores an argument and never reads it is caught."""
    assert unhonoured_arguments(_ignoring_class()) == ["unused"]


def arguments_taken_from_kwargs(cls: type) -> list[str]:
    """The uses of ``**kwargs`` in the provider's ``__init__`` methods of ``cls`` other than handing it on as
    ``**kwargs`` (``kwargs.pop("x")``, ``kwargs.setdefault("x", ...)``, ``kwargs["x"]``): an argument read that
    way is honoured but missing from the signature (or, defaulted, silently overridden)."""
    found = []
    for owner in _ours(cls):
        init = _methods(owner).get("__init__")
        if init is None or init.args.kwarg is None:
            continue
        name = init.args.kwarg.arg
        handed_on = {id(k.value) for k in ast.walk(init) if isinstance(k, ast.keyword) and k.arg is None}
        first = inspect.getsourcelines(owner)[1] - 1
        found += [f"{owner.__name__}.__init__ line {first + n.lineno}" for n in ast.walk(init)
                  if isinstance(n, ast.Name) and n.id == name and id(n) not in handed_on]
    return found


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.__name__ for cls in CLASSES])
def test_no_argument_is_taken_out_of_kwargs(cls: type) -> None:
    """``**kwargs`` is only Airflow's (handed on to ``BaseOperator``): every argument the class honours is in
    the signature, and an argument it does not honour fails the DAG's parse (``TypeError``)."""
    assert arguments_taken_from_kwargs(cls) == []


def test_the_kwargs_check_sees_a_popped_and_a_defaulted_argument() -> None:
    """The check can fail: ``kwargs.pop`` and ``kwargs.setdefault`` in ``__init__`` are caught."""
    from airflow_provider_modelarts.operators.base import ModelArtsBaseOperator

    class PopsAnArgument(ModelArtsBaseOperator):
        def __init__(self, **kwargs: Any) -> None:
            self.hidden = kwargs.pop("hidden", None)
            kwargs.setdefault("retries", 0)
            super().__init__(**kwargs)

    assert len(arguments_taken_from_kwargs(PopsAnArgument)) == 2


def test_stream_logs_is_taken_exactly_by_the_creates_of_resources_with_a_log() -> None:
    """The waiting code reads ``stream_logs`` for every kind (the waiter ignores it where there is no log), so the
    walk above counts it as honoured everywhere; this checks it against the resource specs instead."""
    from airflow_provider_modelarts.client.resources import spec_for
    from airflow_provider_modelarts.operators.base import ModelArtsResourceOperator

    creates = [c for c in CLASSES if issubclass(c, ModelArtsResourceOperator)]
    takes = {c.__name__ for c in CLASSES if "stream_logs" in _own_parameters(c)}
    has_log = {c.__name__ for c in creates if spec_for(c.resource_kind).logs is not None}
    assert takes == has_log
    assert {"ModelArtsCreateTrainingJobOperator", "ModelArtsCreateTrainingJobV1Operator",
            "ModelArtsCreateTrainingJobVersionV1Operator"} <= has_log


@pytest.mark.parametrize(("name", "refused"), [
    ("ModelArtsCreateTrainingJobVersionV1Operator", {"volumes": [{"nfs": {}}]}),
    ("ModelArtsCreateTrainingJobConfigV1Operator", {"pool_id": "pool-1"}),
    ("ModelArtsCreateTrainingJobConfigV1Operator", {"volumes": [{"nfs": {}}]}),
    ("ModelArtsCreateVisualizationJobOperator", {"stream_logs": True}),
    ("ModelArtsDeployServiceOperator", {"stream_logs": False}),
])
def test_an_argument_the_request_cannot_carry_fails_the_parse(name: str, refused: dict[str, Any]) -> None:
    """The v1 version and configuration creates list their Estimator arguments: one their request has no field
    for is refused when the DAG is parsed, not swallowed; likewise ``stream_logs`` where there is no log."""
    from airflow_provider_modelarts.operators import services, training_v1

    cls = getattr(training_v1, name, None) or getattr(services, name)
    given = {"ModelArtsCreateTrainingJobVersionV1Operator": {"job_id": "1", "pre_version_id": "2"},
             "ModelArtsCreateTrainingJobConfigV1Operator": {"config_name": "cfg"},
             "ModelArtsCreateVisualizationJobOperator": {"train_url": "obs://b/out/"}}.get(name, {})
    cls(task_id="ok", **given)
    with pytest.raises(TypeError, match=next(iter(refused))):
        cls(task_id="refused", **given, **refused)


def test_the_base_derives_template_fields_from_id_args_and_always_templates_the_connection() -> None:
    from airflow_provider_modelarts.operators.base import ModelArtsDeleteOperator

    class DeletesAThing(ModelArtsDeleteOperator):
        id_args = ("thing_id",)

    class TemplatesMore(ModelArtsDeleteOperator):
        id_args = ("thing_id",)
        template_fields = ("thing_id", "other")

    assert DeletesAThing.template_fields == ("thing_id", "modelarts_conn_id")
    assert TemplatesMore.template_fields == ("thing_id", "other", "modelarts_conn_id")


def test_the_argument_lists_taken_from_the_schemas_are_the_create_operators_parameters() -> None:
    from airflow_provider_modelarts.operators.models import ModelArtsImportModelOperator
    from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator
    from airflow_provider_modelarts.specs.models import MODEL_ARGS
    from airflow_provider_modelarts.specs.training import ESTIMATOR_ARGS

    assert set(ESTIMATOR_ARGS) == set(_own_parameters(ModelArtsCreateTrainingJobOperator)) - {
        "job_spec", "collect_metrics", "stream_logs", "action_if_exists", "wait_for_completion", "poll_interval",
        "max_wait", "deferrable", "poll_error_budget", "modelarts_conn_id"}
    assert set(MODEL_ARGS) <= set(_own_parameters(ModelArtsImportModelOperator))
