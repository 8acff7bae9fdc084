"""Training v2 (``training_v2.*``) and its documented tables.

Sources: the official SDK models of ``huaweicloudsdkmodelarts`` 3.1.219 (each constant below is one SDK model,
named in its trailing comment, transcribed field by field with its ``openapi_types``), and the OTC api-ref pages
under ``api-ref-otc/training_management/`` for what the SDK does not say: which fields are Mandatory (from
``creating_a_training_job.txt``) and the ``logs/url`` operation, which the SDK lacks.
``tests/emulator/contract/test_training_v2.py`` checks every constant against the installed SDK model, so a
transcription slip fails a test.

Where the two disagree the decision is in ``docs/api-decisions.md`` (Training v2). Two types differ on purpose:
``flavor_info.disk.size`` is a String in a job's ``spec.resource.flavor_detail`` (SDK ``Disk``) and an Integer in
the flavor list (SDK ``DiskResponse``, the api-ref's Table 11); ``algorithm.environments`` is a map in a request
(SDK ``JobAlgorithm``) and a list of maps in an answer (SDK ``JobAlgorithmResponse``).
"""

from __future__ import annotations

from functools import partial

from airflow_provider_modelarts.emulator.contract import Field, Operation, a, b, i, m, n, o, req, s

# ruff: noqa: E501
SDK = "huaweicloudsdkmodelarts/v1/model"
REF = "api-ref-otc/training_management"

_TRAINING_EXPERIMENT_REQUEST = o({
    "id": s(),
    "name": s(),
    "description": s(),
})  # TrainingExperimentRequest

_JOB_METADATA = o({
    "name": req(s()),
    "workspace_id": s(),
    "description": s(),
    "annotations": m(s()),
    "training_experiment_reference": _TRAINING_EXPERIMENT_REQUEST,
})  # JobMetadata

_PARAMETERS_CONSTRAINT = o({
    "type": s(),
    "editable": b(),
    "required": b(),
    "sensitive": b(),
    "valid_type": s(),
    "valid_range": a(s()),
})  # ParametersConstraint

_I18N_DESCRIPTION = o({
    "language": s(),
    "description": s(),
})  # I18nDescription

_PARAMETERS = o({
    "name": s(),
    "value": s(),
    "description": s(),
    "constraint": _PARAMETERS_CONSTRAINT,
    "i18n_description": _I18N_DESCRIPTION,
})  # Parameters

_REWARD_ATTRS = o({
    "name": s(),
    "mode": s(),
    "regex": s(),
})  # RewardAttrs

_SEARCH_PARAMS = o({
    "name": s(),
    "param_type": s(),
    "lower_bound": s(),
    "upper_bound": s(),
    "discrete_points_num": s(),
    "discrete_values": a(s()),
})  # SearchParams

_AUTO_SEARCH_ALGO_CONFIG_PARAMETER = o({
    "key": s(),
    "value": s(),
    "type": s(),
})  # AutoSearchAlgoConfigParameter

_ALGO_CONFIGS = o({
    "name": s(),
    "params": a(_AUTO_SEARCH_ALGO_CONFIG_PARAMETER),
})  # AlgoConfigs

_AUTO_SEARCH = o({
    "skip_search_params": s(),
    "reward_attrs": a(_REWARD_ATTRS),
    "search_params": a(_SEARCH_PARAMS),
    "algo_configs": a(_ALGO_CONFIGS),
})  # AutoSearch

_JOB_POLICIES = o({
    "auto_search": _AUTO_SEARCH,
})  # JobPolicies

_INPUT_DATA_INFO_DATASET = o({
    "id": req(s()),
    "version_id": req(s()),
    "obs_url": s(),
    "service_type": s(),
    "name": s(),
    "dataset_proportion": i(),
})  # InputDataInfoDataset

_INPUT_DATA_INFO_OBS = o({
    "obs_url": req(s()),
})  # InputDataInfoObs

_INPUT_DATA_INFO = o({
    "dataset": _INPUT_DATA_INFO_DATASET,
    "obs": _INPUT_DATA_INFO_OBS,
})  # InputDataInfo

_INPUT_REMOTE_CONSTRAINT = o({
    "data_type": s(),
    "attributes": s(),
})  # InputRemoteConstraint

_INPUT = o({
    "name": req(s()),
    "description": s(),
    "local_dir": s(),
    "access_method": s(),
    "remote": req(_INPUT_DATA_INFO),
    "remote_constraint": a(_INPUT_REMOTE_CONSTRAINT),
})  # Input

_REMOTE_OBS = o({
    "obs_url": req(s()),
})  # RemoteObs

