"""The served deployment as an operator uses it: a real Prefect server, `khanij serve`, runs triggered through the API."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from uuid import UUID

import polars as pl
import pytest

from flows.deploy import DEPLOYMENT_NAME, FULL_NAME
from tests.conftest import SAMPLES, write_bad_inputs
from tests.flows.conftest import BIN

RUN_SECONDS = 120


@contextmanager
def prefect_client(served):
    """A Prefect client talking to the test's server (not the in-process harness of other tests)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: served.api_url}):
        with get_client(sync_client=True) as client:
            yield client


def trigger_from_cli(served, parameters: dict) -> UUID:
    """`prefect deployment run` with the flow's parameter model as JSON, the command the README gives operators."""
    command = [str(BIN / "prefect"), "deployment", "run", FULL_NAME, "--param", f"parameters={json.dumps(parameters)}"]
    done = subprocess.run(command, env=served.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    found = re.search(r"UUID: ([0-9a-f-]{36})", done.stdout)
    assert found, done.stdout
    return UUID(found.group(1))


def wait_for(client, flow_run_id: UUID, served, done, what: str, seconds: float = RUN_SECONDS):
    """Poll a flow run until done(run) holds; fail with its state and the server and runner logs otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = client.read_flow_run(flow_run_id)
        if done(run):
            return run
        time.sleep(0.2)
    pytest.fail(f"flow run {flow_run_id} {what}: still {run.state.type.value} ({run.state.name}) after {seconds} s\n{served.log_tail()}")


def finished(run) -> bool:
    return run.state is not None and run.state.is_final()


def test_deployment_is_registered_with_the_form_and_the_concurrency_rule(served_deployment):
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    with prefect_client(served_deployment) as client:
        deployment = client.read_deployment(UUID(served_deployment.deployment_id))
    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE
    assert deployment.schedules == [], "no schedule unless --interval or --cron is given"
    assert deployment.enforce_parameter_schema
    form = deployment.parameter_openapi_schema["definitions"]["IngestParameters"]["properties"]
    assert {"source", "warehouse", "full_refresh", "on_deleted", "batch_size", "max_file_bytes", "accept_languages"} <= set(form)
    assert all(field.get("title") and field.get("description") for field in form.values())
    assert form["on_deleted"]["enum"] == ["retract", "keep"]
    assert deployment.parameters["parameters"]["source"] == "data/incoming", "the form opens on the model's defaults"


def test_bad_parameters_are_refused_by_the_schema_before_any_run(served_deployment):
    with prefect_client(served_deployment) as client:
        before = len(client.read_flow_runs())
    command = [str(BIN / "prefect"), "deployment", "run", FULL_NAME, "--param", 'parameters={"batch_size": 0}']
    refused = subprocess.run(command, env=served_deployment.env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "batch_size" in refused.stdout + refused.stderr and "minimum" in refused.stdout + refused.stderr
    with prefect_client(served_deployment) as client:
        assert len(client.read_flow_runs()) == before, "a refused run is never created"


def test_runs_triggered_like_the_ui_write_the_warehouse_one_at_a_time(served_deployment, tmp_path):
    from prefect.client.schemas.filters import (
        ArtifactCollectionFilter, ArtifactCollectionFilterKey, FlowRunFilter, FlowRunFilterId, LogFilter, LogFilterFlowRunId,
    )

    source, warehouse = tmp_path / "incoming", tmp_path / "warehouse"
    shutil.copytree(SAMPLES, source)
    bad_files = write_bad_inputs(source)
    parameters = {"source": str(source), "warehouse": str(warehouse), "batch_size": 1}

    first_id = trigger_from_cli(served_deployment, parameters)
    with prefect_client(served_deployment) as client:
        # While the first run runs (it holds the deployment's only slot), a second trigger, as a second click would send.
        wait_for(client, first_id, served_deployment, lambda r: r.state.type.value == "RUNNING" or finished(r), "never started", 60)
        second = client.create_flow_run_from_deployment(UUID(served_deployment.deployment_id), parameters={"parameters": parameters})
        second_id, second_created = second.id, second.created
        first = wait_for(client, first_id, served_deployment, finished, "did not finish")
        second = wait_for(client, second_id, served_deployment, finished, "did not finish")
        assert first.state.is_completed(), f"first run {first.state}\n{served_deployment.log_tail()}"
        assert second.state.is_completed(), f"second run {second.state}\n{served_deployment.log_tail()}"

        # Concurrency rule (ENQUEUE): the second run waited for the slot, then ran after the first ended.
        second_states = [s.name for s in client.read_flow_run_states(second_id)]
        assert "AwaitingConcurrencySlot" in second_states, (
            f"the second run never waited: states {second_states}; first ran {first.start_time} .. {first.end_time}"
        )
        assert second_created < first.end_time, "the second trigger came after the first run had ended"
        assert second.start_time >= first.end_time

        # The operator's artifacts, read back through the client.
        artifacts = {a.key: a for a in client.read_artifacts(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[first_id])))}
        assert {"khanij-run-report", "khanij-progress", "khanij-new-events", "khanij-entities", "khanij-quarantine"} <= set(artifacts)
        assert artifacts["khanij-progress"].data == 100
        report = artifacts["khanij-run-report"].data
        assert str(warehouse) in report and all(name in report for name in bad_files)
        entities = json.loads(artifacts["khanij-entities"].data)
        assert {"Kassym-Jomart Tokayev", "Emomali Rahmon"} <= {row["name_en"] for row in entities}
        events = json.loads(artifacts["khanij-new-events"].data)
        assert events and all(row["event_type"] and row["description_en"] for row in events)
        quarantined = {row["source_file"] for row in json.loads(artifacts["khanij-quarantine"].data)}
        assert set(bad_files) <= quarantined

        # Stable keys: the latest run report, one click away in the UI, is the second run's.
        latest = client.read_latest_artifacts(artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=["khanij-run-report"])))
        assert [a.flow_run_id for a in latest] == [second_id]

        # Logs name the file and the stage of every problem.
        warnings = [log.message for log in client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[first_id])), limit=200) if log.level >= 30]
        for name in bad_files:
            assert any(name in message and "stage" in message for message in warnings), f"no warning names {name}: {warnings}"

    articles = pl.read_parquet(warehouse / "articles" / "**" / "*.parquet", hive_partitioning=True)
    assert sorted(articles["source_file"]) == sorted(p.name for p in SAMPLES.glob("*.txt")), "two samples, once each after two runs"
    entities = pl.read_parquet(warehouse / "entities" / "**" / "*.parquet", hive_partitioning=True)
    assert {"KAZ", "TJK", "CHN"} <= set(entities["iso3"].drop_nulls())


def test_prefect_yaml_offers_the_same_deployment_to_workers():
    import yaml

    from flows.deploy import COLLISION_STRATEGY
    from flows.params import IngestParameters
    from tests.conftest import PROJECT_ROOT

    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = config["deployments"]
    assert deployment["name"] == DEPLOYMENT_NAME
    assert deployment["entrypoint"] == "flows/ingest.py:ingest_articles"
    assert deployment["parameters"]["parameters"] == IngestParameters().model_dump(mode="json"), (
        "prefect.yaml's parameters differ from IngestParameters' defaults: copy the new or changed fields into prefect.yaml")
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": COLLISION_STRATEGY.value}
    assert deployment["schedules"] == []
    assert deployment["work_pool"]["job_variables"]["working_dir"] == "{{ $PWD }}"


def test_a_schedule_only_when_asked_for():
    from flows.deploy import ingest_deployment

    assert ingest_deployment().schedules == []
    (every,) = ingest_deployment(interval=900).schedules
    assert every.schedule.interval.total_seconds() == 900
    (cron,) = ingest_deployment(cron="*/15 * * * *").schedules
    assert cron.schedule.cron == "*/15 * * * *"
    with pytest.raises(ValueError):
        ingest_deployment(interval=900, cron="*/15 * * * *")


def test_serve_refuses_to_start_without_a_server(tmp_path):
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "khanij.cli", "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "PREFECT_API_URL" in done.stderr and "prefect server start" in done.stderr
    both = subprocess.run([sys.executable, "-m", "khanij.cli", "serve", "--interval", "60", "--cron", "* * * * *"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert both.returncode == 2 and "not allowed with" in both.stderr
