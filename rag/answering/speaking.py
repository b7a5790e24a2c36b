"""Answers about who said what: a speaker's quotes, the speaker of some words, an author.

- "What did X say (about Y)?": X's attributed quotes, never anyone else's. X may be a role
  ("the Kremlin spokesman"), resolved per article to the speaker it names with that role.
  A topic narrows the quotes to those whose words, or paragraph, or the paragraph before,
  mention it; when none does but the article is about it, all of X's quotes there answer.
- "Who said ...?": the attributed quote that holds most of those words, with its speaker.
- "Who wrote about ...?": the byline of the article that is about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rag.answering.analysis import Asked, analyse
from rag.answering.facts import Passage, covered_terms
from rag.contract import Article
from rag.quotes import Quote, SpeakerQuestion, speaker_matches, speakers_with_role
from rag.text import terms

QuotesOf = Callable[[Article], list[Quote]]
_BYLINE = re.compile(
    r"who\s+(?:wrote|writes|authored|reported)\s+(?:(?:the|this|that)\s+(?:article|story|"
    r"piece|report)\s*)?(?:(?:about|on)\s+(?P<topic>.+?))?(?:\s+(?:for|in)\s+(?P<source>.+))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Said:
    """A who-said answer: the passage and the speaker it is attributed to."""

    passage: Passage
    speaker: str


def speaker_passages(
    asked: SpeakerQuestion,
    order: Sequence[str],
    articles: Mapping[str, Article],
    quotes_of: QuotesOf,
    limit: int,
) -> list[Passage]:
    """X's quotes in the retrieved articles (in their order), narrowed to the topic."""
    topic = frozenset(terms(asked.topic))
    passages: list[Passage] = []
    for rank, doc_id in enumerate(order):
        article = articles.get(doc_id)
        if article is None:
            continue
        quotes = [q for q in quotes_of(article) if _is_speaker(article, q, asked, quotes_of)]
        if topic:
            quotes = _on_topic(article, quotes, topic)
        passages += [Passage(doc_id, q.start, q.end, 1.0 / (rank + 1), 1.0) for q in quotes]
    return passages[:limit]


def _is_speaker(
    article: Article, quote: Quote, asked: SpeakerQuestion, quotes_of: QuotesOf
) -> bool:
    if not asked.role:
        return speaker_matches(quote.speaker, asked.name)
    speakers = {q.speaker for q in quotes_of(article)}
    return quote.speaker in speakers_with_role(article.text, sorted(speakers), asked.name)


def _on_topic(article: Article, quotes: list[Quote], topic: frozenset[str]) -> list[Quote]:
    """The quotes whose own words mention the topic; else those whose paragraphs (or the
    one before) do; else all of them when the article is about the topic; else none."""
    own = [q for q in quotes if _mentions(topic, article.text[q.start : q.end])]
    if own:
        return own
    near = [q for q in quotes if _mentions(topic, _surroundings(article.text, q))]
    if near:
        return near
    return quotes if topic <= set(terms(article.title + "\n" + article.text)) else []


def _mentions(topic: frozenset[str], text: str) -> bool:
    """At least half of the topic's terms are in the text."""
    return 2 * len(topic & set(terms(text))) >= len(topic)


def _surroundings(text: str, quote: Quote) -> str:
    """The quote's paragraph and the one before it."""
    para_start = text.rfind("\n", 0, quote.start) + 1
    previous = text.rfind("\n", 0, max(para_start - 1, 0))
    while previous > 0 and not text[previous + 1 : para_start].strip():
        previous = text.rfind("\n", 0, previous)
    para_end = text.find("\n", quote.end)
    return text[max(previous, 0) : len(text) if para_end < 0 else para_end]


def who_said(
    words: str,
    idf: Callable[[str], float],
    order: Sequence[str],
    articles: Mapping[str, Article],
    quotes_of: QuotesOf,
    min_support: float,
) -> Said | None:
    """The attributed quote that holds most of ``words`` (at least ``min_support``)."""
    asked = analyse(words, idf)
    best: Said | None = None
    for rank, doc_id in enumerate(order):
        article = articles.get(doc_id)
        for quote in quotes_of(article) if article else []:
            said = frozenset(terms(article.text[quote.start : quote.end])) if article else None
            support = asked.support(covered_terms(asked, said or frozenset()))
            score = support + 0.05 / (1 + rank)
            if support >= min_support and (best is None or score > best.passage.score):
                passage = Passage(doc_id, quote.start, quote.end, score, support)
                best = Said(passage, quote.speaker)
    return best


def parse_byline(question: str) -> tuple[str, str] | None:
    """'Who wrote about the deal for Breitbart?' -> ('the deal', 'Breitbart'); else None."""
    m = _BYLINE.fullmatch(" ".join(question.split()).rstrip("?!. "))
    if m is None or not (m.group("topic") or m.group("source")):
        return None
    return (m.group("topic") or "").strip(), (m.group("source") or "").strip()


def byline_article(
    topic: str, source: str, order: Sequence[str], articles: Mapping[str, Article]
) -> Article | None:
    """The first retrieved article with authors, of that publisher, about that topic."""
    wanted = frozenset(terms(topic))
    for doc_id in order:
        article = articles.get(doc_id)
        if article is None or not article.authors:
            continue
        if source and not set(terms(source)) <= set(terms(article.source)):
            continue
        if wanted <= set(terms(article.title + "\n" + article.text)):
            return article
    return None


def support_of(asked: Asked, text: str) -> float:
    """How much of the question a passage's own words cover."""
    return asked.support(covered_terms(asked, frozenset(terms(text))))
