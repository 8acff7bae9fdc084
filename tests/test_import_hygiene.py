"""DAG-parse cost: importing any task module (operators, sensors, triggers, hooks, links) imports no esdk-obs,
jsonschema, httpx or emulator code.

Airflow itself loads httpx and jsonschema when ``airflow.sdk`` is imported, so a plain "is it in sys.modules" check
proves nothing for those two. Instead, after Airflow is imported, the forbidden modules are *poisoned*
(``sys.modules[name] = None``): any module-level ``import httpx`` (or jsonschema, obs, the emulator) in our code
then raises ImportError.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "airflow_provider_modelarts"
TASK_PACKAGES = ("operators", "sensors", "triggers", "hooks", "links", "decorators")
FORBIDDEN = ("obs", "jsonschema", "httpx", "moto", "boto3", "airflow_provider_modelarts.emulator", "openlineage",
             "airflow.providers.openlineage")


def task_modules() -> list[str]:
    mods = []
    for pkg in TASK_PACKAGES:
        for path in sorted((PACKAGE / pkg).rglob("*.py")):
            rel = path.relative_to(PACKAGE.parent).with_suffix("")
            mods.append(".".join(rel.parts).removesuffix(".__init__"))
    return mods


def test_task_modules_import_nothing_heavy() -> None:
    modules = task_modules()
    assert "airflow_provider_modelarts.operators.training" in modules
    assert "airflow_provider_modelarts.decorators.modelarts" in modules
    code = "\n".join([
        "import sys, importlib",
        "import airflow.sdk, airflow.sdk.configuration, airflow.triggers.base",
        "import airflow.providers.standard.operators.python",
        f"for name in {FORBIDDEN!r}:",
        "    for loaded in [m for m in sys.modules if m == name or m.startswith(name + '.')]:",
        "        del sys.modules[loaded]",
        "    sys.modules[name] = None",
        f"for mod in {modules!r}:",
        "    importlib.import_module(mod)",
        "print('ok', len(sys.modules))",
    ])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.startswith("ok")


def test_the_poison_catches_a_heavy_import(tmp_path) -> None:
    """The check above can fail: a module importing httpx at module level is caught."""
    (tmp_path / "heavy_mod.py").write_text("import httpx\n")
    code = "\n".join([
        "import sys",
        "import airflow.sdk",
        "sys.modules['httpx'] = None",
        f"sys.path.insert(0, {str(tmp_path)!r})",
        "import heavy_mod",
    ])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "import of httpx halted" in proc.stderr
