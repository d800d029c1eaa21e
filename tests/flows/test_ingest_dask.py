"""The flow on a local Dask cluster of two workers: batches in parallel, one atomic commit, the same rows."""

from __future__ import annotations

from flows.ingest import ingest_articles
from flows.params import IngestParameters
from tests.flows.helpers import LINEAGE, snapshot
from tests.flows.test_core import write_corpus


def test_dask_runner_writes_exactly_what_the_sequential_run_writes(tmp_path, prefect_server):
    source = tmp_path / "incoming"
    write_corpus(source, 40)
    (source / "broken.json").write_text('{"text": ', encoding="utf-8")
    sequential = ingest_articles(IngestParameters(source=str(source), warehouse=str(tmp_path / "sequential"), batch_size=6))
    parallel = ingest_articles(IngestParameters(source=str(source), warehouse=str(tmp_path / "dask"), batch_size=6, runner="dask", dask_workers=2))
    assert parallel.articles == sequential.articles == 42 and parallel.quarantined == sequential.quarantined == 1
    assert snapshot(tmp_path / "dask", drop=LINEAGE) == snapshot(tmp_path / "sequential", drop=LINEAGE)
    assert len(list((tmp_path / "dask" / "_versions").iterdir())) == 1, "one commit"
    assert sum(parallel.stage_seconds[stage] > 0 for stage in ("read", "clean", "extract entities", "validate", "write")) == 5
