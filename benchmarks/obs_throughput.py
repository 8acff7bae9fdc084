"""(d) OBS throughput: a folder of 1,000 small files and one 256 MiB file, up and down, against the emulator's OBS.

Ways to move the same bytes to the same local server (the emulator's OBS endpoint, in another process):

* ``OBSHook`` (esdk-obs-python) with its defaults: ``upload_dir``/``download_dir`` (8 files in parallel) and
  ``upload_file``/``download_file`` (parts and threads chosen from the size: a resumable multipart upload above
  64 MiB, one streamed GET up to 1 GiB);
* ``OBSHook`` forced to ranged parallel parts for the big download (``download_threshold=0``), to show what
  parts cost on this server;
* boto3's ``s3transfer`` ``TransferManager`` (10 threads, 8 MiB multipart chunks: boto3's defaults), every file
  submitted to one manager;
* a sequential copy: boto3 ``put_object``/``get_object`` one object after the other, one request each (for the
  big file: a single plain PUT or GET).

Every download is checked (byte count) so a fast wrong answer cannot win. Medians of ``runs`` runs, the ways
interleaved within each run. Each way's CPU seconds (this process, and the server process) are printed too: on a
shared, loaded machine they are steadier than wall time. The goals of issue 15 are printed as rate ratios
(higher is better) next to their targets.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import Table, cpu_seconds, emulator_process, median

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


@dataclass
class Sample:
    """One timed transfer: wall seconds, and CPU seconds of this process and of the server process."""

    seconds: float
    client_cpu: float
    server_cpu: float


def _timed(func: Callable[[], Any], server_pid: int) -> Sample:
    c0, s0 = cpu_seconds(), cpu_seconds(server_pid)
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    return Sample(seconds, cpu_seconds() - c0, cpu_seconds(server_pid) - s0)


HOOK, HOOK_PARTS, S3T, SEQ = ("OBSHook (esdk-obs)", "OBSHook, ranged parts forced", "boto3 s3transfer",
                              "sequential copy (boto3, 1 thread)")


def methods(handle: Any) -> dict[str, dict[str, Callable[[Path, str, Path], Any]]]:
    """method -> {"up": f(src, prefix, _), "down": f(src, prefix, dest)}."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    hook, ranged = OBSHook(), OBSHook(download_threshold=0)
    boto = Boto(handle)
    url = f"obs://{BUCKET}/"

    def hook_up(src: Path, prefix: str, _: Path) -> Any:
        return hook.upload_dir(src, url + prefix, keep_last_dir=False) if src.is_dir() else \
            hook.upload_file(src, url + prefix)

    def hook_down(src: Path, prefix: str, dest: Path, use: OBSHook = hook) -> Any:
        return use.download_dir(url + prefix, dest, keep_last_dir=False) if src.is_dir() else \
            use.download_file(url + prefix + src.name, dest / src.name)

    return {
        HOOK: {"up": hook_up, "down": hook_down},
        HOOK_PARTS: {"down": lambda s, p, d: hook_down(s, p, d, ranged)},
        S3T: {"up": lambda s, p, _: boto.transfer_up(s, p), "down": lambda _, p, d: boto.transfer_down(p, d)},
        SEQ: {"up": lambda s, p, _: boto.sequential_up(s, p), "down": lambda _, p, d: boto.sequential_down(p, d)},
    }


#: (workload, direction) -> (the way the hook is compared with, the goal as a rate ratio).
GOALS = {
    ("file", "up"): (S3T, 0.8),
    ("file", "down"): (SEQ, 0.8),
    ("folder", "up"): (SEQ, 3.0),
    ("folder", "down"): (SEQ, 3.0),
}


def run(runs: int = 3, small_files: int = SMALL_FILES, big_size: int = BIG_SIZE) -> Table:
    big_label = f"{big_size // MiB} MiB file"
    table = Table(f"(d) OBS throughput against the emulator's OBS ({small_files:,} × {SMALL_SIZE // 1024} KiB files; "
                  f"one {big_size // MiB} MiB file)",
                  ["workload", "direction", "method", "seconds (median)", "MiB/s", "files/s", "CPU s client",
                   "CPU s server", "rate vs goal's reference", "goal"])
    load_before = os.getloadavg()
    goal_lines = []
    with tempfile.TemporaryDirectory(prefix="bench-obs-") as tmp, emulator_process(speed=10.0) as handle:
        os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"] = handle.airflow_connection_json()
        folder, big = make_data(Path(tmp), small_files, big_size)
        all_methods = methods(handle)
        for workload, src in (("folder", folder), ("file", big)):
            n_files, n_bytes = tree_bytes(src)
            for direction in ("up", "down"):
                ways = {label: funcs[direction] for label, funcs in all_methods.items() if direction in funcs
                        and (label != HOOK_PARTS or workload == "file")}
                samples: dict[str, list[Sample]] = {label: [] for label in ways}
                for i in range(runs):
                    for label, func in ways.items():  # interleaved: every way sees the same load
                        owner = HOOK if label == HOOK_PARTS else label  # it downloads what the hook uploaded
                        prefix = f"bench/{owner.split()[0].lower()}-{len(owner)}/{workload}/"
                        dest = Path(tmp) / f"down-{direction}-{i}"
                        dest.mkdir()
                        samples[label].append(_timed(lambda f=func, s=src, d=dest, p=prefix: f(s, p, d),
                                                     handle.pid))
                        if direction == "down":
                            got = tree_bytes(dest)
                            if got != (n_files, n_bytes):
                                raise RuntimeError(f"{label} downloaded {got}, expected {(n_files, n_bytes)}")
                        shutil.rmtree(dest)
                times = {label: median([x.seconds for x in xs]) for label, xs in samples.items()}
                reference, goal = GOALS[(workload, direction)]
                for label, xs in samples.items():
                    secs = times[label]
                    ratio = times[reference] / secs if label == HOOK else None
                    table.add(big_label if workload == "file" else workload,
                              "upload" if direction == "up" else "download", label, secs, n_bytes / MiB / secs,
                              n_files / secs, median([x.client_cpu for x in xs]), median([x.server_cpu for x in xs]),
                              ratio, f">= {goal:g}x {reference}" if label == HOOK else None)
                ratio = times[reference] / times[HOOK]
                goal_lines.append(f"goal: {big_label if workload == 'file' else workload} "
                                  f"{'upload' if direction == 'up' else 'download'} at {ratio:.2f}x {reference} "
                                  f"(goal >= {goal:g}x): {'met' if ratio >= goal else 'NOT met'}")
    load_after = os.getloadavg()
    table.notes += goal_lines + [
        f"median of {runs} runs, the ways interleaved; rate ratios: the reference's seconds / the hook's seconds "
        "(above 1: the hook is faster).",
        "CPU s: medians of this process's and the server process's user+system CPU seconds per transfer.",
        "all ways hit the same local OBS endpoint (moto behind the emulator) in another process on the same cores, "
        "so the server's own cost is part of every number.",
        "load average (1/5/15 min) before {:.1f}/{:.1f}/{:.1f}, after {:.1f}/{:.1f}/{:.1f}.".format(
            *load_before, *load_after),
    ]
    return table


if __name__ == "__main__":
    import sys

    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1).render())
