"""The extractive answerer: answers made only of sentences and quotes from the articles.

No LLM is needed and nothing is invented: every sentence of the answer is a verbatim
passage of a stored article, followed by its citation marker. Two paths:
- speaker questions ("What did X say?") cite X's attributed quotes and reported speech,
  never anyone else's (attribution lives in ``rag.quotes``);
- other questions cite the retrieved sentences that carry most of the question's key
  terms (weighted by IDF); a question no sentence covers well gets a plain "not found".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rag.config import AnswerSettings
from rag.contract import Article, Citation
from rag.quotes import (
    Quote,
    SpeakerQuestion,
    find_quotes,
    parse_speaker_question,
    speaker_matches,
)
from rag.search import Hit
from rag.text import kept_regions, sentence_spans, terms

_T = TypeVar("_T")
NOTHING_FOUND = "No passage in the indexed articles answers this question."
_NUMERIC_Q = re.compile(r"\b(how (many|much|long|old|far)|what (number|percentage|share))\b", re.I)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Passage:
    """A candidate passage to cite: a span of one article and how well it answers."""

    doc_id: str
    start: int
    end: int
    score: float
    support: float = 1.0  # share of the question's key-term weight the passage covers


ChunkLocator = Callable[[str, int], str]  # (doc_id, offset) -> chunk_id


class ExtractiveAnswerer:
    """Composes an answer from passages; ``idf`` weighs question terms by rarity."""

    def __init__(self, settings: AnswerSettings, idf: Callable[[str], float]) -> None:
        self.settings = settings
        self.idf = idf
        self._quotes: dict[tuple[str, int], list[Quote]] = {}
        # per article: its sentence spans, and the terms of those read so far (by start)
        self._sentences: dict[
            tuple[str, int], tuple[list[tuple[int, int]], dict[int, frozenset[str]]]
        ] = {}

    def answer(
        self,
        question: str,
        hits: Sequence[Hit],
        articles: Mapping[str, Article],
        locate: ChunkLocator,
    ) -> tuple[str, list[Citation]]:
        """The answer text (with [n] markers) and its citations, in marker order."""
        speaker = parse_speaker_question(question)
        if speaker is not None:
            passages = self._speaker_passages(speaker, hits, articles)
            if not passages:
                return _no_quotes(speaker), []
        else:
            passages = self._sentence_passages(question, hits, articles)
            if not passages:
                return NOTHING_FOUND, []
        return _compose(passages, articles, locate)

    # --- speaker questions -----------------------------------------------------------------

    def _speaker_passages(
        self, speaker: SpeakerQuestion, hits: Sequence[Hit], articles: Mapping[str, Article]
    ) -> list[Passage]:
        passages: list[Passage] = []
        topic = set(terms(speaker.topic))
        for rank, doc_id in enumerate(dict.fromkeys(h.chunk.doc_id for h in hits)):
            article = articles.get(doc_id)
            if article is None:
                continue
            for quote in self.quotes_of(article):
                if not speaker_matches(quote.speaker, speaker.name):
                    continue
                text = article.text[quote.start : quote.end]
                if topic and not topic & set(terms(text)):
                    continue
                passages.append(Passage(doc_id, quote.start, quote.end, 1.0 / (rank + 1)))
        return passages[: self.settings.max_quotes]

    def quotes_of(self, article: Article) -> list[Quote]:
        """Attributed quotes of an article's kept (non-boilerplate) text, cached."""
        key = (article.doc_id, hash(article.content_hash))
        if key not in self._quotes:
            regions = kept_regions(article.text)
            self._quotes[key] = [
                q for q in find_quotes(article.text) if _inside(q.start, q.end, regions)
            ]
            _trim_cache(self._quotes)
        return self._quotes[key]

    # --- other questions -------------------------------------------------------------------

    def _sentence_passages(
        self, question: str, hits: Sequence[Hit], articles: Mapping[str, Article]
    ) -> list[Passage]:
        weights = {t: self.idf(t) for t in set(terms(question))}
        total = sum(weights.values())
        if total <= 0:
            return []
        numeric = bool(_NUMERIC_Q.search(question))
        scored: dict[tuple[str, int], Passage] = {}
        for doc_id, span_start, span_end, rank in self._spans(hits, articles):
            article = articles[doc_id]
            for start, end, words in self._sentences_in(article, span_start, span_end):
                sentence = article.text[start:end]
                covered = sum(weights.get(t, 0.0) for t in words) / total
                if covered < self.settings.min_coverage:
                    continue
                bonus = 0.05 / (1 + rank) + (0.1 if numeric and _DIGIT.search(sentence) else 0)
                passage = Passage(doc_id, start, end, covered + bonus, covered)
                key = (passage.doc_id, start)
                if key not in scored or scored[key].score < passage.score:
                    scored[key] = passage
        ranked = sorted(scored.values(), key=lambda p: -p.score)
        return ranked[: self.settings.max_sentences]

    def _spans(
        self, hits: Sequence[Hit], articles: Mapping[str, Article]
    ) -> list[tuple[str, int, int, int]]:
        """Where to look for sentences, as (doc_id, start, end, rank): the whole text of the
        first ``read_top_articles`` articles (an answer often sits a paragraph away from the
        passage that matched the question), then every retrieved passage."""
        top = list(dict.fromkeys(h.chunk.doc_id for h in hits))[: self.settings.read_top_articles]
        whole = [(d, 0, len(articles[d].text), i) for i, d in enumerate(top) if d in articles]
        passages = [
            (h.chunk.doc_id, h.chunk.start, h.chunk.end, h.rank)
            for h in hits
            if h.chunk.doc_id in articles
        ]
        return whole + passages

    def _sentences_in(
        self, article: Article, start: int, end: int
    ) -> list[tuple[int, int, frozenset[str]]]:
        """Sentences overlapping [start, end) with their terms. Spans are cached per article
        and terms per sentence, computed only when first needed: the best article is read
        whole, the others only where they matched."""
        key = (article.doc_id, hash(article.content_hash))
        if key not in self._sentences:
            spans = [
                span
                for region in kept_regions(article.text)
                for span in sentence_spans(article.text, *region)
            ]
            self._sentences[key] = (spans, {})
            _trim_cache(self._sentences)
        spans, known = self._sentences[key]
        out = []
        for s, e in spans:
            if s < end and e > start:
                if s not in known:
                    known[s] = frozenset(terms(article.text[s:e]))
                out.append((s, e, known[s]))
        return out


