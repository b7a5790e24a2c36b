"""The one place that builds Newsdesk's objects from settings (plain constructors).

Nothing heavy happens here: the embedding model is wrapped to load on first use (a
question, an ingest, or ``Newsdesk.warm_up``), so commands that only read or delete
stored articles never load it. Tests pass their own embedder or store (``tests/fakes.py``).
"""

from __future__ import annotations

import os

from threadpoolctl import threadpool_limits

from rag.answering import ExtractiveAnswerer, Generator, LLMAnswerer
from rag.config import CoreSettings, EmbeddingSettings, StoreSettings
from rag.corpus import Corpus
from rag.desk.answerer import Answerer
from rag.desk.indexer import Indexer
from rag.desk.newsdesk import Newsdesk
from rag.desk.speaker_index import SpeakerIndex
from rag.embedding import Embedder, LazyEmbedder, make_embedder, model_id_of
from rag.errors import ConfigError
from rag.search import (
    ArticleVectors,
    BM25Index,
    DenseArticleRetriever,
    DenseRetriever,
    HybridRetriever,
    SparseArticleRetriever,
    SparseRetriever,
    Store,
    cache_dir_for,
)
from rag.text import EntityTagger, SpacyTagger

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build(
    settings: CoreSettings,
    embedder: Embedder | None = None,
    store: Store | None = None,
    *,
    generator: Generator | None = None,
    tagger: EntityTagger | None = None,
) -> Newsdesk:
    """Open the store and the BM25 index and wire the stages; the models load lazily.
    ``generator``: the language model for ``answer.mode: llm`` (required then);
    ``tagger``: the named-entity tagger (spaCy's small English model by default)."""
    # numpy's BLAS threads fight the encoder's for 2 cores: one BLAS thread is faster here.
    threadpool_limits(limits=1, user_api="blas")
    embedder = embedder or lazy_embedder(settings.embedding)
    store = store or open_store(settings.store, embedder.model_id)
    corpus = open_corpus(settings, embedder, store)
    extractive = ExtractiveAnswerer(settings.answer, embedder, tagger or SpacyTagger())
    answerers: dict[str, Answerer] = {"extractive": extractive}
    if settings.answer.mode == "llm":
        if generator is None:
            raise ConfigError("answer.mode is llm, but no language model was given")
        answerers["llm"] = LLMAnswerer(settings.llm, extractive, generator, embedder)
    indexer = Indexer(settings.chunking, settings.ingest, embedder, corpus)
    speakers = SpeakerIndex(corpus.index.cache_dir, extractive.quotes_of)
    return Newsdesk(settings, embedder, corpus, indexer, answerers, speakers)


def open_corpus(settings: CoreSettings, embedder: Embedder, store: Store) -> Corpus:
    """The store with its BM25 index, article vectors and hybrid retriever over them."""
    where = _where(settings.store)
    index = BM25Index(cache_dir_for(settings.store.cache_path, where, settings.store.collection))
    retrieval = settings.retrieval
    vectors = ArticleVectors(index.cache_dir)
    dense = DenseRetriever(store, embedder)
    retriever = HybridRetriever(
        store,
        [(dense, retrieval.dense_k), (SparseRetriever(index), retrieval.sparse_k)],
        index,
        retrieval.rrf_k,
        article_sources=[
            (DenseArticleRetriever(dense, vectors), retrieval.article_k),
            (SparseArticleRetriever(index), retrieval.article_k),
        ],
        per_article=retrieval.max_chunks_per_article,
    )
    return Corpus(store, index, retriever, vectors)


def lazy_embedder(settings: EmbeddingSettings) -> LazyEmbedder:
    """The configured model, loaded on first use."""

    def load() -> Embedder:
        return make_embedder(
            settings.backend, settings.batch_size, settings.threads, settings.precision
        )

    return LazyEmbedder(model_id_of(settings.backend), load)


def open_store(settings: StoreSettings, model_id: str) -> Store:
    """The configured Chroma store (chromadb is imported only here)."""
    from rag.search import ChromaStore

    return ChromaStore(settings, model_id)


def _where(settings: StoreSettings) -> str:
    """The store's location, which names its BM25 cache folder."""
    return f"{settings.host}:{settings.port}" if settings.mode == "http" else str(settings.path)
