"""Reading article source files (txt, json, jsonl, html): the one module that opens them."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import trafilatura
from trafilatura.settings import Extractor

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".html", ".htm")
STAGE = "read"
PAYLOAD_LIMIT = 500

# JSON field names searched in order; the first one present wins.
TEXT_FIELDS = ("text", "body", "content")
TITLE_FIELDS = ("title", "headline")
DATE_FIELDS = ("published", "date", "published_at")
URL_FIELDS = ("url",)
PUBLISHER_FIELDS = ("source", "publisher")

# Invisible characters that on their own do not make a file non-empty.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
# Those and every character str.split() splits on (all of them lie below U+3001): what a blank text is made of.
_BLANK_CHARS = "".join(char for char in map(chr, range(0x3001)) if char.isspace()) + _INVISIBLE_CHARS

# Byte-order marks and the codec for the bytes after them; None marks an unsupported encoding.
_BOMS = (
    (b"\xff\xfe\x00\x00", None),  # UTF-32 LE; tested before UTF-16 LE, whose BOM is its prefix
    (b"\x00\x00\xfe\xff", None),  # UTF-32 BE
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Site chrome that trafilatura's fallback would otherwise return as "main text".
_HTML_CHROME_XPATHS = ["//nav", "//aside", "//footer", "//header[not(ancestor::article)]"]
# Only dates from the page's own markup, never dates guessed from the body text.
_HTML_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# Built once: trafilatura would otherwise rebuild it from its config file for every page.
_HTML_OPTIONS = Extractor(output_format="python", comments=False, with_metadata=True, date_params=_HTML_DATE_PARAMS)


class ArticleDecodeError(ValueError):
    """The bytes of an article file are not text in a supported encoding."""

    def __init__(self, reason: str, offset: int | None = None) -> None:
        super().__init__(reason)
        self.offset = offset  # byte offset of an invalid UTF-8 sequence, for the quarantine payload


@dataclass(frozen=True)
class RawArticle:
    """One article as read from a source file, before cleaning."""

    source_file: str  # path relative to the source folder, POSIX separators
    source_record: int | None  # 1-based line in .jsonl, 0-based index in a JSON array, None for one-article files
    content_sha256: str  # of the file's bytes; of the record's line (.jsonl) or canonical JSON (array item)
    text: str  # decoded body text, not cleaned (a .txt file whole, header lines included)
    title: str | None
    published: str | None  # date string from metadata as given (HTML: trafilatura's YYYY-MM-DD), unparsed
    url: str | None
    publisher: str | None
    fmt: str  # "txt" | "json" | "jsonl" | "html"


@dataclass(frozen=True)
class Rejection:
    """A file or record that could not become an article, with a reason an operator can act on."""

    source_file: str
    stage: str
    reason: str
    payload: str | None


class FileArticles(NamedTuple):
    """What one source file gave: its articles, a Rejection for each problem, and the SHA-256 of the bytes they came from."""

    articles: list[RawArticle]
    rejections: list[Rejection]
    sha256: str | None  # None when the file was not read whole (unsupported type, too large, unreadable)


def decode_bytes(data: bytes) -> str:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with BOM; ArticleDecodeError otherwise."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec is None:
                raise ArticleDecodeError("file is UTF-32 encoded, which is not supported; re-save it as UTF-8")
            return _decode_after_bom(data, len(bom), codec)
    nul_at = data.find(b"\x00")
    if nul_at >= 0:
        raise ArticleDecodeError(
            f"file contains NUL bytes (first at byte offset {nul_at}): it looks binary, "
            "or UTF-16 without a byte-order mark; re-save it as UTF-8"
        )
    return _decode_after_bom(data, 0, "utf-8")


def _decode_after_bom(data: bytes, bom_length: int, codec: str) -> str:
    """Decode the bytes after a byte-order mark (if any), naming the byte offset of an error."""
    try:
        text = data[bom_length:].decode(codec)
    except UnicodeDecodeError as exc:
        offset = bom_length + exc.start
        if codec != "utf-8":
            raise ArticleDecodeError(
                f"invalid {codec.upper()} at byte offset {offset} although the file starts with "
                "that encoding's byte-order mark; re-save it as UTF-8"
            ) from exc
        raise ArticleDecodeError(
            f"invalid UTF-8 at byte offset {offset} (byte 0x{data[offset]:02x}): the file is probably "
            "in another encoding such as Windows-1252; re-save it as UTF-8",
            offset,
        ) from exc
    if "\x00" in text:
        raise ArticleDecodeError("file contains NUL characters: it looks like binary data, not text")
    return text


def read_article_file(path: Path, source_root: Path, max_bytes: int = 5_000_000) -> FileArticles:
    """Articles in one source file, a Rejection for each problem, and the hash of the bytes read; never raises for bad content."""
    source_file = path.relative_to(source_root).as_posix()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        expected = ", ".join(SUPPORTED_SUFFIXES)
        return FileArticles([], [_reject(source_file, f"unsupported file type '{path.suffix}': expected one of {expected}")], None)
    try:
        # The size from the open file: no second lookup of the path, which cost a third of reading a small article.
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return FileArticles([], [_reject(source_file, _too_large(size, max_bytes))], None)
            data = handle.read()
    except OSError as exc:
        return FileArticles([], [_reject(source_file, f"could not read the file: {exc.strerror or exc}")], None)
    if len(data) > max_bytes:
        return FileArticles([], [_reject(source_file, _too_large(len(data), max_bytes))], None)
    # The manifest's hash is of the bytes this run ingested, whatever the file holds by the time it is committed.
    return FileArticles(*_articles_in(source_file, suffix, data), hashlib.sha256(data).hexdigest())


def _articles_in(source_file: str, suffix: str, data: bytes) -> tuple[list[RawArticle], list[Rejection]]:
    """The articles of a file's bytes, by its type."""
    try:
        text = decode_bytes(data)
    except ArticleDecodeError as exc:
        return [], [_reject(source_file, str(exc), _bytes_excerpt(data, exc))]
    if _is_blank(text):
        return [], [_reject(source_file, "empty file: it holds no text (only whitespace, if anything)")]
    if suffix == ".txt":
        return [_article(source_file, None, data, text, {}, "txt")], []
    if suffix == ".json":
        return _read_json(source_file, data, text)
    if suffix == ".jsonl":
        return _read_jsonl(source_file, text)
    return _read_html(source_file, data, text)


