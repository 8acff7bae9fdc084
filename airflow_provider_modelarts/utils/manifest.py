"""ModelArts manifest files (SDK reference §7.6.1-7.6.3; seed inventory §3.6): parse, build, validate, save.

A manifest is UTF-8 JSON Lines, one sample per line. The on-disk keys are the service's (hyphenated) spelling;
the Python attributes are the SDK reference's names:

============================  ======================  ==================================================
Sample attribute              JSON key                Annotation attribute -> JSON key
============================  ======================  ==================================================
``source``                    ``source``              ``name`` -> ``name``, ``type`` -> ``type``
``usage``                     ``usage``               ``id`` -> ``id``
``annotations``               ``annotation``          ``annotation_loc`` -> ``annotation-loc``
``inference_loc``             ``inference-loc``       ``annotation_property`` -> ``property``
``id``                        ``id``                  ``confidence`` -> ``confidence``
``source_type``               ``source-type``         ``creation_time`` -> ``creation-time``
``source_property``           ``property``            ``annotated_by`` -> ``annotated-by``
``hard``                      ``hard``                ``annotation_format`` -> ``annotation-format``
``hard_coefficient``          ``hard-coefficient``    ``hard`` / ``hard_coefficient`` -> ``hard`` /
``hard_reasons``              ``hard-reasons``        ``hard-coefficient``
``source_map``                ``source-map``          ``annotation_loc_map`` -> ``annotation-loc-map``
============================  ======================  ==================================================

Reading also accepts ``annotations`` and the underscore spellings (``annotated_by`` ...). Unknown keys are kept
in ``extra`` and the original key order is remembered, so ``parse -> save`` reproduces a compact manifest byte
for byte, and every field round-trips.

Example::

    from airflow_provider_modelarts.utils.manifest import Annotation, Manifest, Sample

    m = Manifest([Sample("obs://bucket/img/1.jpg", usage="TRAIN",
                         annotations=[Annotation("cat", "modelarts/image_classification", annotated_by="human")])])
    m.save("obs://bucket/manifests/train.manifest")
    again = Manifest.parse_manifest("obs://bucket/manifests/train.manifest")
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_provider_modelarts.utils import read_text, write_text

if TYPE_CHECKING:
    from airflow_provider_modelarts.hooks.obs import OBSHook

USAGES = ("TRAIN", "EVAL", "TEST", "INFERENCE")
SOURCE_SCHEMES = ("obs://", "s3://", "https://", "http://", "content://", "/")
OBJECT_DETECTION = "modelarts/object_detection"
#: dataset type code -> manifest label ``type``.
LABEL_TYPES = {
    0: "modelarts/image_classification", 1: OBJECT_DETECTION, 3: "modelarts/image_segmentation",
    100: "modelarts/text_classification", 101: "modelarts/named_entity_recognition", 102: "modelarts/text_triplet",
    200: "modelarts/audio_classification", 201: "modelarts/audio_content", 202: "modelarts/audio_segmentation",
    400: "modelarts/table", 600: "modelarts/video_classification", 900: "modelarts/free_format",
}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp")


class ManifestError(ValueError):
    """A manifest (or a part of one) is malformed; the message says where and what to fix."""


class _Record:
    """JSON mapping shared by :class:`Sample` and :class:`Annotation`."""

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = ()  # (attribute, JSON key)
    extra: dict[str, Any]
    key_order: tuple[str, ...]

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        """JSON key (and accepted alternative spellings) -> attribute."""
        out: dict[str, str] = {}
        for attr, key in cls.KEYS:
            out[key.replace("-", "_")] = attr
            out[attr] = attr
        for attr, key in cls.KEYS:  # the canonical spelling wins
            out[key] = attr
        return out

    def _items(self) -> dict[str, Any]:
        items = {key: self._json_value(attr) for attr, key in self.KEYS if getattr(self, attr) is not None}
        items.update(self.extra)
        order = [k for k in self.key_order if k in items]
        return {**{k: items[k] for k in order}, **{k: v for k, v in items.items() if k not in order}}

    def _json_value(self, attr: str) -> Any:
        return getattr(self, attr)

    @classmethod
    def _split(cls, data: Mapping[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any], tuple[str, ...]]:
        if not isinstance(data, Mapping):
            raise ManifestError(f"{where}: a JSON object is expected, got {type(data).__name__}.")
        aliases = cls._aliases()
        known: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        order: list[str] = []
        for key, value in data.items():
            attr = aliases.get(key)
            canonical = dict(cls.KEYS).get(attr, key) if attr else key
            if attr is None:
                extra[key] = value
            elif attr not in known:
                known[attr] = value
            order.append(canonical)
        return known, extra, tuple(dict.fromkeys(order))


def _check_unit(value: Any, where: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or not 0 <= value <= 1:
        raise ManifestError(f"{where}: must be a number in [0, 1], got {value!r}.")


def _check_hard(value: Any, where: str) -> None:
    if value is not None and value not in (True, False, "true", "false", 0, 1, "0", "1"):
        raise ManifestError(f"{where}: must be a boolean (true/false), got {value!r}.")


def _check_str(value: Any, where: str, *, required: bool = False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value):
        raise ManifestError(f"{where}: a non-empty string is required, got {value!r}.")


@dataclass
class Annotation(_Record):
    """One label of a sample (SDK reference table 7-27).

    :param name: label name
    :param type: label type such as ``modelarts/image_classification``.
    :param id: annotation id
    :param annotation_loc: location of the label file (object detection: required).
    :param annotation_property: label attributes (JSON key ``property``)
    :param confidence: in [0, 1].
    :param creation_time: when the label was written (``2019-02-20 08:23:06``)
    :param annotated_by: ``human`` ...
    :param annotation_format: format of the label file (``PASCAL VOC`` ...)
    :param hard: hard example flag.
    :param hard_coefficient: in [0, 1]
    :param annotation_loc_map: label-path mapping.
    :param extra: further JSON keys, kept as they are.
    """

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("name", "name"), ("type", "type"), ("id", "id"), ("annotation_loc", "annotation-loc"),
        ("annotation_property", "property"), ("confidence", "confidence"), ("creation_time", "creation-time"),
        ("annotated_by", "annotated-by"), ("annotation_format", "annotation-format"), ("hard", "hard"),
        ("hard_coefficient", "hard-coefficient"), ("annotation_loc_map", "annotation-loc-map"))

    name: str | None = None
    type: str | None = None
    id: str | None = None
    annotation_loc: str | None = None
    annotation_property: Any = None
    confidence: float | None = None
    creation_time: str | None = None
    annotated_by: str | None = None
    annotation_format: str | None = None
    hard: Any = None
    hard_coefficient: float | None = None
    annotation_loc_map: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    key_order: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def validate(self, where: str = "annotation", *, strict: bool = False) -> None:
        """Raise :class:`ManifestError` naming the field. ``strict``: object detection needs ``annotation_loc``."""
        _check_str(self.name, f"{where}.name", required=self.annotation_loc is None)
        for attr in ("type", "id", "annotation_loc", "creation_time", "annotated_by", "annotation_format"):
            _check_str(getattr(self, attr), f"{where}.{attr}")
        _check_unit(self.confidence, f"{where}.confidence")
        _check_unit(self.hard_coefficient, f"{where}.hard_coefficient")
        _check_hard(self.hard, f"{where}.hard")
        if strict and self.type == OBJECT_DETECTION and not self.annotation_loc:
            raise ManifestError(f"{where}.annotation_loc: required for object detection labels (the location of "
                                "the Pascal VOC file).")

    def to_json(self) -> dict[str, Any]:
        return self._items()

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "annotation") -> Annotation:
        known, extra, order = cls._split(data, where)
        return cls(**known, extra=extra, key_order=order)


@dataclass
class Sample(_Record):
    """One object of a manifest (SDK reference table 7-26).

    :param source: URI of the object (``obs://``, ``s3://``, ``https://`` or ``content://<text>``).
    :param usage: ``TRAIN``, ``EVAL``, ``TEST`` or ``INFERENCE`` (absent: the consumer decides).
    :param annotations: the labels (JSON key ``annotation``); None or empty: unlabelled.
    :param inference_loc: result file location (manifests written by inference)
    :param id: sample id.
    :param source_type: e.g. ``csv``
    :param source_property: source attributes (JSON key ``property``).
    :param hard: hard example flag
    :param hard_coefficient: in [0, 1].
    :param hard_reasons: hard-reason ids joined by ``-``
    :param source_map: source mapping.
    :param extra: further JSON keys, kept as they are.
    """

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("source", "source"), ("usage", "usage"), ("id", "id"), ("source_type", "source-type"),
        ("source_property", "property"), ("hard", "hard"), ("hard_coefficient", "hard-coefficient"),
        ("hard_reasons", "hard-reasons"), ("source_map", "source-map"), ("annotations", "annotation"),
        ("inference_loc", "inference-loc"))

    source: str = ""
    usage: str | None = None
    annotations: list[Annotation] | None = None
    inference_loc: str | None = None
    id: str | None = None
    source_type: str | None = None
    source_property: Any = None
    hard: Any = None
    hard_coefficient: float | None = None
    hard_reasons: str | None = None
    source_map: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    key_order: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def _json_value(self, attr: str) -> Any:
        if attr == "annotations":
            return [a.to_json() for a in self.annotations or []]
        return getattr(self, attr)

    @property
    def labels(self) -> list[str]:
        """The label names of this sample."""
        return [a.name for a in self.annotations or [] if a.name]

    def validate(self, where: str = "sample", *, strict: bool = False) -> None:
        """Raise :class:`ManifestError` naming the field and the fix."""
        _check_str(self.source, f"{where}.source", required=True)
        if any(c in self.source for c in "\r\n\t") and not self.source.startswith("content://"):
            raise ManifestError(f"{where}.source: newline, carriage return and tab are not allowed.")
        if not self.source.startswith(SOURCE_SCHEMES):
            raise ManifestError(f"{where}.source: {self.source!r} must be an obs://, s3://, https:// or content:// "
                                "URI.")
        if self.usage is not None and self.usage not in USAGES:
            raise ManifestError(f"{where}.usage: {self.usage!r} is not one of {', '.join(USAGES)} (or leave it "
                                "out).")
        for attr in ("inference_loc", "id", "source_type", "hard_reasons"):
            _check_str(getattr(self, attr), f"{where}.{attr}")
        _check_unit(self.hard_coefficient, f"{where}.hard_coefficient")
        _check_hard(self.hard, f"{where}.hard")
        if self.annotations is not None and not isinstance(self.annotations, list):
            raise ManifestError(f"{where}.annotations: a list of Annotation is expected.")
        for i, note in enumerate(self.annotations or []):
            if not isinstance(note, Annotation):
                raise ManifestError(f"{where}.annotations[{i}]: an Annotation is expected, got "
                                    f"{type(note).__name__}.")
            note.validate(f"{where}.annotations[{i}]", strict=strict)

    def to_json(self) -> dict[str, Any]:
        return self._items()

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "sample") -> Sample:
        known, extra, order = cls._split(data, where)
        notes = known.pop("annotations", None)
        if notes is not None:
            if not isinstance(notes, list):
                raise ManifestError(f"{where}.annotation: a JSON array is expected.")
            known["annotations"] = [Annotation.from_json(n, f"{where}.annotation[{i}]") for i, n in enumerate(notes)]
        return cls(**known, extra=extra, key_order=order)


@dataclass
class Manifest:
    """A manifest: ``samples`` and ``size`` (the number of samples; defaults to ``len(samples)``)."""

    samples: list[Sample] = field(default_factory=list)
    size: int | None = None

    def __post_init__(self) -> None:
        if self.size is None:
            self.size = len(self.samples)

    def validate(self, *, strict: bool = False) -> None:
        """Check every sample (and ``size``); :class:`ManifestError` names the first problem."""
        if not isinstance(self.size, int) or self.size != len(self.samples):
            raise ManifestError(f"size: {self.size!r} does not match the {len(self.samples)} samples (leave size "
                                "out to count them).")
        for i, sample in enumerate(self.samples):
            if not isinstance(sample, Sample):
                raise ManifestError(f"samples[{i}]: a Sample is expected, got {type(sample).__name__}.")
            sample.validate(f"samples[{i}] (line {i + 1})", strict=strict)

    def to_text(self) -> str:
        """The manifest as JSON Lines (compact, UTF-8 characters kept, one ``\\n`` after every line)."""
        return "".join(json.dumps(s.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n"
                       for s in self.samples)

    @classmethod
    def from_text(cls, text: str, *, where: str = "manifest") -> Manifest:
        """Parse JSON Lines (blank lines are skipped); :class:`ManifestError` names the line."""
        samples = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ManifestError(f"{where} line {number}: not valid JSON ({exc.msg} at column {exc.colno}).") \
                    from None
            sample = Sample.from_json(data, f"{where} line {number}")
            sample.validate(f"{where} line {number}")
            samples.append(sample)
        return cls(samples)

    @classmethod
    def parse_manifest(cls, manifest_path: str, encoding: str = "utf-8", *,
                       obs_hook: OBSHook | None = None) -> Manifest:
        """Read and validate a manifest from a local path or ``obs://`` (SDK ``Manifest.parse_manifest``).

        :param manifest_path: local path or ``obs://bucket/key``.
        :param encoding: file encoding (UTF-8 by the format's rules).
        :param obs_hook: the OBS hook for ``obs://`` paths (the SDK's ``session``).
        """
        return cls.from_text(read_text(manifest_path, encoding=encoding, obs_hook=obs_hook), where=manifest_path)

    def save(self, path: str, *, save_mode: str = "w", obs_hook: OBSHook | None = None,
             encoding: str = "utf-8", strict: bool = False) -> str:
        """Validate, then write the manifest to a local path or ``obs://`` (SDK ``manifest_info.save``).

        :param path: local path or ``obs://bucket/key``.
        :param save_mode: ``w`` overwrite (default) or ``a`` append.
        :param obs_hook: the OBS hook for ``obs://`` paths.
        :param encoding: file encoding.
        :param strict: also require ``annotation_loc`` on object detection labels.
        """
        self.validate(strict=strict)
        return write_text(path, self.to_text(), save_mode=save_mode, encoding=encoding, obs_hook=obs_hook)

    @property
    def label_names(self) -> list[str]:
        """Every label name used, in first-seen order."""
        return list(dict.fromkeys(name for s in self.samples for name in s.labels))


def parse_manifest(manifest_path: str, encoding: str = "utf-8", *, obs_hook: OBSHook | None = None) -> Manifest:
    """:meth:`Manifest.parse_manifest` as a function."""
    return Manifest.parse_manifest(manifest_path, encoding, obs_hook=obs_hook)


# ---- building a manifest from an OBS folder ----------------------------------------------------------------------
def _labels_for(relative: str, labels: str | Mapping[str, str | Sequence[str]] | None) -> list[str]:
    if labels is None:
        return []
    if labels == "folders":
        return [relative.split("/", 1)[0]] if "/" in relative else []
    if isinstance(labels, str):
        raise ManifestError(f"labels: {labels!r} is not 'folders', a mapping or None.")
    if relative in labels:
        value = labels[relative]
    else:
        prefixes = [k for k in labels if k.endswith("/") and relative.startswith(k)]
        if not prefixes:
            return []
        value = labels[max(prefixes, key=len)]
    return [value] if isinstance(value, str) else [str(v) for v in value]


def build_manifest(keys: Iterable[str], folder: str, *, labels: str | Mapping[str, str | Sequence[str]] | None =
                   "folders", label_type: str | int = LABEL_TYPES[0], extensions: Sequence[str] | None =
                   IMAGE_EXTENSIONS, usage: str | None = None, annotated_by: str = "human",
                   source_scheme: str = "obs://") -> Manifest:
    """A manifest of the objects ``keys`` under the OBS folder ``folder`` (no I/O: see :func:`manifest_from_obs`).

    :param keys: object URLs (``obs://bucket/key``) under ``folder``.
    :param folder: ``obs://bucket/prefix/``.
    :param labels: ``"folders"`` (the first sub-folder under ``folder`` is the label, ImageNet layout; files
        directly in ``folder`` are unlabelled), a mapping of a path relative to ``folder`` (a file, or a sub-folder
        ending with ``/``; the longest match wins) to a label name or a list of names, or None (no labels).
    :param label_type: manifest label type, or a dataset type code (0 -> ``modelarts/image_classification``).
    :param extensions: file name endings to keep (case-insensitive); None keeps every file.
    :param usage: ``TRAIN``/``EVAL``/``TEST``/``INFERENCE`` for every sample, or None.
    :param annotated_by: written in every label
    :param source_scheme: ``obs://`` (default) or ``s3://``.
    """
    from airflow_provider_modelarts.client.obs_paths import parse_obs_url

    if source_scheme not in ("obs://", "s3://"):
        raise ManifestError(f"source_scheme: {source_scheme!r} must be 'obs://' or 's3://'.")
    kind = LABEL_TYPES.get(label_type) if isinstance(label_type, int) else label_type
    if not kind:
        raise ManifestError(f"label_type: {label_type!r} is not a dataset type code ({sorted(LABEL_TYPES)}).")
    base = parse_obs_url(folder).as_folder()
    wanted = tuple(e.lower() for e in extensions) if extensions is not None else None
    samples = []
    for url in sorted(keys):
        loc = parse_obs_url(url)
        if loc.is_folder or loc.bucket != base.bucket or not loc.key.startswith(base.key):
            continue
        relative = loc.key[len(base.key):]
        if wanted is not None and not relative.lower().endswith(wanted):
            continue
        names = _labels_for(relative, labels)
        notes = [Annotation(name=n, type=kind, annotated_by=annotated_by) for n in names] or None
        samples.append(Sample(source=source_scheme + loc.bucket + "/" + loc.key, usage=usage, annotations=notes))
    manifest = Manifest(samples)
    manifest.validate()
    return manifest


def manifest_from_obs(folder: str, *, obs_hook: OBSHook | None = None, **kwargs: Any) -> Manifest:
    """A manifest of every file under an OBS folder plus labels (see :func:`build_manifest` for ``kwargs``).

    :param folder: ``obs://bucket/prefix/``.
    :param obs_hook: the OBS hook (default ``OBSHook()``).
    """
    from airflow_provider_modelarts.client.obs_paths import parse_obs_url
    from airflow_provider_modelarts.utils import _hook

    base = parse_obs_url(folder).as_folder()
    keys = [f"obs://{base.bucket}/{k}" for k in _hook(obs_hook).list_keys(base.url)]
    return build_manifest(keys, base.url, **kwargs)


def write_folder_manifest(folder: str, manifest_path: str, *, obs_hook: OBSHook | None = None, save_mode: str = "w",
                          allow_empty: bool = False, **kwargs: Any) -> dict[str, Any]:
    """Build the manifest of an OBS folder (:func:`manifest_from_obs`) and save it; ``ManifestError`` on a folder
    that yields no sample (unless ``allow_empty``) or on what cannot be built, before anything is written.

    :param folder: ``obs://bucket/prefix/``.
    :param manifest_path: where to write it (``obs://`` or local).
    :param obs_hook: the OBS hook (default ``OBSHook()``).
    :param save_mode: ``w`` or ``a``.
    :param allow_empty: an empty folder writes an empty manifest instead of failing.
    :param kwargs: :func:`build_manifest`'s options (``labels``, ``extensions`` ...).
    :returns: ``{"manifest_path", "sample_count", "labels"}``.
    """
    try:
        manifest = manifest_from_obs(folder, obs_hook=obs_hook, **kwargs)
    except ValueError as exc:  # ManifestError included
        raise ManifestError(f"Cannot build a manifest from {folder}: {exc}") from None
    if not manifest.samples and not allow_empty:
        raise ManifestError(f"No file under {folder} matches {kwargs.get('extensions')}; nothing to put in the "
                            "manifest (set allow_empty=True to write an empty one).")
    path = manifest.save(manifest_path, save_mode=save_mode, obs_hook=obs_hook)
    return {"manifest_path": path, "sample_count": len(manifest.samples), "labels": manifest.label_names}


__all__ = ["Annotation", "LABEL_TYPES", "Manifest", "ManifestError", "Sample", "USAGES", "build_manifest",
           "manifest_from_obs", "parse_manifest", "write_folder_manifest"]
