"""Followed questions: the registry, and checking every ingest against it.

A follow is a question kept on a collection. After every ingest into that collection
(CLI files and URLs, imports, REST and UI uploads, feed polling: all go through
``Newsdesk.ingest``, whose listeners this registers), the new and changed articles are
answered against each follow, one article at a time (``Newsdesk.answers_in``); the
passages that answer, and were not recorded before, are appended to the follow's log,
shown in its Atom feed (:mod:`services.atom`) and POSTed to its webhook, if it has one
(:mod:`services.webhooks`).

Files, in the store's cache folder (``follows/``): ``follows.json`` (the follows, written
whole and atomically), ``ID.jsonl`` (each follow's passages, one JSON line each, appended
with one write) and ``webhooks.json`` (the last failed delivery per follow). Another
process (``newsdesk follow`` beside a running ``serve``) sees the same files: they are
read again whenever they changed on disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rag.contract import Answer, Follow, FollowedPassage, IngestReport, Query
from rag.corpus import DEFAULT, collection_name
from rag.desk import Newsdesk, checked
from rag.errors import NotFoundError
from rag.search import atomic_file
from services.settings import Settings
from services.webhooks import Webhooks, check_webhook

log = logging.getLogger(__name__)
_ATTACHED: weakref.WeakKeyDictionary[Newsdesk, Following] = weakref.WeakKeyDictionary()
_ATTACHING = threading.Lock()
DRAIN_S = 60.0  # how long a command waits for its webhooks before it exits


def following_of(desk: Newsdesk, settings: Settings) -> Following:
    """The follows of this desk's store, checking its every ingest from now on (one
    registry per desk, however often asked)."""
    with _ATTACHING:
        found = _ATTACHED.get(desk)
        if found is None:
            found = _ATTACHED[desk] = Following(desk, settings)
            desk.ingested.append(found.check)
        return found


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Following:
    """The followed questions of one store."""

    def __init__(self, desk: Newsdesk, settings: Settings) -> None:
        self.desk, self.settings = desk, settings
        self.folder = settings.store.cache_path / "follows"
        self.registry = self.folder / "follows.json"
        self.webhooks = Webhooks(settings.ingest, settings.follows, self._delivered)
        self._lock = threading.RLock()
        self._follows: tuple[tuple[int, int], list[Follow]] = ((0, 0), [])
        self._logs: dict[str, tuple[tuple[int, int], list[FollowedPassage]]] = {}

    # --- the registry --------------------------------------------------------------------

    def add(self, question: str, collection: str = DEFAULT, webhook: str = "") -> Follow:
        """Follow a question on a collection (checked as any question is); a webhook must
        be an http(s) URL the SSRF guard passes."""
        query = Query(question=question, collections=(collection_name(collection),))
        query = checked(query, self.desk.settings.query, self.desk.answerers)
        hook = check_webhook(webhook, self.settings.ingest) if webhook.strip() else ""
        follow = Follow(id=uuid.uuid4().hex[:12], question=query.question,
                        collection=collection, webhook=hook, created=now())  # fmt: skip
        with self._lock:
            self._write([*self._read(), follow])
        return follow

    def remove(self, follow_id: str, collection: str = DEFAULT) -> Follow:
        with self._lock:
            follows = self._read()
            follow = self._find(follows, follow_id, collection)
            self._write([f for f in follows if f.id != follow_id])
        self._log(follow_id).unlink(missing_ok=True)
        return follow

    def follows(self, collection: str | None = None) -> list[Follow]:
        """Every follow (of one collection), with its passage count and last find."""
        errors = self._webhook_errors()
        return [
            self._counted(f, errors.get(f.id, ""))
            for f in self._read()
            if collection is None or f.collection == collection
        ]

    def get(self, follow_id: str, collection: str = DEFAULT) -> Follow:
        follow = self._find(self._read(), follow_id, collection)
        return self._counted(follow, self._webhook_errors().get(follow_id, ""))

    def passages(
        self, follow_id: str, collection: str = DEFAULT, limit: int | None = None
    ) -> list[FollowedPassage]:
        """A follow's passages, newest first (NotFoundError for an unknown follow)."""
        self._find(self._read(), follow_id, collection)
        found = self._passages(follow_id)[::-1]
        return found[:limit] if limit is not None else found

    def _counted(self, follow: Follow, error: str) -> Follow:
        found = self._passages(follow.id)
        last = found[-1].found_at if found else ""
        update = {"passages": len(found), "last_found": last, "webhook_error": error}
        return follow.model_copy(update=update)

    @staticmethod
    def _find(follows: Sequence[Follow], follow_id: str, collection: str) -> Follow:
        """The follow with this id in this collection (one of another is not found)."""
        for follow in follows:
            if follow.id == follow_id and follow.collection == collection:
                return follow
        raise NotFoundError(f"no followed question with id '{follow_id}' in collection "
                            f"'{collection}'")  # fmt: skip

    # --- checking ingests ----------------------------------------------------------------

    def check(self, collection: str, report: IngestReport) -> list[FollowedPassage]:
        """The ingest listener: record the passages of new and changed articles that
        answer a follow of their collection (and send them to its webhook)."""
        changed = list(dict.fromkeys(report.added + report.updated))
        follows = [f for f in self._read() if f.collection == collection]
        if not changed or not follows:
            return []
        found = self.desk.answers_in([f.question for f in follows], changed, collection)
        recorded: list[FollowedPassage] = []
        for follow, answers in zip(follows, found, strict=True):
            recorded += self._record(follow, answers)
        return recorded

    def _record(self, follow: Follow, answers: Sequence[Answer]) -> list[FollowedPassage]:
        with self._lock:
            seen = {p.id for p in self._passages(follow.id)}
            new: list[FollowedPassage] = []
            for answer in answers:
                for citation in answer.citations:
                    key = f"{follow.id}\n{citation.doc_id}\n{' '.join(citation.quote.split())}"
                    pid = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
                    if pid not in seen:
                        seen.add(pid)
                        new.append(FollowedPassage(id=pid, follow_id=follow.id,
                                                   question=follow.question, found_at=now(),
                                                   citation=citation))  # fmt: skip
            if new:
                self._append(follow.id, new)
        for passage in new if follow.webhook else []:
            payload = {"follow": follow.model_dump(mode="json", include={"id", "question",
                       "collection"}), "passage": passage.model_dump(mode="json")}  # fmt: skip
            self.webhooks.send(follow.webhook, payload, follow.id)
        if new:
            log.info("follow %s: %d new passages", follow.id, len(new))
        return new

    def drain(self, timeout_s: float = DRAIN_S) -> bool:
        """Wait for the webhook deliveries queued so far (a command, before it exits)."""
        return self.webhooks.drain(timeout_s)

    # --- files ---------------------------------------------------------------------------

    def _read(self) -> list[Follow]:
        with self._lock:
            stamp = _stamp(self.registry)
            if stamp != self._follows[0]:
                try:
                    rows = json.loads(self.registry.read_text(encoding="utf-8"))
                    self._follows = (stamp, [Follow.model_validate(r) for r in rows])
                except FileNotFoundError:
                    self._follows = (stamp, [])
            return list(self._follows[1])

    def _write(self, follows: list[Follow]) -> None:
        rows = [f.model_dump(include={"id", "question", "collection", "webhook", "created"})
                for f in follows]  # fmt: skip
        with atomic_file(self.registry) as out:
            out.write(json.dumps(rows, indent=1, ensure_ascii=False).encode("utf-8"))

    def _log(self, follow_id: str) -> Path:
        return self.folder / f"{follow_id}.jsonl"

    def _passages(self, follow_id: str) -> list[FollowedPassage]:
        """The follow's log, oldest first (read again only when it changed on disk)."""
        path = self._log(follow_id)
        with self._lock:
            stamp = _stamp(path)
            cached = self._logs.get(follow_id)
            if cached is None or cached[0] != stamp:
                rows = path.read_text(encoding="utf-8").splitlines() if stamp[0] else []
                found = [FollowedPassage.model_validate_json(r) for r in rows if r.strip()]
                cached = self._logs[follow_id] = (stamp, found)
            return cached[1]

    def _append(self, follow_id: str, passages: Sequence[FollowedPassage]) -> None:
        """One write of whole lines, appended: a reader never sees half a record."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = "".join(p.model_dump_json() + "\n" for p in passages).encode("utf-8")
        fd = os.open(self._log(follow_id), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def _delivered(self, follow_id: str, error: str) -> None:
        """A webhook's outcome: its last final failure is kept (cleared by a success)."""
        with self._lock:
            errors = self._webhook_errors()
            if errors.get(follow_id, "") == error:
                return
            errors[follow_id] = error
            kept = {k: v for k, v in errors.items() if v}
            with atomic_file(self.folder / "webhooks.json") as out:
                out.write(json.dumps(kept, indent=1).encode("utf-8"))

    def _webhook_errors(self) -> dict[str, str]:
        try:
            data = json.loads((self.folder / "webhooks.json").read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            return {}


def _stamp(path: Path) -> tuple[int, int]:
    """(size, mtime in ns) of a file, (0, 0) when it is missing: changed means re-read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (info.st_size, info.st_mtime_ns)
