"""The extractive answerer: answers made only of sentences and quotes from the articles.

No LLM is needed and nothing is invented: every cited passage is verbatim text of a
stored article, followed by its marker. What a question asks decides the path:
- "What did X say?" cites X's attributed quotes, never anyone else's (``speaking``);
- "Who said ...?" cites the quote holding those words and names its speaker;
- "Who wrote about ...?" names the authors of the article about it;
- any other question cites the sentences that hold what is asked (``facts``).
When nothing answers, the answer says so and cites nothing: a wrong citation is worse
than none.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial

from rag.answering.analysis import Asked, analyse, names_of
from rag.answering.composed import Composed
from rag.answering.facts import Passage, Sentence, Supported, acronyms, supported
from rag.answering.grounds import ChunkLocator, Grounds
from rag.answering.kinds import Wanted
from rag.answering.ranking import Candidate, choose, rankable
from rag.answering.reading import Bounded, CloseReader
from rag.answering.speaking import (
    byline_article,
    parse_byline,
    speaker_passages,
    support_of,
    who_said,
)
from rag.config import AnswerSettings
from rag.contract import Article, Citation
from rag.embedding import Embedder
from rag.quotes import (
    Quote,
    SpeakerQuestion,
    find_quotes,
    parse_speaker_question,
    parse_who_said,
    transcript_quotes,
)
from rag.search import Hit
from rag.text import EntityTagger, kept_regions, sentence_spans, terms

_WORD = re.compile(r"[\w’']+(?:-[\w’']+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # as the term tokenizer reads numbers
NOTHING_FOUND = "Nothing found: no passage in the indexed articles answers this question."


class ExtractiveAnswerer:
    """Composes an answer from passages; the grounds' ``idf`` weighs question terms. The
    embedder and the entity tagger read the shortlisted sentences closely (without them,
    sentences are ranked by their words alone and no kind of answer is checked)."""

    def __init__(
        self,
        settings: AnswerSettings,
        embedder: Embedder | None = None,
        tagger: EntityTagger | None = None,
    ) -> None:
        self.settings = settings
        # a signal weighted 0 is not computed (the similarity costs most of an answer's time)
        weights = settings.weights
        kinds_used = weights.kind > 0 or settings.refuse_without_kind
        self.reader = CloseReader(
            embedder if weights.similarity > 0 else None, tagger if kinds_used else None
        )
        self._quotes: Bounded[tuple[str, str], list[Quote]] = Bounded(512)
        self._sentences: Bounded[tuple[str | int, ...], list[Sentence]] = Bounded(256)

    def answer(
        self,
        question: str,
        grounds: Grounds,
        on_token: Callable[[str], None] | None = None,
        on_sources: Callable[[Sequence[Citation]], None] | None = None,
    ) -> Composed:
        """The answer text (with [n] markers) and its citations, in marker order; the
        citations go to ``on_sources`` as well (nothing is generated, so ``on_token`` is
        never called)."""
        composed = self._answer(question, grounds)
        if on_sources is not None:
            on_sources(composed.citations)
        return composed

    def _answer(self, question: str, grounds: Grounds) -> Composed:
        order, articles, locate = grounds.order(), grounds.articles, grounds.locate
        speaker = parse_speaker_question(question)
        if speaker is not None:
            return _attributed(self._speaker(speaker, order, articles, locate))
        words = parse_who_said(question)
        if words is not None:
            return _attributed(self._who_said(words, grounds.idf, order, articles, locate))
        byline = parse_byline(question)
        if byline is not None:
            return _attributed(self._byline(question, *byline, grounds, order))
        asked, candidates = self.read(question, grounds)
        passages = choose(asked, candidates, self.settings)
        return compose(passages, articles, locate) if passages else Composed(NOTHING_FOUND, [])

    def read(
        self, question: str, grounds: Grounds, *, every: bool = False
    ) -> tuple[Asked, list[Candidate]]:
        """The question taken apart and its shortlisted sentences, read closely: each one's
        similarity to the question only when the ranking may choose it, or ``every`` one's
        (public for calibration: ``bench.ranking`` re-scores these under other rules)."""
        asked = analyse(question, grounds.idf)
        if self.reader.tagger is None:
            asked = replace(asked, wants=Wanted())  # no tagger: no kind can be checked
        sentences = self._candidates(grounds.hits, grounds.order(), grounds.articles)
        found = [
            f for f in supported(asked, sentences, self.settings.min_support) if _fits(asked, f)
        ]
        choosable = None if every else partial(rankable, asked, settings=self.settings)
        shortlist = found[: self.settings.shortlist]
        return asked, self.reader.candidates(question, asked, shortlist, choosable)

    # --- who said what ---------------------------------------------------------------------

    def _speaker(
        self,
        speaker: SpeakerQuestion,
        order: Sequence[str],
        articles: Mapping[str, Article],
        locate: ChunkLocator,
    ) -> Composed:
        limit = self.settings.max_quotes
        passages = speaker_passages(speaker, order, articles, self.quotes_of, limit)
        if not passages:
            return Composed(_no_quotes(speaker), [])
        return compose(passages, articles, locate)

    def _who_said(
        self,
        words: str,
        idf: Callable[[str], float],
        order: Sequence[str],
        articles: Mapping[str, Article],
        locate: ChunkLocator,
    ) -> Composed:
        said = who_said(words, idf, order, articles, self.quotes_of, self.settings.min_support)
        if said is None:
            return Composed(NOTHING_FOUND, [])
        composed = compose([said.passage], articles, locate)
        return Composed(f"{said.speaker}: {composed.text}", composed.citations)

    def _byline(
        self, question: str, topic: str, source: str, grounds: Grounds, order: Sequence[str]
    ) -> Composed:
        articles, locate = grounds.articles, grounds.locate
        article = byline_article(topic, source, order, articles)
        if article is None:
            return Composed(NOTHING_FOUND, [])
        asked = analyse(topic or question, grounds.idf)
        sentences = self._sentences_of(article, 0)
        best = max(sentences, key=lambda s: support_of(asked, s.text), default=None)
        if best is None:
            return Composed(NOTHING_FOUND, [])
        passage = Passage(article.doc_id, best.start, best.end, 1.0, support_of(asked, best.text))
        composed = compose([passage], articles, locate)
        by = ", ".join(article.authors)
        where = f" for {article.source}" if article.source else ""
        text = f"{by} wrote “{article.title}”{where} ({article.published_at}): {composed.text}"
        return Composed(text, composed.citations)

    def quotes_of(self, article: Article) -> list[Quote]:
        """Attributed quotes of an article's kept (non-boilerplate) text, cached; in a
        transcript, its speakers' turns."""
        key = (article.doc_id, article.content_hash)
        found = self._quotes.get(key)
        if found is None:
            regions = kept_regions(article.text)
            find = transcript_quotes if article.kind == "transcript" else find_quotes
            found = [q for q in find(article.text) if _inside(q.start, q.end, regions)]
            self._quotes.put(key, found)
        return found

    # --- facts -----------------------------------------------------------------------------

    def _candidates(
        self, hits: Sequence[Hit], order: Sequence[str], articles: Mapping[str, Article]
    ) -> list[Sentence]:
        """Sentences to consider: all of the first ``read_top_articles`` articles of
        ``order`` (an answer often sits a paragraph away from the passage that matched),
        then those of every retrieved passage (only its paragraphs are split: reading
        every retrieved article whole was most of an answer's time)."""
        rank = {doc_id: i for i, doc_id in enumerate(order)}
        whole = set(order[: self.settings.read_top_articles])
        seen: dict[tuple[str, int], Sentence] = {}
        for doc_id in whole:
            for s in self._sentences_of(articles[doc_id], rank[doc_id]):
                seen[(doc_id, s.start)] = s
        for hit in hits:
            doc_id, start, end = hit.chunk.doc_id, hit.chunk.start, hit.chunk.end
            if doc_id in articles and doc_id not in whole:
                for s in self._sentences_of(articles[doc_id], rank[doc_id], (start, end)):
                    if s.start < end and s.end > start:
                        seen[(doc_id, s.start)] = s
        return list(seen.values())

    def _sentences_of(
        self, article: Article, rank: int, within: tuple[int, int] | None = None
    ) -> list[Sentence]:
        """An article's sentences with their terms and context (only those of the
        paragraphs overlapping ``within``, when given), cached per article version."""
        key = (article.doc_id, article.content_hash, *(within or ()))
        found = self._sentences.get(key)
        if found is None:
            found = _read(article, within)
            self._sentences.put(key, found)
        return [_ranked(s, rank) for s in found]


