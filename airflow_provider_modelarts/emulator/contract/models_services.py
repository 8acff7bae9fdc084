"""Documented tables of the model (AI application), service and inference operations.

Sources: the OTC api-ref pages ``api-ref-otc/ai_application_management/*.txt`` and
``api-ref-otc/service_management/*.txt`` (``OTC <page> Table N`` below), ``modelarts-rest-api.md`` §3.9/§3.10
(``REST §``), and the SDK reference ``modelarts-sdk-reference.zh.md`` (``SDK 表 N``). The official SDK package
``huaweicloudsdkmodelarts`` has no model for the v1 ``/models`` and ``/services`` APIs (only the newer v2
inference ones), so none is cited. The OTC api-ref has no page for the model create (``POST /v1/{p}/models``):
its table comes from REST §3.9 and SDK 表 10-9 to 10-12. Decisions where the sources disagree are in each
``note=`` and in ``docs/api-decisions.md`` ("Models and services").
"""

from __future__ import annotations

from airflow_provider_modelarts.emulator.contract import (
    Field,
    Operation,
    a,
    anything,
    b,
    cited,
    i,
    m,
    n,
    o,
    req,
    s,
)

AI = "api-ref-otc/ai_application_management/"
SM = "api-ref-otc/service_management/"

#: SDK 表 10-9 (model_type), plus Caffe and Template from REST §3.9 (see the create note).
MODEL_TYPES = ("TensorFlow", "MXNet", "Caffe", "Spark_MLlib", "Scikit_Learn", "XGBoost", "MindSpore", "Image",
               "PyTorch", "Template")
#: OTC querying_the_ai_application_list Table 2 (model_status) / REST §4.4.
MODEL_STATUSES = ("publishing", "published", "failed", "building", "building_failed")
#: OTC obtaining_service_details Table 3 (status) / REST §4.5.
SERVICE_STATUSES = ("running", "deploying", "concerning", "failed", "stopped", "finished", "stopping", "deleting",
                    "pending", "waiting")
#: SDK 表 11-11 (real-time config ``status``), REST §4.5; the OTC example answer shows ``notReady``.
INSTANCE_STATUSES = ("ready", "concerning", "notReady")
INFER_TYPES = ("real-time", "batch", "edge")
TIME_UNITS = ("DAYS", "HOURS", "MINUTES")

# ---- models ------------------------------------------------------------------------------------------------------
_PARAMS = o({  # SDK 表 10-10 params; OTC obtaining_details Table 9 ModelParamsInfo
    "url": s(), "method": s(), "protocol": s(), "param_name": s(), "param_type": s(), "min": n(), "max": n(),
    "param_desc": s(),
})
_PACKAGE = o({  # SDK 表 10-12; OTC obtaining_details Table 7
    "package_name": req(s()), "package_version": s(), "restraint": s(enum=("EXACT", "ATLEAST", "ATMOST")),
})
_DEPENDENCY_REQUEST = o({  # SDK 表 10-11: installer "当前只支持 pip"; OTC Table 6 "Only pip is supported"
    "installer": req(s(enum=("pip",))), "packages": req(a(_PACKAGE)),
})
_GUIDE_DOC = o({"doc_url": s(), "doc_name": s()})  # OTC obtaining_details Table 4
_SPECIFICATION = o({"min_cpu": s(), "min_gpu": s(), "min_memory": s()})  # OTC Table 8 / list Table 6
_HEALTH = o({  # OTC obtaining_details Table 5 (every value a String)
    "protocol": s(), "initial_delay_seconds": s(), "timeout_seconds": s(), "url": s(), "period_seconds": s(),
    "failure_threshold": s(), "check_method": s(), "command": s(),
})

MODEL_CREATE = o({
    "model_name": req(s()), "model_version": req(s()), "source_location": req(s()),
    "model_type": req(s(enum=MODEL_TYPES)),
    "runtime": s(), "execution_code": s(), "description": s(), "model_algorithm": s(), "source_job_id": s(),
    "source_job_version": s(), "source_type": s(enum=("auto",)),
    "input_params": a(_PARAMS), "output_params": a(_PARAMS), "dependencies": a(_DEPENDENCY_REQUEST),
    "apis": anything(),
    "initial_config": s(), "model_metrics": s(), "model_docs": a(_GUIDE_DOC),
    "install_type": a(s(enum=("real-time", "edge", "batch"))),
    "template": m(anything()), "workspace_id": s(),
})

