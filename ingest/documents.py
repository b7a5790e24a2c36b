"""PDF documents (pypdf): the text of each page, in order, with page numbers as locations.

A PDF keeps no paragraphs, only laid-out lines, and the core reads paragraphs as lines
(sentences, quote attribution): so a page's lines are joined again into paragraphs. A
line ends its paragraph where it ends a sentence and stops short of the page's width;
others are joined with a space (a word hyphenated at the line's end is joined as is).
Only the line breaks change: every word is stored as the PDF holds it. Pages are joined
with a blank line, and where each starts is its location ("p. 3", counted from the first
page, as PDF viewers do), so a citation says which page its quote is on.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from ingest.formats import MAX_TITLE_CHARS, Loaded, guard, record_to_article
from ingest.locations import joined
from rag.contract import ArticleInput
from rag.errors import IngestError

__all__ = ["parse_pdf", "reflow"]

PDF_MAGIC = b"%PDF-"
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_NOT_A_TITLE = re.compile(r"^microsoft (word|powerpoint) - |\.(docx?|pdf|indd|tex|odt)$", re.I)
_SHORT = 0.8  # a line this much shorter than the page's widest one can end a paragraph
_HEADING = 0.5  # a line this short ends one even without a stop (a heading, a list item)


def parse_pdf(origin: str, data: bytes, max_chars: int) -> Iterator[Loaded]:
    """One article per PDF; a corrupt, encrypted or image-only PDF is a failure naming it."""
    yield from guard(origin, lambda: pdf_article(origin, data, max_chars))


def pdf_article(origin: str, data: bytes, max_chars: int) -> ArticleInput:
    """The PDF's pages as one text (at most ``max_chars`` of it: a small compressed file
    can hold a great deal of text), titled and dated from its metadata."""
    if PDF_MAGIC not in data[:1024]:
        raise IngestError("not a PDF file (no '%PDF-' header)")
    pages, info = _read(data, max_chars)
    text, locations = joined(((f"p. {n}", reflow(page)) for n, page in pages), "\n\n")
    if not text.strip():
        raise IngestError("no text in the PDF (a scanned PDF needs OCR first)")
    first_line = next((line.strip() for _, page in pages for line in page.splitlines()), "")
    meta = {
        "title": _title(info.get("title"), first_line),
        "author": info.get("author"),
        "date": info.get("date"),
    }
    article = record_to_article(meta, origin, text=text, unique_origin=True)
    return replace(article, locations=locations)


def _read(data: bytes, max_chars: int) -> tuple[list[tuple[int, str]], dict[str, Any]]:
    """(page number, text) of each page and the metadata; any parser failure is an
    IngestError (pypdf raises many kinds on broken files)."""
    from pypdf import PdfReader  # imported on first use: most runs read no PDF

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("the PDF is encrypted with a password")
        pages: list[tuple[int, str]] = []
        size = 0
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n")
            size += len(text)
            if size > max_chars:
                raise IngestError(f"the PDF's text is over the limit of {max_chars:,} characters")
            pages.append((number, text))
        return pages, _metadata(reader)
    except IngestError:
        raise
    except Exception as err:  # a third-party parser: any failure is this file's problem
        raise IngestError(f"not a readable PDF ({type(err).__name__}: {err})") from err


def _metadata(reader: Any) -> dict[str, Any]:
    """Title, author and creation date, each left out when missing or unreadable."""
    out: dict[str, Any] = {}
    for key in ("title", "author", "creation_date"):
        try:
            value = getattr(reader.metadata, key, None) if reader.metadata else None
        except Exception:  # a malformed date or string in the info dictionary
            value = None
        if isinstance(value, datetime) or (isinstance(value, str) and value.strip()):
            out["date" if key == "creation_date" else key] = value
    return out


def _title(given: object, first_line: str) -> str:
    """The metadata title unless it is a file name; else the first line, if short."""
    if isinstance(given, str) and given.strip() and not _NOT_A_TITLE.search(given.strip()):
        return given.strip()[:MAX_TITLE_CHARS]
    return first_line if len(first_line) <= 200 else ""


def reflow(page: str) -> str:
    """A page's lines joined into paragraphs (see the module's docstring)."""
    lines = page.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            if out and out[-1] != "\n":
                out.append("\n")
            continue
        if out and out[-1] != "\n":
            out.append("" if out[-1].endswith("-") and line.lstrip()[:1].islower() else " ")
            line = line.lstrip()
        out.append(line)
        short = len(line) < _SHORT * width
        heading = len(line) < _HEADING * width and not line.endswith(("-", ","))
        if short and (_SENTENCE_END.search(line) or heading):
            out.append("\n")
    return "".join(out).strip()
