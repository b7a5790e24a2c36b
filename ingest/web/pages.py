"""A web page by URL into an article: fetched (``ingest.web.fetch``), extracted with
trafilatura (main text, title, author, date, site name), and identified by its canonical
URL, so the same story fetched twice, or through a tracking link, is one article."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ingest.formats import Loaded, html_article
from ingest.web.fetch import Fetcher
from rag.contract import IngestFailure
from rag.errors import IngestError

HTML_TYPES = ("text/html", "application/xhtml+xml")
TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ocid", "smid", "at_medium")


def clean_url(url: str) -> str:
    """The URL without tracking parameters and fragment (identity, not decoration)."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING)]  # fmt: skip
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def load_url(url: str, fetcher: Fetcher) -> Iterator[Loaded]:
    """The article at ``url``, or one failure naming the URL and the reason."""
    try:
        yield page_article(url, fetcher)
    except IngestError as exc:
        yield IngestFailure(origin=url, message=str(exc))


def page_article(url: str, fetcher: Fetcher) -> Loaded:
    page = fetcher.get(url)
    if page.content_type and page.content_type not in HTML_TYPES:
        raise IngestError(f"not an HTML page (content type {page.content_type})")
    article = html_article(url, page.text(), page.url)
    canonical = clean_url(_absolute(article.url or page.url, page.url))
    return replace(article, url=canonical)


def _absolute(link: str, base: str) -> str:
    return link if urlsplit(link).scheme in ("http", "https") else urljoin(base, link)
