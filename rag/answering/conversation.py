"""Follow-ups in a chat: turn the conversation into one standalone question for the core.

The core answers one question at a time, but in a chat people leave the speaker or the
topic implicit: "What did Peskov say?" then "When did he say that?" or "And what did
Putin say?". This stage reads the user's turns in order, keeps what a later turn may
refer back to (the last speaker asked about, that question's topic, the last question),
and fills it in. Rules only, no model: the rewritten question becomes the answer's
``question``, so a user always sees what was actually asked. Assistant turns are not
read: the context comes from what the user asked, never from text a client sends back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from rag.contract import Answer, ChatMessage, Citation
from rag.errors import QueryError
from rag.quotes import parse_speaker_question
from rag.text import said_on

MAX_TURNS = 20  # earlier user turns than this are not read for context

_LEAD = re.compile(r"^(?:and|but|also|so|ok(?:ay)?|then|well|now)\b[,\s]*", re.I)
_ABOUT = re.compile(r"^(?:what|how)\s+about\s+(?P<rest>.+)$", re.I)
_NAME_ONLY = re.compile(r"^(?:[A-Z][\w.’'\-]*)(?:\s+[A-Z][\w.’'\-]*){0,3}$")
_WHEN = re.compile(
    r"^when\s+(?:did|was|were|has|had|does|is)\s+(?P<who>.+?)"
    r"(?:\s+(?:say|said|tell|told|state|stated|make|made|write|wrote|comment|commented|"
    r"announce|announced|explain|explained)(?:\s+(?:it|that|this|those|these|so))?"
    r"(?:\s+(?:about|on|regarding)\s+(?P<topic>.+))?)?$",
    re.I,
)
_PRONOUN = re.compile(r"\b(?:he|she|him|they|them)\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:his|her|their)\b", re.I)
_ELSE = re.compile(r"\s+else\b", re.I)
_THAT = frozenset({"that", "this", "it", "so", "those", "these", "said"})


@dataclass(frozen=True)
class Standalone:
    """The question to ask the core, and whether the user asked *when*."""

    question: str
    speaker: str = ""  # "" unless it is a "What did X say?" question
    topic: str = ""
    asks_when: bool = False


@dataclass(frozen=True)
class Context:
    """What a later turn may refer back to."""

    speaker: str = ""  # the last person asked about
    topic: str = ""  # the topic of the last speaker question ("" when none)
    last: Standalone | None = None  # the previous turn, as it was asked


def standalone(messages: Sequence[ChatMessage]) -> Standalone:
    """The last user message as a standalone question, read in the light of earlier ones."""
    if not messages or messages[-1].role != "user":
        raise QueryError("the last message of the conversation must be the user's question")
    asked = [m.content for m in messages if m.role == "user"][-MAX_TURNS:]
    context = Context()
    for text in asked[:-1]:
        context = remember(resolve(text, context), context)
    return resolve(asked[-1], context)


def remember(turn: Standalone, context: Context) -> Context:
    """The context after a turn: a speaker question sets the speaker and its topic."""
    if turn.speaker:
        return Context(turn.speaker, turn.topic, turn)
    return Context(context.speaker, "", turn)


def resolve(text: str, context: Context) -> Standalone:
    """One user turn as a standalone question, given what came before it."""
    text = " ".join(text.split())
    rest = _LEAD.sub("", text).rstrip("?!. ")
    continued = rest != text.rstrip("?!. ")
    when = _WHEN.fullmatch("when was that" if rest.lower() == "when" else rest)
    if when:
        return _when(when, context) or Standalone(text)
    about = _ABOUT.fullmatch(rest)
    if about or (continued and _NAME_ONLY.fullmatch(rest)):
        found = _about(about.group("rest") if about else rest, context)
        if found:
            return found
    return _speaker_question(rest, context, continued) or Standalone(text)


def _when(match: re.Match[str], context: Context) -> Standalone | None:
    """'When did he say that?' -> the speaker's quotes, answered with their dates."""
    who = match.group("who").strip()
    topic = (match.group("topic") or "").strip()
    if who.lower() in _THAT:  # "When was that (said)?": the last question again
        return replace(context.last, asks_when=True) if context.last else None
    name = context.speaker if _PRONOUN.fullmatch(who) else who
    if not name or parse_speaker_question(f"What did {name} say") is None:
        return None
    return replace(_ask_speaker(name, topic or context.topic), asks_when=True)


def _about(rest: str, context: Context) -> Standalone | None:
    """'What about Putin?' swaps the speaker; 'What about cooperation?' the topic."""
    if not context.speaker:
        return None
    if _NAME_ONLY.fullmatch(rest):
        return _ask_speaker(rest, context.topic)
    return _ask_speaker(context.speaker, rest)


def _speaker_question(rest: str, context: Context, continued: bool) -> Standalone | None:
    """'What did he say about X?' -> 'What did Peskov say about X?'; 'And what did Putin
    say?' keeps the previous topic when there was one."""
    parsed = parse_speaker_question(rest)
    if parsed is None and context.speaker:
        name = context.speaker  # a function replacement: a name is text, not a regex template
        named = _POSSESSIVE.sub(lambda _: f"{name}’s", _PRONOUN.sub(lambda _: name, rest))
        parsed = parse_speaker_question(_ELSE.sub("", named))
    if parsed is None:
        return None
    topic = parsed.topic or (context.topic if continued else "")
    return _ask_speaker(parsed.name, topic)


def _ask_speaker(name: str, topic: str) -> Standalone:
    question = f"What did {name} say about {topic}?" if topic else f"What did {name} say?"
    return Standalone(question, name, topic)


def finish(answer: Answer, turn: Standalone) -> Answer:
    """For a *when* question, lead the answer with the dates of the cited articles."""
    if not turn.asks_when or not answer.citations:
        return answer
    note = date_note(answer.citations, turn.speaker)
    return answer.model_copy(update={"answer": f"{note} {answer.answer}"})


def date_note(citations: Sequence[Citation], speaker: str) -> str:
    """'Peskov said this on Tuesday 25 February 2025 [1]; in the article published on
    2025-02-25 [2] [3].' A day the passage names ("told reporters on Tuesday") is resolved
    against its article's publication date; the others get the publication date."""
    who = f"{speaker} said this" if speaker else "Reported"
    said: dict[date, list[int]] = {}
    rest: list[Citation] = []
    for citation in citations:
        day = _said_day(citation)
        if day is None:
            rest.append(citation)
        else:
            said.setdefault(day, []).append(citation.n)
    days = [f"on {d:%A} {d.day} {d:%B %Y} {_marks(ns)}" for d, ns in sorted(said.items())]
    if not rest:
        return f"{who} {_listed(days)}."
    published = _published_note(rest)
    return f"{who} {_listed(days)}; {published}." if days else f"{who} {published}."


def _said_day(citation: Citation) -> date | None:
    try:
        published = date.fromisoformat(citation.published_at)
    except ValueError:
        return None
    return said_on(citation.quote, published)


def _marks(numbers: Sequence[int]) -> str:
    return " ".join(f"[{n}]" for n in numbers)


def _listed(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _published_note(citations: Sequence[Citation]) -> str:
    by_date: dict[str, list[int]] = {}
    for citation in citations:
        by_date.setdefault(citation.published_at, []).append(citation.n)
    parts = [f"{day or 'an unknown date'} {_marks(ns)}" for day, ns in by_date.items()]
    articles = "the article" if len({c.doc_id for c in citations}) == 1 else "articles"
    return f"in {articles} published on {_listed(parts)}"
