"""OpenLineage of the ModelArts operators without the OpenLineage provider: the operators import and their lineage
hooks return None. The events of a real run (the pinned provider, a file transport) are checked on the first run
of ``tests/system/test_retraining.py`` (``test_first_run_reports_obs_datasets_and_the_job_facet``), which needs
no run of its own."""

from __future__ import annotations

import subprocess
import sys


def test_without_the_openlineage_provider_nothing_changes() -> None:
    """Provider and client poisoned (after Airflow itself started, whose provider discovery reads every installed
    distribution): the operators import, and their lineage hooks return None."""
    code = "\n".join([
        "import sys",
        "import airflow.sdk, airflow.sdk.configuration",
        "for name in ('airflow.providers.openlineage', 'openlineage'):",
        "    for loaded in [m for m in sys.modules if m == name or m.startswith(name + '.')]:",
        "        del sys.modules[loaded]",
        "    sys.modules[name] = None",
        "from airflow_provider_modelarts.operators.training import ModelArtsCreateTrainingJobOperator",
        "op = ModelArtsCreateTrainingJobOperator(task_id='t', code_dir='obs://b-k/code/', boot_file='t.py',",
        "    inputs='obs://b-k/data/', outputs='obs://b-k/out/')",
        "op.remote_ids = {'training_job_id': 'j'}",
        "assert op.lineage_locations() == (['obs://b-k/data/', 'obs://b-k/code/'], ['obs://b-k/out/'])",
        "assert op.get_openlineage_facets_on_complete(None) is None",
        "assert op.get_openlineage_facets_on_failure(None) is None",
        "print('ok')",
    ])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]
