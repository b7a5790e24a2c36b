"""Ingestion into the store: clean, chunk, embed and write new and changed articles.

Unchanged articles (same content hash, which covers the text, the metadata and the
chunking settings) are skipped; a failure on one article is reported and the batch goes on.

Readers (questions) share the corpus with an ingest: the slow part (cleaning, chunking,
embedding) runs outside the corpus's doors, and each write of a few articles goes through
its write door briefly (:meth:`rag.corpus.Corpus.write`), so a question sees the store
before or after a write, never half of one, and never waits for the encoder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

import numpy as np

from rag.config import ChunkingSettings, IngestSettings
from rag.contract import Article, ArticleInput, IngestFailure, IngestReport
from rag.corpus import Corpus, Readers, Written
from rag.embedding import VECTORS_VERSION, Embedder, Vectors
from rag.errors import IngestError
from rag.search import Chunk, article_id, chunk_id, content_hash
from rag.text import CHUNKER_VERSION, Chunker, clean

log = logging.getLogger(__name__)
BATCH_ARTICLES = 64
WRITE_ARTICLES = 16  # per store write: how long a question may wait behind one
EMBED_SLICE = 32  # chunks embedded between looks at whether questions are waiting
YIELD_S = 0.5  # the longest an ingest waits for questions before each slice


@dataclass(frozen=True)
class _Prepared:
    article: Article
    chunks: list[Chunk]
    is_new: bool


@dataclass(frozen=True)
class _Embedding:
    """A batch of prepared articles whose chunk vectors are being computed."""

    todo: list[_Prepared]
    vectors: Future[Vectors]


class Indexer:
    """Cleans, chunks and embeds articles, and writes them through the corpus."""

    def __init__(
        self,
        chunking: ChunkingSettings,
        ingest: IngestSettings,
        embedder: Embedder,
        corpus: Corpus,
        readers: Readers | None = None,
    ) -> None:
        self.chunking, self.ingest = chunking, ingest
        self.embedder, self.corpus = embedder, corpus
        self.readers = readers if readers is not None else Readers()
        self.chunker = Chunker(chunking.chunk_size, chunking.chunk_overlap)

    def run(
        self,
        items: Iterable[ArticleInput | IngestFailure],
        progress: Callable[[int], None] | None = None,
        force: bool = False,
    ) -> IngestReport:
        """Store new and changed articles; skip unchanged ones (unless ``force``: a repair
        rewrites them); collect failures.

        Embedding is the bulk of the work, so it runs in a worker thread (the encoder
        releases the GIL) while this thread writes the previous batch to the store and
        cleans and chunks the next one: the encoder never waits for Chroma.
        """
        report = IngestReport()
        iterator: Iterator[ArticleInput | IngestFailure] = iter(items)
        pending: _Embedding | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
            while batch := list(islice(iterator, BATCH_ARTICLES)):
                articles = [i for i in batch if isinstance(i, ArticleInput)]
                report.failed.extend(i for i in batch if isinstance(i, IngestFailure))
                todo = self._plan_batch(articles, report, pending, force)
                texts = [c.text for p in todo for c in p.chunks]
                current = _Embedding(todo, pool.submit(self._embed, texts)) if todo else None
                if pending is not None:
                    self._write(pending, report)
                pending = current
                if progress:
                    progress(len(batch))
            if pending is not None:
                self._write(pending, report)
        self.corpus.settle()
        return report

    def _embed(self, texts: Sequence[str]) -> Vectors:
        """The texts' vectors, a slice at a time, making way for questions in between. A
        slice is at least the embedder's batch (a GPU's is large: small slices starve it)."""
        parts = []
        size = max(EMBED_SLICE, self.embedder.batch_size)
        for lo in range(0, len(texts), size):
            self.readers.wait_idle(YIELD_S)
            parts.append(self.embedder.embed(texts[lo : lo + size]))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _plan_batch(
        self,
        inputs: Sequence[ArticleInput],
        report: IngestReport,
        pending: _Embedding | None,
        force: bool = False,
    ) -> list[_Prepared]:
        """Clean and chunk the batch's new and changed articles (the rest is reported)."""
        keyed = {article_id(a): a for a in inputs}  # a later duplicate id wins
        with self.corpus.read() as view:
            stored = view.content_hashes(list(keyed))
        if pending is not None:  # not written yet, but it will be before this batch
            stored.update((p.article.doc_id, p.article.content_hash) for p in pending.todo)
        todo: list[_Prepared] = []
        for doc_id, item in keyed.items():
            digest = content_hash(item, self.chunking_key())
            if stored.get(doc_id) == digest and not force:
                report.unchanged.append(doc_id)
                continue
            try:
                todo.append(self._prepare(doc_id, digest, item, doc_id not in stored))
            except IngestError as exc:
                report.failed.append(IngestFailure(origin=item.origin or doc_id, message=str(exc)))
            except Exception as exc:  # a bug met on one article must not stop the batch
                log.exception("preparing article %s failed", doc_id)
                message = f"internal error while cleaning or chunking: {type(exc).__name__}: {exc}"
                report.failed.append(IngestFailure(origin=item.origin or doc_id, message=message))
        return todo

    def _write(self, embedding: _Embedding, report: IngestReport) -> None:
        vectors = embedding.vectors.result()
        batch: list[Written] = []
        offset = 0
        for prepared in embedding.todo:
            n = len(prepared.chunks)
            batch.append((prepared.article, prepared.chunks, vectors[offset : offset + n]))
            offset += n
        for lo in range(0, len(batch), WRITE_ARTICLES):
            self.corpus.write(batch[lo : lo + WRITE_ARTICLES])
        for prepared in embedding.todo:
            report.chunks_written += len(prepared.chunks)
            done = report.added if prepared.is_new else report.updated
            done.append(prepared.article.doc_id)

    def chunking_key(self) -> str:
        """Everything besides the article that decides its chunks and vectors."""
        chunking, ingest = self.chunking, self.ingest
        parts = (
            CHUNKER_VERSION,
            VECTORS_VERSION,
            chunking.chunk_size,
            chunking.chunk_overlap,
            ingest.strip_boilerplate,
        )
        return "/".join(map(str, parts)) + "/" + "|".join(ingest.extra_boilerplate)

    def _prepare(self, doc_id: str, digest: str, item: ArticleInput, is_new: bool) -> _Prepared:
        ingest = self.ingest
        cleaned = clean(item.text, ingest.strip_boilerplate, tuple(ingest.extra_boilerplate))
        spans = self.chunker.split(cleaned)
        if not spans:
            raise IngestError(f"{item.origin or doc_id}: no article text left after cleaning")
        chunks = [
            Chunk(chunk_id(doc_id, digest, s.seq), doc_id, s.seq, s.text, s.start, s.end)
            for s in spans
        ]
        article = Article(
            doc_id=doc_id,
            title=item.title,
            source=item.source,
            published_at=item.published_at,
            updated_at=item.updated_at,
            url=item.url,
            authors=item.authors,
            content_hash=digest,
            n_chunks=len(chunks),
            origin=item.origin,
            kind=item.kind,
            text=item.text,
            locations=item.locations,
        )
        return _Prepared(article, chunks, is_new)
