"""What keeps watching the archive: followed feeds and their health, followed questions,
and the passages found for them as new articles arrive."""

from __future__ import annotations

from pydantic import Field, computed_field

from rag.contract._answers import Citation
from rag.contract._record import _Record


class FeedStatus(_Record):
    """How following one feed goes (``newsdesk feeds``, ``GET /api/feeds``)."""

    url: str
    name: str = ""
    collection: str = Field("default", description="The collection its articles go to.")
    last_poll: str = Field("", description="When it was last polled (UTC, ISO 8601).")
    last_ok: str = Field("", description="When a poll last succeeded.")
    last_error: str = Field("", description="Why the last poll failed; empty when it did not.")
    failures: int = Field(0, description="Failed polls in a row (the retry backs off).")
    next_poll: str = Field("", description="When it is polled next.")
    entries_seen: int = Field(0, description="Entries stored so far.")


class Follow(_Record):
    """A followed question: every new or changed article of its collection is checked
    against it, and the passages that answer it are recorded (``newsdesk follow``,
    ``POST /api/follows``; its Atom feed: ``GET /feeds/follows/{id}.atom``)."""

    id: str = Field(description="The follow's id (its feed's name).")
    question: str
    collection: str = Field("default", description="Only this collection's articles count.")
    webhook: str = Field("", description="An http(s) URL each new passage is POSTed to.")
    created: str = Field(description="When it was made (UTC, ISO 8601).")
    passages: int = Field(0, description="Passages recorded so far.")
    last_found: str = Field("", description="When the last passage was recorded.")
    webhook_error: str = Field(
        "", description="Why the last webhook delivery failed for good; empty when none did."
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="Its Atom feed's path on the server (any feed reader can subscribe)."
    )
    @property
    def feed(self) -> str:
        where = "" if self.collection == "default" else f"?collection={self.collection}"
        return f"/feeds/follows/{self.id}.atom{where}"


class FollowedPassage(_Record):
    """A passage that answers a followed question, from a new or changed article."""

    id: str = Field(description="Stable: the follow, the article and the quoted words.")
    follow_id: str
    question: str
    found_at: str = Field(description="When it was recorded (UTC, ISO 8601).")
    citation: Citation = Field(description="The passage: quote, article, publisher, date, link.")
