"""What the desk needs of its answerer: the seam for other implementations (an LLM
answerer) and for fast tests. (The retriever's seam, ``rag.search.Retriever``, belongs to
the corpus that runs it.)"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from rag.answering import Composed, Grounds
from rag.contract import Citation
from rag.search import Retriever

__all__ = ["Answerer", "Retriever"]


class Answerer(Protocol):
    """Composes the answer text (with [n] markers) and its citations, in marker order (and,
    for a written answer, each sentence's check). ``on_sources`` receives the passages the
    answer will rest on as soon as they are chosen (before a model writes); ``on_token``
    the model's draft as it is written."""

    def answer(
        self,
        question: str,
        grounds: Grounds,
        on_token: Callable[[str], None] | None = None,
        on_sources: Callable[[Sequence[Citation]], None] | None = None,
    ) -> Composed: ...
