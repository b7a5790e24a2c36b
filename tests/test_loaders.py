"""Loaders: every format, every kind of bad input, discovery, and date parsing.

Fixtures are built in ``tmp_path`` so each test shows the exact bytes it feeds in.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ingest.loaders import discover, load_file, load_paths
from rag.contract import ArticleInput, IngestFailure
from rag.errors import IngestError
from rag.search import article_id
from rag.text.dates import date_to_ordinal, normalise_date

LIMIT = 1_000_000

HTML_PAGE = """<!DOCTYPE html>
<html><head>
<title>Council Approves Budget | Daily Planet</title>
<meta name="author" content="Jane Doe">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2025-02-25T10:00:00Z">
<link rel="canonical" href="https://planet.example/budget">
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
<article>
<h1>Council Approves Budget</h1>
<p>The city council voted on Tuesday to approve the budget for the coming year,
after months of debate between the mayor and the opposition benches.</p>
<p>Officials said the plan would fund new schools and repair roads across the
region, while keeping property taxes at their current level.</p>
</article>
<footer>Copyright 2025 Daily Planet. All rights reserved.</footer>
</body></html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def load(path: Path, max_bytes: int = LIMIT) -> tuple[list[ArticleInput], list[IngestFailure]]:
    items = list(load_file(path, max_bytes))
    articles = [item for item in items if isinstance(item, ArticleInput)]
    failures = [item for item in items if isinstance(item, IngestFailure)]
    assert len(articles) + len(failures) == len(items)
    return articles, failures


def only_article(path: Path) -> ArticleInput:
    articles, failures = load(path)
    assert failures == []
    assert len(articles) == 1
    return articles[0]


def only_failure(path: Path, max_bytes: int = LIMIT) -> IngestFailure:
    articles, failures = load(path, max_bytes)
    assert articles == []
    assert len(failures) == 1
    return failures[0]


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


# --- formats -------------------------------------------------------------------------


def test_txt_keeps_body_verbatim_and_has_no_metadata(tmp_path: Path) -> None:
    body = "  First line.\r\n\r\nSecond paragraph with trailing space. \n\n"
    path = write(tmp_path / "story.txt", body)
    assert only_article(path) == ArticleInput(text=body, origin=str(path), unique_origin=True)


HARBOUR = (
    "Harbor bridge reopens after repairs\n"
    "25 February 2025\n\n"
    "The harbor bridge reopened on Tuesday after six weeks of repairs.\n\n"
    "“The bridge is safe,” councillor Mark Olsen said.\n"
)


def test_txt_title_and_date_come_from_its_first_lines(tmp_path: Path) -> None:
    """A plain .txt named its file path as title and had no date: the first line is the
    title when it looks like one (short, no final full stop), a date line near the top is
    the date; the text itself is stored as written."""
    path = write(tmp_path / "harbor-bridge.txt", HARBOUR)
    article = only_article(path)
    assert article.title == "Harbor bridge reopens after repairs"
    assert article.published_at == "2025-02-25" and article.text == HARBOUR


@pytest.mark.parametrize(
    ("head", "date_line", "published"),
    [
        ("Council votes on budget", "Published: 2025-03-04", "2025-03-04"),
        ("Council votes on budget", "By Ann Lee | March 4, 2025", "2025-03-04"),
        ("Council votes on budget", "Tue, 04 Mar 2025 10:00:00 GMT", "2025-03-04"),
        ("Council votes on budget", "The vote is on 4 March 2025.", ""),  # a sentence
    ],
)
def test_txt_date_lines(tmp_path: Path, head: str, date_line: str, published: str) -> None:
    path = write(tmp_path / "c.txt", f"{head}\n{date_line}\n\nThe council met.\n")
    assert only_article(path).published_at == published


@pytest.mark.parametrize(
    "first",
    [
        "The harbor bridge reopened on Tuesday after six weeks of repairs.",  # a sentence
        "A first line that goes on and on " * 6,  # too long for a title
        "Only line, no body",  # nothing follows it: the whole text, not a title
    ],
)
def test_txt_first_line_that_is_no_title(tmp_path: Path, first: str) -> None:
    rest = "" if first.startswith("Only") else "\n\nMore text follows here.\n"
    article = only_article(write(tmp_path / "n.txt", first + rest))
    assert article.title == "" and article.published_at == ""