def _read_json(source_file: str, data: bytes, text: str) -> tuple[list[RawArticle], list[Rejection]]:
    """Articles of a .json file: one object, or an array of objects."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [_reject(source_file, f"malformed JSON: {_json_error(exc)}", _excerpt_around(text, exc.pos))]
    except RecursionError:
        return [], [_reject(source_file, "malformed JSON: nested too deeply to parse")]
    if isinstance(document, dict):
        outcome = _article_from_record(document, "JSON object", source_file, None, data, "json")
        return ([outcome], []) if isinstance(outcome, RawArticle) else ([], [outcome])
    if not isinstance(document, list):
        found = _json_type(document)
        return [], [_reject(source_file, f"JSON file holds {found}; expected an object or an array of objects")]
    if not document:
        return [], [_reject(source_file, "JSON array is empty: the file holds no articles")]
    articles: list[RawArticle] = []
    rejections: list[Rejection] = []
    for index, record in enumerate(document):
        # Records in an array are hashed on their canonical JSON, so reordering keys changes nothing.
        record_bytes = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        outcome = _article_from_record(record, f"array item {index}", source_file, index, record_bytes, "json")
        (articles if isinstance(outcome, RawArticle) else rejections).append(outcome)
    return articles, rejections


def _read_jsonl(source_file: str, text: str) -> tuple[list[RawArticle], list[Rejection]]:
    """Articles of a .jsonl file, one JSON object a line; a bad line is rejected on its own."""
    articles: list[RawArticle] = []
    rejections: list[Rejection] = []
    # Split on LF only: JSON strings may hold U+2028 and other characters str.splitlines() breaks on.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"{where}: malformed JSON: {exc.msg} at column {exc.colno}"
            rejections.append(_reject(source_file, reason, line[:PAYLOAD_LIMIT]))
            continue
        except RecursionError:
            rejections.append(_reject(source_file, f"{where}: malformed JSON: nested too deeply to parse"))
            continue
        outcome = _article_from_record(record, where, source_file, number, line.encode(), "jsonl")
        (articles if isinstance(outcome, RawArticle) else rejections).append(outcome)
    return articles, rejections


def _article_from_record(
    record: Any, where: str, source_file: str, source_record: int | None, record_bytes: bytes, fmt: str
) -> RawArticle | Rejection:
    """A RawArticle from one JSON record, or a Rejection saying which record and field is wrong."""
    if not isinstance(record, dict):
        return _reject(source_file, f"{where}: expected a JSON object, found {_json_type(record)}", _json_excerpt(record))
    field = next((name for name in TEXT_FIELDS if record.get(name) is not None), None)
    if field is None:
        keys = ", ".join(sorted(map(str, record))) or "none"
        wanted = ", ".join(f"'{name}'" for name in TEXT_FIELDS)
        reason = f"{where}: no article text: none of the fields {wanted} is set (fields present: {keys})"
        return _reject(source_file, reason, _json_excerpt(record))
    body = record[field]
    if not isinstance(body, str):
        reason = f"{where}: field '{field}' is {_json_type(body)}; expected a string with the article text"
        return _reject(source_file, reason, _json_excerpt(record))
    if _is_blank(body):
        return _reject(source_file, f"{where}: field '{field}' is empty", _json_excerpt(record))
    metadata = {
        "title": _first_string(record, TITLE_FIELDS),
        "published": _first_string(record, DATE_FIELDS),
        "url": _first_string(record, URL_FIELDS),
        "publisher": _first_string(record, PUBLISHER_FIELDS),
    }
    return _article(source_file, source_record, record_bytes, body, metadata, fmt)


def _read_html(source_file: str, data: bytes, text: str) -> tuple[list[RawArticle], list[Rejection]]:
    """The main text and metadata of an HTML page, through trafilatura (no network)."""
    try:
        document = trafilatura.bare_extraction(text, prune_xpath=_HTML_CHROME_XPATHS, options=_HTML_OPTIONS)
    # A third-party parser on untrusted markup can fail in many ways; any of them is a bad file, not a crash.
    except Exception as exc:  # noqa: BLE001
        return [], [_reject(source_file, f"HTML could not be parsed: {type(exc).__name__}: {exc}", text[:PAYLOAD_LIMIT])]
    body = getattr(document, "text", None) if document is not None else None
    if not body or _is_blank(body):
        reason = "HTML page has no main text: nothing but navigation, scripts or markup was found"
        return [], [_reject(source_file, reason, text[:PAYLOAD_LIMIT])]
    metadata = {
        "title": _clean_string(document.title),
        "published": _clean_string(document.date),
        "url": _clean_string(document.url),
        "publisher": _clean_string(document.sitename),
    }
    return [_article(source_file, None, data, body, metadata, "html")], []


def _article(
    source_file: str, source_record: int | None, raw: bytes, text: str, metadata: dict[str, str | None], fmt: str
) -> RawArticle:
    """A RawArticle with the sha256 of its raw bytes."""
    return RawArticle(
        source_file=source_file,
        source_record=source_record,
        content_sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        title=metadata.get("title"),
        published=metadata.get("published"),
        url=metadata.get("url"),
        publisher=metadata.get("publisher"),
        fmt=fmt,
    )


def _first_string(record: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    """The first usable metadata value among fields; numbers become strings, {"name": ...} its name."""
    for name in fields:
        value = record.get(name)
        if isinstance(value, dict):
            # NewsAPI-style feeds give the publisher as {"id": ..., "name": ...}.
            value = value.get("name")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        cleaned = _clean_string(value)
        if cleaned is not None:
            return cleaned
    return None


def _clean_string(value: Any) -> str | None:
    """A stripped non-empty string, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _is_blank(text: str) -> bool:
    """True when text holds nothing but whitespace and invisible characters."""
    # Stripping stops at the first visible character: no copy of the text, unlike splitting it into words.
    return not text.strip(_BLANK_CHARS)


