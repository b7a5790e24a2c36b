"""Asking the questions and scoring each answer against the gold.

Everything goes through the desk's public methods, so what is scored is what the product
runs (the question's date window, one article per wire story, the corpus's read view).
Metrics are article-level on the ranked passages of ``Newsdesk.search``: a question's
``rank`` is the 1-based rank of the first passage of a gold article. Answer hit: a gold
answer string (case-insensitive) appears in the answer text or its cited quotes. With
``negatives``, each answerable question is asked again with its gold articles, and every
article holding one of its accepted answers, left out of retrieval: the right result is
then "nothing found" (RGB's negative-rejection test). A citation *holds the answer* when
its quote contains a gold string, and *part of it* when it holds at least half of the
terms of one (at least one): the grounds of citation recall and precision.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from rag.contract import Answer, Citation, Filters, Query
from rag.corpus import DEFAULT
from rag.desk import Newsdesk
from rag.text import terms
from services.evaluation.question_sets import Question


@dataclass(frozen=True)
class QuestionResult:
    """What happened to one question (``rank`` is 1-based; None when no gold chunk came)."""

    id: str
    rank: int | None
    answer_hit: bool
    answer_in_top5: bool
    answer_in_top_article: bool
    refused: bool
    citations: int
    valid_citations: int
    latency_ms: float
    unanswerable: bool = False
    negative_refused: bool | None = None  # None: not asked without its answers
    has_gold: bool = True  # False: no gold articles given, so no rank to count
    cited_answer: bool = False  # a citation's quote holds a gold answer
    citations_with_part: int = 0  # citations whose quote holds part of a gold answer
    answer_ms: float = 0.0  # the answer stage of the ask (timings_ms.answer)


def evaluate(
    desk: Newsdesk,
    questions: Sequence[Question],
    depth: int = 10,
    use_as_of: bool = True,
    negatives: bool = False,
    collection: str = DEFAULT,
) -> list[QuestionResult]:
    """Ask every question of one collection (warm: one untimed question first) and score
    it."""
    if questions:
        desk.ask(Query(question=questions[0].query, collections=(collection,)))
    holders = answer_holders(desk, questions, collection) if negatives else {}
    return [_score(desk, q, depth, use_as_of, holders.get(q.id), collection) for q in questions]


def _score(
    desk: Newsdesk,
    question: Question,
    depth: int,
    use_as_of: bool,
    exclude: frozenset[str] | None,
    collection: str,
) -> QuestionResult:
    as_of = question.as_of if use_as_of else None
    asked = Query(question=question.query, as_of=as_of, collections=(collection,))
    started = time.perf_counter()
    answer = desk.ask(asked)
    latency = (time.perf_counter() - started) * 1000
    passages = desk.search(asked.model_copy(update={"top_k": depth}))
    gold = question.gold_doc_ids
    rank = next((i + 1 for i, p in enumerate(passages) if p.doc_id in gold), None)
    top = desk.get_articles([passages[0].doc_id], collection) if passages else {}
    negative = None
    if exclude is not None:
        without = Filters(exclude=tuple(sorted(exclude)))
        negative = not desk.ask(asked.model_copy(update={"filters": without})).found
    return QuestionResult(
        id=question.id,
        rank=rank,
        answer_hit=answer_hit(answer, question.answers),
        answer_in_top5=text_hit([p.quote for p in passages[:5]], question.answers),
        answer_in_top_article=text_hit([a.text for a in top.values()], question.answers),
        refused=not answer.found,
        citations=len(answer.citations),
        valid_citations=_valid_citations(desk, answer, collection),
        latency_ms=round(latency, 2),
        unanswerable=question.unanswerable,
        negative_refused=negative,
        has_gold=bool(question.gold_doc_ids),
        cited_answer=text_hit([c.quote for c in answer.citations], question.answers),
        citations_with_part=sum(holds_part(c, question.answers) for c in answer.citations),
        answer_ms=float(answer.timings_ms.get("answer", 0.0)),
    )


def answer_holders(
    desk: Newsdesk, questions: Sequence[Question], collection: str = DEFAULT
) -> dict[str, frozenset[str]]:
    """Per answerable question: its gold articles and every article holding an answer."""
    asked = [q for q in questions if not q.unanswerable and q.answers]
    found: dict[str, set[str]] = {q.id: set(q.gold_doc_ids) for q in asked}
    golds = {q.id: [_fold(a) for a in q.answers] for q in asked}
    for article in desk.iter_articles(collection=collection):
        folded = _fold(article.text)
        for qid, answers in golds.items():
            if any(a in folded for a in answers):
                found[qid].add(article.doc_id)
    return {qid: frozenset(ids) for qid, ids in found.items()}


_QUOTE_MARKS = str.maketrans("", "", "\"“”„«»'‘’")


def _fold(text: str) -> str:
    """Case, spacing and quotation marks aside: the gold “Sesame Street” is the answer in
    “Sesame Street,” (a comma inside the marks) and "Presidents' Day" in “Presidents’ Day”."""
    return " ".join(text.translate(_QUOTE_MARKS).split()).lower()


def answer_hit(answer: Answer, golds: Sequence[str]) -> bool:
    """Does a gold string appear in the answer or its quotes (a refusal never hits)?"""
    texts = [answer.answer, *(c.quote for c in answer.citations)] if answer.found else []
    return text_hit(texts, golds)


def text_hit(texts: Sequence[str], golds: Sequence[str]) -> bool:
    """Does a gold string appear in one of the texts (case, spacing and quotation marks
    aside)?"""
    haystack = "\n".join(_fold(t) for t in texts)
    return any(_fold(g) in haystack for g in golds if g.strip())


def holds_part(citation: Citation, golds: Sequence[str]) -> bool:
    """Does the quote hold a gold answer, or at least half of one's terms?"""
    if text_hit([citation.quote], golds):
        return True
    quoted = set(terms(citation.quote))
    for gold in golds:
        wanted = set(terms(gold))
        if wanted and 2 * len(wanted & quoted) >= len(wanted):
            return True
    return False


def _valid_citations(desk: Newsdesk, answer: Answer, collection: str) -> int:
    if not answer.citations:
        return 0
    articles = desk.get_articles([c.doc_id for c in answer.citations], collection)
    return sum(
        1
        for c in answer.citations
        if c.doc_id in articles and articles[c.doc_id].text[c.start : c.end] == c.quote
    )
