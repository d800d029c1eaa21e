"""The ingest flow as a Prefect deployment that operators start from the UI, served by `khanij serve`."""

from __future__ import annotations

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment

from flows.ingest import ingest_articles
from flows.params import IngestParameters

DEPLOYMENT_NAME = "khanij-ingest"
FULL_NAME = f"{ingest_articles.name}/{DEPLOYMENT_NAME}"

# One run at a time: two runs committing to one warehouse would race for its next dataset versions.
# A run that arrives while another is active waits (ENQUEUE, state "AwaitingConcurrencySlot") rather
# than being cancelled (CANCEL_NEW): a run an operator starts from the form is a deliberate request,
# often with other parameters (a full refresh, another source folder), and it should happen, not vanish.
# Waiting is cheap because ingestion is incremental: the queued run only reads what is new by then.
COLLISION_STRATEGY = ConcurrencyLimitStrategy.ENQUEUE
CONCURRENCY = ConcurrencyLimitConfig(limit=1, collision_strategy=COLLISION_STRATEGY)

DESCRIPTION = (
    "Ingest Hindi news articles from a folder into the khanij warehouse (English entities and events in Parquet). "
    "One run at a time: a run started while another is active waits for it (AwaitingConcurrencySlot). "
    "Artifacts: khanij-run-report (markdown), khanij-progress, khanij-new-events, khanij-entities, khanij-quarantine."
)


def ingest_deployment(interval: float | None = None, cron: str | None = None) -> RunnerDeployment:
    """The khanij-ingest deployment: parameter form with the defaults filled in, concurrency 1, schedule only if asked for."""
    if interval is not None and cron is not None:
        raise ValueError("give an interval or a cron expression, not both")
    return ingest_articles.to_deployment(
        name=DEPLOYMENT_NAME,
        interval=interval,
        cron=cron,
        # No schedule given: an explicit empty list, so serving again without one removes an older schedule.
        schedules=[] if interval is None and cron is None else None,
        concurrency_limit=CONCURRENCY,
        # The flow's parameter defaults to None; filling it in makes the UI open the form on the model's defaults.
        parameters={"parameters": IngestParameters().model_dump(mode="json")},
        description=DESCRIPTION,
        tags=["khanij"],
        enforce_parameter_schema=True,
        # Import by module (the package is installed), so runs do not depend on the directory `khanij serve` started in.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def serve_ingest(deployment: RunnerDeployment) -> None:
    """Register the deployment, then start its flow runs (each in a child process) until interrupted."""
    from prefect import serve

    # pause_on_shutdown: a schedule stops with `khanij serve`, so no runs pile up while nobody serves them.
    serve(deployment, pause_on_shutdown=True)
