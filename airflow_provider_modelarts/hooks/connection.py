"""Reading a ``modelarts`` Airflow connection into :class:`~airflow_provider_modelarts.client.config.ClientSettings`.

Public connection interface (extra keys, spelled exactly): ``auth_type`` (``aksk`` | ``iam_user`` | ``account`` |
``token``), ``region``, ``project_id``, ``account``, ``security_token``, ``token``, ``modelarts_endpoint``,
``iam_endpoint``, ``obs_endpoint``, ``verify``, ``ca_bundle``, ``timeout``, ``max_retries``. The AK or the IAM
user name goes in ``login``; the SK or the password in ``password``. Empty AK/SK/password fall back to
``HUAWEICLOUD_SDK_AK`` / ``HUAWEICLOUD_SDK_SK`` / ``HUAWEICLOUD_SDK_PASSWORD``.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_modelarts.client.config import ClientSettings, SettingsError

CONN_TYPE = "modelarts"
DEFAULT_CONN_ID = "modelarts_default"
EXTRA_KEYS = (
    "auth_type", "region", "project_id", "account", "security_token", "token", "modelarts_endpoint",
    "iam_endpoint", "obs_endpoint", "verify", "ca_bundle", "timeout", "max_retries",
)


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "off"):
        return False
    raise SettingsError(f"extra {name!r} must be true or false, got {value!r}.")


def _timeouts(value: Any) -> tuple[float, float]:
    """``timeout`` is seconds for both connect and read, or ``[connect, read]`` / ``"connect,read"``."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), float(value)
        if isinstance(value, str):
            parts = [p for p in value.replace(" ", "").split(",") if p]
        else:
            parts = list(value)
        if len(parts) == 1:
            return float(parts[0]), float(parts[0])
        if len(parts) == 2:
            return float(parts[0]), float(parts[1])
    except (TypeError, ValueError):
        pass
    raise SettingsError(f"extra 'timeout' must be seconds or [connect, read] seconds, got {value!r}.")


def settings_from_connection(conn: Any) -> ClientSettings:
    """Build validated settings from an Airflow ``Connection`` (``login``, ``password``, ``extra_dejson``)."""
    extra: dict[str, Any] = dict(conn.extra_dejson or {})
    unknown = sorted(k for k in extra if k not in EXTRA_KEYS and not k.startswith("extra__"))
    if unknown:
        raise SettingsError(
            f"connection {conn.conn_id!r} has unknown extra keys {unknown}; allowed: {', '.join(EXTRA_KEYS)}."
        )
    auth_type = str(extra.get("auth_type") or "aksk")
    login = conn.login or None
    kwargs: dict[str, Any] = {
        "auth_type": auth_type,
        "region": extra.get("region") or "cn-north-4",
        "project_id": extra.get("project_id") or None,
        "account": extra.get("account") or None,
        "security_token": extra.get("security_token") or None,
        "token": extra.get("token") or None,
        "modelarts_endpoint": extra.get("modelarts_endpoint") or None,
        "iam_endpoint": extra.get("iam_endpoint") or None,
        "obs_endpoint": extra.get("obs_endpoint") or None,
        "ca_bundle": extra.get("ca_bundle") or None,
    }
    if auth_type == "aksk":
        kwargs.update(ak=login, sk=conn.password or None)
    elif auth_type == "iam_user":
        kwargs.update(user=login, password=conn.password or None)
    elif auth_type == "account":
        kwargs.update(account=kwargs["account"] or login, user=kwargs["account"] or login,
                      password=conn.password or None)
    if "verify" in extra and extra["verify"] not in (None, ""):
        kwargs["verify"] = _as_bool("verify", extra["verify"])
    if extra.get("timeout") not in (None, ""):
        kwargs["connect_timeout"], kwargs["read_timeout"] = _timeouts(extra["timeout"])
    if extra.get("max_retries") not in (None, ""):
        try:
            kwargs["max_retries"] = int(extra["max_retries"])
        except (TypeError, ValueError):
            raise SettingsError(f"extra 'max_retries' must be an integer, got {extra['max_retries']!r}.") from None
    settings = ClientSettings(**kwargs)
    if auth_type == "account" and settings.user is None:
        settings = ClientSettings(**{**kwargs, "user": settings.account})
    return settings.with_env_fallback().validate()
