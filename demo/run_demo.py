"""`make demo`: the largest honest slice of the provider against the local emulator.

It starts the ModelArts emulator (IAM, ModelArts REST, OBS) on free loopback ports, configures the Airflow
connection ``modelarts_default`` as an environment variable, and then, through the provider's own hooks:

1. tests the connection (a real project-scoped ModelArts call, AK/SK signed);
2. round-trips a folder through OBS and checks every byte;
3. creates a dataset on the uploaded folder, which imports it;
4. lists the training flavors and engines the service offers.

Every number printed comes from the emulator's answers. The end-to-end retraining DAG replaces this slice when
it lands (see the issues).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import uuid
from pathlib import Path

from airflow_provider_modelarts.client.api import datasets, training_v2
from airflow_provider_modelarts.emulator.testing import start_emulator


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> int:
    with start_emulator(speed=20.0) as emu, tempfile.TemporaryDirectory() as tmp:
        os.environ["AIRFLOW_CONN_MODELARTS_DEFAULT"] = emu.airflow_connection_json()
        from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook
        from airflow_provider_modelarts.hooks.obs import OBSHook

        print(f"ModelArts emulator at {emu.url}, OBS at {emu.obs_url}")
        hook = ModelArtsHook()
        ok, message = hook.test_connection()
        print(f"1. connection test: {'OK' if ok else 'FAILED'} - {message}")
        if not ok:
            return 1

        src = Path(tmp, "landing")
        for i in range(12):
            (src / f"class_{i % 3}").mkdir(parents=True, exist_ok=True)
            (src / f"class_{i % 3}" / f"img_{i:03d}.jpg").write_bytes(os.urandom(2048 + i))
        obs = OBSHook()
        run = uuid.uuid4().hex[:8]
        uploaded = obs.upload_dir(str(src), f"obs://modelarts-emulator/demo-{run}/", keep_last_dir=True)
        back = Path(tmp, "back")
        obs.download_dir(f"obs://modelarts-emulator/demo-{run}/landing/", str(back), keep_last_dir=False)
        same = _digest(src) == _digest(back)
        print(f"2. OBS round trip: {len(uploaded)} files up, {len(_digest(back))} down, byte-identical: {same}")
        if not same:
            return 1

        created = hook.call(datasets.create_dataset({
            "dataset_name": f"demo-{run}", "dataset_type": 0, "work_path_type": 0,
            "work_path": f"/modelarts-emulator/demo-{run}/work/",
            "data_sources": [{"data_type": 0, "data_path": f"/modelarts-emulator/demo-{run}/landing/"}]}))
        # Creating a dataset with a data source starts the import of that source, as on ModelArts.
        task_id = created["import_task_id"]
        emu.advance(60)  # let the emulated import finish without waiting in real time
        info = hook.call(datasets.get_import_task(created["dataset_id"], task_id))
        print(f"3. dataset {created['dataset_id']}: import task {task_id} {info['status']}, "
              f"{info.get('imported_sample_count')} of {info.get('total_sample_count')} samples imported")

        flavors = hook.call(training_v2.list_flavors()).get("flavors", [])
        engines = hook.call(training_v2.list_engines()).get("items", [])
        print(f"4. training flavors: {', '.join(f['flavor_id'] for f in flavors)}")
        print(f"   training engines: {', '.join(sorted({e['engine_name'] for e in engines}))}")
        print(f"requests served by the emulator: {len(emu.requests())}")
        return 0 if info["status"] == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(main())
