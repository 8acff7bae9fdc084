"""OBS locations as Airflow Assets (data-aware scheduling): the Asset of an ``obs://`` location, and the mixin the
data operators use to declare it at parse time and emit it at run time. Light on import (Airflow's Asset types
and the pure OBS path helpers only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset, AssetAlias

from airflow_provider_modelarts.client.obs_paths import to_obs_url

if TYPE_CHECKING:
    from airflow.sdk.definitions.context import Context


def dataset_asset(path: str) -> Asset:
    """The Airflow Asset the data operators declare for an OBS location (name and URI: its ``obs://`` form).

    :param path: ``obs://bucket/dir/`` or ``/bucket/dir/``.
    """
    uri = to_obs_url(path)
    return Asset(name=uri, uri=uri)


def static_obs_url(value: Any) -> str | None:
    """The ``obs://`` form of ``value`` when it is a plain (non-templated) OBS path known at parse time, else None.

    :param value: an argument as given to the operator.
    """
    if not isinstance(value, str) or "{{" in value or "{%" in value:
        return None
    try:
        return to_obs_url(value)
    except ValueError:
        return None


class ObsAssetMixin:
    """Declare an ``obs://`` location as an Asset outlet (parse time) and/or through an AssetAlias (run time).

    :param asset_alias: name of an ``AssetAlias`` through which the rendered location is emitted at run time.
    """

    outlets: list[Any]
    asset_alias: str | None

    def declare_obs_asset(self, path: Any, asset_alias: str | None) -> None:
        """Add the outlets: the Asset of ``path`` when known at parse time, the alias when given.

        :param path: the OBS location argument (templated ones are emitted through the alias only).
        :param asset_alias: the alias's name, or None.
        """
        self.asset_alias = asset_alias
        static = static_obs_url(path)
        extra: list[Any] = [dataset_asset(static)] if static else []
        if asset_alias:
            extra.append(AssetAlias(asset_alias))
        if extra:
            self.outlets = [*(self.outlets or []), *extra]

    def emit_obs_asset(self, context: Context, path: str, extra: Mapping[str, Any]) -> None:
        """Attach ``extra`` to the asset event of ``path`` (static outlet) and/or add it through the alias.

        :param context: the task's context.
        :param path: the rendered OBS location.
        :param extra: the event's extra (its JSON scalars are kept).
        """
        events = context.get("outlet_events")
        if events is None:
            return
        asset = dataset_asset(path)
        payload = {k: v for k, v in extra.items() if isinstance(v, (str, int, float, bool)) or v is None}
        for outlet in self.outlets or []:
            if isinstance(outlet, AssetAlias) and outlet.name == self.asset_alias:
                events[outlet].add(asset, extra=payload)
            elif isinstance(outlet, Asset) and outlet.uri == asset.uri:
                events[outlet].extra = payload
