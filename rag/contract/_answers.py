"""An answer and its citations, the one shape every edge shows (``ask --json``,
``/api/ask``, the UI): verbatim quotes cut from the stored text, the check of a written
(LLM) answer, and the feedback a reader gives on an answer."""

from __future__ import annotations

import hashlib
import re
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from rag.contract._articles import Article
from rag.contract._asking import DateWindow
from rag.contract._record import _Record
from rag.links import quote_link


class Citation(_Record):
    """One cited passage: ``quote == article_text[start:end]``, always."""

    n: int = Field(description="The marker [n] in the answer text.")
    doc_id: str
    collection: str = Field("default", description="The collection of the cited article.")
    chunk_id: str = Field(description="The stored chunk that holds the passage's start.")
    title: str
    source: str
    url: str
    published_at: str
    updated_at: str = Field("", description="The article's last revision, when known.")
    also_in: tuple[str, ...] = Field(
        (),
        description="The other copies of this story (wire copies), each named 'Title "
        "(Publisher)', else by its title or publisher alone, else its file's name.",
    )
    authors: tuple[str, ...]
    quote: str = Field(description="Verbatim: the stored article's text[start:end].")
    start: int
    end: int
    score: float = Field(description="Rank score of the passage among the candidates.")
    support: float = Field(
        description="How much of the question the passage covers (0-1): the share of the "
        "question's key-term weight found in it and its sentence's neighbours."
    )
    location: str = Field(
        "",
        description="Where in the document it starts: a page ('p. 3') or a transcript "
        "time ('00:01:23.500'); empty when the article has no pages or times.",
    )
    link: str = Field(
        "",
        description="The article's URL opening on the quote (a text fragment, "
        "'#:~:text=...', highlighted by browsers that support it); empty without a URL.",
    )

    @classmethod
    def of(
        cls, article: Article, n: int, chunk_id: str, span: tuple[int, int], score: float,
        support: float,
    ) -> Citation:  # fmt: skip
        """The citation of ``article.text[start:end]``: the quote is always cut from the
        stored text here, so no caller can cite words the article does not hold."""
        start, end = span
        return cls(
            n=n, doc_id=article.doc_id, collection=article.collection, chunk_id=chunk_id,
            title=article.title,
            source=article.source, url=article.url, published_at=article.published_at,
            updated_at=article.updated_at, authors=article.authors,
            quote=article.text[start:end], start=start, end=end,
            score=round(score, 4), support=round(min(support, 1.0), 4),
            location=article.location_at(start),
            link=quote_link(article.url, article.text, span, article.title),
        )  # fmt: skip

    def dates(self) -> str:
        """The publication date, and the revision date when the article was updated since."""
        published, updated = self.published_at, self.updated_at
        if updated and updated != published:
            return f"{published}, updated {updated}" if published else f"updated {updated}"
        return published


class Statement(_Record):
    """One sentence of a written (LLM) answer, as verified against the passages it cites."""

    text: str = Field(description="The sentence as shown, with its [n] markers.")
    cites: tuple[int, ...] = Field(description="The citation numbers it rests on.")
    supported: bool = Field(
        description="Its numbers, names and quoted words are all in the cited passages."
    )


class Verification(_Record):
    """What checking a written answer against its passages changed."""

    kept: int = Field(description="Sentences found supported.")
    flagged: int = Field(description="Unsupported sentences kept, marked supported=false.")
    dropped: int = Field(description="Unsupported sentences removed (llm.unsupported: drop).")
    markers_fixed: int = Field(description="Markers removed (no such passage) or added.")
    quotes_fixed: int = Field(description="Quotations replaced by the verbatim span or removed.")
    tidied: int = Field(
        0, description="Repeated or cut-off sentences removed from the draft before checking."
    )


# An extractive answer is "passage [1] passage [2] ...": a piece ends after a marker
# (and an optional stop) that is followed by more text rather than by another marker.
_PIECE_END = re.compile(r"\[\d+\][.;:]?\s+(?=[^\[\s])")


class Answer(BaseModel):
    """The answer contract of ``newsdesk ask --json``, ``/api/ask`` and the UI."""

    question: str = Field(description="The question answered (for chat: made standalone).")
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    mode: str = "extractive"
    timings_ms: dict[str, float] = Field(default_factory=dict)
    statements: list[Statement] = Field(
        default_factory=list, description="LLM mode: each written sentence and its check."
    )
    verification: Verification | None = Field(
        None, description="LLM mode: what verification changed."
    )
    notice: str = Field("", description="Why the answer is not what the mode would give.")
    window: DateWindow | None = Field(
        None, description="The days the question names ('last month'), if it names any."
    )

    @computed_field(description="Whether anything was found: false means no citations.")  # type: ignore[prop-decorator]
    @property
    def found(self) -> bool:
        return bool(self.citations)

    @computed_field(  # type: ignore[prop-decorator]
        description="This answer's id, which feedback names (POST /api/feedback): a hash of "
        "the question, the answer text and the cited spans, so the same answer has the same "
        "id wherever it is shown."
    )
    @property
    def id(self) -> str:
        cited = [(c.collection, c.doc_id, c.start, c.end) for c in self.citations]
        key = repr((self.question, self.answer, self.mode, cited)).encode("utf-8")
        return hashlib.sha256(key).hexdigest()[:16]

    def pieces(self) -> list[str]:
        """The answer cut into its cited sentences, for streaming; ``"".join`` gives it back."""
        text = self.answer
        cuts = [m.end() for m in _PIECE_END.finditer(text)]
        bounds = [0, *cuts, len(text)]
        return [text[a:b] for a, b in pairwise(bounds) if b > a]


Vote = Literal["up", "down"]
FeedbackReason = Literal[
    "wrong_quote", "wrong_speaker", "wrong_date", "not_an_answer", "should_be_nothing_found"
]


class Feedback(_Record):
    """A reader's verdict on an answer, stored with the answer it is about."""

    id: str = Field(description="The feedback record's id.")
    at: str = Field(description="When it was given (UTC, ISO 8601).")
    answer_id: str = Field(description="The answer's id (Answer.id).")
    vote: Vote
    reason: FeedbackReason | None = Field(
        None,
        description="What was wrong (a down vote): wrong_quote, wrong_speaker, wrong_date, "
        "not_an_answer, should_be_nothing_found.",
    )
    note: str = Field("", max_length=2000, description="Anything else the reader said.")
    collection: str = Field("default", description="The collection the question was asked of.")
    answer: Answer = Field(description="The answer as it was shown.")
