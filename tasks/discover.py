"""Discovering article files in the source folder (the I/O edge where a run starts)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tasks.read import SUPPORTED_SUFFIXES, Rejection


@dataclass(frozen=True)
class SourceFile:
    """An article file under the source folder."""

    path: Path
    relpath: str      # POSIX path relative to the source folder
    size: int
    mtime_ns: int


def discover_source_files(source_root: Path) -> tuple[list[SourceFile], list[Rejection]]:
    """Article files under the source folder, sorted; symlinks and unsupported files are reported, not read."""
    source_root = source_root.resolve()
    if not source_root.is_dir():
        raise FileNotFoundError(f"source folder {source_root} does not exist or is not a folder")
    found, rejected = [], []
    for directory, subdirs, names in os.walk(source_root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(directory) / name
            relpath = path.relative_to(source_root).as_posix()
            if name.startswith("."):
                continue
            if path.is_symlink():
                rejected.append(Rejection(relpath, "discover", "symbolic link: not followed (copy the file into the source folder instead)", os.readlink(path)))
                continue
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                rejected.append(Rejection(relpath, "discover", f"unsupported file type '{path.suffix or '(none)'}': expected one of {', '.join(SUPPORTED_SUFFIXES)}", None))
                continue
            stat = path.stat()
            found.append(SourceFile(path, relpath, stat.st_size, stat.st_mtime_ns))
    return found, rejected
