"""OBSHook and obs:// path parsing, against the emulator's real S3-compatible server (moto) over loopback HTTP.

Every transfer goes through esdk-obs-python to the server started by the ``emulator_server`` fixture; nothing is
mocked. Secrets are distinctive strings so that their absence from errors and logs can be asserted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_provider_modelarts.client.config import ClientSettings, SettingsError
from airflow_provider_modelarts.client.obs_paths import (
    ObsLocation,
    is_obs_url,
    join,
    parse_obs_url,
    to_obs_url,
)
from airflow_provider_modelarts.hooks.obs import OBSError, OBSHook, OBSNotFoundError

MiB = 1024 * 1024
AK = "OBSHOOKTESTAK7Q2W9E4R"
SK = "obs-hook-test-secret-key-5f3c1a9d8e7b"
TOKEN = "obs-hook-test-security-token-0a1b2c3d"


# ---- pure path parsing ----------------------------------------------------------------------------------------
def test_parse_obs_url_object_folder_and_root() -> None:
    loc = parse_obs_url("obs://my-bucket/dir/sub/file.txt")
    assert loc == ObsLocation("my-bucket", "dir/sub/file.txt")
    assert not loc.is_folder and loc.name == "file.txt" and loc.url == "obs://my-bucket/dir/sub/file.txt"
    folder = parse_obs_url("obs://my-bucket/dir/")
    assert folder.is_folder and folder.name == "dir" and folder.child("a/b.txt").url == "obs://my-bucket/dir/a/b.txt"
    root = parse_obs_url("obs://my-bucket")
    assert root.key == "" and root.is_folder and root.name == "my-bucket"
    assert parse_obs_url("obs://my-bucket/").key == ""
    assert parse_obs_url("obs://b.c-1/x").as_folder().key == "x/"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "required"),
        ("s3://bucket/key", "must start with obs://"),
        ("/bucket/key", "must start with obs://"),
        ("obs:///key", "empty bucket"),
        ("obs://ab/key", "3 to 63"),
        ("obs://" + "a" * 64 + "/k", "3 to 63"),
        ("obs://My-Bucket/k", "lowercase"),
        ("obs://bucket_x/k", "lowercase"),
        ("obs://-bucket/k", "start and end"),
        ("obs://bucket-/k", "start and end"),
        ("obs://a..b/k", "'..'"),
        ("obs://a.-b/k", "'..'"),
        ("obs://192.168.1.1/k", "IP address"),
        ("obs://bucket//k", "starting with '/'"),
        ("obs://bucket/a//k", "'//'"),
        ("obs://bucket/" + "k" * 1025, "1024 bytes"),
    ],
)
def test_parse_obs_url_rejects(url: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace(".", r"\.").replace("(", r"\(")):
        parse_obs_url(url)


def test_is_obs_url_join_and_to_obs_url() -> None:
    assert is_obs_url("obs://b/k") and is_obs_url("OBS://b/k")
    assert not is_obs_url("/b/k") and not is_obs_url(None) and not is_obs_url("obsx://b")
    assert join("obs://bkt/dir", "sub/", "f.txt") == "obs://bkt/dir/sub/f.txt"
    assert join("obs://bkt/dir/", "sub", "out/") == "obs://bkt/dir/sub/out/"
    assert join("obs://bkt", "", "x") == "obs://bkt/x"
    assert join("obs://bkt/dir/") == "obs://bkt/dir/"
    assert to_obs_url("/bkt/data/") == "obs://bkt/data/"
    assert to_obs_url("obs://bkt/data/") == "obs://bkt/data/"
    with pytest.raises(ValueError, match="neither"):
        to_obs_url("bkt/data/")


# ---- fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def obs_endpoint(emulator_server) -> str:
    assert emulator_server.obs_url, "the emulator was started without OBS"
    return str(emulator_server.obs_url)


def make_hook(endpoint: str, **kwargs) -> OBSHook:
    settings = ClientSettings(ak=AK, sk=SK, security_token=TOKEN, obs_endpoint=endpoint, verify=False,
                              max_retries=0)
    return OBSHook.from_settings(settings, **kwargs)


@pytest.fixture(scope="module")
def hook(obs_endpoint: str) -> Iterator[OBSHook]:
    hook = make_hook(obs_endpoint, part_size=8 * MiB, multipart_threshold=16 * MiB, task_num=4, max_workers=4)
    yield hook
    hook.close()


@pytest.fixture(scope="module")
def bucket(hook: OBSHook) -> str:
    name = f"obs-hook-{uuid.uuid4().hex[:12]}"
    assert hook.create_bucket(name) is True
    assert hook.create_bucket(name) is False  # idempotent
    return name


def sha256_tree(root: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file below ``root``."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


# ---- transfers --------------------------------------------------------------------------------------------------
def test_folder_round_trip_with_multipart_file_is_byte_identical(hook: OBSHook, bucket: str, tmp_path: Path) -> None:
    src = write_tree(tmp_path / "up" / "data", {
        "a.txt": b"alpha\n",
        "empty.bin": b"",
        "sub/b.bin": os.urandom(300 * 1024),
        "sub/deeper/c.txt": "ünïcode\n".encode(),
        "big.bin": os.urandom(64 * MiB),
    })
    (src / "empty-dir").mkdir()
    urls = hook.copy(str(src), f"obs://{bucket}/rt/")
    prefix = f"obs://{bucket}/rt/data/"
    assert sorted(urls) == sorted(prefix + rel for rel in sha256_tree(src))
    # 64 MiB in 8 MiB parts went through the multipart upload: S3/OBS multipart ETags end with "-<parts>".
    assert hook.head(prefix + "big.bin")["etag"].strip('"').endswith("-8")
    assert hook.head(prefix + "big.bin")["size"] == 64 * MiB
    assert hook.list_keys(prefix + "empty-dir/") == []

    out = tmp_path / "down"
    paths = hook.copy(prefix, str(out))
    assert sha256_tree(out / "data") == sha256_tree(src)
    assert sorted(Path(p) for p in paths) == sorted((out / "data" / rel).resolve() for rel in sha256_tree(src))
    assert not list(out.rglob("*.obs-download")) and not list(out.rglob("*.tmp"))


def test_keep_last_dir_semantics_for_upload_and_download(hook: OBSHook, bucket: str, tmp_path: Path) -> None:
    src = write_tree(tmp_path / "data", {"x.txt": b"x", "n/y.txt": b"y"})
    kept = hook.upload_dir(src, f"obs://{bucket}/kl/true")
    flat = hook.upload_dir(src, f"obs://{bucket}/kl/false/", keep_last_dir=False)
    assert sorted(kept) == [f"obs://{bucket}/kl/true/data/n/y.txt", f"obs://{bucket}/kl/true/data/x.txt"]
    assert sorted(flat) == [f"obs://{bucket}/kl/false/n/y.txt", f"obs://{bucket}/kl/false/x.txt"]

    hook.download_dir(f"obs://{bucket}/kl/true/data/", tmp_path / "d1")
    hook.download_dir(f"obs://{bucket}/kl/true/data", tmp_path / "d2", keep_last_dir=False)
    hook.copy(f"obs://{bucket}/kl/false", str(tmp_path / "d3"))  # no trailing '/': found as a folder
    assert sha256_tree(tmp_path / "d1") == {"data/x.txt": sha256_tree(src)["x.txt"],
                                            "data/n/y.txt": sha256_tree(src)["n/y.txt"]}
    assert sha256_tree(tmp_path / "d2") == sha256_tree(src)
    assert sha256_tree(tmp_path / "d3") == {"false/x.txt": sha256_tree(src)["x.txt"],
                                            "false/n/y.txt": sha256_tree(src)["n/y.txt"]}


def test_single_file_transfers_name_handling(hook: OBSHook, bucket: str, tmp_path: Path) -> None:
    local = tmp_path / "model.bin"
    local.write_bytes(b"weights")
    assert hook.upload_file(local, f"obs://{bucket}/files/") == f"obs://{bucket}/files/model.bin"
    assert hook.copy(str(local), f"obs://{bucket}/files/renamed.bin") == [f"obs://{bucket}/files/renamed.bin"]
    (tmp_path / "dl").mkdir()
    assert hook.download_file(f"obs://{bucket}/files/renamed.bin", tmp_path / "dl") == str(
        tmp_path / "dl" / "renamed.bin")
    assert hook.copy(f"obs://{bucket}/files/model.bin", str(tmp_path / "new") + "/") == [
        str(tmp_path / "new" / "model.bin")]
    assert hook.copy(f"obs://{bucket}/files/model.bin", str(tmp_path / "exact.bin")) == [str(tmp_path / "exact.bin")]
    assert (tmp_path / "exact.bin").read_bytes() == b"weights" == (tmp_path / "dl" / "renamed.bin").read_bytes()


def test_read_write_exists_delete(hook: OBSHook, bucket: str) -> None:
    url = f"obs://{bucket}/rw/note.txt"
    assert hook.write_text(url, "héllo") == url
    assert hook.read_text(url) == "héllo" and hook.read_bytes(url) == "héllo".encode()
    assert hook.head(url)["size"] == len("héllo".encode())
    assert hook.exists(url) and hook.exists(f"obs://{bucket}/rw/") and hook.exists(f"obs://{bucket}/")
    assert not hook.exists(f"obs://{bucket}/rw/missing.txt") and not hook.exists(f"obs://{bucket}/nothing/")
    assert not hook.exists("obs://no-such-bucket-obs-hook/any/")
    hook.delete(url)
    hook.delete(url)  # deleting a missing object is not an error in OBS
    assert not hook.exists(url)


def test_list_keys_pages_and_delete_prefix(hook: OBSHook, bucket: str) -> None:
    hook._parallel(hook.write_bytes, [(f"obs://{bucket}/page/k{i:02d}", b"%d" % i) for i in range(25)])
    hook.write_bytes(f"obs://{bucket}/page/sub/inner", b"i")
    expected = [f"page/k{i:02d}" for i in range(25)]
    pages = list(hook._list_pages(parse_obs_url(f"obs://{bucket}/page/k"), page_size=10))
    assert [len(contents) for contents, _ in pages] == [10, 10, 5]
    assert hook.list_keys(f"obs://{bucket}/page/k", max_keys=10) == expected
    assert hook.list_keys(f"obs://{bucket}/page/", delimiter="/", max_keys=7) == expected
    assert hook.list_prefixes(f"obs://{bucket}/page/", max_keys=7) == ["page/sub/"]
    assert hook.delete_prefix(f"obs://{bucket}/page/") == 26
    assert hook.list_keys(f"obs://{bucket}/page/") == []
    with pytest.raises(ValueError, match="whole bucket"):
        hook.delete_prefix(f"obs://{bucket}/")


# ---- errors -------------------------------------------------------------------------------------------------------
def test_missing_object_raises_not_found_naming_bucket_and_key(hook: OBSHook, bucket: str, tmp_path: Path) -> None:
    with pytest.raises(OBSNotFoundError) as info:
        hook.read_bytes(f"obs://{bucket}/missing/key.txt")
    err = info.value
    assert (err.status, err.error_code, err.bucket, err.key) == (404, "NoSuchKey", bucket, "missing/key.txt")
    assert bucket in str(err) and "missing/key.txt" in str(err) and err.request_id
    with pytest.raises(OBSNotFoundError, match="download failed.*missing/key.txt"):
        hook.download_file(f"obs://{bucket}/missing/key.txt", tmp_path / "x")
    with pytest.raises(OBSNotFoundError, match="no object under this folder"):
        hook.download_dir(f"obs://{bucket}/missing/", tmp_path)
    with pytest.raises(OBSNotFoundError, match="NoSuchBucket"):
        hook.list_keys("obs://no-such-bucket-obs-hook/")
    assert not (tmp_path / "x").exists()


def test_argument_errors(hook: OBSHook, bucket: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="both"):
        hook.copy(f"obs://{bucket}/a", f"obs://{bucket}/b")
    with pytest.raises(ValueError, match="neither"):
        hook.copy(str(tmp_path), str(tmp_path / "x"))
    with pytest.raises(ValueError, match="names a folder"):
        hook.read_bytes(f"obs://{bucket}/dir/")
    with pytest.raises(FileNotFoundError):
        hook.upload_file(tmp_path / "nope.txt", f"obs://{bucket}/x")
    with pytest.raises(ValueError, match="must start with obs://"):
        hook.exists(f"s3://{bucket}/x")
    with pytest.raises(SettingsError, match="AK/SK"):
        OBSHook.from_settings(ClientSettings(auth_type="token", token="t", project_id="p")).get_conn()


def test_object_key_escaping_local_folder_is_refused(hook: OBSHook, bucket: str, tmp_path: Path) -> None:
    hook.write_bytes(f"obs://{bucket}/esc/ok.txt", b"ok")
    hook.write_bytes(f"obs://{bucket}/esc/..x/../../evil.txt", b"evil")
    if "esc/..x/../../evil.txt" not in hook.list_keys(f"obs://{bucket}/esc/"):
        pytest.fail("the server normalised the key; the escape check cannot be exercised")
    with pytest.raises(ValueError, match="outside"):
        hook.download_dir(f"obs://{bucket}/esc/", tmp_path / "safe")
    assert not (tmp_path / "evil.txt").exists()


def free_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_wrapped_and_secrets_never_leak(
    hook: OBSHook, bucket: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    dead = make_hook(f"http://127.0.0.1:{free_closed_port()}")
    with pytest.raises(OBSError) as info:
        dead.read_bytes(f"obs://{bucket}/some/key.txt")
    err = info.value
    assert not isinstance(err, OBSNotFoundError) and err.status is None
    assert "read failed" in str(err) and bucket in str(err) and "some/key.txt" in str(err)
    assert "Connection" in str(err) or "refused" in str(err).lower()
    small = tmp_path / "s.txt"
    small.write_bytes(b"s")
    with pytest.raises(OBSError):
        dead.upload_file(small, f"obs://{bucket}/x/")
    hook.upload_file(small, f"obs://{bucket}/leak/")  # a successful call logs too
    with pytest.raises(OBSNotFoundError) as missing:
        hook.head(f"obs://{bucket}/leak/absent")
    captured = capfd.readouterr()
    texts = [str(err), repr(err), str(missing.value), repr(missing.value), caplog.text, captured.out, captured.err]
    for secret in (AK, SK, TOKEN):
        assert not any(secret in text for text in texts), f"a credential leaked into {texts}"


def test_secrets_are_registered_for_masking(obs_endpoint: str) -> None:
    from airflow.sdk._shared.secrets_masker import redact

    make_hook(obs_endpoint).get_conn()
    redacted = str(redact(f"key {SK} token {TOKEN}"))
    assert SK not in redacted and TOKEN not in redacted


def test_client_options(obs_endpoint: str) -> None:
    client = make_hook(obs_endpoint).get_conn()
    assert client.path_style is True and client.signature == "v2"  # loopback IP: path style, v2 signature
    assert client.max_retry_count == 0 and client.is_secure is False
    remote = OBSHook.from_settings(ClientSettings(ak=AK, sk=SK, region="cn-north-4")).get_conn()
    assert remote.server == "obs.cn-north-4.myhuaweicloud.com" and remote.is_secure is True
    assert remote.path_style is False and remote.signature == "obs" and remote.ssl_verify
