"""The types every layer shares, defined once: the CLI's ``--json``, the REST API (as its
response models, so ``/docs`` documents them) and the UI all use these classes directly.

Spans (``start``/``end``) are always character offsets into the *stored article text*,
so ``article.text[start:end]`` is the verbatim passage a citation points at.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, computed_field

from rag.links import quote_link

__all__ = [
    "Answer",
    "Article",
    "ArticleInput",
    "ArticleMeta",
    "ArticlePage",
    "ChatMessage",
    "Citation",
    "ClaimCheck",
    "ClaimPart",
    "ClaimQuery",
    "CollectionCount",
    "Evidence",
    "Feedback",
    "FeedbackReason",
    "Filters",
    "Follow",
    "FollowedPassage",
    "IngestFailure",
    "IngestReport",
    "Kind",
    "Locations",
    "Mark",
    "Query",
    "SpeakerCount",
    "SpeakerList",
    "SpeakerQuote",
    "SpeakerTimeline",
    "Statement",
    "Verification",
    "Vote",
    "WeekCount",
    "WordChange",
]


Kind = Literal["article", "transcript"]
# (offset, label) pairs, sorted by offset: where each page ("p. 3") or cue ("00:01:23.500")
# of the stored text starts; a citation shows the label of the last one at or before it.
# (The schema says "pairs of an integer and a string" without prefixItems, which some
# OpenAPI tools cannot read.)
Locations = Annotated[
    tuple[tuple[int, str], ...],
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": ["integer", "string"]},
                "minItems": 2,
                "maxItems": 2,
            },
        }
    ),
]


@dataclass(frozen=True)
class ArticleInput:
    """An article as a loader produced it, before cleaning and chunking.

    ``unique_origin`` says that ``origin`` names this article alone (a file holding one
    article): without an id or URL, it is then identified by where it came from; an item
    of a feed, a posted JSON body or a pasted text is identified by its text instead.
    ``kind`` "transcript": lines ``SPEAKER: words`` say who speaks (``rag.quotes``);
    ``locations``: pages or cue times of the text (see ``Locations``).
    """

    text: str
    title: str = ""
    source: str = ""
    published_at: str = ""  # normalised "YYYY-MM-DD", or "" when unknown
    url: str = ""
    authors: tuple[str, ...] = ()
    updated_at: str = ""  # "YYYY-MM-DD" of the last revision, when the source says so
    doc_id: str = ""  # "" means: derive a stable id (see rag.search.ids)
    origin: str = ""  # where it came from ("path/file.jsonl:12"), for messages
    unique_origin: bool = False
    kind: Kind = "article"
    locations: Locations = ()


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Filters(_Record):
    """Restrictions a question may carry; dates are inclusive."""

    source: str | None = Field(None, max_length=300, description="Only this publisher.")
    published_after: date | None = Field(None, description="Published on/after (YYYY-MM-DD).")
    published_before: date | None = Field(None, description="Published on/before (YYYY-MM-DD).")
    undated: bool = Field(
        False,
        description="With a date range: also articles whose date is unknown (a question's "
        "own 'in 2013' cannot rule out an article that has no date).",
    )
    exclude: tuple[str, ...] = Field(
        (), max_length=10_000, description="Leave these articles (doc ids) out."
    )

    def is_empty(self) -> bool:
        dated = self.published_after or self.published_before
        return not (self.source or dated or self.exclude)


class ChatMessage(_Record):
    """One turn of a chat, as a client sends it."""

    role: Literal["user", "assistant", "system"]
    content: str


class Query(_Record):
    """A question as every edge hands it to the core: built once (CLI, REST, /v1, MCP, UI),
    checked once, in the core, against the ``query`` settings, so the same bad input gets
    the same error everywhere."""

    question: str = Field(description="The question; in a chat, the user's last message.")
    conversation: tuple[ChatMessage, ...] = Field(
        (),
        description="The chat before the question, oldest first (empty: a single question). "
        "Follow-ups borrow the speaker or topic asked about before.",
    )
    top_k: int | None = Field(
        None, description="Passages to retrieve, 1 to query.max_top_k (default retrieval.top_k)."
    )
    filters: Filters | None = None
    as_of: date | None = Field(
        None, description="Asked as of this day (YYYY-MM-DD): prefer articles of the days before."
    )
    mode: str | None = Field(
        None, description="extractive, or llm where a model is configured (default answer.mode)."
    )
    collections: tuple[str, ...] = Field(
        (), description="The collections to search (default: the 'default' collection)."
    )

    @classmethod
    def of_chat(cls, messages: Sequence[ChatMessage], **options: object) -> Query:
        """The user's last message is the question, the ones before it the conversation. A
        chat that does not end with the user's message has no question (the core says so)."""
        if messages and messages[-1].role == "user":
            question, before = messages[-1].content, tuple(messages[:-1])
        else:
            question, before = "", tuple(messages)
        return cls.model_validate({"question": question, "conversation": before, **options})


