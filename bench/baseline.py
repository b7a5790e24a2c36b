"""The baseline: what a new user builds with llama-index's defaults, over the same corpus.

``VectorStoreIndex`` over a persistent ``ChromaVectorStore``, the same MiniLM weights
(``HuggingFaceEmbedding`` on the packaged model, so nothing is downloaded), the default
``SentenceSplitter`` (1024 tokens, overlap 200) and ``as_retriever()`` (top-k 2 by default).
Each article becomes a ``Document`` with its doc_id as id and its title, source and date as
metadata (llama-index embeds metadata by default). No LLM is configured: only retrieval is
measured, and the baseline's "answer" is the text of the chunks it returns.

Run alone: ``python -m bench.baseline --corpus corpus-1k`` (builds or reuses the index).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REALTIMEQA, WORK, peak_rss_mb, read_corpus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retrieved:
    """One baseline retrieval: article ids and texts of the chunks, best first."""

    doc_ids: list[str]
    texts: list[str]
    seconds: float


class LlamaBaseline:
    """A llama-index VectorStoreIndex over Chroma, built once per corpus and reused."""

    def __init__(self, corpus: Path, store: Path | None = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Settings
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        from rag.embedding.minilm import minilm_dir

        Settings.llm = None  # MockLLM: nothing may call an LLM or the network
        self.embed_model = HuggingFaceEmbedding(model_name=str(minilm_dir()), device="cpu")
        Settings.embed_model = self.embed_model
        self.corpus = corpus
        where = store or WORK / f"baseline-{corpus.name.split('.')[0]}"
        client = chromadb.PersistentClient(
            path=str(where), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.collection = client.get_or_create_collection("baseline", embedding_function=None)
        self.build_seconds = 0.0
        self.index = self._index()

    def _index(self) -> Any:
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        store = ChromaVectorStore(chroma_collection=self.collection)
        if self.collection.count():
            return VectorStoreIndex.from_vector_store(store, embed_model=self.embed_model)
        started = time.perf_counter()
        index = VectorStoreIndex.from_documents(
            self._documents(),
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=self.embed_model,
        )
        self.build_seconds = time.perf_counter() - started
        log.info("baseline index built in %.0f s", self.build_seconds)
        return index

    def _documents(self) -> list[Any]:
        from llama_index.core import Document

        return [
            Document(
                text=a["body"],
                id_=a["doc_id"],
                metadata={
                    "title": a.get("title", ""),
                    "source": a.get("source", ""),
                    "published_at": a.get("published_at", ""),
                },
            )
            for a in read_corpus(self.corpus)
        ]

    def chunks(self) -> int:
        return int(self.collection.count())

    def retrieve(self, question: str, top_k: int | None = None) -> Retrieved:
        """Chunks for a question with ``as_retriever()`` (top-k 2 unless given)."""
        retriever = (
            self.index.as_retriever()
            if top_k is None
            else self.index.as_retriever(similarity_top_k=top_k)
        )
        started = time.perf_counter()
        nodes = retriever.retrieve(question)
        seconds = time.perf_counter() - started
        return Retrieved(
            [str(n.node.ref_doc_id) for n in nodes], [n.node.get_content() for n in nodes], seconds
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus-1k", help="corpus-1k, corpus, or a path")
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.exists():
        corpus = REALTIMEQA / f"{args.corpus}.jsonl.gz"
    baseline = LlamaBaseline(corpus)
    print(
        f"baseline over {corpus.name}: {baseline.chunks()} chunks, built in "
        f"{baseline.build_seconds:.0f} s (0 = reused), peak RSS {peak_rss_mb()} MB"
    )


if __name__ == "__main__":
    main()
