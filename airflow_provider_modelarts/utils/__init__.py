"""File-format utilities of the SDK reference §7.6: ModelArts manifests (:mod:`.manifest`) and Pascal VOC XML
(:mod:`.voc`), read from and written to local paths or ``obs://`` (through
:class:`~airflow_provider_modelarts.hooks.obs.OBSHook`).

This package imports neither the OBS SDK nor Airflow's hooks at import time; a hook is created only when an
``obs://`` path is read or written and none was passed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airflow_provider_modelarts.hooks.obs import OBSHook

SAVE_MODES = ("w", "a")


def is_remote(path: str) -> bool:
    """True for an ``obs://`` URL (the scheme is matched case-insensitively)."""
    from airflow_provider_modelarts.client.obs_paths import is_obs_url

    return is_obs_url(path)


def _hook(obs_hook: OBSHook | None) -> OBSHook:
    if obs_hook is not None:
        return obs_hook
    from airflow_provider_modelarts.hooks.obs import OBSHook

    return OBSHook()


def read_text(path: str, *, encoding: str = "utf-8", obs_hook: OBSHook | None = None) -> str:
    """The text of a local file or an ``obs://`` object.

    :param path: local path or ``obs://bucket/key``.
    :param encoding: text encoding.
    :param obs_hook: the OBS hook to read ``obs://`` with (default: ``OBSHook()`` on ``modelarts_default``).
    """
    if is_remote(path):
        return _hook(obs_hook).read_text(path, encoding)
    return Path(path).read_text(encoding=encoding)


def write_text(path: str, text: str, *, save_mode: str = "w", encoding: str = "utf-8",
               obs_hook: OBSHook | None = None) -> str:
    """Write (``w``) or append (``a``) text to a local file or an ``obs://`` object; returns the path.

    OBS has no append: ``a`` reads the existing object (if any) and writes it back with ``text`` added.

    :param path: local path or ``obs://bucket/key``.
    :param text: the content.
    :param save_mode: ``w`` (overwrite, default) or ``a`` (append).
    :param encoding: text encoding.
    :param obs_hook: the OBS hook for ``obs://`` paths.
    """
    if save_mode not in SAVE_MODES:
        raise ValueError(f"save_mode must be 'w' (overwrite) or 'a' (append), got {save_mode!r}.")
    if is_remote(path):
        hook = _hook(obs_hook)
        if save_mode == "a" and hook.exists(path):
            text = hook.read_text(path, encoding) + text
        return hook.write_text(path, text, encoding)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open(save_mode, encoding=encoding, newline="") as handle:
        handle.write(text)
    return str(target)
