"""Bad input, nothing lost: every generated file ends in articles or in quarantine with a reason a person can act on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from flows.ingest import ingest_articles
from flows.params import IngestParameters
from tests.conftest import PROJECT_ROOT

REPORT = PROJECT_ROOT / "test-artifacts" / "bad-inputs.md"
LIMIT = 50_000


def _hindi(n: int) -> str:
    """A short Hindi article written for the tests; n makes each one different."""
    return f"भारत ने जापान के साथ लिथियम पर समझौते किए। यह {n} वीं बैठक थी और दोनों देशों के बीच बातचीत हुई।"


def make_corpus(source: Path, outside: Path) -> dict[str, tuple[str, str]]:
    """Write every kind of awkward input; return file -> (kind, expected: 'article' or a word of the quarantine reason)."""
    files: dict[str, tuple[str, bytes | str, str]] = {
        "empty.txt": ("empty file", b"", "empty"),
        "whitespace.txt": ("whitespace only", " \n\t \n\u200b\n", "empty"),
        "binary.txt": ("binary (PNG bytes)", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        "nul.txt": ("NUL bytes inside text", _hindi(1).encode() + b"\x00\x00" + _hindi(2).encode(), "nul"),
        "latin1.txt": ("invalid UTF-8", _hindi(3).encode() + " caf\xe9".encode("latin-1"), "utf-8"),
        "utf16.txt": ("UTF-16 with BOM", b"\xff\xfe" + _hindi(4).encode("utf-16-le"), "article"),
        "utf8bom.txt": ("UTF-8 with BOM", b"\xef\xbb\xbf" + _hindi(5).encode(), "article"),
        "crlf.txt": ("CRLF line ends", (_hindi(6) + "\r\n" + _hindi(7) + "\r\n").encode(), "article"),
        "too-large.txt": ("over the size limit", (_hindi(8) + "\n") * (LIMIT // 100), "limit"),
        "one-line.txt": ("one enormous line (40 KB, no newline)", " ".join(_hindi(9 + i % 3) for i in range(160))[:40_000], "article"),
        "english.txt": ("English-only article", "India signed an agreement with Japan on lithium mining and held talks.", "'en'"),
        "marathi.txt": ("Marathi (Devanagari)", "मुख्यमंत्र्यांनी सांगितले की राज्यात पाऊस झाले आहे आणि शेतकऱ्यांच्या समस्या आहेत. सरकारने निर्णय घेतला आहे आणि मदत केले.", "'mr'"),
        "nepali.txt": ("Nepali (Devanagari)", "प्रधानमन्त्रीले भने कि देशमा विकास भएको छ र सरकारले काम गर्न थालेको छ। जनता पनि खुसी छन्।", "'ne'"),
        "no-text.json": ("JSON without text", json.dumps({"title": "शीर्षक", "date": "2026-01-02"}), "text"),
        "wrong-type.json": ("JSON with wrong types", json.dumps({"text": 42, "title": ["x"]}), "text"),
        "malformed.json": ("malformed JSON", '{"text": "भारत", ', "json"),
        "mixed.jsonl": ("JSONL with one bad line", "\n".join([json.dumps({"text": _hindi(20)}, ensure_ascii=False), "{not json", json.dumps({"text": _hindi(21)}, ensure_ascii=False)]), "article"),
        "no-main-text.html": ("HTML with no main text", "<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "text"),
        "नाम with spaces.txt": ("file name with spaces and non-ASCII", _hindi(30), "article"),
        "escape.json": ("ids and paths in JSON that try to escape", json.dumps({"id": "../../../../escaped", "source_file": str(outside / "escaped.txt"),
                                                                            "path": "/etc/passwd", "text": _hindi(31), "url": "file:///etc/passwd"}, ensure_ascii=False), "article"),
    }
    for name, (_, content, _) in files.items():
        (source / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (outside / "secret.txt").write_text(_hindi(40), encoding="utf-8")
    os.symlink(outside / "secret.txt", source / "link-out.txt")
    expected = {name: (kind, want) for name, (kind, _, want) in files.items()}
    expected["link-out.txt"] = ("symbolic link out of the source folder", "symbolic link")
    return expected


def test_every_bad_file_is_accounted_for_and_the_rest_is_ingested(tmp_path, prefect_server):
    source, warehouse, outside = tmp_path / "incoming", tmp_path / "warehouse", tmp_path / "outside"
    source.mkdir(), outside.mkdir()
    expected = make_corpus(source, outside)
    summary = ingest_articles(IngestParameters(source=str(source), warehouse=str(warehouse), max_file_bytes=LIMIT, batch_size=4))

    articles = pl.scan_parquet(warehouse / "articles" / "**" / "*.parquet", hive_partitioning=True).collect()
    quarantine = pl.scan_parquet(warehouse / "quarantine" / "**" / "*.parquet", hive_partitioning=True).collect()
    ingested = {f for files in articles["source_files"] for f in files}
    reasons: dict[str, list[str]] = {}
    for row in quarantine.iter_rows(named=True):
        reasons.setdefault(row["source_file"], []).append(f"[{row['stage']}] {row['reason']}")
    lines = ["| input | file | outcome |", "|---|---|---|"]
    for name, (kind, want) in expected.items():
        outcome = "article" if name in ingested else "; ".join(reasons.get(name, ["MISSING"]))
        if name in ingested and name in reasons:
            outcome = f"article, and quarantined: {'; '.join(reasons[name])}"
        lines.append(f"| {kind} | `{name}` | {outcome} |")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")

    for name, (kind, want) in expected.items():
        assert name in ingested or name in reasons, f"{name} ({kind}) is neither in articles nor in quarantine"
        if want == "article":
            assert name in ingested, f"{name} ({kind}) should have been ingested: {reasons.get(name)}"
        else:
            assert name not in ingested and any(want.lower() in r.lower() for r in reasons[name]), f"{name} ({kind}): {reasons.get(name)}"
    assert any("line 2" in r for r in reasons["mixed.jsonl"]), reasons["mixed.jsonl"]
    assert len([f for f in articles["source_file"] if f == "mixed.jsonl"]) == 2
    assert not (outside / "escaped.txt").exists() and not (tmp_path / "escaped").exists()
    assert all(a.startswith("art_") for a in articles["article_id"])
    manifest = pl.scan_parquet(warehouse / "manifest" / "**" / "*.parquet").collect()
    assert set(manifest["source_file"]) == set(expected), "every file is in the manifest"
    assert dict(zip(manifest["source_file"], manifest["status"]))["mixed.jsonl"] == "partial"
    assert summary.quarantined >= sum(1 for _, want in expected.values() if want != "article")
    # Nothing new: a second run quarantines nothing again and writes nothing.
    again = ingest_articles(IngestParameters(source=str(source), warehouse=str(warehouse), max_file_bytes=LIMIT))
    assert again.files_unchanged == len(expected) and again.quarantined == 0
