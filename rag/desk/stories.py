"""Wire copies at answer time: one article per story among the passages, citations that
name where else the story ran, and articles that list their copies
(:mod:`rag.search.copies` finds the stories at ingest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rag.contract import ArticleMeta, Citation
from rag.search import ChunkCatalogue, CopyIndex, Hit, Store, one_per_story

MetaT = TypeVar("MetaT", bound=ArticleMeta)


def in_step(copies: CopyIndex, catalogue: ChunkCatalogue, store: Store) -> None:
    """Sign articles the copy index has never seen (a store from before it, a lost cache)."""
    if len(copies.canonical_of) != len(catalogue.article_ids):
        copies.sync(store, catalogue.article_ids)


def one_article_per_story(hits: Sequence[Hit], copies: CopyIndex) -> list[Hit]:
    """Drop the passages of a story's other copies (ranked best first)."""
    keep = one_per_story(list(dict.fromkeys(h.chunk.doc_id for h in hits)), copies)
    return [h for h in hits if h.chunk.doc_id in keep]


def with_copies(
    citations: Sequence[Citation], copies: CopyIndex, catalogue: ChunkCatalogue
) -> list[Citation]:
    """Each citation with the publishers (else ids) of its story's other copies."""
    sources = catalogue.source_of
    out = []
    for citation in citations:
        others = copies.copies_of(citation.doc_id)
        named = tuple(dict.fromkeys(str(sources.get(d) or d) for d in others))
        out.append(citation.model_copy(update={"also_in": named}) if named else citation)
    return out


def with_story(article: MetaT, copies: CopyIndex) -> MetaT:
    head = copies.canonical(article.doc_id)
    update = {
        "copies": tuple(copies.copies_of(article.doc_id)),
        "copy_of": head if head != article.doc_id else "",
    }
    return article.model_copy(update=update)