_MODEL_LIST_ITEM = {  # OTC querying_the_ai_application_list Table 5 ModelListItem
    "owner": s(), "model_version": s(), "model_type": s(), "description": s(), "project": s(), "source_type": s(),
    "model_id": s(), "model_source": s(), "install_type": a(s()), "model_size": i(), "workspace_id": s(),
    "model_status": s(enum=MODEL_STATUSES), "market_flag": b(), "tunable": b(), "model_name": s(), "create_at": i(),
    "publishable_flag": b(), "source_copy": s(), "tenant": s(), "subscription_id": s(), "extra": s(),
    "specification": _SPECIFICATION,
}
MODEL_DETAIL = o({  # OTC obtaining_details_about_an_ai_application Table 3
    **{k: v for k, v in _MODEL_LIST_ITEM.items() if k not in ("subscription_id", "extra")},
    "source_job_version": s(), "source_location": s(), "source_job_id": s(), "model_algorithm": s(),
    "model_docs": a(_GUIDE_DOC), "execution_code": s(), "schema_doc": s(), "image_address": s(),
    "output_params": a(_PARAMS), "health": _HEALTH, "runtime": s(), "model_metrics": s(),
    "dependencies": a(o({"installer": s(), "packages": a(_PACKAGE)})), "apis": s(), "model_labels": a(s()),
    "labels_map": m(anything()), "config": s(), "input_params": a(_PARAMS), "cmd": s(),
})

# ---- services ----------------------------------------------------------------------------------------------------
_SCHEDULE = o({  # OTC deploying_services Table 4 (the SDK reference's op_type is ``type`` on the wire)
    "duration": req(i()), "time_unit": req(s(enum=TIME_UNITS)), "type": req(s(enum=("stop",))),
})
_CUSTOM_SPEC = o({"gpu_p4": n(), "memory": req(i()), "cpu": req(n())})  # Table 6
_LOG_VOLUME = o({"host_path": req(s()), "mount_path": req(s())})  # Table 8
_PERSISTENT_VOLUME = o({"name": s(), "mount_path": req(s()), "storage_type": s(), "source_address": s()})  # T9
_MODEL_ADDITIONAL = o({  # Table 7 ModelAdditionalProperties
    "log_volume": a(_LOG_VOLUME), "max_surge": n(), "max_unavailable": n(),
    "termination_grace_period_seconds": i(), "persistent_volumes": a(_PERSISTENT_VOLUME),
})
_AFFINITY = o({"node_affinity": o({  # Tables 10-13
    "mode": req(s()),
    "pool_infos": a(o({"pool_name": req(s()), "nodes": req(a(o({"name": req(s())})))})),
})})
SERVICE_CONFIG = o({  # OTC deploying_services / updating_service_configurations Table 5 ServiceConfig
    "custom_spec": _CUSTOM_SPEC, "envs": m(s()), "specification": req(s()), "weight": i(),
    "deploy_timeout_in_seconds": i(), "model_id": req(s()), "src_path": s(), "req_uri": s(),
    "mapping_type": s(enum=("file", "csv")), "cluster_id": s(), "pool_name": s(), "nodes": a(s()),
    "mapping_rule": m(anything()), "src_type": s(), "dest_path": s(), "instance_count": req(i()),
    "additional_properties": m(_MODEL_ADDITIONAL), "affinity": _AFFINITY,
})
_SERVICE_ADDITIONAL = o({  # Tables 14-17
    "smn_notification": req(m(o({"topic_urn": req(s()), "events": req(a(i()))}))),
    "log_report_channels": a(o({"type": req(s()), "configuration": o({"log_group_id": req(s()),
                                                                      "log_stream_id": req(s())})})),
    "websocket_upgrade": b(),
})
_SECRET = o({"secretId": req(s()), "mouthPath": req(s())})  # Table 18 (spelled so in the source)
_LB_POLICIES = ("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP")

