"""Documented tables of the legacy v1 training family (route kinds ``training_v1.*``).

Sources (``H`` below is ``api-ref-otc/historical_apis/training_management_old_version``): the OTC "historical
APIs / training management (old version)" pages, ``modelarts-rest-api.md`` §3.8 and the SDK reference §9
(``seed-inventory.md`` §1.5). The official SDK (``huaweicloudsdkmodelarts``) has no model of these APIs.

Mandatory fields that exclude each other in the api-ref (``spec_id`` *or* ``pool_id``; ``app_url`` +
``boot_file_url`` + ``engine_id`` *or* ``model_id``; one data source) are marked optional here, since a table
can only say "always": the emulator's handlers check those groups (``resources/training_v1/configuration.py``
``validate_config``) and answer 400 naming them. Decisions are in ``docs/api-decisions.md`` § Training v1.
"""

from __future__ import annotations

from airflow_provider_modelarts.emulator.contract import Field, Operation, a, b, cited, i, o, req, s

H = "api-ref-otc/historical_apis/training_management_old_version"
REST = "modelarts-rest-api.md §3.8"
OK = o({"is_success": b()})  # every v1 answer without data: "is_success" only (the pages' response tables)
PAGED = {"per_page": i(), "page": i(), "sortBy": s(), "order": s(enum=["asc", "desc"]), "search_content": s()}

# ---- request parts ------------------------------------------------------------------------------------------
PARAMETER = a(o({"label": s(), "value": s()}))  # "parameter parameters": label String, value String
DATA_SOURCE = a(o({"dataset_id": s(), "dataset_version": s(), "type": s(enum=["obs", "dataset"]), "data_url": s()}))
VOLUMES = a(o({
    "nfs": o({"id": req(s()), "src_path": req(s()), "dest_path": req(s()), "read_only": b()}),
    "host_path": o({"src_path": req(s()), "dest_path": req(s()), "read_only": b()}),
}))
#: the training fields every config table shares (jobs, versions, configurations)
TRAINING_FIELDS: dict[str, Field] = {
    "worker_server_num": req(i()),
    "app_url": s(), "boot_file_url": s(), "model_id": i(), "engine_id": i(),
    "parameter": PARAMETER,
    "data_url": s(), "dataset_id": s(), "dataset_version_id": s(), "data_source": DATA_SOURCE,
    "spec_id": i(),
    "train_url": s(), "log_url": s(), "user_image_url": s(), "user_command": s(),
}
JOB_CONFIG = o({**TRAINING_FIELDS, "pool_id": s(), "create_version": b(), "volumes": VOLUMES})
VERSION_CONFIG = o({**TRAINING_FIELDS, "pool_id": s(), "train_url": req(s()), "pre_version_id": req(i())})
CONFIG_BODY = {**TRAINING_FIELDS, "config_desc": s()}  # training-job-configs: no pool_id, volumes, create_version

# ---- answer parts -------------------------------------------------------------------------------------------
CREATED = {"is_success": b(), "job_id": i(), "job_name": s(), "status": i(), "create_time": i(), "version_id": i(),
           "version_name": s()}
ANSWER_VOLUMES = VOLUMES
ENGINE = {"engine_type": i(), "engine_name": s(), "engine_id": i(), "engine_version": s()}
RESOURCES = {"spec_id": i(), "core": s(), "cpu": s(), "gpu_num": i(), "gpu_type": s()}
NAS = {"pool_name": s(), "pool_id": s(), "nas_mount_path": s(), "nas_share_addr": s(), "nas_type": s()}
CONFIG_ANSWER = {
    "worker_server_num": i(), "app_url": s(), "boot_file_url": s(), "model_id": i(), "parameter": PARAMETER,
    "data_url": s(), "dataset_id": s(), "dataset_version_id": s(), "data_source": DATA_SOURCE, "train_url": s(),
    "log_url": s(), "user_image_url": s(), "user_command": s(), "dataset_name": s(), "dataset_version_name": s(),
    "volumes": ANSWER_VOLUMES, **ENGINE, **RESOURCES, **NAS,
}
VERSION_COMMON = {
    "version_id": i(), "version_name": s(), "pre_version_id": i(), "status": i(), "create_time": i(),
    "duration": i(), "start_time": i(), "model_metric_list": s(), "resource_id": s(), **CONFIG_ANSWER,
}
SYSTEM_METRICS = o({"cpuUsage": a(s()), "memUsage": a(s()), "gpuUtil": a(s())})
#: a ``versions[]`` entry (Table 4 of "Obtaining Training Job Versions": has ``gpu``, no ``spec_code``;
#: ``system_metric_list`` is a String there)
VERSION_ENTRY = o({**VERSION_COMMON, "gpu": b(), "system_metric_list": s()})
#: the version detail (Table 2 of "Querying the Details About a Training Job Version": ``spec_code``, no ``gpu``;
#: ``system_metric_list`` an Object)
VERSION_DETAIL = o({**VERSION_COMMON, "is_success": b(), "job_id": i(), "job_name": s(), "job_desc": s(),
                    "spec_code": s(), "system_metric_list": SYSTEM_METRICS})
