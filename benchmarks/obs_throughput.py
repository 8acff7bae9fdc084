"""(d) OBS throughput: a folder of 1,000 small files and one 256 MiB file, up and down, against the emulator's OBS.

Three ways to move the same bytes to the same local server (the emulator's OBS endpoint, in another process):

* ``OBSHook`` (esdk-obs-python): ``upload_dir``/``download_dir`` (8 files in parallel) and
  ``upload_file``/``download_file`` (multipart, 16 MiB parts, 4 in parallel above 32 MiB) — the provider's defaults;
* boto3's ``s3transfer`` ``TransferManager`` (10 threads, 8 MiB multipart chunks — boto3's defaults), every file
  submitted to one manager;
* a sequential copy: boto3 ``put_object``/``get_object`` one object after the other, one request each.

Every download is checked (byte count) so a fast wrong answer cannot win. Medians of ``runs`` runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Table, emulator_process, median

BUCKET = "modelarts-emulator"
SMALL_FILES, SMALL_SIZE = 1000, 4 * 1024
BIG_SIZE = 256 * 1024 * 1024
MiB = 1024 * 1024


def make_data(root: Path, small_files: int, big_size: int) -> tuple[Path, Path]:
    """A folder of small random files and one big random file under ``root``."""
    folder = root / "small"
    folder.mkdir()
    for i in range(small_files):
        (folder / f"part-{i:04d}.bin").write_bytes(os.urandom(SMALL_SIZE))
    big = root / "big.bin"
    with big.open("wb") as fh:
        for _ in range(big_size // MiB):
            fh.write(os.urandom(MiB))
    return folder, big


def tree_bytes(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return len(files), sum(p.stat().st_size for p in files)


class Boto:
    """boto3 against the same endpoint (the emulator's OBS is S3-compatible); s3transfer and sequential ways."""

    def __init__(self, handle: Any) -> None:
        import boto3
        from boto3.s3.transfer import TransferConfig

        self.client = boto3.client("s3", endpoint_url=handle.obs_url, region_name=handle.region,
                                   aws_access_key_id=handle.ak, aws_secret_access_key=handle.sk)
        self.config = TransferConfig()

    def _manager(self) -> Any:
        from s3transfer.manager import TransferManager

        return TransferManager(self.client, self.config)

    def transfer_up(self, src: Path, prefix: str) -> None:
        with self._manager() as mgr:
            futures = [mgr.upload(str(p), BUCKET, prefix + p.relative_to(src).as_posix() if src.is_dir() else
                                  prefix + p.name) for p in _files(src)]
            for f in futures:
                f.result()

    def transfer_down(self, prefix: str, dest: Path) -> None:
        with self._manager() as mgr:
            futures = []
            for key in self._keys(prefix):
                target = dest / key[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                futures.append(mgr.download(BUCKET, key, str(target)))
            for f in futures:
                f.result()

    def sequential_up(self, src: Path, prefix: str) -> None:
        for p in _files(src):
            with p.open("rb") as fh:
                key = prefix + (p.relative_to(src).as_posix() if src.is_dir() else p.name)
                self.client.put_object(Bucket=BUCKET, Key=key, Body=fh)

    def sequential_down(self, prefix: str, dest: Path) -> None:
        for key in self._keys(prefix):
            target = dest / key[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            body = self.client.get_object(Bucket=BUCKET, Key=key)["Body"]
            with target.open("wb") as fh:
                shutil.copyfileobj(body, fh, MiB)

    def _keys(self, prefix: str) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]


def _files(src: Path) -> list[Path]:
    return sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else [src]


def _timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def methods(handle: Any) -> dict[str, dict[str, Callable[[Path, str, Path], Any]]]:
    """method -> {"up": f(src, prefix, _), "down": f(_, prefix, dest)}."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    hook = OBSHook()
    boto = Boto(handle)
    url = f"obs://{BUCKET}/"

    def hook_up(src: Path, prefix: str, _: Path) -> Any:
        return hook.upload_dir(src, url + prefix, keep_last_dir=False) if src.is_dir() else \
            hook.upload_file(src, url + prefix)

    def hook_down(src: Path, prefix: str, dest: Path) -> Any:
        return hook.download_dir(url + prefix, dest, keep_last_dir=False) if src.is_dir() else \
            hook.download_file(url + prefix + src.name, dest / src.name)

    return {
        "OBSHook (esdk-obs)": {"up": hook_up, "down": hook_down},
        "boto3 s3transfer": {"up": lambda s, p, _: boto.transfer_up(s, p),
                             "down": lambda _, p, d: boto.transfer_down(p, d)},
        "sequential copy (boto3, 1 thread)": {"up": lambda s, p, _: boto.sequential_up(s, p),
                                              "down": lambda _, p, d: boto.sequential_down(p, d)},
    }


def run(runs: int = 3, small_files: int = SMALL_FILES, big_size: int = BIG_SIZE) -> Table:
    table = Table(f"(d) OBS throughput against the emulator's OBS ({small_files:,} × {SMALL_SIZE // 1024} KiB files; "
                  f"one {big_size // MiB} MiB file)",
                  ["workload", "direction", "method", "seconds (median)", "MiB/s", "files/s", "vs s3transfer",
                   "vs sequential"])
    with tempfile.TemporaryDirectory(prefix="bench-obs-") as tmp, emulator_process(speed=10.0) as handle:
        os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"] = handle.airflow_connection_json()
        folder, big = make_data(Path(tmp), small_files, big_size)
        all_methods = methods(handle)
        for workload, src in (("folder", folder), ("256 MiB file" if big_size == BIG_SIZE else "big file", big)):
            n_files, n_bytes = tree_bytes(src)
            for direction in ("up", "down"):
                times: dict[str, float] = {}
                for label, funcs in all_methods.items():
                    prefix = f"bench/{label.split()[0].lower()}/{workload.split()[0]}/"
                    samples = []
                    for i in range(runs):
                        dest = Path(tmp) / f"down-{len(times)}-{direction}-{i}"
                        dest.mkdir()
                        samples.append(_timed(lambda f=funcs[direction], s=src, d=dest, p=prefix: f(s, p, d)))
                        if direction == "down":
                            got = tree_bytes(dest)
                            if got != (n_files, n_bytes):
                                raise RuntimeError(f"{label} downloaded {got}, expected {(n_files, n_bytes)}")
                        shutil.rmtree(dest)
                    times[label] = median(samples)
                transfer, sequential = times["boto3 s3transfer"], times["sequential copy (boto3, 1 thread)"]
                for label, secs in times.items():
                    table.add(workload, "upload" if direction == "up" else "download", label, secs,
                              n_bytes / MiB / secs, n_files / secs, secs / transfer, secs / sequential)
    table.notes += [f"median of {runs} runs; 'vs' columns are time ratios (below 1: faster than the other way).",
                    "all three ways hit the same local OBS endpoint (moto behind the emulator) in another process "
                    "on the same 2 cores, so the server's own cost is part of every number."]
    return table


if __name__ == "__main__":
    import sys

    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1).render())