SERVICE_CREATE = o({  # OTC deploying_services Table 3
    "workspace_id": s(), "schedule": a(_SCHEDULE), "cluster_id": s(), "pool_name": s(),
    "infer_type": req(s(enum=INFER_TYPES)), "vpc_id": s(), "service_name": req(s()), "description": s(),
    "security_group_id": s(), "subnet_network_id": s(), "config": req(a(SERVICE_CONFIG)),
    "additional_properties": m(_SERVICE_ADDITIONAL), "load_balancer_policy": s(enum=_LB_POLICIES),
    "service_secrets": a(_SECRET), "priority": i(enum=(1, 2, 3)),
})
SERVICE_UPDATE = o({  # OTC updating_service_configurations Table 3
    "schedule": a(_SCHEDULE), "description": s(), "config": a(SERVICE_CONFIG),
    "status": s(enum=("running", "stopped")), "additional_properties": m(_SERVICE_ADDITIONAL),
    "load_balancer_policy": s(enum=_LB_POLICIES), "service_secrets": a(_SECRET), "priority": i(enum=(1, 2, 3)),
})

_RESPONSE_SCHEDULE = o({"duration": i(), "time_unit": s(), "type": s()})
_RESPONSE_CUSTOM_SPEC = o({"gpu_p4": n(), "memory": i(), "cpu": n()})
_NODE = o({  # OTC obtaining_service_details Table 6 Nodes
    "memory": i(), "os_version": s(), "cpu": i(), "created_at": s(), "description": s(), "message": s(),
    "predict_url": s(), "enable_gpu": b(), "gpu_num": i(), "host_ips": a(s()), "updated_at": s(), "node_label": s(),
    "os_type": s(), "name": s(), "os_name": s(), "arch": s(), "id": s(), "instance_status": s(), "state": s(),
    "deployment_num": i(), "host_name": s(),
})
_QUERY_SERVICE_CONFIG = o({  # OTC obtaining_service_details Table 4 QueryServiceConfig
    "model_version": s(), "finished_time": n(), "custom_spec": _RESPONSE_CUSTOM_SPEC, "envs": m(s()),
    "specification": s(), "weight": i(), "source_type": s(), "model_id": s(), "src_path": s(), "req_uri": s(),
    "mapping_type": s(), "start_time": n(), "cluster_id": s(), "nodes": a(_NODE), "mapping_rule": m(anything()),
    "model_name": s(), "src_type": s(), "dest_path": s(), "instance_count": i(),
    "status": s(enum=INSTANCE_STATUSES), "scaling": b(), "support_debug": b(),
    "additional_properties": m(_MODEL_ADDITIONAL), "pool_name": s(), "affinity": _AFFINITY,
})
SERVICE_DETAIL = o({  # OTC obtaining_service_details Table 3
    "service_id": s(), "service_name": s(), "description": s(), "tenant": s(), "project": s(), "owner": s(),
    "publish_at": n(), "infer_type": s(enum=INFER_TYPES), "workspace_id": s(), "cluster_id": s(), "vpc_id": s(),
    "subnet_network_id": s(), "security_group_id": s(), "status": s(enum=SERVICE_STATUSES), "progress": i(),
    "error_msg": s(), "config": a(_QUERY_SERVICE_CONFIG), "access_address": s(), "bind_access_address": s(),
    "invocation_times": n(), "failed_times": n(), "is_shared": b(), "shared_count": n(),
    "schedule": a(_RESPONSE_SCHEDULE), "update_time": n(), "debug_url": s(), "due_time": n(),
    "operation_time": n(), "transition_at": n(), "is_free": b(), "additional_properties": m(anything()),
    "pool_name": s(), "load_balancer_policy": s(), "priority": i(),
})
_LIST_SERVICE = o({  # OTC obtaining_services Table 5 ListServices
    "failed_times": i(), "owner": s(), "due_time": n(), "finished_time": n(), "infer_type": s(enum=INFER_TYPES),
    "service_name": s(), "description": s(), "project": s(), "invocation_times": i(), "publish_at": i(),
    "workspace_id": s(), "schedule": a(_RESPONSE_SCHEDULE), "start_time": n(), "operation_time": n(),
    "is_shared": b(), "service_id": s(), "progress": i(), "shared_count": n(), "tenant": s(),
    "status": s(enum=SERVICE_STATUSES), "is_opened_sample_collection": s(), "transition_at": n(), "is_free": b(),
    "additional_properties": m(anything()),
})
_MONITOR = o({  # OTC obtaining_service_monitoring Table 5 Monitor
    "failed_times": i(), "model_version": s(), "cpu_memory_total": i(), "gpu_usage": n(), "node_name": s(),
    "gpu_total": n(), "model_id": s(), "invocation_times": i(), "cpu_core_usage": n(), "cpu_core_total": n(),
    "model_name": s(), "cpu_memory_usage": i(), "node_id": s(), "model_running_instance_count": i(),
    "model_instance_count": i(), "gpu_memory_total": n(), "gpu_memory_usage": n(), "npu_total": n(),
    "npu_usage": n(), "npu_memory_total": n(), "npu_memory_usage": n(),
})
_LOG_CONFIG = o({  # OTC obtaining_service_update_logs Table 6 ServiceLogConfig
    "model_id": s(), "model_name": s(), "model_version": s(), "weight": i(), "specification": s(),
    "custom_spec": _RESPONSE_CUSTOM_SPEC, "envs": m(s()), "cluster_id": s(), "instance_count": i(),
    "additional_properties": m(_MODEL_ADDITIONAL),
})
_LOG = o({  # Table 5 Log
    "update_time": n(), "result": s(enum=("SUCCESS", "FAIL", "RUNNING")), "config": a(_LOG_CONFIG),
    "success_num": n(), "failed_num": n(),
    "result_detail": a(o({"result": b(), "node_name": s(), "operation": s(), "node_id": s()})),
    "cluster_id": s(), "extend_config": a(s()),
})
_EVENT = o({"event_type": s(enum=("normal", "abnormal")), "event_info": s(), "occur_time": n()})  # Table 5
_UNIT_INFO = {"brand": s(), "version": s(), "unit": s(), "memory": i()}
_SPEC = o({  # OTC obtaining_supported_service_deployment_specifications Table 5-9
    "is_open": b(), "spec_status": s(), "specification": s(), "billing_spec": s(), "category": s(),
    "cpu_info": o({"arch": s(), "cpu": n()}), "memory_info": o({"unit": s(), "memory": i()}),
    "gpu_info": o({**_UNIT_INFO, "gpu": n()}), "npu_info": o({**_UNIT_INFO, "npu": i()}), "source_type": s(),
    "is_free": b(), "over_quota": b(), "extend_params": i(), "display_en": s(), "display_cn": s(),
})


