"""Manifest and Pascal VOC utilities: exact round trips (local and obs:// through OBSHook), validation, and the
manifest builder; the emulator's own export manifest parses and re-serialises byte for byte."""

from __future__ import annotations

import json
import uuid

import pytest

from airflow_provider_modelarts.utils.manifest import (
    Annotation,
    Manifest,
    ManifestError,
    Sample,
    build_manifest,
    manifest_from_obs,
    parse_manifest,
)
from airflow_provider_modelarts.utils.voc import PascalVoc, Position, VocError, VocObject, VocSource, parse_xml

BUCKET = "obs://modelarts-emulator/"


def full_manifest() -> Manifest:
    """Every field the reference lists (tables 7-26 and 7-27), plus an unknown key."""
    note = Annotation(name="Bees", type="modelarts/image_classification", id="a1",
                      annotation_loc="obs://b/ann/1.xml", annotation_property={"color": "black"}, confidence=0.8,
                      creation_time="2019-02-20 08:23:06", annotated_by="human", annotation_format="manifest",
                      hard=True, hard_coefficient=0.25, annotation_loc_map={"k": "v"}, extra={"x-note": 1})
    first = Sample(source="s3://obs-path/image_0.jpg", usage="TRAIN", annotations=[note],
                   inference_loc="s3://obs-path/image_0.txt", id="s1", source_type="csv",
                   source_property={"@modelarts:start_index": 0}, hard=False, hard_coefficient=0.5,
                   hard_reasons="0-3", source_map={"a": "b"}, extra={"custom": [1, 2]})
    text = Sample(source="content://I love machine learning 中文", usage="EVAL")
    unlabeled = Sample(source="obs://b/c.jpg", annotations=[])
    return Manifest([first, text, unlabeled])


def test_manifest_round_trip_local_every_field(tmp_path) -> None:
    m = full_manifest()
    path = str(tmp_path / "sub" / "V001.manifest")
    m.save(path)
    again = parse_manifest(path)
    assert again == m and again.size == 3
    assert again.to_text() == (tmp_path / "sub" / "V001.manifest").read_text(encoding="utf-8")
    line = json.loads(again.to_text().splitlines()[0])
    assert line["annotation"][0]["annotated-by"] == "human" and line["inference-loc"].endswith(".txt")
    assert line["annotation"][0]["property"] == {"color": "black"} and line["hard-coefficient"] == 0.5
    m.save(path, save_mode="a")
    assert parse_manifest(path).size == 6


def test_foreign_manifest_round_trips_byte_for_byte_and_accepts_aliases() -> None:
    text = ('{"id":"x","source":"obs://b/k.jpg","annotations":[{"name":"cat","annotated_by":"human",'
            '"type":"modelarts/image_classification"}],"zz":3}\n')
    m = Manifest.from_text(text)
    assert m.samples[0].annotations[0].annotated_by == "human" and m.samples[0].extra == {"zz": 3}
    canonical = Manifest.from_text(m.to_text())
    assert canonical == m  # field for field
    compact = '{"id":"x","source":"obs://b/k.jpg","usage":"TEST","annotation":[{"type":"t","name":"n"}]}\n'
    assert Manifest.from_text(compact).to_text() == compact  # byte for byte, original key order kept


@pytest.mark.parametrize(("text", "message"), [
    ('{"source": "obs://b/k.jpg", "usage": "TRAINING"}', "usage"),
    ('{"usage": "TRAIN"}', "source"),
    ('{"source": "ftp://b/k.jpg"}', "source"),
    ('{"source": "obs://b/k.jpg", "annotation": [{"name": "a", "confidence": 1.5}]}', "confidence"),
    ('{"source": "obs://b/k.jpg", "hard-coefficient": -1}', "hard_coefficient"),
    ('{"source": "obs://b/k.jpg", "annotation": {"name": "a"}}', "annotation"),
    ("not json", "line 1"),
])
def test_manifest_validation_names_the_field(text, message) -> None:
    with pytest.raises(ManifestError, match=message):
        Manifest.from_text(text)