_REMOTE = o({
    "obs": req(_REMOTE_OBS),
})  # Remote

_OUTPUT = o({
    "name": req(s()),
    "description": s(),
    "local_dir": s(),
    "access_method": s(),
    "remote": req(_REMOTE),
})  # Output

#: the engine's name fields, first in JobEngine, TaskAlgorithmJobConfigEngine, AlgorithmEngine and ListEnginesItems
_ENGINE_NAME = {
    "engine_id": s(),
    "engine_name": s(),
    "engine_version": s(),
}

_JOB_ENGINE = o({
    **_ENGINE_NAME,
    "image_url": s(),
    "install_sys_packages": b(),
    "image_repo_id": s(),
})  # JobEngine

_PFS_SUMMARY = o({
    "pfs_path": req(s()),
})  # PFSSummary

_LOG_DIR = o({
    "pfs": req(_PFS_SUMMARY),
})  # LogDir

_JOB_SUMMARY = o({
    "job_id": req(s()),
})  # JobSummary

_NFS_SUMMARY = o({
    "nfs_path": s(),
})  # NFSSummary

_DATA_SOURCE = o({
    "job": req(_JOB_SUMMARY),
    "nfs": _NFS_SUMMARY,
})  # DataSource

_SUMMARY = o({
    "log_type": s(),
    "log_dir": _LOG_DIR,
    "data_sources": a(_DATA_SOURCE),
})  # Summary

def _job_algorithm(*, policies: Field, inputs: Field, outputs: Field, engine: Field, environments: Field,
                   summary: Field) -> Field:
    """JobAlgorithm and JobAlgorithmResponse: the same fields, in the same order; the nested models differ.

    :param policies: the ``policies`` model.
    :param inputs: the model of one ``inputs`` entry.
    :param outputs: the model of one ``outputs`` entry.
    :param engine: the ``engine`` model.
    :param environments: ``environments`` (a map in a request, a list of maps in an answer).
    :param summary: the ``summary`` model.
    """
    return o({
        "id": s(),
        "name": s(),
        "subscription_id": s(),
        "item_version_id": s(),
        "code_dir": s(),
        "boot_file": s(),
        "autosearch_config_path": s(),
        "autosearch_framework_path": s(),
        "command": s(),
        "parameters": a(_PARAMETERS),
        "policies": policies,
        "inputs": a(inputs),
        "outputs": a(outputs),
        "engine": engine,
        "local_code_dir": s(),
        "working_dir": s(),
        "environments": environments,
        "summary": summary,
    })


_JOB_ALGORITHM = _job_algorithm(policies=_JOB_POLICIES, inputs=_INPUT, outputs=_OUTPUT, engine=_JOB_ENGINE,
                                environments=m(s()), summary=_SUMMARY)  # JobAlgorithm

_PARAMETER = _PARAMETERS  # Parameter: field for field the SDK model Parameters (its ParameterConstraint and
# ParameterI18nDescription are field for field ParametersConstraint and I18nDescription)

_TASK_ALGORITHM_JOB_CONFIG_ENGINE = o({
    **_ENGINE_NAME,
    "image_url": s(),
    "run_user": s(),
})  # TaskAlgorithmJobConfigEngine

_TASK_ALGORITHM_JOB_CONFIG = o({
    "parameters": a(_PARAMETER),
    "inputs": a(_INPUT),
    "outputs": a(_OUTPUT),
    "engine": _TASK_ALGORITHM_JOB_CONFIG_ENGINE,
})  # TaskAlgorithmJobConfig

_TASK_ALGORITHM_ENGINE = _TASK_ALGORITHM_JOB_CONFIG_ENGINE  # TaskAlgorithmEngine: field for field the SDK model TaskAlgorithmJobConfigEngine

_TASK_ALGORITHM_INPUTS = o({
    "name": s(),
    "description": s(),
    "local_dir": s(),
    "remote": _INPUT_DATA_INFO,
})  # TaskAlgorithmInputs

_TASK_ALGORITHM_REMOTE_OBS = o({
    "obs_url": s(),
})  # TaskAlgorithmRemoteObs

_TASK_ALGORITHM_REMOTE = o({
    "obs": _TASK_ALGORITHM_REMOTE_OBS,
})  # TaskAlgorithmRemote

_TASK_ALGORITHM_OUTPUTS = o({
    "name": s(),
    "description": s(),
    "local_dir": s(),
    "remote": _TASK_ALGORITHM_REMOTE,
})  # TaskAlgorithmOutputs