def _paging(**extra: Field) -> dict[str, Field]:
    """``offset`` (a page index) and ``limit`` plus ``extra`` query parameters."""
    return {"offset": i(), "limit": i(), **extra}


OPERATIONS: dict[str, Operation] = {
    "models.create": Operation(
        source="modelarts-rest-api.md §3.9 (Create body); modelarts-sdk-reference.zh.md 表 10-9..10-12",
        body=MODEL_CREATE,
        response=o({"model_id": s()}),
        note="The OTC api-ref has no create page. model_type: the SDK reference (表 10-9) lists TensorFlow, MXNet, "
             "Spark_MLlib, Scikit_Learn, XGBoost, MindSpore, Image, PyTorch; REST §3.9 adds Caffe and Template: "
             "both are accepted. dependencies[].installer: only pip (SDK 表 10-11, OTC detail Table 6). apis: the "
             "SDK reference types it String, REST §3.9 an array (the detail answers a String): any JSON value. "
             "initial_config and model_metrics are strings (the config.json text; the detail's config is a "
             "String)."),
    "models.list": Operation(
        source=AI + "querying_the_ai_application_list.txt",
        query=_paging(model_name=s(), exact_match=b(), model_version=s(), model_status=s(enum=MODEL_STATUSES),
                      description=s(), sort_by=s(enum=("create_at", "model_version", "model_size")),
                      order=s(enum=("asc", "desc")), workspace_id=s(), model_type=s(), not_model_type=s()),
        response=o({"models": a(o(_MODEL_LIST_ITEM)), "total_count": i(), "count": i()})),
    "models.get": Operation(
        source=AI + "obtaining_details_about_an_ai_application.txt",
        response=MODEL_DETAIL,
        note="No source has a failure cause on a model: the emulator's former error_msg is gone."),
    "models.delete": Operation(
        source=AI + "deleting_an_ai_application.txt",
        query={"cascade": b()},
        response=o({"delete_success_list": a(s()),
                    "delete_failed_list": a(o({"error_msg": s(), "error_code": s(), "model_id": s()}))})),
    "services.specifications": Operation(
        source=SM + "obtaining_supported_service_deployment_specifications.txt",
        query={"is_personal_cluster": b(), "infer_type": s(), "limit": s(), "offset": s()},
        response=o({"total_count": i(), "count": i(), "specifications": a(_SPEC)})),
    "services.create": Operation(
        source=SM + "deploying_services.txt",
        body=SERVICE_CREATE,
        response=o({"service_id": s(), "resource_ids": a(s())}),
        note="weight is an Integer in Table 5, while the example requests send \"70\": the table wins. "
             "infer_type edge is in the SDK reference (表 11-5) and an OTC example, not in Table 3's text. "
             "Description: OTC at most 100 characters without !<>+&\"' (the SDK reference: at most 100)."),
    "services.list": Operation(
        source=SM + "obtaining_services.txt",
        query=_paging(service_id=s(), service_name=s(), model_id=s(), workspace_id=s(),
                      infer_type=s(enum=INFER_TYPES), status=s(enum=SERVICE_STATUSES),
                      sort_by=s(enum=("publish_at", "service_name", "transition_at")),
                      order=s(enum=("asc", "desc")), tags=s()),
        response=o({"total_count": i(), "count": i(), "services": a(_LIST_SERVICE)})),
    "services.get": Operation(
        source=SM + "obtaining_service_details.txt; modelarts-sdk-reference.zh.md 表 11-11",
        response=SERVICE_DETAIL,
        note="config[].status: the OTC Table 4 text repeats the service statuses, its example answers notReady, "
             "and the SDK reference 表 11-11 documents the model-instance values ready/concerning/notReady: the "
             "instance values are used (real-time and edge configs; a batch config, 表 11-12, has none). "
             "start_time/finished_time of a batch service are config fields here (Table 4) and top-level fields "
             "in the list (obtaining_services Table 5)."),
    "services.update": Operation(
        source=SM + "updating_service_configurations.txt; modelarts-sdk-reference.zh.md §11.8",
        body=SERVICE_UPDATE,
        response=o({}),
        note="Description: OTC at most 100 characters without <>=&\"' (the SDK reference: at most 100)."),
    "services.delete": Operation(
        source=SM + "deleting_a_service.txt",
        response=o({}),
        note="The page documents no answer body; the example-free answer is an empty object."),
    "services.monitor": Operation(
        source=SM + "obtaining_service_monitoring.txt",
        query={"node_id": s()},
        response=o({"service_name": s(), "service_id": s(), "monitors": a(_MONITOR),
                    "service_running_instance_count": i(), "service_instance_count": i(),
                    "req_count_per_min": i()})),
    "services.logs": Operation(
        source=SM + "obtaining_service_update_logs.txt",
        query={"update_time": n()},
        response=o({"service_name": s(), "service_id": s(), "logs": a(_LOG)})),
    "services.events": Operation(
        source=SM + "obtaining_service_event_logs.txt",
        query=_paging(event_type=s(enum=("normal", "abnormal")), event_info=s(), start_time=n(), end_time=n(),
                      sort_by=s(), order=s(enum=("asc", "desc"))),
        response=o({"service_name": s(), "total_count": i(), "service_id": s(), "count": i(),
                    "events": a(_EVENT)})),
    "inference.predict": Operation(
        source="modelarts-rest-api.md §3.10 (Inference); modelarts-sdk-reference.zh.md §11.5",
        body=cited(anything(), "the payload is the model's input (JSON, or a file as multipart/form-data)"),
        note="The request and the answer belong to the deployed model and pass through unchanged (REST §3.10): "
             "neither is tabled."),
}
