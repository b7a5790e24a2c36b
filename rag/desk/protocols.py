"""What the desk needs of its retriever and answerer: the seams for other implementations
(an LLM answerer, a dense-only retriever) and for fast tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from rag.answering import ChunkLocator, Composed
from rag.contract import Article, Citation, Filters
from rag.search import Hit, Recency


class Retriever(Protocol):
    """The best passages for a question, from as many articles as possible."""

    def retrieve(
        self,
        question: str,
        top_k: int,
        filters: Filters | None = None,
        recency: Recency | None = None,
    ) -> list[Hit]: ...


class Answerer(Protocol):
    """Composes the answer text (with [n] markers) and its citations, in marker order (and,
    for a written answer, each sentence's check). ``on_sources`` is called once, before any
    token, with the passages the answer rests on (empty when nothing is found)."""

    def answer(
        self,
        question: str,
        hits: Sequence[Hit],
        articles: Mapping[str, Article],
        locate: ChunkLocator,
        on_token: Callable[[str], None] | None = None,
        on_sources: Callable[[Sequence[Citation]], None] | None = None,
    ) -> Composed: ...
