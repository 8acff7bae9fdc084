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
    """A user-supplied spec is invalid: ``problems`` lists each one, naming the field and the fix.

    The message is ``Invalid <what>:`` and one ``- <problem>`` line each; code that combines problems reads
    :attr:`problems`, never the message text.

    :param what: what was validated (``training job arguments``).
    :param problems: one line per problem, each naming the field and the fix.
    """

    def __init__(self, what: str, problems: Iterable[str] | None = None) -> None:
        # transitional: ``SpecError(message)`` (one preformatted text) until every builder passes its problems
        self.what = what
        self.problems = [str(p) for p in problems] if problems is not None else []
        text = f"Invalid {what}:\n" + "\n".join(f"- {p}" for p in self.problems) if problems is not None else what
        super().__init__(text)


@cache
def load(name: str) -> dict[str, Any]:
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


def argument_names(name: str) -> tuple[str, ...]:
    """The top-level properties of ``schemas/<name>.json``, in order: the arguments of the operator whose
    arguments that schema checks (one place for the list: the schema).

    :param name: the schema's file name without ``.json``.
    """
    return tuple(load(name)["properties"])


def _field(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate(instance: Mapping[str, Any], schema_name: str, *, what: str) -> None:
    """Validate ``instance`` against ``schemas/<schema_name>.json``; raise :class:`SpecError` listing every problem.

    Schemas may carry a ``"fix"`` hint next to any property; it is quoted in the message.

    :param instance: the spec to check.
    :param schema_name: the schema's file name without ``.json``.
    :param what: what is validated, for the message.
    """
    found = problems(instance, schema_name)
    if found:
        raise SpecError(what, found)


def problems(instance: Mapping[str, Any], schema_name: str) -> list[str]:
    """The problems of ``instance`` against ``schemas/<schema_name>.json`` (at most 10), each naming the field and,
    where the schema has a ``"fix"`` hint next to the property, the fix; empty when it is valid.

    :param instance: the spec to check.
    :param schema_name: the schema's file name without ``.json``.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(load(schema_name))
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    lines = []
    for err in errors[:10]:
        where = _field(err.absolute_path)
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            where = _field([*err.absolute_path, missing])
        hint = err.schema.get("fix") if isinstance(err.schema, dict) else None
        lines.append(f"{where}: {err.message}" + (f" (fix: {hint})" if hint else ""))
    return lines


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
