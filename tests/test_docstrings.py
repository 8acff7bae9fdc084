"""Issue 13: one ``:param`` per line in every docstring of the package, so Sphinx renders each argument as its own
field (two on one line render as one garbled entry, and ``make docs`` only checks that each name appears)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "airflow_provider_modelarts"


def _docstrings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                found.append((getattr(node, "lineno", 1), doc))
    return found


def test_every_docstring_has_one_param_per_line() -> None:
    crowded = [f"{path.relative_to(PACKAGE.parent)}:{lineno}: {line.strip()[:80]}"
               for path in sorted(PACKAGE.rglob("*.py")) for lineno, doc in _docstrings(path)
               for line in doc.splitlines() if line.count(":param ") > 1]
    assert not crowded, "several :param on one docstring line:\n" + "\n".join(crowded)


def test_the_check_sees_a_crowded_line(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('def f(a, b):\n    """Do.\n\n    :param a: one. :param b: two.\n    """\n')
    assert any(line.count(":param ") > 1 for _, doc in _docstrings(sample) for line in doc.splitlines())