_TASK_ALGORITHM = o({
    "job_config": _TASK_ALGORITHM_JOB_CONFIG,
    "code_dir": s(),
    "boot_file": s(),
    "engine": _TASK_ALGORITHM_ENGINE,
    "inputs": a(_TASK_ALGORITHM_INPUTS),
    "outputs": a(_TASK_ALGORITHM_OUTPUTS),
    "local_code_dir": s(),
    "working_dir": s(),
    "environments": m(s()),
})  # TaskAlgorithm

_TASK_TASK_RESOURCE = o({
    "flavor_id": s(),
    "node_count": req(i()),
    "pool_id": s(),
})  # TaskTaskResource

_TASK_LOG_EXPORT_PATH = _TASK_ALGORITHM_REMOTE_OBS  # TaskLogExportPath: field for field the SDK model TaskAlgorithmRemoteObs

_TASK = o({
    "role": s(),
    "algorithm": _TASK_ALGORITHM,
    "task_resource": _TASK_TASK_RESOURCE,
    "log_export_path": _TASK_LOG_EXPORT_PATH,
})  # Task

_MAIN_CONTAINER_CUSTOMIZED_FLAVOR = o({
    "cpu_core_num": n(),
    "mem_size": n(),
    "accelerator_num": n(),
})  # MainContainerCustomizedFlavor

_SPEC_RESOURCE = o({
    "flavor_id": s(),
    "node_count": i(),
    "pool_id": s(),
    "pool_group_id": s(),
    "main_container_customized_flavor": _MAIN_CONTAINER_CUSTOMIZED_FLAVOR,
})  # SpecResource

_NFS = o({
    "nfs_server_path": s(),
    "local_path": s(),
    "read_only": b(),
})  # Nfs

_PFS = o({
    "pfs_path": s(),
    "local_path": s(),
})  # Pfs

_OBS = o({
    "obs_path": s(),
    "local_path": s(),
})  # Obs

_SPEC_VOLUMES = o({
    "nfs": _NFS,
    "pfs": _PFS,
    "obs": _OBS,
})  # SpecVolumes

_LOG_EXPORT_PATH = o({
    "obs_url": s(),
    "host_path": s(),
})  # LogExportPath

_AUTO_STOP = o({
    "time_unit": req(s()),
    "duration": req(i()),
})  # AutoStop

_RETENTION_POLICY = o({
    "policy": s(),
})  # RetentionPolicy

_NODE_SELECTOR_REQUIREMENT = o({
    "key": s(),
    "operator": s(),
    "values": a(s()),
})  # NodeSelectorRequirement

_NODE_SELECTOR_TERM = o({
    "matchExpressions": a(_NODE_SELECTOR_REQUIREMENT),
    "matchFields": a(_NODE_SELECTOR_REQUIREMENT),
})  # NodeSelectorTerm

_NODE_SELECTOR = o({
    "nodeSelectorTerms": a(_NODE_SELECTOR_TERM),
})  # NodeSelector

_REQUIRED_AFFINITY = o({
    "affinity_type": s(),
    "job_level": s(),
    "affinity_group_size": i(),
    "affinity_group_level": s(),
    "node_affinity": _NODE_SELECTOR,
})  # RequiredAffinity

_PREFERRED_SCHEDULING_TERM = o({
    "weight": i(),
    "preference": _NODE_SELECTOR_TERM,
})  # PreferredSchedulingTerm

_PREFERRED_AFFINITY = o({
    "node_affinity": a(_PREFERRED_SCHEDULING_TERM),
})  # PreferredAffinity

_SCHEDULE_POLICY = o({
    "required_affinity": _REQUIRED_AFFINITY,
    "preferred_affinity": _PREFERRED_AFFINITY,
    "priority": i(),
    "preemptible": b(),
})  # SchedulePolicy

_LOG_EXPORT_CONFIG = o({
    "version": s(),
    "rotation_enabled": b(),
})  # LogExportConfig

_NOTIFICATION = o({
    "topic_urn": s(),
    "events": a(s()),
})  # Notification

_MODEL_EXEC = o({
    "command": a(s()),
})  # ModelExec

_HTTP_GET = o({
    "path": s(),
    "port": i(),
})  # HttpGet

_CUSTOM_METRICS = o({
    "exec": _MODEL_EXEC,
    "http_get": _HTTP_GET,
})  # CustomMetrics

_OBS_MODEL = _OBS  # ObsModel: field for field the SDK model Obs

_OUTPUT_MODEL = o({
    "obs": _OBS_MODEL,
})  # OutputModel

