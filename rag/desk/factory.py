"""The one place that builds Newsdesk's objects from settings (plain constructors).

Nothing heavy happens here: the embedding model is wrapped to load on first use (a
question, an ingest, or ``Newsdesk.warm_up``), so commands that only read or delete
stored articles never load it. Tests pass their own embedder or store (``tests/fakes.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from threadpoolctl import threadpool_limits

from rag.answering import ExtractiveAnswerer, Generator, LLMAnswerer
from rag.claims import ClaimChecker, Rules
from rag.config import CoreSettings, EmbeddingSettings, StoreSettings
from rag.corpus import DEFAULT, Corpus, Library
from rag.desk.answerer import Answerer
from rag.desk.claim_judging import ClaimJudge
from rag.desk.claiming import ClaimDesk
from rag.desk.newsdesk import Newsdesk
from rag.embedding import (
    Embedder,
    LazyEmbedder,
    ModelRecord,
    QuestionCache,
    make_embedder,
    model_id_of,
)
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
    cache_folder,
    claim_slot,
    collection_store,
    stored_collections,
)
from rag.text import EntityTagger, SpacyTagger

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def build(
    settings: CoreSettings,
    embedder: Embedder | None = None,
    store: Store | None = None,
    *,
    generator: Generator | None = None,
    stores: Callable[[str], Store] | None = None,
    tagger: EntityTagger | None = None,
) -> Newsdesk:
    """Open the store's collections (each on first use) and wire the stages; the models
    load lazily. ``embedder``: required for ``embedding.backend: openai`` (the
    application's HTTP client). ``generator``: the language model for ``answer.mode:
    llm`` (required then). ``store`` (the default collection's) and ``stores`` (a store
    per collection name): in-memory stores for tests. ``tagger``: the named-entity
    tagger (spaCy's small English model by default)."""
    # numpy's BLAS threads fight the encoder's for 2 cores: one BLAS thread is faster here.
    threadpool_limits(limits=1, user_api="blas")
    embedder = embedder or lazy_embedder(settings.embedding)
    record = model_record(embedder, settings.embedding)

    def store_of(name: str) -> Store:
        if name == DEFAULT and store is not None:
            return store
        if stores is not None:
            return stores(name)
        if store is not None:
            raise ConfigError("a desk built on one given store has the default collection only")
        return open_store(collection_store(settings.store, name), record)

    def stored() -> list[str]:
        given = store is not None or stores is not None  # in memory: only those opened
        return [] if given else stored_collections(settings.store)

    # a question is embedded once for all collections and for the answerer's close reading
    questions = QuestionCache(embedder)
    library = Library(lambda name: open_corpus(settings, questions, store_of(name), name), stored)
    extractive = ExtractiveAnswerer(settings.answer, questions, tagger or SpacyTagger())
    answerers: dict[str, Answerer] = {"extractive": extractive}
    judge: ClaimJudge | None = None
    if settings.answer.mode == "llm":
        if generator is None:
            raise ConfigError("answer.mode is llm, but no language model was given")
        llm = LLMAnswerer(settings.llm, extractive, generator, embedder)
        answerers["llm"], judge = llm, ClaimJudge(llm)
    library.corpus(DEFAULT)  # opened now: an unreachable store or another model's fails here
    claims = ClaimDesk(settings, library, claim_checker(settings, extractive), judge)
    return Newsdesk(settings, embedder, library, answerers, extractive.quotes_of, claims)


def claim_checker(settings: CoreSettings, extractive: ExtractiveAnswerer) -> ClaimChecker:
    """Claims and quotes checked with the answerer's attributed quotes (cached per article)."""
    c = settings.claims
    rules = Rules(min_coverage=c.min_coverage, window=c.window)
    return ClaimChecker(extractive.quotes_of, rules, c.max_evidence)


def open_corpus(
    settings: CoreSettings, embedder: Embedder, store: Store, name: str = DEFAULT
) -> Corpus:
    """A collection's store with its BM25 index, article vectors and hybrid retriever
    over them. On a Chroma server (which other processes may share) the caches go to a
    folder of this process's own (``rag.search.claim_slot``)."""
    where, prefix = _where(settings.store), collection_store(settings.store, name).collection
    folder = cache_folder(settings.store.cache_path, store.identity(), where, prefix)
    slot = claim_slot(folder) if settings.store.mode == "http" else None
    index = BM25Index(slot.folder if slot is not None else folder)
    retrieval = settings.retrieval
    vectors = ArticleVectors(index.cache_dir)
    dense = DenseRetriever(store, embedder, index)
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
    corpus = Corpus(store, index, retriever, vectors, name=name)
    corpus.slot = slot  # held as long as the corpus is
    return corpus


def lazy_embedder(settings: EmbeddingSettings) -> LazyEmbedder:
    """The configured local model (torch or onnx), loaded on first use."""
    if settings.backend == "openai":
        raise ConfigError(
            "embedding.backend is openai, but no embedding client was given: the application "
            "makes it (services.desk.open_desk)"
        )

    def load() -> Embedder:
        return make_embedder(
            settings.backend, settings.batch_size, settings.threads, settings.precision,
            device=settings.device, gpu_batch_size=settings.gpu_batch_size,
        )  # fmt: skip

    return LazyEmbedder(model_id_of(settings.backend), load)


def model_record(embedder: Embedder, settings: EmbeddingSettings) -> ModelRecord:
    """What the store records of the vectors this desk writes (and checks on opening)."""
    return ModelRecord(embedder.model_id, embedder.dimensions, True, settings.backend)


def open_store(settings: StoreSettings, model: ModelRecord) -> Store:
    """The configured Chroma store (chromadb is imported only here); it refuses to open when
    another model built it."""
    from rag.search import ChromaStore

    return ChromaStore(settings, model)


def _where(settings: StoreSettings) -> str:
    """The store's location, which named its cache folder in older versions."""
    return f"{settings.host}:{settings.port}" if settings.mode == "http" else str(settings.path)
