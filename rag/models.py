"""Typed records passed between the stages of Newsdesk.

Spans (``start``/``end``) are always character offsets into the *stored article text*,
so ``article.text[start:end]`` is the verbatim passage a citation points at.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ArticleInput:
    """An article as a loader produced it, before cleaning and chunking."""

    text: str
    title: str = ""
    source: str = ""
    published_at: str = ""  # normalised "YYYY-MM-DD", or "" when unknown
    url: str = ""
    authors: tuple[str, ...] = ()
    doc_id: str = ""  # "" means: derive a stable id (see rag.ids)
    origin: str = ""  # where it came from ("path/file.jsonl:12"), for messages


@dataclass(frozen=True)
class IngestFailure:
    """One input that could not be loaded; the batch goes on without it."""

    origin: str  # file path, with ":LINE" when the problem is one line of a file
    message: str


@dataclass(frozen=True)
class Quote:
    """A passage of an article attributed to a speaker.

    ``start``/``end`` cover the cited passage (the quotation with its attribution
    clause, or the reported-speech sentence); ``speaker`` is the fullest form of the
    name found in the article ("Dmitry Peskov" even where the text says "he").
    """

    speaker: str
    start: int
    end: int
    kind: str  # "direct" (inside quotation marks) or "reported" ("X said that ...")


@dataclass(frozen=True)
class ArticleMeta:
    """What the store keeps about an article besides its text."""

    doc_id: str
    title: str = ""
    source: str = ""
    published_at: str = ""
    url: str = ""
    authors: tuple[str, ...] = ()
    content_hash: str = ""
    n_chunks: int = 0
    origin: str = ""


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: metadata plus the original text citations point into."""

    meta: ArticleMeta
    text: str


@dataclass(frozen=True)
class Chunk:
    """A stored chunk: cleaned text for search, and its span in the original article."""

    chunk_id: str
    doc_id: str
    seq: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Filters:
    """Restrictions a question may carry; dates are inclusive "YYYY-MM-DD"."""

    source: str | None = None
    published_after: str | None = None
    published_before: str | None = None

    def is_empty(self) -> bool:
        return not (self.source or self.published_after or self.published_before)


@dataclass(frozen=True)
class Hit:
    """A chunk retrieved for a question, with its fused score and rank."""

    chunk: Chunk
    score: float
    rank: int


@dataclass(frozen=True)
class Citation:
    """One cited passage: ``quote == article_text[start:end]``, always."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    source: str
    url: str
    published_at: str
    authors: tuple[str, ...]
    quote: str
    start: int
    end: int
    score: float


@dataclass
class Answer:
    """The answer contract shared by the CLI (--json), REST and the UI."""

    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    mode: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