JOB_ENTRY = o({"job_id": i(), "job_name": s(), "version_id": i(), "status": i(), "create_time": i(),
               "duration": i(), "job_desc": s(), "version_count": i()})
VIS_ENTRY = {"job_id": i(), "job_name": s(), "status": i(), "create_time": i(), "duration": i(), "job_desc": s(),
             "service_url": s(), "train_url": s(), "resource_id": s()}
CONFIG_ENTRY = o({"config_name": s(), "config_desc": s(), "create_time": i(), **ENGINE, "user_image_url": s(),
                  "user_command": s()})
SPEC = o({"spec_id": i(), "core": s(), "cpu": s(), "gpu_num": i(), "gpu_type": s(), "spec_code": s(),
          "max_num": i(), "unit_num": i(), "storage": s(), "interface_type": i(), "no_resource": b()})
ALGORITHM = o({"model_id": i(), "model_name": s(), "model_usage": i(), "model_precision": s(), "model_size": i(),
               "model_train_dataset": s(), "model_dataset_format": s(), "model_description_url": s(),
               "parameter": s(), "create_time": i(), "engine_id": i(), "engine_name": s(), "engine_version": s()})

LIST_JOBS_QUERY = {**PAGED, "status": s(), "workspace_id": s(),
                   "sort_by": cited(s(), "SDK reference §9.1.3 (seed TR1-3): get_job_list sends sort_by with "
                                         "password auth")}

