"""Pascal VOC XML (SDK reference §7.6.4-7.6.5; seed inventory §3.7): parse, build, validate, save.

Layout written (and read)::

    <annotation>
      <folder/> <filename/>
      <source><database/><annotation/><image/></source>
      <size><width/><height/><depth/></size>
      <segmented/> <mask_source/>
      <object>
        <name/>
        <properties><property name="@modelarts:color">#FFFFFF</property>...</properties>
        <pose/> <truncated/> <occluded/> <difficult/> <confidence/>
        <bndbox><xmin/><ymin/><xmax/><ymax/></bndbox>   (or point, line, polygon, circle, polyline, dashed)
        <mask_color/>
        <part>...a nested object...</part>
      </object>
    </annotation>

Shapes (:class:`Position`): ``point`` (``x``, ``y``), ``line``/``polyline``/``dashed`` (``x1``, ``y1``, ``x2``, ``y2``
...), ``bndbox`` (``xmin``, ``ymin``, ``xmax``, ``ymax``; the SDK reference's ``x_min`` spelling is read too),
``polygon`` (``x1``, ``y1`` ... at least 3 points), ``circle`` (``cx``, ``cy``, ``r``). Coordinates keep their tag
names and order, so any file round-trips field for field, and a file written here byte for byte.

Numbers: ``width``/``height``/``depth`` are integers, coordinates integers or floats, ``confidence`` a float in
[0, 1]. ``properties`` values are strings (the SDK reference); other values are JSON-encoded when an object is
built, e.g. ``@modelarts:feature`` ``[[347, 186], [382, 249]]``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from airflow_provider_modelarts.utils import read_text, write_text

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from airflow_provider_modelarts.hooks.obs import OBSHook

SHAPES = ("point", "line", "bndbox", "polygon", "circle", "polyline", "dashed")
FLAGS = ("truncated", "occluded", "difficult")
_NUMBER = re.compile(r"^-?\d+$")
_BNDBOX_ALIASES = {"x_min": "xmin", "y_min": "ymin", "x_max": "xmax", "y_max": "ymax"}
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


class VocError(ValueError):
    """A Pascal VOC document is malformed; the message names the element and the fix."""


def _number(text: str | None, where: str) -> int | float:
    value = (text or "").strip()
    try:
        return int(value) if _NUMBER.match(value) else float(value)
    except ValueError:
        raise VocError(f"{where}: {value!r} is not a number.") from None


def _text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


@dataclass
class Position:
    """The shape of an object: ``type`` (one of :data:`SHAPES`) and its coordinates in order."""

    type: str
    coords: dict[str, int | float] = field(default_factory=dict)

    @classmethod
    def bndbox(cls, xmin: float, ymin: float, xmax: float, ymax: float) -> Position:
        return cls("bndbox", {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax})

    @classmethod
    def point(cls, x: float, y: float) -> Position:
        return cls("point", {"x": x, "y": y})

    @classmethod
    def circle(cls, cx: float, cy: float, r: float) -> Position:
        return cls("circle", {"cx": cx, "cy": cy, "r": r})

    @classmethod
    def points(cls, shape: str, points: list[tuple[float, float]]) -> Position:
        """A ``line``, ``polyline``, ``dashed`` or ``polygon`` through ``points`` (``x1``, ``y1``, ``x2`` ...)."""
        coords: dict[str, int | float] = {}
        for i, (x, y) in enumerate(points, start=1):
            coords[f"x{i}"], coords[f"y{i}"] = x, y
        return cls(shape, coords)

    def validate(self, where: str) -> None:
        if self.type not in SHAPES:
            raise VocError(f"{where}.position.type: {self.type!r} is not one of {', '.join(SHAPES)}.")
        c = self.coords
        for key, value in c.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
                raise VocError(f"{where}.position.{key}: a number is required, got {value!r}.")
        need = {"bndbox": ("xmin", "ymin", "xmax", "ymax"), "circle": ("cx", "cy", "r")}.get(self.type)
        if self.type == "point":
            need = ("x", "y") if "x" in c else ("x1", "y1")
        missing = [k for k in need or () if k not in c]
        if missing:
            raise VocError(f"{where}.position ({self.type}): missing {', '.join(missing)}.")
        if self.type == "bndbox" and (c["xmin"] > c["xmax"] or c["ymin"] > c["ymax"]):
            raise VocError(f"{where}.position (bndbox): xmin <= xmax and ymin <= ymax are required, got {c}.")
        if self.type == "circle" and c["r"] <= 0:
            raise VocError(f"{where}.position (circle): the radius r must be > 0.")
        if self.type in ("line", "polyline", "dashed", "polygon"):
            count = 3 if self.type == "polygon" else 2
            for i in range(1, count + 1):
                if f"x{i}" not in c or f"y{i}" not in c:
                    raise VocError(f"{where}.position ({self.type}): at least {count} points x1, y1 ... x{count}, "
                                   f"y{count} are required.")


@dataclass
class VocObject:
    """One labelled object (SDK reference table 7-32).

    :param name: the label
    :param properties: key-value attributes (strings)
    :param pose: shooting angle.
    :param truncated: ``"0"`` complete
    :param occluded: ``"0"`` not occluded
    :param difficult: ``"0"`` easy.
    :param confidence: in [0, 1]
    :param position: the shape
    :param parts: nested objects.
    :param mask_color: segmentation mask color.
    """

    name: str
    properties: dict[str, str] = field(default_factory=dict)
    pose: str | None = None
    truncated: str | None = None
    occluded: str | None = None
    difficult: str | None = None
    confidence: float | None = None
    position: Position | None = None
    parts: list[VocObject] = field(default_factory=list)
    mask_color: str | None = None

    def __post_init__(self) -> None:
        self.properties = {str(k): v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
                           for k, v in (self.properties or {}).items()}
        for flag in FLAGS:
            value = getattr(self, flag)
            if value is not None and not isinstance(value, str):
                setattr(self, flag, str(int(value)) if isinstance(value, bool) else str(value))

    def validate(self, where: str = "object") -> None:
        if not isinstance(self.name, str) or not self.name:
            raise VocError(f"{where}.name: a non-empty label name is required.")
        for flag in FLAGS:
            if getattr(self, flag) not in (None, "0", "1"):
                raise VocError(f"{where}.{flag}: must be '0' or '1', got {getattr(self, flag)!r}.")
        conf = self.confidence
        if conf is not None and (isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0 <= conf <= 1):
            raise VocError(f"{where}.confidence: must be a number in [0, 1], got {conf!r}.")
        if self.position is not None:
            self.position.validate(where)
        for i, part in enumerate(self.parts):
            part.validate(f"{where}.parts[{i}]")

    def to_element(self, tag: str = "object") -> Element:
        from xml.etree.ElementTree import Element, SubElement

        el = Element(tag)
        SubElement(el, "name").text = self.name
        if self.properties:
            props = SubElement(el, "properties")
            for name, text in self.properties.items():
                SubElement(props, "property", {"name": name}).text = text
        for attr in ("pose", *FLAGS, "confidence"):
            if getattr(self, attr) is not None:
                SubElement(el, attr).text = _text(getattr(self, attr))
        if self.position is not None:
            shape = SubElement(el, self.position.type)
            for key, value in self.position.coords.items():
                SubElement(shape, key).text = _text(value)
        if self.mask_color is not None:
            SubElement(el, "mask_color").text = self.mask_color
        for part in self.parts:
            el.append(part.to_element("part"))
        return el

    @classmethod
    def from_element(cls, el: Element, where: str = "object") -> VocObject:
        values: dict[str, Any] = {"name": (el.findtext("name") or "").strip()}
        props = el.find("properties")
        if props is not None:
            values["properties"] = {p.get("name", ""): p.text or "" for p in props.findall("property")}
        for attr in ("pose", *FLAGS, "mask_color"):
            if el.find(attr) is not None:
                values[attr] = el.findtext(attr) or ""
        if el.find("confidence") is not None:
            values["confidence"] = float(_number(el.findtext("confidence"), f"{where}.confidence"))
        for shape in SHAPES:
            node = el.find(shape)
            if node is not None:
                coords = {(_BNDBOX_ALIASES.get(c.tag, c.tag) if shape == "bndbox" else c.tag):
                          _number(c.text, f"{where}.{shape}.{c.tag}") for c in node}
                values["position"] = Position(shape, coords)
                break
        values["parts"] = [cls.from_element(p, f"{where}.part[{i}]") for i, p in enumerate(el.findall("part"))]
        return cls(**values)


@dataclass
class VocSource:
    """``<source>``: ``database`` (``The VOC2007 Database``), ``annotation`` (``PASCAL VOC2007``), ``image``."""

    database: str | None = None
    annotation: str | None = None
    image: str | None = None


@dataclass
class PascalVoc:
    """One Pascal VOC document (SDK reference table 7-30).

    :param file_name: the image file name
    :param width: image width in pixels.
    :param height: image height in pixels.
    :param depth: image channels.
    :param folder: folder name
    :param source: :class:`VocSource`
    :param segmented: segmentation flag.
    :param mask_source: OBS path of the segmentation mask (PNG only)
    :param voc_objects: the objects.
    """

    file_name: str
    width: int
    height: int
    depth: int = 3
    folder: str | None = None
    source: VocSource | None = None
    segmented: str | None = None
    mask_source: str | None = None
    voc_objects: list[VocObject] = field(default_factory=list)

    def validate(self) -> None:
        """Raise :class:`VocError` naming the element and the fix."""
        if not isinstance(self.file_name, str) or not self.file_name:
            raise VocError("file_name: the image file name is required.")
        for attr in ("width", "height", "depth"):
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise VocError(f"size.{attr}: a non-negative integer is required, got {value!r}.")
        if self.mask_source is not None and not self.mask_source.lower().endswith(".png"):
            raise VocError(f"mask_source: {self.mask_source!r} must be a PNG file (only PNG masks are supported).")
        for i, obj in enumerate(self.voc_objects):
            if not isinstance(obj, VocObject):
                raise VocError(f"voc_objects[{i}]: a VocObject is expected, got {type(obj).__name__}.")
            obj.validate(f"voc_objects[{i}] ({obj.name})")

    def to_xml(self) -> str:
        """The document as indented UTF-8 XML with a declaration."""
        from xml.etree.ElementTree import Element, SubElement, indent, tostring

        root = Element("annotation")
        if self.folder is not None:
            SubElement(root, "folder").text = self.folder
        SubElement(root, "filename").text = self.file_name
        if self.source is not None:
            src = SubElement(root, "source")
            for attr in ("database", "annotation", "image"):
                if getattr(self.source, attr) is not None:
                    SubElement(src, attr).text = getattr(self.source, attr)
        size = SubElement(root, "size")
        for attr in ("width", "height", "depth"):
            SubElement(size, attr).text = str(getattr(self, attr))
        for attr in ("segmented", "mask_source"):
            if getattr(self, attr) is not None:
                SubElement(root, attr).text = getattr(self, attr)
        for obj in self.voc_objects:
            root.append(obj.to_element())
        indent(root, space="    ")
        return DECLARATION + tostring(root, encoding="unicode") + "\n"

    @classmethod
    def from_xml(cls, text: str, *, where: str = "xml") -> PascalVoc:
        """Parse a document; :class:`VocError` names what is wrong. DTDs and entities are refused."""
        from xml.etree.ElementTree import ParseError, fromstring

        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            raise VocError(f"{where}: DOCTYPE and ENTITY declarations are not allowed in a Pascal VOC file.")
        try:
            root = fromstring(text.encode("utf-8") if text.startswith("<?xml") else text)
        except ParseError as exc:
            raise VocError(f"{where}: not well-formed XML ({exc}).") from None
        if root.tag != "annotation":
            raise VocError(f"{where}: the root element must be <annotation>, got <{root.tag}>.")
        size = root.find("size")
        if size is None:
            raise VocError(f"{where}: <size> with <width>, <height> and <depth> is required.")
        dims = {a: _number(size.findtext(a), f"{where}: size.{a}") for a in ("width", "height", "depth")}
        src = root.find("source")
        voc = cls(
            file_name=(root.findtext("filename") or "").strip(), folder=root.findtext("folder"),
            width=int(dims["width"]), height=int(dims["height"]), depth=int(dims["depth"]),
            source=VocSource(src.findtext("database"), src.findtext("annotation"), src.findtext("image"))
            if src is not None else None,
            segmented=root.findtext("segmented"), mask_source=root.findtext("mask_source"),
            voc_objects=[VocObject.from_element(o, f"{where}: object[{i}]")
                         for i, o in enumerate(root.findall("object"))],
        )
        voc.validate()
        return voc

    @classmethod
    def parse_xml(cls, xml_file_path: str, *, obs_hook: OBSHook | None = None) -> PascalVoc:
        """Read and validate a VOC file from a local path or ``obs://`` (SDK ``PascalVoc.parse_xml``).

        :param xml_file_path: local path or ``obs://bucket/key``.
        :param obs_hook: the OBS hook for ``obs://`` paths (the SDK's ``session``).
        """
        return cls.from_xml(read_text(xml_file_path, obs_hook=obs_hook), where=xml_file_path)

    def save_xml(self, xml_file_path: str, save_mode: str = "w", *, obs_hook: OBSHook | None = None) -> str:
        """Validate, then write the document (SDK ``pascal_voc.save_xml``).

        :param xml_file_path: local path or ``obs://bucket/key``.
        :param save_mode: ``w`` overwrite (default) or ``a`` append.
        :param obs_hook: the OBS hook for ``obs://`` paths.
        """
        self.validate()
        return write_text(xml_file_path, self.to_xml(), save_mode=save_mode, obs_hook=obs_hook)


def parse_xml(xml_file_path: str, *, obs_hook: OBSHook | None = None) -> PascalVoc:
    """:meth:`PascalVoc.parse_xml` as a function."""
    return PascalVoc.parse_xml(xml_file_path, obs_hook=obs_hook)


__all__ = ["PascalVoc", "Position", "SHAPES", "VocError", "VocObject", "VocSource", "parse_xml"]
