"""The data management body builders (``specs/datasets.py``): pure functions, no Airflow, no emulator."""

from __future__ import annotations

import subprocess
import sys

import pytest

from airflow_provider_modelarts.specs import SpecError
from airflow_provider_modelarts.specs.datasets import (
    annotation_fields,
    build_dataset_body,
    build_dataset_update_body,
    build_export_body,
    build_import_body,
    build_label_task_body,
    build_version_body,
    export_type_problem,
    import_mode_problem,
    label_objects,
    manifest_file_problem,
    samples_to_delete,
)

WORK = "obs://bkt/work/"
DATA = "obs://bkt/data/"
SOURCE = {"type": 0, "path": DATA}
IMAGENET = {"scene": "image_classification", "format_name": "ModelArts imageNet 1.0"}
PATH_FIX = "(fix: an OBS path such as obs://bucket/dir/)"


def _problems(build, *args, **kwargs) -> list[str]:
    with pytest.raises(SpecError) as info:
        build(*args, **kwargs)
    exc = info.value
    assert str(exc) == f"Invalid {exc.what}:\n" + "\n".join(f"- {p}" for p in exc.problems)
    return exc.problems


def _dataset(**args):
    return build_dataset_body({"dataset_type": 0, "work_path": WORK, "data_sources": SOURCE, **args}, name="ds-1")