_ASSET_MODEL = o({
    "name": s(),
    "code": s(),
    "version": s(),
    "desc": s(),
    "series": s(),
    "type": s(),
    "model_desc": s(),
    "parent_asset_id": s(),
})  # AssetModel

_RESERVE_TIME = o({
    "time_unit": s(),
    "duration": i(),
})  # ReserveTime

_SPEC = o({
    "resource": _SPEC_RESOURCE,
    "volumes": a(_SPEC_VOLUMES),
    "log_export_path": _LOG_EXPORT_PATH,
    "auto_stop": _AUTO_STOP,
    "retention": _RETENTION_POLICY,
    "schedule_policy": _SCHEDULE_POLICY,
    "log_export_config": _LOG_EXPORT_CONFIG,
    "notification": _NOTIFICATION,
    "custom_metrics": a(_CUSTOM_METRICS),
    "output_model": _OUTPUT_MODEL,
    "asset_model": _ASSET_MODEL,
    "asset_id": s(),
    "reserved_time": _RESERVE_TIME,
})  # Spec

_SSH_REQ = o({
    "key_pair_names": a(s()),
})  # SSHReq

_JOB_ENDPOINTS_REQ = o({
    "ssh": _SSH_REQ,
})  # JobEndpointsReq

_ENV_VAR = o({
    "label": s(),
    "des": s(),
    "env_name": s(),
    "env_type": s(),
    "value": s(),
    "modifiable": b(),
    "displayable": b(),
    "used_steps": a(s()),
})  # EnvVar

_TASK_ENV = o({
    "envs": a(_ENV_VAR),
})  # TaskEnv

_CHECKPOINT_CONF = o({
    "checkpoint_id": s(),
    "save_checkpoints_max": i(),
    "skipped_steps": i(),
    "restore_training": i(),
})  # CheckpointConf

_MAS_JOB_CONFIG = o({
    "ft_job_uuid": s(),
    "ft_train_type": s(),
    "model_type": s(),
    "train_output_path": s(),
    "train_process": n(),
    "checkpoint_id": s(),
    "task_env": _TASK_ENV,
    "checkpoint_config": _CHECKPOINT_CONF,
})  # MasJobConfig

_JOB = o({
    "kind": req(s()),
    "metadata": req(_JOB_METADATA),
    "algorithm": _JOB_ALGORITHM,
    "tasks": a(_TASK),
    "spec": _SPEC,
    "endpoints": _JOB_ENDPOINTS_REQ,
    "train_type": s(),
    "ftjob_config": _MAS_JOB_CONFIG,
})  # Job

_LIST_TAG_FILTER = o({
    "key": s(),
    "values": a(s()),
})  # ListTagFilter

_FILTER = o({
    "key": s(),
    "operator": s(),
    "value": a(s()),
})  # Filter

_JOB_SEARCHES = o({
    "offset": i(),
    "limit": i(),
    "sort_by": s(),
    "order": s(),
    "group_by": s(),
    "workspace_id": s(),
    "train_type": s(),
    "tags": a(_LIST_TAG_FILTER),
    "host_ips": a(s()),
    "filters": a(_FILTER),
})  # JobSearches

_TRAINING_EXPERIMENT_RESP = o({
    "name": s(),
    "id": s(),
    "serial_number": s(),
})  # TrainingExperimentResp

_JOB_METADATA_RESPONSE = o({
    "id": s(),
    "name": s(),
    "workspace_id": s(),
    "description": s(),
    "create_time": i(),
    "user_name": s(),
    "annotations": m(s()),
    "training_experiment_reference": _TRAINING_EXPERIMENT_RESP,
})  # JobMetadataResponse

_TASK_STATUSES = o({
    "task": s(),
    "exit_code": i(),
    "message": s(),
})  # TaskStatuses

_RECOVER_RECORD = o({
    "recover_start_at": i(),
    "recover_end_at": i(),
    "recover": s(),
    "fault_scenario": s(),
    "reason": s(),
    "related_task": s(),
    "recover_result": s(),
})  # RecoverRecord

_RUNNING_RECORD = o({
    "start_at": i(),
    "end_at": i(),
    "xpu_start_at": i(),
    "start_type": s(),
    "end_reason": s(),
    "end_related_task": s(),
    "end_recover": s(),
    "end_recover_before_downgrade": s(),
    "recover_records": a(_RECOVER_RECORD),
})  # RunningRecord

_TASK_IP = o({
    "task": s(),
    "ip": s(),
    "host_ip": s(),
    "schedule_count": i(),
})  # TaskIP

