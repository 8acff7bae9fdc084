"""v2 training jobs: the SDK reference's ``Estimator`` arguments (plus a REST-shaped ``job_spec``) -> the
``POST /v2/{project_id}/training-jobs`` body, and a finished job's output folder. Pure: no Airflow, no request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_modelarts.schemas import SpecError, argument_names, coerce_numbers, deep_merge, problems

#: the annotation a created job carries: the run key of the task instance that created it (for reattaching)
RUN_KEY_ANNOTATION = "airflow/run-key"
#: the Estimator arguments (SDK reference section 8) the create operator takes: the properties of
#: ``schemas/training_job_v2.json``
ESTIMATOR_ARGS = argument_names("training_job_v2")
WHAT = "training job arguments"


def _channels(value: Any, default_name: str) -> list[dict[str, Any]]:
    """``"obs://..."`` | ``{"name": "obs://"}`` | ``[{"name", "obs_path"}]`` -> ``[{"name", "obs_path"}]``."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [{"name": default_name, "obs_path": value}]
    if isinstance(value, Mapping):
        if "obs_path" in value:
            return [dict(value)]
        return [{"name": k, "obs_path": v} for k, v in value.items()]
    return [dict(v) for v in value]


def named_values(value: Any, name_key: str = "name") -> list[dict[str, Any]]:
    """``{name: value}`` or ``[{name_key, "value"}]`` -> ``[{name_key, "value"}]`` (v2 parameters, v1
    hyperparameters).

    :param value: the argument as given.
    :param name_key: the list entries' name field (``name`` in v2, ``label`` in v1).
    """
    if not value:
        return []
    if isinstance(value, Mapping):
        return [{name_key: str(k), "value": v} for k, v in value.items()]
    return [dict(v) for v in value]


