"""Legacy v1 training methods of the hook: jobs, versions, logs, configs, visualization jobs, lookups.

Flavor, engine and built-in algorithm names are resolved to ``spec_id``/``engine_id``/``model_id`` with one
listing call each, cached on the hook instance (one task: one call per listing, whatever it resolves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from airflow_provider_modelarts.client.api import training_v1
from airflow_provider_modelarts.hooks.methods import HookMethods


class V1LookupError(ValueError):
    """A flavor, engine or built-in algorithm name that the service does not know (the message lists the known)."""



def _found(found: int | None, problem: str, known: Iterable[str]) -> int:
    """``found``, or :class:`V1LookupError` saying ``problem`` and the names that are known.

    :param found: the id a lookup found (None: none).
    :param problem: what was not found, in words.
    :param known: the names the lookup knows.
    """
    if found is None:
        raise V1LookupError(f"{problem}; known: {', '.join(known)}.")
    return found


class TrainingV1Methods(HookMethods):
    """v1 training jobs and versions, their logs, job configurations, visualization jobs and the lookups."""

    # ---- lookups (cached per hook) -----------------------------------------------------------------------------
    def _v1_cached(self, key: str, load: Any) -> list[dict[str, Any]]:
        cache: dict[str, list[dict[str, Any]]] = self.__dict__.setdefault("_v1_lookup_cache", {})
        if key not in cache:
            cache[key] = list(load())
        return cache[key]

    def list_builtin_algorithms_v1(self) -> list[dict[str, Any]]:
        """Built-in (preset) algorithms: ``model_id``, ``model_name``, ``engine_id``, ``parameter`` ..."""
        return self._v1_cached("algorithms", lambda: self.iterate(training_v1.list_builtin_algorithms(),
                                                                  training_v1.ALGORITHM_PAGER))

    def list_resource_specs_v1(self, job_type: str = "train") -> list[dict[str, Any]]:
        """Resource flavors (``spec_id``, ``spec_code``, ``max_num`` ...) of ``job_type`` train or inference."""
        return self._v1_cached(f"specs:{job_type}", lambda: (self.call(training_v1.list_resource_specs(job_type))
                                                             or {}).get("specs") or [])

    def list_engines_v1(self, job_type: str = "train") -> list[dict[str, Any]]:
        """AI engines (``engine_id``, ``engine_name``, ``engine_version``, ``engine_type``)."""
        return self._v1_cached(f"engines:{job_type}", lambda: (self.call(training_v1.list_engines(job_type))
                                                               or {}).get("engines") or [])

    def resolve_spec_id_v1(self, flavor: str) -> int:
        """``spec_id`` of a flavor code such as ``modelarts.vm.cpu.2u``. :raises V1LookupError: unknown flavor."""
        specs = self.list_resource_specs_v1()
        return _found(training_v1.pick_spec_id(specs, flavor),
                      f"train_instance_type {flavor!r} is not a v1 training flavor",
                      sorted(str(s.get("spec_code")) for s in specs))

    def resolve_engine_id_v1(self, engine_name: str, engine_version: str) -> int:
        """``engine_id`` of ``framework_type`` + ``framework_version``. :raises V1LookupError: unknown engine."""
        engines = self.list_engines_v1()
        return _found(training_v1.pick_engine_id(engines, engine_name, engine_version),
                      f"framework_type/framework_version {engine_name!r}/{engine_version!r} is not a v1 engine",
                      (f"{e.get('engine_name')}/{e.get('engine_version')}" for e in engines))

    def resolve_model_id_v1(self, model_name: str) -> int:
        """``model_id`` of a built-in algorithm. :raises V1LookupError: unknown algorithm."""
        models = self.list_builtin_algorithms_v1()
        return _found(training_v1.pick_model_id(models, model_name),
                      f"model_name {model_name!r} is not a built-in algorithm",
                      (str(m.get("model_name")) for m in models))

    def resolve_v1_config(self, config: Mapping[str, Any], lookups: Mapping[str, Any]) -> dict[str, Any]:
        """``config`` with its flavor, engine and built-in algorithm names resolved to ids (one cached listing
        call each).

        :param config: the ``config`` built from the Estimator arguments (``specs.training_v1``).
        :param lookups: the names to resolve (``flavor``, ``engine``, ``model_name``).
        :raises SpecError: for every name the service does not know (listing the known ones).
        """
        from airflow_provider_modelarts.specs import SpecError
        from airflow_provider_modelarts.specs.training_v1 import WHAT

        resolvers: dict[str, tuple[str, Callable[[Any], Any]]] = {
            "flavor": ("spec_id", self.resolve_spec_id_v1),
            "engine": ("engine_id", lambda engine: self.resolve_engine_id_v1(*engine)),
            "model_name": ("model_id", self.resolve_model_id_v1),
        }
        out, found = dict(config), []
        for lookup, (key, resolve) in resolvers.items():
            if lookups.get(lookup):
                try:
                    out[key] = resolve(lookups[lookup])
                except V1LookupError as exc:
                    found.append(str(exc))
        if found:
            raise SpecError(WHAT, found)
        return out

    # ---- jobs and versions -----------------------------------------------------------------------------------
    def create_training_job_v1(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/{project_id}/training-jobs`` (a job with its first version): ``job_id``, ``version_id`` ..."""
        return dict(self.call(training_v1.create_job(body)))

    def list_training_jobs_v1(self, *, status: int | None = None, search_content: str | None = None,
                              sort_by: str | None = None, order: str | None = None) -> list[dict[str, Any]]:
        """Every v1 training job matching the filters, across pages (each with its latest version)."""
        req = training_v1.list_jobs(status=status, search_content=search_content, sort_by=sort_by, order=order)
        return list(self.iterate(req, training_v1.JOB_PAGER))

    def find_training_jobs_v1_by_name(self, name: str) -> list[dict[str, Any]]:
        """Jobs whose name contains ``name`` (one ``search_content`` list call, up to 100 entries)."""
        data = self.call(training_v1.list_jobs(search_content=name, per_page=100))
        return [j for j in (data or {}).get("jobs") or [] if name in str(j.get("job_name", ""))]

    def update_training_job_v1_description(self, job_id: int | str, job_desc: str) -> None:
        self.call(training_v1.update_job(job_id, job_desc))

    def delete_training_job_v1(self, job_id: int | str) -> None:
        """Delete the job and all its versions."""
        self.call(training_v1.delete_job(job_id))

    def create_training_job_version_v1(self, job_id: int | str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST .../training-jobs/{job_id}/versions`` with the version's whole ``config`` (``pre_version_id``
        included; nothing is inherited: ``client.api.training_v1.inherited_version_config`` builds it)."""
        return dict(self.call(training_v1.create_version(job_id, body)))

    def version_request_v1(self, job_id: int | str, changes: Mapping[str, Any], job_description: str | None,
                           marker: str) -> dict[str, Any]:
        """The full create request of a new version (the api-ref makes the whole configuration Mandatory): the
        previous version's configuration (one GET) with the changes' names resolved and merged over it.

        :param job_id: the job.
        :param changes: what ``specs.training_v1.version_body`` built (``config``, ``lookups``, ``pre_version_id``).
        :param job_description: a new job description, or None (the previous one).
        :param marker: the run marker the description ends with.
        """
        from airflow_provider_modelarts.specs.training_v1 import marked_description

        previous = self.get_training_job_version_v1(job_id, changes["pre_version_id"])
        config = self.resolve_v1_config(changes["config"], changes["lookups"])
        description = job_description or str(previous.get("job_desc") or "")
        return {"job_desc": marked_description(description, marker),
                "config": training_v1.inherited_version_config(previous, config, changes["pre_version_id"])}

    def list_training_job_versions_v1(self, job_id: int | str) -> list[dict[str, Any]]:
        """Every version of a job, newest first."""
        return list(self.iterate(training_v1.list_versions(job_id), training_v1.VERSION_PAGER))

    def get_training_job_v1_versions(self, job_id: int | str) -> dict[str, Any]:
        """One ``GET .../versions`` answer: ``job_desc``, ``version_count`` and every version (no paging)."""
        return dict(self.call(training_v1.list_versions(job_id)) or {})

    def get_training_job_version_v1(self, job_id: int | str, version_id: int | str) -> dict[str, Any]:
        """Details of one version: ``status`` (code 0-22), config, metrics ..."""
        return dict(self.call(training_v1.get_version(job_id, version_id)))

    def stop_training_job_version_v1(self, job_id: int | str, version_id: int | str) -> None:
        self.call(training_v1.stop_version(job_id, version_id))

    def delete_training_job_version_v1(self, job_id: int | str, version_id: int | str) -> None:
        self.call(training_v1.delete_version(job_id, version_id))

    # ---- logs --------------------------------------------------------------------------------------------------
    def list_training_job_v1_log_files(self, job_id: int | str, version_id: int | str) -> list[str]:
        """Log file names of a version (one per worker)."""
        return list((self.call(training_v1.log_file_names(job_id, version_id)) or {}).get("log_file_list") or [])

    def first_training_job_v1_log_file(self, job_id: int | str, version_id: int | str, job_name: str) -> str:
        """The log file of the first worker (one ``log/file-names`` call); when it cannot be listed, the
        documented name pattern ``<job name>.0`` (the log is a bonus: never fail for it).

        :param job_id: the job.
        :param version_id: the version.
        :param job_name: the job's name (for the pattern).
        """
        try:
            files = self.list_training_job_v1_log_files(job_id, version_id)
        except Exception as exc:
            self.log.warning("Could not list the log files of job %s version %s: %s", job_id, version_id, exc)
            files = []
        return files[0] if files else f"{job_name}.0"

    def read_training_job_v1_log(self, job_id: int | str, version_id: int | str, log_file: str, *,
                                 base_line: str | None = None, lines: int = 50, order: str = "desc") -> dict[str, Any]:
        """``aom-log``: ``{content, lines, start_line, end_line}``; without ``base_line`` the newest ``lines``."""
        return dict(self.call(training_v1.read_log(job_id, version_id, log_file, base_line=base_line, lines=lines,
                                                   order=order)))

    def get_training_job_v1_log_tail(self, job_id: int | str, version_id: int | str, lines: int = 20) -> list[str]:
        """The newest ``lines`` lines of the first worker's log ([] when there is no log yet)."""
        files = self.list_training_job_v1_log_files(job_id, version_id)
        if not files:
            return []
        data = self.read_training_job_v1_log(job_id, version_id, files[0], lines=lines)
        return str(data.get("content") or "").splitlines() if data.get("lines") else []

    # ---- job configurations ------------------------------------------------------------------------------------
    def create_training_job_config_v1(self, config_name: str, config: dict[str, Any],
                                      config_desc: str | None = None) -> None:
        """Save a reusable training configuration (``config``: the fields of a job's ``config``)."""
        body = {**config, "config_name": config_name}
        if config_desc is not None:
            body["config_desc"] = config_desc
        self.call(training_v1.create_config(body))

    def list_training_job_configs_v1(self, *, config_type: str | None = None,
                                     search_content: str | None = None) -> list[dict[str, Any]]:
        """Every configuration (``config_type`` ``custom`` default, or ``sample``), across pages."""
        req = training_v1.list_configs(config_type=config_type, search_content=search_content)
        return list(self.iterate(req, training_v1.CONFIG_PAGER))

    def get_training_job_config_v1(self, config_name: str, config_type: str | None = None) -> dict[str, Any]:
        return dict(self.call(training_v1.get_config(config_name, config_type)))

    def update_training_job_config_v1(self, config_name: str, config: dict[str, Any],
                                      config_desc: str | None = None) -> None:
        """Replace a configuration as a whole (the update table has the create's Mandatory fields: give them all)."""
        body = dict(config)
        if config_desc is not None:
            body["config_desc"] = config_desc
        self.call(training_v1.update_config(config_name, body))

    def delete_training_job_config_v1(self, config_name: str) -> None:
        """Delete a configuration; an error for a name the configuration list does not hold (one list call) is
        raised as ``ModelArtsNotFoundError`` (the service answers a missing name with another error)."""
        from airflow_provider_modelarts.client.errors import ModelArtsApiError, ModelArtsNotFoundError

        try:
            self.call(training_v1.delete_config(config_name))
        except ModelArtsApiError as exc:
            names = {c.get("config_name") for c in self.list_training_job_configs_v1(search_content=config_name)}
            if config_name in names or isinstance(exc, ModelArtsNotFoundError):
                raise
            raise ModelArtsNotFoundError(exc.status, exc.error_code, exc.error_msg, exc.request_id,
                                         exc.error_solution, exc.operation) from exc

    # ---- visualization jobs ------------------------------------------------------------------------------------
    def create_visualization_job(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/{project_id}/visualization-jobs``: ``job_id``, ``status``, ``service_url`` ..."""
        return dict(self.call(training_v1.create_visualization_job(body)))

    def list_visualization_jobs(self, *, status: int | None = None,
                                search_content: str | None = None) -> list[dict[str, Any]]:
        req = training_v1.list_visualization_jobs(status=status, search_content=search_content)
        return list(self.iterate(req, training_v1.VISUALIZATION_PAGER))

    def find_visualization_jobs_by_name(self, name: str) -> list[dict[str, Any]]:
        """Visualization jobs whose name contains ``name`` (one list call, up to 100 entries)."""
        req = training_v1.list_visualization_jobs(search_content=name).with_query(per_page=100)
        return [j for j in (self.call(req) or {}).get("jobs") or [] if name in str(j.get("job_name", ""))]

    def get_visualization_job(self, job_id: int | str) -> dict[str, Any]:
        return dict(self.call(training_v1.get_visualization_job(job_id)))

    def update_visualization_job(self, job_id: int | str, job_desc: str) -> None:
        self.call(training_v1.update_visualization_job(job_id, job_desc))

    def stop_visualization_job(self, job_id: int | str) -> None:
        self.call(training_v1.stop_visualization_job(job_id))

    def restart_visualization_job(self, job_id: int | str) -> None:
        self.call(training_v1.restart_visualization_job(job_id))

    def delete_visualization_job(self, job_id: int | str) -> None:
        self.call(training_v1.delete_visualization_job(job_id))
