"""Wire copies at answer time: one article per story among the passages, citations that
name where else the story ran, and articles that list their copies
(:mod:`rag.search.copies` finds the stories at ingest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rag.contract import ArticleMeta, Citation, public_origin
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


def with_copies(citations: Sequence[Citation], copies: CopyIndex, store: Store) -> list[Citation]:
    """Each citation with its story's other copies named as people know them: "Title
    (Publisher)", else the title or the publisher, else the file's name (never a path,
    nor the raw id while anything else is known). One store read, only when some
    cited article has copies."""
    others = {c.doc_id: copies.copies_of(c.doc_id) for c in citations}
    wanted = list(dict.fromkeys(d for ids in others.values() for d in ids))
    if not wanted:
        return list(citations)
    found = store.get_articles(wanted)
    out = []
    for citation in citations:
        named = tuple(dict.fromkeys(_name(found.get(d), d) for d in others[citation.doc_id]))
        out.append(citation.model_copy(update={"also_in": named}) if named else citation)
    return out


def _name(meta: ArticleMeta | None, doc_id: str) -> str:
    if meta is None:
        return doc_id
    if meta.title and meta.source:
        return f"{meta.title} ({meta.source})"
    return meta.title or meta.source or public_origin(meta.origin) or doc_id


def with_story(article: MetaT, copies: CopyIndex) -> MetaT:
    head = copies.canonical(article.doc_id)
    update = {
        "copies": tuple(copies.copies_of(article.doc_id)),
        "copy_of": head if head != article.doc_id else "",
    }
    return article.model_copy(update=update)
