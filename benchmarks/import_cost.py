"""(a) DAG-parse cost: what importing the provider's operator, sensor and trigger modules adds to a DAG file.

Each run is a fresh ``python -X importtime`` process that first imports ``airflow.sdk`` (every DAG file pays that
anyway), writes a marker, then imports the target modules. The cost is the sum of the *self* times of every
module imported after the marker (``-X importtime``), plus the wall time of those imports. The targets are all
modules of ``operators/``, ``sensors/`` and ``triggers/`` (globbed, so new ones count automatically), one
representative module, and ``airflow.providers.amazon.aws.operators.sagemaker`` for comparison; the runs of the
targets are interleaved so machine noise hits them alike. Medians of ``runs`` runs; ratio = ours / SageMaker.
Also listed: heavy modules (``obs``, ``jsonschema``, ``httpx``, the emulator) that a target pulled in (must be none
for ours).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import PACKAGE, PYTHON, ROOT, Table, median, provider_modules

SAGEMAKER = "airflow.providers.amazon.aws.operators.sagemaker"
HEAVY = ("obs", "jsonschema", "httpx", "airflow_provider_modelarts.emulator", "boto3", "botocore")
_MARK = "@@AFTER-BASELINE"
_SCRIPT = """
import sys, time
import airflow.sdk
sys.stderr.write({mark!r} + "\\n"); sys.stderr.flush()
t = time.perf_counter()
{imports}
sys.stderr.write("@@WALL %f\\n" % (time.perf_counter() - t))
"""


@dataclass
class Sample:
    self_us: int
    wall_s: float
    modules: list[str] = field(default_factory=list)


def interpreter_env(cold_copy: str | None) -> dict[str, str]:
    """The environment of a measured interpreter (never writing bytecode, so runs do not change each other).

    :param cold_copy: a folder holding a copy of the package without any ``.pyc`` (first on ``PYTHONPATH``): every
        provider module is compiled from source on import. None: the package of this tree, whose bytecode
        :func:`compile_package` wrote, as an installed provider has (pip compiles ``.pyc`` at install, as it did
        for the Amazon provider).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if cold_copy is not None:
        env["PYTHONPATH"] = os.pathsep.join([cold_copy, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def compile_package() -> None:
    """Write the package's ``.pyc`` files (``__pycache__`` is ignored by git), as ``pip install`` does."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / PACKAGE)], check=True, capture_output=True,
                   timeout=600)


def measure_once(modules: Sequence[str], cold_copy: str | None = None) -> Sample:
    """One fresh interpreter: the import cost of ``modules`` on top of ``airflow.sdk``.

    :param modules: what to import.
    :param cold_copy: see :func:`interpreter_env`.
    """
    script = _SCRIPT.format(mark=_MARK, imports="\n".join(f"import {m}" for m in modules))
    proc = subprocess.run([PYTHON, "-X", "importtime", "-c", script], capture_output=True, text=True, cwd=cold_copy or ROOT,
                          timeout=300, env=interpreter_env(cold_copy))
    if proc.returncode != 0:
        raise RuntimeError(f"importing {modules} failed:\n{proc.stderr[-3000:]}")
    after = proc.stderr.split(_MARK, 1)[1].splitlines()
    self_us, wall, names = 0, 0.0, []
    for line in after:
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            self_part, _, name = line[len("import time:"):].split("|", 2)
            self_us += int(self_part.strip())
            names.append(name.strip())
        elif line.startswith("@@WALL"):
            wall = float(line.split()[1])
    return Sample(self_us, wall, names)


def sagemaker_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("airflow.providers.amazon") is not None


GOAL_ALL = 0.25  # issue 15: every DAG-facing module together at most this share of the SageMaker module


def run(runs: int = 7, *, per_module: bool = True) -> Table:
    """The table: every DAG-facing module together (with and without a bytecode cache), each module alone, and
    the SageMaker module, all with a bytecode cache unless said.

    :param runs: fresh interpreters per row (median shown).
    :param per_module: also one row per module (``runs`` interpreters each).
    """
    ours = provider_modules()
    everything = f"modelarts: all {len(ours)} operator/sensor/trigger modules"
    targets: dict[str, tuple[list[str], bool]] = {everything: (ours, True),
                                                  f"{everything}, no bytecode cache": (ours, False)}
    if per_module:
        targets.update({f"modelarts: {m.split('.', 1)[1]} alone": ([m], True) for m in ours})
    notes = [f"{runs} fresh interpreters per row, interleaved; median shown. Baseline `import airflow.sdk` is "
             "excluded (every DAG file pays it).",
             "bytecode cache: the rows import the package with its `.pyc` files (`compileall` first), as an "
             "installed provider has (pip compiles `.pyc` at install, as it did for the Amazon provider). The "
             "'no bytecode cache' row imports a copy without any `.pyc` under `PYTHONDONTWRITEBYTECODE=1` (the "
             "setting of these machines, where the editable install never gets a `.pyc`): every provider module is "
             "compiled from source on every import.",
             "modules: " + ", ".join(m.split(".", 1)[1] for m in ours)]
    if sagemaker_available():
        targets[f"amazon: {SAGEMAKER}"] = ([SAGEMAKER], True)
    else:
        notes.append("apache-airflow-providers-amazon is not installed: no SageMaker row and no ratio "
                     "(`make bench` installs it).")
    samples: dict[str, list[Sample]] = {k: [] for k in targets}
    compile_package()
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as cold:
        shutil.copytree(ROOT / PACKAGE, Path(cold) / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
        for _ in range(runs):
            for label, (modules, cached) in targets.items():
                samples[label].append(measure_once(modules, None if cached else cold))
    table = Table("(a) DAG-parse cost: import time on top of `airflow.sdk`",
                  ["target", "modules loaded", "import self-time ms (median)", "wall ms (median)",
                   "ratio to SageMaker (wall)", "goal", "heavy modules pulled in"], notes=notes)
    base_wall = median([s.wall_s for s in samples[f"amazon: {SAGEMAKER}"]]) if sagemaker_available() else None
    for label, rows in samples.items():
        wall = median([s.wall_s for s in rows])
        heavy = sorted({h for s in rows for n in s.modules for h in HEAVY if n == h or n.startswith(h + ".")})
        goal = f"<= {GOAL_ALL}" if label == everything else ""
        table.add(label, int(median([len(s.modules) for s in rows])), median([s.self_us for s in rows]) / 1000,
                  wall * 1000, (wall / base_wall) if base_wall else None, goal, ", ".join(heavy) or "none")
    return table


if __name__ == "__main__":
    print(run(3).render())
