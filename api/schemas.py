"""Request and response bodies of the REST API (they document themselves at /docs).

Requests forbid unknown fields so a misspelt option ("topk") is a 422 naming it rather
than silently ignored. The answer schema mirrors ``rag.contract.answer_dict``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.conversation import ChatMessage
from rag.models import ArticleMeta, Filters
from rag.pipeline import IngestReport

EXAMPLE_QUESTION = "What did Peskov say?"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(_Request):
    source: str | None = Field(None, max_length=300, description="Only this publisher.")
    published_after: date | None = Field(None, description="Published on/after (YYYY-MM-DD).")
    published_before: date | None = Field(None, description="Published on/before (YYYY-MM-DD).")

    def to_filters(self) -> Filters:
        return Filters(
            self.source or None,
            self.published_after.isoformat() if self.published_after else None,
            self.published_before.isoformat() if self.published_before else None,
        )


class _Options(_Request):
    top_k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve.")
    filters: FiltersIn | None = None
    as_of: date | None = Field(
        None, description="Asked as of this day (YYYY-MM-DD): prefer articles of the days before."
    )

    def core_filters(self) -> Filters | None:
        return self.filters.to_filters() if self.filters else None


class AskIn(_Options):
    question: str = Field(description="The question.", examples=[EXAMPLE_QUESTION])


class MessageIn(_Request):
    role: Literal["user", "assistant", "system"]
    content: str


class ChatIn(_Options):
    messages: list[MessageIn] = Field(
        min_length=1,
        max_length=100,
        description="The conversation so far; the last message is the user's question.",
        examples=[
            [
                {"role": "user", "content": EXAMPLE_QUESTION},
                {"role": "assistant", "content": "..."},
                {"role": "user", "content": "When did he say that?"},
            ]
        ],
    )

    def chat_messages(self) -> list[ChatMessage]:
        return [ChatMessage(m.role, m.content) for m in self.messages]


class CitationOut(BaseModel):
    n: int
    doc_id: str
    chunk_id: str
    title: str
    source: str
    url: str
    published_at: str
    authors: list[str]
    quote: str = Field(description="Verbatim: the stored article's text[start:end].")
    start: int
    end: int
    score: float


class AnswerOut(BaseModel):
    """The answer contract of ``newsdesk ask --json``."""

    question: str = Field(description="The question answered (for chat: made standalone).")
    answer: str
    citations: list[CitationOut]
    mode: str
    timings_ms: dict[str, float]


class ArticleOut(BaseModel):
    doc_id: str
    title: str
    source: str
    published_at: str
    url: str
    authors: list[str]
    n_chunks: int
    origin: str

    @classmethod
    def of(cls, meta: ArticleMeta) -> ArticleOut:
        return cls(
            doc_id=meta.doc_id,
            title=meta.title,
            source=meta.source,
            published_at=meta.published_at,
            url=meta.url,
            authors=list(meta.authors),
            n_chunks=meta.n_chunks,
            origin=meta.origin,
        )


class ArticleTextOut(ArticleOut):
    text: str = Field(description="The stored original text citations point into.")


class ArticlePage(BaseModel):
    total: int
    offset: int
    limit: int
    articles: list[ArticleOut]


class FailureOut(BaseModel):
    origin: str
    message: str


class IngestOut(BaseModel):
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    failed: list[FailureOut]
    chunks_written: int

    @classmethod
    def of(cls, report: IngestReport) -> IngestOut:
        return cls(
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
            failed=[FailureOut(origin=f.origin, message=f.message) for f in report.failed],
            chunks_written=report.chunks_written,
        )


class Deleted(BaseModel):
    deleted: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    model: str
    articles: int
    chunks: int