def _inside(start: int, end: int, regions: Sequence[tuple[int, int]]) -> bool:
    """Does the passage start in article text (not in a dropped boilerplate line)?"""
    return any(r_start <= start < r_end for r_start, r_end in regions)


def _trim_cache(cache: dict[tuple[str, int], _T], limit: int = 512) -> None:
    while len(cache) > limit:
        cache.pop(next(iter(cache)))


def _no_quotes(speaker: SpeakerQuestion) -> str:
    about = f" about {speaker.topic}" if speaker.topic else ""
    return f"No quotes by {speaker.name}{about} were found in the indexed articles."


def _compose(
    passages: Sequence[Passage], articles: Mapping[str, Article], locate: ChunkLocator
) -> tuple[str, list[Citation]]:
    parts: list[str] = []
    citations: list[Citation] = []
    for n, passage in enumerate(passages, start=1):
        article = articles[passage.doc_id]
        quote = article.text[passage.start : passage.end]
        parts.append(f"{' '.join(quote.split())} [{n}]")
        citations.append(
            Citation(
                n=n,
                doc_id=article.doc_id,
                chunk_id=locate(article.doc_id, passage.start),
                title=article.title,
                source=article.source,
                url=article.url,
                published_at=article.published_at,
                authors=article.authors,
                quote=quote,
                start=passage.start,
                end=passage.end,
                score=round(passage.score, 4),
                support=round(passage.support, 4),
            )
        )
    return " ".join(parts), citations
