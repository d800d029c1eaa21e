"""The core pipeline without Prefect: the flow's batch sequence (tasks.stages.process_batch), batches in a process pool.

For benchmarks (how much of a run is Prefect's) and for machines without a Prefect server. Same lock, same
staging and the same single atomic commit as the flow, so both leave the same warehouse.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flows.params import IngestParameters
from khanij import PIPELINE_VERSION
from tasks import stages
from tasks.report import RunSummary
from tasks.warehouse import RunStaging, new_run_id, warehouse_lock


HANDOVER_SWITCH_SECONDS = 0.0005


def _process(job: tuple[str, list, stages.BatchSettings]) -> stages.BatchOutcome:
    label, batch, settings = job
    return stages.process_batch(label, batch, settings)


def _feed(pool: ProcessPoolExecutor, pending: deque, lock: threading.Lock, done: queue.Queue) -> None:
    """Hand one helper process the next batch, one at a time, until none is left."""
    while True:
        with lock:
            if not pending:
                return
            job = pending.popleft()
        try:
            done.put(pool.submit(_process, job).result())
        except BaseException as error:  # handed to the caller, which raises it
            done.put(error)
            return


def _polars_pool_started() -> bool:
    """Whether Polars' thread pool runs in this process: it starts with the first query, its threads named polars-<n>."""
    try:
        names = [(Path("/proc/self/task") / task / "comm").read_text().strip() for task in os.listdir("/proc/self/task")]
    except OSError:
        return True  # cannot tell: assume it does
    return any(re.fullmatch(r"polars-\d+", name) for name in names)


def _start_helpers(workers: int) -> ProcessPoolExecutor | None:
    """`workers - 1` helper processes, started now, before the run is planned, each ready to take a batch.

    This process loads the reference data, then forks the helpers: they start with it and with every module
    imported, instead of spending a second or two on that before their first batch. A fork is safe only before
    Polars' thread pool starts (a forked child would inherit a pool without its threads and could hang): a process
    that has already queried (a second run in one process, a test session) spawns its helpers instead.
    """
    if workers <= 1:
        return None
    stages.load_reference_data()
    method = "spawn" if _polars_pool_started() or "fork" not in multiprocessing.get_all_start_methods() else "fork"
    pool = ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context(method))
    for _ in range(workers - 1):  # one submit per helper: the pool starts a process for each waiting task
        pool.submit(stages.warm_up)
    return pool


def _run_jobs(jobs: list[tuple[str, list, stages.BatchSettings]], pool: ProcessPoolExecutor | None, helpers: int) -> Iterator[stages.BatchOutcome]:
    """Every batch processed, in order of completion: this process and the pool's helpers each take the next batch when free.

    This process has everything imported already, so it works at once, even while a helper still starts up; a
    helper gets its next batch the moment it hands one back. Taken in order, the run's small last batches come last
    for everyone, so the processes finish close together.
    """
    pending, lock, done = deque(jobs), threading.Lock(), queue.Queue()

    def finished() -> Iterator[stages.BatchOutcome]:
        while not done.empty():
            outcome = done.get()
            if isinstance(outcome, BaseException):
                raise outcome
            yield outcome

    if pool is None or len(jobs) <= 1:
        yield from map(_process, jobs)
        return
    job = pending.popleft()  # taken before any helper, so a run's first batch never waits for one
    feeders = [threading.Thread(target=_feed, args=(pool, pending, lock, done), daemon=True) for _ in range(helpers)]
    with _quick_thread_switches():
        for feeder in feeders:
            feeder.start()
        while job is not None:
            yield _process(job)
            yield from finished()
            with lock:
                job = pending.popleft() if pending else None
        for feeder in feeders:
            feeder.join()
    yield from finished()


@contextmanager
def _quick_thread_switches() -> Iterator[None]:
    """Let this process's waiting threads take the interpreter lock sooner while this process works on a batch.

    A helper's finished batch reaches its feeder thread through the pool's own thread, each needing the lock from
    the busy main thread: at Python's default switch interval (5 ms) a hand-over took 0.2-0.45 s, during which the
    helper sat idle; at 0.5 ms it takes 20-30 ms. Only threads that wait for the lock are affected.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(HANDOVER_SWITCH_SECONDS)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def run_core(parameters: IngestParameters, workers: int = 1) -> RunSummary:
    """Run the pipeline on parameters.source into parameters.warehouse, batches on `workers` processes; the run's summary."""
    source_dir, warehouse_dir = Path(parameters.source).resolve(), Path(parameters.warehouse).resolve()
    run_id = new_run_id()
    summary = RunSummary(run_id, str(source_dir), str(warehouse_dir))
    staging = RunStaging(warehouse_dir, run_id)
    # Helpers start before the lock is taken: a forked helper must not hold a copy of the lock's file.
    pool = _start_helpers(workers)
    with ExitStack() as cleanup:
        if pool is not None:  # on a no-op or a failure, do not wait for a helper still loading
            cleanup.callback(pool.shutdown, wait=False, cancel_futures=True)
        cleanup.enter_context(warehouse_lock(warehouse_dir, run_id, parameters.lock_timeout_seconds))
        started = time.perf_counter()
        plan, _ = stages.plan_source(source_dir, warehouse_dir, parameters.full_refresh)
        summary.stage_seconds["discover"] = time.perf_counter() - started
        summary.plan(plan)
        if plan.is_noop and not parameters.full_refresh:
            return summary
        settings = stages.BatchSettings(source_dir, staging, run_id, dt.datetime.now(dt.timezone.utc).date(), PIPELINE_VERSION,
                                        parameters.max_file_bytes, tuple(parameters.accept_languages))
        ledger = stages.RunLedger()
        jobs = [(label, list(batch), settings) for label, batch in stages.batches_of(plan.to_process, parameters.batch_size)]
        for outcome in _run_jobs(jobs, pool, workers - 1):
            ledger.add(outcome)
        if pool is not None:  # the helpers' memory goes back before the commit needs its own
            pool.shutdown()
        for outcome in ledger.in_order():
            summary.add_batch(outcome)
        started = time.perf_counter()
        rows = stages.commit_run(warehouse_dir, settings, ledger, plan, keep_deleted=parameters.on_deleted == "keep",
                                 full_refresh=parameters.full_refresh)
        summary.stage_seconds["commit"] = time.perf_counter() - started
        summary.finish(ledger.catalog(), ledger.entity_mentions(), stages.discover_quarantine(plan, settings), rows)
    return summary
