"""E-mail newsletters: one ``.eml`` message, or an ``.mbox`` of many (one article each).

Parsed with the standard library (``email``, ``policy.default``). The text is the plain
part when there is one, else the HTML part's main text (trafilatura, as for web pages). A
hard-wrapped plain text has its paragraphs' lines joined again, as a PDF's are
(``ingest.documents.reflow``): sentences and quotes are read within a line.
Subject is the title, Date the publication date, From the byline; the source is the
sender's display name ("Morning Brief"), else the domain of the address (a newsletter's
name is what people file it under; many newsletters share one sending domain). The
Message-ID is the article's identity, so the same message ingested again (from another
file, or a re-exported mailbox) is the same article. In an mbox, each message is reported
as ``FILE#N`` (N counted from 1), and one bad message never stops the others.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime

from ingest.documents import reflow
from ingest.formats import Loaded, guard, html_article, record_to_article
from rag.contract import ArticleInput, IngestFailure
from rag.errors import IngestError

__all__ = ["parse_eml", "parse_mbox", "split_mbox"]

_FROM_LINE = b"From "
_ESCAPED_FROM = re.compile(rb"^>(>*From )")
_NEWLINES = re.compile(r"\r\n?")
_WRAPPED = 100  # no line longer: the text is hard-wrapped (newsletters wrap at 72-78)


def parse_eml(origin: str, data: bytes) -> Iterator[Loaded]:
    """One message, one article."""
    yield from guard(origin, lambda: message_article(origin, data))


def parse_mbox(origin: str, data: bytes) -> Iterator[Loaded]:
    """An article per message; a failure per message that cannot be read."""
    messages = split_mbox(data)
    if not messages:
        yield IngestFailure(
            origin=origin, message="not an mbox file: it must start with a 'From ' line"
        )
    for number, (line, raw) in enumerate(messages, start=1):
        where = f"{origin}#{number}"
        try:
            yield message_article(where, raw)
        except IngestError as err:
            yield IngestFailure(origin=where, message=f"message {number} (line {line}): {err}")


def split_mbox(data: bytes) -> list[tuple[int, bytes]]:
    """(line number of its ``From `` line, bytes) of each message, as Python's ``mailbox``
    splits an mbox: every line starting ``From `` starts a message; the blank line before
    it belongs to none. A body line escaped as ``>From `` is read back as ``From `` (as
    mail readers show it). [] when the file does not start with a ``From `` line."""
    lines = data.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if first == len(lines) or not lines[first].startswith(_FROM_LINE):
        return []
    starts = [i for i in range(first, len(lines)) if lines[i].startswith(_FROM_LINE)]
    out: list[tuple[int, bytes]] = []
    for start, stop in zip(starts, [*starts[1:], len(lines)], strict=True):
        body = lines[start + 1 : stop]
        if stop < len(lines) and body and not body[-1].strip():
            body = body[:-1]
        out.append((start + 1, b"".join(_ESCAPED_FROM.sub(rb"\1", line) for line in body)))
    return out


def message_article(origin: str, raw: bytes) -> ArticleInput:
    """A message as an article (see the module's docstring for the fields)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage):  # what policy.default makes, always
        raise IngestError("the message could not be parsed")
    name, address = parseaddr(_header(message, "from"))
    meta: dict[str, object] = {
        "title": " ".join(_header(message, "subject").split()),
        "source": name or address.rpartition("@")[2],
        "authors": [name or address] if name or address else [],
        "published_at": _date(_header(message, "date")),
    }
    message_id = _header(message, "message-id").strip().strip("<>").strip()
    if message_id:
        meta["doc_id"] = hashlib.sha1(f"message-id:{message_id}".encode()).hexdigest()[:16]
    return record_to_article(meta, origin, text=_text(origin, message), unique_origin=True)


def _header(message: EmailMessage, name: str) -> str:
    """A header's decoded value, "" when missing or unreadable (the parser registers
    most header problems as defects, but a few still raise)."""
    try:
        return str(message.get(name, "") or "")
    except Exception:
        return ""


def _date(value: str) -> str:
    """The Date header as YYYY-MM-DD; "" when missing or not a date (the message is kept:
    an unknown date is not a wrong one)."""
    try:
        return parsedate_to_datetime(value).date().isoformat() if value.strip() else ""
    except (TypeError, ValueError, IndexError):
        return ""


def _text(origin: str, message: EmailMessage) -> str:
    """The plain-text body, else the HTML body's main text."""
    body = message.get_body(preferencelist=("plain", "html"))
    if not isinstance(body, EmailMessage):
        raise IngestError("the message has no text or HTML part")
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, ValueError) as err:  # an unknown charset, bad bytes
        raise IngestError(f"the message text cannot be decoded ({err})") from err
    if not isinstance(content, str):
        raise IngestError("the message text cannot be decoded")
    if body.get_content_subtype() == "html":
        return html_article(origin, content).text
    text = _NEWLINES.sub("\n", content).rstrip()
    wrapped = max((len(line) for line in text.split("\n")), default=0) <= _WRAPPED
    return reflow(text) if wrapped else text