def test_txt_sidecar_title_and_date_win(tmp_path: Path) -> None:
    path = write(tmp_path / "s.txt", HARBOUR)
    write(tmp_path / "s.meta.yaml", "headline: From the sidecar\ndate: 2025-01-02\n")
    article = only_article(path)
    assert (article.title, article.published_at) == ("From the sidecar", "2025-01-02")


def test_txt_with_yaml_sidecar(tmp_path: Path) -> None:
    path = write(tmp_path / "x.txt", "Body text.")
    write(
        tmp_path / "x.meta.yaml",
        "title: 'No'\nheadline: ignored\npublisher: Planet\npublished_at: 2025-02-25\n"
        "author: Ann Lee, Bo Chan and Cy Diaz\ndoc_id: 0123\nlink: https://e.example/x\n",
    )
    article = only_article(path)
    assert article == ArticleInput(
        text="Body text.",
        title="No",  # YAML 1.1 would have made this False
        source="Planet",
        published_at="2025-02-25",
        url="https://e.example/x",
        authors=("Ann Lee", "Bo Chan", "Cy Diaz"),
        doc_id="0123",  # not the octal number 83
        origin=str(path),
        unique_origin=True,
    )


def test_txt_with_json_sidecar(tmp_path: Path) -> None:
    path = write(tmp_path / "y.txt", "Body.")
    meta = {
        "headline": "H",
        "site": "S",
        "pubDate": "Tue, 25 Feb 2025 10:00:00 GMT",
        "id": 7,
    }
    write(tmp_path / "y.meta.json", json.dumps(meta))
    article = only_article(path)
    assert (article.title, article.source, article.published_at) == (
        "H",
        "S",
        "2025-02-25",
    )
    assert article.doc_id == "7"


def test_invalid_sidecar_is_a_failure_naming_the_sidecar(tmp_path: Path) -> None:
    path = write(tmp_path / "z.txt", "Body.")
    sidecar = write(tmp_path / "z.meta.yml", "title: [unclosed\n")
    failure = only_failure(path)
    assert failure.origin == str(sidecar)
    assert failure.message.startswith("invalid YAML in sidecar (")


def test_sidecar_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "z.txt", "Body.")
    write(tmp_path / "z.meta.json", "[1, 2]")
    failure = only_failure(path)
    assert failure.origin == str(tmp_path / "z.meta.json")
    assert failure.message == "sidecar must be an object of named fields, got a list"


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    body = "# Heading\n\nParagraph one.\n"
    text = "---\ntitle: Front\ndate: 2024-01-31\nauthors: [A One, B Two]\n---\n" + body
    path = write(tmp_path / "a.md", text)
    article = only_article(path)
    assert article.text == body
    assert (article.title, article.published_at) == ("Front", "2024-01-31")
    assert article.authors == ("A One", "B Two")


def test_markdown_without_front_matter_is_all_body(tmp_path: Path) -> None:
    text = "Plain *markdown*.\n---\nnot front matter\n"
    path = write(tmp_path / "b.md", text)
    assert only_article(path) == ArticleInput(text=text, origin=str(path), unique_origin=True)


def test_deeply_nested_input_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    deep = "[" * 50_000
    assert only_failure(write(tmp_path / "d.json", deep)).message.startswith("invalid JSON (")
    failure = only_failure(write(tmp_path / "d.md", f"---\nx: {deep}\n---\nBody\n"))
    assert failure.message == "invalid YAML in front matter (nested too deeply)"


def test_markdown_with_unclosed_front_matter(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "c.md", "---\ntitle: T\nBody\n"))
    assert failure.message == "front matter opened with '---' on line 1 is never closed"