def _read(article: Article, within: tuple[int, int] | None = None) -> list[Sentence]:
    """Sentences of the article's kept paragraphs (those overlapping ``within``, when
    given), each knowing its paragraph's terms, its article's words and numbers, and the
    sentence after it (across paragraphs too: a list item, or the answer after a
    question-like lead). Paragraphs outside ``within`` are not split nor stemmed: only
    their words and numbers count (what a question's names are looked up in)."""
    title = frozenset(terms(article.title))
    regions = kept_regions(article.text)
    rows: list[tuple[int, int, frozenset[str], frozenset[str]]] = []
    for start, end in regions:
        if within is not None and not (start < within[1] and within[0] < end):
            continue
        spans = sentence_spans(article.text, start, end)
        own = [frozenset(terms(article.text[s:e])) for s, e in spans]
        context = title.union(*own)  # a paragraph's sentences hold all its terms
        rows += [(s, e, words, context) for (s, e), words in zip(spans, own, strict=True)]
    kept = "\n".join([article.title, *(article.text[s:e] for s, e in regions)])
    numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(kept))
    written = {m.group() for m in _WORD.finditer(kept)}  # each word once: articles repeat them
    names = frozenset({names_of(w).lower() for w in written} | acronyms(kept))
    following: Sentence | None = None
    out: list[Sentence] = []
    for index in range(len(rows) - 1, -1, -1):
        s, e, own_terms, context = rows[index]
        text = article.text[s:e]
        following = Sentence(
            article.doc_id, s, e, text, own_terms, context, numbers, names, 0, following, index
        )
        out.append(following)
    return out[::-1]


