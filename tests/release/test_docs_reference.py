"""The docs build's reference generator (``docs/_ext/modelarts_reference.py``) finds every module on its own and
flags an undocumented constructor argument, so ``make docs -W`` fails on it. The build itself is ``make docs``."""

from __future__ import annotations

import sys
from pathlib import Path

from airflow_provider_modelarts.get_provider_info import get_provider_info

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

import modelarts_reference as ref  # noqa: E402


def test_every_module_provider_info_lists_is_found_by_the_generator() -> None:
    info = get_provider_info()
    found = {m for area, _, _ in ref.AREAS for m in ref.area_modules(area)}
    listed = {m for key in ("operators", "sensors", "triggers", "hooks") for m in ref.listed_modules(info, key)}
    assert listed <= found, listed - found


def test_undocumented_argument_is_reported_and_documented_ones_are_not() -> None:
    from airflow.sdk import BaseOperator

    class Documented(BaseOperator):
        """Does a thing.

        :param alpha: the first.
        :param beta: the second.
        """

        def __init__(self, *, alpha: int = 1, beta: int = 2, **kwargs) -> None:
            super().__init__(**kwargs)

    class Child(Documented):
        """Does it twice.

        :param gamma: how often.
        """

        def __init__(self, *, gamma: int = 2, delta: int = 0, **kwargs) -> None:
            super().__init__(**kwargs)

    for cls in (Documented, Child):
        cls.__module__ = "airflow_provider_modelarts.operators.example"
    assert ref.constructor_arguments(Child) == ["gamma", "delta", "alpha", "beta"]
    assert ref.undocumented_arguments(Documented) == []
    assert ref.undocumented_arguments(Child) == ["delta"]  # alpha/beta come from the base's docstring


def test_v1_status_table_has_every_code() -> None:
    from airflow_provider_modelarts.client.states import V1_STATUS_CODES

    table = ref.v1_status_table()
    assert all(f"| {code} | `{name}` |" in table for code, (name, _, _) in V1_STATUS_CODES.items())
