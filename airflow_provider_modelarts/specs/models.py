"""Model import request body (``POST /v1/{project_id}/models``): the SDK reference section 10.2 arguments,
checked against ``schemas/model_import.json`` and the cross-field rules; every problem raised once as a
:class:`~airflow_provider_modelarts.specs.SpecError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_modelarts import schemas
from airflow_provider_modelarts.client.obs_paths import is_obs_url, to_slash_path
from airflow_provider_modelarts.schemas import SpecError, deep_merge

#: The import arguments that map one to one onto body fields (the properties of ``schemas/model_import.json``).
MODEL_ARGS = schemas.argument_names("model_import")
#: stands in for the source location while validating an import from a training job (resolved at create time)
FROM_TRAINING_JOB = "/training-job-output/"
#: Fields the API takes as JSON text; a mapping given is serialised.
JSON_TEXT_FIELDS = ("initial_config", "model_metrics")


def build_model_body(args: Mapping[str, Any], model_spec: Mapping[str, Any] | None, *, name: str,
                     from_training_job: bool) -> dict[str, Any]:
    """Validate the import arguments and build the ``POST /v1/{project_id}/models`` body.

    :param args: the rendered operator arguments (:data:`MODEL_ARGS`).
    :param model_spec: a REST-shaped body merged over what the arguments produce.
    :param name: the model name when none is given.
    :param from_training_job: ``source_location`` comes from a training job (it must not be given).
    :raises SpecError: naming every problem and its fix, before any remote call.
    """
    values = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    values = deep_merge(values, model_spec or {})
    values.setdefault("model_name", name)
    problems = []
    location = values.get("source_location")
    if from_training_job:
        if location:
            problems.append("source_location and training_job_id exclude each other: give one of them.")
        values["source_location"] = FROM_TRAINING_JOB
    elif values.get("model_type") != "Image" and isinstance(location, str):
        try:
            values["source_location"] = to_slash_path(location, folder=True)
        except ValueError as exc:
            problems.append(f"source_location: {location!r} is not an OBS path ({exc}) (fix: the OBS directory "
                            "holding model/, or training_job_id)")
    code = values.get("execution_code")
    if is_obs_url(code):
        try:
            values["execution_code"] = to_slash_path(code)
        except ValueError as exc:
            problems.append(f"execution_code: {exc} (fix: the OBS path of the inference script)")
    for key in JSON_TEXT_FIELDS:
        if isinstance(values.get(key), Mapping):
            values[key] = json.dumps(values[key], ensure_ascii=False)
    problems = [*schemas.problems(values, "model_import"), *problems]
    if problems:
        raise SpecError("model import arguments", problems)
    return values
