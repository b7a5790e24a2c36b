"""A followed question's Atom feed (RFC 4287): one entry per passage found, newest first,
with the quote, the article, its publisher, its date and a link that opens on the quote.

Built with ElementTree, which escapes every text and attribute; characters XML 1.0 does
not allow (control characters a scraped page may hold) are dropped, so any feed reader
can parse it. Only http(s) links are given as links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from rag.contract import Follow, FollowedPassage

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WEB = re.compile(r"^https?://", re.I)
ET.register_namespace("", ATOM)


def follow_feed(follow: Follow, passages: Sequence[FollowedPassage], self_url: str) -> bytes:
    """The feed document (UTF-8) of ``follow`` with these passages (newest first)."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"urn:newsdesk:follow:{follow.id}")
    _text(feed, "title", f"Newsdesk: {follow.question}")
    _text(feed, "subtitle", f"Passages of new articles (collection {follow.collection}) "
                            f"that answer “{follow.question}”")  # fmt: skip
    newest = max((p.found_at for p in passages), default=follow.created)
    _text(feed, "updated", _stamp(newest))
    _link(feed, self_url, "self", "application/atom+xml")
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", "Newsdesk")
    _text(feed, "generator", "Newsdesk")
    for passage in passages:
        _entry(feed, follow, passage)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def _entry(feed: ET.Element, follow: Follow, passage: FollowedPassage) -> None:
    c = passage.citation
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", f"urn:newsdesk:follow:{follow.id}:{passage.id}")
    title = c.title or c.source or c.doc_id
    _text(entry, "title", f"{title} ({c.source})" if c.source and c.title else title)
    _text(entry, "updated", _stamp(passage.found_at))
    if c.published_at:
        _text(entry, "published", f"{c.published_at}T00:00:00Z")
    for name in c.authors:
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
    link = c.link or c.url
    if _WEB.match(link):
        _link(entry, link, "alternate", "text/html")
    if c.source:
        _text(ET.SubElement(entry, f"{{{ATOM}}}source"), "title", c.source)
    quote = " ".join(c.quote.split())
    _text(entry, "summary", quote)
    about = ", ".join(x for x in (c.title, c.source, c.dates(), c.location) if x)
    content = f"“{quote}”\n\n{about}" + (f"\n{link}" if _WEB.match(link) else "")
    _text(entry, "content", content).set("type", "text")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    link = ET.SubElement(parent, f"{{{ATOM}}}link")
    link.set("href", _NOT_XML.sub("", href))
    link.set("rel", rel)
    link.set("type", kind)


def _stamp(iso: str) -> str:
    """An RFC 3339 time: our stamps are UTC ISO 8601 ('+00:00' written as 'Z')."""
    return iso.replace("+00:00", "Z") if iso else "1970-01-01T00:00:00Z"
