"""Inference at a real-time service's ``access_address`` (reference §3.10 "Inference").

Routes (kind ``inference.predict``, authenticated by token or AK/SK like every ModelArts call):
``POST /v1/infers/{service_id}`` and ``POST /v1/infers/{service_id}/{any/sub/path}``. The path has no project,
so the handler checks that the service's project is one of the credential's projects (``req.identity
["projects"]``), else 403 ``ModelArts.0108``. Errors, following the inference-gateway codes of the OTC appendix:
unknown service 404 ``ModelArts.3502``; service not ``running``/``concerning`` (or not real-time) 400
``ModelArts.4203``; empty body 400 ``ModelArts.4202``; bad JSON 400 ``ModelArts.4105``; the model raising
500 ``ModelArts.4302``; the model taking over 30 s 500 ``ModelArts.4505``.

Which model answers: with several configs (canary), each request picks a config by ``weight`` with the
emulator's seeded ``rng`` (deterministic for a seed); the response header ``X-Emulator-Model-Id`` names it.

Non-runner mode: the answer is derived from the input only: for a JSON object body
``{"meta": m, "data": {"req_data": r}}`` it is ``{"meta": m, "data": {"resp_data": r}}`` (an echo; ``meta``
defaults to ``{}``, and a body without ``data.req_data`` is echoed whole as ``resp_data: [body]``).
Non-JSON bodies (files, multipart) answer ``{"meta": {}, "data": {"resp_data": [{"content_type", "size"}]}}``.

Runner mode (``Emulator(runner=True)``), the MODEL PACKAGE CONTRACT shared with the training runner: the
model's OBS ``source_location`` holds ``customize_service.py`` and ``config.json`` (directly, or in a ``model/``
sub-directory, the SDK reference layout). ``customize_service.py`` defines ``def predict(data: dict, model_dir:
str) -> dict``: ``data`` is the request's JSON body (non-JSON bodies arrive as ``{"content_type", "base64"}``),
``model_dir`` the local directory holding the downloaded package (so ``config.json`` and weight files can be
read), and the returned JSON value is the response body, passed through unchanged. The package is downloaded
once per model into a temp directory (cached until the emulator resets), and every request runs ``predict`` in
a fresh ``python`` subprocess (JSON on stdin, the result on stdout; the model's own prints go to stderr), with
the config's ``envs`` added to the environment. ``model_type=Image`` models cannot run locally and answer like
non-runner mode. The subprocess runs inside the handler, i.e. under the emulator lock (one prediction at a time;
fine for tests and demos, each call costs one interpreter start).
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.http import ApiError, Request, Response, Route
from airflow_provider_modelarts.emulator.resources import models, services

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.http import Router
    from airflow_provider_modelarts.emulator.state import Emulator

SERVING = ("running", "concerning")
PREDICT_TIMEOUT = 30.0
CACHE_KEY = "inference_model_dirs"

_RUNNER = r"""
import importlib.util, json, os, sys
model_dir = sys.argv[1]
out = sys.stdout
sys.stdout = sys.stderr
sys.path.insert(0, model_dir)
spec = importlib.util.spec_from_file_location("customize_service", os.path.join(model_dir, "customize_service.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
result = module.predict(json.load(sys.stdin), model_dir)
out.write(json.dumps(result))
out.flush()
"""

_BASE_DIR: list[str] = []


def _base_dir() -> str:
    """One temp directory per process for downloaded model packages, removed at exit."""
    if not _BASE_DIR:
        _BASE_DIR.append(tempfile.mkdtemp(prefix="modelarts-emulator-models-"))
        atexit.register(shutil.rmtree, _BASE_DIR[0], True)
    return _BASE_DIR[0]


def find_service(emu: Emulator, service_id: str) -> tuple[str, dict[str, Any]]:
    """(project_id, service record) of a service in any project, or 404 ``ModelArts.3502``."""
    for project in emu.config["projects"]:
        svc = emu.store(project["id"], services.COLLECTION).get(service_id)
        if svc is not None:
            return project["id"], svc
    raise ApiError(404, "ModelArts.3502", f"Service {service_id} does not exist.")


def pick_config(emu: Emulator, configs: list[dict[str, Any]]) -> dict[str, Any]:
    """The config answering one request: weighted choice with the seeded rng (canary routing)."""
    if len(configs) == 1:
        return configs[0]
    draw = emu.rng.randrange(100)
    for cfg in configs:
        draw -= int(cfg.get("weight", 0))
        if draw < 0:
            return cfg
    return configs[-1]


def _request_data(req: Request) -> Any:
    """The request body as the model sees it (400 on an empty body or invalid JSON)."""
    if not req.body:
        raise ApiError(400, "ModelArts.4202", "Empty request.")
    content_type = (req.headers.get("Content-Type") or "").lower()
    if "json" in content_type or not content_type:
        try:
            return json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if "json" in content_type:
                raise ApiError(400, "ModelArts.4105", "Incorrect JSON format of the input data.") from None
    return {"content_type": content_type, "base64": base64.b64encode(req.body).decode("ascii")}


def echo(data: Any) -> dict[str, Any]:
    """The non-runner answer: ``resp_data`` echoes ``data.req_data`` (or the whole body)."""
    if isinstance(data, dict) and "base64" in data and "content_type" in data:
        size = len(base64.b64decode(data["base64"]))
        return {"meta": {}, "data": {"resp_data": [{"content_type": data["content_type"], "size": size}]}}
    meta = data.get("meta", {}) if isinstance(data, dict) else {}
    inner = data.get("data") if isinstance(data, dict) else None
    if isinstance(inner, dict) and "req_data" in inner:
        return {"meta": meta, "data": {"resp_data": inner["req_data"]}}
    return {"meta": meta, "data": {"resp_data": [data]}}


def _package_dir(emu: Emulator, model: dict[str, Any]) -> str:
    """Download (once) the model package and return the directory holding ``customize_service.py``."""
    cache: dict[str, str] = emu.extras.setdefault(CACHE_KEY, {})
    if model["model_id"] in cache and os.path.isdir(cache[model["model_id"]]):
        return cache[model["model_id"]]
    if emu.obs is None:
        raise ApiError(500, "ModelArts.4302", "Gateway forwarding error because OBS is not available.")
    bucket, key = services.obs_location(model["source_location"], "source_location")
    prefix = key if key == "" or key.endswith("/") else key + "/"
    local = tempfile.mkdtemp(prefix=f"{model['model_id']}-", dir=_base_dir())
    for obj in emu.obs.list(bucket, prefix):
        if obj.endswith("/"):
            continue
        target = os.path.join(local, *obj[len(prefix):].split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        emu.obs.download_to(bucket, obj, target)
    found = local if os.path.isfile(os.path.join(local, "customize_service.py")) else os.path.join(local, "model")
    if not os.path.isfile(os.path.join(found, "customize_service.py")):
        raise ApiError(500, "ModelArts.4302", "Gateway forwarding error because the model package has no "
                                              "customize_service.py.")
    cache[model["model_id"]] = found
    return found


def _run_model(model_dir: str, data: Any, envs: dict[str, str]) -> Any:
    """Run ``predict(data, model_dir)`` in a subprocess and return its JSON result."""
    try:
        proc = subprocess.run([sys.executable, "-c", _RUNNER, model_dir], input=json.dumps(data).encode("utf-8"),
                              capture_output=True, timeout=PREDICT_TIMEOUT, cwd=model_dir,
                              env={**os.environ, **envs}, check=False)
    except subprocess.TimeoutExpired:
        raise ApiError(500, "ModelArts.4505", "Internal backend service error because reading timed out.") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ApiError(500, "ModelArts.4302", f"Gateway forwarding error because the model failed: "
                                              f"{lines[-1] if lines else 'exit code ' + str(proc.returncode)}")
    return json.loads(proc.stdout.decode("utf-8"))


def predict_payload(emu: Emulator, svc: dict[str, Any], cfg: dict[str, Any], data: Any) -> tuple[str, Any]:
    """(model_id, response body) of one prediction by one config of a service; counts the call."""
    counters = svc["_calls"].setdefault(cfg["model_id"], [0, 0])
    counters[0] += 1
    svc["invocation_times"] += 1
    model = emu.store(svc["project"], models.COLLECTION).get(cfg["model_id"])
    if not emu.runner or model is None or model["model_type"] == "Image":
        return cfg["model_id"], echo(data)
    try:
        return cfg["model_id"], _run_model(_package_dir(emu, model), data, cfg.get("envs") or {})
    except ApiError:
        counters[1] += 1
        svc["failed_times"] += 1
        raise


def _predict(req: Request, emu: Emulator) -> Response:
    project_id, svc = find_service(emu, req.params["service_id"])
    if project_id not in (req.identity.get("projects") or [req.project_id]):
        raise ApiError(403, "ModelArts.0108", "You are not authorized to perform the (predict) operation on "
                                              f"service {svc['service_id']}.")
    status = services.settle(emu, svc)
    if svc["infer_type"] != "real-time" or status not in SERVING:
        raise ApiError(400, "ModelArts.4203", f"Invalid request because requested service {svc['service_id']} "
                                              "is unavailable.")
    cfg = pick_config(emu, svc["_config"])
    model_id, body = predict_payload(emu, svc, cfg, _request_data(req))
    return Response(200, body, {"X-Emulator-Model-Id": model_id})


def register(router: Router) -> None:
    """Add the inference routes (the exact address and any sub-path under it)."""
    router.route("POST", "/v1/infers/{service_id}", "inference.predict")(_predict)
    pattern = "/v1/infers/{service_id}/{subpath}"
    regex = re.compile(r"^/v1/infers/(?P<service_id>[^/]+)/(?P<subpath>.+)$")
    router.routes.append(Route("POST", pattern, regex, _predict, "inference.predict", True))
