"""The public operator and sensor classes of the provider, walked from its provider info (tests of every class)."""

from __future__ import annotations

import importlib
import inspect

from airflow_provider_modelarts.get_provider_info import get_provider_info


def public_task_classes() -> list[type]:
    """Every public operator and sensor class of the modules the provider info lists, sorted by name."""
    from airflow.sdk import BaseOperator

    info = get_provider_info()
    modules = [m for group in ("operators", "sensors") for entry in info[group] for m in entry["python-modules"]]
    found: dict[str, type] = {}
    for name in modules:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseOperator) and cls.__module__ == name and not cls_name.startswith("_"):
                found[cls_name] = cls
    return [found[k] for k in sorted(found)]