# ---- the builders import nothing of Airflow ---------------------------------------------------------------------
def test_the_specs_import_no_airflow_and_no_jsonschema() -> None:
    code = ("import sys, airflow_provider_modelarts.specs.datasets\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('airflow', 'jsonschema', 'httpx', 'obs')]\n"
            "assert not bad, bad\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]


# ---- datasets ----------------------------------------------------------------------------------------------------
def test_dataset_by_data_type_is_sent_as_its_dataset_type() -> None:
    body = build_dataset_body({"data_type": "image", "work_path": {"type": 0, "path": "obs://bkt/work"},
                               "data_sources": SOURCE, "description": "flowers"}, name="ds-1")
    assert body == {"dataset_name": "ds-1", "work_path": "/bkt/work/", "description": "flowers",
                    "dataset_type": 0, "work_path_type": 0,
                    "data_sources": [{"data_type": 0, "data_path": "/bkt/data/"}]}


def test_dataset_type_as_a_rendered_string_and_a_table_source() -> None:
    body = build_dataset_body({"dataset_type": "400", "dataset_name": "tab", "work_path": "/bkt/work/",
                               "data_sources": [{"type": 0, "path": "s3://bkt/t", "with_column_header": True}],
                               "schema": [{"schema_id": 1, "name": "x", "type": "DOUBLE"}]}, name="unused")
    assert body["dataset_type"] == 400 and body["dataset_name"] == "tab"
    assert body["data_sources"] == [{"data_type": 0, "data_path": "/bkt/t/", "with_column_header": True}]


def test_dataset_source_given_as_a_path_and_a_manifest_file_stays_a_file() -> None:
    assert _dataset(data_sources=DATA)["data_sources"] == [{"data_path": "/bkt/data/"}]
    manifest = _dataset(data_sources="obs://bkt/m/all.manifest")["data_sources"]
    assert manifest == [{"data_path": "/bkt/m/all.manifest"}]


def test_dataset_annotation_config_of_the_source_sets_import_annotations_and_is_not_sent() -> None:
    body = _dataset(data_sources={**SOURCE, "annotation_config": IMAGENET})
    assert body["import_annotations"] is True
    assert body["data_sources"] == [{"data_type": 0, "data_path": "/bkt/data/"}]
    assert _dataset(data_sources={**SOURCE, "annotation_config": IMAGENET},
                    import_annotations=False)["import_annotations"] is False


def test_dataset_type_and_data_type_exactly_one() -> None:
    expected = ("data_type / dataset_type: give exactly one (fix: data_type='IMAGE' to create by data type, or "
                "dataset_type=0 for an image classification dataset)")
    assert _problems(_dataset, data_type="IMAGE") == [expected]
    assert _problems(build_dataset_body, {"work_path": WORK, "data_sources": SOURCE}, name="ds") == [expected]


def test_dataset_work_path_missing_is_reported_once() -> None:
    problems = _problems(build_dataset_body, {"dataset_type": 0, "data_sources": SOURCE}, name="ds")
    assert problems == ["work_path: required (fix: an OBS folder such as obs://bucket/work/)"]


def test_dataset_work_path_not_an_obs_path_is_reported_once() -> None:
    (problem,) = _problems(_dataset, work_path="ftp://bkt/work/")
    assert problem.startswith("work_path: 'ftp://bkt/work/' is neither") and problem.endswith(PATH_FIX)


def test_dataset_work_path_of_another_storage_type() -> None:
    assert _problems(_dataset, work_path={"type": 1, "path": WORK}) == ["work_path.type: only 0 (OBS) is supported"]


def test_dataset_work_path_a_bare_bucket_is_the_schema_s_problem_with_its_fix() -> None:
    (problem,) = _problems(_dataset, work_path="obs://bkt/")
    assert problem.startswith("work_path: '/bkt/' does not match")
    assert problem.endswith("(fix: an OBS folder (not a bare bucket) such as obs://bucket/work/ or /bucket/work/)")


def test_dataset_data_sources_required() -> None:
    (problem,) = _problems(build_dataset_body, {"dataset_type": 0, "work_path": WORK}, name="ds")
    assert problem.startswith("data_sources: required (fix: the OBS folder the dataset takes its data from")


def test_dataset_data_source_path_not_an_obs_path() -> None:
    (problem,) = _problems(_dataset, data_sources={"type": 0, "path": "ftp://x/"})
    assert problem.startswith("data_sources.path: 'ftp://x/' is neither") and problem.endswith(PATH_FIX)


def test_dataset_name_rule_from_the_schema() -> None:
    (problem,) = _problems(_dataset, dataset_name="bad name!")
    assert problem.startswith("dataset_name: 'bad name!' does not match")
    assert problem.endswith("(fix: 1-100 letters, digits, '_' or '-')")


def test_dataset_table_needs_with_column_header() -> None:
    assert _problems(_dataset, dataset_type=400) == [
        "data_sources.with_column_header: required for table datasets (fix: True when the first row is the header)"]
    assert _problems(_dataset, dataset_type=None, data_type="TABLE") == [
        "data_sources.with_column_header: required for table datasets (fix: True when the first row is the header)"]


def test_dataset_text_triplet_labels() -> None:
    assert _problems(_dataset, dataset_type=102, labels=[{"name": "person", "type": 101}]) == [
        "labels: a text triplet dataset needs entity labels (type 101) and relation labels (type 102)"]
    labels = [{"name": "person", "type": 101},
              {"name": "knows", "type": 102,
               "property": {"@modelarts:from_type": "person", "@modelarts:to_type": "city"}}]
    assert _problems(_dataset, dataset_type=102, labels=labels) == [
        "labels[knows].property.@modelarts:to_type: must name an entity label (got 'city')"]
    labels[1]["property"]["@modelarts:to_type"] = "person"
    assert _dataset(dataset_type=102, labels=labels)["labels"] == labels


def test_dataset_work_path_inside_the_input_path() -> None:
    assert _problems(_dataset, work_path=DATA + "work/") == [
        "work_path: must not be the input path or inside it (fix: another folder)"]
    assert _problems(_dataset, work_path=DATA) == [
        "work_path: must not be the input path or inside it (fix: another folder)"]


def test_dataset_ai_gallery_source_needs_content_info() -> None:
    assert _problems(_dataset, data_sources={"type": 5}) == [
        "data_sources.content_info: required for AI Gallery sources (type 5)"]


def test_dataset_annotation_config_scene_and_format() -> None:
    assert _problems(_dataset, data_sources={**SOURCE, "annotation_config": {"scene": "object_detection"}}) == [
        "annotation_config: scene and format_name go together (fix: give both, or pass {} to import the labels "
        "of a manifest)"]
    config = {"scene": "object_detection", "format_name": "ModelArts imageNet 1.0"}
    assert _problems(_dataset, data_sources={**SOURCE, "annotation_config": config}) == [
        "annotation_config.format_name: 'ModelArts imageNet 1.0' is not a format of scene 'object_detection' (fix: "
        "one of ModelArts PASCAL VOC 1.0, YOLO)"]


def test_dataset_every_problem_is_reported_together() -> None:
    exc_problems = _problems(build_dataset_body, {
        "dataset_name": "bad name!", "data_type": "IMAGE", "dataset_type": 0,
        "work_path": {"type": 1, "path": "ftp://nope/"}, "labels": [{"type": 0}]}, name="ds")
    assert exc_problems[0].startswith("data_type / dataset_type: give exactly one")
    assert exc_problems[1] == "work_path.type: only 0 (OBS) is supported"
    assert exc_problems[2].startswith("work_path: 'ftp://nope/' is neither")
    assert exc_problems[3].startswith("data_sources: required")
    assert exc_problems[4].startswith("dataset_name: 'bad name!' does not match")
    assert exc_problems[5] == "labels[0].name: 'name' is a required property"
    assert len(exc_problems) == 6
    assert not any("work_path: 'work_path' is a required property" in p for p in exc_problems)


# ---- dataset update ---------------------------------------------------------------------------------------------
def test_update_body_labels_and_an_empty_description() -> None:
    body = build_dataset_update_body({"dataset_id": "d", "description": "", "add_labels": ["bird"],
                                      "delete_labels": [{"name": "cat", "type": 0}]})
    assert body == {"description": "", "add_labels": [{"name": "bird"}], "delete_labels": [{"name": "cat", "type": 0}]}


def test_update_with_nothing_to_update() -> None:
    assert _problems(build_dataset_update_body, {"dataset_id": "d"}) == [
        "nothing to update (fix: give dataset_name, description, current_version_id or labels)"]


def test_update_problems_together() -> None:
    assert _problems(build_dataset_update_body, {"dataset_id": "", "dataset_name": "a b",
                                                 "description": "no <tags>"}) == [
        "dataset_id: required", "dataset_name: 1-100 letters, digits, '_' or '-'",
        "description: 0-256 characters without ^ ! < > = & \" '"]
    assert _problems(build_dataset_update_body, {"dataset_id": "d", "description": "x" * 257}) == [
        "description: 0-256 characters without ^ ! < > = & \" '"]


# ---- import ------------------------------------------------------------------------------------------------------
def test_import_of_a_folder_and_of_a_manifest() -> None:
    assert build_import_body({"dataset_id": "d", "import_path": "obs://bkt/data"}) == {
        "import_path": "/bkt/data/", "import_type": "dir", "import_annotations": False}
    body = build_import_body({"dataset_id": "d", "import_path": "obs://bkt/m/all.manifest", "annotation_config": {}})
    assert body == {"import_path": "/bkt/m/all.manifest", "import_type": "manifest", "import_annotations": True}
    named = build_import_body({"dataset_id": "d", "import_path": "obs://bkt/m/list.txt", "import_type": "manifest"})
    assert named["import_path"] == "/bkt/m/list.txt" and named["import_type"] == "manifest"


def test_import_annotation_config_in_a_format() -> None:
    config = {**IMAGENET, "parameters": {"included_labels": ["cat"], "difficult_only": False,
                                         "sample_label_separator": "|", "label_separator": ";"}}
    body = build_import_body({"dataset_id": "d", "import_path": DATA, "annotation_config": config})
    assert body == {"import_path": "/bkt/data/", "import_type": "dir", "import_annotations": True,
                    "included_labels": [{"name": "cat"}], "difficult_only": False,
                    "label_format": {"text_sample_separator": "|", "text_label_separator": ";"}}


def test_import_annotations_override_and_label_objects() -> None:
    body = build_import_body({"dataset_id": "d", "import_path": DATA, "import_annotations": True,
                              "excluded_labels": ["dog", {"name": "bird", "type": 0}]})
    assert body["import_annotations"] is True
    assert body["excluded_labels"] == [{"name": "dog"}, {"name": "bird", "type": 0}]


def test_import_path_missing_is_reported_once() -> None:
    assert _problems(build_import_body, {"dataset_id": "d"}) == [
        "import_path: required (fix: an OBS folder or the exact .manifest file)"]


def test_import_path_not_an_obs_path_is_reported_once() -> None:
    (problem,) = _problems(build_import_body, {"dataset_id": "d", "import_path": "ftp://nope/"})
    assert problem.startswith("import_path: 'ftp://nope/' is neither") and problem.endswith(PATH_FIX)


def test_import_manifest_of_a_folder() -> None:
    assert _problems(build_import_body, {"dataset_id": "d", "import_path": DATA, "import_type": "manifest"}) == [
        "import_path: a manifest import needs the exact manifest file, not a folder"]


def test_import_problems_together() -> None:
    problems = _problems(build_import_body, {"import_path": "ftp://nope/", "import_type": "tarball",
                                             "annotation_config": {"format_name": "YOLO"}})
    assert problems[0].startswith("import_path: 'ftp://nope/' is neither")
    assert problems[1].startswith("annotation_config: scene and format_name go together")
    assert "dataset_id: 'dataset_id' is a required property" in problems
    assert any(p.startswith("import_type: 'tarball' is not one of") and "(fix: 'dir' or 'manifest'" in p
               for p in problems)
    assert len(problems) == 4


def test_annotation_fields_on_their_own() -> None:
    assert annotation_fields(None, what="x") == {"import_annotations": False}
    assert annotation_fields({}, what="x") == {"import_annotations": True}
    with pytest.raises(SpecError) as info:
        annotation_fields({"scene": "image_classification"}, what="import arguments")
    assert info.value.what == "import arguments" and len(info.value.problems) == 1


# ---- export ------------------------------------------------------------------------------------------------------
def test_export_body_to_a_folder() -> None:
    assert build_export_body({"dataset_id": "d", "path": "obs://bkt/export", "export_type": "3",
                              "samples": ["s1"]}) == {
        "path": "/bkt/export/", "export_type": 3, "export_params": {"export_dest": "DIR", "samples": ["s1"]}}


def test_export_to_a_new_dataset() -> None:
    body = build_export_body({"dataset_id": "d", "path": "/bkt/export/", "export_dest": "NEW_DATASET",
                              "export_new_dataset_name": "copy", "export_new_dataset_work_path": "obs://bkt/w2"})
    assert body == {"path": "/bkt/export/", "export_params": {
        "export_dest": "NEW_DATASET", "export_new_dataset_name": "copy", "export_new_dataset_work_path": "/bkt/w2/"}}
    assert _problems(build_export_body, {"dataset_id": "d", "path": "/bkt/export/", "export_dest": "NEW_DATASET"}
                     ) == ["new_dataset_name: required when export_dest is NEW_DATASET"]


def test_export_path_missing_is_reported_once() -> None:
    assert _problems(build_export_body, {"dataset_id": "d"}) == [
        "path: required (fix: an OBS folder such as obs://bucket/export/)"]


def test_export_problems_together() -> None:
    problems = _problems(build_export_body, {"dataset_id": "d", "path": "obs://bkt/export/", "export_type": 7,
                                             "samples": ["s1"], "export_new_dataset_work_path": "nope"})
    assert problems[0].startswith("new_dataset_work_path: 'nope' is neither") and problems[0].endswith(PATH_FIX)
    assert problems[1].startswith("export_type: 7 is not one of")
    assert problems[2] == "samples: only with export_type=3 (conditional export)"
    assert len(problems) == 3


# ---- versions, labeling tasks, samples, manifests --------------------------------------------------------------
def test_version_body_formats_the_ratio_and_drops_the_dataset_id() -> None:
    assert build_version_body({"dataset_id": "d", "version_name": "v1", "train_evaluate_sample_ratio": 0.8,
                               "label_task_type": "0"}) == {
        "version_name": "v1", "train_evaluate_sample_ratio": "0.80", "label_task_type": 0}


def test_version_problems_together() -> None:
    exc = _problems(build_version_body, {"dataset_id": "d", "version_name": "v" * 40,
                                         "train_evaluate_sample_ratio": "1.5"})
    assert [p.split(":")[0] for p in exc] == ["train_evaluate_sample_ratio", "version_name"]


def test_label_task_body() -> None:
    assert build_label_task_body({"dataset_id": "d", "task_name": "team", "task_type": "1", "repetition": "2"}) == {
        "task_name": "team", "task_type": 1, "repetition": 2}
    (problem,) = _problems(build_label_task_body, {"dataset_id": "d", "task_name": "no spaces"})
    assert problem.startswith("task_name: 'no spaces' does not match")


def test_samples_to_delete() -> None:
    assert samples_to_delete(" a, b ,,c") == ["a", "b", "c"]
    assert samples_to_delete(None, sample_state="__NONE__") is None
    assert samples_to_delete(None, label_name="dog") is None
    assert samples_to_delete(["a"]) == ["a"]
    assert _problems(samples_to_delete, None) == [
        "sample_ids: required (fix: a list of ids, or sample_state/label_name to select them)"]
    assert _problems(samples_to_delete, ["a", ""]) == ["sample_ids: a list of sample id strings"]
    assert _problems(samples_to_delete, [1]) == ["sample_ids: a list of sample id strings"]


def test_import_mode_and_export_type_problems() -> None:
    assert import_mode_problem(0, "dir") is None and import_mode_problem(None, "dir") is None
    assert import_mode_problem(101, "dir").startswith("a named entity dataset (type 101) cannot import an OBS dir")
    assert import_mode_problem(400, "manifest").startswith("a table dataset (type 400) cannot import a manifest")
    assert import_mode_problem(400, "dir") is None and import_mode_problem(900, "manifest") is None
    assert export_type_problem(900) is None
    assert export_type_problem(100).startswith("a text classification dataset (type 100): ModelArts can export only")


def test_manifest_file_problem() -> None:
    assert manifest_file_problem("obs://bkt/m/all.manifest") is None
    assert manifest_file_problem("/tmp/list.txt") is None
    for bad in (None, "", "obs://bkt/m/", "obs://bkt/a\tb.manifest"):
        assert manifest_file_problem(bad).startswith("manifest_path must name a file"), bad


def test_label_objects() -> None:
    assert label_objects(None) == []
    assert label_objects(["cat", {"name": "dog", "type": 0}]) == [{"name": "cat"}, {"name": "dog", "type": 0}]
