"""A question as every edge hands it to the core (the question, its chat, its filters),
and the days a question's own words name: the input side of asking, kept apart from
the answers so each edge builds the same :class:`Query`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import Field

from rag.contract._record import _Record


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
