"""RSS and Atom feeds: one poll reads the feed (conditionally: ETag / Last-Modified) and
yields the entries that are new or changed since the last poll.

An entry is known by its id (else its link); its fingerprint is its ``updated`` stamp and
the hash of its text, so a revised story comes again (and replaces its chunks, keeping
its identity: the cleaned link) while an unchanged one is never fetched twice. The full
content of an entry is used when the feed carries it, else the entry's page is fetched
through the same guarded path as any URL. What a poll saw is kept in ``FeedState``; the
caller marks entries as done once they are stored (:meth:`FeedState.mark`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ingest.web.fetch import Fetcher
from ingest.web.pages import clean_url, page_article
from rag.contract import ArticleInput, IngestFailure
from rag.errors import IngestError
from rag.text import normalise_date

MAX_BACKOFF_S = 6 * 3600


@dataclass
class FeedState:
    """What Newsdesk knows of one feed between polls (saved as JSON by the caller)."""

    url: str
    name: str = ""
    collection: str = "default"  # where its entries are stored
    etag: str = ""
    modified: str = ""
    entries: dict[str, str] = field(default_factory=dict)  # entry key -> fingerprint
    last_poll: float = 0.0
    last_ok: float = 0.0
    last_error: str = ""
    failures: int = 0
    next_poll: float = 0.0
    pending: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> url, fingerprint

    def mark(self, stored_urls: set[str]) -> None:
        """Entries whose article was stored (or found unchanged) count as seen."""
        for key, (url, fingerprint) in self.pending.items():
            if url in stored_urls:
                self.entries[key] = fingerprint
        self.pending.clear()

    def failed(self, message: str, interval_s: float, now: float) -> None:
        self.failures += 1
        self.last_error = message
        self.next_poll = now + min(interval_s * 2**self.failures, MAX_BACKOFF_S)

    def succeeded(self, interval_s: float, now: float) -> None:
        self.failures, self.last_error, self.last_ok = 0, "", now
        self.next_poll = now + interval_s


def poll(state: FeedState, fetcher: Fetcher) -> Iterator[ArticleInput | IngestFailure]:
    """The feed's new and changed entries as articles; IngestError when the feed itself
    cannot be read (the caller records it and backs off)."""
    state.last_poll = time.time()
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.modified:
        headers["If-Modified-Since"] = state.modified
    page = fetcher.get(state.url, headers)
    if page.status == 304:
        return
    parsed = _parse(page.body)
    state.etag = page.headers.get("etag", "")
    state.modified = page.headers.get("last-modified", "")
    source = state.name or str(parsed.feed.get("title", "")) or ""
    for entry in parsed.entries:
        yield from _entry(state, entry, source, fetcher)


def _parse(body: bytes) -> Any:
    import feedparser  # only when a feed is polled

    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = getattr(parsed, "bozo_exception", "") or "no entries"
        raise IngestError(f"not an RSS or Atom feed ({reason})")
    return parsed


def _entry(
    state: FeedState, entry: Any, source: str, fetcher: Fetcher
) -> Iterator[ArticleInput | IngestFailure]:
    link = str(entry.get("link", "")).strip()
    key = str(entry.get("id") or link or entry.get("title", ""))
    origin = f"{state.url} entry {key}"
    content = _content(entry)
    fingerprint = f"{entry.get('updated', '')}|{_digest(content or entry.get('summary', ''))}"
    if not key or state.entries.get(key) == fingerprint:
        return
    try:
        article = _article(entry, content, link, source, fetcher)
    except IngestError as exc:
        yield IngestFailure(origin=origin, message=str(exc))
        return
    state.pending[key] = (article.url, fingerprint)
    yield replace(article, origin=origin)


def _article(entry: Any, content: str, link: str, source: str, fetcher: Fetcher) -> ArticleInput:
    if content:  # the feed carries the story: no need to fetch the page
        article = ArticleInput(text=_text_of(content), url=link)
    elif link:
        loaded = page_article(link, fetcher)
        if isinstance(loaded, IngestFailure):
            raise IngestError(loaded.message)
        article = loaded
    else:
        raise IngestError("the entry has neither content nor a link")
    return replace(
        article,
        title=str(entry.get("title", "")) or article.title,
        source=source or article.source,
        published_at=_day(entry, "published") or article.published_at,
        updated_at=_day(entry, "updated"),
        authors=tuple(a.get("name", "") for a in entry.get("authors", []) if a.get("name"))
        or article.authors,
        url=clean_url(link) if link else article.url,
    )


def _text_of(content: str) -> str:
    """Plain text of an entry's HTML content: paragraphs kept, scripts and styles gone."""
    import lxml.html

    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for bad in root.xpath("//script|//style|//iframe|//noscript"):
        bad.drop_tree()
    for block in root.xpath("//p|//br|//li|//h1|//h2|//h3|//h4|//div|//blockquote"):
        block.tail = "\n\n" + (block.tail or "")
    text = "\n\n".join(p.strip() for p in root.text_content().split("\n\n") if p.strip())
    if not text:
        raise IngestError("the entry's content has no text")
    return text


def _content(entry: Any) -> str:
    """The entry's full content (HTML), when the feed carries it."""
    pieces = entry.get("content") or []
    return "\n".join(str(p.get("value", "")) for p in pieces if p.get("value"))


def _day(entry: Any, name: str) -> str:
    parsed = entry.get(f"{name}_parsed")
    if parsed:
        return time.strftime("%Y-%m-%d", parsed)
    try:
        return normalise_date(entry.get(name))
    except IngestError:
        return ""


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
