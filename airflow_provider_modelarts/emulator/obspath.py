"""OBS locations as the ModelArts API writes them: ``/bucket/dir/`` or ``obs://bucket/dir/``."""

from __future__ import annotations

from airflow_provider_modelarts.emulator.http import ApiError


def split_obs_path(path: str, *, field: str = "path", v1: bool = False) -> tuple[str, str]:
    """Split ``obs://bucket/key`` or ``/bucket/key`` into ``(bucket, key)``; 400 ``ModelArts.0104`` otherwise.

    The key keeps a trailing ``/`` (a folder) and may be empty (the bucket root).
    """
    if not isinstance(path, str) or not path:
        raise ApiError(400, "ModelArts.0104", f"Invalid parameter {field}: an OBS path is required.", v1=v1)
    rest = path[len("obs://"):] if path.startswith("obs://") else path[1:] if path.startswith("/") else None
    if rest is None or not rest or rest.startswith("/"):
        raise ApiError(400, "ModelArts.0104",
                       f"Invalid parameter {field}: {path!r} is not an OBS path like /bucket/dir/ or obs://bucket/dir/.",
                       v1=v1)
    bucket, _, key = rest.partition("/")
    return bucket, key
