"""Request bodies of the REST API, and the few responses that are the API's own.

Answers, citations, articles and ingest reports are the core's contract types
(:mod:`rag.contract`), used directly as response models. Requests forbid unknown fields,
so a misspelt option ("topk") is a 422 naming it rather than silently ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.contract import Answer, ChatMessage, ClaimQuery, FeedbackReason, Filters, Query, Vote
from rag.errors import QueryError

EXAMPLE_QUESTION = "What did Peskov say?"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Options(_Request):
    top_k: int | None = Field(
        None,
        description="Passages to retrieve: 1 to query.max_top_k (50 unless configured); "
        "the core checks it, as it does for every edge.",
    )
    filters: Filters | None = None
    as_of: date | None = Field(
        None, description="Asked as of this day (YYYY-MM-DD): prefer articles of the days before."
    )
    mode: Literal["extractive", "llm"] | None = Field(
        None,
        description="How to answer: extractive (cited sentences) or llm (written by the "
        "configured language model, every sentence checked); default answer.mode.",
    )
    collection: str | None = Field(
        None,
        max_length=100,
        description="The collection to search (default: the key's first collection, else "
        "'default').",
    )
    collections: list[str] | None = Field(
        None,
        max_length=100,
        description="Several collections to search at once (with `collection`, both count); "
        "each must be one the key may read.",
    )

    def options(self) -> dict[str, object]:
        return {"top_k": self.top_k, "filters": self.filters, "as_of": self.as_of,
                "mode": self.mode}  # fmt: skip

    def named(self) -> list[str]:
        """The collections the request names (none: the caller's default)."""
        return [*([self.collection] if self.collection else []), *(self.collections or [])]


class AskIn(_Options):
    question: str = Field(description="The question.", examples=[EXAMPLE_QUESTION])

    def query(self) -> Query:
        return Query(question=self.question, **self.options())  # type: ignore[arg-type]


class ChatIn(_Options):
    messages: list[ChatMessage] = Field(
        min_length=1,
        description="The conversation so far; the last message is the user's question "
        "(query.max_messages at most).",
        examples=[
            [
                {"role": "user", "content": EXAMPLE_QUESTION},
                {"role": "assistant", "content": "..."},
                {"role": "user", "content": "When did he say that?"},
            ]
        ],
    )

    def query(self) -> Query:
        return Query.of_chat(self.messages, **self.options())


class ClaimIn(_Options):
    """A claim to check, or a quote (with its speaker, if known): one of the two."""

    claim: str = Field(
        "",
        description="A claim: its names, numbers with units, dates and quoted words are "
        "looked for, verbatim, in one passage about the same subject.",
        examples=["In August, Beijing announced that it extracted 270,000 tons of rare earths."],
    )
    quote: str = Field(
        "",
        description="Or a quote, with or without 'X said:'. Quotation marks, ellipses, case "
        "and whitespace may differ from the article; words may not.",
        examples=["The Americans need rare earth metals. We have a lot of them."],
    )
    speaker: str = Field("", description="Who the quote is attributed to.", examples=["Peskov"])

    def query(self) -> ClaimQuery:
        return ClaimQuery(claim=self.claim, quote=self.quote, speaker=self.speaker,
                          **self.options())  # type: ignore[arg-type]  # fmt: skip


class Deleted(BaseModel):
    deleted: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    model: str
    device: str = Field(
        description="Where the embedding model runs: cpu, cuda, mps (embedding.device), or "
        "remote (embedding.backend openai)."
    )
    articles: int
    chunks: int
    process: int = Field(
        0, description="The id of the process that answered (one of `serve --workers N`'s)."
    )


class FollowIn(_Request):
    question: str = Field(
        description="The question to follow.",
        examples=["What did Peskov say about rare earths?"],
    )
    collection: str | None = Field(
        None,
        max_length=100,
        description="The collection whose new articles count (default: the key's first "
        "collection, else 'default').",
    )
    webhook: str = Field(
        "",
        description="An http(s) URL each new passage is POSTed to as JSON (retried with "
        "backoff; never an internal address unless ingest.allow_hosts names it).",
    )


class FeedbackIn(_Request):
    answer_id: str | None = Field(
        None, description="The answer's id (Answer.id) of an answer this server gave lately."
    )
    answer: dict[str, Any] | None = Field(
        None,
        description="The answer itself, as received from /api/ask (an Answer object; needed "
        "when the server no longer remembers its id, e.g. after a restart).",
    )
    vote: Vote = Field(description="up or down.")
    reason: FeedbackReason | None = Field(
        None,
        description="With a down vote: wrong_quote, wrong_speaker, wrong_date, "
        "not_an_answer or should_be_nothing_found.",
    )
    note: str = Field("", max_length=2000, description="Anything else to say.")
    collection: str | None = Field(
        None,
        max_length=100,
        description="The collection the question was asked of (default: the key's first "
        "collection, else 'default').",
    )

    def the_answer(self) -> Answer | None:
        """The answer sent, read as the contract (QueryError saying what does not fit)."""
        if self.answer is None:
            return None
        try:
            return Answer.model_validate(self.answer)
        except ValidationError as exc:
            raise QueryError(f"answer: not an answer ({exc.errors()[0]['msg']})") from None