def _remote_channels(channels: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``[{"name", "obs_path", "local_dir"?}]`` -> the REST ``[{"name", "remote": {"obs": {"obs_url"}}, ...}]``."""
    return [{"name": c["name"], "remote": {"obs": {"obs_url": c["obs_path"]}},
             **({"local_dir": c["local_dir"]} if c.get("local_dir") else {})} for c in channels]


def normalised_arguments(args: Mapping[str, Any]) -> dict[str, Any]:
    """The given arguments (unset ones left out), numbers coerced, channels and parameters in list form.

    :param args: the rendered Estimator arguments (:data:`ESTIMATOR_ARGS`; unset ones None).
    """
    values = coerce_numbers({k: v for k, v in args.items() if v not in (None, "", [], {})},
                            integer_fields=("train_instance_count",))
    values["inputs"] = _channels(values.get("inputs"), "data_url")
    values["outputs"] = _channels(values.get("outputs"), "train_url")
    values["parameters"] = named_values(values.get("parameters"))
    for key in ("inputs", "outputs", "parameters"):
        if not values[key]:
            del values[key]
    return values


def argument_problems(values: Mapping[str, Any], spec: Mapping[str, Any]) -> list[str]:
    """Every problem of the normalised arguments with ``job_spec`` (schema, exclusions, what is required).

    :param values: what :func:`normalised_arguments` returned.
    :param spec: the ``job_spec`` (REST shape) merged over them.
    """
    found = problems(values, "training_job_v2")
    for a, b in (("framework_type", "user_image_url"), ("inputs", "dataset_id")):
        if values.get(a) and values.get(b):
            found.append(f"{a} and {b} exclude each other: give one of them.")
    algorithm_in_spec = bool((spec.get("algorithm") or {}).keys() & {"id", "code_dir", "subscription_id", "engine"})
    if not (values.get("code_dir") or values.get("user_image_url") or algorithm_in_spec):
        found.append("code_dir/boot_file (with framework_type and framework_version) or user_image_url/user_command "
                     "is required, or job_spec.algorithm.")
    resource_in_spec = ((spec.get("spec") or {}).get("resource") or {})
    if not (values.get("train_instance_type") or values.get("pool_id") or resource_in_spec.get("flavor_id")
            or resource_in_spec.get("pool_id")):
        found.append("train_instance_type is required (a flavor id such as modelarts.vm.cpu.8u; the hook's "
                     "list_training_flavors() lists them), or pool_id.")
    return found


def _algorithm(values: Mapping[str, Any]) -> dict[str, Any]:
    algorithm: dict[str, Any] = {}
    if values.get("code_dir"):
        algorithm["code_dir"] = values["code_dir"]
        boot = values["boot_file"]
        algorithm["boot_file"] = boot if boot.startswith("obs://") else values["code_dir"] + boot.lstrip("/")
    if values.get("framework_type"):
        algorithm["engine"] = {"engine_name": values["framework_type"], "engine_version": values["framework_version"]}
    if values.get("user_image_url"):
        algorithm["engine"] = {"image_url": values["user_image_url"]}
        algorithm["command"] = values["user_command"]
    if values.get("parameters"):
        algorithm["parameters"] = [{"name": p["name"], "value": str(p["value"])} for p in values["parameters"]]
    inputs = _remote_channels(values.get("inputs", []))
    if values.get("dataset_id"):
        inputs = [{"name": "data_url", "remote": {"dataset": {"id": values["dataset_id"],
                                                              "version_id": values["dataset_version_id"]}}}]
    if inputs:
        algorithm["inputs"] = inputs
    if values.get("outputs"):
        algorithm["outputs"] = _remote_channels(values["outputs"])
    if values.get("env_variables"):
        algorithm["environments"] = dict(values["env_variables"])
    for key in ("working_dir", "local_code_dir"):
        if values.get(key):
            algorithm[key] = values[key]
    return algorithm


def build_training_job_body(args: Mapping[str, Any], job_spec: Mapping[str, Any] | None, *, name: str,
                            annotations: Mapping[str, str]) -> dict[str, Any]:
    """Validate the Estimator arguments and turn them (plus ``job_spec``) into the REST create body.

    :param args: the rendered Estimator arguments (:data:`ESTIMATOR_ARGS`; unset ones None).
    :param job_spec: a REST-shaped body merged over what the arguments produce.
    :param name: the job name when ``job_name`` is not given.
    :param annotations: the job's ``metadata.annotations``.
    :raises SpecError: listing every problem (field and fix), before any remote call.
    """
    values = normalised_arguments(args)
    spec = dict(job_spec or {})
    found = argument_problems(values, spec)
    if found:
        raise SpecError(WHAT, found)
    resource: dict[str, Any] = {"node_count": values.get("train_instance_count", 1)}
    if values.get("train_instance_type"):
        resource["flavor_id"] = values["train_instance_type"]
    if values.get("pool_id"):
        resource["pool_id"] = values["pool_id"]
    job_spec_part: dict[str, Any] = {"resource": resource}
    if values.get("volumes"):
        job_spec_part["volumes"] = values["volumes"]
    if values.get("log_url"):
        job_spec_part["log_export_path"] = {"obs_url": values["log_url"]}
    metadata = {"name": values.get("job_name") or name, "annotations": dict(annotations)}
    if values.get("job_description"):
        metadata["description"] = values["job_description"]
    body = {"kind": "job", "metadata": metadata, "algorithm": _algorithm(values), "spec": job_spec_part}
    return deep_merge(body, spec)


def node_count_problem(body: Mapping[str, Any], flavors: Sequence[Mapping[str, Any]]) -> str | None:
    """The problem when the body asks for more nodes than its public flavor allows (SDK reference §8.1.2.2 step
    11: the node count is at most the flavor's ``max_num``), else None. A dedicated pool's limits are the pool's.

    :param body: the create body.
    :param flavors: the training flavors (``list_training_flavors()``), each with ``flavor_id`` and ``max_num``.
    """
    resource = (body.get("spec") or {}).get("resource") or {}
    flavor_id, count = resource.get("flavor_id"), resource.get("node_count", 1)
    if not flavor_id or resource.get("pool_id"):
        return None
    flavor = next((f for f in flavors if f.get("flavor_id") == flavor_id), None)
    if flavor is None or not isinstance(flavor.get("max_num"), int) or count <= flavor["max_num"]:
        return None
    return (f"train_instance_count: {count} nodes exceed the {flavor['max_num']} that flavor {flavor_id} allows; "
            f"use at most {flavor['max_num']} or a flavor with a larger max_num.")


def pick_output(channels: Sequence[Mapping[str, Any]], name: str | None) -> str | None:
    """The OBS URL of the output ``name`` (any output when None), as a folder (``/`` at the end); None if none.

    :param channels: a job's outputs, ``[{"name", "obs_url"}]`` (its summary's ``output_channels``).
    :param name: the output channel wanted, or None for the first.
    """
    urls = [str(c["obs_url"]) for c in channels if c.get("obs_url") and (not name or c.get("name") == name)]
    if not urls:
        return None
    return urls[0] if urls[0].endswith("/") else urls[0] + "/"
