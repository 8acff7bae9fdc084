"""Parsing and building ``obs://bucket/key`` locations (pure Python, no Airflow and no OBS SDK import).

A location whose key is empty (the bucket root) or ends with ``/`` is a *folder* (a key prefix); anything else
names one object. ModelArts APIs also write locations as ``/bucket/key``; :func:`to_obs_url` converts those.

Bucket names follow the OBS rules: 3 to 63 characters of lowercase letters, digits, hyphens and periods; they
start and end with a letter or digit; no two adjacent periods, no period next to a hyphen; not an IP address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SCHEME = "obs://"
MAX_KEY_BYTES = 1024

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


@dataclass(frozen=True)
class ObsLocation:
    """One OBS location.

    :param bucket: the bucket name.
    :param key: the object key or the folder prefix (may be empty: the bucket root).
    """

    bucket: str
    key: str = ""

    @property
    def url(self) -> str:
        """The ``obs://bucket/key`` form."""
        return f"{SCHEME}{self.bucket}/{self.key}"

    @property
    def is_folder(self) -> bool:
        """True for the bucket root or a key ending with ``/``."""
        return self.key == "" or self.key.endswith("/")

    @property
    def name(self) -> str:
        """The last path component (without a trailing ``/``); the bucket name at the root."""
        stripped = self.key.rstrip("/")
        return stripped.rsplit("/", 1)[-1] if stripped else self.bucket

    def as_folder(self) -> ObsLocation:
        """The same location with a trailing ``/`` on a non-empty key."""
        return self if self.is_folder else ObsLocation(self.bucket, self.key + "/")

    def child(self, relative: str) -> ObsLocation:
        """The location ``relative`` (``/``-separated) under this folder."""
        return ObsLocation(self.bucket, self.as_folder().key + relative.lstrip("/"))

    def __str__(self) -> str:
        return self.url


def validate_bucket_name(bucket: str) -> str:
    """Return ``bucket`` if it is a valid OBS bucket name, else raise ``ValueError`` saying which rule failed.

    :param bucket: the candidate bucket name.
    """
    if not bucket:
        raise ValueError("OBS bucket name is empty.")
    if not 3 <= len(bucket) <= 63:
        raise ValueError(f"OBS bucket name {bucket!r} must be 3 to 63 characters long, got {len(bucket)}.")
    if not _BUCKET_CHARS.match(bucket):
        raise ValueError(
            f"OBS bucket name {bucket!r} may contain only lowercase letters, digits, '-' and '.', "
            "and must start and end with a letter or digit."
        )
    if ".." in bucket or ".-" in bucket or "-." in bucket:
        raise ValueError(f"OBS bucket name {bucket!r} must not contain '..', '.-' or '-.'.")
    if _IPV4.match(bucket):
        raise ValueError(f"OBS bucket name {bucket!r} must not look like an IP address.")
    return bucket


def is_obs_url(value: object) -> bool:
    """True when ``value`` is a string starting with ``obs://`` (the scheme is matched case-insensitively)."""
    return isinstance(value, str) and value[: len(SCHEME)].lower() == SCHEME


def parse_obs_url(url: str) -> ObsLocation:
    """Split ``obs://bucket/key`` into an :class:`ObsLocation`; ``ValueError`` naming the problem otherwise.

    :param url: ``obs://bucket``, ``obs://bucket/`` (root), ``obs://bucket/dir/`` (folder) or ``obs://bucket/k``.
    """
    if not isinstance(url, str) or not url:
        raise ValueError(f"An OBS URL like obs://bucket/key is required, got {url!r}.")
    if not is_obs_url(url):
        raise ValueError(f"{url!r} is not an OBS URL: it must start with {SCHEME} (like obs://bucket/key).")
    rest = url[len(SCHEME):]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise ValueError(f"OBS URL {url!r} has an empty bucket name.")
    validate_bucket_name(bucket)
    if key.startswith("/"):
        raise ValueError(f"OBS URL {url!r} has an object key starting with '/'.")
    if "//" in key:
        raise ValueError(f"OBS URL {url!r} has an empty path component ('//').")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValueError(f"OBS URL {url!r} has an object key longer than {MAX_KEY_BYTES} bytes.")
    return ObsLocation(bucket, key)


def to_obs_url(path: str) -> str:
    """Normalise the ModelArts ``/bucket/key`` form (or an ``obs://`` URL) to ``obs://bucket/key``.

    :param path: ``/bucket/dir/`` or ``obs://bucket/dir/``.
    """
    if is_obs_url(path):
        return parse_obs_url(path).url
    if isinstance(path, str) and path.startswith("/") and len(path) > 1:
        return parse_obs_url(SCHEME + path[1:]).url
    raise ValueError(f"{path!r} is neither an obs://bucket/key URL nor a /bucket/key path.")


def to_slash_path(path: str, *, folder: bool = False) -> str:
    """The ``/bucket/key`` form the ModelArts dataset, v1 training, model and service APIs take, from
    ``obs://bucket/key``, ``/bucket/key`` or ``s3://bucket/key``: the one conversion of the package.

    :param path: the OBS location in any of those forms.
    :param folder: end the key with ``/`` (a folder).
    :raises ValueError: naming the problem (no bucket, a bad bucket name, an empty path component...).
    """
    if isinstance(path, str) and path[:5].lower() == "s3://":
        path = SCHEME + path[5:]
    location = parse_obs_url(to_obs_url(path))
    if folder:
        location = location.as_folder()
    return f"/{location.bucket}/{location.key}"


def join(base: str, *parts: str) -> str:
    """Join ``/``-separated ``parts`` under the OBS URL ``base``; a trailing ``/`` on the last part is kept.

    ``join("obs://b/dir", "sub/", "f.txt") == "obs://b/dir/sub/f.txt"``.

    :param base: an ``obs://`` URL (folder or not; it is treated as a folder).
    :param parts: path components; empty ones are ignored.
    """
    location = parse_obs_url(base)
    pieces = [p.strip("/") for p in parts if p and p.strip("/")]
    if not pieces:
        return location.url
    trailing = "/" if parts[-1].endswith("/") else ""
    return parse_obs_url(location.child("/".join(pieces) + trailing).url).url


def same_obs(a: Any, b: Any) -> bool:
    """Whether two OBS paths (``obs://`` or ``/bucket/key`` forms, a trailing ``/`` or not) name the same place;
    False when either is empty or not an OBS path.

    :param a: one path.
    :param b: the other.
    """
    try:
        return bool(a) and bool(b) and to_obs_url(str(a)).rstrip("/") == to_obs_url(str(b)).rstrip("/")
    except ValueError:
        return False


def transfer_problem(src: Any, dst: Any, obs_side: str) -> str | None:
    """What is wrong with a transfer's two sides (``obs_side`` must be ``obs://``, the other local), or None.

    :param src: the source.
    :param dst: the destination.
    :param obs_side: ``src`` (a download) or ``dst`` (an upload).
    """
    sides = {"src": src, "dst": dst}
    local_side = "src" if obs_side == "dst" else "dst"
    if not is_obs_url(sides[obs_side]):
        return f"{obs_side} must be an obs:// URL, got {sides[obs_side]!r}."
    if is_obs_url(sides[local_side]):
        return f"{local_side} must be a local path, got {sides[local_side]!r}."
    return None
