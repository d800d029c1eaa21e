"""The `khanij` command line: run the ingest flow, score a warehouse against gold annotations."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Prefect's embedded server sends a telemetry heartbeat that races its own SQLite writes and logs an
# ERROR ("database is locked"); the product never needs it, so it is off unless the operator turns it on.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _run(args: argparse.Namespace) -> int:
    from flows.ingest import ingest_articles
    from flows.params import IngestParameters

    parameters = IngestParameters(
        source=str(args.source), warehouse=str(args.warehouse), batch_size=args.batch_size, max_file_bytes=args.max_file_bytes,
        full_refresh=args.full_refresh, on_deleted=args.on_deleted, accept_languages=args.accept_languages,
    )
    summary = ingest_articles(parameters)
    print(summary.terminal_text())
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
    run.add_argument("--accept-languages", nargs="+", choices=("hi", "en", "mr", "ne", "und"), default=["hi"], metavar="LANG",
                     help="languages to ingest (hi, en, mr, ne, und); other articles go to quarantine; default: hi")
    run.set_defaults(handler=_run)

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
