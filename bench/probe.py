"""One measured run, in its own process so its memory is its own: prints one JSON line with what it measured.

python -m bench.probe core --source S --warehouse W --workers 2 --batch-size 1000
python -m bench.probe flow --source S --warehouse W --runner dask --batch-size 1000   (PREFECT_API_URL set by the caller)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Run the pipeline once as asked and print its timings and counts as JSON."""
    parser = argparse.ArgumentParser(prog="bench.probe")
    parser.add_argument("mode", choices=("core", "flow"))
    parser.add_argument("--source", required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runner", choices=("sequential", "dask"), default="sequential")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    imported = time.perf_counter()
    from flows.params import IngestParameters

    parameters = IngestParameters(source=args.source, warehouse=args.warehouse, batch_size=args.batch_size, runner=args.runner,
                                  dask_workers=args.workers)
    if args.mode == "core":
        from flows.core import run_core

        started = time.perf_counter()
        summary = run_core(parameters, workers=args.workers)
    else:
        from flows.ingest import ingest_articles

        started = time.perf_counter()
        summary = ingest_articles(parameters)
    seconds = time.perf_counter() - started
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print("BENCH " + json.dumps({
        "seconds": seconds,
        "import_seconds": started - imported,
        "cpu_seconds": sum(u.ru_utime + u.ru_stime for u in usage),
        "max_rss_one_process_mb": max(u.ru_maxrss for u in usage) / 1024,
        "articles": summary.articles, "files_seen": summary.files_seen, "files_new": summary.files_new,
        "events": summary.events, "mentions": summary.mentions, "quarantined": summary.quarantined,
        "stage_seconds": summary.stage_seconds,
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
