"""Reading article files: every file ends up as articles or as rejections with a readable reason."""

import hashlib
import json
from pathlib import Path

import pytest

from tasks.read import ArticleDecodeError, decode_bytes, read_article_file

HINDI = "भारत और जापान ने दुर्लभ खनिजों पर समझौता किया।"

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>खनिज समझौता | परीक्षण समाचार</title>
<meta property="og:title" content="भारत-जापान खनिज समझौता">
<meta property="og:site_name" content="परीक्षण समाचार">
<meta property="article:published_time" content="2025-03-14T09:30:00+05:30">
<link rel="canonical" href="https://news.example/khanij/1">
</head><body>
<nav><a href="/">होम</a> | <a href="/desh">देश</a> | <a href="/duniya">दुनिया</a></nav>
<article><h1>भारत-जापान खनिज समझौता</h1>
<p>भारत और जापान ने शुक्रवार को दुर्लभ खनिजों की आपूर्ति पर एक समझौते पर हस्ताक्षर किए।</p>
<p>दोनों देशों के मंत्रियों ने कहा कि इससे आपूर्ति श्रृंखला मजबूत होगी और निवेश बढ़ेगा।</p>
</article>
<footer>सर्वाधिकार सुरक्षित</footer>
</body></html>"""


def read(tmp_path: Path, name: str, content: bytes | str, **kwargs):
    """Write content to tmp_path/name and read it back."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    articles, rejections, _ = read_article_file(path, tmp_path, **kwargs)
    return articles, rejections


def single_rejection(outcome) -> str:
    """The reason of the one rejection in a read outcome that kept no article."""
    articles, rejections = outcome
    assert articles == []
    assert len(rejections) == 1
    assert rejections[0].stage == "read"
    return rejections[0].reason


def test_txt_file_is_read_whole_with_its_hash(tmp_path):
    content = f" date 2025-11-07 {HINDI}\n\nदूसरा अनुच्छेद।\n"
    articles, rejections = read(tmp_path, "a.txt", content)
    assert rejections == []
    [article] = articles
    assert article.text == content
    assert article.fmt == "txt"
    assert article.source_file == "a.txt"
    assert article.source_record is None
    assert article.content_sha256 == hashlib.sha256(content.encode("utf-8")).hexdigest()
    assert article.title is None and article.published is None


