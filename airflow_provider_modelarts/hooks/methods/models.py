"""Model (AI application) methods of the hook (SDK reference section 10)."""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.api import models
from airflow_provider_modelarts.hooks.methods import HookMethods


class ModelMethods(HookMethods):
    """Import (create), read, list, find and delete models."""

    def create_model(self, body: dict[str, Any]) -> str:
        """``POST /v1/{project_id}/models``; returns the new ``model_id``."""
        return str(self.call(models.create_model(body))["model_id"])

    def create_or_reuse_model(self, body: dict[str, Any]) -> str:
        """Create a model; when its name and version are taken (``ModelArtsConflictError``), the ``model_id`` of
        that model, or, when it failed to publish, delete it and create again.

        :param body: the create body (``model_name``, ``model_version`` ...).
        """
        from airflow_provider_modelarts.client.errors import ModelArtsConflictError

        try:
            return self.create_model(body)
        except ModelArtsConflictError:
            existing = self.find_model(body["model_name"], body["model_version"])
            if existing is None:
                raise
        what = f"Model {body['model_name']} {body['model_version']} ({existing['model_id']})"
        if existing.get("model_status") not in ("failed", "building_failed"):
            self.log.info("%s already exists: using it", what)
            return str(existing["model_id"])
        self.log.info("Deleting the failed %s before importing it again", what)
        self.delete_model(existing["model_id"])
        return self.create_model(body)

    def get_model(self, model_id: str) -> dict[str, Any]:
        return dict(self.call(models.get_model(model_id)))

    def list_models(self, *, model_name: str | None = None, model_version: str | None = None,
                    model_status: str | None = None, exact_match: bool | None = None) -> list[dict[str, Any]]:
        """Every model matching the filters (``model_name`` is fuzzy unless ``exact_match``), across pages."""
        req = models.list_models(model_name=model_name, model_version=model_version, model_status=model_status,
                                 exact_match=exact_match)
        return list(self.iterate(req, models.MODEL_PAGER))

    def find_model(self, model_name: str, model_version: str) -> dict[str, Any] | None:
        """The model named exactly ``model_name`` with ``model_version`` (one filtered list page), or None."""
        data = self.call(models.list_models(model_name=model_name, model_version=model_version, exact_match=True))
        hits = [m for m in (data or {}).get("models") or []
                if m.get("model_name") == model_name and m.get("model_version") == model_version]
        return hits[0] if hits else None

    def delete_model(self, model_id: str, cascade: bool = False) -> dict[str, Any]:
        """``DELETE``; returns ``{delete_success_list, delete_failed_list}`` (a model used by a service fails)."""
        return dict(self.call(models.delete_model(model_id, cascade=True if cascade else None)) or {})