def test_manifest_strict_object_detection_and_size() -> None:
    m = Manifest([Sample("obs://b/1.jpg", annotations=[Annotation("car", "modelarts/object_detection")])])
    m.validate()
    with pytest.raises(ManifestError, match="annotation_loc"):
        m.validate(strict=True)
    with pytest.raises(ManifestError, match="size"):
        Manifest([Sample("obs://b/1.jpg")], size=2).validate()
    with pytest.raises(ValueError, match="save_mode"):
        Manifest([Sample("obs://b/1.jpg")]).save("/tmp/x.manifest", save_mode="x")


def test_build_manifest_labels_from_folders_and_mapping() -> None:
    keys = [BUCKET + k for k in ("f/cat/1.jpg", "f/dog/2.PNG", "f/top.jpg", "f/notes.txt", "other/3.jpg")]
    by_folder = build_manifest(keys, BUCKET + "f/", usage="TRAIN")
    assert [(s.source, s.labels) for s in by_folder.samples] == [
        (BUCKET + "f/cat/1.jpg", ["cat"]), (BUCKET + "f/dog/2.PNG", ["dog"]), (BUCKET + "f/top.jpg", [])]
    assert by_folder.samples[0].annotations[0].type == "modelarts/image_classification"
    mapped = build_manifest(keys, BUCKET + "f/", labels={"cat/": "feline", "top.jpg": ["a", "b"]},
                            label_type=1, source_scheme="s3://")
    assert [(s.source, s.labels) for s in mapped.samples] == [
        ("s3://modelarts-emulator/f/cat/1.jpg", ["feline"]), ("s3://modelarts-emulator/f/dog/2.PNG", []),
        ("s3://modelarts-emulator/f/top.jpg", ["a", "b"])]
    assert mapped.samples[0].annotations[0].type == "modelarts/object_detection"
    with pytest.raises(ManifestError, match="label_type"):
        build_manifest(keys, BUCKET + "f/", label_type=7)


def full_voc() -> PascalVoc:
    return PascalVoc(
        file_name="000000089955.jpg", width=640, height=321, depth=3, folder="NA",
        source=VocSource("The VOC2007 Database", "PASCAL VOC2007", "flickr"), segmented="1",
        mask_source="obs://b/masks/1.png",
        voc_objects=[
            VocObject("trafficlight", {"@modelarts:color": "#FFFFF0", "@modelarts:shape": "bndbox",
                                       "@modelarts:feature": [[347, 186], [382, 249]]}, pose="Unspecified",
                      truncated="0", occluded="1", difficult="0", confidence=0.75,
                      position=Position.bndbox(347, 186, 382.5, 249), mask_color="193,243,53",
                      parts=[VocObject("lamp", position=Position.circle(360, 200, 5.5))]),
            VocObject("p", position=Position.points("polygon", [(1, 2), (3, 4), (5, 6)])),
            VocObject("pt", position=Position.point(7, 8)),
            VocObject("ln", position=Position.points("line", [(0, 0), (10.25, 3)])),
        ])


def test_voc_round_trip_local_every_field(tmp_path) -> None:
    voc = full_voc()
    path = str(tmp_path / "a.xml")
    voc.save_xml(path)
    again = parse_xml(path)
    assert again == voc
    assert again.to_xml() == (tmp_path / "a.xml").read_text(encoding="utf-8")
    assert again.voc_objects[0].properties["@modelarts:feature"] == "[[347,186],[382,249]]"
    assert again.voc_objects[0].parts[0].position == Position("circle", {"cx": 360, "cy": 200, "r": 5.5})


def test_voc_reads_sdk_spelling_and_refuses_bad_documents() -> None:
    xml = ("<annotation><filename>a.jpg</filename><size><width>10</width><height>5</height><depth>3</depth></size>"
           "<object><name>car</name><bndbox><x_min>1</x_min><y_min>2</y_min><x_max>3</x_max><y_max>4</y_max>"
           "</bndbox></object></annotation>")
    voc = PascalVoc.from_xml(xml)
    assert voc.voc_objects[0].position == Position.bndbox(1, 2, 3, 4)
    for bad, message in ((xml.replace("<x_max>3", "<x_max>0"), "xmin <= xmax"),
                         (xml.replace("<width>10", "<width>ten"), "width"),
                         (xml.replace("<name>car</name>", ""), "name"),
                         ("<annotation><size/>", "well-formed"),
                         ('<!DOCTYPE x [<!ENTITY a "b">]><annotation/>', "DOCTYPE"),
                         (xml.replace("annotation>", "doc>"), "root element")):
        with pytest.raises(VocError, match=message):
            PascalVoc.from_xml(bad)
    with pytest.raises(VocError, match="PNG"):
        PascalVoc("a.jpg", 1, 1, mask_source="obs://b/m.jpg").validate()
    with pytest.raises(VocError, match="at least 3 points"):
        VocObject("x", position=Position.points("polygon", [(1, 2), (3, 4)])).validate()
    with pytest.raises(VocError, match="confidence"):
        VocObject("x", confidence=2).validate()


