"""Incremental log reading: print each remote log line once, in order, across polls and across processes.

The cursor is a plain int (JSON-serializable) so the trigger can carry it and hand it back to the operator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from airflow_provider_modelarts.client.request import ApiRequest


class LogSource(Protocol):
    """Where a resource's log comes from and how to advance through it."""

    def request(self, ids: Mapping[str, Any], cursor: int) -> ApiRequest: ...

    def advance(self, data: Any, cursor: int) -> tuple[list[str], int]:
        """The complete new lines since ``cursor`` and the new cursor."""
        ...


@dataclass(frozen=True)
class PreviewLogSource:
    """v2 ``logs/preview``: the newest (up to 5 MB) of the log as ``content``, the whole size as ``full_size``.

    The cursor is the byte offset in the whole log up to which lines were emitted. Only complete lines are
    emitted; a partial last line waits for the next poll. When the log outgrew the preview window, the lines
    that fell out of it are reported as skipped.
    """

    build: Any  # (ids) -> ApiRequest
    task_key: str = "task_id"

    def request(self, ids: Mapping[str, Any], cursor: int) -> ApiRequest:
        return self.build(ids)

    def advance(self, data: Any, cursor: int) -> tuple[list[str], int]:
        data = data or {}
        content = str(data.get("content") or "").encode("utf-8")
        full = int(data.get("full_size") or len(content))
        window_start = max(full - len(content), 0)
        lines: list[str] = []
        if cursor < window_start:
            lines.append(f"[... {window_start - cursor} bytes of log not shown: older than the preview window]")
            cursor = window_start
        fresh = content[cursor - window_start:]
        end = fresh.rfind(b"\n")
        if end < 0:
            return lines, cursor
        chunk = fresh[: end + 1]
        lines.extend(chunk.decode("utf-8", "replace").splitlines())
        return lines, cursor + len(chunk)


@dataclass(frozen=True)
class AomLogSource:
    """v1 ``aom-log``: up to ``page_lines`` lines after a line position (``base_line``), oldest first.

    A line position is ``<version create time ms><6-digit line index>`` (``start_line``/``end_line`` of the
    answer); the cursor is the position of the last line emitted as an int (0: nothing read yet, then the first
    read takes the newest ``page_lines`` lines and reports older ones as skipped). Lines are whole: each is
    emitted once, in order.

    :param build: ``(ids, base_line or None, lines) -> ApiRequest`` (an ``order=desc`` read: lines after base).
    :param page_lines: lines per read (the service allows at most 500).
    """

    build: Any
    page_lines: int = 500
    index_digits: int = 6

    def request(self, ids: Mapping[str, Any], cursor: int) -> ApiRequest:
        return self.build(ids, str(cursor) if cursor else None, self.page_lines)

    def advance(self, data: Any, cursor: int) -> tuple[list[str], int]:
        data = data or {}
        count = int(data.get("lines") or 0)
        end = str(data.get("end_line") or "")
        if count <= 0 or not end.isdigit():
            return [], cursor
        lines = str(data.get("content") or "").split("\n")[:count]
        start = str(data.get("start_line") or "")
        skipped = int(start[-self.index_digits:]) if (not cursor and start.isdigit()) else 0
        if skipped > 0:
            lines.insert(0, f"[... {skipped} older log lines not shown]")
        return lines, int(end)
