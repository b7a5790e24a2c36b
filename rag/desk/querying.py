"""A question's limits, checked once, in the core: every edge (CLI, REST, /v1, MCP, the
UI) hands over a :class:`rag.contract.Query` and gets the same error for the same bad
input, worded here."""

from __future__ import annotations

from collections.abc import Collection

from rag.config import QuerySettings
from rag.contract import Query
from rag.corpus import collection_name
from rag.errors import QueryError


def checked(query: Query, limits: QuerySettings, modes: Collection[str]) -> Query:
    """The query with its question's whitespace folded; QueryError naming what is wrong."""
    question = " ".join(query.question.split())
    if not question:
        raise QueryError(
            "the chat must end with the user's question"
            if query.conversation
            else "the question is empty"
        )
    if len(question) > limits.max_question_chars:
        raise QueryError(
            f"the question has {len(question)} characters; the limit is {limits.max_question_chars}"
        )
    if query.top_k is not None and not 1 <= query.top_k <= limits.max_top_k:
        raise QueryError(f"top_k must be between 1 and {limits.max_top_k}; got {query.top_k}")
    _check_conversation(query, limits)
    for name in query.collections:
        collection_name(name)
    if len(query.collections) > limits.max_collections:
        raise QueryError(
            f"the question names {len(query.collections)} collections; "
            f"the limit is {limits.max_collections}"
        )
    if query.mode is not None and query.mode not in modes:
        raise QueryError(f"no '{query.mode}' answers here: {', '.join(sorted(modes))}")
    return query.model_copy(update={"question": question})


def _check_conversation(query: Query, limits: QuerySettings) -> None:
    turns = len(query.conversation) + 1
    if turns > limits.max_messages:
        raise QueryError(f"the chat has {turns} messages; the limit is {limits.max_messages}")
    size = sum(len(m.content) for m in query.conversation) + len(query.question)
    if size > limits.max_conversation_chars:
        raise QueryError(
            f"the chat has {size} characters; the limit is {limits.max_conversation_chars}"
        )
