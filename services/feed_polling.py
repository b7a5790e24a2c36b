"""Following feeds: poll each configured (or given) feed when it is due, store its new and
changed entries, and keep its state (conditional-request headers, entries seen, errors,
backoff) in a JSON file beside the store's caches.

A failing feed is recorded and retried later (doubling its interval up to 6 h); it never
stops the others. Used by ``newsdesk ingest --feed``, ``newsdesk watch``, ``newsdesk
feeds``, ``GET /api/feeds`` and, with ``server.poll_feeds``, a thread of ``newsdesk serve``
(ingests do not hold questions up: see ``rag.desk.newsdesk``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from ingest.web import Fetcher
from ingest.web.syndication import FeedState, poll
from rag.contract import FeedStatus, IngestFailure, IngestReport
from rag.corpus import DEFAULT
from rag.desk import Newsdesk
from rag.errors import IngestError
from rag.search import atomic_file
from services.audit import AuditLog
from services.settings import FeedSettings, Settings, audit_path

log = logging.getLogger(__name__)


class FeedFollower:
    """The feeds of one store, their state, and one poll at a time."""

    def __init__(
        self,
        desk: Newsdesk,
        settings: Settings,
        fetcher: Fetcher | None = None,
        who: str = "feeds",
    ) -> None:
        self.desk, self.settings = desk, settings
        self.fetcher = fetcher or Fetcher(settings.ingest)
        self.audit, self.who = AuditLog(audit_path(settings)), who  # who polls: the log's key
        self.file = settings.store.cache_path / f"feeds-{settings.store.collection}.json"
        self.lock = threading.Lock()
        self._loaded = 0.0  # the state file's mtime when it was read
        self.states = self._load()

    def poll(self, feeds: Sequence[FeedSettings], due_only: bool = False) -> IngestReport:
        """Poll these feeds (or those due); one report for all of them."""
        report = IngestReport()
        with self.lock:
            for feed in feeds:
                state = self.states.setdefault(feed.url, FeedState(feed.url, feed.name))
                state.name, state.collection = feed.name or state.name, feed.collection
                if due_only and state.next_poll > time.time():
                    continue
                report = report.merged(self._poll_one(state, feed.interval_min * 60))
            self._save()
        return report

    def _poll_one(self, state: FeedState, interval_s: float) -> IngestReport:
        try:
            report = self.desk.ingest(poll(state, self.fetcher), collection=state.collection)
        except IngestError as exc:
            state.failed(str(exc), interval_s, time.time())
            log.warning("feed %s failed: %s", state.url, exc)
            return IngestReport(failed=[IngestFailure(origin=state.url, message=str(exc))])
        self.audit.ingested(self.who, state.collection, report, "feed", state.url)
        stored = set(report.added + report.updated + report.unchanged)
        found = self.desk.get_articles(sorted(stored), collection=state.collection)
        urls = {a.url for a in found.values()}
        state.mark(urls)
        state.succeeded(interval_s, time.time())
        return report

    def statuses(self) -> list[FeedStatus]:
        """Each feed's state, as last saved: another process (the one worker of ``serve
        --workers N`` that polls) may have polled since this one read the file."""
        with self.lock:
            if self._mtime() > self._loaded:
                self.states = self._load()
        configured = {f.url: f for f in self.settings.feeds}
        urls = list(configured) + [u for u in self.states if u not in configured]
        return [self._status(u, configured.get(u)) for u in urls]

    def _status(self, url: str, feed: FeedSettings | None) -> FeedStatus:
        state = self.states.get(url, FeedState(url, feed.name if feed else ""))
        return FeedStatus(
            url=url,
            name=state.name,
            collection=feed.collection if feed else state.collection,
            last_poll=_when(state.last_poll),
            last_ok=_when(state.last_ok),
            last_error=state.last_error,
            failures=state.failures,
            next_poll=_when(state.next_poll),
            entries_seen=len(state.entries),
        )

    def run(self, stop: threading.Event, tick_s: float = 30.0) -> None:
        """Poll the configured feeds as they fall due until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.poll(self.settings.feeds, due_only=True)
            except Exception:  # a bug must not end the thread that follows every feed
                log.exception("polling feeds failed")
            stop.wait(tick_s)

    def _mtime(self) -> float:
        try:
            return self.file.stat().st_mtime
        except OSError:
            return 0.0

    def _load(self) -> dict[str, FeedState]:
        self._loaded = self._mtime()
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return {d["url"]: FeedState(**d) for d in data}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, KeyError) as exc:
            log.warning("feed state %s unreadable (%s): starting afresh", self.file, exc)
            return {}

    def _save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        data = [asdict(s) for s in self.states.values()]
        with atomic_file(self.file) as out:
            out.write(json.dumps(data, indent=1).encode("utf-8"))


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds") if stamp else ""


def feed_of(url: str, collection: str = DEFAULT) -> FeedSettings:
    """A feed given on the command line (not in config.yaml)."""
    return FeedSettings(url=url, collection=collection)