_STATUS = o({
    "phase": s(),
    "secondary_phase": s(),
    "duration": i(),
    "node_count_metrics": a(a(i())),
    "tasks": a(s()),
    "start_time": i(),
    "task_statuses": a(_TASK_STATUSES),
    "running_records": a(_RUNNING_RECORD),
    "retention_time": i(),
    "task_ips": a(_TASK_IP),
})  # Status

_JOB_ALGORITHM_RESPONSE_POLICIES = _JOB_POLICIES  # JobAlgorithmResponsePolicies: field for field the SDK model JobPolicies
# (its JobAlgorithmResponsePoliciesAutoSearch is AutoSearch, whose RewardAttrs, SearchParams and AlgoConfigs it shares)

_INPUT_DATA_INFO_RESP_DATASET = o({
    "id": s(),
    "version_id": s(),
    "obs_url": s(),
    "service_type": s(),
    "name": s(),
})  # InputDataInfoRespDataset

_INPUT_DATA_INFO_RESP_OBS = _TASK_ALGORITHM_REMOTE_OBS  # InputDataInfoRespObs: field for field the SDK model TaskAlgorithmRemoteObs

_INPUT_DATA_INFO_RESP = o({
    "dataset": _INPUT_DATA_INFO_RESP_DATASET,
    "obs": _INPUT_DATA_INFO_RESP_OBS,
})  # InputDataInfoResp

_INPUT_RESP_REMOTE_CONSTRAINT = _INPUT_REMOTE_CONSTRAINT  # InputRespRemoteConstraint: field for field the SDK model InputRemoteConstraint

_INPUT_RESP = o({
    "name": s(),
    "description": s(),
    "local_dir": s(),
    "access_method": s(),
    "remote": _INPUT_DATA_INFO_RESP,
    "remote_constraint": a(_INPUT_RESP_REMOTE_CONSTRAINT),
})  # InputResp

_REMOTE_OBS_RESP = _TASK_ALGORITHM_REMOTE_OBS  # RemoteObsResp: field for field the SDK model TaskAlgorithmRemoteObs

_REMOTE_RESP = _TASK_ALGORITHM_REMOTE  # RemoteResp: field for field the SDK model TaskAlgorithmRemote

_OUTPUT_RESP = o({
    "name": s(),
    "description": s(),
    "local_dir": s(),
    "access_method": s(),
    "remote": _REMOTE_RESP,
})  # OutputResp

_JOB_ENGINE_RESP = _JOB_ENGINE  # JobEngineResp: field for field the SDK model JobEngine

_PFS_SUMMARY_RESP = o({
    "pfs_path": s(),
})  # PFSSummaryResp

_LOG_DIR_RESP = o({
    "pfs": _PFS_SUMMARY_RESP,
})  # LogDirResp

_JOB_SUMMARY_RESP = o({
    "job_id": s(),
})  # JobSummaryResp

_DATA_SOURCE_RESP = o({
    "job": _JOB_SUMMARY_RESP,
})  # DataSourceResp

_SUMMARY_RESP = o({
    "log_type": s(),
    "log_dir": _LOG_DIR_RESP,
    "data_sources": a(_DATA_SOURCE_RESP),
})  # SummaryResp

_JOB_ALGORITHM_RESPONSE = _job_algorithm(
    policies=_JOB_ALGORITHM_RESPONSE_POLICIES, inputs=_INPUT_RESP, outputs=_OUTPUT_RESP, engine=_JOB_ENGINE_RESP,
    environments=a(m(s())), summary=_SUMMARY_RESP)  # JobAlgorithmResponse (its Parameter is Parameters)

_ALGORITHM_REMOTE = o({
    "obs": _REMOTE_OBS,
})  # AlgorithmRemote

_ALGORITHM_INPUT = o({
    "name": s(),
    "local_dir": s(),
    "remote": _ALGORITHM_REMOTE,
})  # AlgorithmInput

_ALGORITHM_OUTPUT = o({
    "name": s(),
    "local_dir": s(),
    "remote": _REMOTE,
    "mode": s(),
    "period": s(),
})  # AlgorithmOutput

_ALGORITHM_ENGINE = o({
    **_ENGINE_NAME,
    "v1_compatible": b(),
    "run_user": s(),
    "image_url": s(),
})  # AlgorithmEngine

_TASK_RESPONSE_ALGORITHM = o({
    "code_dir": s(),
    "boot_file": s(),
    "inputs": _ALGORITHM_INPUT,
    "outputs": _ALGORITHM_OUTPUT,
    "engine": _ALGORITHM_ENGINE,
    "local_code_dir": s(),
    "working_dir": s(),
    "environments": m(s()),
})  # TaskResponseAlgorithm