class IngestFailure(_Record):
    """One input that could not be loaded; the batch goes on without it."""

    origin: str = Field(description="File path, with ':LINE' when one line of a file failed.")
    message: str


class IngestReport(BaseModel):
    """What one ingest run did, article by article (ids)."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: list[IngestFailure] = Field(default_factory=list)
    chunks_written: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed "
            f"({self.chunks_written} chunks written)"
        )

    def merged(self, other: IngestReport) -> IngestReport:
        """One report for two runs made one after the other."""
        return IngestReport(
            added=self.added + other.added,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            failed=self.failed + other.failed,
            chunks_written=self.chunks_written + other.chunks_written,
        )


class ArticleMeta(_Record):
    """What the store keeps about an article besides its text."""

    doc_id: str
    collection: str = Field("default", description="The collection the article belongs to.")
    title: str = ""
    source: str = ""
    published_at: str = Field("", description="YYYY-MM-DD, or empty when unknown.")
    updated_at: str = Field(
        "", description="YYYY-MM-DD of the last revision (feeds, revised pages), or empty."
    )
    url: str = ""
    authors: tuple[str, ...] = ()
    content_hash: str = Field("", description="Changes when the article or its chunking does.")
    n_chunks: int = 0
    origin: str = Field(
        "",
        description="Where it was ingested from: a file name (with ':LINE' for a line of a "
        "JSONL file), 'upload/NAME', or 'api'. Over HTTP, never a server path.",
    )

    copies: tuple[str, ...] = Field(
        (), description="Ids of the other articles of the same story (its wire copies)."
    )
    copy_of: str = Field("", description="The story's canonical article, when this is a copy.")
    kind: Kind = Field(
        "article",
        description="'transcript': a speech transcript (.srt/.vtt), one 'SPEAKER: words' "
        "line per turn; else 'article'.",
    )

    def public(self) -> Self:
        """This record as shown to remote clients: a file path is cut to the file's name
        (with its ':LINE'), so the server's folders never leave it."""
        return self.model_copy(update={"origin": public_origin(self.origin)})


def public_origin(origin: str) -> str:
    """``/srv/news/feed.jsonl:12`` -> ``feed.jsonl:12``; names and URLs stay as they are."""
    if "://" in origin or not (origin.startswith(("/", "~")) or origin[1:3] in (":\\", ":/")):
        return origin
    return origin.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


class Article(ArticleMeta):
    """An article as stored: its metadata and the original text citations point into."""

    text: str = Field(description="The stored original text citations point into.")
    locations: Locations = Field(
        (),
        description="[offset, label] pairs, by offset: where each page ('p. 3') or "
        "transcript cue ('00:01:23.500') of the text starts; empty for most articles.",
    )

    @property
    def meta(self) -> ArticleMeta:
        return ArticleMeta.model_validate(self.model_dump(exclude={"text", "locations"}))

    def location_at(self, offset: int) -> str:
        """The label of the last location at or before ``offset`` ("" when none)."""
        at = bisect.bisect_right(self.locations, offset, key=lambda pair: pair[0])
        return self.locations[at - 1][1] if at else ""


class ArticlePage(_Record):
    """One page of the stored articles."""

    total: int
    offset: int
    limit: int
    articles: list[ArticleMeta]


class SourceCount(_Record):
    """A publisher in the archive."""

    source: str = Field(description="The publisher's name as its articles give it.")
    articles: int = Field(description="Its articles stored.")


class CollectionCount(_Record):
    """A collection: a desk's own archive (``newsdesk collections``, ``GET
    /api/collections``)."""

    name: str
    articles: int = Field(0, description="Articles stored in it.")
    chunks: int = Field(0, description="Passages (chunks) stored in it.")


class SpeakerCount(_Record):
    """A person quoted in the archive."""

    name: str = Field(description="The fullest form of the name the articles give.")
    quotes: int = Field(description="Attributed quotes (direct and reported speech).")
    articles: int = Field(description="Articles quoting them.")


class SpeakerList(_Record):
    """Speakers of some articles, most quoted first."""

    speakers: list[SpeakerCount]
    articles_read: int = Field(description="How many articles were looked at.")


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