def _fits(asked: Asked, found: Supported) -> bool:
    """Is the sentence about the question's year, and does it (or the next) say who won
    when that is asked? (:mod:`rag.answering.fitting`)"""
    after = found.sentence.next
    return asked.fits(found.sentence.text, after.text if after is not None else "")


def _attributed(composed: Composed) -> Composed:
    """An answer resting on attribution (a speaker's quotes, who said, a byline)."""
    return replace(composed, attributed=True)


def _ranked(sentence: Sentence, rank: int) -> Sentence:
    return sentence if sentence.rank == rank else replace(sentence, rank=rank)


def _inside(start: int, end: int, regions: Sequence[tuple[int, int]]) -> bool:
    """Does the passage start in article text (not in a dropped boilerplate line)?"""
    return any(r_start <= start < r_end for r_start, r_end in regions)


def _no_quotes(speaker: SpeakerQuestion) -> str:
    about = f" about {speaker.topic}" if speaker.topic else ""
    who = f"the {speaker.name}" if speaker.role else speaker.name
    return f"Nothing found: no quotes by {who}{about} in the indexed articles."


def compose(
    passages: Sequence[Passage], articles: Mapping[str, Article], locate: ChunkLocator
) -> Composed:
    """The answer text, each passage followed by its marker, and the citations."""
    parts: list[str] = []
    citations: list[Citation] = []
    for n, passage in enumerate(passages, start=1):
        article = articles[passage.doc_id]
        chunk_id = locate(article.doc_id, passage.start)
        span = (passage.start, passage.end)
        citation = Citation.of(article, n, chunk_id, span, passage.score, passage.support)
        parts.append(f"{' '.join(citation.quote.split())} [{n}]")
        citations.append(citation)
    return Composed(" ".join(parts), citations)
