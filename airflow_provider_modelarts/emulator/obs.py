"""The emulator's OBS: moto's S3 server in process, plus a small boto3-backed store used by the handlers.

esdk-obs-python talks to it with path-style v2/v4 signatures (an IP address as ``server`` forces path style);
moto accepts any credentials. Multipart parts down to 100 KiB work, as on real OBS, because
``S3_UPLOAD_PART_MIN_SIZE`` is set to 102400 before moto is first imported (an explicit environment value wins).

moto keeps its buckets in process-wide memory: two stores in one process see the same buckets. OBS has one bucket
namespace per account whatever the signature (``obs``, ``v2``, ``v4``) and the region a client signs for, so the
server files every request under one moto account and partition (:func:`_one_namespace_s3_app`).

OBS computes no checksum a client did not ask for. moto (as S3 does since 2025) gives a multipart upload created
without ``x-amz-checksum-algorithm`` (every esdk-obs upload) a whole-object CRC64NVME checksum at
``CompleteMultipartUpload``: two more copies of the whole object in the server, which made a 256 MiB esdk upload
cost the server ~1.8x what boto3's (CRC32 declared, per-part checksums) did, and a value no OBS client can read.
The server computes a multipart checksum only when the upload declared one (:func:`_declared_checksums_only`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_REGION = "cn-north-4"
_MISSING = {"404", "NoSuchKey", "NoSuchBucket", "NotFound"}


def _one_namespace_s3_app(service: str) -> Any:
    """moto's S3 Flask app whose handlers all use one account and one partition.

    moto picks the backend of an S3 request as ``s3_backends[account][partition(region)]``, the region taken from
    a SigV4 credential scope, else ``us-east-1``. A v4 client signing for ``cn-north-4`` thus lands in ``aws-cn``
    while an OBS or v2 signature (no region) lands in ``aws``: each saw its own buckets, and the ModelArts side
    (which uses the store's v4 client) answered ``ModelArts.4311`` for a bucket made with esdk-obs's default
    signature. The handlers here always use the default account's ``aws`` partition, whatever the region.
    moto 5.2.5 internals: the app's view functions wrap the bound class methods of ``S3Response``, which are
    rebound to a subclass (an unexpected route fails the start instead of splitting the namespace again).

    :param service: the service the dispatcher asks for (always ``s3`` here).
    """
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.moto_server.werkzeug_app import create_backend_app
    from moto.s3.models import S3Backend, s3_backends
    from moto.s3.responses import S3Response

    class OneNamespaceS3Response(S3Response):  # type: ignore[misc]
        def get_current_account(self) -> str:
            return DEFAULT_ACCOUNT_ID

        @property
        def backend(self) -> S3Backend:
            return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]

    _declared_checksums_only()
    app = create_backend_app(service)  # type: ignore[arg-type]
    views: dict[str, Any] = app.view_functions
    for name, view in views.items():
        callback = getattr(view, "callback", None)
        if callback is None or getattr(callback, "__self__", None) is not S3Response:
            raise RuntimeError(f"moto's S3 route {name} is not an S3Response handler: moto changed, see obs.py")
        view.callback = getattr(OneNamespaceS3Response, callback.__name__)
    return app


def _declared_checksums_only() -> None:
    """Make moto build a multipart upload's checksum only when ``CreateMultipartUpload`` declared one.

    moto 5.2.5 internals: ``FakeMultipart.complete`` builds the checksum with the module's
    ``MultipartChecksumBuilder``; it is replaced (once, process-wide: the emulator is moto's only user in its
    process) by a subclass that keeps a declared algorithm or type as it is and, when neither was declared, copies
    nothing and returns no checksum (``complete_multipart_upload`` then stores none). Part and ETag checks are
    moto's, unchanged.
    """
    from moto.s3 import models

    base = models.MultipartChecksumBuilder
    if getattr(base, "declared_only", False):
        return
    if "MultipartChecksumBuilder" not in models.FakeMultipart.complete.__code__.co_names or \
            not all(callable(getattr(base, name, None)) for name in ("addPart", "build")):
        raise RuntimeError("moto's multipart checksum builder changed: see obs.py (_declared_checksums_only)")

    class DeclaredOnly(base):  # type: ignore[misc, valid-type]
        declared_only = True

        def __init__(self, checksum_algorithm: str | None, checksum_type: str | None) -> None:
            super().__init__(checksum_algorithm, checksum_type)
            self.declared = bool(checksum_algorithm or checksum_type)

        def addPart(self, part: bytes) -> None:  # noqa: N802 - moto's name
            if self.declared:
                super().addPart(part)
            else:
                self.part_count += 1

        def build(self) -> tuple[str, str, int] | None:
            return super().build() if self.declared else None

    setattr(models, "MultipartChecksumBuilder", DeclaredOnly)  # noqa: B010 - a module global, on purpose


def _s3_only_server(base: type) -> type:
    """A ``ThreadedMotoServer`` that sends every request to the one S3 app.

    moto guesses the service of a request from its ``Authorization`` header, parsing it as a SigV4 credential
    scope. An OBS/S3 v2 signature (``AWS ak:base64sig``) whose base64 text happens to hold four ``/`` splits
    into five parts and is taken for a scope of some other service: about one request in a few hundred then
    failed with a 500. The guess also cost every request a listing of moto's package folder with a ``stat`` of
    each of its ~170 entries and a match against every service's URL patterns, under the dispatcher's lock
    (about half of the server's CPU for a 4 KiB PUT). This endpoint is OBS and nothing else (no ``/moto-api``
    either: such a path is a bucket, as on OBS), so the app is built once and the guess skipped (moto 5.2.5
    internals).
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from werkzeug.serving import make_server

    class S3Dispatcher(DomainDispatcherApplication):
        def __init__(self, create_app: Any) -> None:
            super().__init__(create_app)
            self.s3_app = create_app("s3")

        def get_application(self, environ: dict[str, Any]) -> Any:
            return self.s3_app

    class S3OnlyServer(base):  # type: ignore[misc, valid-type]
        def _server_entry(self) -> None:
            from moto.moto_server.threaded_moto_server import MotoRequestHandler

            self._server = make_server(self._ip_address, self._port, S3Dispatcher(_one_namespace_s3_app), True,
                                       request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return S3OnlyServer


class ObsStore:
    """An S3-compatible object store on ``http://host:port``.

    :param host: bind address (loopback by default).
    :param port: TCP port; 0 picks a free one (read it back from :attr:`endpoint` / :attr:`port`).
    :param region: region used for bucket creation (``LocationConstraint``) and signatures.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, region: str = DEFAULT_REGION) -> None:
        os.environ.setdefault("S3_UPLOAD_PART_MIN_SIZE", "102400")
        from moto.server import ThreadedMotoServer

        werkzeug_logger = logging.getLogger("werkzeug")
        if werkzeug_logger.level == logging.NOTSET:  # keep moto's per-request access log quiet
            werkzeug_logger.setLevel(logging.WARNING)

        self.region = region
        self._server = _s3_only_server(ThreadedMotoServer)(ip_address=host, port=port, verbose=False)
        self._server.start()
        self.host, self.port = self._server.get_host_and_port()
        self.endpoint = f"http://{self.host}:{self.port}"
        self.client = self._make_client()

    def _make_client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id="emulator", aws_secret_access_key="emulator",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def stop(self) -> None:
        """Stop the server thread."""
        self._server.stop()

    # ---- buckets -----------------------------------------------------------------------------------------
    def ensure_bucket(self, bucket: str) -> None:
        """Create ``bucket`` (in :attr:`region`) unless it exists."""
        from botocore.exceptions import ClientError

        try:
            self.client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.region})
        except ClientError as exc:
            if _code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                raise

    def buckets(self) -> list[str]:
        """Names of all buckets."""
        return [b["Name"] for b in self.client.list_buckets().get("Buckets", [])]

    def wipe(self) -> None:
        """Delete every object of every bucket (the buckets stay)."""
        for bucket in self.buckets():
            for key in self.list(bucket):
                self.delete(bucket, key)

    # ---- objects -----------------------------------------------------------------------------------------
    def put(self, bucket: str, key: str, data: bytes) -> None:
        """Write an object.

        :raises KeyError: when the bucket does not exist (as on OBS, buckets are not created implicitly).
        """
        with _missing_as_key_error(bucket, key):
            self.client.put_object(Bucket=bucket, Key=key, Body=data)

    def get(self, bucket: str, key: str) -> bytes:
        """Read an object.

        :raises KeyError: when the bucket or the object does not exist.
        """
        with _missing_as_key_error(bucket, key):
            data = self.client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return bytes(data)

    def exists(self, bucket: str, key: str) -> bool:
        """Whether the object exists."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=bucket, Key=key)
            return True
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise

    def list(self, bucket: str, prefix: str = "") -> list[str]:
        """All keys under ``prefix`` (every page), sorted; an unknown bucket has no keys."""
        from botocore.exceptions import ClientError

        keys: list[str] = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                keys.extend(item["Key"] for item in page.get("Contents", []))
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return []
            raise
        return keys

    def delete(self, bucket: str, key: str) -> None:
        """Delete an object (no error when it does not exist)."""
        self.client.delete_object(Bucket=bucket, Key=key)

    def download_to(self, bucket: str, key: str, local_path: str | os.PathLike[str]) -> None:
        """Write an object to a local file, creating parent folders.

        :raises KeyError: when the object does not exist.
        """
        if not self.exists(bucket, key):
            raise KeyError(f"obs://{bucket}/{key}")
        path = Path(local_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.client.download_file(bucket, key, str(path))

    def upload_from(self, local_path: str | os.PathLike[str], bucket: str, key: str) -> None:
        """Upload a local file (multipart when large).

        :raises KeyError: when the bucket does not exist.
        """
        from boto3.exceptions import S3UploadFailedError

        if bucket not in self.buckets():
            raise KeyError(f"obs://{bucket}/ (no such bucket)")
        try:
            self.client.upload_file(str(local_path), bucket, key)
        except S3UploadFailedError as exc:
            raise KeyError(f"obs://{bucket}/{key}: {exc}") from None


@contextmanager
def _missing_as_key_error(bucket: str, key: str) -> Iterator[None]:
    """Turn botocore's "no such bucket/key" errors into :class:`KeyError`."""
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as exc:
        if _code(exc) in _MISSING:
            raise KeyError(f"obs://{bucket}/{key}") from None
        raise


def _code(exc: Any) -> str:
    """The error code of a botocore ``ClientError``."""
    return str(exc.response.get("Error", {}).get("Code", ""))
