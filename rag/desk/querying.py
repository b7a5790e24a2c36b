"""A question's limits, checked once, in the core: every edge (CLI, REST, /v1, MCP, the
UI) hands over a :class:`rag.contract.Query` and gets the same error for the same bad
input, worded here."""

from __future__ import annotations

from collections.abc import Collection

from rag.config import QuerySettings
from rag.contract import ClaimQuery, Query
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
    _check_text(question, "question", limits)
    _check_top_k(query.top_k, limits)
    _check_conversation(query, limits)
    _check_collections(query.collections, "question", limits)
    _check_mode(query.mode, modes)
    return query.model_copy(update={"question": question})


def checked_claim(query: ClaimQuery, limits: QuerySettings, modes: Collection[str]) -> ClaimQuery:
    """A claim or a quote (not both), whitespace folded, within the question's limits."""
    claim, quote = " ".join(query.claim.split()), " ".join(query.quote.split())
    speaker = " ".join(query.speaker.split())
    if claim and quote:
        raise QueryError("give a claim or a quote to check, not both")
    if not claim and not quote:
        raise QueryError("the claim is empty" if not speaker else "the quote is empty")
    if speaker and not quote:
        raise QueryError("a speaker goes with a quote, not with a claim")
    _check_text(claim or quote, query.kind, limits)
    if len(speaker) > 200:
        raise QueryError(f"the speaker has {len(speaker)} characters; the limit is 200")
    _check_top_k(query.top_k, limits)
    _check_collections(query.collections, query.kind, limits)
    _check_mode(query.mode, modes)
    return query.model_copy(update={"claim": claim, "quote": quote, "speaker": speaker})


def _check_text(text: str, what: str, limits: QuerySettings) -> None:
    if len(text) > limits.max_question_chars:
        raise QueryError(
            f"the {what} has {len(text)} characters; the limit is {limits.max_question_chars}"
        )


def _check_top_k(top_k: int | None, limits: QuerySettings) -> None:
    if top_k is not None and not 1 <= top_k <= limits.max_top_k:
        raise QueryError(f"top_k must be between 1 and {limits.max_top_k}; got {top_k}")


def _check_collections(names: tuple[str, ...], what: str, limits: QuerySettings) -> None:
    for name in names:
        collection_name(name)
    if len(names) > limits.max_collections:
        raise QueryError(
            f"the {what} names {len(names)} collections; the limit is {limits.max_collections}"
        )


def _check_mode(mode: str | None, modes: Collection[str]) -> None:
    if mode is not None and mode not in modes:
        raise QueryError(f"no '{mode}' answers here: {', '.join(sorted(modes))}")


def _check_conversation(query: Query, limits: QuerySettings) -> None:
    turns = len(query.conversation) + 1
    if turns > limits.max_messages:
        raise QueryError(f"the chat has {turns} messages; the limit is {limits.max_messages}")
    size = sum(len(m.content) for m in query.conversation) + len(query.question)
    if size > limits.max_conversation_chars:
        raise QueryError(
            f"the chat has {size} characters; the limit is {limits.max_conversation_chars}"
        )
