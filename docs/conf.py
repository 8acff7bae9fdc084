"""Sphinx configuration: the guides (Markdown, via MyST) and the reference generated from the docstrings.

``make docs`` builds with ``-W``: any warning (a broken docstring, an undocumented operator argument, an
operator module missing from provider info, a dead cross-reference) fails the build. The reference pages are
written at build time by ``_ext/modelarts_reference.py`` into ``_generated/`` (ignored by git).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent))

# Importing the operator modules imports Airflow: give it a throwaway home so a docs build never touches (or
# needs) a real Airflow installation's config or database.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="modelarts-docs-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

from airflow_provider_modelarts import __version__  # noqa: E402

project = "airflow-provider-modelarts"
author = "airflow-provider-modelarts contributors"
copyright = "the airflow-provider-modelarts contributors, Apache-2.0"  # noqa: A001
version = release = __version__

extensions = ["myst_parser", "sphinx.ext.autodoc", "modelarts_reference"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# Pages other engineers write for the repository (not part of the user guide): kept out of the build so their
# edits never fail it. They are plain Markdown read on the repository.
exclude_patterns = ["_build", "benchmarks.md", "deployment.md", "api-decisions.md", "README.md"]

myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
autodoc_inherit_docstrings = False
autodoc_default_options = {"show-inheritance": True}

html_theme = "alabaster"
html_title = f"airflow-provider-modelarts {__version__}"
html_static_path: list[str] = []
