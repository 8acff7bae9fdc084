"""Command line: ``python -m airflow_provider_modelarts.emulator [options]``.

Starts IAM + ModelArts on ``--port`` (default 18443, chosen to avoid the usual 8080/8443 clashes) and OBS on
``--obs-port`` (default ``--port`` + 1), prints the endpoints, the default identity and a ready-to-paste
``AIRFLOW_CONN_MODELARTS_DEFAULT``, then the line ``ModelArts emulator ready``, and serves until SIGINT or
SIGTERM (exit code 0). A malformed ``--config`` exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

DEFAULT_PORT = 18443
READY_LINE = "ModelArts emulator ready"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (every option documented for ``--help``)."""
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_modelarts.emulator",
        description="Local Huawei Cloud ModelArts emulator: IAM, ModelArts REST v1/v2, inference and OBS on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind both servers to (default: %(default)s; keep it on loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="port of the ModelArts + IAM endpoint (default: %(default)s; 0 picks a free port)")
    parser.add_argument("--obs-port", type=int, default=None,
                        help="port of the OBS (S3-compatible) endpoint (default: --port + 1, or a free port when "
                             "--port is 0; 0 picks a free port)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="emulated seconds per real second for job and service state machines "
                             "(default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of every random decision: ids, timings, faults (default: %(default)s)")
    parser.add_argument("--runner", action="store_true",
                        help="runner mode: training jobs really run their boot file and services really answer")
    parser.add_argument("--config", metavar="FILE",
                        help='JSON identities: {"projects": [{"id", "name"}], "domains": [{"name", "users": '
                             '[{"name", "password", "projects": [ids]}]}], "access_keys": [{"ak", "sk", '
                             '"projects": [ids], "security_token"?}]} (default: the built-in emulator identities)')
    parser.add_argument("--no-obs", action="store_true", help="do not start the OBS endpoint")
    parser.add_argument("--buckets", default="modelarts-emulator",
                        help="comma-separated OBS buckets to create at start (default: %(default)s)")
    parser.add_argument("--token-ttl", type=float, default=24 * 3600.0,
                        help="lifetime of IAM tokens in real seconds (default: %(default)s, 24 hours)")
    return parser


def load_config(path: str) -> dict[str, Any]:
    """Read and validate an identity file.

    :raises ValueError: with a message saying what is wrong.
    """
    from airflow_provider_modelarts.emulator.iam import validate_identities

    try:
        with open(path, encoding="utf-8") as fh:
            config = json.load(fh)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    validate_identities(config)
    return dict(config)


def banner(handle: Any) -> str:
    """What the CLI prints at start: endpoints, default identity, the Airflow connection, the ready line."""
    lines = [
        f"ModelArts endpoint:  {handle.url}",
        f"IAM endpoint:        {handle.url}",
        f"OBS endpoint:        {handle.obs_url or '(not started)'}",
        f"Admin API:           {handle.url}/_emulator/health",
        f"Project:             {handle.project_name} ({handle.project_id})",
        f"Access key (AK):     {handle.ak}",
        f"Secret key (SK):     {handle.sk}",
        f"Account (domain):    {handle.domain}",
        f"IAM user / password: {handle.user} / {handle.password}",
        "",
        f"export AIRFLOW_CONN_MODELARTS_DEFAULT='{handle.airflow_connection_json()}'",
        "",
        READY_LINE,
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGINT/SIGTERM; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config) if args.config else None
    except ValueError as exc:
        parser.exit(2, f"{parser.prog}: error: invalid --config: {exc}\n")
    obs_port = args.obs_port if args.obs_port is not None else (args.port + 1 if args.port else 0)
    buckets = [b.strip() for b in args.buckets.split(",") if b.strip()]

    from airflow_provider_modelarts.emulator.testing import EmulatorHandle, launch

    try:
        running = launch(host=args.host, port=args.port, obs_port=obs_port, speed=args.speed, seed=args.seed,
                         runner=args.runner, config=config, obs=not args.no_obs, buckets=buckets,
                         token_ttl=args.token_ttl)
    except OSError as exc:
        parser.exit(1, f"{parser.prog}: error: cannot start the emulator: {exc}\n")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(banner(EmulatorHandle.from_running(running)), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        running.stop()
        print("ModelArts emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
