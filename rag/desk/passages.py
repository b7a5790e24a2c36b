"""Passages without an answer: what retrieval found for a question, each as a citation
of the article's exact words (for tools that read the passages themselves: MCP's
``search_news``), and the publishers in the archive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from rag.contract import Article, Citation, SourceCount
from rag.search import ChunkCatalogue, Hit


def as_citations(hits: Sequence[Hit], articles: Mapping[str, Article]) -> list[Citation]:
    """One citation per hit whose article is stored: the quote is the article's own text
    over the chunk's span (``quote == text[start:end]``); support is not judged (0)."""
    out: list[Citation] = []
    for hit in hits:
        article = articles.get(hit.chunk.doc_id)
        if article is None:
            continue
        start, end = hit.chunk.start, hit.chunk.end
        out.append(
            Citation(
                n=len(out) + 1,
                doc_id=article.doc_id,
                chunk_id=hit.chunk.chunk_id,
                title=article.title,
                source=article.source,
                url=article.url,
                published_at=article.published_at,
                updated_at=article.updated_at,
                authors=article.authors,
                quote=article.text[start:end],
                start=start,
                end=end,
                score=round(hit.score, 4),
                support=0.0,
            )
        )
    return out


def source_counts(catalogue: ChunkCatalogue) -> list[SourceCount]:
    """Publishers by number of stored articles, most first ("" is left out)."""
    counts = Counter(str(s) for s in catalogue.article_sources if s)
    return [SourceCount(source=s, articles=n) for s, n in counts.most_common()]
