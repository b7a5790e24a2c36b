"""One Newsdesk shared by the REST handlers and the UI, which run in worker threads.

The desk guards itself (:mod:`rag.desk.newsdesk`): questions and listings take its
read/write guard for milliseconds, an ingest only while it writes a few articles, and
ingests queue behind one another. So this wrapper adds no lock of its own; it is the one
handle the edges share, with the settings they read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rag.desk import Newsdesk
from services.feed_polling import FeedFollower
from services.feedback import FeedbackLog, RecentAnswers
from services.follows import Following, following_of
from services.settings import Settings


class SharedDesk:
    """``with shared.use() as desk: desk.ask(...)``; safe from any thread."""

    def __init__(self, desk: Newsdesk, settings: Settings) -> None:
        self._desk = desk
        self._settings = settings
        self._feeds: FeedFollower | None = None
        self._lock = threading.Lock()
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
