"""PDFs and e-mail newsletters (.eml, .mbox) read into articles: text, metadata, page
locations, identities, and every bad input as a failure naming the file (and message).
Fast tier: the loaders on bytes written here (``tests/documents.py``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ingest.documents import reflow
from ingest.loaders import load_file
from rag.contract import ArticleInput, IngestFailure
from rag.search import article_id
from tests.documents import make_email, make_mbox, make_pdf

LIMIT = 1_000_000
PAGE_1 = [
    "Bridge report",
    "The council met on Tuesday to discuss the old bridge, which has been closed",
    "since the storm in January.",
    "“We will open the bridge in May,” Mayor Ana Lopez said. The repairs cost",
    "four million euros, paid by the region.",
]
PAGE_2 = [
    "Traffic will be limited to cars and bicycles for the first month after the bridge",
    "reopens, officials said, and lorries will have to use the ring road.",
]
INFO = {
    "Title": "Bridge report 2025",
    "Author": "Jane Doe; John Roe",
    "CreationDate": "D:20250225103000Z",
}


def load(path: Path, data: bytes, limit: int = LIMIT) -> list[ArticleInput | IngestFailure]:
    path.write_bytes(data)
    return list(load_file(path, limit, limit))


def one(path: Path, data: bytes) -> ArticleInput:
    (item,) = load(path, data)
    assert isinstance(item, ArticleInput), item
    return item


def failure(path: Path, data: bytes, limit: int = LIMIT) -> IngestFailure:
    (item,) = load(path, data, limit)
    assert isinstance(item, IngestFailure), item
    assert item.origin == str(path)
    return item


# --- PDF ------------------------------------------------------------------------------------


def test_a_pdf_becomes_one_article_with_its_pages_as_locations(tmp_path: Path) -> None:
    article = one(tmp_path / "report.pdf", make_pdf([PAGE_1, [], PAGE_2], INFO))
    assert article.title == "Bridge report 2025"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.published_at == "2025-02-25"
    text = article.text
    # the lines of a paragraph are joined again; a heading and paragraphs keep their lines
    assert text.startswith("Bridge report\nThe council met on Tuesday to discuss the old bridge,")
    assert "which has been closed since the storm in January.\n“We will open the bridge" in text
    page_2 = text.index("Traffic will be limited")
    assert article.locations == ((0, "p. 1"), (page_2, "p. 3"))  # page 2 holds no text
    assert text[page_2 - 2 : page_2] == "\n\n"
    words = " ".join(" ".join(PAGE_1 + PAGE_2).split())
    assert " ".join(text.split()) == words  # only line breaks changed: every word is kept


def test_a_pdf_without_metadata_is_titled_by_its_first_line(tmp_path: Path) -> None:
    article = one(tmp_path / "plain.pdf", make_pdf([PAGE_1], compress=True))
    assert article.title == "Bridge report" and article.published_at == ""
    assert article.locations == ((0, "p. 1"),)
    assert article_id(article) == article_id(one(tmp_path / "plain.pdf", make_pdf([PAGE_1])))


def test_a_file_name_is_not_taken_for_a_title(tmp_path: Path) -> None:
    article = one(tmp_path / "w.pdf", make_pdf([PAGE_1], {"Title": "Microsoft Word - draft3.docx"}))
    assert article.title == "Bridge report"


def test_reflow_keeps_short_lines_and_joins_hyphenated_words() -> None:
    page = (
        "Headline\nA line that runs on and on to the very edge of the\ncolumn, then a hyphen-\n"
        "ated word and the end.\n\nNext paragraph.\nA list:\n- one\n- two\n"
    )
    assert reflow(page) == (
        "Headline\nA line that runs on and on to the very edge of the column, then a "
        "hyphen-ated word and the end.\nNext paragraph.\nA list:\n- one\n- two"
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "not a readable PDF"),
        (b"<html>not a pdf at all</html>", "not a PDF file (no '%PDF-' header)"),
        (make_pdf([[]]), "no text in the PDF (a scanned PDF needs OCR first)"),
        (make_pdf([PAGE_1])[:-200], "not a readable PDF"),
    ],
    ids=["truncated", "no-header", "no-text", "cut-short"],
)
def test_a_bad_pdf_is_a_failure_naming_the_file(tmp_path: Path, data: bytes, words: str) -> None:
    assert words in failure(tmp_path / "bad.pdf", data).message


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([PAGE_1]))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    assert "encrypted with a password" in failure(tmp_path / "locked.pdf", out.getvalue()).message


def test_a_pdf_unpacking_past_the_cap_is_refused(tmp_path: Path) -> None:
    lines = ["The tide rose again over the harbour wall this morning. " * 4] * 2000
    data = make_pdf([lines], compress=True)
    assert len(data) < 60_000  # about 900 KB of text, compressed
    message = failure(tmp_path / "bomb.pdf", data, limit=100_000).message
    assert message == "the PDF's text is over the limit of 100,000 characters"


# --- e-mail ---------------------------------------------------------------------------------

BODY = (
    "Good morning.\n\n"
    "“We will open the bridge in May,” Mayor Ana Lopez said on Monday. Café owners on the\n"
    "quay cheered the news, which ends a year of detours for the ferry passengers who\n"
    "cross the river each day.\n\n"
    "See you tomorrow,\nThe Morning Brief team\n"
)


def test_a_newsletter_message_is_one_article(tmp_path: Path) -> None:
    message = make_email(
        "Morning Brief: bridge to reopen", "Morning Brief <news@brief.example>", BODY,
        message_id="issue-512@brief.example",
    )  # fmt: skip
    article = one(tmp_path / "issue.eml", message)
    assert article.title == "Morning Brief: bridge to reopen"
    assert (article.source, article.authors) == ("Morning Brief", ("Morning Brief",))
    assert article.published_at == "2025-02-25" and article.url == ""
    # a hard-wrapped paragraph is one line again, its words unchanged
    assert (
        "Mayor Ana Lopez said on Monday. Café owners on the quay cheered the news," in article.text
    )
    assert " ".join(article.text.split()) == " ".join(BODY.split())
    # the Message-ID is the identity: the same message from another file is the same article
    again = one(tmp_path / "copy.eml", message)
    assert article_id(article) == article_id(again) == article.doc_id != ""


def test_an_html_only_message_is_read_through_trafilatura(tmp_path: Path) -> None:
    html = (
        "<html><body><article><h1>Port update</h1><p>The harbour master said the port "
        "would reopen on Friday after crews repaired the storm damage.</p><p>Ferries resume "
        "their timetable next week, officials added.</p></article><footer>Unsubscribe</footer>"
        "</body></html>"
    )
    article = one(
        tmp_path / "h.eml", make_email("Port update", "digest@wire.example", html, html=True)
    )
    assert "The harbour master said the port would reopen on Friday" in article.text
    assert "<p>" not in article.text and "Unsubscribe" not in article.text
    assert (article.source, article.authors) == ("wire.example", ("digest@wire.example",))


def test_a_message_without_text_or_a_bad_date(tmp_path: Path) -> None:
    picture = (
        b"From: x@y.example\r\nSubject: pic\r\nMIME-Version: 1.0\r\nContent-Type: image/png\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
    )
    assert "no text or HTML part" in failure(tmp_path / "pic.eml", picture).message
    odd = make_email("Odd date", "a@b.example", "The ferry ran late again.", date="someday")
    assert one(tmp_path / "odd.eml", odd).published_at == ""  # unknown, not wrong


def test_an_mbox_holds_an_article_per_message_and_one_bad_message_spares_the_rest(
    tmp_path: Path,
) -> None:
    first = make_email("First", "A <a@news.example>", BODY, message_id="m1@news.example")
    empty = make_email("Empty", "A <a@news.example>", "   \n", message_id="m2@news.example")
    third = make_email(
        "Third", "B <b@news.example>", "From now on the ferry runs hourly, the port said.\n",
        message_id="m3@news.example",
    )  # fmt: skip
    path = tmp_path / "box.mbox"
    items = load(path, make_mbox([first, empty, third]))
    assert [type(i).__name__ for i in items] == ["ArticleInput", "IngestFailure", "ArticleInput"]
    bad = items[1]
    assert isinstance(bad, IngestFailure) and bad.origin == f"{path}#2"
    assert bad.message.startswith("message 2 (line ") and "empty" in bad.message
    articles = [i for i in items if isinstance(i, ArticleInput)]
    assert [a.origin for a in articles] == [f"{path}#1", f"{path}#3"]
    assert articles[1].text.startswith("From now on the ferry")  # the escaped '>From' body line
    assert len({article_id(a) for a in articles}) == 2


def test_a_file_that_is_no_mbox_is_named(tmp_path: Path) -> None:
    message = failure(tmp_path / "x.mbox", b"Subject: hello\n\nNo From line here.\n").message
    assert message == "not an mbox file: it must start with a 'From ' line"
