"""Registering secrets with Airflow's secrets masker from async code, on every supported Airflow."""

from __future__ import annotations

from collections.abc import Iterable


async def amask_secrets(secrets: Iterable[str | None]) -> None:
    """Mask each non-empty secret: ``airflow.sdk.log.amask_secret`` (Airflow 3.3+), else ``mask_secret``.

    Airflow 3.2's task SDK has no ``amask_secret``; its ``mask_secret`` adds the mask locally and suppresses a
    failed notification of the supervisor, so it is safe in a trigger's event loop there.

    :param secrets: the values to mask (None and empty values are skipped).
    """
    try:
        from airflow.sdk.log import amask_secret
    except ImportError:  # Airflow 3.2
        from airflow.sdk.log import mask_secret

        for secret in secrets:
            if secret:
                mask_secret(secret)
        return
    for secret in secrets:
        if secret:
            await amask_secret(secret)
