"""Release metadata agrees with itself: one version, one declared Airflow floor, a well-formed changelog, locks
that cover each other, documentation of every error code the client maps. Pure file checks (no network)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from airflow_provider_modelarts import __version__
from airflow_provider_modelarts.client import errors
from airflow_provider_modelarts.get_provider_info import get_provider_info
from tests.release.dist_contents import wheel_problems

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements" / "constraints.txt"
MIN_LOCK = REPO / "requirements" / "constraints-airflow-3.2.txt"
#: packages of the 3.3.2 lock that Airflow 3.2.2 does not pull in (documented in the 3.2 lock's header)
ONLY_IN_MAIN_LOCK = {"arrow", "isoduration"}
VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _airflow_floor_setup_cfg() -> str:
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    reqs = [r.strip() for r in cfg["options"]["install_requires"].splitlines() if r.strip()]
    (airflow,) = [r for r in reqs if re.match(r"apache-airflow\b(?!-)", r)]
    match = re.fullmatch(r"apache-airflow>=(\d+\.\d+)", airflow)
    assert match, f"setup.cfg should declare apache-airflow>=X.Y, has {airflow!r}"
    return match.group(1)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def test_version_is_single_sourced() -> None:
    assert VERSION_RE.match(__version__), __version__
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg")
    assert cfg["metadata"]["version"] == "attr: airflow_provider_modelarts.__version__"
    assert get_provider_info()["versions"] == [__version__]


def test_declared_airflow_floor_is_the_same_everywhere() -> None:
    floor = _airflow_floor_setup_cfg()
    readme = (REPO / "README.md").read_text()
    assert f"`apache-airflow>={floor}`" in readme, "README's requirement line disagrees with setup.cfg"
    assert not set(re.findall(r"apache-airflow>=(\d+\.\d+)", readme)) - {floor}
    assert _pins(MIN_LOCK)["apache-airflow"].startswith(f"{floor}."), "the minimum lock must test the floor"
    assert f"{floor} and newer" in (REPO / "docs" / "installation.md").read_text()
    main_airflow = _pins(LOCK)["apache-airflow"]
    assert _version_tuple(main_airflow) >= _version_tuple(floor + ".0")


def test_changelog_has_unreleased_then_versions_descending() -> None:
    headings = re.findall(r"^## (.+)$", (REPO / "CHANGELOG.md").read_text(), flags=re.M)
    assert headings and headings[0] == "[Unreleased]", headings[:1]
    released = []
    for heading in headings[1:]:
        match = re.fullmatch(r"\[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}", heading)
        assert match, f"changelog heading {heading!r}: use '## [X.Y.Z] - YYYY-MM-DD'"
        released.append(_version_tuple(match.group(1)))
    assert released == sorted(released, reverse=True), "changelog versions must be newest first"
    if released:
        assert _version_tuple(__version__) >= released[0], "__version__ is older than the newest release"


def test_minimum_lock_pins_every_package_of_the_main_lock() -> None:
    main, low = _pins(LOCK), _pins(MIN_LOCK)
    missing = sorted(set(main) - set(low) - ONLY_IN_MAIN_LOCK)
    assert not missing, f"add these to {MIN_LOCK.name} (resolved against Airflow 3.2): {missing}"
    assert all(v for v in low.values()), "every line of the minimum lock is an exact pin"


def test_troubleshooting_documents_every_mapped_error_code() -> None:
    guide = (REPO / "docs" / "troubleshooting.md").read_text()
    codes = errors.NOT_FOUND_CODES | errors.CONFLICT_CODES | errors.THROTTLE_CODES
    undocumented = sorted(code for code in codes if f"`{code}`" not in guide)
    assert not undocumented, f"docs/troubleshooting.md: say what these mean and what to do: {undocumented}"
    assert "APIG.03" in guide


@pytest.mark.parametrize("broken", ["schema", "tests", "entry_point"])
def test_dist_contents_check_catches_a_broken_wheel(tmp_path: Path, broken: str) -> None:
    """The contents check used by ``make dist`` fails on each kind of broken wheel (built here by hand)."""
    from tests.release.dist_contents import PACKAGE, required_wheel_files

    wheel = tmp_path / f"{PACKAGE}-{__version__}-py3-none-any.whl"
    files = sorted(required_wheel_files())
    if broken == "schema":
        files = [f for f in files if not f.endswith("training_job_v2.json")]
    if broken == "tests":
        files.append("tests/test_something.py")
    entry = "" if broken == "entry_point" else (
        f"[apache_airflow_provider]\nprovider_info = {PACKAGE}.get_provider_info:get_provider_info\n")
    import zipfile

    with zipfile.ZipFile(wheel, "w") as zf:
        for name in files:
            zf.writestr(name, "")
        zf.writestr(f"{PACKAGE}-{__version__}.dist-info/entry_points.txt", entry)
    problems = wheel_problems(wheel)
    expected = {"schema": "missing airflow_provider_modelarts/schemas/training_job_v2.json",
                "tests": "test code shipped: tests/test_something.py",
                "entry_point": "entry point apache_airflow_provider/provider_info missing"}[broken]
    assert problems == [expected]