_BILLING_INFO = o({
    "code": s(),
    "unit_num": i(),
})  # BillingInfo

_CPU = o({
    "arch": s(),
    "core_num": i(),
})  # Cpu

_GPU = o({
    "unit_num": i(),
    "product_name": s(),
    "memory": s(),
})  # Gpu

_NPU = o({
    "unit_num": s(),
    "product_name": s(),
    "memory": s(),
})  # Npu

_MEMORY = o({
    "size": i(),
    "unit": s(),
})  # Memory

_DISK_RESPONSE = o({
    "size": i(),
    "unit": s(),
})  # DiskResponse

def _flavor_info(disk: Field) -> Field:
    """FlavorInfo and FlavorInfoResponse: the same fields but ``disk`` (SDK Disk and DiskResponse).

    :param disk: the ``disk`` model.
    """
    return o({
        "max_num": i(),
        "cpu": _CPU,
        "gpu": _GPU,
        "npu": _NPU,
        "memory": _MEMORY,
        "disk": disk,
    })


_FLAVOR_INFO_RESPONSE = _flavor_info(_DISK_RESPONSE)  # FlavorInfoResponse

def _flavor_response(**support: Field) -> Field:
    """FlavorResponse, and with ``support`` (its ``support_*`` fields) FlavorResponseWithSupport.

    :param support: the fields that stand after ``flavor_name`` in FlavorResponseWithSupport.
    """
    return o({
        "pool_id": s(),
        "flavor_id": s(),
        "flavor_name": s(),
        **support,
        "max_num": i(),
        "flavor_type": s(),
        "billing": _BILLING_INFO,
        "flavor_info": _FLAVOR_INFO_RESPONSE,
        "attributes": m(s()),
    })


_FLAVOR_RESPONSE = _flavor_response()  # FlavorResponse

_TASK_RESPONSE_LOG_EXPORT_PATH = _TASK_ALGORITHM_REMOTE_OBS  # TaskResponseLogExportPath: field for field the SDK model TaskAlgorithmRemoteObs

_TASK_RESPONSE = o({
    "role": s(),
    "algorithm": _TASK_RESPONSE_ALGORITHM,
    "task_resource": _FLAVOR_RESPONSE,
    "log_export_path": _TASK_RESPONSE_LOG_EXPORT_PATH,
})  # TaskResponse

_DISK = o({
    "size": s(),
    "unit": s(),
})  # Disk

_FLAVOR_INFO = _flavor_info(_DISK)  # FlavorInfo

_FLAVOR_DETAIL = o({
    "flavor_type": s(),
    "billing": _BILLING_INFO,
    "flavor_info": _FLAVOR_INFO,
})  # FlavorDetail

_MAIN_CONTAINER_ALLOCATED_RESOURCES = o({
    "cpu_arch": s(),
    "cpu_core_num": n(),
    "mem_size": n(),
    "accelerator_num": n(),
    "accelerator_type": s(),
})  # MainContainerAllocatedResources

_RESOURCE = o({
    "policy": s(),
    "flavor_id": s(),
    "flavor_name": s(),
    "node_count": i(),
    "pool_id": s(),
    "pool_name": s(),
    "pool_group_id": s(),
    "flavor_detail": _FLAVOR_DETAIL,
    "main_container_allocated_resources": _MAIN_CONTAINER_ALLOCATED_RESOURCES,
    "main_container_customized_flavor": _MAIN_CONTAINER_CUSTOMIZED_FLAVOR,
})  # Resource

_NFS_RESP = _NFS  # NfsResp: field for field the SDK model Nfs

_JOB_VOLUME_RESP = o({
    "nfs": _NFS_RESP,
})  # JobVolumeResp

_LOG_EXPORT_PATH_RESP = _LOG_EXPORT_PATH  # LogExportPathResp: field for field the SDK model LogExportPath

_REQUIRED_AFFINITY_RESP = o({
    "affinity_type": s(),
    "job_level": s(),
    "affinity_group_size": i(),
    "affinity_group_level": s(),
})  # RequiredAffinityResp

_SCHEDULE_POLICY_RESP = o({
    "required_affinity": _REQUIRED_AFFINITY_RESP,
    "priority": i(),
    "preemptible": b(),
})  # SchedulePolicyResp

_OBS_MODEL_RESP = _OBS  # ObsModelResp: field for field the SDK model Obs

_OUTPUT_MODEL_RESP = _OUTPUT_MODEL  # OutputModelResp: field for field the SDK model OutputModel

