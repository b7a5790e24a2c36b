"""Ingest on a Ray cluster: ``newsdesk ingest --ray [ADDRESS] PATH...``.

Ray (https://docs.ray.io) runs the slow part of an ingest across machines: Ray tasks read
the files and clean and chunk their articles (``rag.desk.Preparer``, the very function a
local ingest calls, so ids, content hashes and chunks are the same), and a pool of
encoder actors embeds them: one per GPU where the cluster has GPUs, else one CPU actor
per machine (or clients of an embedding server, ``embedding.backend: openai``). This
process, the driver, plans the batches and writes the results in input order through the
corpus's write door (``rag.desk.Indexer``): the same journal, BM25 index and store records
as a local ingest, into the configured store (a Chroma server, ``store.mode: http``, for a
``newsdesk serve`` elsewhere to see them).

Failures: Ray retries a task whose worker or machine died (``max_retries``) and restarts
an encoder actor elsewhere (``max_restarts``); a batch whose result is lost anyway is
prepared and embedded again (``RETRIES``). Nothing is written twice: the driver writes
each batch once, in order. Paths must be readable at the same place on every machine
that runs tasks (a shared folder), as with any Ray job reading files.

Only the command line imports this module (with ``--ray``): nothing else needs Ray.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import load_file
from ingest.discover import discover
from rag.contract import ArticleInput, IngestFailure, IngestReport
from rag.corpus import DEFAULT
from rag.desk import Embedded, Newsdesk, Pending, Planned, Prepared, Preparer
from rag.embedding import Embedder
from rag.errors import ConfigError, IngestError, NewsdeskError
from services.settings import Settings

# Before ray is imported: no usage statistics, and a Ray node this process starts (a
# local instance) listens on 127.0.0.1 rather than the machine's address.
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")

import ray

log = logging.getLogger(__name__)
Loaded = ArticleInput | IngestFailure
FILES_PER_TASK = 64  # files one read task loads
BYTES_PER_TASK = 64 << 20  # ... or this many bytes of them
READ_AHEAD = 4  # read tasks in flight ahead of the batch being planned
RETRIES = 3  # times a batch is prepared and embedded again after a lost result
ADDRESS = re.compile(r"^(auto|local|ray://.+|\[?[\w.:-]+\]?:\d+)$")


def is_address(text: str) -> bool:
    """Does ``--ray``'s value name a cluster (``auto``, ``local``, ``HOST:PORT``,
    ``ray://HOST:PORT``) rather than a path to ingest?"""
    return bool(ADDRESS.match(text)) and not Path(text).exists()


@dataclass(frozen=True)
class Cluster:
    """What the driver learnt of the cluster it joined."""

    nodes: int
    cpus: float
    gpus: float


def connect(address: str | None) -> Cluster:
    """Join the cluster at ``address`` (None: the one ``ray start`` began on this machine,
    else a new local instance; ``local``: always a new one), quietly: no dashboard."""
    try:
        ray.init(
            address=None if address in (None, "", "local") else address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            namespace="newsdesk",
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = address or "this machine"
        raise ConfigError(f"cannot join the Ray cluster at {where}: {exc}") from exc
    resources = ray.cluster_resources()
    nodes = sum(1 for n in ray.nodes() if n.get("Alive"))
    return Cluster(nodes, float(resources.get("CPU", 0)), float(resources.get("GPU", 0)))


def disconnect() -> None:
    ray.shutdown()


# --- the work ----------------------------------------------------------------------------


@ray.remote(max_retries=5)
def _read(paths: list[str], max_bytes: int, max_unpacked: int) -> list[Loaded]:
    """Load a few files (on whichever machine runs the task)."""
    return [item for p in paths for item in load_file(Path(p), max_bytes, max_unpacked)]


@ray.remote(max_retries=5)
def _prepare(preparer: Preparer, todo: list[Planned]) -> list[Prepared | IngestFailure]:
    """Clean and chunk a batch (the same code as a local ingest)."""
    return preparer.prepare_all(todo)


class _Encoder:
    """One encoder: the configured model on this actor's device (a GPU Ray gave it, else
    the CPU), or a client of the configured embedding server."""

    def __init__(self, settings: Settings) -> None:
        from rag.desk import lazy_embedder
        from services.desk import embedder_for

        self.embedder: Embedder = embedder_for(settings) or lazy_embedder(settings.embedding)

    def embed(self, prepared: list[Prepared | IngestFailure]) -> Embedded:
        import numpy as np

        ok = [p for p in prepared if isinstance(p, Prepared)]
        failed = [p for p in prepared if isinstance(p, IngestFailure)]
        texts = [t for p in ok for t in p.texts]
        vectors = self.embedder.embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)
        return Embedded(ok, vectors, failed)


class RayPipeline:
    """Prepares batches in Ray tasks and embeds them in a pool of encoder actors."""

    def __init__(self, settings: Settings, cluster: Cluster, actors: int | None = None) -> None:
        self.preparer = ray.put(Preparer(settings.chunking, settings.ingest))
        gpu = cluster.gpus >= 1 and settings.embedding.backend == "torch"
        remote = settings.embedding.backend == "openai"
        count = actors or (int(cluster.gpus) if gpu else max(1, cluster.nodes))
        options: dict[str, Any] = {
            "max_restarts": -1,  # restarted on another machine if its own dies
            "max_task_retries": RETRIES,
            "scheduling_strategy": "SPREAD",
            "num_gpus": 1 if gpu else 0,
            "num_cpus": 0 if gpu or remote else 1,
        }
        encoder: Any = ray.remote(_Encoder)  # handles typed Any: ray's stubs cannot follow
        self.encoders: list[Any] = [
            encoder.options(**options).remote(settings) for _ in range(count)
        ]
        self.busy = [0] * count
        self.window = max(4, 2 * (int(cluster.cpus) + count))
        log.info("ingest on Ray: %d encoder actors (%s), %d batches in flight", count,
                 "GPU" if gpu else "server" if remote else "CPU", self.window)  # fmt: skip

    def submit(self, todo: list[Planned]) -> Pending:
        return _RayPending(self, todo)

    def start(self, todo: list[Planned]) -> tuple[Any, int]:
        """Prepare the batch in a task and hand it to the least busy encoder."""
        which = min(range(len(self.encoders)), key=self.busy.__getitem__)
        self.busy[which] += 1
        prepared = _prepare.remote(self.preparer, todo)
        return self.encoders[which].embed.remote(prepared), which

    def done(self, which: int) -> None:
        self.busy[which] -= 1

    def close(self) -> None:
        for encoder in self.encoders:
            ray.kill(encoder)


