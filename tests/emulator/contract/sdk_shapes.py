"""Compare a contract table with an official SDK model: both reduced to nested (type, children) tuples."""

from __future__ import annotations

import re
from types import ModuleType
from typing import Any

from airflow_provider_modelarts.emulator.contract import Field

PRIMITIVES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "object": "any"}


def sdk_shape(models: ModuleType, type_name: str) -> Any:
    """The SDK model ``type_name`` of ``models`` (``openapi_types`` and ``attribute_map``, recursively)."""
    if type_name in PRIMITIVES:
        return PRIMITIVES[type_name]
    if found := re.fullmatch(r"list\[(.*)\]", type_name):
        return ("array", sdk_shape(models, found.group(1)))
    if found := re.fullmatch(r"dict\(str, (.*)\)", type_name):
        return ("map", sdk_shape(models, found.group(1)))
    model = getattr(models, type_name)
    return ("object", {model.attribute_map[k]: sdk_shape(models, v) for k, v in model.openapi_types.items()})


def shape(spec: Field | None, *, headers: tuple[str, ...] = ()) -> Any:
    """A table in the same form; ``headers`` are SDK response attributes that travel as headers, not body."""
    assert spec is not None
    if spec.type == "object":
        return ("object", {k: shape(v) for k, v in (spec.fields or {}).items()} | {h: "string" for h in headers})
    if spec.type in ("array", "map"):
        return (spec.type, shape(spec.items) if spec.items else "any")
    return spec.type
