"""Shared fixtures: one real flow run over the sample articles (plus bad files) into a temporary warehouse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT / "data" / "incoming"
GOLD = PROJECT_ROOT / "tests" / "fixtures" / "gold"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """Bad files beside the samples, and a word each that their quarantine reason must contain."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (folder / "latin1.txt").write_bytes("चीन ने कहा".encode("utf-8") + b" caf\xe9 \xff\xfe")
    (folder / "broken.json").write_text('{"title": "x", "text": "चीन"', encoding="utf-8")
    return {"empty.txt": "empty", "binary.txt": "binary", "latin1.txt": "UTF-8", "broken.json": "JSON"}


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server (SQLite) for the session, stopped before pytest closes its streams."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def flow_run(tmp_path_factory, prefect_server):
    """Run the real Prefect flow (embedded server) on the samples plus bad files; return paths and summary."""
    from flows.ingest import ingest_articles
    from flows.params import IngestParameters

    base = tmp_path_factory.mktemp("run")
    source, warehouse = base / "incoming", base / "warehouse"
    shutil.copytree(SAMPLES, source)
    expected_reasons = write_bad_inputs(source)
    summary = ingest_articles(IngestParameters(source=str(source), warehouse=str(warehouse), batch_size=1))
    return {"source": source, "warehouse": warehouse, "summary": summary, "expected_reasons": expected_reasons}
