"""Names and keys derived from one task instance, the same on every try (pure: a context mapping in, text out).

They make a retried task find what its earlier try created instead of creating it again: the deterministic name
of a resource and the run key written into its description, annotation or marker.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any


def run_key(context: Mapping[str, Any]) -> str:
    """A short stable hash of dag_id, task_id, run_id and map_index: one task instance, every try.

    :param context: the task's context (its ``ti``).
    """
    ti = context["ti"]
    raw = f"{ti.dag_id}|{ti.task_id}|{ti.run_id}|{getattr(ti, 'map_index', -1)}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]


def deterministic_name(context: Mapping[str, Any], *, max_len: int = 64) -> str:
    """``<task_id>-<run key>``, restricted to letters, digits, ``_`` and ``-`` (ModelArts name rules).

    :param context: the task's context (its ``ti``).
    :param max_len: the longest name the resource allows.
    """
    key = run_key(context)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", context["ti"].task_id).strip("-") or "airflow"
    return f"{stem[: max_len - len(key) - 1]}-{key}"
