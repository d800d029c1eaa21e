"""Discovery: supported files found, symlinks and other files reported instead of read."""

import os

from tasks.discover import discover_source_files


def test_finds_supported_files_recursively_and_reports_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / "ख़बर.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret", encoding="utf-8")
    os.symlink(outside, tmp_path / "link.txt")
    files, rejected = discover_source_files(tmp_path)
    assert [f.relpath for f in files] == ["a.txt", "sub dir/ख़बर.json"]
    reasons = {r.source_file: r.reason for r in rejected}
    assert "symbolic link" in reasons["link.txt"]
    assert "unsupported file type '.docx'" in reasons["notes.docx"]
