"""Answering a question from given articles only: does this new article answer a followed
question, and with which passages?

Each article is answered on its own, as if it were the only one retrieved: the whole
article is read (every sentence a candidate) and the extractive answerer decides as it
does for any question (a speaker's quotes, who said some words, the sentences that hold
what is asked), with the same "nothing found" rule, so nothing that would not answer the
question when asked is ever recorded. The term weights are the collection's, read in the
same view as the articles. No language model runs: a passage is verbatim or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rag.answering import Grounds
from rag.contract import Answer, Article
from rag.corpus import Corpus
from rag.desk.answerer import Answerer
from rag.desk.locating import locator
from rag.desk.timing import Planned, plan
from rag.search import Chunk, Hit
from rag.text import date_to_ordinal

PAGE = 64  # articles read from the store at once


def answers_in(
    corpus: Corpus,
    answerer: Answerer,
    questions: Sequence[str],
    doc_ids: Sequence[str],
    today: date | None = None,
) -> list[list[Answer]]:
    """Per question, one answer for each of the articles that answers it by itself (in
    ``doc_ids`` order); unknown ids are skipped. A question naming days ("this week") is
    answered only by articles of those days (or undated ones), as of ``today``."""
    planned = [plan(q, None, today) for q in questions]
    out: list[list[Answer]] = [[] for _ in questions]
    for lo in range(0, len(doc_ids), PAGE):
        with corpus.read() as view:
            articles = view.articles(list(doc_ids[lo : lo + PAGE]))
            catalogue, idf = view.catalogue, view.idf

        def chunks(chunk_ids: list[str]) -> list[Chunk]:
            with corpus.read() as again:
                return again.chunks(chunk_ids)

        locate = locator([], catalogue, chunks)  # chunk ids are read only for a citation
        for doc_id in doc_ids[lo : lo + PAGE]:
            article = articles.get(doc_id)
            if article is None:
                continue
            grounds = Grounds([_whole(article)], {doc_id: article}, locate, idf)
            for i, p in enumerate(planned):
                if _in_window(p, article):
                    composed = answerer.answer(p.searched, grounds)
                    if composed.citations:
                        out[i].append(
                            Answer(question=questions[i], answer=composed.text,
                                   citations=composed.citations, window=p.window)
                        )  # fmt: skip
    return out


def _whole(article: Article) -> Hit:
    """The whole article as the one passage retrieved, so every sentence is read."""
    return Hit(Chunk("", article.doc_id, 0, article.text, 0, len(article.text)), 1.0, 0)


def _in_window(planned: Planned, article: Article) -> bool:
    window = planned.window
    if window is None or not window.strict or not article.published_at:
        return True
    day = date_to_ordinal(article.published_at)
    return window.start.toordinal() <= day <= window.end.toordinal()
