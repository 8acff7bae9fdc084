"""What the built distributions must (and must not) contain; ``python -m tests.release.dist_contents DIST``.

``make dist`` runs it after ``twine check``; ``tests/release/test_wheel.py`` runs it on the wheel it installs.
The required files are derived from the source tree (every ``schemas/*.json``, every emulator module), so a new
schema or emulator module is checked without editing this file.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "airflow_provider_modelarts"


def required_wheel_files(repo: Path = REPO) -> set[str]:
    """Paths the wheel must hold: ``py.typed``, every schema, every emulator module and the provider entry."""
    pkg = repo / PACKAGE
    files = {f"{PACKAGE}/py.typed", f"{PACKAGE}/get_provider_info.py", f"{PACKAGE}/__init__.py"}
    files |= {p.relative_to(repo).as_posix() for p in (pkg / "schemas").glob("*.json")}
    files |= {p.relative_to(repo).as_posix() for p in (pkg / "emulator").rglob("*.py")
              if "__pycache__" not in p.parts}
    return files


def wheel_problems(wheel: Path, repo: Path = REPO) -> list[str]:
    """Everything wrong with a wheel's contents (empty when it is right)."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next((zf.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")), "")
    problems = [f"missing {name}" for name in sorted(required_wheel_files(repo) - names)]
    problems += [f"test code shipped: {name}" for name in sorted(names)
                 if name.split("/")[0] in ("tests", "dags_examples", "benchmarks", "demo", "docs")
                 or "/tests/" in name or "conftest.py" in name]
    if f"provider_info = {PACKAGE}.get_provider_info:get_provider_info" not in entry_points:
        problems.append("entry point apache_airflow_provider/provider_info missing")
    return problems


def sdist_problems(sdist: Path) -> list[str]:
    """The sdist must build the same package: sources, schemas, py.typed, setup.cfg and README."""
    with tarfile.open(sdist) as tf:
        names = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    needed = {"setup.cfg", "pyproject.toml", "README.md", f"{PACKAGE}/py.typed", f"{PACKAGE}/get_provider_info.py"}
    needed |= {p.relative_to(REPO).as_posix() for p in (REPO / PACKAGE / "schemas").glob("*.json")}
    return [f"sdist missing {name}" for name in sorted(needed - names)]


def main(argv: list[str]) -> int:
    dist = Path(argv[0] if argv else "dist")
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"{dist}: expected one wheel and one sdist, found {[p.name for p in wheels + sdists]}")
        return 1
    problems = wheel_problems(wheels[0]) + sdist_problems(sdists[0])
    for problem in problems:
        print(f"{dist}: {problem}")
    if not problems:
        print(f"{wheels[0].name} and {sdists[0].name}: contents as required")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
