"""Data management (old-version v2 dataset APIs): the documented field tables of every ``datasets.*`` route kind.

Transcribed from the OTC api-ref pages ``api-ref-otc/historical_apis/data_management_old_version/*.txt`` (the
"Mandatory" column, the types; ``Long`` is an integer, ``Double``/``Float`` a number, ``Map<String,X>`` a map). The
official SDK (``huaweicloudsdkmodelarts``) has no model for these APIs. A field that the SDK reference needs and the
api-ref lacks is kept only with ``cited(...)``; every decision between sources is in ``note=`` and in
``docs/api-decisions.md`` (section "Data management").

Nested objects that several pages share (``Label``, ``DataSource``, ...) are named once below, under the name the
pages give them.
"""

from __future__ import annotations

from airflow_provider_modelarts.emulator.contract import Operation, a, anything, b, cited, i, m, n, o, req, s

PAGES = "api-ref-otc/historical_apis/data_management_old_version/"
#: labeling type codes (SDK reference table 7-13 ``label_task_type`` and table 7-35 ``task_type``).
LABEL_TASK_TYPES = (0, 1, 3, 100, 101, 102, 200, 201, 202, 400, 600, 900)
SDK_VERSION = "SDK reference §7.2.2 table 7-13 (create_version)"
SDK_LABEL_TASK = "SDK reference §7.7.1 table 7-35 (create_label_task)"

