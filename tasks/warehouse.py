"""The warehouse: hive-partitioned Parquet datasets, committed as whole versions that become visible in one step.

This is the only module that reads or writes the warehouse. Layout under the root:

    <dataset>           -> _current/<dataset>      a symbolic link per dataset: the paths readers use
    _current            -> _versions/v<seq>-<run_id>  the committed version; replaced atomically by a commit
    _versions/v<seq>-<run_id>/<dataset>/<key>=<value>/part-<run_id>-<n>.parquet   (seq counts commits)
    _staging/<run_id>/batches/<dataset>/batch-<label>.parquet    a run's batches before its commit
    _lock                                          held (flock) by the one run that may write

A commit builds the next version beside the current one: partitions a run does not touch are hard
links to the current version's files, touched partitions are rewritten, the entity table and the
manifest are rewritten whole. Then one `rename` of the `_current` link makes every dataset switch
at once. Readers that already listed the previous version keep reading it: the previous version is
kept until the next commit. A crash leaves `_current` on the last committed version; the next run's
`recover` discards whatever the crashed run left.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from contracts.arrow import arrow_schema, partition_schema, polars_schema
from contracts.datasets import DATASETS, PARTITION_KEYS
from tasks.validate import conform

# Arrow's buffers come from the C library's allocator, which the batches' large blocks use too: what a batch freed is
# reused by the commit's row groups. With Arrow's default (mimalloc, pages of its own) the commit of 100,000 articles
# alone peaked 45 MB higher (419-432 against 371-381 MB), a whole run 20-40 MB higher, for the same speed.
pa.set_memory_pool(pa.system_memory_pool())

CURRENT = "_current"
VERSIONS = "_versions"
STAGING = "_staging"
LOCK = "_lock"
ARTICLE_DATASETS = ("articles", "mentions", "events")
# Fault injection for the crash tests: KHANIJ_FAULT="<point>:<n>:<kill|raise|sleep>[:<seconds>]" acts the n-th
# time the process passes <point>: kill -9 itself, raise InjectedFault, or sleep (5 s unless given; to make two runs overlap).
FAULT_ENV = "KHANIJ_FAULT"
FAULT_SLEEP_SECONDS = 5.0
_fault_counts: dict[str, int] = {}


class InjectedFault(RuntimeError):
    """Raised at a fault point chosen by KHANIJ_FAULT (tests only)."""


class WarehouseLocked(RuntimeError):
    """Another run holds the warehouse."""


def fault_point(name: str) -> None:
    """A place where a crash test may stop the process; does nothing unless KHANIJ_FAULT names it."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    point, nth, mode, *seconds = spec.split(":")
    if point != name:
        return
    _fault_counts[name] = _fault_counts.get(name, 0) + 1
    if _fault_counts[name] == int(nth):
        if mode == "kill":
            os.kill(os.getpid(), 9)
        if mode == "sleep":
            time.sleep(float(seconds[0]) if seconds else FAULT_SLEEP_SECONDS)
            return
        raise InjectedFault(f"injected fault at {name} #{nth}")


def new_run_id(now: dt.datetime | None = None) -> str:
    """UTC start time plus a random suffix: sortable and unique."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _sequence(version: Path) -> int:
    return int(version.name[1:].split("-", 1)[0])


def current_version(root: Path) -> Path | None:
    """The folder of the committed version, or None before the first commit."""
    link = root / CURRENT
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None


def _read_files(dataset: str, files: Sequence[Path], columns: Sequence[str] | None = None) -> pl.DataFrame:
    """Rows of some Parquet files of one dataset version (partition key from their folder names), typed by the contract."""
    schema = polars_schema(DATASETS[dataset])
    wanted = list(columns) if columns else list(schema)
    if not files:
        return pl.DataFrame(schema={c: schema[c] for c in wanted})
    key = PARTITION_KEYS[dataset]
    options = {}
    if key:
        options = {"partitioning": ds.partitioning(partition_schema(dataset), flavor="hive"), "partition_base_dir": str(files[0].parent.parent)}
    table = ds.dataset([str(f) for f in files], schema=arrow_schema(dataset), format="parquet", **options).to_table(columns=wanted)
    return pl.from_arrow(table).cast({c: schema[c] for c in wanted})


def _dataset_files(version: Path | None, dataset: str) -> list[Path]:
    folder = version / dataset if version else None
    return sorted(folder.rglob("*.parquet")) if folder and folder.is_dir() else []


def read_dataset(root: Path, dataset: str, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """A committed dataset with its contract's types (empty before the first commit)."""
    return _read_files(dataset, _dataset_files(current_version(root), dataset), columns)


