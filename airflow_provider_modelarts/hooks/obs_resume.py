"""Resumable multipart upload of one local file to OBS, with a small local record of the upload id.

A killed task leaves a multipart upload open on OBS (its parts are stored, and billed, until it is completed or
aborted). The record written right after ``InitiateMultipartUpload`` lets the next try of the same transfer (same
bucket, key and local file, unchanged size and modification time) continue that upload: the parts OBS already
holds are read back with ``ListParts`` (the server is the truth, not a local list that a kill may have left
behind) and only the missing parts are sent. A record that no longer fits (the file changed, or OBS answers
``NoSuchUpload``) is an explicit restart: the old upload is aborted when it still exists and a new one begins.

The record holds no secret: bucket, key, local path, size, mtime, part size and upload id. It is written
atomically (``os.replace``) and deleted when the upload completes or is aborted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from airflow_provider_modelarts.hooks.obs import OBSError, OBSNotFoundError
from airflow_provider_modelarts.hooks.obs_plan import TransferPlan

#: The record folder when none is configured.
DEFAULT_RECORD_DIR = Path(tempfile.gettempdir()) / "modelarts-obs-uploads"
_LIST_PAGE = 1000

#: ``call(operation, func, *args, **kwargs)``: run one SDK call, raise ``OBSError`` for a failed answer.
SdkCall = Callable[..., Any]


@dataclass(frozen=True)
class UploadRecord:
    """What is kept on disk between tries of one upload.

    :param bucket: the bucket.
    :param key: the object key.
    :param path: the absolute local path.
    :param size: the file size when the upload began.
    :param mtime_ns: the file modification time (ns) when the upload began.
    :param part_size: the part size of the upload.
    :param upload_id: OBS's multipart upload id.
    """

    bucket: str
    key: str
    path: str
    size: int
    mtime_ns: int
    part_size: int
    upload_id: str


@dataclass(frozen=True)
class UploadOutcome:
    """What one call of :meth:`ResumableUpload.run` did.

    :param upload_id: the multipart upload completed.
    :param parts: the parts of the object.
    :param parts_sent: the parts this call sent (the others were on OBS already).
    :param resumed: whether an upload of an earlier try was continued.
    """

    upload_id: str
    parts: int
    parts_sent: int
    resumed: bool


def record_file(record_dir: Path, bucket: str, key: str, path: Path) -> Path:
    """The record of the upload of ``path`` to ``bucket/key`` (one file per transfer, named by a hash)."""
    digest = hashlib.sha256(f"{bucket}\n{key}\n{path}".encode()).hexdigest()[:32]
    return record_dir / f"{digest}.json"


class ResumableUpload:
    """One multipart upload of a local file, continued from an earlier try when its record fits.

    :param client: the ``obs.ObsClient``.
    :param call: the hook's checked SDK call (raises ``OBSError``/``OBSNotFoundError``).
    :param bucket: the bucket.
    :param key: the object key.
    :param path: the local file.
    :param plan: the multipart plan (part size and threads) for a new upload.
    :param record_dir: the folder of upload records.
    :param log: where to log (the hook's logger).
    """

    def __init__(self, client: Any, call: SdkCall, bucket: str, key: str, path: Path, plan: TransferPlan,
                 record_dir: Path, log: Any) -> None:
        self.client = client
        self.call = call
        self.bucket = bucket
        self.key = key
        self.path = path.resolve()
        self.plan = plan
        self.record_path = record_file(record_dir, bucket, key, self.path)
        self.log = log

    # ---- the record -------------------------------------------------------------------------------------------
    def _load(self) -> UploadRecord | None:
        try:
            data = json.loads(self.record_path.read_text(encoding="utf-8"))
            return UploadRecord(**data)
        except FileNotFoundError:
            return None
        except (ValueError, TypeError) as exc:  # a torn or foreign file: start over
            self.log.warning("Ignoring unreadable OBS upload record %s: %s", self.record_path, exc)
            self._forget()
            return None

    def _save(self, record: UploadRecord) -> None:
        self.record_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.record_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(record)), encoding="utf-8")
        os.replace(tmp, self.record_path)

    def _forget(self) -> None:
        self.record_path.unlink(missing_ok=True)

    # ---- OBS calls --------------------------------------------------------------------------------------------
    def _server_parts(self, upload_id: str) -> dict[int, tuple[int, str]]:
        """``{part number: (size, etag)}`` of the parts OBS holds for the upload (every page)."""
        parts: dict[int, tuple[int, str]] = {}
        marker: int | None = None
        while True:
            body = self.call("list_parts", self.client.listParts, self.bucket, self.key, upload_id,
                             maxParts=_LIST_PAGE, partNumberMarker=marker).body
            for part in body.parts or []:
                parts[int(part.partNumber)] = (int(part.size or 0), str(part.etag))
            if not body.isTruncated or not body.nextPartNumberMarker:
                return parts
            marker = int(body.nextPartNumberMarker)

    def _abort(self, upload_id: str) -> None:
        try:
            self.call("abort_upload", self.client.abortMultipartUpload, self.bucket, self.key, upload_id)
        except OBSError as err:  # already gone, or not ours to abort: nothing more to do
            self.log.info("Could not abort OBS multipart upload %s: %s", upload_id, err)

    def _begin(self, stat: os.stat_result) -> UploadRecord:
        body = self.call("upload", self.client.initiateMultipartUpload, self.bucket, self.key).body
        record = UploadRecord(self.bucket, self.key, str(self.path), stat.st_size, stat.st_mtime_ns,
                              self.plan.part_size, str(body.uploadId))
        self._save(record)
        return record

    def _send(self, record: UploadRecord, plan: TransferPlan, number: int) -> tuple[int, str]:
        offset, length = plan.part(number)
        body = self.call("upload", self.client.uploadPart, self.bucket, self.key, number, record.upload_id,
                         object=str(self.path), isFile=True, partSize=length, offset=offset).body
        return number, str(body.etag)

    def _send_all(self, record: UploadRecord, plan: TransferPlan, todo: list[int]) -> dict[int, str]:
        """Send the parts ``todo`` with ``plan.threads`` threads; the first error cancels the parts not begun."""
        if not todo:
            return {}
        pool = ThreadPoolExecutor(max_workers=min(plan.threads, len(todo)))
        try:
            futures = [pool.submit(self._send, record, plan, n) for n in todo]
            return dict(future.result() for future in futures)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # ---- the upload -------------------------------------------------------------------------------------------
    def _resume_point(self, stat: os.stat_result) -> tuple[UploadRecord | None, dict[int, str]]:
        """The fitting record of an earlier try and the etags of the parts OBS holds for it, or ``(None, {})``."""
        record = self._load()
        if record is None:
            return None, {}
        if (record.bucket, record.key, record.path) != (self.bucket, self.key, str(self.path)) or \
                (record.size, record.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
            self.log.info("Restarting the OBS upload of %s: the file changed since upload %s began",
                          self.path, record.upload_id)
            self._abort(record.upload_id)
            self._forget()
            return None, {}
        try:
            held = self._server_parts(record.upload_id)
        except OBSNotFoundError:
            self.log.info("Restarting the OBS upload of %s: upload %s no longer exists", self.path, record.upload_id)
            self._forget()
            return None, {}
        plan = TransferPlan(record.size, record.part_size, self.plan.threads, True)
        done = {n: etag for n, (size, etag) in held.items() if n <= plan.parts and size == plan.part(n)[1]}
        return record, done

    def run(self) -> UploadOutcome:
        """Upload the missing parts and complete the upload; returns what was done.

        On a client error (HTTP 4xx) the upload is aborted and its record deleted; on other errors (5xx, no
        answer) both are kept so that the next try continues.
        """
        from obs import CompleteMultipartUploadRequest, CompletePart

        stat = self.path.stat()
        record, done = self._resume_point(stat)
        resumed = record is not None
        if record is None:
            record = self._begin(stat)
        plan = TransferPlan(record.size, record.part_size, self.plan.threads, True)
        todo = [n for n in range(1, plan.parts + 1) if n not in done]
        if resumed:
            self.log.info("Resuming OBS upload %s of %s: %d of %d part(s) already on OBS", record.upload_id,
                          self.path, plan.parts - len(todo), plan.parts)
        try:
            done.update(self._send_all(record, plan, todo))
            parts = [CompletePart(partNum=n, etag=done[n]) for n in range(1, plan.parts + 1)]
            self.call("upload", self.client.completeMultipartUpload, self.bucket, self.key, record.upload_id,
                      CompleteMultipartUploadRequest(parts=parts))
        except OBSError as err:
            if err.status is not None and 400 <= err.status < 500:
                self._abort(record.upload_id)
                self._forget()
            raise
        self._forget()
        return UploadOutcome(record.upload_id, plan.parts, len(todo), resumed)
