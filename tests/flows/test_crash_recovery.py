"""Crash safety: a run killed (kill -9) or failing at any write or commit step leaves the last committed state
readable, and the next run ends exactly where a clean run would; two runs at once do not interleave."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter

import pytest
from prefect.settings import PREFECT_API_URL

import tasks.warehouse
from flows.ingest import ingest_articles
from flows.params import IngestParameters
from tests.conftest import PROJECT_ROOT, SAMPLES
from tests.flows.helpers import EDITED_ARTICLE, LINEAGE, NEW_ARTICLE, reader_counts, run_cli, snapshot, visible_files

# Every write and commit step: (fault point, which time it is passed).
CRASH_POINTS = [
    ("stage-batch", 1), ("stage-batch", 3), ("write-partition", 1), ("write-partition", 5),
    ("version-dataset", 1), ("version-dataset", 2), ("version-dataset", 3), ("version-dataset", 4),
    ("before-swap", 1), ("after-swap", 1),
]
REPORT = PROJECT_ROOT / "test-artifacts" / "crash-recovery.md"


def _run(source, warehouse):
    return ingest_articles(IngestParameters(source=str(source), warehouse=str(warehouse), batch_size=1))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, prefect_server):
    """A committed warehouse, a changed source folder, and the state a clean run on it reaches."""
    base = tmp_path_factory.mktemp("crash")
    first, second = base / "first", base / "second"
    shutil.copytree(SAMPLES, first)
    (first / "extra.txt").write_text(EDITED_ARTICLE, encoding="utf-8")
    committed = base / "committed"
    _run(first, committed)
    # The next run's input: one sample edited, one file added, one deleted, one bad file.
    shutil.copytree(SAMPLES, second)
    edited = sorted(second.glob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nभारत ने जापान के साथ समझौते किए।\n", encoding="utf-8")
    (second / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (second / "empty.txt").write_bytes(b"")
    clean = base / "clean"
    shutil.copytree(committed, clean, symlinks=True)
    _run(second, clean)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("| fault point | mode | readers saw last commit | rows lost | rows duplicated | recovered to clean state |\n|---|---|---|---|---|---|\n", encoding="utf-8")
    return {"committed": committed, "second": second, "before": snapshot(committed), "clean": snapshot(clean, drop=LINEAGE)}


def _lost_and_duplicated(got: dict[str, list[str]], want: dict[str, list[str]]) -> tuple[int, int]:
    lost = duplicated = 0
    for name in want:
        have, need = Counter(got[name]), Counter(want[name])
        lost += sum((need - have).values())
        duplicated += sum((have - need).values())
    return lost, duplicated


@pytest.mark.parametrize("mode", ["kill", "raise"])
@pytest.mark.parametrize(("point", "nth"), CRASH_POINTS)
def test_crash_at_every_write_and_commit_step(scenario, tmp_path, monkeypatch, point, nth, mode):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(scenario["committed"], warehouse, symlinks=True)
    fault = f"{point}:{nth}:{mode}"
    if mode == "kill":
        crashed = run_cli(scenario["second"], warehouse, {"KHANIJ_FAULT": fault}, "--batch-size", "1")
        assert crashed.returncode == -9, f"the run was not killed at {fault}:\n{crashed.stdout[-2000:]}\n{crashed.stderr[-2000:]}"
    else:
        monkeypatch.setenv("KHANIJ_FAULT", fault)
        tasks.warehouse._fault_counts.clear()
        with pytest.raises(Exception, match="injected fault"):
            _run(scenario["second"], warehouse)
        monkeypatch.delenv("KHANIJ_FAULT")

    seen = snapshot(warehouse)
    # Before the pointer swap the last committed state is the earlier one; after it, this run's.
    committed = point == "after-swap"
    readers_ok = snapshot(warehouse, drop=LINEAGE) == scenario["clean"] if committed else seen == scenario["before"]
    assert readers_ok, f"after a crash at {fault}, readers do not see the last committed state"
    assert all(n == (len(seen[name]),) * 2 for name, n in reader_counts(warehouse).items()), "PyArrow or DuckDB disagree with Polars"
    assert all(f.endswith(".parquet") and "/_" not in f for f in visible_files(warehouse)), "a temporary file is visible"

    _run(scenario["second"], warehouse)
    recovered = snapshot(warehouse, drop=LINEAGE)
    lost, duplicated = _lost_and_duplicated(recovered, scenario["clean"])
    with REPORT.open("a", encoding="utf-8") as report:
        report.write(f"| {point} #{nth} | {mode} | {'yes' if readers_ok else 'NO'} | {lost} | {duplicated} | {'yes' if recovered == scenario['clean'] else 'NO'} |\n")
    assert (lost, duplicated) == (0, 0)
    assert recovered == scenario["clean"]
    assert not list((warehouse / "_staging").iterdir()) if (warehouse / "_staging").exists() else True


def test_two_runs_at_once_do_not_interleave(tmp_path, prefect_server):
    source, warehouse, clean = tmp_path / "incoming", tmp_path / "warehouse", tmp_path / "clean"
    shutil.copytree(SAMPLES, source)
    (source / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    command = [sys.executable, "-m", "khanij.cli", "run", "--source", str(source), "--warehouse", str(warehouse), "--batch-size", "1"]
    # The first run pauses 12 s inside its commit, so the second certainly starts while it holds the warehouse (a
    # fresh process's imports took longer than a 5 s pause once, on a heavily loaded machine).
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**env, "KHANIJ_FAULT": "before-swap:1:sleep:12"})
    deadline = time.monotonic() + 120
    while "run_id" not in ((warehouse / "_lock").read_text(encoding="utf-8") if (warehouse / "_lock").exists() else ""):
        assert time.monotonic() < deadline, "the first run never took the lock"
        time.sleep(0.1)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    logs = [run.communicate(timeout=300)[0] for run in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], logs
    assert "is being written by" in logs[1], "the second run did not report waiting for the first"
    assert "0 new, 0 changed, 3 unchanged" in logs[1], "the second run should find the first one's commit"
    assert len(list((warehouse / "_versions").iterdir())) == 1, "exactly one commit"
    _run(source, clean)
    assert snapshot(warehouse, drop=LINEAGE) == snapshot(clean, drop=LINEAGE)