SCHEMA_MAP = o({
    "dest_name": s(),
    "src_name": s(),
})
SOURCE_INFO = o({
    "cluster_id": s(),
    "cluster_mode": s(),
    "cluster_name": s(),
    "database_name": s(),
    "input": s(),
    "ip": s(),
    "port": s(),
    "queue_name": s(),
    "subnet_id": s(),
    "table_name": s(),
    "user_name": s(),
    "user_password": s(),
    "vpc_id": s(),
})
DATA_SOURCE = o({
    "data_path": s(),
    "data_type": i(),
    "schema_maps": a(SCHEMA_MAP),
    "source_info": SOURCE_INFO,
    "with_column_header": b(),
})
LABEL_ATTRIBUTE_VALUE = o({
    "id": s(),
    "value": s(),
})
LABEL_ATTRIBUTE = o({
    "default_value": s(),
    "id": s(),
    "name": s(),
    "type": s(),
    "values": a(LABEL_ATTRIBUTE_VALUE),
})
LABEL_PROPERTY = o({
    "@modelarts:color": s(),
    "@modelarts:default_shape": s(),
    "@modelarts:from_type": s(),
    "@modelarts:rename_to": s(),
    "@modelarts:shortcut": s(),
    "@modelarts:to_type": s(),
})
LABEL = o({
    "attributes": a(LABEL_ATTRIBUTE),
    "name": s(),
    "property": LABEL_PROPERTY,
    "type": i(),
})
ANNOTATION_FILE = o({
    "create_time": i(),
    "dataset_id": s(),
    "depth": i(),
    "file_Name": s(),
    "file_id": s(),
    "file_type": s(),
    "height": i(),
    "size": i(),
    "tags": m(s()),
    "url": s(),
    "width": i(),
})
FIELD = o({
    "description": s(),
    "name": s(),
    "schema_id": i(),
    "type": s(),
})
LABEL_STATS = o({
    "attributes": a(LABEL_ATTRIBUTE),
    "count": i(),
    "name": s(),
    "property": LABEL_PROPERTY,
    "sample_count": i(),
    "type": i(),
})
DATASET_VERSION = o({
    "add_sample_count": i(),
    "analysis_cache_path": s(),
    "analysis_status": i(),
    "analysis_task_id": s(),
    "annotated_sample_count": i(),
    "annotated_sub_sample_count": i(),
    "clear_hard_property": b(),
    "code": s(),
    "create_time": i(),
    "crop": b(),
    "crop_path": s(),
    "crop_rotate_cache_path": s(),
    "data_analysis": m(),
    "data_path": s(),
    "data_statistics": m(),
    "data_validate": b(),
    "deleted_sample_count": i(),
    "deletion_stats": m(i()),
    "description": s(),
    "export_images": b(),
    "extract_serial_number": b(),
    "include_dataset_data": b(),
    "is_current": b(),
    "label_stats": a(LABEL_STATS),
    "label_type": s(),
    "manifest_cache_input_path": s(),
    "manifest_path": s(),
    "message": s(),
    "modified_sample_count": i(),
    "previous_annotated_sample_count": i(),
    "previous_total_sample_count": i(),
    "previous_version_id": s(),
    "processor_task_id": s(),
    "processor_task_status": i(),
    "remove_sample_usage": b(),
    "rotate": b(),
    "rotate_path": s(),
    "sample_state": s(),
    "start_processor_task": b(),
    "status": i(),
    "tags": a(s()),
    "task_type": i(),
    "total_sample_count": i(),
    "total_sub_sample_count": i(),
    "train_evaluate_sample_ratio": s(),
    "update_time": i(),
    "version_format": s(),
    "version_id": s(),
    "version_name": s(),
    "with_column_header": b(),
})
WORKER = o({
    "create_time": i(),
    "description": s(),
    "email": s(),
    "role": i(),
    "status": i(),
    "update_time": i(),
    "worker_id": s(),
    "workforce_id": s(),
})
WORKFORCE_DESCRIPTOR = o({
    "current_task_id": s(),
    "current_task_name": s(),
    "reject_num": i(),
    "repetition": i(),
    "is_synchronize_auto_labeling_data": b(),
    "is_synchronize_data": b(),
    "workers": a(WORKER),
    "workforce_id": s(),
    "workforce_name": s(),
})
#: The dataset object: the fields both the list's ``DatasetAndFilePreview`` table
#: (querying_the_dataset_list.txt) and the detail's response table (querying_details_about_a_dataset.txt) document.
_DATASET = {
    "annotated_sample_count": i(),
    "annotated_sub_sample_count": i(),
    "content_labeling": b(),
    "create_time": i(),
    "current_version_id": s(),
    "current_version_name": s(),
    "data_format": s(),
    "data_sources": a(DATA_SOURCE),
    "data_statistics": m(),
    "data_update_time": i(),
    "dataset_format": i(),
    "dataset_id": s(),
    "dataset_name": s(),
    "dataset_tags": a(s()),
    "dataset_type": i(),
    "dataset_version_count": i(),
    "deleted_sample_count": i(),
    "deletion_stats": m(i()),
    "description": s(),
    "enterprise_project_id": s(),
    "exist_running_task": b(),
    "exist_workforce_task": b(),
    "feature_supports": a(s()),
    "import_data": b(),
    "import_task_id": s(),
    "inner_annotation_path": s(),
    "inner_data_path": s(),
    "inner_log_path": s(),
    "inner_task_path": s(),
    "inner_temp_path": s(),
    "inner_work_path": s(),
    "label_task_count": i(),
    "labels": a(LABEL),
    "loading_sample_count": i(),
    "managed": b(),
    "next_version_num": i(),
    "running_tasks_id": a(s()),
    "schema": a(FIELD),
    "status": i(),
    "third_path": s(),
    "total_sample_count": i(),
    "total_sub_sample_count": i(),
    "unconfirmed_sample_count": i(),
    "update_time": i(),
    "versions": a(DATASET_VERSION),
    "work_path": s(),
    "work_path_type": i(),
    "workforce_descriptor": WORKFORCE_DESCRIPTOR,
    "workforce_task_count": i(),
    "workspace_id": s(),
}
#: querying_the_dataset_list.txt ``DatasetAndFilePreview``: the dataset object plus ``data_url`` and ``samples``.
DATASET_AND_FILE_PREVIEW = o({
    **_DATASET,
    "data_url": s(),
    "samples": a(ANNOTATION_FILE),
})
LABEL_FORMAT = o({
    "label_type": s(),
    "text_label_separator": s(),
    "text_sample_separator": s(),
})
WORKFORCE_CONFIG = o({
    "workers": a(WORKER),
    "workforce_id": s(),
    "workforce_name": s(),
})
WORKFORCES_CONFIG = o({
    "agency": s(),
    "workforces": a(WORKFORCE_CONFIG),
})
WORKFORCE_INFORMATION = o({
    "data_sync_type": i(),
    "repetition": i(),
    "synchronize_auto_labeling_data": b(),
    "synchronize_data": b(),
    "task_id": s(),
    "task_name": req(s()),
    "workforces_config": WORKFORCES_CONFIG,
})
BATCH_RESPONSE = o({
    "error_code": s(),
    "error_msg": s(),
    "success": b(),
})
HARD_DETAIL = o({
    "alo_name": s(),
    "id": i(),
    "reason": s(),
    "suggestion": s(),
})
SAMPLE_LABEL_PROPERTY = o({
    "@modelarts:content": s(),
    "@modelarts:end_index": i(),
    "@modelarts:end_time": s(),
    "@modelarts:feature": anything(),
    "@modelarts:from": s(),
    "@modelarts:hard": s(),
    "@modelarts:hard_coefficient": s(),
    "@modelarts:hard_reasons": s(),
    "@modelarts:shape": s(),
    "@modelarts:source": s(),
    "@modelarts:start_index": i(),
    "@modelarts:start_time": s(),
    "@modelarts:to": s(),
})
SAMPLE_LABEL = o({
    "annotated_by": s(),
    "id": s(),
    "name": s(),
    "property": SAMPLE_LABEL_PROPERTY,
    "score": n(),
    "type": i(),
})
SAMPLE_METADATA = o({
    "@modelarts:import_origin": i(),
    "@modelarts:hard": n(),
    "@modelarts:hard_coefficient": n(),
    "@modelarts:hard_reasons": a(i()),
    "@modelarts:size": a(anything()),
})
DESCRIBE_SAMPLE_RESP = o({
    "check_accept": b(),
    "check_comment": s(),
    "check_score": s(),
    "deletion_reasons": a(s()),
    "hard_details": m(HARD_DETAIL),
    "labelers": a(WORKER),
    "labels": a(SAMPLE_LABEL),
    "metadata": SAMPLE_METADATA,
    "review_accept": b(),
    "review_comment": s(),
    "review_score": s(),
    "sample_data": a(s()),
    "sample_dir": s(),
    "sample_id": s(),
    "sample_name": s(),
    "sample_size": i(),
    "sample_status": s(),
    "sample_time": i(),
    "sample_type": i(),
    "score": s(),
    "source": s(),
    "sub_sample_url": s(),
    "worker_id": s(),
})
FILE_COPY_PROGRESS = o({
    "file_num_finished": i(),
    "file_num_total": i(),
    "file_size_finished": i(),
    "file_size_total": i(),
})
IMPORT_TASK_STATUS_RESP = o({
    "annotated_sample_count": i(),
    "create_time": i(),
    "data_source": DATA_SOURCE,
    "dataset_id": s(),
    "elapsed_time": i(),
    "error_code": s(),
    "error_msg": s(),
    "file_statistics": FILE_COPY_PROGRESS,
    "finished_file_count": i(),
    "finished_file_size": i(),
    "import_path": s(),
    "import_type": i(),
    "imported_sample_count": i(),
    "imported_sub_sample_count": i(),
    "processor_task_id": s(),
    "processor_task_status": i(),
    "status": s(),
    "task_id": s(),
    "total_file_count": i(),
    "total_file_size": i(),
    "total_sample_count": i(),
    "total_sub_sample_count": i(),
    "unconfirmed_sample_count": i(),
    "update_ms": i(),
})
SEARCH_LABEL = o({
    "name": s(),
    "op": s(),
    "property": m(a(s())),
    "type": i(),
})
SEARCH_LABELS = o({
    "labels": a(SEARCH_LABEL),
    "op": s(),
})
SEARCH_PROP = o({
    "op": s(),
    "props": m(a(s())),
})
SEARCH_CONDITION = o({
    "coefficient": s(),
    "frame_in_video": i(),
    "hard": s(),
    "import_origin": s(),
    "kvp": s(),
    "label_list": SEARCH_LABELS,
    "labeler": s(),
    "metadata": SEARCH_PROP,
    "parent_sample_id": s(),
    "sample_dir": s(),
    "sample_name": s(),
    "sample_time": s(),
    "score": s(),
    "slice_thickness": s(),
    "study_date": s(),
    "time_in_video": s(),
})
EXPORT_PARAMS = o({
    "clear_hard_property": b(),
    "export_dataset_version_format": s(),
    "export_dataset_version_name": s(),
    "export_dest": s(),
    "export_new_dataset_name": s(),
    "export_new_dataset_work_path": s(),
    "ratio_sample_usage": b(),
    "sample_state": s(),
    "samples": a(s()),
    "search_conditions": a(SEARCH_CONDITION),
    "train_sample_ratio": s(),
})
EXPORT_TASK_STATUS_RESP = o({
    "create_time": i(),
    "error_code": s(),
    "error_msg": s(),
    "export_format": i(),
    "export_params": EXPORT_PARAMS,
    "export_type": i(),
    "finished_sample_count": i(),
    "path": s(),
    "progress": n(),
    "status": s(),
    "task_id": s(),
    "total_sample_count": i(),
    "update_time": i(),
    "version_format": s(),
    "version_id": s(),
})
CHECK_TASK_STATS = o({
    "accepted_sample_count": i(),
    "checked_sample_count": i(),
    "pass_rate": n(),
    "rejected_sample_count": i(),
    "sampled_sample_count": i(),
    "sampling_num": i(),
    "sampling_rate": n(),
    "score": s(),
    "task_id": s(),
    "total_sample_count": i(),
    "total_score": i(),
    "unchecked_sample_count": i(),
})
WORKFORCE_SAMPLING_TASK_DESC = o({
    "action": i(),
    "checking_stats": CHECK_TASK_STATS,
    "checking_task_id": s(),
    "overwrite_last_result": b(),
    "total_stats": CHECK_TASK_STATS,
})
SAMPLE_STATS = o({
    "accepted_sample_count": i(),
    "auto_annotation_sample_count": i(),
    "deleted_sample_count": i(),
    "rejected_sample_count": i(),
    "sampled_sample_count": i(),
    "total_sample_count": i(),
    "unannotated_sample_count": i(),
    "uncheck_sample_count": i(),
    "unreviewed_sample_count": i(),
})
WORKFORCE_STATS = o({
    "labeler_count": i(),
    "reviewer_count": i(),
    "workforce_count": i(),
})
WORKFORCE_TASK = o({
    "auto_sync_dataset": b(),
    "check_rate": n(),
    "checking_task_desc": WORKFORCE_SAMPLING_TASK_DESC,
    "create_time": i(),
    "dataset_id": s(),
    "description": s(),
    "label_stats": a(LABEL_STATS),
    "pass_rate": n(),
    "repetition": i(),
    "sample_search_conditions": a(SEARCH_CONDITION),
    "sample_stats": SAMPLE_STATS,
    "score": n(),
    "status": i(),
    "synchronize_auto_labeling_data": b(),
    "synchronize_data": b(),
    "task_id": s(),
    "task_name": s(),
    "update_time": i(),
    "version_id": s(),
    "workforce_stats": WORKFORCE_STATS,
    "workforces_config": WORKFORCES_CONFIG,
})
WORKER_TASK = o({
    "create_time": i(),
    "dataset_id": s(),
    "dataset_type": i(),
    "email": s(),
    "email_status": i(),
    "last_notify_time": i(),
    "pass_rate": n(),
    "role": i(),
    "sample_stats": SAMPLE_STATS,
    "score": n(),
    "task_id": s(),
    "task_status": i(),
    "update_time": i(),
    "worker_id": s(),
    "workforce_task_name": s(),
})

