"""The one place that builds Newsdesk's objects from settings (plain constructors)."""

from __future__ import annotations

import logging
import os

from threadpoolctl import threadpool_limits

from rag.answer import ExtractiveAnswerer
from rag.article_vectors import ArticleVectors
from rag.bm25 import BM25Index, cache_dir_for
from rag.chunking import Chunker
from rag.config import Settings
from rag.embed import Embedder, make_embedder
from rag.pipeline import Newsdesk
from rag.retrieve import (
    DenseArticleRetriever,
    DenseRetriever,
    HybridRetriever,
    SparseArticleRetriever,
    SparseRetriever,
)
from rag.store import ChromaStore

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build(settings: Settings, embedder: Embedder | None = None) -> Newsdesk:
    """Load the model (unless given one), open the store and BM25 index, wire the stages."""
    # numpy's BLAS threads fight the encoder's for 2 cores: one BLAS thread is faster here.
    threadpool_limits(limits=1, user_api="blas")
    cfg = settings
    emb = cfg.embedding
    embedder = embedder or make_embedder(emb.backend, emb.batch_size, emb.threads, emb.precision)
    store = ChromaStore(cfg.store, embedder.model_id)
    where = (
        f"{cfg.store.host}:{cfg.store.port}" if cfg.store.mode == "http" else str(cfg.store.path)
    )
    index = BM25Index(cache_dir_for(cfg.store.cache_path, where, cfg.store.collection))
    dense, retrieval = DenseRetriever(store, embedder), cfg.retrieval
    articles = ArticleVectors(index.cache_dir)
    retriever = HybridRetriever(
        store,
        [(dense, retrieval.dense_k), (SparseRetriever(index), retrieval.sparse_k)],
        index,
        retrieval.rrf_k,
        article_sources=[
            (DenseArticleRetriever(dense, articles, index), retrieval.article_k),
            (SparseArticleRetriever(index), retrieval.article_k),
        ],
        per_article=retrieval.max_chunks_per_article,
    )
    answerer = ExtractiveAnswerer(cfg.answer, index.term_idf)
    chunker = Chunker(cfg.chunking.chunk_size, cfg.chunking.chunk_overlap)
    return Newsdesk(cfg, embedder, store, index, chunker, retriever, answerer)


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("chromadb", "httpx", "sentence_transformers", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
