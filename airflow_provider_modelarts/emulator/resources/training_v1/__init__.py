"""Legacy v1 training: training jobs and their versions, job configurations, visualization jobs, lookups.

Modules: :mod:`.base` (status codes, v1 answers and errors, lists, timelines, the job stores), :mod:`.catalog`
(specs, engines, built-in algorithms), :mod:`.configuration` (the training configuration checks), :mod:`.jobs`
(training jobs and versions), :mod:`.logs`, :mod:`.job_configs` and :mod:`.visualization`; this module holds the
route table.

Reference: ``modelarts-rest-api.md`` §3.8 and §4.3, the OTC "historical APIs / training management (old version)"
pages and the SDK reference inventory (§1.5, §2.1). Route kinds are ``training_v1.<op>``.

Shapes. Every successful answer is HTTP 200 with ``"is_success": true``; every error is
``{"is_success": false, "error_code", "error_message"}`` (``ApiError(..., v1=True)``). ``job_id`` and
``version_id`` are integers; times are epoch milliseconds of the emulated clock.

Choices where the sources are silent or disagree (documented here, as the project rules ask):

* HTTP status of v1 errors: 400 for parameter, not-found and state errors (the reference documents none per API).
* Error codes: ``ModelArts.0104`` parameter error; ``ModelArts.0103`` duplicate job / config name (the documented
  ``"Job name:X is existed"``); ``ModelArts.0105`` operation not allowed in the current state (the documented
  ``"This job can't be stop. job status: 10"`` family) and configuration not found; ``ModelArts.2775``
  (TrainingJobNotFound, the appendix's not-found code) for unknown training jobs, versions and visualization jobs;
  ``ModelArts.2781`` unknown ``spec_id``, ``ModelArts.2780`` unknown ``engine_id``, ``ModelArts.2755`` unknown
  built-in ``model_id``; ``ModelArts.0118`` quota exhausted (1000 jobs per project).
* ``spec_id`` and ``pool_id``: at least one is required; both together are accepted (the documented samples and the
  SDK's "dedicated pool with a flavor" send both, although a table says they exclude each other).
* Code: ``app_url`` + ``boot_file_url`` (together, the boot file inside the code directory) unless ``model_id``
  (built-in algorithm) or ``user_image_url`` (custom image) is given. ``engine_id`` defaults to 1.
* Data: exactly one of ``data_url``, ``dataset_id`` + ``dataset_version_id``, or ``data_source[]``. Dataset ids are
  not checked against the data-management store.
* ``create_version`` is accepted and stored; a version is always created.
* Requests are held to the documented tables first (``emulator/contract/training_v1.py``: unknown fields, types,
  Mandatory fields answer 400 naming the field); the handlers then check the groups the tables cannot express.
* A new version carries its whole configuration (the versions table makes ``worker_server_num``, ``train_url``,
  ``spec_id``/``pool_id`` and the code group Mandatory): nothing is inherited from ``pre_version_id``, which only
  links the versions. A configuration update replaces the configuration (the update table has the create's
  Mandatory fields).
* Version names are ``V0001``, ``V0002``... per job (the console's documented names), never reused.
* Stop is allowed while the version is not finished and not already being killed: 9 (KILLING) for 5 emulated
  seconds, then 12 (KILLED). Visualization jobs likewise; ``restart`` only from a finished state, ``delete`` not
  while killing (the documented ``"This job can't be delete. job status: 9"``).
* Lists: ``sortBy`` (also ``sort_by``, which the SDK sends with password auth), ``order``, ``search_content``
  (substring of the name), ``status`` (an int code). Version list: ``page=0`` (default) is no paging.
* Logs: one file per worker, named ``<job_name>.<worker index>`` (the documented ``"teseJob.0"``).
  ``aom-log`` line positions are ``<create_time_ms><line index, 6 digits>`` as in the documented sample
  ``1551252759254000002``; ``order=desc`` (default) reads the lines after ``base_line``, ``asc`` the ones before,
  no ``base_line`` gives the latest ``lines`` lines. (The SDK's byte-offset ``get_job_log(log_file, start_byte,
  offset)`` has no documented REST call; ``aom-log`` is the documented one, so there is no byte-offset route.)
* Visualization ``service_url`` is ``<emulator>/modelarts2/tensorboard/<project_id>/<job_id>/`` (the shape of the
  documented sample), served by the emulator (a small HTML page while the job runs, 8).

Scripted outcomes (``emu.outcomes.take("training_v1", job_name, explicit)``; explicit trigger: a ``parameter``
entry with label ``modelarts_emulator_outcome``): ``success`` (1 for 5 s -> 7 for 5 s -> 8 for 20 s -> 10),
``slow`` (waits 3x and runs 10x longer), ``stuck`` (stays 8 for ever), ``killed`` (8 then 9 -> 12), ``code:N``
for N in {3, 5, 6, 11, 13, 14, 16, 17, 21, 22} (ends in N: 3 after 2, 5 after 4, 13 and 22 after 7, 21 after
18/19, the others after 8; the log explains it). Aliases: ``fail``/``failed`` = ``code:11``,
``terminated`` = ``killed``. Visualization jobs use the outcome kind ``visualization_v1`` with ``success``,
``slow``, ``stuck`` (stays 7), ``killed`` and ``code:N``.

Runner mode (``emu.runner``): a version with ``app_url`` + ``boot_file_url`` and the outcome ``success`` runs for
real through :func:`airflow_provider_modelarts.emulator.runner.start_training_run` (inputs ``data_url``, outputs
``train_url``, parameters from ``parameter``): 1 and 7 for a few seconds, then 8 while it runs, and 10 / 11 / 12
when it completed / failed / was stopped; the logs serve its log text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_modelarts.emulator.resources.common import RouteSpec, add_routes, resource_routes
from airflow_provider_modelarts.emulator.resources.training_v1.base import OUTCOME_KIND
from airflow_provider_modelarts.emulator.resources.training_v1.catalog import list_builtin, list_engines, list_specs
from airflow_provider_modelarts.emulator.resources.training_v1.job_configs import (
    create_config,
    delete_config,
    get_config,
    list_configs,
    update_config,
)
from airflow_provider_modelarts.emulator.resources.training_v1.jobs import (
    create_job,
    create_version,
    delete_job,
    delete_version,
    get_version_detail,
    list_jobs,
    list_versions,
    stop_version,
    update_job,
)
from airflow_provider_modelarts.emulator.resources.training_v1.logs import aom_log, list_log_files
from airflow_provider_modelarts.emulator.resources.training_v1.visualization import (
    create_vis,
    delete_vis,
    get_vis_detail,
    list_vis,
    restart_vis,
    stop_vis,
    update_vis,
    vis_page,
)

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.http import Router

JOBS = "/v1/{project_id}/training-jobs"
ONE_JOB = JOBS + "/{job_id}"
ONE_VERSION = ONE_JOB + "/versions/{version_id}"
CONFIGS = "/v1/{project_id}/training-job-configs"
VISUALIZATIONS = "/v1/{project_id}/visualization-jobs"
ROUTES: list[RouteSpec] = [
    *resource_routes(JOBS, ONE_JOB, create=create_job, list=list_jobs, update=update_job, delete=delete_job),
    *resource_routes(ONE_JOB + "/versions", ONE_VERSION, create_version=create_version, list_versions=list_versions,
                     get_version=get_version_detail, delete_version=delete_version),
    ("POST", ONE_VERSION + "/stop", "stop", stop_version),
    ("GET", ONE_VERSION + "/log/file-names", "log_files", list_log_files),
    ("GET", ONE_VERSION + "/aom-log", "aom_log", aom_log),
    *resource_routes(CONFIGS, CONFIGS + "/{config_name}", create_config=create_config, list_configs=list_configs,
                     get_config=get_config, update_config=update_config, delete_config=delete_config),
    *resource_routes(VISUALIZATIONS, VISUALIZATIONS + "/{job_id}", create_visualization=create_vis,
                     list_visualization=list_vis, get_visualization=get_vis_detail, update_visualization=update_vis,
                     delete_visualization=delete_vis),
    ("POST", VISUALIZATIONS + "/{job_id}/stop", "stop_visualization", stop_vis),
    ("POST", VISUALIZATIONS + "/{job_id}/restart", "restart_visualization", restart_vis),
    ("GET", "/v1/{project_id}/built-in-algorithms", "builtin_algorithms", list_builtin),
    ("GET", "/v1/{project_id}/job/resource-specs", "resource_specs", list_specs),
    ("GET", "/v1/{project_id}/job/ai-engines", "ai_engines", list_engines),
]


def register(router: Router) -> None:
    """Add the v1 training routes (kinds ``training_v1.<op>``) and the visualization page to ``router``."""
    add_routes(router, OUTCOME_KIND, ROUTES)
    router.route("GET", "/modelarts2/tensorboard/{project_id}/{job_id}", f"{OUTCOME_KIND}.visualization_page",
                 auth=False)(vis_page)
