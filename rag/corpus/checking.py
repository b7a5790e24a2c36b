"""Is the store consistent? Every chunk belongs to a stored article and to its current
version, every article has all its chunks, and the BM25 index holds exactly the stored
chunks. A crash mid-ingest can leave chunks without their article, or an old version's
chunks beside the new; ``repair`` drops what is astray and re-indexes what is missing
from the article text the store keeps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.contract import ArticleInput
from rag.search import BM25Index, Store, chunk_doc, chunk_id

PAGE = 500


@dataclass
class CheckReport:
    """What a check found (ids), and what a repair did."""

    orphan_chunks: list[str] = field(default_factory=list)  # no article record
    stale_chunks: list[str] = field(default_factory=list)  # an older version's
    incomplete: list[str] = field(default_factory=list)  # articles missing chunks
    index_out_of_step: bool = False
    repaired: bool = False

    @property
    def consistent(self) -> bool:
        problems = self.orphan_chunks or self.stale_chunks or self.incomplete
        return not problems and not self.index_out_of_step

    def summary(self) -> str:
        if self.consistent:
            return "consistent"
        parts = [
            f"{len(self.orphan_chunks)} chunks without their article",
            f"{len(self.stale_chunks)} chunks of older versions",
            f"{len(self.incomplete)} articles missing chunks",
            "BM25 index out of step" if self.index_out_of_step else "BM25 index in step",
        ]
        return "; ".join(parts) + (" (repaired)" if self.repaired else "")


def check(store: Store, index: BM25Index) -> CheckReport:
    """Compare the chunks, the articles and the BM25 index; change nothing."""
    by_doc: dict[str, set[str]] = defaultdict(set)
    for ids in store.iter_chunk_ids():
        for cid in ids:
            by_doc[chunk_doc(cid)].add(cid)
    report = CheckReport()
    articles = _all_metas(store)
    for doc_id, chunks in by_doc.items():
        if doc_id not in articles:
            report.orphan_chunks += sorted(chunks)
    for doc_id, (digest, count) in articles.items():
        expected = {chunk_id(doc_id, digest, seq) for seq in range(count)}
        have = by_doc.get(doc_id, set())
        report.stale_chunks += sorted(c for c in have - expected)
        if expected - have:
            report.incomplete.append(doc_id)
    stored = {c for chunks in by_doc.values() for c in chunks}
    report.index_out_of_step = set(index.catalogue.ids) != stored
    return report


def repair(
    store: Store, index: BM25Index, reindex: Callable[[list[ArticleInput]], object]
) -> CheckReport:
    """Drop orphan and stale chunks, re-index incomplete articles (``reindex``: an ingest
    that rewrites them), re-sync BM25."""
    report = check(store, index)
    store.delete_chunks(report.orphan_chunks + report.stale_chunks)
    if report.incomplete:
        found = store.get_articles(report.incomplete)
        inputs = [
            ArticleInput(
                text=a.text,
                title=a.title,
                source=a.source,
                published_at=a.published_at,
                updated_at=a.updated_at,
                url=a.url,
                authors=a.authors,
                doc_id=a.doc_id,
                origin=a.origin,
                kind=a.kind,
                locations=a.locations,
            )
            for a in found.values()
        ]
        reindex(inputs)
    index.generation = ""  # a full re-sync from the store, whatever the stamp says
    index.sync(store)
    report.repaired = True
    return report


def _all_metas(store: Store) -> dict[str, tuple[str, int]]:
    """Each stored article's content hash and chunk count."""
    out: dict[str, tuple[str, int]] = {}
    offset = 0
    while page := store.list_articles(offset, PAGE):
        out.update((m.doc_id, (m.content_hash, m.n_chunks)) for m in page)
        offset += len(page)
    return out
