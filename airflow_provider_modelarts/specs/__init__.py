"""Pure request-body builders: operator arguments in, a validated REST body out (no Airflow import).

One module per resource family (``datasets``, ``training``, ``training_v1``, ``models``, ``services``). A builder
never calls the network; it raises :class:`SpecError` whose ``problems`` list every problem found (each naming
the field and the fix), and the operator base turns that into one ``AirflowFailException`` before any request.
"""

from __future__ import annotations

from airflow_provider_modelarts.schemas import SpecError

__all__ = ["SpecError"]