class _RayPending:
    def __init__(self, pipeline: RayPipeline, todo: list[Planned]) -> None:
        self.pipeline, self.todo = pipeline, todo
        self.ref, self.which = pipeline.start(todo)

    def result(self) -> Embedded:
        try:
            return self._get()
        finally:
            self.pipeline.done(self.which)

    def _get(self) -> Embedded:
        attempt = 0
        while True:
            try:
                embedded: Embedded = ray.get(self.ref)
                return embedded
            except ray.exceptions.RayTaskError as exc:  # raised by our code: not retried
                if isinstance(exc.cause, NewsdeskError):
                    raise exc.cause from None
                raise IngestError(f"a Ray task failed: {exc}") from exc
            except ray.exceptions.RayError as exc:  # a machine, worker or object lost
                attempt += 1
                if attempt > RETRIES:
                    raise IngestError(f"a batch failed {attempt} times on Ray: {exc}") from exc
                log.warning("batch lost on Ray (%s): preparing and embedding it again", exc)
                self.pipeline.done(self.which)
                self.ref, self.which = self.pipeline.start(self.todo)


# --- the driver ----------------------------------------------------------------------------


def read_on_ray(
    paths: Sequence[Path], max_bytes: int, max_unpacked: int
) -> Iterator[ArticleInput | IngestFailure]:
    """The articles under ``paths`` in the order a local ingest reads them, the files
    loaded by Ray tasks a few at a time, ``READ_AHEAD`` tasks ahead."""
    flight: deque[tuple[list[str] | IngestFailure, Any]] = deque()
    for group in _groups(paths):
        ref = (
            None
            if isinstance(group, IngestFailure)
            else _read.remote(group, max_bytes, max_unpacked)
        )
        flight.append((group, ref))
        while len(flight) > READ_AHEAD:
            yield from _items(*flight.popleft(), max_bytes, max_unpacked)
    while flight:
        yield from _items(*flight.popleft(), max_bytes, max_unpacked)


def _items(
    group: list[str] | IngestFailure, ref: Any, max_bytes: int, max_unpacked: int
) -> list[Loaded]:
    """A read task's articles; read again if its result was lost with a machine."""
    if isinstance(group, IngestFailure):
        return [group]
    for attempt in range(RETRIES + 1):
        try:
            items: list[Loaded] = ray.get(ref)
            return items
        except ray.exceptions.RayTaskError as exc:
            raise IngestError(f"reading {group[0]}... failed on Ray: {exc}") from exc
        except ray.exceptions.RayError as exc:
            if attempt == RETRIES:
                raise IngestError(
                    f"reading {group[0]}... failed {attempt + 1} times on Ray: {exc}"
                ) from exc
            log.warning("read lost on Ray (%s): reading again", exc)
            ref = _read.remote(group, max_bytes, max_unpacked)
    raise AssertionError("unreachable")  # pragma: no cover


def _groups(paths: Sequence[Path]) -> Iterator[list[str] | IngestFailure]:
    """Consecutive files in groups of up to ``FILES_PER_TASK`` files or ``BYTES_PER_TASK``
    bytes; an unusable path as its failure, in its place."""
    group: list[str] = []
    size = 0
    for found in discover(paths):
        if isinstance(found, IngestFailure):
            if group:
                yield group
                group, size = [], 0
            yield found
            continue
        group.append(str(found))
        size += found.stat().st_size if found.exists() else 0
        if len(group) >= FILES_PER_TASK or size >= BYTES_PER_TASK:
            yield group
            group, size = [], 0
    if group:
        yield group


def ingest_on_ray(
    desk: Newsdesk,
    settings: Settings,
    paths: Sequence[Path],
    address: str | None = None,
    actors: int | None = None,
    progress: Any = None,
    collection: str = DEFAULT,
) -> IngestReport:
    """Ingest files and folders on the Ray cluster at ``address`` into ``collection``,
    writing from here.
    What Ray prints meanwhile (a task retried after a machine died) goes to stderr:
    stdout is the command's summary."""
    with contextlib.redirect_stdout(sys.stderr):
        return _ingest_on_ray(desk, settings, paths, address, actors, progress, collection)


def _ingest_on_ray(
    desk: Newsdesk,
    settings: Settings,
    paths: Sequence[Path],
    address: str | None,
    actors: int | None,
    progress: Any,
    collection: str,
) -> IngestReport:
    cluster = connect(address)
    try:
        pipeline = RayPipeline(settings, cluster, actors)
        try:
            limits = settings.ingest
            resolved = [p.expanduser().resolve() for p in paths]
            items = read_on_ray(resolved, limits.max_file_bytes, limits.max_unpacked_bytes)
            return desk.ingest(items, progress, collection=collection, pipeline=pipeline)
        finally:
            pipeline.close()
    finally:
        disconnect()
