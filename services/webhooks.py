"""Webhooks: JSON POSTed to a URL someone gave, in a background thread, retried with
backoff, and never to an address the SSRF guard refuses.

A webhook URL is as untrusted as a URL to ingest: it may name ``localhost``, a metadata
address or a name that resolves to one. It is checked when a follow is made
(:func:`check_webhook`), and every connection goes through the pinned transport of
:mod:`ingest.web.pinned` (each address checked, then connected to by IP), with
``ingest.allow_hosts`` the only exceptions. Redirects are not followed. A 5xx, 408, 429,
a timeout or a failed connection is retried after ``follows.webhook_backoff_s``, doubled
each time, up to ``follows.webhook_attempts`` tries; any other answer is final.
"""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ingest.web import BlockedAddress, check_host
from ingest.web.guard import Resolver, resolve
from ingest.web.pinned import pinned_transport
from rag.config import IngestSettings
from rag.errors import IngestError, QueryError
from services.settings import FollowSettings

log = logging.getLogger(__name__)
PORTS = {"http": 80, "https": 443}
RETRIED = frozenset({408, 429})
Outcome = Callable[[str, str], None]  # (key, error: "" when delivered)


def check_webhook(url: str, ingest: IngestSettings, resolver: Resolver = resolve) -> str:
    """The URL if it may be a webhook (http(s), with a host the guard passes), else
    QueryError (or BlockedAddress) saying why."""
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as exc:
        raise QueryError(f"the webhook is not a valid URL ({exc})") from None
    if parsed.scheme not in PORTS or not parsed.host:
        raise QueryError(f"a webhook must be an http(s) URL with a host, not '{url}'")
    port = parsed.port or PORTS[parsed.scheme]
    check_host(parsed.host, port, ingest.allow_hosts, resolver)
    return str(parsed)


@dataclass(order=True)
class Delivery:
    due: float
    seq: int
    url: str = field(compare=False)
    body: bytes = field(compare=False)
    key: str = field(compare=False)  # whom the outcome is reported to (a follow's id)
    attempt: int = field(default=1, compare=False)


class Webhooks:
    """A queue of deliveries and the thread that sends them (started on first use)."""

    def __init__(
        self,
        ingest: IngestSettings,
        settings: FollowSettings,
        outcome: Outcome | None = None,
        resolver: Resolver = resolve,
    ) -> None:
        self.ingest, self.settings, self.outcome = ingest, settings, outcome
        self.resolver = resolver
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.webhook_timeout_s),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": ingest.user_agent, "Content-Type": "application/json"},
            transport=pinned_transport(ingest.allow_hosts, resolver),
        )
        self._queue: list[Delivery] = []
        self._busy = 0  # deliveries being sent now
        self._seq = 0
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None

    def send(self, url: str, payload: object, key: str) -> None:
        """Queue one POST of ``payload`` as JSON; it is sent in the background."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        with self._ready:
            self._seq += 1
            heapq.heappush(self._queue, Delivery(time.monotonic(), self._seq, url, body, key))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
                self._thread.start()
            self._ready.notify_all()

    def drain(self, timeout_s: float) -> bool:
        """Wait until every queued delivery is sent or given up (True), or the time is
        up (False: the rest is logged as not delivered)."""
        deadline = time.monotonic() + timeout_s
        with self._ready:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    log.warning("%d webhook deliveries not sent before exit", len(self._queue))
                    return False
                self._ready.wait(min(left, 0.5))
        return True

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue or self._queue[0].due > time.monotonic():
                    wait = self._queue[0].due - time.monotonic() if self._queue else None
                    self._ready.wait(wait)
                delivery = heapq.heappop(self._queue)
                self._busy += 1
            try:
                self._deliver(delivery)
            except Exception:  # a bug must not end the thread that sends every webhook
                log.exception("webhook delivery to %s failed", delivery.url)
            finally:
                with self._ready:
                    self._busy -= 1
                    self._ready.notify_all()

    def _deliver(self, delivery: Delivery) -> None:
        error, retry = self._post(delivery)
        if error and retry and delivery.attempt < self.settings.webhook_attempts:
            wait = self.settings.webhook_backoff_s * 2 ** (delivery.attempt - 1)
            log.info("webhook %s: %s; retrying in %.1f s", delivery.url, error, wait)
            with self._ready:
                delivery.due, delivery.attempt = time.monotonic() + wait, delivery.attempt + 1
                heapq.heappush(self._queue, delivery)
            return
        if error:
            error = f"{error} (after {delivery.attempt} tries)"
            log.warning("webhook %s not delivered: %s", delivery.url, error)
        if self.outcome is not None:
            self.outcome(delivery.key, error)

    def _post(self, delivery: Delivery) -> tuple[str, bool]:
        """("", _) when delivered, else (why, whether to retry)."""
        try:
            check_webhook(delivery.url, self.ingest, self.resolver)
            response = self.client.post(delivery.url, content=delivery.body)
        except (BlockedAddress, QueryError) as exc:
            return str(exc), False
        except IngestError as exc:  # the host does not resolve now: it may come back
            return str(exc), True
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}", True
        status = response.status_code
        if 200 <= status < 300:
            return "", False
        return f"HTTP {status}", status >= 500 or status in RETRIED

    def close(self) -> None:
        self.client.close()
