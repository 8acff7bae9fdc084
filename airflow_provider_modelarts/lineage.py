"""OpenLineage for the ModelArts operators: OBS locations as datasets, the remote resource as a run facet.

Airflow's OpenLineage provider (``apache-airflow-providers-openlineage``, optional) asks an operator for
``get_openlineage_facets_on_complete(task_instance)`` and ``get_openlineage_facets_on_failure(task_instance)``
when its task ends. :class:`OpenLineageMixin` implements both from two class attributes naming the operator's
OBS arguments (rendered values: a URL, a ``{name: url}`` dict, a list of channels...)::

    class ModelArtsCreateTrainingJobOperator(OpenLineageMixin, ModelArtsResourceOperator):
        lineage_inputs = ("inputs", "code_dir")
        lineage_outputs = ("outputs",)

* Datasets: namespace ``obs://<bucket>``, name the object key or key prefix without a trailing ``/`` (the
  OpenLineage naming of object stores: ``s3://bucket`` + path). ``obs://`` URLs and the ModelArts
  ``/bucket/key`` form are both read; ``local_dir`` entries of channels (paths inside the container) are not.
* Run facet ``modelarts``: ``resourceKind``, ``ids`` (the remote ids, e.g. ``training_job_id``) and
  ``consoleUrl`` (the operator's console link filled with the region and the ids, when it has one).

Nothing from OpenLineage is imported until the provider calls (DAG parse stays light); without the provider
(or the OpenLineage client) installed, the methods return ``None`` and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, ClassVar

from airflow_provider_modelarts.client.obs_paths import parse_obs_url, to_obs_url

RUN_FACET = "modelarts"
#: keys of channel dicts that hold container paths, not OBS locations
_LOCAL_KEYS = frozenset({"local_dir", "local_code_dir", "working_dir"})


def obs_urls(value: Any) -> list[str]:
    """Every OBS location in an argument value (strings, dicts and lists walked), as ``obs://`` URLs.

    :param value: a rendered operator argument.
    """
    found: list[str] = []
    if isinstance(value, str):
        try:
            found.append(to_obs_url(value))
        except ValueError:
            pass
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key not in _LOCAL_KEYS:
                found += obs_urls(item)
    elif isinstance(value, Iterable) and not isinstance(value, bytes):
        for item in value:
            found += obs_urls(item)
    return found


def dataset_id(url: str) -> tuple[str, str]:
    """``(namespace, name)`` of an OBS location: ``("obs://bucket", "key/prefix")``."""
    location = parse_obs_url(url)
    return f"obs://{location.bucket}", location.key.rstrip("/")


def console_url(operator: Any, ids: Mapping[str, Any]) -> str | None:
    """The operator's first console link filled with the region and ``ids`` (None when it has none)."""
    for link in getattr(operator, "operator_extra_links", ()) or ():
        template = getattr(link, "format_str", None)
        if not template:
            continue
        try:
            return str(template.format(region=operator.hook.settings.region, **ids))
        except Exception:  # a missing id or an unreadable connection: no URL rather than no lineage
            return None
    return None


@cache
def _run_facet_class() -> Any:
    """The ``modelarts`` run facet class (defined on first use: it subclasses an OpenLineage class)."""
    from attrs import define
    from openlineage.client.facet_v2 import RunFacet

    @define
    class ModelArtsRunFacet(RunFacet):  # type: ignore[misc]
        """The ModelArts resource a task created or waited for."""

        resourceKind: str  # noqa: N815 - OpenLineage facet fields are camelCase
        ids: dict[str, Any]
        consoleUrl: str | None = None  # noqa: N815

    return ModelArtsRunFacet


def operator_lineage(operator: Any, inputs: Iterable[str], outputs: Iterable[str]) -> Any:
    """An ``OperatorLineage`` of OBS datasets and the ``modelarts`` run facet; None without OpenLineage.

    :param operator: the ModelArts operator (after its task ran: rendered arguments, ``remote_ids``).
    :param inputs: OBS URLs read.
    :param outputs: OBS URLs written.
    """
    try:
        from airflow.providers.openlineage.extractors import OperatorLineage
        from openlineage.client.event_v2 import Dataset
    except ImportError:
        return None

    def datasets(urls: Iterable[str]) -> list[Any]:
        unique = dict.fromkeys(dataset_id(u) for u in urls)
        return [Dataset(namespace=ns, name=name) for ns, name in unique]

    ids = {k: v for k, v in (getattr(operator, "remote_ids", None) or {}).items() if v not in (None, "")}
    run_facets = {}
    if ids:
        run_facets[RUN_FACET] = _run_facet_class()(
            resourceKind=str(getattr(operator, "resource_kind", "")), ids=ids, consoleUrl=console_url(operator, ids))
    return OperatorLineage(inputs=datasets(inputs), outputs=datasets(outputs), run_facets=run_facets)


class OpenLineageMixin:
    """``get_openlineage_facets_on_complete`` / ``_on_failure`` from the OBS arguments the class names.

    Subclasses set ``lineage_inputs`` and ``lineage_outputs`` (attribute names) or override
    :meth:`lineage_locations`.
    """

    lineage_inputs: ClassVar[tuple[str, ...]] = ()
    lineage_outputs: ClassVar[tuple[str, ...]] = ()

    def lineage_locations(self) -> tuple[list[str], list[str]]:
        """``(inputs, outputs)``: the OBS URLs of the attributes named by the class."""
        def gather(names: Iterable[str]) -> list[str]:
            return [u for name in names for u in obs_urls(getattr(self, name, None))]

        return gather(self.lineage_inputs), gather(self.lineage_outputs)

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """Called by the OpenLineage provider when the task succeeded."""
        inputs, outputs = self.lineage_locations()
        return operator_lineage(self, inputs, outputs)

    def get_openlineage_facets_on_failure(self, task_instance: Any) -> Any:
        """Called by the OpenLineage provider when the task failed (what it read or was to write)."""
        return self.get_openlineage_facets_on_complete(task_instance)
