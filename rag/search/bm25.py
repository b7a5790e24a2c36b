"""A persisted BM25 index over the stored chunks, kept in step with the vector store.

Term counts per chunk are saved to disk (scipy sparse + vocabulary), so a process
starts without re-tokenising the corpus, and a sync after a write tokenises only the
chunks that are new. BM25 weights are recomputed from the counts in one vectorised
pass. The chunk catalogue (:mod:`rag.search.catalogue`: doc id, source and publication
day per chunk) is synced and saved with the counts, row for row, so sparse search and
filters never have to ask the store.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse

from rag.contract import Filters
from rag.search.bm25_state import (
    Caught,
    Scores,
    Snapshot,
    State,
    compact,
    grown,
    index_weights,
)
from rag.search.catalogue import CatalogueEntry, ChunkCatalogue
from rag.search.files import atomic_file
from rag.search.protocols import Store
from rag.search.slots import saving
from rag.text import date_to_ordinal

log = logging.getLogger(__name__)
FORMAT = 1
FOLD_ROWS = 50_000  # deferred chunks kept before they are folded in anyway (memory)


class BM25Index:
    """Okapi BM25 (k1, b) over chunk texts and over whole articles, with filters."""

    def __init__(self, cache_dir: Path, k1: float = 1.2, b: float = 0.75) -> None:
        self.cache_dir = cache_dir
        self.k1, self.b = k1, b
        self.generation = ""
        self._dirty = False
        self.catalogue = ChunkCatalogue()
        self.vocab: dict[str, int] = {}
        self.counts: sparse.csr_matrix = sparse.csr_matrix((0, 0), dtype=np.float32)
        self.idf: Scores = np.zeros(0, dtype=np.float32)
        self.deferred: Deferred | None = None
        self._reweight()  # an empty index scores nothing, until loaded or synced
        self._load()

    # --- persistence ---------------------------------------------------------------------

    def _load(self) -> None:
        meta_file = self.cache_dir / "bm25.json"
        if not meta_file.is_file():
            return
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return
            counts = sparse.load_npz(self.cache_dir / "bm25_counts.npz").tocsr()
            counts = counts.astype(np.float32, copy=False)
            if counts.shape[0] != len(meta["ids"]):  # a crash between the two writes
                raise ValueError(f"{counts.shape[0]} count rows for {len(meta['ids'])} chunks")
        except (OSError, ValueError, KeyError) as exc:
            log.warning("BM25 cache at %s unreadable (%s): rebuilding", self.cache_dir, exc)
            return
        self.counts = counts
        self.generation = meta["generation"]
        self.vocab = {t: i for i, t in enumerate(meta["vocab"])}
        self.catalogue = ChunkCatalogue(meta["ids"], meta["doc_ids"], meta["sources"], meta["days"])
        self._reweight()

    def _save(self) -> None:
        """Counts first, then the metadata that names their generation: each file whole
        (``atomic_file``); a crash between the two is caught by ``_load``'s shape check;
        both under the folder's save lock (a new process's slot is seeded from a copy)."""
        with saving(self.cache_dir):
            self._save_files()

    def _save_files(self) -> None:
        with atomic_file(self.cache_dir / "bm25_counts.npz") as out:
            sparse.save_npz(out, compact(self.counts), compressed=False)
        meta = {
            "format": FORMAT,
            "generation": self.generation,
            "vocab": sorted(self.vocab, key=self.vocab.__getitem__),
            "ids": self.catalogue.ids,
            "doc_ids": self.catalogue.doc_ids,
            "sources": self.catalogue.sources,
            "days": self.catalogue.days,
        }
        with atomic_file(self.cache_dir / "bm25.json") as out:
            out.write(json.dumps(meta).encode("utf-8"))

    # --- keeping in step with the store ----------------------------------------------------

    def sync(self, store: Store) -> bool:
        """Bring the index up to the store's generation; True when anything changed.
        Deferred writes are folded in when they are all the store has changed by, and
        dropped otherwise (the full sync takes them in with the rest)."""
        generation = store.generation()
        if self.deferred is not None:
            if generation == self.deferred.generation:
                self.fold()
                self.flush()
                return True
            self.deferred = None
        if generation == self.generation:
            return False
        caught = self.plan_sync(store, self.snapshot())
        return caught is not None and self.install_sync(caught) and caught.state is not None

    def snapshot(self) -> Snapshot:
        """The installed state (take it where no install can happen: under the corpus's
        read lock); ``plan_sync`` computes from it while installs go on."""
        return Snapshot(self.generation, self.vocab, self.counts, self.catalogue)

    def plan_sync(self, store: Store, base: Snapshot) -> Caught | None:
        """``sync``'s work, done without changing the index, so the corpus can do it
        outside its write lock (at a million chunks: listing the ids and recomputing,
        half a minute): the chunks still stored are kept, only new ones are read. None:
        the store has not moved since ``base``."""
        generation = store.generation()
        if generation == base.generation:
            return None
        ids = [cid for page in store.iter_chunk_ids() for cid in page]
        old = base.catalogue.ids
        if len(ids) == len(old) and set(ids) == set(old):
            return Caught(base.generation, generation, None)  # nothing of ours changed
        wanted = set(ids)
        keep = [row for row, cid in enumerate(old) if cid in wanted]
        known = {old[row] for row in keep}
        new = [cid for cid in ids if cid not in known]
        records = store.chunk_records(new)
        entries = [
            (cid, str(m.get("doc_id", "")), str(m.get("source", "")),
             int(m.get("published_day", 0)))
            for cid, (m, _) in zip(new, records, strict=True)
        ]  # fmt: skip
        state = grown(base, keep, entries, [text for _, text in records], self.k1, self.b)
        return Caught(base.generation, generation, state)

    def install_sync(self, caught: Caught) -> bool:
        """Swap in what ``plan_sync`` computed, if the index has not moved since its base
        (False: it has, and nothing changed); saved, unless only the generation moved
        (not saved then: the next start's check is as cheap as this one)."""
        if caught.base != self.generation or self.deferred is not None:
            return False
        if caught.state is None:
            self.generation = caught.generation
            return True
        self._install(caught.state, caught.generation)
        self.flush()  # nothing is deferred here (checked above): this saves it
        log.info("BM25 index synced: %d chunks, %d terms", len(self.catalogue), len(self.vocab))
        return True

    # --- taking in writes -------------------------------------------------------------------
    #
    # A write is taken in one of two ways. ``prepare`` + ``install`` (or ``absorb``):
    # the whole index after the write is computed, ahead of the lock readers wait on, so
    # a question never waits for it; the cost grows with the index (most of a second at
    # 80k chunks), paid on every write. ``defer``: the write is noted in O(its size) and
    # folded in once, before the next read or at the end of the ingest; for an ingest
    # nobody is asking questions during (a command-line or cluster ingest), which then
    # costs O(chunks) in all instead of O(chunks x writes).

    @property
    def head(self) -> str:
        """The store generation the index stands for, deferred writes included."""
        return self.deferred.generation if self.deferred is not None else self.generation

    def defer(
        self, written: Sequence[tuple[CatalogueEntry, str]], removed: Sequence[str], generation: str
    ) -> None:
        """Note a write the caller has just made; ``fold`` (or a ``sync``) takes it in.
        Past ``FOLD_ROWS`` deferred chunks (and the index's own size) it is folded now."""
        deferred = self.deferred or Deferred({}, set(), generation)
        row_of = self.catalogue.row_of
        for cid in removed:
            deferred.entries.pop(cid, None)
            if cid in row_of:
                deferred.gone.add(cid)
        for entry, text in written:
            cid = entry[0]
            deferred.entries.pop(cid, None)  # written again: it moves to the end, as in absorb
            deferred.entries[cid] = (entry, text)
            if cid in row_of:
                deferred.gone.add(cid)
        deferred.generation = generation
        self.deferred = deferred
        if len(deferred.entries) > max(FOLD_ROWS, len(self.catalogue)):
            self.fold()

    def fold(self) -> bool:
        """Take in the deferred writes (one recomputation for all of them)."""
        deferred, self.deferred = self.deferred, None
        if deferred is None:
            return False
        keep = [row for row, cid in enumerate(self.catalogue.ids) if cid not in deferred.gone]
        entries = list(deferred.entries.values())
        state = self._state(keep, [e for e, _ in entries], [t for _, t in entries])
        self._install(state, deferred.generation)
        return True

    def absorb(
        self, written: Sequence[tuple[CatalogueEntry, str]], removed: Sequence[str], generation: str
    ) -> None:
        """Take in one write the caller has just made (chunks with their texts, and the ids
        it removed), so readers need no full sync while an ingest runs. Saved by ``flush``."""
        self._install(self.prepare(written, removed).state, generation)

    def prepare(
        self, written: Sequence[tuple[CatalogueEntry, str]], removed: Sequence[str]
    ) -> Prepared:
        """The index as it will be after a write, computed without changing this one, so
        the writer can do the work before it takes the lock readers wait on."""
        gone = set(removed) | {entry[0] for entry, _ in written}
        keep = [row for row, cid in enumerate(self.catalogue.ids) if cid not in gone]
        state = self._state(keep, [entry for entry, _ in written], [text for _, text in written])
        return Prepared(state, self.generation, frozenset(removed))

    def install(self, prepared: Prepared, removed: Sequence[str], generation: str) -> bool:
        """Swap in a prepared state if it still fits: made from this generation, for the
        chunks the write really removed. False: call ``absorb`` instead."""
        if prepared.base != self.generation or prepared.removed != frozenset(removed):
            return False
        self._install(prepared.state, generation)
        return True

    def _install(self, state: State, generation: str) -> None:
        self.vocab, self.counts, self.catalogue = state.vocab, state.counts, state.catalogue
        self.weights, self.idf, self.article_weights = state.weights
        self.generation = generation
        self._dirty = True

    def flush(self) -> None:
        """Save what ``absorb`` took in (once per ingest, not per write), deferred writes
        folded in first."""
        self.fold()
        if self._dirty:
            self._save()
            self._dirty = False

    def _state(
        self, keep: list[int], entries: Sequence[CatalogueEntry], texts: Sequence[str]
    ) -> State:
        return grown(self.snapshot(), keep, entries, texts, self.k1, self.b)

    # --- scoring -------------------------------------------------------------------------

    def _reweight(self) -> None:
        self.counts = sparse.csr_matrix(self.counts, shape=(self.counts.shape[0], len(self.vocab)))
        self.weights, self.idf, self.article_weights = index_weights(
            self.counts, self.catalogue, self.k1, self.b
        )

    def term_idf(self, term: str) -> float:
        """Inverse document frequency of a (tokenised) term; unseen terms weigh most."""
        return _idf_of(term, self.vocab, self.idf, len(self.catalogue))

    def idf_snapshot(self) -> Callable[[str], float]:
        """``term_idf`` of the index as it is now, unchanged by later writes (an answer
        composed after its read view closed still weighs terms as retrieval did)."""
        vocab, idf, n = self.vocab, self.idf, len(self.catalogue)
        return lambda term: _idf_of(term, vocab, idf, n)

    def search(
        self, tokens: Sequence[str], k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """Best chunks for the query tokens as (chunk_id, BM25 score), best first."""
        cat = self.catalogue
        mask = filter_mask(filters, cat.day_array, cat.source_array, cat.doc_array)
        return _top(self._scores(self.weights, tokens), mask, cat.ids, k)

    def search_articles(
        self, tokens: Sequence[str], k: int, filters: Filters | None = None
    ) -> list[tuple[str, float]]:
        """Best articles as wholes for the query tokens as (doc_id, BM25 score), best first."""
        cat = self.catalogue
        mask = filter_mask(filters, cat.article_days, cat.article_sources, cat.article_array)
        return _top(self._scores(self.article_weights, tokens), mask, cat.article_ids, k)

    def _scores(self, weights: sparse.csc_matrix, tokens: Sequence[str]) -> Scores | None:
        terms = sorted({self.vocab[t] for t in tokens if t in self.vocab})
        if not terms or not len(self.catalogue):
            return None
        return np.asarray(weights[:, terms].sum(axis=1)).ravel()


def _idf_of(term: str, vocab: dict[str, int], idf: Scores, n: int) -> float:
    index = vocab.get(term)
    if index is None:
        return math.log(1.0 + (n + 0.5) / 0.5)
    return float(idf[index])


@dataclass
class Deferred:
    """Writes noted by ``BM25Index.defer`` and not yet folded in."""

    entries: dict[str, tuple[CatalogueEntry, str]]  # chunk id -> entry and text, write order
    gone: set[str]  # chunk ids of the installed index the writes removed or rewrote
    generation: str  # the store's generation after the last of them


@dataclass(frozen=True)
class Prepared:
    """An index state computed ahead of a write (``BM25Index.prepare``)."""

    state: State
    base: str  # the generation it was made from
    removed: frozenset[str]  # the chunk ids it assumes the write removes


def filter_mask(
    filters: Filters | None,
    days: npt.NDArray[np.int64],
    sources: npt.NDArray[np.object_],
    docs: npt.NDArray[np.object_],
) -> npt.NDArray[np.bool_] | None:
    """Rows that pass the filters (None: all of them); ``docs`` is each row's article."""
    if filters is None or filters.is_empty():
        return None
    mask = np.ones(len(days), dtype=bool)
    if filters.exclude:
        mask &= ~np.isin(docs, np.asarray(filters.exclude, dtype=object))
    if filters.source:
        mask &= sources == filters.source
    inside = np.ones(len(days), dtype=bool)
    if filters.published_after:
        inside &= days >= date_to_ordinal(filters.published_after)
    if filters.published_before:
        inside &= days <= date_to_ordinal(filters.published_before)
    if filters.undated:
        inside |= days == 0
    return mask & inside


def _top(
    scores: Scores | None, mask: npt.NDArray[np.bool_] | None, ids: Sequence[str], k: int
) -> list[tuple[str, float]]:
    """The k best (id, score) with a positive score among the masked rows, best first."""
    if scores is None:
        return []
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    k = min(k, int(np.count_nonzero(scores)))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top])]
    return [(ids[i], float(scores[i])) for i in top]