def test_html_article_text_and_metadata(tmp_path: Path) -> None:
    article = only_article(write(tmp_path / "page.html", HTML_PAGE))
    assert "voted on Tuesday to approve the budget" in article.text
    assert "fund new schools" in article.text
    assert "About us" not in article.text and "All rights reserved" not in article.text
    assert article.title == "Council Approves Budget"
    assert article.authors == ("Jane Doe",)
    assert article.source == "Daily Planet"
    assert article.published_at == "2025-02-25"
    assert article.url == "https://planet.example/budget"


def test_html_without_text_is_a_failure(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "empty.htm", "<html><body><div></div></body></html>"))
    assert failure.message == "no article text could be extracted from the HTML page"


def test_json_single_object_with_aliases(tmp_path: Path) -> None:
    record = {
        "text": "T.",
        "title": "A",
        "publisher": "P",
        "date": "2022/10/08",
        "extra": 1,
    }
    article = only_article(write(tmp_path / "one.json", json.dumps(record)))
    assert (article.text, article.title, article.source) == ("T.", "A", "P")
    assert article.published_at == "2022-10-08"


def test_json_list_reports_bad_item_by_index(tmp_path: Path) -> None:
    path = write(tmp_path / "many.json", json.dumps([{"body": "a"}, {"title": "x"}, "str"]))
    articles, failures = load(path)
    assert [a.origin for a in articles] == [f"{path}[0]"]
    assert [f.origin for f in failures] == [f"{path}[1]", f"{path}[2]"]
    assert failures[1].message == "list item must be an object of named fields, got text"


def test_jsonl_malformed_line_among_good_ones(tmp_path: Path) -> None:
    lines = jsonl({"body": "one"}) + "{not json\n\n" + jsonl({"body": "three"})
    path = write(tmp_path / "f.jsonl", lines)
    articles, failures = load(path)
    assert [(a.text, a.origin) for a in articles] == [
        ("one", f"{path}:1"),
        ("three", f"{path}:4"),
    ]
    assert [f.origin for f in failures] == [f"{path}:2"]
    assert failures[0].message.startswith("invalid JSON (Expecting property name")


def test_jsonl_gz_realtimeqa_shape(tmp_path: Path) -> None:
    record = {
        "doc_id": "00183238889fc56a",
        "title": "T",
        "source": "cnn.com",
        "published_at": "2022/12/17",
        "url": "https://cnn.com/x",
        "authors": ["Hannah Sarisohn Colin Jeffrey", "Hannah Sarisohn", " "],
        "body": "CNN —\n\nBody.",
    }
    path = tmp_path / "c.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl(record, record).encode()))
    articles, failures = load(path)
    assert failures == [] and len(articles) == 2
    assert articles[1] == ArticleInput(
        text="CNN —\n\nBody.",
        title="T",
        source="cnn.com",
        published_at="2022-12-17",
        url="https://cnn.com/x",
        authors=("Hannah Sarisohn Colin Jeffrey", "Hannah Sarisohn"),
        doc_id="00183238889fc56a",
        origin=f"{path}:2",
    )  # a line of a feed: identified by its id, URL or text, never by "file:2"
    assert not articles[1].unique_origin


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.jsonl", b"\xef\xbb\xbf" + jsonl({"body": "x"}).encode())
    assert only_article(path).text == "x"
    assert only_article(write(tmp_path / "bom.txt", b"\xef\xbb\xbfHello")).text == "Hello"


# --- bad input -----------------------------------------------------------------------


