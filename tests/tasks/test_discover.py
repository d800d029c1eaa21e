"""Discovery and planning: what is new, changed, unchanged or deleted since the last commit."""

import os

import polars as pl

from contracts.arrow import polars_schema
from contracts.datasets import ManifestEntry
from tasks.discover import content_hash, discover_source_files, plan_run, rejections_of


def test_finds_supported_files_recursively_and_reports_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / "ख़बर.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret", encoding="utf-8")
    os.symlink(outside, tmp_path / "link.txt")
    found = discover_source_files(tmp_path)
    assert [f.relpath for f in found if not f.rejection] == ["a.txt", "sub dir/ख़बर.json"]
    reasons = {r.source_file: r.reason for r in rejections_of(found)}
    assert "symbolic link" in reasons["link.txt"] and "not followed" in reasons["link.txt"]
    assert "unsupported file type '.docx'" in reasons["notes.docx"]


def _manifest(rows):
    return pl.DataFrame(rows, schema=polars_schema(ManifestEntry))


def _row(source, digest, size, mtime, status="ingested"):
    return {"source_file": source, "content_sha256": digest, "size_bytes": size, "mtime_ns": mtime, "article_ids": ["art_" + "0" * 16],
            "status": status, "run_id": "20260101T000000Z-abcdef", "pipeline_version": "0.1.0"}


def test_plan_compares_size_mtime_then_content(tmp_path):
    for name, text in (("same.txt", "एक"), ("touched.txt", "दो"), ("edited.txt", "तीन"), ("new.txt", "चार")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {f.relpath: f for f in discover_source_files(tmp_path)}
    manifest = _manifest([
        _row("same.txt", content_hash(found["same.txt"]), found["same.txt"].size, found["same.txt"].mtime_ns),
        _row("touched.txt", content_hash(found["touched.txt"]), found["touched.txt"].size, 1),
        _row("edited.txt", "f" * 64, found["edited.txt"].size, 1),
        _row("gone.txt", "e" * 64, 3, 1),
        _row("kept.txt", "d" * 64, 3, 1, status="deleted_kept"),
    ])
    plan = plan_run(list(found.values()), manifest)
    assert sorted(plan.unchanged) == ["same.txt", "touched.txt"]
    assert [f.relpath for f in plan.changed] == ["edited.txt"]
    assert [f.relpath for f in plan.new] == ["new.txt"]
    assert plan.deleted == ["gone.txt"]
    assert set(plan.hashes) == {"edited.txt"}, "a new file is hashed as it is read, not by discovery"
    refresh = plan_run(list(found.values()), manifest, full_refresh=True)
    assert len(refresh.new) == 4 and not refresh.unchanged
    assert plan_run(list(found.values()), manifest.filter(pl.col("source_file") != "new.txt").vstack(
        _manifest([_row("new.txt", content_hash(found["new.txt"]), found["new.txt"].size, found["new.txt"].mtime_ns)])
    )).new == []


def test_a_folders_own_files_come_before_its_subfolders_and_hidden_or_linked_folders_are_skipped(tmp_path):
    for name in ("z.txt", "b/y.txt", "b/c/x.txt", "a/w.txt", ".cache/v.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "b", tmp_path / "linked")
    found = discover_source_files(tmp_path)
    assert [f.relpath for f in found] == ["z.txt", "a/w.txt", "b/y.txt", "b/c/x.txt"]
    assert all(f.size == 1 and f.rejection is None for f in found)
