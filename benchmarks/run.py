"""The one benchmark entry point (``make bench``): prints the machine and four tables as markdown.

Usage: ``python -m benchmarks.run [--only a,b,c,d] [--quick] [--dag DAG_ID] [--output FILE]``

* (a) DAG-parse cost vs ``airflow.providers.amazon.aws.operators.sagemaker`` (:mod:`benchmarks.import_cost`);
* (b) request economy of a DAG run (:mod:`benchmarks.request_economy`; default: ``modelarts_retraining`` and the v1
  example ``modelarts_legacy_v1_training``, one table each);
* (c) triggerer scale at 100, 500 and 1,000 waits (:mod:`benchmarks.triggerer_scale`) and the floor of one poll
  (:mod:`benchmarks.http_floor`: httpx alone, signing, the client, one poll);
* (d) OBS throughput vs s3transfer and a sequential copy (:mod:`benchmarks.obs_throughput`).

``--quick`` (a smoke run): fewer repetitions, smaller sizes. Timings are never asserted anywhere.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime

from benchmarks.common import Table, machine


def _quiet() -> None:
    """The hooks' per-transfer INFO lines and urllib3's pool warnings are not benchmark output."""
    for name in ("airflow", "airflow.task", "urllib3", "botocore", "s3transfer", "obs"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from airflow.sdk.log import configure_logging

    configure_logging(log_level="ERROR")


def build(which: str, *, quick: bool, dag_id: str | None) -> Table | list[Table]:
    if which == "a":
        from benchmarks import import_cost

        return import_cost.run(runs=3 if quick else 7)
    if which == "b":
        from benchmarks import request_economy

        if dag_id:
            return request_economy.run(dag_id)
        # goal 2 of issue 15 holds for both example DAGs: one table each
        return [request_economy.run(d) for d in request_economy.GOAL_DAGS]
    if which == "c":
        from benchmarks import http_floor, triggerer_scale

        if quick:
            return [triggerer_scale.run((20, 50), poll=2.0, window=6.0), http_floor.run(200)]
        return [triggerer_scale.run(), http_floor.run()]
    if which == "d":
        from benchmarks import obs_throughput

        if quick:
            return obs_throughput.run(runs=1, small_files=100, big_size=16 * 1024 * 1024)
        return obs_throughput.run(runs=3)
    raise SystemExit(f"unknown benchmark {which!r} (a, b, c, d)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="a,b,c,d", help="comma-separated subset of a,b,c,d")
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer repetitions, smaller sizes")
    parser.add_argument("--dag", default=None, help="DAG id for (b) (default: modelarts_retraining and modelarts_legacy_v1_training)")
    parser.add_argument("--output", default=None, help="also write the markdown to this file")
    args = parser.parse_args(argv)
    _quiet()
    started = time.monotonic()
    header = (f"## Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{' (--quick)' if args.quick else ''}\n\n"
              f"Machine: {machine()}\n")
    parts = [header]
    print(header, flush=True)
    for which in [w.strip() for w in args.only.split(",") if w.strip()]:
        t0 = time.monotonic()
        built = build(which, quick=args.quick, dag_id=args.dag)
        tables = built if isinstance(built, list) else [built]
        text = "\n".join(t.render() for t in tables) + f"\n({time.monotonic() - t0:.0f} s)\n"
        parts.append(text)
        print(text, flush=True)
    footer = f"Total {time.monotonic() - started:.0f} s.\n"
    print(footer)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write("\n".join(parts + [footer]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