def test_bad_date_names_line_and_value(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", jsonl({"body": "ok"}, {"body": "x", "date": "soonish"}))
    articles, failures = load(path)
    assert len(articles) == 1
    assert failures[0].origin == f"{path}:2"
    assert failures[0].message.startswith("field 'date': bad date 'soonish'")


def test_missing_and_empty_body(tmp_path: Path) -> None:
    path = write(tmp_path / "m.jsonl", jsonl({"title": "no body"}, {"title": "t", "body": " \n"}))
    _, failures = load(path)
    assert [(f.origin, f.message) for f in failures] == [
        (
            f"{path}:1",
            "no article text: expected a field named body or text or content or article",
        ),
        (f"{path}:2", "the article text is empty"),
    ]


def test_a_placeholder_body_is_refused(tmp_path: Path) -> None:
    """The README's `{"title": "...", "body": "..."}` stored a junk article: a text with no
    word at all (dots, dashes) is no article."""
    path = write(tmp_path / "p.jsonl", jsonl({"title": "...", "body": "..."},
                                              {"title": "t", "body": "— … --"},
                                              {"title": "t", "body": "A real line."}))  # fmt: skip
    articles, failures = load(path)
    assert [a.text for a in articles] == ["A real line."]
    assert [(f.origin, f.message) for f in failures] == [
        (f"{path}:1", "the article text has no words: '...'"),
        (f"{path}:2", "the article text has no words: '— … --'"),
    ]


def test_wrong_field_types(tmp_path: Path) -> None:
    path = write(
        tmp_path / "w.jsonl",
        jsonl({"body": "b", "headline": 5}, {"body": "b", "id": 1.5}),
    )
    _, failures = load(path)
    assert [f.message for f in failures] == [
        "field 'headline' must be text, got a number",
        "field 'id' must be text or an integer",
    ]


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    failure = only_failure(write(tmp_path / "e.txt", content))
    assert failure.message.startswith("file is empty (")


def test_binary_file(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "bin.json", b'{"body": "x"}\x00\x01\x02'))
    assert failure.message == "binary file, not text (NUL byte at offset 13)"


def test_invalid_utf8_says_offset_and_line(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "u.txt", b"line one\nbad \xff here\n"))
    assert failure.message == "invalid UTF-8 at byte offset 13 (line 2): byte 0xff"


def test_invalid_utf8_in_one_jsonl_line_spares_the_others(tmp_path: Path) -> None:
    data = jsonl({"body": "a"}).encode() + b'{"body": "\xc3"}\n' + jsonl({"body": "c"}).encode()
    path = write(tmp_path / "u.jsonl", data)
    articles, failures = load(path)
    assert [a.text for a in articles] == ["a", "c"]
    assert failures == [
        IngestFailure(origin=f"{path}:2", message="invalid UTF-8 at byte offset 24: byte 0xc3")
    ]


def test_file_over_max_bytes(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "big.txt", "x" * 2000), max_bytes=1000)
    assert failure.message == "file is 2,000 bytes, over the limit of 1,000 bytes"


def test_gz_line_over_max_bytes(tmp_path: Path) -> None:
    data = jsonl({"body": "short"}, {"body": "y" * 5000}, {"body": "end"})
    path = tmp_path / "l.jsonl.gz"
    path.write_bytes(gzip.compress(data.encode()))
    articles, failures = load(path, max_bytes=1000)
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:3"]
    assert failures == [
        IngestFailure(origin=f"{path}:2", message="line is 5,013 bytes, over the limit of 1,000")
    ]


def test_truncated_gzip_keeps_earlier_lines(tmp_path: Path) -> None:
    data = gzip.compress(jsonl(*({"body": f"article {i}"} for i in range(500))).encode())
    path = write(tmp_path / "t.jsonl.gz", data[: len(data) - 40])
    articles, failures = load(path)
    assert 0 < len(articles) < 500
    assert len(failures) == 1
    assert failures[0].message.startswith("corrupt or truncated gzip data (")


def test_not_gzip_at_all(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "n.jsonl.gz", jsonl({"body": "plain"})))
    assert failure.message.startswith("corrupt or truncated gzip data (Not a gzipped file")


def test_unknown_extension(tmp_path: Path) -> None:
    failure = only_failure(write(tmp_path / "doc.docx", b"PK\x03\x04"))
    assert failure.message == (
        "unsupported file type '.docx'; supported: .eml, .htm, .html, .json, .jsonl, "
        ".jsonl.gz, .mbox, .md, .pdf, .srt, .txt, .vtt"
    )


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, where chmod 000 does not stop reading: fake the error.
    path = write(tmp_path / "locked.txt", "secret")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert only_failure(path).message == "cannot read file (Permission denied)"


def test_missing_path_and_directory_given_to_load_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert list(discover([missing])) == [
        IngestFailure(origin=str(missing), message="no such file or folder")
    ]
    assert only_failure(missing).message == "no such file"
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    assert only_failure(folder).message == "not a regular file"