@pytest.mark.parametrize(
    "encoded",
    [
        b"\xef\xbb\xbf" + HINDI.encode("utf-8"),
        b"\xff\xfe" + HINDI.encode("utf-16-le"),
        b"\xfe\xff" + HINDI.encode("utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_byte_order_marks_are_decoded_not_rejected(tmp_path, encoded):
    articles, rejections = read(tmp_path, "bom.txt", encoded)
    assert rejections == []
    assert articles[0].text == HINDI


def test_crlf_line_ends_are_kept_as_text(tmp_path):
    articles, _ = read(tmp_path, "crlf.txt", "पहली पंक्ति\r\nदूसरी पंक्ति\r\n")
    assert articles[0].text == "पहली पंक्ति\r\nदूसरी पंक्ति\r\n"


@pytest.mark.parametrize(
    "content",
    [b"", b"  \n\t\r\n  ", "\u200b\n".encode("utf-8"), "\u3000\u200d \u2028\ufeff\u00a0".encode("utf-8")],
    ids=["empty", "whitespace", "zero-width", "unicode-spaces-and-joiners"],
)
def test_empty_files_are_rejected(tmp_path, content):
    assert "empty file" in single_rejection(read(tmp_path, "empty.txt", content))


def test_binary_file_is_rejected(tmp_path):
    reason = single_rejection(read(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert "NUL bytes" in reason and "binary" in reason


def test_invalid_utf8_names_the_byte_offset(tmp_path):
    content = "नमस्ते".encode("utf-8") + b" caf\xe9 au lait"
    articles, rejections = read(tmp_path, "latin1.txt", content)
    assert articles == []
    offset = len("नमस्ते".encode("utf-8")) + 4
    assert f"invalid UTF-8 at byte offset {offset}" in rejections[0].reason
    assert "caf" in rejections[0].payload


def test_decode_bytes_raises_a_value_error_with_the_reason():
    with pytest.raises(ArticleDecodeError, match="invalid UTF-8 at byte offset 1") as caught:
        decode_bytes(b"a\xffb")
    assert isinstance(caught.value, ValueError)


def test_file_over_the_size_limit_is_rejected_with_size_and_limit(tmp_path):
    reason = single_rejection(read(tmp_path, "big.txt", "क" * 100, max_bytes=120))
    assert "300 bytes" in reason and "limit of 120 bytes" in reason


def test_unsupported_suffix_is_rejected(tmp_path):
    assert "unsupported file type '.pdf'" in single_rejection(read(tmp_path, "a.pdf", HINDI))


def test_unreadable_path_becomes_a_rejection(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    assert "could not read the file" in single_rejection(read_article_file(tmp_path / "folder.txt", tmp_path)[:2])


def test_json_object_gives_text_and_metadata(tmp_path):
    record = {"headline": "खनिज समझौता", "body": HINDI, "published_at": "2025-03-14", "url": "https://n.example/1",
              "source": {"id": "x", "name": "परीक्षण समाचार"}}
    content = json.dumps(record, ensure_ascii=False)
    articles, rejections = read(tmp_path, "one.json", content)
    assert rejections == []
    [article] = articles
    assert (article.text, article.title, article.published) == (HINDI, "खनिज समझौता", "2025-03-14")
    assert (article.url, article.publisher, article.fmt, article.source_record) == (
        "https://n.example/1", "परीक्षण समाचार", "json", None)
    assert article.content_sha256 == hashlib.sha256(content.encode("utf-8")).hexdigest()


def test_json_array_keeps_good_records_and_rejects_the_bad_one(tmp_path):
    records = [{"text": HINDI, "title": "एक"}, {"title": "बिना पाठ"}, {"content": "दूसरा लेख।", "date": "2025-01-02"}]
    articles, rejections = read(tmp_path, "many.json", json.dumps(records, ensure_ascii=False))
    assert [(a.source_record, a.text) for a in articles] == [(0, HINDI), (2, "दूसरा लेख।")]
    assert articles[1].published == "2025-01-02"
    assert articles[0].content_sha256 != articles[1].content_sha256
    [rejection] = rejections
    assert rejection.reason.startswith("array item 1:")
    assert "'text'" in rejection.reason and "title" in rejection.reason


def test_malformed_json_reports_parser_message_line_and_column(tmp_path):
    reason = single_rejection(read(tmp_path, "broken.json", '{\n  "text": "क"\n  "title": "x"\n}'))
    assert reason.startswith("malformed JSON: Expecting ',' delimiter")
    assert "line 3, column 3" in reason


def test_json_without_text_names_the_fields_looked_for(tmp_path):
    reason = single_rejection(read(tmp_path, "notext.json", '{"title": "शीर्षक", "url": "https://n.example"}'))
    assert "no article text" in reason and "'body'" in reason and "title, url" in reason


def test_json_with_text_of_wrong_type_names_the_field(tmp_path):
    reason = single_rejection(read(tmp_path, "list.json", '{"text": ["पहला", "दूसरा"]}'))
    assert "field 'text' is an array" in reason and "expected a string" in reason


def test_json_scalar_and_empty_array_are_rejected(tmp_path):
    assert "expected an object or an array" in single_rejection(read(tmp_path, "s.json", '"केवल पाठ"'))
    assert "array is empty" in single_rejection(read(tmp_path, "e.json", "[]"))


def test_jsonl_rejects_the_bad_line_and_keeps_the_good_ones(tmp_path):
    lines = [
        json.dumps({"text": "पहला लेख।", "title": "एक"}, ensure_ascii=False),
        "",
        '{"text": "अधूरा',
        json.dumps({"text": 42}),
        json.dumps({"body": "चौथा लेख।"}, ensure_ascii=False),
    ]
    articles, rejections = read(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    assert [(a.source_record, a.text, a.fmt) for a in articles] == [(1, "पहला लेख।", "jsonl"), (5, "चौथा लेख।", "jsonl")]
    assert articles[0].content_sha256 == hashlib.sha256(lines[0].encode("utf-8")).hexdigest()
    assert [r.reason.split(":")[0] for r in rejections] == ["line 3", "line 4"]
    assert "malformed JSON" in rejections[0].reason and rejections[0].payload == lines[2]
    assert "field 'text' is a number" in rejections[1].reason


def test_html_article_gives_main_text_title_and_date(tmp_path):
    articles, rejections = read(tmp_path, "page.html", ARTICLE_HTML)
    assert rejections == []
    [article] = articles
    assert "दुर्लभ खनिजों की आपूर्ति" in article.text
    assert "होम" not in article.text and "सर्वाधिकार" not in article.text
    assert article.title == "भारत-जापान खनिज समझौता"
    assert article.published == "2025-03-14"
    assert article.url == "https://news.example/khanij/1"
    assert article.publisher == "परीक्षण समाचार"
    assert article.fmt == "html"


def test_html_without_main_text_is_rejected(tmp_path):
    page = "<html><head><title>खाली</title></head><body><nav><a href='/'>होम</a></nav><script>var a = 1;</script></body></html>"
    assert "no main text" in single_rejection(read(tmp_path, "empty.htm", page))


def test_names_with_spaces_and_non_ascii_are_kept_relative_and_posix(tmp_path):
    articles, rejections = read(tmp_path, "समाचार फ़ोल्डर/लेख एक.txt", HINDI)
    assert rejections == []
    assert articles[0].source_file == "समाचार फ़ोल्डर/लेख एक.txt"


def test_text_between_invisible_characters_is_not_blank(tmp_path):
    articles, rejections = read(tmp_path, "a.txt", "\u200b\u3000खनिज\u200d\n".encode("utf-8"))
    assert not rejections and "खनिज" in articles[0].text
