"""A tiny training script for the emulator's runner mode (pure Python, no third-party package).

Fits ``y = slope * x + intercept`` by least squares on every ``*.csv`` file (header ``x,y``) in the input
directory and writes, into the output directory, the model layout documented in
``airflow_provider_modelarts/emulator/runner.py``::

    model/config.json             {"model_type": "linear_regression", "slope": ..., "intercept": ...}
    model/customize_service.py    def predict(data: dict, model_dir: str) -> dict
    metrics.json                  {"mse": ..., "r2": ..., "samples": ...}

Arguments (ModelArts style): ``--data_url=<input dir> --train_url=<output dir>``; hyperparameters
``--learning_rate=LR --iterations=N`` fit by gradient descent on standardised x instead (what
``modelarts_hpo_sweep`` tunes; the metrics then also carry them); plus test knobs
``--exit_code=N`` (exit with N after training, without writing anything) and ``--sleep=S`` (run S more
seconds, printing a line every 0.1 s, before finishing).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

SERVICE_CODE = '''"""Inference code of the linear regression model (the emulator's model contract)."""

import json
import os


def predict(data: dict, model_dir: str) -> dict:
    """``{"x": [numbers]}`` -> ``{"y": [slope * x + intercept]}`` using ``config.json`` in ``model_dir``."""
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as fh:
        config = json.load(fh)
    xs = data.get("x", [])
    if not isinstance(xs, list):
        xs = [xs]
    return {"y": [config["slope"] * float(x) + config["intercept"] for x in xs]}
'''


def read_points(data_dir: str) -> list[tuple[float, float]]:
    """Every ``(x, y)`` row of the CSV files in ``data_dir``."""
    points: list[tuple[float, float]] = []
    for name in sorted(os.listdir(data_dir)):
        if name.endswith(".csv"):
            with open(os.path.join(data_dir, name), newline="", encoding="utf-8") as fh:
                points += [(float(row["x"]), float(row["y"])) for row in csv.DictReader(fh)]
    return points


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    return slope, mean_y - slope * mean_x


def fit_gradient_descent(points: list[tuple[float, float]], learning_rate: float,
                         iterations: int) -> tuple[float, float]:
    """Slope and intercept after ``iterations`` full-batch gradient steps on standardised x (MSE loss)."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    std_x = (sum((x - mean_x) ** 2 for x, _ in points) / n) ** 0.5 or 1.0
    w = b = 0.0
    for _ in range(iterations):
        grad_w = grad_b = 0.0
        for x, y in points:
            scaled = (x - mean_x) / std_x
            error = w * scaled + b - y
            grad_w += error * scaled
            grad_b += error
        w -= learning_rate * grad_w / n
        b -= learning_rate * grad_b / n
    return w / std_x, b - w * mean_x / std_x


def evaluate(points: list[tuple[float, float]], slope: float, intercept: float) -> dict[str, float]:
    """Mean squared error and R^2 on the training points."""
    mean_y = sum(y for _, y in points) / len(points)
    sse = sum((y - (slope * x + intercept)) ** 2 for x, y in points)
    sst = sum((y - mean_y) ** 2 for _, y in points)
    return {"mse": sse / len(points), "r2": 1.0 - sse / sst if sst else 1.0, "samples": len(points)}


def write_model(out_dir: str, slope: float, intercept: float, metrics: dict[str, float]) -> None:
    """The model directory layout of the emulator's model contract."""
    model_dir = os.path.join(out_dir, "model")
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "config.json"), "w", encoding="utf-8") as fh:
        json.dump({"model_type": "linear_regression", "slope": slope, "intercept": intercept}, fh)
    with open(os.path.join(model_dir, "customize_service.py"), "w", encoding="utf-8") as fh:
        fh.write(SERVICE_CODE)
    with open(os.path.join(out_dir, "metrics.json"), "w", encoding="utf-8") as fh:
        json.dump(metrics, fh)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_url", required=True)
    parser.add_argument("--train_url", required=True)
    parser.add_argument("--exit_code", type=int, default=0)
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--learning_rate", type=float, default=None)
    parser.add_argument("--iterations", type=int, default=1)
    args, unknown = parser.parse_known_args()
    print(f"train.py started, data_url={args.data_url} train_url={args.train_url} extra={unknown}")
    points = read_points(args.data_url)
    print(f"read {len(points)} points")
    if not points:
        print("no training data found", file=sys.stderr)
        return 2
    if args.learning_rate is None:
        slope, intercept = fit(points)
    else:
        slope, intercept = fit_gradient_descent(points, args.learning_rate, args.iterations)
    print(f"epoch {args.iterations}/{args.iterations} slope={slope:.4f} intercept={intercept:.4f}")
    deadline = time.monotonic() + args.sleep
    tick = 0
    while time.monotonic() < deadline:
        tick += 1
        print(f"still training, tick {tick}")
        time.sleep(0.1)
    if args.exit_code:
        print(f"failing on purpose with exit code {args.exit_code}", file=sys.stderr)
        return args.exit_code
    metrics: dict[str, float] = evaluate(points, slope, intercept)
    if args.learning_rate is not None:
        metrics.update(learning_rate=args.learning_rate, iterations=args.iterations)
    write_model(args.train_url, slope, intercept, metrics)
    print(f"metrics {json.dumps(metrics)}")
    print("training finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