_ASSET_MODEL_RESP = o({
    "id": s(),
    "name": s(),
    "code": s(),
    "version": s(),
    "location": s(),
    "desc": s(),
    "series": s(),
    "type": s(),
})  # AssetModelResp

_SPEC_RESPONSE = o({
    "resource": _RESOURCE,
    "volumes": a(_JOB_VOLUME_RESP),
    "log_export_path": _LOG_EXPORT_PATH_RESP,
    "schedule_policy": _SCHEDULE_POLICY_RESP,
    "custom_metrics": a(_CUSTOM_METRICS),
    "output_model": _OUTPUT_MODEL_RESP,
    "asset_model": _ASSET_MODEL_RESP,
})  # SpecResponse

_TASK_URLS = o({
    "task": s(),
    "url": s(),
})  # TaskUrls

_SSH_RESP = o({
    "key_pair_names": a(s()),
    "task_urls": a(_TASK_URLS),
})  # SSHResp

_JUPYTER_LAB = o({
    "url": s(),
    "token": s(),
})  # JupyterLab

_TENSORBOARD = _JUPYTER_LAB  # Tensorboard: field for field the SDK model JupyterLab

_MIND_STUDIO_INSIGHT = _JUPYTER_LAB  # MindStudioInsight: field for field the SDK model JupyterLab

_JOB_ENDPOINTS_RESP = o({
    "ssh": _SSH_RESP,
    "jupyter_lab": _JUPYTER_LAB,
    "tensorboard": _TENSORBOARD,
    "mindstudio_insight": _MIND_STUDIO_INSIGHT,
})  # JobEndpointsResp

_CREATE_TRAINING_JOB_RESPONSE = o({
    "kind": s(),
    "metadata": _JOB_METADATA_RESPONSE,
    "status": _STATUS,
    "algorithm": _JOB_ALGORITHM_RESPONSE,
    "tasks": a(_TASK_RESPONSE),
    "spec": _SPEC_RESPONSE,
    "endpoints": _JOB_ENDPOINTS_RESP,
    "ftjob_config": _MAS_JOB_CONFIG,
})  # CreateTrainingJobResponse

_JOB_RESPONSE = _CREATE_TRAINING_JOB_RESPONSE  # JobResponse: field for field the SDK model CreateTrainingJobResponse

_LIST_TRAINING_JOBS_RESPONSE = o({
    "total": i(),
    "count": i(),
    "limit": i(),
    "offset": i(),
    "sort_by": s(),
    "order": s(),
    "group_by": s(),
    "workspace_id": s(),
    "ai_project": s(),
    "train_type": s(),
    "items": a(_JOB_RESPONSE),
})  # ListTrainingJobsResponse

_FLAVOR_RESPONSE_WITH_SUPPORT = _flavor_response(support_engines=s(), support_groups=s())  # FlavorResponseWithSupport

_SHOW_TRAINING_JOB_FLAVORS_RESPONSE = o({
    "total_count": i(),
    "flavors": a(_FLAVOR_RESPONSE_WITH_SUPPORT),
})  # ShowTrainingJobFlavorsResponse

_LIST_ENGINES_IMAGE_INFO = o({
    "cpu_image_url": s(),
    "gpu_image_url": s(),
    "image_version": s(),
})  # ListEnginesImageInfo

_LIST_ENGINES_ITEMS = o({
    **_ENGINE_NAME,
    "v1_compatible": b(),
    "run_user": s(),
    "image_info": _LIST_ENGINES_IMAGE_INFO,
})  # ListEnginesItems

_SHOW_TRAINING_JOB_ENGINES_RESPONSE = o({
    "total": i(),
    "items": a(_LIST_ENGINES_ITEMS),
})  # ShowTrainingJobEnginesResponse

_JOB_ACTION_TYPE = o({
    "action_type": req(s()),
})  # JobActionType

_JOB_UPDATE_REQUEST_BODY_SPEC_SCHEDULE_POLICY = o({
    "priority": i(),
    "preemptible": b(),
})  # JobUpdateRequestBodySpecSchedulePolicy

_JOB_UPDATE_REQUEST_BODY_SPEC = o({
    "notification": _NOTIFICATION,
    "schedule_policy": _JOB_UPDATE_REQUEST_BODY_SPEC_SCHEDULE_POLICY,
})  # JobUpdateRequestBodySpec

_JOB_UPDATE_REQUEST_BODY_METADATA = o({
    "annotation": m(s()),
})  # JobUpdateRequestBodyMetadata