@contextmanager
def warehouse_lock(root: Path, run_id: str, timeout_seconds: float, on_wait: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """Hold the warehouse for one run. The kernel drops the lock when the holder dies, so a crash never leaves it stuck."""
    root.mkdir(parents=True, exist_ok=True)
    handle = (root / LOCK).open("a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another run"
                message = f"warehouse {root} is being written by {holder}"
                if time.monotonic() >= deadline:
                    raise WarehouseLocked(f"{message}; gave up after waiting {timeout_seconds:.0f} s (raise lock_timeout_seconds to wait longer)") from None
                if not told:
                    on_wait(f"{message}; waiting up to {timeout_seconds:.0f} s for it to finish")
                    told = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
                                 "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _ensure_dataset_links(root: Path) -> None:
    for dataset in DATASETS:
        link = root / dataset
        if not link.is_symlink():
            link.symlink_to(Path(CURRENT) / dataset, target_is_directory=True)


def recover(root: Path) -> list[str]:
    """Discard what a crashed run left (staging, uncommitted versions); keep the current and previous versions.

    Call it holding the lock. Returns what was done, for the log.
    """
    root.mkdir(parents=True, exist_ok=True)
    actions = []
    staging = root / STAGING
    for leftover in sorted(staging.iterdir()) if staging.is_dir() else []:
        shutil.rmtree(leftover, ignore_errors=True)
        actions.append(f"discarded the staging area of unfinished run {leftover.name}")
    for tmp in root.glob(f"{CURRENT}.tmp-*"):
        tmp.unlink()
    current = current_version(root)
    versions = sorted((root / VERSIONS).iterdir(), key=_sequence) if (root / VERSIONS).is_dir() else []
    committed = [v for v in versions if current is not None and _sequence(v) <= _sequence(current)]
    keep = set(committed[-2:])
    for version in versions:
        if version not in keep:
            shutil.rmtree(version, ignore_errors=True)
            if version not in committed:
                actions.append(f"discarded version {version.name}, which was never committed")
    _ensure_dataset_links(root)
    return actions


@dataclass
class RunStaging:
    """A run's staging area: batches are staged here, then committed together."""

    root: Path
    run_id: str

    @property
    def path(self) -> Path:
        return self.root / STAGING / self.run_id

    def stage_batch(self, label: str, frames: dict[str, pl.DataFrame]) -> None:
        """Write one batch's validated frames to the staging area (invisible to readers), already sorted by partition.

        The batch's own process does the sorting, in parallel with the other batches, so the single commit at the end
        only gathers each partition's rows from every batch and writes them out.
        """
        for dataset, frame in frames.items():
            folder = self.path / "batches" / dataset
            folder.mkdir(parents=True, exist_ok=True)
            # (an empty frame may have no columns at all: conform would make it one row of nulls)
            frame = conform(dataset, frame) if frame.height else pl.DataFrame(schema=polars_schema(DATASETS[dataset]))
            if dataset in ROW_KEYS:  # a batch never stages a row twice
                frame = frame.unique(list(ROW_KEYS[dataset]), keep="first", maintain_order=True)
            _write_staged(*_partitioned(frame, dataset), folder / f"batch-{label}.arrow")
            fault_point("stage-batch")

    def staged_files(self, dataset: str) -> list[Path]:
        """The staged batch files of a dataset, in batch order (never read all at once: a run may hold 100k articles)."""
        folder = self.path / "batches" / dataset
        return sorted(folder.glob("*.arrow")) if folder.is_dir() else []

    def stage_ledger(self, label: str, frames: dict[str, pl.DataFrame]) -> None:
        """Write what the commit must know of a batch's files and articles (kind -> frame), beside its rows.

        On disk, not in the outcome a batch hands back: a run's process would otherwise hold a few small frames per
        batch until its commit, and their memory, scattered between the batches', stayed taken (about 1 MB a
        batch of 1,000 files, 100 MB a run of 100,000).
        """
        for kind, frame in frames.items():
            folder = self.path / "ledger" / kind
            folder.mkdir(parents=True, exist_ok=True)
            frame.write_ipc(folder / f"batch-{label}.arrow", compression="uncompressed")

    def read_ledger(self, kind: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
        """Every batch's frame of one kind (see stage_ledger), in batch order, as one frame."""
        folder = self.path / "ledger" / kind
        files = sorted(folder.glob("*.arrow")) if folder.is_dir() else []
        return pl.scan_ipc(files).collect() if files else pl.DataFrame(schema=schema)


# The columns that identify a row of an article dataset.
ROW_KEYS = {"articles": ("article_id",), "mentions": ("article_id", "start", "end", "entity_id"), "events": ("event_id",)}
# Schema metadata of a staged batch file: the partition value of each of its record batches, as a JSON list.
STAGED_PARTITIONS = b"khanij.partitions"


def _partitioned(frame: pl.DataFrame, dataset: str) -> tuple[pa.Table, list[tuple[str | None, int]]]:
    """A frame's rows grouped by partition in the file schema (one chunk), with each partition's value and row count.

    The sort is stable: within a partition, rows keep their order. A dataset without partitions is one group (None).
    """
    key = PARTITION_KEYS[dataset]
    if key is None:
        return arrow_table(frame, dataset), [(None, frame.height)] if frame.height else []
    frame = frame.sort(key, maintain_order=True)
    runs = frame.select(pl.col(key).rle()).unnest(key).select("value", "len").rows()
    return arrow_table(frame, dataset, with_partition=False).combine_chunks(), [(_partition_text(value), rows) for value, rows in runs]


STAGE_BUFFER_BYTES = 1 << 20


def _write_staged(table: pa.Table, runs: Sequence[tuple[str | None, int]], path: Path) -> None:
    """A staged batch file: an uncompressed Arrow IPC file with one record batch per partition, values in its metadata.

    Uncompressed: the commit reads a partition's rows from it with one read and nothing to decode. Buffered: the
    writer would otherwise make a system call per column buffer, thousands per batch.
    """
    schema = table.schema.with_metadata({STAGED_PARTITIONS: json.dumps([value for value, _ in runs])})
    with pa.OSFile(str(path), "wb") as raw, pa.BufferedOutputStream(raw, STAGE_BUFFER_BYTES) as sink, pa.ipc.new_file(sink, schema) as writer:
        offset = 0
        for _, rows in runs:
            writer.write_batch(table.slice(offset, rows).to_batches()[0])  # one chunk in, so one record batch out
            offset += rows


def _staged_partitions(files: Sequence[Path]) -> dict[str, list[tuple[Path, int]]]:
    """For each partition value, its record batches in the staged files, in batch order: (file, index)."""
    found: dict[str, list[tuple[Path, int]]] = {}
    for path in files:
        with pa.memory_map(str(path)) as source:
            values = json.loads(pa.ipc.open_file(source).schema.metadata[STAGED_PARTITIONS])
        for index, value in enumerate(values):
            found.setdefault(value, []).append((path, index))
    return found


def _staged_column(path: Path, column: str) -> pa.Array:
    """One column of a staged batch file, every partition, copied out: only that column's pages are read."""
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        return pa.chunked_array([reader.get_batch(i).column(column) for i in range(reader.num_record_batches)], reader.schema.field(column).type).combine_chunks()


# What a run made of each source file it processed: the manifest's rows before their lineage. A run holds one row per
# file as a frame, not as Python objects: at 100,000 files the objects took 40 MB through the whole commit.
OUTCOME_SCHEMA = {"source_file": pl.Utf8, "content_sha256": pl.Utf8, "size_bytes": pl.Int64, "mtime_ns": pl.Int64,
                  "article_ids": pl.List(pl.Utf8), "status": pl.Utf8}


def arrow_table(frame: pl.DataFrame, dataset: str, with_partition: bool = True) -> pa.Table:
    """A frame as an Arrow table with the dataset's contract schema."""
    table = conform(dataset, frame).to_arrow()
    key = PARTITION_KEYS[dataset]
    if not with_partition and key:
        table = table.drop_columns([key])
    return table.cast(arrow_schema(dataset, with_partition=with_partition))


# Rows gathered into one row group of a partition's file: memory stays flat whatever the size of the run, and
# row groups stay large enough to read fast with a small footer. Three datasets are written side by side, each
# holding a group and its encoded pages: at 16 MB the commit of 100,000 articles peaked 55 MB higher than at 4 MB,
# and took no less time.
WRITE_BUDGET_BYTES = 4 << 20
READ_BATCH_ROWS = 50_000
FSYNC_THREADS = 8
# Mentions partitions counted together for the entity table, up to this much Parquet: a query per partition paid
# more for starting the query than for its rows (0.5 s of a 10,000-article commit), all at once would hold the run.
USAGE_PART_BYTES = 1 << 20


# Whole texts: their min/max statistics never prune a read, yet they were most of a file's footer (two copies of an
# article per row group), which every writer also keeps in memory until it closes. Nor are they dictionary-encoded:
# nearly every value is distinct, so the dictionary only repeats the column (it was a sixth of a commit's writing).
WHOLE_TEXT_COLUMNS = frozenset({"text", "summary_en", "sentence", "description_en", "payload"})


@lru_cache(maxsize=None)
def _encoded_columns(dataset: str) -> tuple[str, ...]:
    """Parquet column paths of a dataset's files that get min/max statistics and dictionary encoding (all but the whole texts)."""
    schema = arrow_schema(dataset, with_partition=False)
    sink = pa.BufferOutputStream()
    pq.write_table(schema.empty_table(), sink)
    columns = pq.ParquetFile(pa.BufferReader(sink.getvalue())).metadata.schema  # leaf paths, e.g. 'aliases.list.element'
    return tuple(columns.column(i).path for i in range(len(columns)) if columns.column(i).path.split(".")[0] not in WHOLE_TEXT_COLUMNS)


def _row_groups(pieces: Iterable[pa.Table | pa.RecordBatch]) -> Iterator[pa.Table]:
    """Pieces of rows gathered into tables of about WRITE_BUDGET_BYTES (the last one smaller)."""
    pending: list[pa.RecordBatch] = []
    size = 0
    for piece in pieces:
        if not piece.num_rows:
            continue
        pending += piece.to_batches() if isinstance(piece, pa.Table) else [piece]
        size += piece.get_total_buffer_size()  # not nbytes, which walks every buffer's referenced ranges (a fifth of a commit)
        if size > WRITE_BUDGET_BYTES:
            yield pa.Table.from_batches(pending, pending[0].schema.remove_metadata())
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending, pending[0].schema.remove_metadata())


def _write_file(pieces: Iterable[pa.Table | pa.RecordBatch], dataset: str, path: Path, fix: Callable[[pa.Table], pa.Table] | None = None) -> bool:
    """One Parquet file from pieces of rows in the dataset's file schema, a row group per write budget; False if no rows came.

    `fix`, if given, rewrites each row group before it is written.
    """
    writer = None
    try:
        for group in _row_groups(pieces):
            group = fix(group) if fix is not None else group
            if writer is None:
                path.parent.mkdir(parents=True, exist_ok=True)
                encoded = list(_encoded_columns(dataset))
                writer = pq.ParquetWriter(path, arrow_schema(dataset, with_partition=False), compression="zstd",
                                          write_statistics=encoded, use_dictionary=encoded)
            writer.write_table(group, row_group_size=group.num_rows)
            full, group = group.get_total_buffer_size() > WRITE_BUDGET_BYTES, None
            if full:  # Arrow's allocator keeps freed pages for reuse; handing a big group's back keeps memory flat
                pa.default_memory_pool().release_unused()
    finally:
        if writer is not None:  # on an error the unfinished version is discarded by recover
            writer.close()
    # A small file's freed memory is not handed back: its thread reuses it for the next file, and trimming the heap
    # after each of a commit's hundreds of files cost a sixth of the commit.
    return writer is not None


def _partition_file(target: Path, dataset: str, value: str | None, run_id: str) -> Path:
    """Where a version keeps a partition's file (the dataset's folder itself when it has no partitions)."""
    folder = target if value is None else target / f"{PARTITION_KEYS[dataset]}={value}"
    return folder / f"part-{run_id}-0.parquet"


def _write_dataset(frame: pl.DataFrame, dataset: str, target: Path, run_id: str) -> None:
    """Write a whole dataset held in memory (the entity table, the manifest): one file per partition."""
    table, runs = _partitioned(frame, dataset)
    offset = 0
    for value, rows in runs:
        _write_file([table.slice(offset, rows)], dataset, _partition_file(target, dataset, value, run_id))
        fault_point("write-partition")
        offset += rows


def _partition_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _iter_file(dataset: str, file: Path) -> Iterator[pl.DataFrame]:
    """Rows of one committed file in slices, with the partition key from its folder, typed by the contract."""
    key = PARTITION_KEYS[dataset]
    options = {"partitioning": ds.partitioning(partition_schema(dataset), flavor="hive"), "partition_base_dir": str(file.parent.parent)} if key else {}
    schema = polars_schema(DATASETS[dataset])
    for batch in ds.dataset([str(file)], schema=arrow_schema(dataset), format="parquet", **options).to_batches(batch_size=READ_BATCH_ROWS):
        if batch.num_rows:
            yield pl.from_arrow(batch).cast(dict(schema))


class _StagedReaders:
    """Staged batch files open for reading, the most recently used kept open: opening one costs more than reading a partition from it.

    Read into memory, not mapped: a mapping held open would keep every page it read resident until the commit ends.
    """

    LIMIT = 200  # per dataset: three datasets at once stay well under the usual 1,024 open files

    def __init__(self) -> None:
        self.open: OrderedDict[Path, tuple[pa.OSFile, pa.ipc.RecordBatchFileReader]] = OrderedDict()

    def get(self, path: Path) -> pa.ipc.RecordBatchFileReader:
        """The reader of a staged file, opened if it is not open yet."""
        entry = self.open.pop(path, None)
        if entry is None:
            if len(self.open) >= self.LIMIT:
                self.open.popitem(last=False)[1][0].close()
            source = pa.OSFile(str(path))
            entry = (source, pa.ipc.open_file(source))
        self.open[path] = entry
        return entry[1]

    def close(self) -> None:
        """Close every open file."""
        while self.open:
            self.open.popitem()[1][0].close()


@dataclass
class _Incoming:
    """A run's staged rows of one dataset by partition, each article taken from the first batch that staged it."""

    partitions: dict[str, list[tuple[Path, int]]]
    # Staged file name -> the articles whose rows count in it, for a file that also staged copies of articles an
    # earlier batch staged first (the same text under another file name); other files count whole.
    keep: dict[str, pa.Array]
    readers: _StagedReaders = field(default_factory=_StagedReaders)

    def rows(self, value: str) -> Iterator[pa.RecordBatch]:
        """A partition's staged rows in batch order."""
        for path, index in self.partitions.get(value, []):
            rows = self.readers.get(path).get_batch(index)
            wanted = self.keep.get(path.name)
            if wanted is not None:
                rows = rows.filter(pc.is_in(rows["article_id"], value_set=wanted))
            if rows.num_rows:
                yield rows

    def __enter__(self) -> _Incoming:
        return self

    def __exit__(self, *error: object) -> None:
        self.readers.close()


def _first_staged(staging: RunStaging, live: pl.DataFrame) -> tuple[pl.Series, dict[str, pa.Array]]:
    """The live articles the run staged, and for each staged file that holds a copy staged first by an earlier batch, the articles that count in it.

    Ids stay in frames and series here and in the commit, not Python sets: a run of 100,000 articles held three sets of
    them (40 MB) through its commit.
    """
    files = staging.staged_files("articles")
    if not files:
        return pl.Series("article_id", [], pl.Utf8), {}
    staged = pl.concat([pl.from_arrow(_staged_column(f, "article_id")).to_frame("article_id").with_columns(file=pl.lit(f.name)) for f in files])
    first = staged.unique("article_id", keep="first", maintain_order=True).join(live, on="article_id", how="semi")
    keep = {}
    for name, total in staged.group_by("file").len().rows():
        counted = first.filter(pl.col("file") == name)["article_id"]
        if counted.len() != total:
            keep[name] = counted.to_arrow()
    return first["article_id"], keep


def _kept_rows(dataset: str, files: Sequence[Path], dropped: pl.Series) -> Iterator[pa.Table]:
    """A committed partition's rows that stay, in slices, in the dataset's file schema."""
    for file in files:
        for rows in _iter_file(dataset, file):
            kept = rows.filter(~pl.col("article_id").is_in(dropped.implode()))
            if kept.height:
                yield arrow_table(kept, dataset, with_partition=False)


def _rewrite_dataset(
    dataset: str, old_version: Path | None, new_version: Path, run_id: str, drop_ids: pl.Series, incoming: _Incoming,
    fix: Callable[[pa.Table], pa.Table] | None = None, fix_ids: pl.Series | None = None,
) -> None:
    """Next version of an article dataset: untouched partitions linked, touched ones rewritten one at a time.

    Each touched partition's file is written from its kept rows and its staged rows alone, so memory holds one row
    group, not the run.
    """
    target = new_version / dataset
    target.mkdir(parents=True, exist_ok=True)
    by_partition: dict[str, list[Path]] = {}
    for file in _dataset_files(old_version, dataset):
        by_partition.setdefault(file.parent.name.split("=", 1)[1], []).append(file)
    touched_ids = drop_ids if fix_ids is None else pl.concat([drop_ids, fix_ids]).unique()
    with incoming:
        for value in sorted(by_partition.keys() | incoming.partitions.keys()):
            files = by_partition.get(value, [])
            if value not in incoming.partitions and not _read_files(dataset, files, ["article_id"])["article_id"].is_in(touched_ids.implode()).any():
                for file in files:
                    _link_or_copy(file, target / file.parent.name / file.name)
                continue
            if _write_file(chain(_kept_rows(dataset, files, drop_ids), incoming.rows(value)), dataset, _partition_file(target, dataset, value, run_id), fix):
                fault_point("write-partition")


def entity_usage(mention_parts: Iterable[pl.DataFrame | pl.LazyFrame], articles: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Per entity: articles mentioning it and their first/last dates, from mentions given in parts that share no article.

    Each part is reduced on its own, so memory follows the largest part (a partition), not the warehouse.
    """
    dates = articles.lazy().select("article_id", "published_date").collect()
    per_part = [
        part.lazy().select("entity_id", "article_id").unique()
        .join(dates.lazy(), on="article_id", how="left")
        .group_by("entity_id")
        .agg(n_articles=pl.len(), first_seen=pl.col("published_date").min(), last_seen=pl.col("published_date").max())
        .collect()
        for part in mention_parts
    ]
    if not per_part:
        return pl.DataFrame(schema={"entity_id": pl.Utf8, "n_articles": pl.Int32, "first_seen": pl.Date, "last_seen": pl.Date})
    return (
        pl.concat(per_part)
        .group_by("entity_id")
        .agg(n_articles=pl.col("n_articles").sum().cast(pl.Int32), first_seen=pl.col("first_seen").min(), last_seen=pl.col("last_seen").max())
    )


def _usage_parts(version: Path) -> list[list[Path]]:
    """A version's mentions files in parts that share no article: whole partitions, gathered up to USAGE_PART_BYTES each."""
    # An article's mentions all sit in its published_month partition.
    partitions: dict[Path, list[Path]] = {}
    for file in _dataset_files(version, "mentions"):
        partitions.setdefault(file.parent, []).append(file)
    parts: list[list[Path]] = []
    size = 0
    for files in partitions.values():
        files_size = sum(file.stat().st_size for file in files)
        if parts and size + files_size <= USAGE_PART_BYTES:
            parts[-1] += files
            size += files_size
        else:
            parts.append(list(files))
            size = files_size
    return parts


def entities_table(catalog: pl.DataFrame, usage: pl.DataFrame, run_id: str, version: str) -> pl.DataFrame:
    """One row per entity mentioned anywhere in the warehouse (see entity_usage), with its catalog entry."""
    return (
        catalog.unique("entity_id", keep="last", maintain_order=True)
        .join(usage, on="entity_id", how="inner")
        .with_columns(pipeline_version=pl.lit(version), run_id=pl.lit(run_id))
        .sort("entity_type", "entity_id")
    )


def next_manifest(old: pl.DataFrame, outcomes: pl.DataFrame, deleted: Iterable[str], keep_deleted: bool, run_id: str, version: str) -> pl.DataFrame:
    """The manifest after a run: processed files (an outcomes frame) replaced, deleted files dropped (or marked kept)."""
    deleted = pl.Series(list(deleted), dtype=pl.Utf8)
    untouched = old.filter(~pl.col("source_file").is_in(outcomes["source_file"].implode()) & ~pl.col("source_file").is_in(deleted.implode()))
    kept = old.filter(pl.col("source_file").is_in(deleted.implode())).with_columns(status=pl.lit("deleted_kept")) if keep_deleted else old.clear()
    fresh = outcomes.select(*OUTCOME_SCHEMA, run_id=pl.lit(run_id, pl.Utf8), pipeline_version=pl.lit(version, pl.Utf8)).select(old.columns)
    return pl.concat([untouched, kept, fresh]).sort("source_file")


def _sources_by_article(manifest: pl.DataFrame) -> pl.DataFrame:
    """article_id -> every file that holds it, in path order."""
    return (
        manifest.select("source_file", "article_ids").explode("article_ids").drop_nulls("article_ids")
        .group_by("article_ids").agg(pl.col("source_file").sort().alias("sources"))
        .rename({"article_ids": "article_id"})
    )


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(folder: Path) -> None:
    """Flush a new version to disk before it is made visible (so a power cut cannot expose empty files)."""
    # fsync waits on the disk, not the CPU: several at once overlap their waits.
    with ThreadPoolExecutor(FSYNC_THREADS) as pool:
        list(pool.map(_fsync, sorted(folder.rglob("*"), reverse=True)))
    _fsync(folder)


def commit(
    root: Path,
    staging: RunStaging,
    outcomes: pl.DataFrame,
    deleted: Sequence[str],
    catalog: pl.DataFrame,
    version: str,
    keep_deleted: bool = False,
    full_refresh: bool = False,
) -> dict[str, int]:
    """Make a run visible in one step and return each dataset's row count after it.

    Files the run processed (`outcomes`: see OUTCOME_SCHEMA) replace their earlier rows; deleted files' rows are retracted unless
    keep_deleted; a full refresh starts from an empty warehouse. An article stays while any file
    in the manifest holds it.
    """
    committed = current_version(root)
    old = None if full_refresh else committed
    new = root / VERSIONS / f"v{(_sequence(committed) + 1) if committed else 1:08d}-{staging.run_id}"
    shutil.rmtree(new, ignore_errors=True)
    manifest = next_manifest(_read_files("manifest", _dataset_files(old, "manifest")), outcomes, deleted, keep_deleted, staging.run_id, version)
    sources = _sources_by_article(manifest)

    replaced, keep = _first_staged(staging, sources.select("article_id"))
    old_articles = _read_files("articles", _dataset_files(old, "articles"), ["article_id", "source_files"])
    retracted = old_articles.join(sources, on="article_id", how="anti")["article_id"]
    drop_ids = pl.concat([retracted, replaced]).unique()
    # Articles whose set of source files changed (a copy added or deleted) are rewritten with the new set.
    checked = old_articles.join(sources, on="article_id", how="inner")
    moved = checked.filter(pl.col("source_files") != pl.col("sources"))["article_id"]

    # Rows stage and stay with their file list; only those of an article held by several files, or whose files
    # changed, need the list from the manifest.
    differing = pl.concat([moved, sources.filter(pl.col("sources").list.len() > 1)["article_id"]]).unique().sort().to_arrow().cast(pa.string())

    def with_sources(rows: pa.Table) -> pa.Table:
        if not pc.any(pc.is_in(rows["article_id"], value_set=differing)).as_py():
            return rows
        joined = pl.from_arrow(rows).drop("source_files").join(sources, on="article_id", how="left", maintain_order="left")
        fixed = joined.with_columns(source_files=pl.col("sources"), source_file=pl.col("sources").list.first()).drop("sources")
        return arrow_table(fixed, "articles", with_partition=False)

    def incoming(dataset: str) -> _Incoming:
        return _Incoming(_staged_partitions(staging.staged_files(dataset)), keep)

    rewrites = [
        partial(_rewrite_dataset, "articles", old, new, staging.run_id, drop_ids, incoming("articles"), with_sources, moved),
        *(partial(_rewrite_dataset, dataset, old, new, staging.run_id, drop_ids, incoming(dataset)) for dataset in ("mentions", "events")),
    ]
    # The three datasets are independent; Parquet encoding and compression release the GIL, so they overlap. Each holds
    # one row group at a time, so running them together costs a fixed amount of memory, not the run.
    with ThreadPoolExecutor(len(rewrites)) as pool:
        for done in [pool.submit(rewrite) for rewrite in rewrites]:
            done.result()
            fault_point("version-dataset")

    usage = entity_usage((_scan_files(files, "mentions", ["entity_id", "article_id"]) for files in _usage_parts(new)),
                         _scan(new, "articles", ["article_id", "published_date"]))
    old_catalog = _read_files("entities", _dataset_files(old, "entities"), catalog.columns)
    entities = entities_table(pl.concat([old_catalog, catalog], how="vertical_relaxed"), usage, staging.run_id, version)
    _write_dataset(entities, "entities", new / "entities", staging.run_id)
    fault_point("version-dataset")

    for file in _dataset_files(old, "quarantine"):
        _link_or_copy(file, new / "quarantine" / file.parent.name / file.name)
    with _Incoming(_staged_partitions(staging.staged_files("quarantine")), {}) as quarantine:
        for value in sorted(quarantine.partitions):
            if _write_file(quarantine.rows(value), "quarantine", _partition_file(new / "quarantine", "quarantine", value, staging.run_id)):
                fault_point("write-partition")
    _write_dataset(manifest, "manifest", new / "manifest", staging.run_id)
    fault_point("version-dataset")

    _fsync_tree(new)
    _ensure_dataset_links(root)
    fault_point("before-swap")
    pointer = root / f"{CURRENT}.tmp-{staging.run_id}"
    pointer.symlink_to(Path(VERSIONS) / new.name, target_is_directory=True)
    os.replace(pointer, root / CURRENT)
    _fsync(root)
    fault_point("after-swap")
    shutil.rmtree(staging.path, ignore_errors=True)
    recover(root)
    return {dataset: _row_count(new, dataset) for dataset in DATASETS}


def _scan(version: Path, dataset: str, columns: Sequence[str]) -> pl.LazyFrame:
    """Some columns of a dataset version, lazily (the partition key is not among them)."""
    return _scan_files(_dataset_files(version, dataset), dataset, columns)


def _scan_files(files: Sequence[Path], dataset: str, columns: Sequence[str]) -> pl.LazyFrame:
    """Some columns of some files of a dataset, lazily (the partition key is not among them)."""
    schema = polars_schema(DATASETS[dataset])
    if not files:
        return pl.LazyFrame(schema={c: schema[c] for c in columns})
    return pl.scan_parquet(files, hive_partitioning=False).select(columns).cast({c: schema[c] for c in columns})


def _row_count(version: Path, dataset: str) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in _dataset_files(version, dataset))


def committed_row_counts(root: Path) -> dict[str, int]:
    """Rows per dataset in the committed version (from Parquet footers; nothing is read)."""
    version = current_version(root)
    return {dataset: _row_count(version, dataset) if version else 0 for dataset in DATASETS}