OPERATIONS: dict[str, Operation] = {
    "datasets.list": Operation(
        source=PAGES + "querying_the_dataset_list.txt",
        query={
            "check_running_task": b(), "contain_versions": b(), "dataset_type": i(), "file_preview": b(),
            "limit": i(), "offset": i(), "order": s(), "running_task_type": i(), "search_content": s(),
            "sort_by": s(), "support_export": b(), "train_evaluate_ratio": s(), "version_format": i(),
            "with_labels": b(), "workspace_id": s(), "dataset_version": s(),
        },
        response=o({
            "datasets": a(DATASET_AND_FILE_PREVIEW),
            "total_number": i(),
        }),
    ),
    "datasets.create": Operation(
        source=PAGES + "creating_a_dataset.txt",
        note=("data_sources is Mandatory: the OTC api-ref (creating_a_dataset.txt table 2) and the SDK reference "
              "§7.1.2 table 7-2 both mark it required; only the 2021 CN reference (modelarts-rest-api.md §3.1, "
              "[CN21]) has it optional. The SDK's create-by-data_type mode has no documented REST field: the "
              "client maps data_type to the documented dataset_type (docs/api-decisions.md, Data management)."),
        body=o({
            "data_format": s(),
            "data_sources": req(a(DATA_SOURCE)),
            "dataset_name": req(s()),
            "dataset_type": i(),
            "description": s(),
            "import_annotations": b(),
            "import_data": b(),
            "label_format": LABEL_FORMAT,
            "labels": a(LABEL),
            "managed": b(),
            "schema": a(FIELD),
            "work_path": req(s()),
            "work_path_type": req(i()),
            "workforce_information": WORKFORCE_INFORMATION,
            "workspace_id": s(),
        }),
        response=o({
            "dataset_id": s(),
            "error_code": s(),
            "error_msg": s(),
            "import_task_id": s(),
        }),
    ),
    "datasets.get": Operation(
        source=PAGES + "querying_details_about_a_dataset.txt",
        query={"check_running_task": b(), "running_task_type": i()},
        response=o(_DATASET),
    ),
    "datasets.update": Operation(
        source=PAGES + "modifying_a_dataset.txt",
        body=o({
            "add_labels": a(LABEL),
            "current_version_id": s(),
            "dataset_name": s(),
            "delete_labels": a(LABEL),
            "description": s(),
            "update_labels": a(LABEL),
        }),
        response=o({
            "dataset_id": s(),
        }),
    ),
    "datasets.delete": Operation(
        source=PAGES + "deleting_a_dataset.txt",
    ),
    "datasets.list_versions": Operation(
        source=PAGES + "querying_the_dataset_version_list.txt",
        query={"status": i(), "train_evaluate_ratio": s(), "version_format": i(), "offset": i(), "limit": i()},
        response=o({
            "total_number": i(),
            "versions": a(DATASET_VERSION),
        }),
    ),
    "datasets.create_version": Operation(
        source=PAGES + "creating_a_dataset_labeling_version.txt",
        note="label_task_type and label_task_id are SDK reference §7.2.2 arguments the api-ref table lacks (cited).",
        body=o({
            "clear_hard_property": b(),
            "description": s(),
            "export_images": b(),
            "remove_sample_usage": b(),
            "train_evaluate_sample_ratio": s(),
            "version_format": s(enum=("Default", "CarbonData", "CSV")),
            "version_name": s(),
            "with_column_header": b(),
            "label_task_type": cited(i(enum=LABEL_TASK_TYPES), SDK_VERSION + ": the labeling type of the version "
                                     "data; the emulator answers it as the version's documented task_type"),
            "label_task_id": cited(s(), SDK_VERSION + ": publish the version from a labeling task; the emulator "
                                   "checks that the team labeling task exists (ModelArts.4619)"),
        }),
        response=o({
            "version_id": s(),
        }),
    ),
    "datasets.get_version": Operation(
        source=PAGES + "querying_details_about_a_dataset_version.txt",
        response=DATASET_VERSION,
    ),
    "datasets.delete_version": Operation(
        source=PAGES + "deleting_a_dataset_labeling_version.txt",
    ),
    "datasets.delete_samples": Operation(
        source=PAGES + "deleting_samples_in_batches.txt",
        body=o({
            "delete_source": b(),
            "samples": a(s()),
        }),
        response=o({
            "error_code": s(),
            "error_msg": s(),
            "results": a(BATCH_RESPONSE),
            "success": b(),
        }),
    ),
    "datasets.list_samples": Operation(
        source=PAGES + "obtaining_a_sample_list.txt",
        query={
            "email": s(), "high_score": s(), "label_name": s(), "label_type": i(), "limit": i(), "locale": s(),
            "low_score": s(), "offset": i(), "order": s(), "preview": b(), "process_parameter": s(),
            "sample_state": s(), "sample_type": i(), "search_conditions": s(), "version_id": s(),
        },
        response=o({
            "sample_count": i(),
            "samples": a(DESCRIBE_SAMPLE_RESP),
        }),
    ),
    "datasets.get_sample": Operation(
        source=PAGES + "obtaining_details_about_a_sample.txt",
        query={"locale": s(), "sample_state": s(), "worker_id": s()},
        response=DESCRIBE_SAMPLE_RESP,  # the page's response table has the fields of the list's DescribeSampleResp
    ),
    "datasets.list_import_tasks": Operation(
        source=PAGES + "querying_the_dataset_import_task_list.txt",
        query={"limit": i(), "offset": i()},
        response=o({
            "import_tasks": a(IMPORT_TASK_STATUS_RESP),
            "total_count": i(),
        }),
    ),
    "datasets.create_import_task": Operation(
        source=PAGES + "creating_an_import_task.txt",
        body=o({
            "data_source": DATA_SOURCE,
            "difficult_only": b(),
            "excluded_labels": a(LABEL),
            "final_annotation": b(),
            "import_annotations": b(),
            "import_folder": s(),
            "import_origin": s(),
            "import_path": req(s()),
            "import_samples": b(),
            "import_type": s(),
            "included_labels": a(LABEL),
            "label_format": LABEL_FORMAT,
            "with_column_header": b(),
        }),
        response=o({
            "task_id": s(),
        }),
    ),
    "datasets.get_import_task": Operation(
        source=PAGES + "querying_details_about_a_dataset_import_task.txt",
        response=IMPORT_TASK_STATUS_RESP,  # the page's response table has the fields of the list's ImportTaskStatusResp
    ),
    "datasets.list_export_tasks": Operation(
        source=PAGES + "querying_the_dataset_export_task_list.txt",
        query={"export_type": i(), "limit": i(), "offset": i()},
        response=o({  # the page's response table: the fields of its ExportTaskStatusResp, the list and its count
            **(EXPORT_TASK_STATUS_RESP.fields or {}),
            "export_tasks": a(EXPORT_TASK_STATUS_RESP),
            "total_count": i(),
        }),
    ),
    "datasets.create_export_task": Operation(
        source=PAGES + "creating_a_dataset_export_task.txt",
        body=o({
            "annotation_format": s(),
            "export_format": i(),
            "export_params": EXPORT_PARAMS,
            "export_type": i(),
            "path": s(),
            "sample_state": s(),
            "source_type_header": s(),
            "status": i(),
            "task_id": s(),
            "version_format": s(),
            "version_id": s(),
            "with_column_header": b(),
        }),
        response=EXPORT_TASK_STATUS_RESP,  # the page's response table has the fields of the list's ExportTaskStatusResp
    ),
    "datasets.get_export_task": Operation(
        source=PAGES + "querying_the_status_of_a_dataset_export_task.txt",
        response=EXPORT_TASK_STATUS_RESP,  # the page's response table has the fields of the list's ExportTaskStatusResp
    ),
    "datasets.list_workforce_tasks": Operation(
        source=PAGES + "querying_the_team_labeling_task_list_of_a_dataset.txt",
        query={"offset": i(), "limit": i()},
        response=o({
            "count": i(),
            "tasks": a(WORKFORCE_TASK),
        }),
    ),
    "datasets.create_workforce_task": Operation(
        source=PAGES + "creating_a_team_labeling_task.txt",
        note=("task_type and description are SDK reference §7.7.1 arguments that the create table lacks (cited); "
              "description is a documented field of the task object and of the update call."),
        body=o({
            "auto_sync_dataset": b(),
            "data_sync_type": i(),
            "repetition": i(),
            "sample_conditions": s(),
            "synchronize_auto_labeling_data": b(),
            "workforces_config": WORKFORCES_CONFIG,
            "task_name": s(),
            "synchronize_data": b(),
            "task_type": cited(i(enum=LABEL_TASK_TYPES), SDK_LABEL_TASK + " (Mandatory there): the labeling type"),
            "description": cited(s(), SDK_LABEL_TASK + "; the task object answers description "
                                 "(querying_details_about_a_team_labeling_task.txt) and updating_a_team_labeling_task"
                                 ".txt documents it: 0-256 characters without ^!<>=&\"'"),
        }),
        response=o({
            "task_id": s(),
        }),
    ),
    "datasets.get_workforce_task": Operation(
        source=PAGES + "querying_details_about_a_team_labeling_task.txt",
        query={"label_stats": b(), "sample_stats": b(), "workforce_stats": b()},
        response=o({  # the task object of WORKFORCE_TASK (the list's entries) plus the detail's worker_stats
            **(WORKFORCE_TASK.fields or {}),
            "worker_stats": a(WORKER_TASK),
        }),
    ),
}