def _reject(source_file: str, reason: str, payload: str | None = None) -> Rejection:
    """A read-stage Rejection with a payload cut to the limit."""
    return Rejection(source_file, STAGE, reason, payload[:PAYLOAD_LIMIT] if payload else None)


def _too_large(size: int, max_bytes: int) -> str:
    """The reason for a file over the size limit."""
    return f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes; split it or raise max_file_bytes"


def _json_error(exc: json.JSONDecodeError) -> str:
    """The parser's message with its line and column."""
    return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"


def _json_type(value: Any) -> str:
    """A JSON value's type in words, for reasons."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _json_excerpt(value: Any) -> str:
    """A JSON value as a short payload."""
    return json.dumps(value, ensure_ascii=False)[:PAYLOAD_LIMIT]


def _excerpt_around(text: str, position: int) -> str:
    """The text around a position, as a payload."""
    start = max(0, position - PAYLOAD_LIMIT // 2)
    return text[start : start + PAYLOAD_LIMIT]


def _bytes_excerpt(data: bytes, exc: ArticleDecodeError) -> str | None:
    """The bytes around an invalid UTF-8 sequence, decoded leniently; None for other decode errors."""
    if exc.offset is None:
        return None
    start = max(0, exc.offset - 100)
    return data[start : exc.offset + 100].decode("utf-8", errors="replace")
