"""OBS (Huawei Cloud Object Storage) hook on top of esdk-obs-python, reading the ``modelarts`` connection.

The transfer semantics follow the ModelArts SDK reference (``session.obs.copy/upload_file/upload_dir/
download_file/download_dir``): the direction of :meth:`OBSHook.copy` comes from which side is ``obs://``, and
``keep_last_dir`` (default True) recreates the source folder's own name under the destination. Empty folders
are not created on either side.

esdk-obs-python does not raise for HTTP errors: every call returns a ``GetResult`` whose ``status`` is the HTTP
status. :meth:`OBSHook._check` turns every ``status >= 300`` into :class:`OBSError` (:class:`OBSNotFoundError`
for 404); exceptions the SDK does raise (connection errors after its own retries, failed multipart transfers)
are wrapped into :class:`OBSError` by :meth:`OBSHook._call`. Messages name the operation, bucket and key and
never contain the AK, SK or security token.

OBS signs requests with AK/SK only, so the connection must use ``auth_type`` ``aksk`` (optionally with a
``security_token`` for temporary credentials). The SDK itself is imported lazily in :meth:`OBSHook.get_conn`.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowException

from airflow_provider_modelarts.client.config import ClientSettings, SettingsError
from airflow_provider_modelarts.client.obs_paths import ObsLocation, is_obs_url, parse_obs_url, validate_bucket_name
from airflow_provider_modelarts.hooks.connection import CONN_TYPE, DEFAULT_CONN_ID, settings_from_connection
from airflow_provider_modelarts.hooks.obs_plan import plan_transfer

MiB = 1024 * 1024
#: Uploads above this size use a resumable multipart upload (parts and threads from the size: ``obs_plan``).
DEFAULT_MULTIPART_THRESHOLD = 64 * MiB
#: Downloads above this size use parallel ranged GETs; below, one streamed GET (faster in every measurement here:
#: see docs/benchmarks.md, OBS section).
DEFAULT_DOWNLOAD_THRESHOLD = 1024 * MiB
DEFAULT_MAX_WORKERS = 8
MAX_PAGE_SIZE = 1000
_TMP_SUFFIX = ".obs-download"


class OBSError(AirflowException):
    """An OBS operation failed.

    :param operation: what the hook was doing (``upload``, ``download``, ``list``, ...).
    :param bucket: the bucket concerned.
    :param key: the object key or prefix concerned (may be empty).
    :param status: the HTTP status, or None when no HTTP answer was received (connection error, SDK error).
    :param error_code: the OBS error code (``NoSuchKey``, ``AccessDenied``, ...), if any.
    :param error_message: the OBS error message or the underlying exception text.
    :param request_id: the OBS request id, for support tickets.
    """

    def __init__(
        self,
        operation: str,
        bucket: str,
        key: str,
        status: int | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.status = status
        self.error_code = error_code
        self.error_message = error_message
        self.request_id = request_id
        super().__init__(self._describe())

    def _describe(self) -> str:
        answer = f"HTTP {self.status}" if self.status is not None else "no HTTP answer"
        detail = ": ".join(str(p) for p in (self.error_code, self.error_message) if p)
        text = f"OBS {self.operation} failed for bucket {self.bucket!r}, key {self.key!r} ({answer})"
        if detail:
            text += f": {detail}"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.operation, self.bucket, self.key, self.status, self.error_code,
                                 self.error_message, self.request_id))


class OBSNotFoundError(OBSError):
    """The bucket, object or prefix does not exist (HTTP 404, or an empty prefix where objects were expected)."""


def _is_local_host(server: str) -> bool:
    """True when the endpoint host is an IP address or ``localhost`` (path-style addressing is then needed)."""
    host = urlparse(server if "://" in server else f"//{server}").hostname or ""
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ssl_verify(settings: ClientSettings) -> bool | str:
    """The esdk ``ssl_verify`` value: False, or a CA file (the SDK loads no default CAs on its own)."""
    verify = settings.tls_verify
    if verify is not True:
        return verify
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with requests
        return True
    return certifi.where()


class OBSHook(BaseHook):
    """Transfers between local files and OBS, listing, existence checks and deletion.

    The connection is read lazily (first use), never in ``__init__``; the ``ObsClient`` is built once and cached.

    :param modelarts_conn_id: the ``modelarts`` connection (AK in ``login``, SK in ``password``, ``obs_endpoint``,
        ``region``, ``verify``, ``security_token`` in ``extra``).
    :param part_size: multipart part size in bytes (clamped to OBS's 100 KiB .. 5 GiB and 10,000 parts); None
        (default) chooses it from the file size (:func:`~airflow_provider_modelarts.hooks.obs_plan.plan_transfer`).
    :param multipart_threshold: uploads larger than this many bytes use a resumable multipart upload: a killed
        task's next try continues the same upload (see :mod:`~airflow_provider_modelarts.hooks.obs_resume`).
    :param task_num: parallel parts of one multipart transfer; None (default) chooses it from the file size.
    :param max_workers: parallel files of a folder transfer.
    :param download_threshold: downloads larger than this many bytes use parallel ranged GETs; None (default)
        means :data:`DEFAULT_DOWNLOAD_THRESHOLD`.
    :param upload_record_dir: the folder of multipart upload records (default: ``modelarts-obs-uploads`` in the
        system temporary folder).
    :param mask_secrets: register the AK, SK and security token with Airflow's secrets masker (default on).
    """

    conn_name_attr = "modelarts_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "Huawei Cloud OBS (ModelArts connection)"

    def __init__(
        self,
        modelarts_conn_id: str = DEFAULT_CONN_ID,
        *,
        part_size: int | None = None,
        multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
        task_num: int | None = None,
        max_workers: int = DEFAULT_MAX_WORKERS,
        download_threshold: int | None = None,
        upload_record_dir: str | os.PathLike[str] | None = None,
        mask_secrets: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (part_size is not None and part_size <= 0) or multipart_threshold < 0 or \
                (task_num is not None and task_num < 1) or max_workers < 1 or \
                (download_threshold is not None and download_threshold < 0):
            raise ValueError("part_size must be > 0, multipart_threshold and download_threshold >= 0, task_num and "
                             "max_workers >= 1 (None: chosen from the file size).")
        self.modelarts_conn_id = modelarts_conn_id
        self.part_size = part_size
        self.multipart_threshold = multipart_threshold
        self.task_num = task_num
        self.max_workers = max_workers
        self.download_threshold = DEFAULT_DOWNLOAD_THRESHOLD if download_threshold is None else download_threshold
        self.upload_record_dir = Path(upload_record_dir) if upload_record_dir is not None else None
        self.mask_secrets = mask_secrets
        self._settings: ClientSettings | None = None
        self._client: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: ClientSettings, **kwargs: Any) -> OBSHook:
        """A hook over explicit settings (no Airflow connection), for scripts, triggers and tests.

        :param settings: the client settings (``ak``, ``sk``, ``obs_endpoint``, ``region``, ``verify`` ...).
        :param kwargs: the other constructor arguments.
        """
        hook = cls(**kwargs)
        hook._settings = settings
        return hook

    # ---- connection -----------------------------------------------------------------------------------
    @property
    def settings(self) -> ClientSettings:
        """The client settings, read from the connection on first use."""
        if self._settings is None:
            self._settings = settings_from_connection(self.get_connection(self.modelarts_conn_id))
        return self._settings

    def get_conn(self) -> Any:
        """The cached ``obs.ObsClient`` (built on first call)."""
        with self._lock:
            if self._client is None:
                self._client = self._build_client(self.settings)
            return self._client

    def _build_client(self, settings: ClientSettings) -> Any:
        if not settings.ak or not settings.sk:
            raise SettingsError(
                "OBS needs AK/SK credentials: use a connection with auth_type 'aksk' (AK in login, SK in password)."
            )
        if self.mask_secrets:
            from airflow.sdk.log import mask_secret

            for secret in (settings.ak, *settings.secrets()):
                mask_secret(secret)
        from obs import ObsClient

        server = settings.obs_url
        with warnings.catch_warnings():  # the SDK builds its TLS context with the deprecated PROTOCOL_TLS
            warnings.filterwarnings("ignore", "ssl.PROTOCOL_TLS is deprecated", DeprecationWarning)
            client = ObsClient(
                access_key_id=settings.ak,
                secret_access_key=settings.sk,
                security_token=settings.security_token,
                server=server,
                region=settings.region,
                ssl_verify=_ssl_verify(settings),
                path_style=_is_local_host(server),
                signature="obs",
                long_conn_mode=True,  # keep-alive: a folder of small files reuses connections
                max_retry_count=settings.max_retries,
                timeout=max(settings.connect_timeout, settings.read_timeout),
            )
        self.log.debug("OBS client for %s (path style %s)", server, client.path_style)
        return client

    def close(self) -> None:
        """Release the SDK's connections (a later call builds a new client)."""
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # ---- error handling ---------------------------------------------------------------------------------
    def _redact(self, text: object) -> str | None:
        """``text`` with any credential replaced by ``***`` (values under 4 characters are not real credentials)."""
        if text is None:
            return None
        out = str(text)
        settings = self._settings
        if settings is not None:
            for secret in (settings.ak, *settings.secrets()):
                if secret and len(secret) >= 4:
                    out = out.replace(secret, "***")
        return out

    def _check(self, result: Any, operation: str, bucket: str, key: str) -> Any:
        """Return ``result`` if its HTTP status is 2xx, else raise :class:`OBSError` / :class:`OBSNotFoundError`.

        :param result: the SDK's ``GetResult``.
        :param operation: / ``bucket`` / ``key``: what was attempted, for the message.
        """
        status = getattr(result, "status", None)
        if isinstance(status, int) and status < 300:
            return result
        error = OBSNotFoundError if status == 404 else OBSError
        raise error(
            operation, bucket, key, status,
            getattr(result, "errorCode", None),
            self._redact(getattr(result, "errorMessage", None) or getattr(result, "reason", None)),
            getattr(result, "requestId", None),
        )

    def _call(self, operation: str, loc: ObsLocation, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one SDK call, wrap a raised exception into :class:`OBSError` and :meth:`_check` the result."""
        try:
            result = func(*args, **kwargs)
        except OBSError:
            raise
        except Exception as exc:
            message = self._redact(f"{type(exc).__name__}: {exc}")
            raise OBSError(operation, loc.bucket, loc.key, error_message=message) from None
        return self._check(result, operation, loc.bucket, loc.key)

    def _parallel(self, func: Callable[..., Any], jobs: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Run ``func(*job)`` for every job with at most ``max_workers`` threads; the first error is raised."""
        if not jobs:
            return []
        self.get_conn()
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(jobs))) as pool:
            futures = [pool.submit(func, *job) for job in jobs]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    # ---- single objects ---------------------------------------------------------------------------------
    def head(self, obs_url: str) -> dict[str, Any]:
        """Metadata of one object: ``size``, ``etag``, ``content_type``, ``last_modified``.

        :param obs_url: ``obs://bucket/key``.
        """
        return self._metadata(parse_obs_url(obs_url), "head")

    def _metadata(self, loc: ObsLocation, operation: str) -> dict[str, Any]:
        client = self.get_conn()
        body = self._call(operation, loc, client.getObjectMetadata, loc.bucket, loc.key).body
        return {
            "size": int(getattr(body, "contentLength", 0) or 0),
            "etag": getattr(body, "etag", None),
            "content_type": getattr(body, "contentType", None),
            "last_modified": getattr(body, "lastModified", None),
        }

    def exists(self, obs_url: str) -> bool:
        """Whether the object exists, or, for a folder URL (ending ``/`` or the bucket root), any key under it.

        :param obs_url: ``obs://bucket/key`` or ``obs://bucket/prefix/``.
        """
        loc = parse_obs_url(obs_url)
        try:
            if loc.is_folder:
                contents, prefixes = next(self._list_pages(loc, page_size=1))
                return bool(contents or prefixes)
            self.head(obs_url)
        except OBSNotFoundError:  # the object, or the bucket, does not exist
            return False
        return True

    def read_bytes(self, obs_url: str) -> bytes:
        """The content of one object.

        :param obs_url: ``obs://bucket/key``.
        """
        loc = self._object_location(obs_url)
        client = self.get_conn()
        body = self._call("read", loc, client.getObject, loc.bucket, loc.key, loadStreamInMemory=True).body
        return bytes(body.buffer or b"")

    def read_text(self, obs_url: str, encoding: str = "utf-8") -> str:
        """The content of one object decoded as text.

        :param obs_url: ``obs://bucket/key``.
        :param encoding: text encoding.
        """
        return self.read_bytes(obs_url).decode(encoding)

    def write_bytes(self, obs_url: str, data: bytes) -> str:
        """Write ``data`` to one object (replacing it); returns the URL.

        :param obs_url: ``obs://bucket/key``.
        :param data: the content.
        """
        loc = self._object_location(obs_url)
        client = self.get_conn()
        self._call("write", loc, client.putContent, loc.bucket, loc.key, bytes(data))
        return loc.url

    def write_text(self, obs_url: str, text: str, encoding: str = "utf-8") -> str:
        """Write ``text`` to one object; returns the URL.

        :param obs_url: ``obs://bucket/key``.
        :param text: the content.
        :param encoding: text encoding.
        """
        return self.write_bytes(obs_url, text.encode(encoding))

    def delete(self, obs_url: str) -> None:
        """Delete one object (no error when it is already gone, as in OBS).

        :param obs_url: ``obs://bucket/key``.
        """
        loc = self._object_location(obs_url)
        client = self.get_conn()
        self._call("delete", loc, client.deleteObject, loc.bucket, loc.key)

    def delete_prefix(self, obs_prefix: str) -> int:
        """Delete every object whose key starts with the prefix; returns how many were deleted.

        :param obs_prefix: ``obs://bucket/prefix`` (a raw key prefix; use a trailing ``/`` for a folder). The
            bucket root is refused, to avoid emptying a bucket by mistake.
        """
        from obs import DeleteObjectsRequest, Object

        loc = parse_obs_url(obs_prefix)
        if not loc.key:
            raise ValueError(f"Refusing to delete a whole bucket ({obs_prefix!r}): give a non-empty prefix.")
        keys = self.list_keys(obs_prefix)
        client = self.get_conn()
        for start in range(0, len(keys), MAX_PAGE_SIZE):
            batch = [Object(key=k) for k in keys[start:start + MAX_PAGE_SIZE]]
            request = DeleteObjectsRequest(quiet=False, objects=batch)
            body = self._call("delete_prefix", loc, client.deleteObjects, loc.bucket, request).body
            failed = list(getattr(body, "error", None) or [])
            if failed:
                raise OBSError("delete_prefix", loc.bucket, failed[0].key, None, failed[0].code,
                               f"{self._redact(failed[0].message)} ({len(failed)} key(s) not deleted)")
        self.log.info("Deleted %d object(s) under %s", len(keys), loc.url)
        return len(keys)

    # ---- listing ------------------------------------------------------------------------------------------
    def _list_pages(
        self, loc: ObsLocation, delimiter: str | None = None, page_size: int = MAX_PAGE_SIZE
    ) -> Iterator[tuple[list[Any], list[str]]]:
        """Yield ``(contents, common_prefixes)`` per page, following ``marker`` until the listing is complete."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page size must be 1..{MAX_PAGE_SIZE}, got {page_size}.")
        client = self.get_conn()
        marker: str | None = None
        while True:
            body = self._call(
                "list", loc, client.listObjects, loc.bucket,
                prefix=loc.key or None, marker=marker, max_keys=page_size, delimiter=delimiter,
            ).body
            contents = list(body.contents or [])
            prefixes = [p.prefix for p in (body.commonPrefixs or [])]
            yield contents, prefixes
            if not body.is_truncated:
                return
            last = [c.key for c in contents[-1:]] + prefixes[-1:]
            marker = body.next_marker or (max(last) if last else None)
            if not marker:
                raise OBSError("list", loc.bucket, loc.key, error_message="truncated listing without a marker")

    def list_keys(self, obs_prefix: str, delimiter: str | None = None, max_keys: int = MAX_PAGE_SIZE) -> list[str]:
        """All object keys (bucket-relative) under the prefix, across every page.

        :param obs_prefix: ``obs://bucket/prefix`` (a raw key prefix; ``obs://bucket/`` lists the bucket).
        :param delimiter: e.g. ``/`` to list only the direct children (see :meth:`list_prefixes`).
        :param max_keys: page size of each ``listObjects`` call (1..1000).
        """
        loc = parse_obs_url(obs_prefix)
        return [c.key for contents, _ in self._list_pages(loc, delimiter, max_keys) for c in contents]

    def list_prefixes(self, obs_prefix: str, delimiter: str = "/", max_keys: int = MAX_PAGE_SIZE) -> list[str]:
        """The common prefixes ("sub-folders") directly under the prefix.

        :param obs_prefix: ``obs://bucket/prefix/``.
        :param delimiter: the folder separator.
        :param max_keys: page size of each ``listObjects`` call (1..1000).
        """
        loc = parse_obs_url(obs_prefix)
        # dict.fromkeys: a prefix is reported once (moto repeats common prefixes on every page).
        return list(dict.fromkeys(p for _, prefixes in self._list_pages(loc, delimiter, max_keys) for p in prefixes))

    # ---- buckets --------------------------------------------------------------------------------------------
    def create_bucket(self, bucket: str, location: str | None = None) -> bool:
        """Create the bucket unless it exists already; returns True when it was created.

        :param bucket: the bucket name (validated with the OBS naming rules).
        :param location: the region of the bucket; defaults to the connection's region.
        """
        loc = ObsLocation(validate_bucket_name(bucket))
        client = self.get_conn()
        try:
            self._call("head_bucket", loc, client.headBucket, bucket)
            return False
        except OBSNotFoundError:
            pass
        try:
            self._call("create_bucket", loc, client.createBucket, bucket,
                       location=location or self.settings.region)
        except OBSError as err:
            if err.error_code == "BucketAlreadyOwnedByYou":
                return False
            raise
        self.log.info("Created OBS bucket %s", bucket)
        return True

    # ---- transfers --------------------------------------------------------------------------------------------
    def _object_location(self, obs_url: str) -> ObsLocation:
        loc = parse_obs_url(obs_url)
        if loc.is_folder:
            raise ValueError(f"{obs_url!r} names a folder; an object URL (not ending with '/') is needed here.")
        return loc

    def _upload_object(self, path: Path, loc: ObsLocation) -> str:
        """Upload one local file to one key: a single PUT, or a resumable multipart upload above the threshold."""
        client = self.get_conn()
        size = path.stat().st_size
        plan = plan_transfer(size, self.multipart_threshold, self.part_size, self.task_num)
        if plan.multipart:
            from airflow_provider_modelarts.hooks.obs_resume import DEFAULT_RECORD_DIR, ResumableUpload

            upload = ResumableUpload(client, lambda op, func, *a, **kw: self._call(op, loc, func, *a, **kw),
                                     loc.bucket, loc.key, path, plan, self.upload_record_dir or DEFAULT_RECORD_DIR,
                                     self.log)
            outcome = upload.run()
            self.log.debug("Multipart upload %s: %d part(s) of %d bytes, %d sent now", outcome.upload_id,
                           outcome.parts, plan.part_size, outcome.parts_sent)
        else:
            self._call("upload", loc, client.putFile, loc.bucket, loc.key, str(path))
        self.log.debug("Uploaded %s (%d bytes) to %s", path, size, loc.url)
        return loc.url

    def _download_object(self, loc: ObsLocation, target: Path, size: int | None = None) -> str:
        """Download one key to one local file (through a temporary file); ranged parts above the threshold."""
        if size is None:
            size = self._metadata(loc, "download")["size"]
        client = self.get_conn()
        target.parent.mkdir(parents=True, exist_ok=True)
        plan = plan_transfer(size, self.download_threshold, self.part_size, self.task_num)
        if plan.multipart:
            self._call("download", loc, client.downloadFile, loc.bucket, loc.key, downloadFile=str(target),
                       partSize=plan.part_size, taskNum=plan.threads, enableCheckpoint=False)
        else:
            tmp = target.with_name(target.name + _TMP_SUFFIX)
            try:
                self._call("download", loc, client.getObject, loc.bucket, loc.key, downloadPath=str(tmp))
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
        self.log.debug("Downloaded %s (%d bytes) to %s", loc.url, size, target)
        return str(target)

    def upload_file(self, local_file: str | os.PathLike[str], obs_url: str) -> str:
        """Upload one local file; returns the OBS URL written.

        :param local_file: the local file.
        :param obs_url: the object URL, or a folder URL ending with ``/`` (the file keeps its name under it).
        """
        path = Path(local_file)
        if not path.is_file():
            raise FileNotFoundError(f"Local file {str(path)!r} does not exist or is not a file.")
        loc = parse_obs_url(obs_url)
        if loc.is_folder:
            loc = loc.child(path.name)
        url = self._upload_object(path, loc)
        self.log.info("Uploaded %s to %s", path, url)
        return url

    def download_file(self, obs_url: str, local_path: str | os.PathLike[str]) -> str:
        """Download one object; returns the local path written.

        :param obs_url: ``obs://bucket/key`` of an object.
        :param local_path: the target file, or a folder (existing, or ending with a separator) that receives the
            object under its own name.
        """
        loc = self._object_location(obs_url)
        path = self._download_object(loc, self._local_target(local_path, loc.name))
        self.log.info("Downloaded %s to %s", loc.url, path)
        return path

    @staticmethod
    def _local_target(local_path: str | os.PathLike[str], name: str) -> Path:
        text = os.fspath(local_path)
        target = Path(text)
        if text.endswith(("/", os.sep)) or target.is_dir():
            return target / name
        return target

    def upload_dir(self, local_dir: str | os.PathLike[str], obs_dir: str, keep_last_dir: bool = True) -> list[str]:
        """Upload every file below a local folder (in parallel); returns the OBS URLs written.

        :param local_dir: the local folder.
        :param obs_dir: the destination folder URL (a trailing ``/`` is implied).
        :param keep_last_dir: True: ``/a/data`` -> ``obs_dir/data/...``; False: ``obs_dir/...``.
        """
        root = Path(local_dir)
        if not root.is_dir():
            raise NotADirectoryError(f"Local folder {str(root)!r} does not exist or is not a folder.")
        dest = parse_obs_url(obs_dir).as_folder()
        if keep_last_dir:
            dest = dest.child(root.resolve().name + "/")
        files = sorted(p for p in root.rglob("*") if p.is_file())
        jobs = [(p, dest.child(p.relative_to(root).as_posix())) for p in files]
        urls = self._parallel(self._upload_object, jobs)
        self.log.info("Uploaded %d file(s) from %s to %s", len(urls), root, dest.url)
        return urls

    def download_dir(self, obs_dir: str, local_dir: str | os.PathLike[str], keep_last_dir: bool = True) -> list[str]:
        """Download every object under an OBS folder (in parallel); returns the local paths written.

        :param obs_dir: the source folder URL (a trailing ``/`` is implied).
        :param local_dir: the local destination folder (created when missing).
        :param keep_last_dir: True: ``obs://b/x/data/`` -> ``local_dir/data/...``; False: ``local_dir/...``.
        :raises OBSNotFoundError: when no object exists under the folder.
        """
        src = parse_obs_url(obs_dir).as_folder()
        base = Path(local_dir) / src.name if keep_last_dir else Path(local_dir)
        objects = [c for contents, _ in self._list_pages(src) for c in contents if not c.key.endswith("/")]
        if not objects:
            raise OBSNotFoundError("download_dir", src.bucket, src.key, None, "NoSuchKey", "no object under this folder")
        jobs = [(ObsLocation(src.bucket, c.key), self._inside(base, c.key[len(src.key):]), int(c.size or 0))
                for c in objects]
        paths = self._parallel(self._download_object, jobs)
        self.log.info("Downloaded %d object(s) from %s to %s", len(paths), src.url, base)
        return paths

    @staticmethod
    def _inside(base: Path, relative: str) -> Path:
        """``base / relative``, refusing keys that would escape ``base`` (``..`` components)."""
        target = (base / relative).resolve()
        if base.resolve() not in target.parents:
            raise ValueError(f"Object key part {relative!r} would be written outside {str(base)!r}.")
        return target

    def copy(self, src: str, dst: str, keep_last_dir: bool = True) -> list[str]:
        """Copy between the local file system and OBS; the side starting with ``obs://`` decides the direction.

        Local file -> ``upload_file``; local folder -> ``upload_dir``; OBS folder (``/`` at the end, or a key
        with objects below it) -> ``download_dir``; OBS object -> ``download_file``.

        :param src: source path or ``obs://`` URL.
        :param dst: destination path or ``obs://`` URL.
        :param keep_last_dir: for folders, whether the source folder's own name is recreated under ``dst``.
        :returns: the OBS URLs (upload) or local paths (download) written.
        """
        src_obs, dst_obs = is_obs_url(src), is_obs_url(dst)
        if src_obs and dst_obs:
            raise ValueError(f"copy needs one local side: both {src!r} and {dst!r} are OBS URLs.")
        if not src_obs and not dst_obs:
            raise ValueError(f"copy needs one obs:// side: neither {src!r} nor {dst!r} is an OBS URL.")
        if dst_obs:
            if Path(src).is_dir():
                return self.upload_dir(src, dst, keep_last_dir)
            return [self.upload_file(src, dst)]
        loc = parse_obs_url(src)
        if loc.is_folder:
            return self.download_dir(src, dst, keep_last_dir)
        try:
            size = self._metadata(loc, "download")["size"]
        except OBSNotFoundError:
            if self.exists(loc.as_folder().url):
                return self.download_dir(src, dst, keep_last_dir)
            raise
        return [self._download_object(loc, self._local_target(dst, loc.name), size)]


def read_local_or_obs(path: str, modelarts_conn_id: str) -> tuple[bytes, str]:
    """The bytes and the file name of a local file or an ``obs://`` object.

    :param path: a local path or ``obs://bucket/key``.
    :param modelarts_conn_id: the connection an ``obs://`` object is read with.
    """
    if path.startswith("obs://"):
        return OBSHook(modelarts_conn_id).read_bytes(path), path.rstrip("/").rsplit("/", 1)[-1]
    with open(path, "rb") as fh:
        return fh.read(), os.path.basename(path)
