"""Nearest chunks within filters (a question's days, a source, excluded articles) without
Chroma's filtered search.

Chroma evaluates a ``where`` clause over every record's metadata before it searches: on a
million chunks that took 2.4-6 s a question whatever the share of chunks the filter kept,
while an unfiltered search for 5,000 neighbours took 26-80 ms (``bench.scale``; the tail
of ask p95). The filters are known in memory (the chunk catalogue the BM25 index keeps
in step with the store), so:

- when the filter keeps a fair share of the chunks, search without it for enough
  neighbours that about twice k of them pass (at most ``WIDE_MAX``), and keep those that
  pass: what a filtered approximate search finds, give or take its approximation;
- when it keeps few (at most ``EXACT_MAX`` chunks), read those chunks' vectors and rank
  them exactly.
"""

from __future__ import annotations

import math

import numpy as np

from rag.contract import Filters
from rag.embedding import Vectors
from rag.search.bm25 import filter_mask
from rag.search.catalogue import ChunkCatalogue
from rag.search.protocols import Store

WIDE_MAX = 10_000  # neighbours asked for in one unfiltered search
EXACT_MAX = 2_000  # chunks ranked exactly when a filter keeps no more than these
Ranked = list[tuple[str, float]]


def dense_within(
    store: Store, catalogue: ChunkCatalogue, vector: Vectors, k: int, filters: Filters | None
) -> Ranked:
    """The k nearest chunks that pass ``filters``, best first."""
    mask = filter_mask(filters, catalogue.day_array, catalogue.source_array, catalogue.doc_array)
    if mask is None:
        return store.dense_search(vector, k, filters)
    kept = int(mask.sum())
    if kept == 0:
        return []
    if kept <= EXACT_MAX:
        return _exact(store, [catalogue.ids[r] for r in np.flatnonzero(mask)], vector, k)
    wanted = min(WIDE_MAX, len(mask), math.ceil(2 * k * len(mask) / kept))
    row_of = catalogue.row_of
    found = store.dense_search(vector, wanted, None)
    return [(cid, s) for cid, s in found if cid in row_of and mask[row_of[cid]]][:k]


def _exact(store: Store, ids: list[str], vector: Vectors, k: int) -> Ranked:
    found = store.chunk_vectors(ids)
    ids = [i for i in ids if i in found]  # (one removed since the catalogue was read)
    if not ids:
        return []
    scores = np.stack([found[i] for i in ids]) @ vector
    best = np.argsort(-scores, kind="stable")[:k]
    return [(ids[i], float(scores[i])) for i in best]
