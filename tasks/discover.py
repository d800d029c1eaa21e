"""Discovering article files in the source folder and deciding which are new, changed, unchanged or deleted."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from tasks.read import SUPPORTED_SUFFIXES, Rejection

HASH_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class SourceFile:
    """An entry under the source folder: an article file, or something that is reported instead of read.

    Small, as a run holds one per file of the folder: the folder's Path is shared, the file's own is made when needed.
    """

    root: Path                    # the source folder
    relpath: str                  # POSIX path relative to the source folder
    size: int
    mtime_ns: int
    rejection: str | None = None  # why it is not read (symbolic link, unsupported type), None for article files

    @property
    def path(self) -> Path:
        """The file's path."""
        return self.root / self.relpath


@dataclass
class RunPlan:
    """What a run has to do, from comparing the source folder with the manifest."""

    new: list[SourceFile] = field(default_factory=list)
    changed: list[SourceFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    # relpath -> content sha256 of the files to process that discovery hashed: changed files (compared by content) and
    # entries that are reported instead of read. New article files are hashed by the read stage, from the bytes it reads.
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def to_process(self) -> list[SourceFile]:
        return sorted(self.new + self.changed, key=lambda f: f.relpath)

    @property
    def is_noop(self) -> bool:
        return not (self.new or self.changed or self.deleted)


def discover_source_files(source_root: Path) -> list[SourceFile]:
    """Every entry under the source folder, sorted; symlinks are not followed, hidden files are skipped."""
    source_root = source_root.resolve()
    if not source_root.is_dir():
        raise FileNotFoundError(f"source folder {source_root} does not exist or is not a folder")
    found: list[SourceFile] = []
    _scan_folder(source_root, source_root, "", found)
    return found


def _scan_folder(root: Path, folder: Path, prefix: str, found: list[SourceFile]) -> None:
    """Append a folder's files (sorted by name), then its subfolders' (sorted, depth first), like os.walk top-down.

    os.scandir answers "is it a folder, is it a link" from the directory listing itself: one lstat per file instead of
    two, and one Path built per file instead of three (these were most of discovery's time on a folder of small articles).
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return  # an unreadable folder is skipped, as os.walk does
    subfolders = []
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink():  # a link to a folder is not followed (nor reported)
                subfolders.append(entry)
            continue
        path = folder / entry.name
        stat = entry.stat(follow_symlinks=False)
        rejection = None
        if entry.is_symlink():
            rejection = f"symbolic link to {os.readlink(path)}: not followed (copy the file into the source folder instead)"
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            rejection = f"unsupported file type '{path.suffix or '(none)'}': expected one of {', '.join(SUPPORTED_SUFFIXES)}"
        found.append(SourceFile(root, prefix + entry.name, stat.st_size, stat.st_mtime_ns, rejection))
    for entry in subfolders:
        _scan_folder(root, folder / entry.name, f"{prefix}{entry.name}/", found)


def content_hash(source: SourceFile) -> str:
    """SHA-256 of a file's bytes; of the link target for a symbolic link (which is never read)."""
    digest = hashlib.sha256()
    if source.path.is_symlink():
        digest.update(os.readlink(source.path).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()
    # Unbuffered reads of a modest chunk: articles are a few KB, and a buffered reader or a large chunk only adds copies.
    with source.path.open("rb", buffering=0) as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def plan_run(files: Sequence[SourceFile], manifest: pl.DataFrame, full_refresh: bool = False) -> RunPlan:
    """Compare the folder with the manifest: same size and mtime is unchanged; else the content hash decides."""
    committed = {row["source_file"]: row for row in manifest.select("source_file", "content_sha256", "size_bytes", "mtime_ns", "status").iter_rows(named=True)}
    plan = RunPlan()
    for source in files:
        before = committed.get(source.relpath)
        if not full_refresh and before is not None and before["status"] != "deleted_kept" \
                and (before["size_bytes"], before["mtime_ns"]) == (source.size, source.mtime_ns):
            plan.unchanged.append(source.relpath)
            continue
        if before is None or full_refresh:
            # Nothing to compare: a new article file is hashed as it is read (once, in a batch, not twice here).
            plan.new.append(source)
            if source.rejection:
                plan.hashes[source.relpath] = content_hash(source)
            continue
        digest = content_hash(source)
        if digest == before["content_sha256"] and before["status"] != "deleted_kept":
            plan.unchanged.append(source.relpath)  # touched, same content
            continue
        plan.changed.append(source)
        plan.hashes[source.relpath] = digest
    present = {f.relpath for f in files}
    plan.deleted = sorted(name for name, row in committed.items() if name not in present and row["status"] != "deleted_kept")
    return plan


def rejections_of(files: Sequence[SourceFile]) -> list[Rejection]:
    """Entries that are reported instead of read."""
    return [Rejection(f.relpath, "discover", f.rejection, None) for f in files if f.rejection]