# --- discovery -----------------------------------------------------------------------


def test_discover_recurses_sorted_and_skips_hidden_and_sidecars(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for name in [
        "b/2.txt",
        "b/1.txt",
        "b/1.meta.yaml",
        "a.md",
        "c.json",
        ".hidden.txt",
    ]:
        write(tmp_path / name, "x")
    write(tmp_path / ".git/config.txt", "x")
    write(tmp_path / "b/sub/0.jsonl", "x")
    write(tmp_path / "orphan.meta.json", "{}")
    extra = write(tmp_path / ".explicit.txt", "x")
    with caplog.at_level(logging.WARNING, logger="ingest.discover"):
        found = list(discover([tmp_path, extra, tmp_path / "a.md"]))
    expected = [
        "a.md",
        "b/1.txt",
        "b/2.txt",
        "b/sub/0.jsonl",
        "c.json",
        ".explicit.txt",
    ]
    assert found == [tmp_path / name for name in expected]
    assert "ignoring sidecar" in caplog.text and "orphan.meta.json" in caplog.text


def test_load_paths_combines_discovery_and_loading(tmp_path: Path) -> None:
    write(tmp_path / "in/a.txt", "A")
    write(tmp_path / "in/b.pdf", "B")
    items = list(load_paths([tmp_path / "in", tmp_path / "gone"], LIMIT))
    assert [type(item).__name__ for item in items] == [
        "ArticleInput",
        "IngestFailure",
        "IngestFailure",
    ]
    assert items[2] == IngestFailure(
        origin=str(tmp_path / "gone"), message="no such file or folder"
    )


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022/10/08", "2022-10-08"),
        ("2022-10-08", "2022-10-08"),
        ("2022-1-8", "2022-01-08"),
        ("2025-02-25T10:00:00Z", "2025-02-25"),
        ("2025-02-25T23:30:00-05:00", "2025-02-25"),
        ("Tue, 25 Feb 2025 10:00:00 GMT", "2025-02-25"),
        ("25 February 2025", "2025-02-25"),
        ("February 25, 2025", "2025-02-25"),
        ("Feb 5, 2025", "2025-02-05"),
        (" 2025-02-25 ", "2025-02-25"),
        (date(2025, 2, 25), "2025-02-25"),
        (
            datetime(2025, 2, 25, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
            "2025-02-25",
        ),
        (None, ""),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_date_accepts(value: object, expected: str) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize("value", ["2022-13-45", "10/08/2022", "yesterday", "2025", 20250225])
def test_normalise_date_rejects_naming_the_value(value: object) -> None:
    with pytest.raises(IngestError, match=re.escape(f"bad date {value!r}")):
        normalise_date(value)


def test_date_to_ordinal() -> None:
    assert date_to_ordinal("") == 0
    assert date_to_ordinal("0001-01-01") == 1
    assert date_to_ordinal("2025-03-01") - date_to_ordinal("2025-02-25") == 4
    assert date_to_ordinal("2022/10/08") == date(2022, 10, 8).toordinal()


# --- identity ----------------------------------------------------------------------------


def test_ids_come_from_the_file_only_when_it_holds_one_article(tmp_path: Path) -> None:
    """Without an id or URL: a file of one article is keyed by its path (an edit updates
    it), an item of a list or feed by its text (the path names many articles)."""
    single = only_article(write(tmp_path / "one.txt", "Alpha beta."))
    items = load(write(tmp_path / "many.json", json.dumps([{"body": "A."}, {"body": "B."}])))[0]
    lines = load(write(tmp_path / "feed.jsonl", jsonl({"body": "C."})))[0]
    assert single.unique_origin and not any(a.unique_origin for a in [*items, *lines])
    assert article_id(single) == article_id(replace(single, text="Alpha, edited."))
    assert article_id(items[0]) != article_id(items[1])
    moved = replace(lines[0], origin="elsewhere.jsonl:7")
    assert article_id(moved) == article_id(lines[0])
