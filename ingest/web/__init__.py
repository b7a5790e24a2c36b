"""Articles from the web: pages by URL and RSS/Atom feeds, behind the SSRF guard."""

from ingest.web.fetch import Fetcher, Page
from ingest.web.guard import BlockedAddress, check_host, internal_reason
from ingest.web.pages import clean_url, load_url

__all__ = [
    "BlockedAddress",
    "Fetcher",
    "Page",
    "check_host",
    "clean_url",
    "internal_reason",
    "load_url",
]
