"""Newsdesk's retrieval for llama-index: a ``BaseRetriever`` whose nodes are Newsdesk's
verbatim cited passages, so llama-index query engines and agents can use it.

Each node's text is exactly ``article.text[start:end]`` of a stored article, and its
metadata says which article, publisher, date and span, so whatever a pipeline writes on
top can still be traced to the archive's own words. By default the nodes are the
passages Newsdesk's answer cites (nothing when it finds no answer: a refusal stays a
refusal); ``cited_only=False`` gives every passage retrieval found instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.contract import Citation, Filters, Query
from rag.desk.newsdesk import Newsdesk


class NewsdeskRetriever(BaseRetriever):
    """``NewsdeskRetriever(desk).retrieve("What did Peskov say?")`` -> cited passages."""

    def __init__(
        self,
        desk: Newsdesk,
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
        cited_only: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.desk, self.top_k, self.filters, self.as_of = desk, top_k, filters, as_of
        self.cited_only = cited_only

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        query = Query(
            question=query_bundle.query_str,
            top_k=self.top_k,
            filters=self.filters,
            as_of=self.as_of,
            mode="extractive",
        )
        found = self.desk.ask(query).citations if self.cited_only else self.desk.search(query)
        return [NodeWithScore(node=node_of(c), score=c.score) for c in found]


def node_of(citation: Citation) -> TextNode:
    """The citation as a node: its verbatim quote, and where it comes from."""
    metadata = {
        "doc_id": citation.doc_id,
        "chunk_id": citation.chunk_id,
        "title": citation.title,
        "source": citation.source,
        "published_at": citation.published_at,
        "url": citation.url,
        "authors": ", ".join(citation.authors),
        "start": citation.start,
        "end": citation.end,
        "support": citation.support,
    }
    return TextNode(
        id_=f"{citation.doc_id}:{citation.start}-{citation.end}",
        text=citation.quote,
        metadata=metadata,
        excluded_embed_metadata_keys=list(metadata),
        excluded_llm_metadata_keys=["chunk_id", "start", "end", "support", "doc_id"],
    )
