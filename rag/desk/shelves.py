"""The archive as people browse it, collection by collection: list, read, delete articles,
who is quoted, which publishers. :class:`rag.desk.Newsdesk` adds ingesting and asking.

Every method names its collection (``default`` unless given); an article is looked up in
the collections a caller may read, in the order given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

from rag.contract import Article, ArticlePage, SourceCount, SpeakerList, SpeakerTimeline
from rag.corpus import DEFAULT, Corpus, Library
from rag.desk.passages import source_counts
from rag.desk.speaker_index import SpeakerIndex
from rag.desk.timeline import speaker_timeline
from rag.errors import NotFoundError, QueryError
from rag.quotes import Quote

QuotesOf = Callable[[Article], list[Quote]]


class Shelves:
    """Articles, speakers and publishers of each collection of one store."""

    def __init__(self, library: Library, quotes_of: QuotesOf) -> None:
        self.library, self.quotes_of = library, quotes_of
        self._speakers: dict[str, SpeakerIndex] = {}
        self._lock = threading.Lock()

    @property
    def corpus(self) -> Corpus:
        """The default collection's corpus (the one a single-desk setup uses)."""
        return self.library.corpus(DEFAULT)

    def collections(self) -> list[str]:
        return self.library.names()

    def list_articles(
        self, offset: int = 0, limit: int = 50, collection: str = DEFAULT
    ) -> ArticlePage:
        with self.library.corpus(collection).read() as view:
            rows = view.list_articles(offset, limit)
            total = view.count_articles()
        return ArticlePage(total=total, offset=offset, limit=limit, articles=rows)

    def iter_articles(self, page: int = 500, collection: str = DEFAULT) -> Iterator[Article]:
        """Every stored article with its text, a page at a time (export, eval scans)."""
        corpus = self.library.corpus(collection)
        offset = 0
        while True:
            with corpus.read() as view:
                rows = view.list_articles(offset, page)
                found = view.articles([m.doc_id for m in rows])
            if not rows:
                return
            yield from (found[m.doc_id] for m in rows if m.doc_id in found)
            offset += len(rows)

    def get_article(self, doc_id: str, collections: Sequence[str] = (DEFAULT,)) -> Article:
        """The article with its text and its story (copies, or the article it copies), from
        the first of ``collections`` that holds it."""
        for name in collections:
            with self.library.corpus(name).read() as view:
                found = view.articles([doc_id]).get(doc_id)
                if found is not None:
                    return view.with_story(found)
        raise NotFoundError(f"no article with id '{doc_id}'")

    def get_articles(self, doc_ids: Sequence[str], collection: str = DEFAULT) -> dict[str, Article]:
        """The stored ones of these articles, by id (unknown ids are left out)."""
        with self.library.corpus(collection).read() as view:
            return view.articles(list(doc_ids))

    def delete_article(self, doc_id: str, collection: str = DEFAULT) -> None:
        self.library.corpus(collection).delete(doc_id)

    def sources(self, collection: str = DEFAULT) -> list[SourceCount]:
        with self.library.corpus(collection).read() as view:
            return source_counts(view.catalogue)

    def speakers(
        self,
        doc_id: str | None = None,
        source: str | None = None,
        limit: int = 100,
        collection: str = DEFAULT,
    ) -> SpeakerList:
        """Who is quoted, most often first: in one article, one publisher's, or all."""
        corpus = self.library.corpus(collection)
        with corpus.read() as view:
            doc_ids: list[str] | None = None
            if doc_id is not None:
                view.article(doc_id)  # NotFoundError for an unknown article
                doc_ids = [doc_id]
            elif source:
                catalogue = view.catalogue
                pairs = zip(catalogue.article_ids, catalogue.article_sources, strict=True)
                doc_ids = [d for d, s in pairs if s == source]
            return self.speaker_index(corpus).listing(view, doc_ids, limit)

    def speaker_timeline(
        self, name: str, limit: int = 500, collection: str = DEFAULT
    ) -> SpeakerTimeline:
        """Every quote of the speakers ``name`` denotes ("Peskov": "Dmitry Peskov"), by
        date, with their roles and articles, and their quotes per week and publisher."""
        if not name.strip():
            raise QueryError("give a speaker's name")
        corpus = self.library.corpus(collection)
        with corpus.read() as view:
            return speaker_timeline(view, self.speaker_index(corpus), name.strip(), limit)

    def speaker_index(self, corpus: Corpus) -> SpeakerIndex:
        """The collection's speaker counts (cached beside its BM25 index)."""
        with self._lock:
            found = self._speakers.get(corpus.name)
            if found is None:
                found = SpeakerIndex(corpus.index.cache_dir, self.quotes_of)
                self._speakers[corpus.name] = found
            return found

    def stats(self, collection: str = DEFAULT) -> dict[str, int]:
        return self.library.corpus(collection).stats()
