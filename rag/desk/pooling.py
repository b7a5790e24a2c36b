"""One question over several collections: each is searched in its own read view (its
own index and term statistics), and the passages are pooled by their fused scores (the
same reciprocal-rank fusion in every collection), best first, one collection per article."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering import Grounds
from rag.desk.timing import Planned
from rag.search import Hit


@dataclass(frozen=True)
class Retrieval:
    """What one question found, valid after its read views closed: the question's days,
    the grounds an answerer composes from, each article's other wire copies, and how many
    chunks were searched (to weigh term statistics across collections)."""

    planned: Planned
    grounds: Grounds
    also_in: dict[str, tuple[str, ...]]
    chunks: int = 0


def pooled(parts: Sequence[Retrieval], top_k: int) -> Retrieval:
    """The best ``top_k`` passages of all parts; an article found in two collections is
    cited from the first that ranks it."""
    if len(parts) == 1:
        return parts[0]
    ranked = sorted(
        ((h.score, i, h, p) for p in parts for i, h in enumerate(p.grounds.hits)),
        key=lambda row: (-row[0], row[1]),
    )
    owner: dict[str, Retrieval] = {}
    hits: list[Hit] = []
    for _, _, hit, part in ranked:
        if owner.setdefault(hit.chunk.doc_id, part) is part and len(hits) < top_k:
            hits.append(replace(hit, rank=len(hits)))
    kept = {h.chunk.doc_id for h in hits}
    articles = {d: owner[d].grounds.articles[d] for d in kept if d in owner[d].grounds.articles}
    also_in = {d: owner[d].also_in[d] for d in kept if d in owner[d].also_in}
    weights = [p.chunks for p in parts] if any(p.chunks for p in parts) else [1] * len(parts)
    total = sum(weights)

    def locate(doc_id: str, offset: int) -> str:
        return owner[doc_id].grounds.locate(doc_id, offset)

    def idf(term: str) -> float:  # weighted by the chunks each collection holds
        return sum(p.grounds.idf(term) * w for p, w in zip(parts, weights, strict=True)) / total

    grounds = Grounds(hits, articles, locate, idf)
    return Retrieval(parts[0].planned, grounds, also_in, sum(p.chunks for p in parts))
