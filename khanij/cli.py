"""The `khanij` command line: run the ingest flow, serve it, score a warehouse against gold annotations, write a benchmark corpus."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Prefect's embedded server sends a telemetry heartbeat that races its own SQLite writes and logs an
# ERROR ("database is locked"); the product never needs it, so it is off unless the operator turns it on.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# `khanij run` without a server starts Prefect's temporary one, which must answer within 20 s by default: a busy
# 2-core machine has missed that, failing the run before it began. 90 s costs nothing when the server is quick.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest_articles
    from flows.params import IngestParameters

    parameters = IngestParameters(
        source=str(args.source), warehouse=str(args.warehouse), batch_size=args.batch_size, max_file_bytes=args.max_file_bytes,
        full_refresh=args.full_refresh, on_deleted=args.on_deleted, accept_languages=args.accept_languages,
        lock_timeout_seconds=args.lock_timeout_seconds, runner=args.runner, dask_address=args.dask_address, dask_workers=args.dask_workers,
    )
    summary = ingest_articles(parameters)
    print(summary.terminal_text())
    return 0


def _positive_seconds(text: str) -> float:
    seconds = float(text)
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return seconds


def _serve(args: argparse.Namespace) -> int:
    from prefect.settings import PREFECT_API_URL

    from flows.deploy import FULL_NAME, ingest_deployment, serve_ingest

    # Without a server the deployment would live in a temporary one that no UI shows: refuse, and say what to do.
    if not PREFECT_API_URL.value():
        print("khanij serve: PREFECT_API_URL is not set. Start a server (`make server`, or "
              "`prefect server start --host 127.0.0.1`) and `export PREFECT_API_URL=http://127.0.0.1:4200/api`.",
              file=sys.stderr)
        return 2
    deployment = ingest_deployment(interval=args.interval, cron=args.cron)
    print(f"khanij: serving {FULL_NAME} to {PREFECT_API_URL.value()} (Ctrl-C stops)", flush=True)
    serve_ingest(deployment)
    return 0


def _synth(args: argparse.Namespace) -> int:
    from tasks.reference import load_synth_material
    from tasks.synth import synth_files

    written = size = 0
    for relpath, data in synth_files(load_synth_material(), args.n, args.seed):
        path = args.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written, size = written + 1, size + len(data)
    print(f"khanij synth: {args.n} articles in {written} files ({size / 1e6:.1f} MB) under {args.out}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from tasks.evaluate import evaluate_warehouse, render_scores

    scores = evaluate_warehouse(args.gold, args.warehouse)
    print(render_scores(scores, misses=args.show_misses))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser, with help for every option."""
    parser = argparse.ArgumentParser(prog="khanij", description="Hindi news on critical minerals -> English entities and events in Parquet.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the ingest flow on a folder of article files",
                              description="Run the Prefect flow ingest_articles: read every article file in --source, "
                                          "extract entities and events, validate them and commit them to --warehouse. "
                                          "Without PREFECT_API_URL set, Prefect starts a temporary local server itself.")
    run.add_argument("--source", type=Path, default=Path("data/incoming"), help="folder of article files (.txt, .json, .jsonl, .html); default: %(default)s")
    run.add_argument("--warehouse", type=Path, default=Path("data/warehouse"), help="warehouse folder the Parquet datasets are committed to; default: %(default)s")
    run.add_argument("--batch-size", type=int, default=200, help="articles per batch (one Prefect task run per stage and batch); default: %(default)s")
    run.add_argument("--max-file-bytes", type=int, default=5_000_000, help="files larger than this go to quarantine unread; default: %(default)s")
    run.add_argument("--full-refresh", action="store_true", help="rebuild every dataset from the source files instead of processing only new and changed files")
    run.add_argument("--on-deleted", choices=("retract", "keep"), default="retract", help="rows of committed files that are gone from --source: 'retract' removes them, 'keep' leaves them; default: %(default)s")
    run.add_argument("--lock-timeout-seconds", type=float, default=600, help="how long to wait when another run is writing the same warehouse; default: %(default)s")
    run.add_argument("--runner", choices=("sequential", "dask"), default="sequential",
                     help="'sequential': batches one after another in this process; 'dask': batches in parallel on a Dask cluster "
                          "(a local one unless --dask-address); the commit stays single and atomic; default: %(default)s")
    run.add_argument("--dask-address", metavar="ADDRESS", help="with --runner dask: an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                                               "(its workers must see --source and --warehouse at the same paths); default: a local cluster")
    run.add_argument("--dask-workers", type=int, default=2, help="with --runner dask and no --dask-address: worker processes of the local cluster; default: %(default)s")
    run.add_argument("--accept-languages", nargs="+", choices=("hi", "en", "mr", "ne", "und"), default=["hi"], metavar="LANG",
                     help="languages to ingest (hi, en, mr, ne, und); other articles go to quarantine; default: hi")
    run.set_defaults(handler=_run)

    serve = commands.add_parser("serve", help="serve the ingest deployment so operators run it from the Prefect UI",
                                description="Register the deployment ingest_articles/khanij-ingest with the Prefect server at "
                                            "PREFECT_API_URL and run the flow runs started from the UI (or `prefect deployment run`) "
                                            "until Ctrl-C. One run at a time: a run started while another is active waits for it. "
                                            "No schedule unless --interval or --cron is given.")
    schedule = serve.add_mutually_exclusive_group()
    schedule.add_argument("--interval", type=_positive_seconds, metavar="SECONDS", help="also start a run every SECONDS seconds (poll the source folder); default: no schedule")
    schedule.add_argument("--cron", metavar="EXPR", help="also start runs on this cron schedule, e.g. '*/15 * * * *' (UTC); default: no schedule")
    serve.set_defaults(handler=_serve)

    synth = commands.add_parser("synth", help="write a synthetic corpus of Hindi articles for benchmarks",
                                description="Write N article files (.txt with header lines, .json, .jsonl with several records, .html) "
                                            "recombined from the sentence templates in data/synth/ with entities, dates and amounts from "
                                            "data/reference/. The same --seed gives the same files; the first N articles of a larger corpus "
                                            "are the corpus of N.")
    synth.add_argument("--n", type=int, required=True, help="number of articles")
    synth.add_argument("--out", type=Path, required=True, help="folder to write them to (created if missing)")
    synth.add_argument("--seed", type=int, default=0, help="random seed; default: %(default)s")
    synth.set_defaults(handler=_synth)

    evaluate = commands.add_parser("eval", help="score a warehouse against gold annotations",
                                   description="Precision, recall and F1 of the warehouse's entities (strict and soft, by type) "
                                               "and events against gold files in the format of GOLD_FORMAT.md.")
    evaluate.add_argument("--gold", type=Path, required=True, help="folder of <article>.gold.json files")
    evaluate.add_argument("--warehouse", type=Path, required=True, help="warehouse folder written by `khanij run`")
    evaluate.add_argument("--show-misses", type=int, default=10, help="list this many most common misses and false alarms; default: %(default)s")
    evaluate.set_defaults(handler=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `khanij` command."""
    from pydantic import ValidationError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        print(f"khanij: invalid parameters: {problems}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