_JOB_UPDATE_REQUEST_BODY = o({
    "description": s(),
    "spec": _JOB_UPDATE_REQUEST_BODY_SPEC,
    "endpoints": _JOB_ENDPOINTS_REQ,
    "metadata": _JOB_UPDATE_REQUEST_BODY_METADATA,
})  # JobUpdateRequestBody

_SHOW_TRAINING_JOB_LOGS_PREVIEW_RESPONSE = o({
    "content": s(),
    "current_size": i(),
    "full_size": i(),
})  # ShowTrainingJobLogsPreviewResponse

_METRIC_OBJECT = o({
    "metric": s(),
    "value": a(n()),
})  # MetricObject

_SHOW_TRAINING_JOB_METRICS_RESPONSE = o({
    "metrics": a(_METRIC_OBJECT),
})  # ShowTrainingJobMetricsResponse


JOB_ANSWER = _CREATE_TRAINING_JOB_RESPONSE

#: v2 training answers parameter errors as 400 ModelArts.2788 InvalidParam with an ``error_solution``
#: (api-ref-otc/appendix/error_codes.txt).
V2 = partial(Operation, error_code="ModelArts.2788", solution="Check the request parameter.")

OPERATIONS = {
    "training_v2.create": V2(
        source=f"{SDK}/create_training_job_request.py (Job); {SDK}/create_training_job_response.py; "
               f"{REF}/creating_a_training_job.txt (Mandatory)",
        body=_JOB, response=JOB_ANSWER),
    "training_v2.list": V2(
        source=f"{SDK}/list_training_jobs_request.py (JobSearches); {SDK}/list_training_jobs_response.py; "
               f"{REF}/querying_a_training_job_list.txt",
        body=_JOB_SEARCHES, response=_LIST_TRAINING_JOBS_RESPONSE),
    "training_v2.flavors": V2(
        source=f"{SDK}/show_training_job_flavors_request.py; {SDK}/show_training_job_flavors_response.py; "
               f"{REF}/obtaining_the_general_specifications_supported_by_a_training_job.txt",
        query={"flavor_type": s(enum=["CPU", "GPU", "Ascend"])},
        response=_SHOW_TRAINING_JOB_FLAVORS_RESPONSE,
        note="The api-ref lists CPU and GPU as flavor_type options; the SDK reference's Estimator also knows "
             "Ascend flavors (modelarts.kat1.*), so Ascend is accepted."),
    "training_v2.engines": V2(
        source=f"{SDK}/show_training_job_engines_response.py; "
               f"{REF}/obtaining_the_preset_ai_frameworks_supported_by_a_training_job.txt",
        response=_SHOW_TRAINING_JOB_ENGINES_RESPONSE),
    "training_v2.get": V2(
        source=f"{SDK}/show_training_job_details_response.py; {REF}/querying_the_details_about_a_training_job.txt",
        response=JOB_ANSWER),
    "training_v2.update": V2(
        source=f"{SDK}/change_training_job_description_request.py (JobUpdateRequestBody); "
               f"{REF}/modifying_the_description_of_a_training_job.txt",
        body=_JOB_UPDATE_REQUEST_BODY, response=o({}),
        note="The SDK's ChangeTrainingJobDescriptionResponse has no fields: the answer is an empty object."),
    "training_v2.delete": V2(
        source=f"{SDK}/delete_training_job_response.py; {REF}/deleting_a_training_job.txt",
        response=o({})),
    "training_v2.action": V2(
        source=f"{SDK}/stop_training_job_request.py (JobActionType); {SDK}/stop_training_job_response.py; "
               f"{REF}/terminating_a_training_job.txt",
        body=_JOB_ACTION_TYPE, response=JOB_ANSWER),
    "training_v2.log_preview": V2(
        source=f"{SDK}/show_training_job_logs_preview_response.py; "
               f"{REF}/querying_the_logs_of_a_specified_task_in_a_given_training_job_preview.txt",
        response=_SHOW_TRAINING_JOB_LOGS_PREVIEW_RESPONSE),
    "training_v2.log_url": V2(
        source=f"{REF}/querying_the_logs_of_a_specified_task_in_a_training_job_obs_link.txt (Table 3; the SDK "
               "has no model for it)",
        response=o({"obs_url": s()})),
    "training_v2.metrics": V2(
        source=f"{SDK}/show_training_job_metrics_response.py; "
               f"{REF}/querying_the_running_metrics_of_a_specified_task_in_a_training_job.txt",
        response=_SHOW_TRAINING_JOB_METRICS_RESPONSE),
    "training_v2.log_file": V2(
        source="the temporary OBS link that logs/url answers (plain text, not a ModelArts API)",
        note="Plain-text log content: no JSON answer to check."),
}