class DateWindow(_Record):
    """The days a question's own words name ("last week"), resolved against its as-of day."""

    start: date
    end: date
    phrase: str = Field(description="The words of the question that name it.")
    strict: bool = Field(
        description="True: nothing published outside it is cited; false ('recently'): "
        "articles inside it are preferred."
    )
    label: str = Field(description="How answers show it: 'Articles of 17–23 Feb 2025'.")


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


ClaimVerdict = Literal["supported", "contradicted", "mixed", "not_found"]
QuoteVerdict = Literal["exact", "altered", "misattributed", "not_found"]
PartKind = Literal["name", "number", "date", "quoted"]


class ClaimQuery(_Record):
    """A claim or a quote to check, as every edge hands it to the core (checked there
    against the ``query`` limits, like a question)."""

    claim: str = Field("", description="A claim to check ('China extracted 270,000 tons ...').")
    quote: str = Field(
        "",
        description="Or a quote to check, with or without its speaker ('Peskov said: “The "
        "Americans need rare earth metals.”'). Quotation marks, ellipses, case and "
        "whitespace may differ from the article; words may not.",
    )
    speaker: str = Field("", description="Who the quote is attributed to (quotes only).")
    top_k: int | None = Field(
        None, description="Articles to read, 1 to query.max_top_k (default claims.top_k)."
    )
    filters: Filters | None = None
    as_of: date | None = Field(
        None, description="Checked as of this day (YYYY-MM-DD): prefer articles of the days before."
    )
    mode: str | None = Field(
        None,
        description="extractive (rules), or llm where a model is configured: the model "
        "judges the claim and its verdict is checked against the passages it cites.",
    )
    collections: tuple[str, ...] = Field(
        (), description="The collections to search (default: the 'default' collection)."
    )

    @property
    def kind(self) -> Literal["claim", "quote"]:
        return "quote" if self.quote.strip() else "claim"

    @property
    def text(self) -> str:
        return self.quote if self.kind == "quote" else self.claim


class ClaimPart(_Record):
    """A checkable part of a claim: what a passage must hold, word for word, to support it."""

    kind: PartKind
    text: str = Field(description="As the claim writes it ('15,000 tons').")
    value: str = Field(description="Its normal form ('15000 ton', '2025-02-25', 'peskov').")


class Mark(_Record):
    """A marked span of an evidence passage: offsets into the stored article text."""

    start: int
    end: int
    text: str = Field(description="article_text[start:end], verbatim.")
    kind: Literal["name", "number", "date", "quoted", "changed", "added"] = Field(
        description="A claim part found (name, number, date, quoted), or, in a quote, "
        "stored words that differ from the given ones (changed) or that it lacks (added)."
    )
    claimed: str = Field("", description="What the claim or quote says there instead.")


class WordChange(_Record):
    """One step of a word-level diff from the given quote to the stored words."""

    op: Literal["same", "changed", "added", "removed", "elided"] = Field(
        description="same; changed (given -> stored); added (stored words the quote lacks); "
        "removed (given words the article lacks); elided (left out with an ellipsis)."
    )
    given: str = Field("", description="The words as given.")
    stored: str = Field("", description="The words as stored (verbatim).")


class Evidence(_Record):
    """One passage bearing on a claim or a quote, cited verbatim, with what is marked."""

    citation: Citation
    stance: Literal["supports", "differs", "exact", "altered", "misattributed", "unattributed"]
    speaker: str = Field("", description="Quotes: who the article says spoke these words.")
    marks: tuple[Mark, ...] = Field((), description="What is marked in the passage.")
    diff: tuple[WordChange, ...] = Field((), description="Quotes: given vs stored words.")
    note: str = Field("", description="What differs, in words ('claim: 15,000 tons; article: "
                      "1,500 tons').")  # fmt: skip


