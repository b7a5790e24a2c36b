"""One Newsdesk shared by the REST handlers and the UI, which run in worker threads.

The desk guards itself (:mod:`rag.desk.newsdesk`): questions and listings take its
read/write guard for milliseconds, an ingest only while it writes a few articles, and
ingests queue behind one another. So this wrapper adds no lock of its own; it is the one
handle the edges share, with the settings they read, the server's keys (who may do
what: :mod:`services.keys`) and its audit log (:mod:`services.audit`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rag.contract import CollectionCount
from rag.desk import Newsdesk
from services.audit import AuditLog
from services.feed_polling import FeedFollower
from services.feedback import FeedbackLog, RecentAnswers
from services.follows import Following, following_of
from services.keys import Keys, Principal
from services.settings import Settings, audit_path


class SharedDesk:
    """``with shared.use() as desk: desk.ask(...)``; safe from any thread."""

    def __init__(self, desk: Newsdesk, settings: Settings) -> None:
        self._desk = desk
        self._settings = settings
        self._feeds: FeedFollower | None = None
        self._lock = threading.Lock()
        self.keys = Keys(settings.server)
        self.audit = AuditLog(audit_path(settings))
        self.feedback = FeedbackLog(settings.store.cache_path)
        self.answers = RecentAnswers()  # those given lately, for feedback by id

    @property
    def settings(self) -> Settings:
        """Read-only after start-up."""
        return self._settings

    @contextmanager
    def use(self) -> Iterator[Newsdesk]:
        self.follows  # noqa: B018 (installed on first use: every ingest here is checked)
        yield self._desk

    @property
    def follows(self) -> Following:
        """The store's followed questions, which check every ingest of the desk (one
        registry per desk: ``services.follows.following_of``)."""
        return following_of(self._desk, self._settings)

    @property
    def feeds(self) -> FeedFollower:
        """The store's feed follower (made on first use)."""
        with self._lock:
            if self._feeds is None:
                self.follows  # noqa: B018 (polled entries are checked too)
                self._feeds = FeedFollower(self._desk, self._settings)
            return self._feeds

    def collections(self, principal: Principal) -> list[CollectionCount]:
        """The collections this caller may see, with their sizes (0 for one of its
        collections that nothing was stored in yet)."""
        desk = self._desk
        existing = desk.collections()
        shown = principal.visible(existing)
        return [
            CollectionCount(name=name, **(desk.stats(name) if name in existing else {}))
            for name in shown
        ]

    def readable(self, principal: Principal) -> list[str]:
        """Every existing collection this caller may read, its default first (where an
        article is looked for when a request names no collection)."""
        existing = self._desk.collections()
        mine = [principal.default, *principal.visible(existing)]
        return [n for n in dict.fromkeys(mine) if n in existing and principal.can_read(n)]
