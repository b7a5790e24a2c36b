"""Request bodies of the REST API, and the few responses that are the API's own.

Answers, citations, articles and ingest reports are the core's contract types
(:mod:`rag.contract`), used directly as response models. Requests forbid unknown fields,
so a misspelt option ("topk") is a 422 naming it rather than silently ignored.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.contract import ChatMessage, Filters

EXAMPLE_QUESTION = "What did Peskov say?"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Options(_Request):
    top_k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve.")
    filters: Filters | None = None
    as_of: date | None = Field(
        None, description="Asked as of this day (YYYY-MM-DD): prefer articles of the days before."
    )


class AskIn(_Options):
    question: str = Field(description="The question.", examples=[EXAMPLE_QUESTION])


class ChatIn(_Options):
    messages: list[ChatMessage] = Field(
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
