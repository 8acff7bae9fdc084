"""Apache Airflow provider for Huawei Cloud ModelArts."""

from __future__ import annotations

__version__ = "0.1.0"
