"""Connection settings of the ModelArts client, independent of Airflow.

The hook builds a :class:`ClientSettings` from an Airflow ``Connection``; scripts can build one directly.
Endpoints default to the public Huawei Cloud hosts of the region and can be overridden (private
deployments, the local emulator).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

AuthType = Literal["aksk", "iam_user", "account", "token"]
AUTH_TYPES: tuple[str, ...] = ("aksk", "iam_user", "account", "token")

ENV_AK = "HUAWEICLOUD_SDK_AK"
ENV_SK = "HUAWEICLOUD_SDK_SK"
ENV_PASSWORD = "HUAWEICLOUD_SDK_PASSWORD"


class SettingsError(ValueError):
    """The connection settings are incomplete or inconsistent (raised before any remote call)."""


def default_modelarts_endpoint(region: str) -> str:
    """``https://modelarts.{region}.myhuaweicloud.com`` (ap-southeast-1 uses ``.cn``, per the SDK region table)."""
    suffix = "myhuaweicloud.cn" if region == "ap-southeast-1" else "myhuaweicloud.com"
    return f"https://modelarts.{region}.{suffix}"


def default_iam_endpoint(region: str) -> str:
    return f"https://iam.{region}.myhuaweicloud.com"


def default_obs_endpoint(region: str) -> str:
    return f"https://obs.{region}.myhuaweicloud.com"


@dataclass(frozen=True)
class ClientSettings:
    """Everything the client needs to reach ModelArts, IAM and OBS.

    :param auth_type: ``aksk`` (AK/SK signing, optional ``security_token`` for temporary credentials),
        ``iam_user`` (IAM user ``user`` of account ``account`` with ``password``), ``account`` (the account's
        own password; ``account`` is both user and domain), ``token`` (a pre-issued project token).
    :param region: region id such as ``cn-north-4``; also the IAM project name used to resolve ``project_id``.
    :param project_id: IAM project id; resolved once from the region through IAM when empty.
    :param verify: verify TLS certificates (default on); ``ca_bundle`` names a CA file.
    :param connect_timeout: / ``read_timeout``: seconds.
    :param max_retries: retries of a transient failure (429, 5xx, connection errors).
    :param backoff: base seconds of the exponential backoff (with full jitter), capped at ``backoff_max``.
    """

    auth_type: AuthType = "aksk"
    region: str = "cn-north-4"
    project_id: str | None = None
    ak: str | None = field(default=None, repr=False)
    sk: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    account: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    modelarts_endpoint: str | None = None
    iam_endpoint: str | None = None
    obs_endpoint: str | None = None
    verify: bool = True
    ca_bundle: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 0.5
    backoff_max: float = 30.0

    # ---- derived --------------------------------------------------------------------------------------
    @property
    def modelarts_url(self) -> str:
        return (self.modelarts_endpoint or default_modelarts_endpoint(self.region)).rstrip("/")

    @property
    def iam_url(self) -> str:
        return (self.iam_endpoint or default_iam_endpoint(self.region)).rstrip("/")

    @property
    def obs_url(self) -> str:
        return (self.obs_endpoint or default_obs_endpoint(self.region)).rstrip("/")

    @property
    def tls_verify(self) -> bool | str:
        """The value for ``requests``/``httpx`` ``verify``: False, True or the CA bundle path."""
        if not self.verify:
            return False
        return self.ca_bundle or True

    def with_env_fallback(self) -> ClientSettings:
        """Fill empty AK, SK and password from ``HUAWEICLOUD_SDK_AK/SK/PASSWORD`` as the SDK reference advises."""
        return replace(
            self,
            ak=self.ak or os.environ.get(ENV_AK) or None,
            sk=self.sk or os.environ.get(ENV_SK) or None,
            password=self.password or os.environ.get(ENV_PASSWORD) or None,
        )

    def validate(self) -> ClientSettings:
        """Check the auth mode has what it needs; raises :class:`SettingsError` naming the missing field."""
        if self.auth_type not in AUTH_TYPES:
            raise SettingsError(f"auth_type must be one of {', '.join(AUTH_TYPES)}, got {self.auth_type!r}.")
        if not self.region:
            raise SettingsError("region is required (for example cn-north-4).")
        needs: dict[str, tuple[tuple[str, str], ...]] = {
            "aksk": (("ak", "login (AK) or HUAWEICLOUD_SDK_AK"), ("sk", "password (SK) or HUAWEICLOUD_SDK_SK")),
            "iam_user": (("account", "extra 'account' (the account / domain name)"), ("user", "login (IAM user name)"),
                         ("password", "password or HUAWEICLOUD_SDK_PASSWORD")),
            "account": (("account", "extra 'account' or login (the account name)"),
                        ("password", "password or HUAWEICLOUD_SDK_PASSWORD")),
            "token": (("token", "extra 'token' (a project-scoped IAM token)"),),
        }
        for attr, where in needs[self.auth_type]:
            if not getattr(self, attr):
                raise SettingsError(f"auth_type {self.auth_type!r} needs {attr}: set {where}.")
        if self.auth_type == "token" and not self.project_id:
            raise SettingsError("auth_type 'token' needs project_id (a token cannot resolve it).")
        if self.max_retries < 0:
            raise SettingsError("max_retries must be >= 0.")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise SettingsError("timeouts must be positive numbers of seconds.")
        return self

    def secrets(self) -> list[str]:
        """Secret values, for log masking."""
        return [s for s in (self.sk, self.password, self.token, self.security_token) if s]
