"""JSON Schemas of user-supplied specs, and :func:`validate` that names the offending field and the fix.

jsonschema is imported only when a spec is validated (never at DAG-parse time).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


class SpecError(ValueError):
    """A user-supplied spec is invalid. The message names the field and how to fix it."""


@cache
def load(name: str) -> dict[str, Any]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


def _field(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate(instance: Mapping[str, Any], schema_name: str, *, what: str) -> None:
    """Validate ``instance`` against ``schemas/<schema_name>.json``; raise :class:`SpecError` listing every problem.

    Schemas may carry a ``"fix"`` hint next to any property; it is quoted in the message.
    """
    import jsonschema

    schema = load(schema_name)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    lines = []
    for err in errors[:10]:
        where = _field(err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            where = _field([*err.absolute_path, missing])
        hint = err.schema.get("fix") if isinstance(err.schema, dict) else None
        lines.append(f"- {where}: {err.message}" + (f" (fix: {hint})" if hint else ""))
    raise SpecError(f"Invalid {what}:\n" + "\n".join(lines))


def deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` merged in (nested mappings merged, everything else replaced): how a raw REST
    spec given by the user (``job_spec``, ``model_spec`` ...) is laid over the body built from the arguments."""
    import copy

    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def coerce_numbers(values: dict[str, Any], integer_fields: Iterable[str] = (),
                   number_fields: Iterable[str] = ()) -> dict[str, Any]:
    """Turn numeric strings (rendered templates) into ints/floats for the named top-level fields."""
    out = dict(values)
    for name in integer_fields:
        value = out.get(name)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            out[name] = int(value.strip())
    for name in number_fields:
        value = out.get(name)
        if isinstance(value, str):
            try:
                out[name] = float(value.strip())
            except ValueError:
                pass
    return out
