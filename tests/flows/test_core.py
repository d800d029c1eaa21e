"""The core runner (no Prefect, batches in a process pool) leaves the same warehouse as the Prefect flow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from flows.core import run_core
from flows.ingest import ingest_articles
from flows.params import IngestParameters
from tasks.reference import load_synth_material
from tasks.synth import synth_files
from tests.conftest import PROJECT_ROOT, SAMPLES
from tests.flows.helpers import LINEAGE, snapshot


def write_corpus(folder, n: int) -> None:
    """The samples, plus n synthetic articles in every file format."""
    shutil.copytree(SAMPLES, folder)
    for relpath, data in synth_files(load_synth_material(), n, seed=7):
        path = folder / "synth" / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_core_runner_on_two_processes_writes_what_the_flow_writes(tmp_path, prefect_server):
    source = tmp_path / "incoming"
    write_corpus(source, 30)
    (source / "empty.txt").write_bytes(b"")
    core = run_core(IngestParameters(source=str(source), warehouse=str(tmp_path / "core"), batch_size=7), workers=2)
    flow = ingest_articles(IngestParameters(source=str(source), warehouse=str(tmp_path / "flow"), batch_size=7))
    assert core.articles == flow.articles == 32 and core.quarantined == flow.quarantined == 1
    assert snapshot(tmp_path / "core", drop=LINEAGE) == snapshot(tmp_path / "flow", drop=LINEAGE)
    again = run_core(IngestParameters(source=str(source), warehouse=str(tmp_path / "core")), workers=2)
    assert again.files_unchanged == core.files_seen and again.articles == 0


FRESH_RUN = """
import sys
from flows.core import _polars_pool_started, run_core
from flows.params import IngestParameters
from tasks.stages import load_reference_data

load_reference_data()
print("pool started before the run:", _polars_pool_started())
run_core(IngestParameters(source=sys.argv[1], warehouse=sys.argv[2], batch_size=7), workers=2)
"""


def test_a_fresh_process_forks_its_helpers_and_writes_what_one_process_writes(tmp_path):
    source = tmp_path / "incoming"
    write_corpus(source, 30)
    done = subprocess.run([sys.executable, "-c", FRESH_RUN, str(source), str(tmp_path / "forked")], cwd=PROJECT_ROOT,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # Nothing before the run starts Polars' thread pool, so the helpers are forked (with it started, they would be spawned).
    assert "pool started before the run: False" in done.stdout
    run_core(IngestParameters(source=str(source), warehouse=str(tmp_path / "single"), batch_size=7), workers=1)
    assert snapshot(tmp_path / "forked", drop=LINEAGE) == snapshot(tmp_path / "single", drop=LINEAGE)
