"""The Prefect UI as an operator uses it, in headless Chromium: the run form, a refused value, a run, its report."""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import PROJECT_ROOT, SAMPLES, write_bad_inputs

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts"
FORM_FIELDS = ("Source folder", "Warehouse folder", "Full refresh", "Deleted source files", "Batch size",
               "Largest file (bytes)", "Accepted languages")
RUN_SECONDS = 120


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (never `playwright install`: no browser download)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def wait_until_final(api_url: str, flow_run_id: str, served) -> dict:
    """The flow run once it has finished (as the API reports it); fail with the logs if it takes too long."""
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{api_url}/flow_runs/{flow_run_id}", timeout=10) as response:
            run = json.load(response)
        if run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return run
        time.sleep(0.5)
    pytest.fail(f"flow run {flow_run_id} started from the UI did not finish in {RUN_SECONDS} s: {run['state']}\n{served.log_tail()}")


def report_artifact_id(api_url: str, flow_run_id: str) -> str:
    """The id of the run's khanij-run-report artifact, from the API."""
    query = {"artifacts": {"key": {"any_": ["khanij-run-report"]}}, "flow_runs": {"id": {"any_": [flow_run_id]}}}
    request = urllib.request.Request(f"{api_url}/artifacts/filter", data=json.dumps(query).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        (artifact,) = json.load(response)
    return artifact["id"]


def test_operator_runs_the_deployment_from_the_ui_and_reads_the_report(served_deployment, browser, tmp_path):
    source, warehouse = tmp_path / "incoming", tmp_path / "warehouse"
    shutil.copytree(SAMPLES, source)
    bad_files = write_bad_inputs(source)
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    page.set_default_timeout(30_000)
    created_runs = []
    page.on("request", lambda r: created_runs.append(r.url) if r.method == "POST" and r.url.endswith("/create_flow_run") else None)

    # From the UI's home page to the deployment's run form, the clicks the README gives.
    page.goto(served_deployment.base_url, wait_until="networkidle")
    page.get_by_role("link", name="Deployments").first.click()
    page.get_by_role("link", name="khanij-ingest").first.click()
    page.get_by_role("button", name="Run").first.click()
    page.get_by_text("Custom run").click()
    page.wait_for_url(f"**/deployments/deployment/{served_deployment.deployment_id}/run**")

    # The parameter form: every field, titled, on the model's defaults.
    for title in FORM_FIELDS:
        page.get_by_label(title).first.wait_for()
    assert page.get_by_label("Source folder").input_value() == "data/incoming"
    assert page.get_by_label("Batch size").input_value() == "200"

    # A bad value is refused by the form's schema (batch size >= 1): nothing is sent, the field says why.
    batch_size = page.get_by_label("Batch size")
    batch_size.fill("0")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_timeout(500)
    assert not batch_size.evaluate("field => field.validity.valid")
    assert "1" in batch_size.evaluate("field => field.validationMessage")
    assert not created_runs, "a batch size of 0 reached the server"

    page.get_by_label("Source folder").fill(str(source))
    page.get_by_label("Warehouse folder").fill(str(warehouse))
    batch_size.fill("1")
    page.screenshot(path=str(SCREENSHOTS / "khanij-run-form.png"))
    # Prefect's SQLite store can refuse a write under load ("database is locked", answered 503, nothing created):
    # the operator submits the form once more.
    for _ in range(2):
        with page.expect_response(lambda r: r.url.endswith("/create_flow_run") and r.request.method == "POST") as answer:
            page.get_by_role("button", name="Submit").click()
        created = answer.value
        if created.status != 503:
            break
    assert created.status == 201, f"the form's run was refused: {created.status} {created.text()}"
    flow_run_id = created.json()["id"]
    run = wait_until_final(served_deployment.api_url, flow_run_id, served_deployment)
    assert run["state"]["type"] == "COMPLETED", f"{run['state']}\n{served_deployment.log_tail()}"
    assert run["parameters"]["parameters"]["warehouse"] == str(warehouse)

    # The run's page, its Artifacts tab, the report (latest version of its key): what the operator clicks through.
    page.goto(f"{served_deployment.base_url}/v2/runs/flow-run/{flow_run_id}", wait_until="networkidle")
    page.get_by_text("Completed").first.wait_for()
    page.get_by_role("tab", name="Artifacts").click()
    for key in ("khanij-progress", "khanij-new-events", "khanij-entities", "khanij-quarantine", "khanij-run-report"):
        page.get_by_text(key, exact=True).first.wait_for()
    page.get_by_text("khanij-run-report", exact=True).click()
    page.wait_for_url("**/artifacts/key/khanij-run-report")
    page.get_by_role("link", name=report_artifact_id(served_deployment.api_url, flow_run_id)[:8]).click()
    page.wait_for_url("**/artifacts/artifact/**")
    page.get_by_role("heading", name="khanij run").first.wait_for()
    page.get_by_text(str(warehouse)).first.wait_for()
    for name in bad_files:
        page.get_by_text(name, exact=True).first.wait_for()
    page.wait_for_load_state("networkidle")
    shot = SCREENSHOTS / "khanij-run-report.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000, "the report screenshot is suspiciously small"
    page.close()

    articles = pl.read_parquet(warehouse / "articles" / "**" / "*.parquet", hive_partitioning=True)
    assert articles.height == 2
