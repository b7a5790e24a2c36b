"""Request bodies of the REST API, and the few responses that are the API's own.

Answers, citations, articles and ingest reports are the core's contract types
(:mod:`rag.contract`), used directly as response models. Requests forbid unknown fields,
so a misspelt option ("topk") is a 422 naming it rather than silently ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.contract import ChatMessage, Filters, Query

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

    def options(self) -> dict[str, object]:
        return {"top_k": self.top_k, "filters": self.filters, "as_of": self.as_of,
                "mode": self.mode}  # fmt: skip


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