OPERATIONS: dict[str, Operation] = {
    # ---- training jobs -------------------------------------------------------------------------------------
    "training_v1.create": Operation(
        source=f"{H}/training_jobs/creating_a_training_job.txt; {REST}",
        body=o({"job_name": req(s()), "job_desc": s(), "config": req(JOB_CONFIG), "workspace_id": s()}),
        response=o({**CREATED, "resource_id": s()}), v1=True,
        note="config.spec_id/pool_id, app_url+boot_file_url+engine_id/model_id and the data source are "
             "mandatory as groups (checked by the handler)."),
    "training_v1.list": Operation(
        source=f"{H}/training_jobs/querying_a_training_job_list.txt; {REST}", query=LIST_JOBS_QUERY,
        response=o({"is_success": b(), "job_total_count": i(), "job_count_limit": i(), "quotas": i(),
                    "jobs": a(JOB_ENTRY)}), v1=True),
    "training_v1.update": Operation(
        source=f"{H}/training_jobs/modifying_the_description_of_a_training_job.txt",
        body=o({"job_desc": req(s())}), response=OK, v1=True),
    "training_v1.delete": Operation(source=f"{H}/training_jobs/deleting_a_training_job.txt", response=OK, v1=True),
    "training_v1.create_version": Operation(
        source=f"{H}/training_jobs/creating_a_version_of_a_training_job.txt; {REST}",
        body=o({"job_desc": s(), "config": req(VERSION_CONFIG)}), response=o(CREATED), v1=True,
        note="The version table has no volumes and no create_version, and its answer no resource_id (the job "
             "create answer has it). The emulator does not inherit anything from pre_version_id: the client "
             "sends the full configuration (it reads the previous version once and merges the changes)."),
    "training_v1.list_versions": Operation(
        source=f"{H}/training_jobs/obtaining_training_job_versions.txt; {REST}",
        query={"per_page": i(), "page": i()},
        response=o({"is_success": b(), "job_id": i(), "job_name": s(), "job_desc": s(), "version_count": i(),
                    "versions": a(VERSION_ENTRY)}), v1=True),
    "training_v1.get_version": Operation(
        source=f"{H}/training_jobs/querying_the_details_about_a_training_job_version.txt; {REST}",
        response=VERSION_DETAIL, v1=True),
    "training_v1.delete_version": Operation(
        source=f"{H}/training_jobs/deleting_a_version_of_a_training_job.txt", response=OK, v1=True),
    "training_v1.stop": Operation(source=f"{H}/training_jobs/stopping_a_training_job.txt", response=OK, v1=True),
    "training_v1.log_files": Operation(
        source=f"{H}/training_jobs/obtaining_the_name_of_a_training_job_log_file.txt; SDK reference §9.1.6",
        response=o({"is_success": b(), "log_file_list": a(s())}), v1=True,
        note="log_file_list: the table says String, the sample and the SDK reference (List) an array: array."),
    "training_v1.aom_log": Operation(
        source=f"{H}/training_jobs/querying_training_job_logs.txt",
        query={"base_line": s(), "lines": i(), "log_file": req(s()), "order": s(enum=["asc", "desc"])},
        response=o({"is_success": b(), "content": s(), "lines": i(), "start_line": s(), "end_line": s()}), v1=True,
        note="lines is an Integer in the table (the sample quotes \"1\"); start_line/end_line Strings (the sample "
             "has one unquoted): the table's types."),
    # ---- training job configurations -----------------------------------------------------------------------
    "training_v1.create_config": Operation(
        source=f"{H}/training_job_parameter_configuration/creating_a_training_job_configuration.txt; "
               "SDK reference §9.3.1",
        body=o({"config_name": req(s()), **CONFIG_BODY}), response=OK, v1=True),
    "training_v1.list_configs": Operation(
        source=f"{H}/training_job_parameter_configuration/querying_a_list_of_training_job_configurations.txt",
        query={**PAGED, "config_type": s(enum=["custom", "sample"])},
        response=o({"is_success": b(), "config_total_count": i(), "configs": a(CONFIG_ENTRY)}), v1=True),
    "training_v1.get_config": Operation(
        source=f"{H}/training_job_parameter_configuration/querying_the_details_about_a_training_job_configuration"
               ".txt",
        query={"config_type": s(enum=["custom", "sample"])},
        response=o({"is_success": b(), "config_name": s(), "config_desc": s(), "create_time": i(), "spec_code": s(),
                    **CONFIG_ANSWER}), v1=True),
    "training_v1.update_config": Operation(
        source=f"{H}/training_job_parameter_configuration/modifying_a_training_job_configuration.txt",
        body=o(CONFIG_BODY), response=OK, v1=True,
        note="The body has the create's Mandatory fields: an update replaces the configuration as a whole."),
    "training_v1.delete_config": Operation(
        source=f"{H}/training_job_parameter_configuration/deleting_a_training_job_configuration.txt",
        response=OK, v1=True),
    # ---- visualization jobs --------------------------------------------------------------------------------
    "training_v1.create_visualization": Operation(
        source=f"{H}/visualization_jobs/creating_a_visualization_job.txt; {REST}",
        body=o({"job_name": req(s()), "job_desc": s(), "train_url": req(s()), "job_type": s(),
                "flavor": o({"code": req(s())}),
                "schedule": o({"type": req(s(enum=["stop"])), "time_unit": req(s(enum=["HOURS"])),
                               "duration": req(i())})}),
        response=o({"is_success": b(), "job_id": i(), "job_name": s(), "status": i(), "create_time": i(),
                    "service_url": s()}), v1=True,
        note="schedule is an Object in the table (the emulator also took a one-element list: no longer)."),
    "training_v1.list_visualization": Operation(
        source=f"{H}/visualization_jobs/querying_a_visualization_job_list.txt; {REST}",
        query={**PAGED, "status": s(), "workspace_id": s()},
        response=o({"is_success": b(), "job_total_count": i(), "job_count_limit": i(), "quotas": i(),
                    "jobs": a(o(VIS_ENTRY))}), v1=True),
    "training_v1.get_visualization": Operation(
        source=f"{H}/visualization_jobs/querying_the_details_about_a_visualization_job.txt",
        response=o(VIS_ENTRY), v1=True,
        note="The detail table and sample have neither is_success nor job_type."),
    "training_v1.update_visualization": Operation(
        source=f"{H}/visualization_jobs/modifying_the_description_of_a_visualization_job.txt",
        body=o({"job_desc": req(s())}), response=OK, v1=True),
    "training_v1.delete_visualization": Operation(
        source=f"{H}/visualization_jobs/deleting_a_visualization_job.txt", response=OK, v1=True),
    "training_v1.stop_visualization": Operation(
        source=f"{H}/visualization_jobs/stopping_a_visualization_job.txt", response=OK, v1=True),
    "training_v1.restart_visualization": Operation(
        source=f"{H}/visualization_jobs/restarting_a_visualization_job.txt", response=OK, v1=True),
    "training_v1.visualization_page": Operation(
        source=f"{H}/visualization_jobs/querying_the_details_about_a_visualization_job.txt (service_url sample)",
        response=None,
        note="The page behind service_url: HTML, not a ModelArts API answer (no JSON table)."),
    # ---- lookups -------------------------------------------------------------------------------------------
    "training_v1.builtin_algorithms": Operation(
        source=f"{H}/training_jobs/querying_a_built-in_algorithm.txt; {REST}", query=dict(PAGED),
        response=o({"is_success": b(), "model_total_count": i(), "models": a(ALGORITHM)}), v1=True),
    "training_v1.resource_specs": Operation(
        source=f"{H}/resource_and_engine_specifications/querying_job_resource_specifications.txt; {REST}",
        query={"job_type": s(enum=["train", "inference"]), "engine_id": i(), "project_type": i()},
        response=o({"is_success": b(), "spec_total_count": i(), "specs": a(SPEC)}), v1=True),
    "training_v1.ai_engines": Operation(
        source=f"{H}/resource_and_engine_specifications/querying_job_engine_specifications.txt; {REST}",
        query={"job_type": s(enum=["train", "inference"])},
        response=o({"is_success": b(), "engines": a(o(ENGINE))}), v1=True),
}