# ---- through OBS -------------------------------------------------------------------------------------------------
@pytest.fixture
def obs(modelarts_conn):
    from airflow_provider_modelarts.hooks.obs import OBSHook

    return OBSHook()


def test_round_trips_through_obs(obs) -> None:
    prefix = f"{BUCKET}utils-{uuid.uuid4().hex[:8]}/"
    m = full_manifest()
    m.save(prefix + "V001.manifest", obs_hook=obs)
    assert parse_manifest(prefix + "V001.manifest", obs_hook=obs) == m
    assert obs.read_text(prefix + "V001.manifest") == m.to_text()
    m.save(prefix + "V001.manifest", save_mode="a", obs_hook=obs)
    assert parse_manifest(prefix + "V001.manifest", obs_hook=obs).size == 6
    voc = full_voc()
    voc.save_xml(prefix + "a.xml", obs_hook=obs)
    assert PascalVoc.parse_xml(prefix + "a.xml", obs_hook=obs) == voc
    assert obs.read_text(prefix + "a.xml") == voc.to_xml()


def test_manifest_from_obs_folder(obs) -> None:
    prefix = f"{BUCKET}utils-{uuid.uuid4().hex[:8]}/imgs/"
    for rel in ("cat/1.jpg", "dog/2.jpg", "x.txt"):
        obs.write_bytes(prefix + rel, b"x")
    m = manifest_from_obs(prefix, obs_hook=obs)
    assert [(s.source, s.labels) for s in m.samples] == [(prefix + "cat/1.jpg", ["cat"]),
                                                         (prefix + "dog/2.jpg", ["dog"])]


def test_emulator_export_manifest_round_trips_byte_for_byte(obs, emulator) -> None:
    """A manifest written by the (emulated) service parses and re-serialises to the same bytes."""
    from airflow_provider_modelarts.hooks.modelarts import ModelArtsHook

    hook = ModelArtsHook()
    prefix = f"{BUCKET}utils-{uuid.uuid4().hex[:8]}/"
    for rel in ("cat/1.jpg", "dog/2.jpg"):
        obs.write_bytes(prefix + "data/" + rel, b"x")
    manifest = Manifest([Sample(prefix + "data/cat/1.jpg", usage="TRAIN",
                                annotations=[Annotation("cat", "modelarts/image_classification")]),
                         Sample(prefix + "data/dog/2.jpg")])
    manifest.save(prefix + "in.manifest", obs_hook=obs)
    name = f"utils-{uuid.uuid4().hex[:8]}"
    dataset_id = hook.create_dataset({"dataset_name": name, "dataset_type": 0, "work_path_type": 0,
                                      "work_path": prefix.replace("obs://", "/") + "work/",
                                      "data_sources": [{"data_type": 0,
                                                        "data_path": prefix.replace("obs://", "/") + "input/"}]}
                                     )["dataset_id"]
    import time

    time.sleep(0.3)
    task = hook.create_import_task(dataset_id, {"import_path": prefix + "in.manifest", "import_type": "manifest"})
    _wait(lambda: hook.get_import_task(dataset_id, task)["status"] == "COMPLETED")
    export = hook.create_export_task(dataset_id, {"path": prefix.replace("obs://", "/") + "out/"})
    _wait(lambda: hook.get_export_task(dataset_id, export)["status"] == "SUCCESSED")
    raw = obs.read_text(f"{prefix}out/Data/{name}.manifest")
    parsed = Manifest.from_text(raw)
    assert parsed.size == 2 and sorted(s.labels for s in parsed.samples) == [[], ["cat"]]
    assert parsed.to_text() == raw


def _wait(condition, timeout: float = 30) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)
