"""Runner mode: really run a training script from OBS in a local subprocess.

Used by the v2 training jobs (``resources/training_v2.py``) and reusable by the v1 training versions: call
:func:`start_training_run` and read the returned :class:`TrainingRun` when a job is shown.

The contract between the emulator and a training script (mirrors ModelArts, which downloads the code and the
data channels into the container and passes their local paths as ``--<channel>=<path>`` arguments)
-----------------------------------------------------------------------------------------------------------

* **Work directory.** A fresh temporary directory per run::

      <work>/code/                  the OBS ``code_dir`` folder, downloaded (the process's current directory)
      <work>/inputs/<name>/         each input channel, downloaded from its OBS URL
      <work>/outputs/<name>/        each output channel, empty; uploaded to its OBS URL after exit code 0
      <work>/log.txt                stdout + stderr of the process, plus ``[ModelArts Service Log]`` lines

* **Command.** ``<sys.executable> -u <boot file> --<param>=<value> ... --<input>=<local dir> ...
  --<output>=<local dir> ...`` in that order: hyperparameters first, then every input channel, then every
  output channel (for example ``--data_url=/tmp/.../inputs/data_url --train_url=/tmp/.../outputs/train_url``).
  The boot file is the path of ``boot_file`` relative to ``code_dir`` (``boot_file`` may be a full OBS path
  under ``code_dir``, as v2 writes it, or a relative one).
* **Environment.** The emulator's environment plus the job's environment variables, plus:
  ``MA_INPUTS`` / ``MA_OUTPUTS`` (JSON objects ``{channel name: local dir}``), ``MA_CODE_DIR``, ``MA_WORK_DIR``,
  ``MA_JOB_KEY`` and ``PYTHONUNBUFFERED=1``.
* **Outcome.** Exit code 0 -> ``completed`` (after every output dir was uploaded; an upload error makes it
  ``failed``); any other exit code -> ``failed`` with that ``exit_code``; :meth:`TrainingRun.terminate` ->
  SIGTERM to the process group (SIGKILL after a grace period) -> ``terminated``. A download problem (missing
  code dir, boot file or input) -> ``failed`` with ``exit_code`` ``None`` and the reason in the log.

The documented contract for models (read by the inference side, ``resources/services``)
------------------------------------------------------------------------------------------
A training script that produces a deployable model writes, into its output directory::

    model/config.json              model metadata (free JSON object, e.g. {"model_type": "...", ...})
    model/customize_service.py     defines ``def predict(data: dict, model_dir: str) -> dict``

``predict`` receives the request body of an inference call and the local path of the ``model/`` directory
(where it can read ``config.json`` or any weights it saved) and returns the JSON answer. A model imported
from ``obs://.../output/model/`` is served by loading ``customize_service.py`` and calling ``predict``.
``dags_examples/assets/train_job/code/train.py`` is the reference example of this layout.

Times (``started_at``, ``ended_at``, metric buckets) are emulated seconds (``emu.clock.now()``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.emulator.obspath import split_obs_path

if TYPE_CHECKING:
    from airflow_provider_modelarts.emulator.state import Emulator

SERVICE = "[ModelArts Service Log]"
#: Seconds of real time between SIGTERM and SIGKILL when a run is terminated.
KILL_GRACE_SECONDS = 3.0
#: Seconds of real time between two polls / resource samples of the process.
POLL_SECONDS = 0.05

RUNNING, COMPLETED, FAILED, TERMINATED = "running", "completed", "failed", "terminated"


class RunSetupError(Exception):
    """A problem before the process could start (download, missing boot file); the run fails without exit code."""


def boot_file_relative(code_dir: str, boot_file: str) -> str:
    """The boot file's path relative to the code directory.

    :param code_dir: OBS folder (``obs://bucket/dir/`` or ``/bucket/dir/``).
    :param boot_file: a full OBS path under ``code_dir`` (either form) or a path relative to it.
    :raises ValueError: when the boot file is not inside the code directory or is empty.
    """
    code_bucket, code_key = split_obs_path(code_dir, field="code_dir")
    prefix = code_key if not code_key or code_key.endswith("/") else code_key + "/"
    if boot_file.startswith(("obs://", "/")):
        bucket, key = split_obs_path(boot_file, field="boot_file")
        if bucket != code_bucket or not key.startswith(prefix):
            raise ValueError(f"boot_file {boot_file!r} is not inside code_dir {code_dir!r}")
        rel = key[len(prefix):]
    else:
        rel = boot_file
    rel = rel.lstrip("/")
    if not rel or rel.endswith("/") or ".." in rel.split("/"):
        raise ValueError(f"boot_file {boot_file!r} does not name a file inside code_dir {code_dir!r}")
    return rel


def download_obs_dir(obs: Any, obs_url: str, local_dir: str) -> int:
    """Download an OBS folder (every key under the prefix) or a single object into ``local_dir``.

    :param obs: the emulator's OBS store.
    :param obs_url: ``obs://bucket/prefix/`` or ``/bucket/prefix/``; a URL without trailing ``/`` that names an
        existing object downloads that object as ``local_dir/<basename>``.
    :param local_dir: destination directory (created).
    :returns: the number of files downloaded.
    """
    bucket, key = split_obs_path(obs_url)
    os.makedirs(local_dir, exist_ok=True)
    if key and not key.endswith("/") and obs.exists(bucket, key):
        obs.download_to(bucket, key, os.path.join(local_dir, key.rsplit("/", 1)[-1]))
        return 1
    prefix = key if not key or key.endswith("/") else key + "/"
    count = 0
    for name in obs.list(bucket, prefix):
        rel = name[len(prefix):]
        if not rel or rel.endswith("/") or ".." in rel.split("/"):
            continue
        target = os.path.join(local_dir, *rel.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        obs.download_to(bucket, name, target)
        count += 1
    return count


def upload_dir_to_obs(obs: Any, local_dir: str, obs_url: str) -> list[str]:
    """Upload every file under ``local_dir`` to the OBS folder ``obs_url`` (relative paths kept).

    :returns: the object keys written.
    """
    bucket, key = split_obs_path(obs_url)
    prefix = key if not key or key.endswith("/") else key + "/"
    written: list[str] = []
    for root, _dirs, files in os.walk(local_dir):
        for file_name in sorted(files):
            path = os.path.join(root, file_name)
            rel = os.path.relpath(path, local_dir).replace(os.sep, "/")
            obs.upload_from(path, bucket, prefix + rel)
            written.append(prefix + rel)
    return written


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40] or "job"


class TrainingRun:
    """One execution of a training script (see the module docstring for the contract).

    Create it with :func:`start_training_run`. Attributes: ``state`` (``running`` | ``completed`` | ``failed`` |
    ``terminated``), ``exit_code`` (``None`` until the process exits, or when it never started),
    ``started_at`` (emulated time the process was spawned, ``None`` before), ``ended_at`` (emulated time a final
    state was reached), ``uploaded`` (OBS keys written for the outputs), ``command`` (argv).

    :param emu: the emulator (``obs``, ``clock``).
    :param job_key: a label for the work directory and the log (the job id).
    :param code_dir: OBS folder of the code.
    :param boot_file: boot file (see :func:`boot_file_relative`).
    :param inputs: ``(channel name, OBS URL)`` pairs to download.
    :param outputs: ``(channel name, OBS URL)`` pairs to upload after success.
    :param parameters: ``(name, value)`` hyperparameters passed as ``--name=value``.
    :param env: extra environment variables.
    :param start_at: emulated time before which the process does not start (``None``: at once).
    """

    def __init__(self, emu: Emulator, *, job_key: str, code_dir: str, boot_file: str,
                 inputs: Iterable[tuple[str, str]], outputs: Iterable[tuple[str, str]],
                 parameters: Iterable[tuple[str, Any]], env: dict[str, Any] | None = None,
                 start_at: float | None = None) -> None:
        self.emu = emu
        self.job_key = job_key
        self.code_dir = code_dir
        self.boot_file = boot_file
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.parameters = [(str(k), "" if v is None else str(v)) for k, v in parameters]
        self.env = {str(k): str(v) for k, v in (env or {}).items()}
        self.start_at = start_at
        self.state = RUNNING
        self.exit_code: int | None = None
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.uploaded: list[str] = []
        self.command: list[str] = []
        self.work_dir = tempfile.mkdtemp(prefix=f"ma-run-{_safe(job_key)}-")
        self.log_path = os.path.join(self.work_dir, "log.txt")
        self._lock = threading.Lock()
        self._terminate = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._env: dict[str, str] = {}
        self._cpu_seconds = 0.0
        self._max_rss_mb = 0.0
        self.samples: list[tuple[float, float, float]] = []  # (emulated time, cpu %, memory %)
        self._thread = threading.Thread(target=self._main, name=f"training-run-{_safe(job_key)}", daemon=True)

    # ---- public API -------------------------------------------------------------------------------------
    def start(self) -> TrainingRun:
        self._thread.start()
        return self

    def log_text(self) -> str:
        """Everything logged so far (service lines and the process's stdout/stderr)."""
        try:
            with open(self.log_path, "rb") as fh:
                return fh.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def terminate(self) -> None:
        """Stop the run: SIGTERM to the process group now, SIGKILL after :data:`KILL_GRACE_SECONDS`."""
        self._terminate.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)

    def is_final(self) -> bool:
        return self.state != RUNNING

    def wait(self, timeout: float | None = None) -> bool:
        """Wait (real seconds) for the run to reach a final state; True when it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def cpu_seconds(self) -> float:
        """CPU time (user + system, children included) consumed by the process so far."""
        return self._cpu_seconds

    def max_rss_mb(self) -> float:
        """Peak resident memory of the process tree seen so far, in MiB."""
        return self._max_rss_mb

    def metrics_per_minute(self) -> dict[str, list[float]]:
        """``cpuUsage`` (% of one core) and ``memUsage`` (% of physical memory), averaged per emulated minute.

        Minutes without a sample before the start are absent; the list is empty before the process started.
        """
        if self.started_at is None:
            return {"cpuUsage": [], "memUsage": []}
        buckets: dict[int, list[tuple[float, float]]] = {}
        for t, cpu, mem in list(self.samples):
            buckets.setdefault(int((t - self.started_at) // 60), []).append((cpu, mem))
        cpu_values = [round(sum(c for c, _ in v) / len(v), 3) for _, v in sorted(buckets.items())]
        mem_values = [round(sum(m for _, m in v) / len(v), 3) for _, v in sorted(buckets.items())]
        return {"cpuUsage": cpu_values, "memUsage": mem_values}

    def cleanup(self) -> None:
        """Stop the process if needed and remove the work directory (the log goes with it)."""
        self.terminate()
        self.wait(KILL_GRACE_SECONDS + 2)
        shutil.rmtree(self.work_dir, ignore_errors=True)

    # ---- the watcher thread ------------------------------------------------------------------------------
    def _log(self, line: str) -> None:
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(f"{SERVICE} {line}\n")

    def _finish(self, state: str, exit_code: int | None) -> None:
        self.exit_code = exit_code
        self.ended_at = self.emu.clock.now()
        self.state = state

    def _main(self) -> None:
        try:
            if not self._wait_for_start():
                self._log("job terminated before it started")
                self._finish(TERMINATED, None)
                return
            argv = self._prepare()
            if self._terminate.is_set():
                self._log("job terminated before it started")
                self._finish(TERMINATED, None)
                return
            code = self._run(argv)
            self._conclude(code)
        except RunSetupError as exc:
            self._log(f"ERROR: {exc}")
            self._finish(FAILED, None)
        except Exception as exc:  # an emulator-side problem must still end the run, visibly
            self._log(f"ERROR: internal emulator error: {exc!r}")
            self._finish(FAILED, None)
        finally:
            for sub in ("code", "inputs", "outputs"):
                shutil.rmtree(os.path.join(self.work_dir, sub), ignore_errors=True)

    def _wait_for_start(self) -> bool:
        """Block until the emulated clock reaches ``start_at``; False when terminated meanwhile."""
        while self.start_at is not None and self.emu.clock.now() < self.start_at:
            if self._terminate.wait(POLL_SECONDS):
                return False
        return not self._terminate.is_set()

    def _prepare(self) -> list[str]:
        """Download code and inputs, create the output dirs and build the command line."""
        obs = self.emu.obs
        if obs is None:
            raise RunSetupError("OBS is not started; runner mode needs it")
        self._log(f"job {self.job_key}: downloading code from {self.code_dir}")
        code_local = os.path.join(self.work_dir, "code")
        try:
            rel = boot_file_relative(self.code_dir, self.boot_file)
            count = download_obs_dir(obs, self.code_dir, code_local)
        except (ValueError, KeyError, OSError) as exc:
            raise RunSetupError(f"cannot download code_dir {self.code_dir}: {exc}") from exc
        boot_path = os.path.join(code_local, *rel.split("/"))
        if not os.path.isfile(boot_path):
            raise RunSetupError(f"boot file {self.boot_file} not found in code_dir {self.code_dir} ({count} files)")
        input_dirs = self._channel_dirs("inputs", self.inputs, download=True)
        output_dirs = self._channel_dirs("outputs", self.outputs, download=False)
        argv = [sys.executable, "-u", boot_path]
        argv += [f"--{name}={value}" for name, value in self.parameters]
        argv += [f"--{name}={path}" for name, path in input_dirs.items()]
        argv += [f"--{name}={path}" for name, path in output_dirs.items()]
        self._env = {**os.environ, **self.env, "MA_INPUTS": json.dumps(input_dirs), "MA_OUTPUTS": json.dumps(output_dirs),
                     "MA_CODE_DIR": code_local, "MA_WORK_DIR": self.work_dir, "MA_JOB_KEY": self.job_key,
                     "PYTHONUNBUFFERED": "1"}
        self.command = argv
        return argv

    def _channel_dirs(self, kind: str, channels: list[tuple[str, str]], *, download: bool) -> dict[str, str]:
        """Local directories of the input or output channels (inputs are downloaded)."""
        dirs: dict[str, str] = {}
        for name, url in channels:
            local = os.path.join(self.work_dir, kind, _safe(name))
            os.makedirs(local, exist_ok=True)
            if download and url:
                try:
                    count = download_obs_dir(self.emu.obs, url, local)
                except (ValueError, KeyError, OSError) as exc:
                    raise RunSetupError(f"cannot download input {name} from {url}: {exc}") from exc
                self._log(f"input {name}: {count} file(s) from {url}")
            elif download:
                self._log(f"input {name}: no OBS location, the directory is empty")
            dirs[name] = local
        return dirs

    def _run(self, argv: list[str]) -> int:
        """Spawn the process, sample it until it exits, and return its exit code."""
        self._log("start training: " + " ".join(argv[2:]))
        with open(self.log_path, "ab") as log_fh:
            proc = subprocess.Popen(argv, cwd=os.path.join(self.work_dir, "code"), env=self._env,
                                    stdout=log_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        with self._lock:
            self._proc = proc
        self.started_at = self.emu.clock.now()
        if self._terminate.is_set():
            _signal_group(proc, signal.SIGTERM)
        killed_at: float | None = None
        last = (time.monotonic(), 0.0)
        while proc.poll() is None:
            last = self._sample(proc.pid, last)
            if self._terminate.is_set():
                killed_at = killed_at or time.monotonic()
                if time.monotonic() - killed_at > KILL_GRACE_SECONDS:
                    _signal_group(proc, signal.SIGKILL)
            time.sleep(POLL_SECONDS)
        return int(proc.returncode)

    def _sample(self, pid: int, last: tuple[float, float]) -> tuple[float, float]:
        """Record CPU and memory of the process tree; returns the new (wall time, cpu seconds) reference."""
        import psutil

        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
            cpu = sum(sum(p.cpu_times()[:4]) for p in procs)
            rss = sum(p.memory_info().rss for p in procs)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            return last
        now = time.monotonic()
        cpu = max(cpu, self._cpu_seconds)
        percent = 100.0 * (cpu - last[1]) / (now - last[0]) if now > last[0] else 0.0
        self._cpu_seconds = cpu
        self._max_rss_mb = max(self._max_rss_mb, rss / (1024 * 1024))
        mem_percent = 100.0 * rss / psutil.virtual_memory().total
        self.samples.append((self.emu.clock.now(), round(percent, 3), round(mem_percent, 3)))
        return now, cpu

    def _conclude(self, code: int) -> None:
        """Decide the final state from the exit code; upload the outputs on success."""
        if self._terminate.is_set():
            self._log(f"job terminated by user, process exited with {code}")
            self._finish(TERMINATED, code)
            return
        self._log(f"process exited with {code}")
        if code != 0:
            self._finish(FAILED, code)
            return
        try:
            for name, url in self.outputs:
                if url:
                    keys = upload_dir_to_obs(self.emu.obs, os.path.join(self.work_dir, "outputs", _safe(name)), url)
                    self.uploaded.extend(keys)
                    self._log(f"output {name}: {len(keys)} file(s) uploaded to {url}")
        except Exception as exc:  # noqa: BLE001 - any OBS failure fails the job, as on ModelArts
            self._log(f"ERROR: uploading outputs failed: {exc!r}")
            self._finish(FAILED, code)
            return
        self._finish(COMPLETED, code)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Send ``sig`` to the process group of ``proc`` (it was started in its own session)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def start_training_run(emu: Emulator, *, job_key: str, code_dir: str, boot_file: str,
                       inputs: Iterable[tuple[str, str]] = (), outputs: Iterable[tuple[str, str]] = (),
                       parameters: Iterable[tuple[str, Any]] = (), env: dict[str, Any] | None = None,
                       start_at: float | None = None) -> TrainingRun:
    """Start a training run in a background thread and return it at once (state ``running``).

    The runs are also kept in ``emu.extras["training_runs"]`` (job_key -> run) so a reset or shutdown can stop
    them. Parameters: see :class:`TrainingRun`.
    """
    run = TrainingRun(emu, job_key=job_key, code_dir=code_dir, boot_file=boot_file, inputs=inputs,
                      outputs=outputs, parameters=parameters, env=env, start_at=start_at)
    emu.extras.setdefault("training_runs", {})[job_key] = run
    return run.start()


def stop_all_runs(emu: Emulator) -> int:
    """Terminate every run still going (for a reset or a shutdown of the emulator); returns how many."""
    runs = list(emu.extras.get("training_runs", {}).values())
    live = [run for run in runs if not run.is_final()]
    for run in live:
        run.terminate()
    return len(live)
