"""Example DAGs ``modelarts_data_pipeline`` and ``modelarts_labeled_data_consumer``: a data-engineering pipeline.

``modelarts_data_pipeline`` (daily):

1. ``land_images`` drops this run's images into an OBS landing folder, one sub-folder per label (here: generated
   bytes; in real life, an upstream system);
2. ``build_manifest`` writes a ModelArts manifest of the folder (labels from the sub-folder names);
3. ``ensure_dataset`` creates the image-classification dataset once (later runs reattach to it by name) and
   ``import_manifest`` imports the manifest with its labels;
4. ``export_labeled`` exports the labeled samples to ``obs://<bucket>/pipeline/exports/labeled/`` — an Airflow
   Asset, so ``modelarts_labeled_data_consumer`` is scheduled whenever new labeled data is exported;
5. ``download_export`` copies the export to the worker and ``report`` counts the samples per label.

Configuration: ``MODELARTS_EXAMPLE_BUCKET`` (default ``modelarts-emulator``), ``MODELARTS_EXAMPLE_POLL_INTERVAL``
(seconds, default 30); connection ``modelarts_default``.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from airflow.sdk import DAG, task

from airflow_provider_modelarts.operators.datasets import (
    ModelArtsBuildManifestOperator,
    ModelArtsCreateDatasetOperator,
    ModelArtsExportDatasetOperator,
    ModelArtsImportDatasetOperator,
    dataset_asset,
)
from airflow_provider_modelarts.operators.obs import OBSToLocalFilesystemOperator

BUCKET = os.environ.get("MODELARTS_EXAMPLE_BUCKET", "modelarts-emulator")
POLL = float(os.environ.get("MODELARTS_EXAMPLE_POLL_INTERVAL", "30"))
ROOT = f"obs://{BUCKET}/pipeline"
RUN = "{{ run_id | replace(':', '') | replace('+', '') | replace('.', '') | replace('_', '-') | lower }}"
LANDING = f"{ROOT}/landing/{RUN}/"
MANIFEST = f"{ROOT}/manifests/{RUN}.manifest"
EXPORT = f"{ROOT}/exports/labeled/"
LABELS = ("cat", "dog", "bird")
LOCAL_EXPORTS = Path(tempfile.gettempdir()) / "modelarts_data_pipeline"


def xcom(task_id: str, key: str = "return_value") -> str:
    return f"{{{{ ti.xcom_pull(task_ids='{task_id}', key='{key}') }}}}"


@task
def land_images(landing: str, per_label: int = 4) -> dict[str, int]:
    """Put ``per_label`` images of every label under ``landing/<label>/``."""
    from airflow_provider_modelarts.hooks.obs import OBSHook

    obs, rng = OBSHook(), random.Random(landing)
    for label in LABELS:
        for i in range(per_label):
            obs.write_bytes(f"{landing}{label}/{label}_{i:03d}.jpg", b"\xff\xd8\xff" + rng.randbytes(512))
    return {label: per_label for label in LABELS}


@task
def report(local_dir: str) -> dict[str, Any]:
    """Samples and labels of the downloaded export manifest(s)."""
    from airflow_provider_modelarts.utils.manifest import parse_manifest

    labels: Counter[str] = Counter()
    samples = 0
    for path in sorted(Path(local_dir).rglob("*.manifest")):
        manifest = parse_manifest(str(path))
        samples += len(manifest.samples)
        labels.update(name for sample in manifest.samples for name in sample.labels)
    summary = {"samples": samples, "labels": dict(sorted(labels.items()))}
    print("labeled data report: " + json.dumps(summary))
    return summary


with DAG("modelarts_data_pipeline", schedule="@daily", start_date=datetime(2026, 1, 1), catchup=False,
         tags=["modelarts", "example"], doc_md=__doc__) as pipeline:
    landed = land_images(LANDING)
    manifest = ModelArtsBuildManifestOperator(
        task_id="build_manifest", source_folder=LANDING, manifest_path=MANIFEST, labels="folders")
    dataset = ModelArtsCreateDatasetOperator(
        task_id="ensure_dataset", dataset_name="pipeline-images", dataset_type=0,
        # data_sources is Mandatory (OTC api-ref, SDK reference §7.1.2): the dataset's own input folder, synced at
        # creation; nothing is put there, the labeled data comes in through the manifest imports.
        data_sources=f"{ROOT}/dataset-input/",
        work_path=f"{ROOT}/dataset-work/", labels=list(LABELS), poll_interval=POLL)
    imported = ModelArtsImportDatasetOperator(
        task_id="import_manifest", dataset_id=xcom("ensure_dataset", "dataset_id"), import_path=MANIFEST,
        import_type="manifest", annotation_config={}, poll_interval=POLL)
    exported = ModelArtsExportDatasetOperator(
        task_id="export_labeled", dataset_id=xcom("ensure_dataset", "dataset_id"), path=EXPORT, export_type=0,
        poll_interval=POLL)
    download = OBSToLocalFilesystemOperator(
        task_id="download_export", src=EXPORT, dst=str(LOCAL_EXPORTS / RUN) + "/", keep_last_dir=False)

    landed >> manifest >> imported
    dataset >> imported >> exported >> download >> report(str(LOCAL_EXPORTS / RUN))

with DAG("modelarts_labeled_data_consumer", schedule=[dataset_asset(EXPORT)], start_date=datetime(2026, 1, 1),
         catchup=False, tags=["modelarts", "example"],
         doc_md="Runs whenever ``modelarts_data_pipeline`` exports new labeled data (an Airflow Asset).") as consumer:

    @task
    def announce(**context: Any) -> list[str]:
        """The asset events that triggered this run."""
        events = context.get("triggering_asset_events") or {}
        uris = sorted({event.asset.uri for evs in events.values() for event in evs})
        print(f"new labeled data at {uris}")
        return uris

    announce()