class ClaimCheck(BaseModel):
    """The check of a claim or a quote (``newsdesk check-claim``, ``/api/claims``, MCP,
    the UI's Claims tab): a verdict given only on explicit evidence, and the evidence."""

    kind: Literal["claim", "quote"]
    text: str = Field(description="The claim, or the quote's words, as checked.")
    speaker: str = Field("", description="Quotes: the speaker it was given to, if any.")
    verdict: ClaimVerdict | None = Field(
        None, description="Claims: supported, contradicted, mixed or not_found."
    )
    quote_check: QuoteVerdict | None = Field(
        None, description="Quotes: exact, altered, misattributed or not_found."
    )
    summary: str = Field(description="The verdict in one or two sentences, with [n] markers.")
    parts: list[ClaimPart] = Field(
        default_factory=list, description="Claims: the checkable parts found in it."
    )
    evidence: list[Evidence] = Field(default_factory=list)
    mode: str = "extractive"
    judged_by: Literal["rules", "llm"] = Field(
        "rules",
        description="Who gave the verdict: the rules, or (llm) a model whose verdict "
        "held up against the passages it cited.",
    )
    statements: list[Statement] = Field(
        default_factory=list, description="LLM mode: the model's reasons, each checked."
    )
    notice: str = Field("", description="Why the check is not what the mode would give.")
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @computed_field(description="Whether any passage bears on it.")  # type: ignore[prop-decorator]
    @property
    def found(self) -> bool:
        return bool(self.evidence)


class FeedStatus(_Record):
    """How following one feed goes (``newsdesk feeds``, ``GET /api/feeds``)."""

    url: str
    name: str = ""
    collection: str = Field("default", description="The collection its articles go to.")
    last_poll: str = Field("", description="When it was last polled (UTC, ISO 8601).")
    last_ok: str = Field("", description="When a poll last succeeded.")
    last_error: str = Field("", description="Why the last poll failed; empty when it did not.")
    failures: int = Field(0, description="Failed polls in a row (the retry backs off).")
    next_poll: str = Field("", description="When it is polled next.")
    entries_seen: int = Field(0, description="Entries stored so far.")


class Follow(_Record):
    """A followed question: every new or changed article of its collection is checked
    against it, and the passages that answer it are recorded (``newsdesk follow``,
    ``POST /api/follows``; its Atom feed: ``GET /feeds/follows/{id}.atom``)."""

    id: str = Field(description="The follow's id (its feed's name).")
    question: str
    collection: str = Field("default", description="Only this collection's articles count.")
    webhook: str = Field("", description="An http(s) URL each new passage is POSTed to.")
    created: str = Field(description="When it was made (UTC, ISO 8601).")
    passages: int = Field(0, description="Passages recorded so far.")
    last_found: str = Field("", description="When the last passage was recorded.")
    webhook_error: str = Field(
        "", description="Why the last webhook delivery failed for good; empty when none did."
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="Its Atom feed's path on the server (any feed reader can subscribe)."
    )
    @property
    def feed(self) -> str:
        where = "" if self.collection == "default" else f"?collection={self.collection}"
        return f"/feeds/follows/{self.id}.atom{where}"


class FollowedPassage(_Record):
    """A passage that answers a followed question, from a new or changed article."""

    id: str = Field(description="Stable: the follow, the article and the quoted words.")
    follow_id: str
    question: str
    found_at: str = Field(description="When it was recorded (UTC, ISO 8601).")
    citation: Citation = Field(description="The passage: quote, article, publisher, date, link.")


class SpeakerQuote(_Record):
    """One attributed quote: who, in what role, the verbatim words and where they stand."""

    speaker: str = Field(description="The speaker, in the fullest form the article gives.")
    roles: tuple[str, ...] = Field(
        (), description="Roles the article gives the speaker ('Kremlin spokesman'), as written."
    )
    kind: str = Field(description="'direct' (inside quotation marks) or 'reported' speech.")
    quote: str = Field(description="Verbatim: the stored article's text[start:end].")
    start: int
    end: int
    doc_id: str
    collection: str = "default"
    title: str
    source: str
    published_at: str = Field("", description="YYYY-MM-DD, or empty when unknown.")
    url: str = ""
    link: str = Field("", description="The article's URL opening on the quote (see Citation).")
    location: str = Field("", description="A page or transcript time, when the text has them.")


class WeekCount(_Record):
    """Quotes of one publisher in one week (ISO weeks, Monday to Sunday)."""

    week: str = Field(description="The ISO week, '2025-W09'.")
    monday: date = Field(description="The week's first day.")
    source: str = Field(description="The publisher ('' when the article names none).")
    quotes: int


class SpeakerTimeline(_Record):
    """Everything one speaker is quoted saying, by date (``GET /api/speakers/{name}``)."""

    name: str = Field(description="The name asked for ('Peskov').")
    speakers: list[str] = Field(description="The speakers it matched ('Dmitry Peskov').")
    total: int = Field(description="Their attributed quotes in the collection.")
    quotes: list[SpeakerQuote] = Field(
        description="Oldest first, undated ones last; at most the limit asked for."
    )
    weeks: list[WeekCount] = Field(description="Quotes per week and publisher, by week.")
    articles_read: int = Field(description="How many articles were looked at.")


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
