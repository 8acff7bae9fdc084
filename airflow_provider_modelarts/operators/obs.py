"""Transfers between the worker's file system and OBS (the ModelArts SDK's ``session.obs.copy``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseOperator

from airflow_provider_modelarts.client.obs_paths import transfer_problem
from airflow_provider_modelarts.hooks.connection import DEFAULT_CONN_ID


class _OBSTransferOperator(BaseOperator):
    """Shared body: check which side must be ``obs://`` and run :meth:`OBSHook.copy` (the arguments are
    documented on the two operators)."""

    template_fields: Sequence[str] = ("src", "dst", "modelarts_conn_id")
    ui_color = "#c9e4f6"
    _obs_side = "dst"

    def __init__(
        self,
        *,
        src: str,
        dst: str,
        keep_last_dir: bool = True,
        modelarts_conn_id: str = DEFAULT_CONN_ID,
        hook_params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.src = src
        self.dst = dst
        self.keep_last_dir = keep_last_dir
        self.modelarts_conn_id = modelarts_conn_id
        self.hook_params = dict(hook_params or {})

    def execute(self, context: Any) -> list[str]:
        from airflow_provider_modelarts.hooks.obs import OBSHook

        problem = transfer_problem(self.src, self.dst, self._obs_side)
        if problem:
            raise ValueError(f"{type(self).__name__}: {problem}")
        hook = OBSHook(modelarts_conn_id=self.modelarts_conn_id, **self.hook_params)
        try:
            return hook.copy(self.src, self.dst, keep_last_dir=self.keep_last_dir)
        finally:
            hook.close()


class LocalFilesystemToOBSOperator(_OBSTransferOperator):
    """Upload a local file or folder to OBS; returns the OBS URLs written.

    A file goes to ``dst`` (or under it, keeping its name, when ``dst`` ends with ``/``); a folder is uploaded
    recursively in parallel (empty folders are skipped).

    :param src: local file or folder (templated).
    :param dst: ``obs://bucket/key`` or ``obs://bucket/folder/`` (templated).
    :param keep_last_dir: for a folder, upload ``/a/data`` as ``dst/data/...`` (True) or ``dst/...`` (False).
    :param modelarts_conn_id: the ``modelarts`` connection.
    :param hook_params: extra :class:`~airflow_provider_modelarts.hooks.obs.OBSHook` arguments (``part_size``,
        ``multipart_threshold``, ``task_num``, ``max_workers``, ``download_threshold``, ``upload_record_dir``).
    """

    _obs_side = "dst"


class OBSToLocalFilesystemOperator(_OBSTransferOperator):
    """Download an OBS object or folder; returns the local paths written.

    :param src: ``obs://bucket/key`` or ``obs://bucket/folder/`` (templated).
    :param dst: local file, or a folder (existing or ending with ``/``) (templated).
    :param keep_last_dir: for a folder, download ``obs://b/x/data/`` as ``dst/data/...`` (True) or ``dst/...``.
    :param modelarts_conn_id: the ``modelarts`` connection.
    :param hook_params: extra :class:`~airflow_provider_modelarts.hooks.obs.OBSHook` arguments.
    """

    _obs_side = "src"
