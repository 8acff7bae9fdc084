"""Sphinx extension: writes the API reference pages at build time and checks that the docstrings document it.

The modules come from the package itself, not from a list kept here: every module of ``hooks``, ``operators``,
``sensors``, ``triggers`` and ``links`` (found with :mod:`pkgutil`), so a new operator module gets its page on
the next build. For each public class defined there a page entry is written (``autoclass``; hooks also list
their methods), and three checks emit Sphinx warnings, which ``-W`` turns into a failed build:

* an operator, sensor, trigger or hook whose constructor argument is named nowhere in its docstring or in a
  docstring of its provider base classes (as ``:param name:`` or the word itself);
* a public operator, sensor or trigger class without a docstring;
* a module with operators, sensors, triggers or hooks that ``get_provider_info()`` does not list (Airflow would
  not know about it).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

PACKAGE = "airflow_provider_modelarts"
#: (sub-package, provider-info key, page title); links have no provider-info key of modules.
AREAS = (
    ("operators", "operators", "Operators"),
    ("sensors", "sensors", "Sensors"),
    ("triggers", "triggers", "Triggers"),
    ("hooks", "hooks", "Hooks"),
    ("links", None, "Console links"),
)
OUT_DIR = "_generated"


def area_modules(area: str) -> list[str]:
    """Every module of ``airflow_provider_modelarts.<area>`` (sub-packages included), sorted."""
    pkg = importlib.import_module(f"{PACKAGE}.{area}")
    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}.")
             if not m.name.rsplit(".", 1)[-1].startswith("_")]
    return sorted(names)


def public_classes(module: Any) -> list[type]:
    """Classes defined in ``module`` (not imported into it) whose names do not start with ``_``."""
    return [obj for name, obj in vars(module).items()
            if inspect.isclass(obj) and obj.__module__ == module.__name__ and not name.startswith("_")]


def airflow_bases() -> tuple[type, ...]:
    from airflow.sdk import BaseHook, BaseOperator
    from airflow.triggers.base import BaseTrigger

    return BaseOperator, BaseTrigger, BaseHook


def provider_classes(cls: type) -> list[type]:
    """``cls`` and its bases that belong to this provider (their docstrings document the arguments)."""
    return [c for c in cls.__mro__ if c.__module__.startswith(PACKAGE)]


def constructor_arguments(cls: type) -> list[str]:
    """Named arguments of every provider ``__init__`` in the MRO (``self``, ``*args`` and ``**kwargs`` left out)."""
    names: list[str] = []
    for klass in provider_classes(cls):
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for param in inspect.signature(init).parameters.values():
            if param.name != "self" and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                names.append(param.name)
    return list(dict.fromkeys(names))


def undocumented_arguments(cls: type) -> list[str]:
    """Constructor arguments that no provider docstring of the class names."""
    text = "\n".join(inspect.getdoc(c) or "" for c in provider_classes(cls) if c.__dict__.get("__doc__"))
    return [name for name in constructor_arguments(cls) if not re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text)]


def listed_modules(info: dict[str, Any], key: str) -> set[str]:
    return {m for entry in info.get(key, []) for m in entry.get("python-modules", [])}


def check_module(modname: str, key: str | None, classes: list[type], info: dict[str, Any]) -> None:
    bases = airflow_bases()
    relevant = [c for c in classes if issubclass(c, bases)]
    for cls in relevant:
        where = f"{modname}.{cls.__name__}"
        if not cls.__dict__.get("__doc__") and not issubclass(cls, bases[2]):
            logger.warning("%s has no docstring: say what it does and document every argument", where)
        missing = undocumented_arguments(cls)
        if missing:
            logger.warning("%s: constructor argument(s) %s not documented: add ':param <name>:' lines to its "
                           "docstring", where, ", ".join(missing))
    concrete = [c for c in relevant if not inspect.isabstract(c)]
    if key and concrete and not modname.endswith(".base") and modname not in listed_modules(info, key):
        logger.warning("%s defines %s but get_provider_info()[%r] does not list it", modname,
                       ", ".join(c.__name__ for c in concrete), key)


def module_page(modname: str, classes: list[type], with_members: bool) -> str:
    title = f"``{modname.removeprefix(PACKAGE + '.')}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {modname}", "   :no-members:", ""]
    for cls in classes:
        lines += [f".. autoclass:: {modname}.{cls.__name__}"]
        if with_members:
            lines += ["   :members:"]
        lines += [""]
    return "\n".join(lines)


def write_reference(app: Sphinx) -> None:
    from airflow_provider_modelarts.get_provider_info import get_provider_info

    info = get_provider_info()
    out = Path(app.srcdir) / OUT_DIR
    out.mkdir(exist_ok=True)
    index = ["API reference", "=============", "",
             "Generated at build time from the docstrings of every module of the package: the arguments of each",
             "operator, sensor and trigger as its class documents them.", ""]
    for area, key, title in AREAS:
        pages = []
        for modname in area_modules(area):
            module = importlib.import_module(modname)
            classes = public_classes(module)
            if not classes:
                continue
            check_module(modname, key, classes, info)
            page = modname.removeprefix(PACKAGE + ".")
            _write_if_changed(out / f"{page}.rst", module_page(modname, classes, with_members=area == "hooks"))
            pages.append(page)
        index += [".. toctree::", f"   :caption: {title}", "   :maxdepth: 1", ""]
        index += [f"   {page}" for page in pages] + [""]
    _write_if_changed(out / "index.rst", "\n".join(index))
    _write_if_changed(out / "v1-status-codes.inc", v1_status_table())


def v1_status_table() -> str:
    """The v1 status codes, rendered from the client's state table (the one the operators use)."""
    from airflow_provider_modelarts.client.states import V1_STATUS_CODES

    rows = ["| code | name | meaning | the task |", "|---|---|---|---|"]
    for code, (name, meaning, cls) in sorted(V1_STATUS_CODES.items()):
        rows.append(f"| {code} | `{name}` | {meaning} | {OUTCOME.get(cls, cls)} |")
    return "\n".join(rows) + "\n"


OUTCOME = {"running": "keeps waiting", "success": "succeeds", "failure": "fails",
           "stopped": "fails (unless the stop was asked for)", "unknown": "keeps waiting"}


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", write_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
