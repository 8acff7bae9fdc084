"""A tiny linear model for the emulator's runner mode: ``y = a * x + b`` with ``a`` and ``b`` from config.json.

Request: ``{"data": {"req_data": [{"x": 1.0}, ...]}}``; response: ``{"data": {"resp_data": [{"y": ...}, ...]}}``.
An optional ``SCALE`` environment variable (from the service config's ``envs``) multiplies every ``y``.
"""

from __future__ import annotations

import json
import os


def predict(data: dict, model_dir: str) -> dict:
    """Predict ``y`` for every ``x`` of ``data["data"]["req_data"]``.

    :param data: the request body.
    :param model_dir: the local model directory holding ``config.json``.
    """
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as fh:
        params = json.load(fh)["parameters"]
    scale = float(os.environ.get("SCALE", "1"))
    rows = data["data"]["req_data"]
    return {"data": {"resp_data": [{"y": scale * (params["a"] * float(row["x"]) + params["b"])} for row in rows]}}
