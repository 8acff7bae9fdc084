"""The Airflow UI of the full stack in headless Chromium (Debian's ``chromium`` driven by Playwright; no browser
download): the connection form of type ``modelarts``, the trigger form of ``modelarts_ui_training`` and the
training task's extra link. Screenshots go to ``screenshots/fullstack/`` (ignored by git).

Uses the same stack and runs as ``test_fullstack`` (shared fixtures). The browser is ``$CHROMIUM_PATH``
(default ``/usr/bin/chromium``; ``make test`` installs it with apt when missing).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_modelarts.get_provider_info import get_provider_info
from tests.fullstack.stack import CONSOLE_JOB_URL, DAG_ID, SCREENSHOTS, scenario_fixtures

pytestmark = pytest.mark.fullstack

fs_emulator, fs_stack, fs_runs = scenario_fixtures()

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (``executable_path``: Playwright's own builds are never used)."""
    from playwright.sync_api import sync_playwright

    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing: apt-get install -y chromium (make browser)"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, fs_stack, request) -> Iterator[Any]:
    """A fresh page on the stack's UI (no login: every user is admin); a screenshot is left after each test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=fs_stack.url)
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):  # a screenshot must not hide the test's own result
            _shot(pg, request.node.name)
        context.close()


def _shot(page: Any, name: str) -> None:
    """A screenshot in the middle of a test (the ``page`` fixture takes one at the end)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _labels(dialog: Any) -> set[str]:
    """The dialog's field labels, without the required-field star."""
    return {text.replace("*", "").strip() for text in dialog.locator("label").all_inner_texts()}


def _connection_type() -> dict[str, Any]:
    return next(c for c in get_provider_info()["connection-types"] if c["connection-type"] == "modelarts")


def test_connection_form_of_type_modelarts_shows_our_fields(page) -> None:
    conn_type = _connection_type()
    page.goto("/connections")
    page.get_by_role("button", name="Add Connection").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Select Connection Type").click(force=True)  # a Chakra select: type, then pick
    page.keyboard.type("ModelArts")
    page.get_by_role("option", name=conn_type["hook-name"], exact=True).click()
    dialog.locator("input[name=login]").wait_for()
    _shot(page, "connection-form-standard-fields")

    behaviour = conn_type["ui-field-behaviour"]
    assert set(behaviour["relabeling"]) == {"login", "password"}
    assert {"auth_type", "region", "project_id", "modelarts_endpoint", "iam_endpoint"} <= set(conn_type["conn-fields"])
    labels = _labels(dialog)
    for field, label in behaviour["relabeling"].items():  # login/password relabelled, with placeholders
        assert label in labels, (label, labels)
        assert dialog.locator(f"input[name={field}]").get_attribute("placeholder") == behaviour["placeholders"][field]
    for field in behaviour["hidden-fields"]:
        assert dialog.locator(f"input[name={field}]").count() == 0, f"{field} should be hidden"

    dialog.get_by_role("button", name="Extra Fields", exact=True).click()
    dialog.locator("input[name=element_region]").wait_for()
    labels = _labels(dialog)
    for name, spec in conn_type["conn-fields"].items():
        assert dialog.locator(f"input[name=element_{name}]").count() == 1, name
        assert spec["label"] in labels, (spec["label"], labels)
        assert dialog.get_by_text(spec["description"], exact=True).is_visible(), spec["description"]
        if spec["schema"].get("format") == "password":
            assert dialog.locator(f"input[name=element_{name}]").get_attribute("type") == "password", name
    assert dialog.locator("input[name=element_region]").input_value() == "cn-north-4"
    assert dialog.locator("input[name=element_auth_type]").input_value() == "aksk"


def _open_trigger_form(page) -> Any:
    page.goto(f"/dags/{DAG_ID}")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Run Parameters").wait_for()
    return dialog


def test_trigger_form_shows_the_dag_params(page, fs_stack) -> None:
    params = fs_stack.api("GET", f"/api/v2/dags/{DAG_ID}/details")["params"]
    assert set(params) == {"flavor", "node_count", "epochs", "dataset_version", "deploy"}
    dialog = _open_trigger_form(page)
    labels = _labels(dialog)
    for name, param in params.items():
        schema = param["schema"]
        assert schema["title"] in labels, (schema["title"], labels)
        assert dialog.get_by_text(param["description"], exact=True).is_visible(), name
        field = dialog.locator(f"input[name=element_{name}]")
        assert field.count() == 1, name
        if schema["type"] != "boolean":
            assert field.input_value() == str(param["value"]), name
    assert dialog.get_by_text("CPU, 8 vCPUs, 32 GB", exact=True).is_visible()  # the flavor's display name
    assert not dialog.locator("input[name=element_deploy]").is_checked()


def test_trigger_form_rejects_a_bad_param_with_its_schema_message(page, fs_stack) -> None:
    runs_before = fs_stack.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 1})["total_entries"]
    dialog = _open_trigger_form(page)
    dialog.locator("input[name=element_dataset_version]").fill("latest")
    dialog.get_by_role("button", name="Trigger", exact=True).click()
    page.get_by_text("Invalid input for param dataset_version").first.wait_for()
    runs_after = fs_stack.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", params={"limit": 1})["total_entries"]
    assert runs_after == runs_before


def test_training_task_extra_link_points_at_the_modelarts_console(page, fs_stack, fs_runs, fs_emulator) -> None:
    from urllib.parse import quote

    run_id = fs_runs["deploy"].run_id
    job_id = fs_stack.xcom(DAG_ID, run_id, "train", "training_job_id")
    page.goto(f"/dags/{DAG_ID}/runs/{quote(run_id, safe='')}/tasks/train/details")
    link = page.get_by_role("link", name="ModelArts Training Job")
    link.wait_for()
    assert link.get_attribute("href") == CONSOLE_JOB_URL.format(region=fs_emulator.region, job=job_id)
