"""How a BM25 index's state is computed from term counts: the counts of new texts, the
Okapi weights of every chunk and article, a state grown from a snapshot of another (the
index's writes and catch-ups compute one without changing what readers use), and the
counts as saved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from rag.search.catalogue import CatalogueEntry, ChunkCatalogue
from rag.text import terms_many

Scores = npt.NDArray[np.float32]


Weights = tuple[sparse.csc_matrix, Scores, sparse.csc_matrix]


@dataclass(frozen=True)
class State:
    vocab: dict[str, int]
    counts: sparse.csr_matrix
    catalogue: ChunkCatalogue
    weights: Weights  # chunk weights, idf, article weights


@dataclass(frozen=True)
class Snapshot:
    """An installed state of the index: what ``plan_sync`` computes from."""

    generation: str
    vocab: dict[str, int]
    counts: sparse.csr_matrix
    catalogue: ChunkCatalogue


@dataclass(frozen=True)
class Caught:
    """The index as the store holds it, computed by ``plan_sync``."""

    base: str  # the generation it was computed from
    generation: str  # the store's generation it stands for
    state: State | None  # None: the same chunks; only the generation moves


def grown(
    base: Snapshot,
    keep: list[int],
    entries: Sequence[CatalogueEntry],
    texts: Sequence[str],
    k1: float,
    b: float,
) -> State:
    """These rows of ``base`` kept and the new chunks appended, in new objects (a copy of
    the vocabulary too: readers index the weights by it)."""
    vocab = dict(base.vocab)
    catalogue = base.catalogue.keep_and_add(keep, entries)
    rows = count_rows(texts, vocab)
    old = base.counts[keep] if keep else sparse.csr_matrix((0, len(vocab)))
    old = sparse.csr_matrix(old, shape=(len(keep), len(vocab)))
    counts = sparse.vstack([old, rows], format="csr").astype(np.float32)
    return State(vocab, counts, catalogue, index_weights(counts, catalogue, k1, b))


def index_weights(counts: sparse.csr_matrix, cat: ChunkCatalogue, k1: float, b: float) -> Weights:
    """BM25 weights of every (chunk, term), and of every (article, term), from the counts.

    Article-level BM25 scores a whole article at once: an article *about* the question's
    subject beats one that mentions it in a single paragraph, which chunk scores cannot
    tell apart. Its counts are the sums of the article's chunks (overlaps count twice).
    """
    n_chunks = counts.shape[0]
    weights, idf = bm25_weights(counts, k1, b)
    merge = sparse.csr_matrix(
        (np.ones(n_chunks, dtype=np.float32), (cat.article_row, np.arange(n_chunks))),
        shape=(len(cat.article_ids), n_chunks),
    )
    article_weights, _ = bm25_weights((merge @ counts).tocsr(), k1, b)
    return weights, idf, article_weights


def compact(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """The counts as saved: whole numbers, so 16-bit where they fit, and not compressed
    (zlib took 2 s of every save at 100,000 chunks, 20 s at a million; plain 16-bit counts
    are about three times the compressed size and save in a few hundred milliseconds)."""
    if counts.nnz and float(counts.data.max()) < 2**16:
        return counts.astype(np.uint16)
    return counts


def count_rows(texts: Sequence[str], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Term counts of each text (new terms are added to ``vocab``)."""
    data: list[int] = []
    indices: list[int] = []
    indptr = [0]
    for tokens in terms_many(texts):
        ids = [vocab.setdefault(t, len(vocab)) for t in tokens]
        terms, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        indices.extend(terms.tolist())
        data.extend(counts.tolist())
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), indices, indptr), shape=(len(texts), len(vocab))
    )


def bm25_weights(
    counts: sparse.csr_matrix, k1: float, b: float
) -> tuple[sparse.csc_matrix, Scores]:
    """Okapi BM25 weight of every (row, term) of a count matrix, and the terms' idf."""
    n_rows, n_terms = counts.shape
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    avg = float(lengths.mean()) if n_rows else 1.0
    df = np.bincount(counts.indices, minlength=n_terms)
    idf = np.log(1.0 + (n_rows - df + 0.5) / (df + 0.5)).astype(np.float32)
    norm = k1 * (1 - b + b * lengths / max(avg, 1e-9))
    tf = counts.copy()
    tf.data = tf.data * (k1 + 1) / (tf.data + np.repeat(norm, np.diff(counts.indptr)))
    return (tf @ sparse.diags(idf)).tocsc(), idf
