"""Provider metadata read by Airflow's provider discovery. Imports nothing heavy: it runs in every Airflow process
(only the package's own ``__init__``, for the single-sourced ``__version__``)."""

from __future__ import annotations

from airflow_provider_modelarts import __version__


def get_provider_info() -> dict:
    return {
        "package-name": "airflow-provider-modelarts",
        "name": "Huawei Cloud ModelArts",
        "description": "Drive Huawei Cloud ModelArts (datasets, training v1/v2, models, services, OBS) from Airflow.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Huawei Cloud ModelArts",
                "external-doc-url": "https://support.huaweicloud.com/intl/en-us/modelarts/",
                "tags": ["service"],
            },
            {
                "integration-name": "Huawei Cloud OBS",
                "external-doc-url": "https://support.huaweicloud.com/intl/en-us/obs/",
                "tags": ["service"],
            },
        ],
        "hooks": [
            {"integration-name": "Huawei Cloud ModelArts",
             "python-modules": ["airflow_provider_modelarts.hooks.modelarts"]},
            {"integration-name": "Huawei Cloud OBS", "python-modules": ["airflow_provider_modelarts.hooks.obs"]},
        ],
        "operators": [
            {"integration-name": "Huawei Cloud ModelArts",
             "python-modules": ["airflow_provider_modelarts.operators.training",
                                "airflow_provider_modelarts.operators.training_v1",
                                "airflow_provider_modelarts.operators.datasets",
                                "airflow_provider_modelarts.operators.models",
                                "airflow_provider_modelarts.operators.services",
                                "airflow_provider_modelarts.operators.metric_gate"]},
            {"integration-name": "Huawei Cloud OBS", "python-modules": ["airflow_provider_modelarts.operators.obs"]},
        ],
        "sensors": [
            {"integration-name": "Huawei Cloud ModelArts",
             "python-modules": ["airflow_provider_modelarts.sensors.training",
                                "airflow_provider_modelarts.sensors.training_v1",
                                "airflow_provider_modelarts.sensors.datasets",
                                "airflow_provider_modelarts.sensors.models",
                                "airflow_provider_modelarts.sensors.services"]},
            {"integration-name": "Huawei Cloud OBS", "python-modules": ["airflow_provider_modelarts.sensors.obs"]},
        ],
        "triggers": [
            {"integration-name": "Huawei Cloud ModelArts",
             "python-modules": ["airflow_provider_modelarts.triggers.modelarts"]},
            {"integration-name": "Huawei Cloud OBS", "python-modules": ["airflow_provider_modelarts.triggers.obs"]},
        ],
        "task-decorators": [
            {"class-name": "airflow_provider_modelarts.decorators.modelarts.modelarts_task", "name": "modelarts"},
        ],
        "connection-types": [
            {
                "connection-type": "modelarts",
                "hook-class-name": "airflow_provider_modelarts.hooks.modelarts.ModelArtsHook",
                "hook-name": "Huawei Cloud ModelArts",
                "ui-field-behaviour": {
                    "hidden-fields": ["host", "port", "schema"],
                    "relabeling": {"login": "AK or IAM user name", "password": "SK or password"},
                    "placeholders": {
                        "login": "Access Key (auth_type aksk) or IAM user name (auth_type iam_user)",
                        "password": "Secret Key or password (or set HUAWEICLOUD_SDK_SK / HUAWEICLOUD_SDK_PASSWORD)",
                    },
                },
                "conn-fields": {
                    "auth_type": {
                        "label": "Auth type",
                        "description": "aksk: AK/SK signing; iam_user: IAM user + account + password; "
                                       "account: account password; token: a pre-issued project token.",
                        "schema": {"type": "string", "enum": ["aksk", "iam_user", "account", "token"],
                                   "default": "aksk"},
                    },
                    "region": {
                        "label": "Region",
                        "description": "Region id, for example cn-north-4.",
                        "schema": {"type": "string", "default": "cn-north-4"},
                    },
                    "project_id": {
                        "label": "Project ID",
                        "description": "IAM project id of the region. Empty: resolved once from the region.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "account": {
                        "label": "Account (domain) name",
                        "description": "Account name, for auth types iam_user and account.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "security_token": {
                        "label": "Security token",
                        "description": "Security token of temporary AK/SK credentials.",
                        "schema": {"type": ["string", "null"], "format": "password"},
                    },
                    "token": {
                        "label": "Token",
                        "description": "A pre-issued project-scoped IAM token (auth type token).",
                        "schema": {"type": ["string", "null"], "format": "password"},
                    },
                    "modelarts_endpoint": {
                        "label": "ModelArts endpoint",
                        "description": "Base URL override, e.g. http://127.0.0.1:18443 for the local emulator.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "iam_endpoint": {
                        "label": "IAM endpoint",
                        "description": "Base URL override of IAM.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "obs_endpoint": {
                        "label": "OBS endpoint",
                        "description": "Base URL override of OBS.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "verify": {
                        "label": "Verify TLS",
                        "description": "Verify TLS certificates.",
                        "schema": {"type": "boolean", "default": True},
                    },
                    "ca_bundle": {
                        "label": "CA bundle",
                        "description": "Path of a CA bundle file for private deployments.",
                        "schema": {"type": ["string", "null"]},
                    },
                    "timeout": {
                        "label": "Timeout (s)",
                        "description": "Connect and read timeout in seconds.",
                        "schema": {"type": ["number", "null"]},
                    },
                    "max_retries": {
                        "label": "Max retries",
                        "description": "Retries of transient failures (429, 5xx, connection errors).",
                        "schema": {"type": ["integer", "null"], "default": 5},
                    },
                },
            }
        ],
        "extra-links": [
            "airflow_provider_modelarts.links.modelarts.ModelArtsTrainingJobLink",
            "airflow_provider_modelarts.links.training_v1.ModelArtsTrainingJobV1Link",
            "airflow_provider_modelarts.links.training_v1.ModelArtsVisualizationJobLink",
            "airflow_provider_modelarts.links.datasets.ModelArtsDatasetLink",
            "airflow_provider_modelarts.links.models.ModelArtsModelLink",
            "airflow_provider_modelarts.links.models.ModelArtsServiceLink",
        ],
    }
