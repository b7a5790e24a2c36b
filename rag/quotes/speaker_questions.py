"""Speaker questions: is this question asking what someone said, and who is that someone?

Kept apart from attribution (:mod:`rag.quotes`): this side reads the user's question,
that side reads the article; they meet only in :func:`speaker_matches`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.quotes.names import fold
from rag.quotes.roles import is_role
from rag.quotes.words import NOT_NAME_WORDS, PRONOUNS


def speaker_matches(speaker: str, name: str) -> bool:
    """Does the question's name ("Peskov", "Dmitry Peskov", "peskov", "Emmanuel Macron")
    denote this speaker? Match on the surname (last token) or full name, case-insensitive;
    "Angela Merkel" does not match "Macron", nor "Donald Trump" "Melania Trump"."""
    said, asked = fold(speaker), fold(name)
    if not said or not asked or said[-1] != asked[-1]:
        return False
    if len(said) == 1 or len(asked) == 1 or said == asked:
        return True
    return said[0] == asked[0] or (len(asked[0]) == 1 and said[0].startswith(asked[0]))


@dataclass(frozen=True)
class SpeakerQuestion:
    """A question asking for what one person said, optionally about a topic. ``role``: the
    name is a role ("Ukraine's justice minister"), to resolve in each article."""

    name: str
    topic: str  # "" when none
    role: bool = False


_NAME = r"(?P<name>[^\W\d_][\w.’'\-]*(?:\s+[^\W\d_][\w.’'\-]*){0,3}?)"
_TOPIC = r"(?:\s+(?:about|on|regarding|concerning|over|to|of)\s+(?P<topic>.+?))?"
_SAY = (
    r"(?:say|said|says|saying|tell|told|telling|think|thought|claim|claimed|write|wrote|"
    r"written|announce|announced|state|stated|comment|commented|respond|responded|mean|meant)"
)
_LISTENER = r"(?:\s+(?:to\s+)?(?:the\s+)?(?:reporters|journalists|press|media|him|her|them|us))?"
_QUESTIONS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"what\s+(?:did|does|do|has|have|had|is|was)\s+{_NAME}\s+(?:(?:have|had)\s+to\s+)?"
        rf"{_SAY}{_LISTENER}{_TOPIC}",
        rf"what\s+{_NAME}\s+(?:said|says|told\s+reporters){_TOPIC}",
        rf"(?:what\s+(?:is|was|were|are)\s+)?{_NAME}(?:’s|'s)\s+(?:reaction|response|comments?|"
        rf"remarks?|statements?|quotes?|position|views?|stance|take|words|answer|message){_TOPIC}",
        rf"(?:(?:show|give|list|find)\s+(?:me\s+)?)?(?:all\s+|any\s+)?(?:the\s+)?(?:quotes?|"
        rf"quotations?|statements?|comments?|remarks?|words)\s+(?:from|by|of)\s+{_NAME}{_TOPIC}",
        rf"how\s+(?:did|has|does|do)\s+{_NAME}\s+(?:react|respond|reply|comment){_TOPIC}",
        rf"(?:did|has|does)\s+{_NAME}\s+(?:say|said|comment|tell)\s+anything{_TOPIC}",
    )
]
_ARTICLES = frozenset({"the", "a", "an"})
_NOT_NAMES = (
    NOT_NAME_WORDS | PRONOUNS | set("people officials experts critics reporters it".split())
)


def parse_speaker_question(question: str) -> SpeakerQuestion | None:
    """'What did Peskov say?', 'What has Putin said about Ukraine?', 'Quotes from Macron',
    'What was Zelensky's reaction?' -> name (+ topic); questions about facts ('How many
    tons of rare earths did China extract?') -> None, so they go to ordinary retrieval."""
    text = " ".join(question.split()).rstrip("?!. ")
    for pattern in _QUESTIONS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        name = m.group("name").strip(" .,")
        topic = (m.group("topic") or "").strip(" ,.?")
        words = name.split()
        if words[0].lower() in _ARTICLES and len(words) > 1 and is_role(" ".join(words[1:])):
            return SpeakerQuestion(" ".join(words[1:]), topic, role=True)
        if name.split()[0].lower() in _NOT_NAMES or name.lower() in _NOT_NAMES:
            return None
        return SpeakerQuestion(name, topic, role=is_role(name))
    return None


_WHO_SAID = re.compile(
    r"(?:who|which\s+\w+)\s+(?:has\s+|had\s+)?(?:said|says|told\s+\w+|wrote|writes|"
    r"stated|claimed|warned|argued|insisted|declared|announced|explained|added)"
    r"(?:\s+that)?\s*[,:]?\s*(?P<words>.+)",
    re.IGNORECASE,
)


def parse_who_said(question: str) -> str | None:
    """'Who said the negotiations were very constructive?' -> 'the negotiations were very
    constructive' (the words to find among attributed quotes); other questions -> None.
    'Who wrote about the deal?' asks for an author, not a speaker: None."""
    text = " ".join(question.split()).rstrip("?!. ")
    m = _WHO_SAID.fullmatch(text)
    if m is None:
        return None
    words = m.group("words").strip(" \"'“”‘’")
    if re.match(r"(?:about|the\s+(?:article|story|piece|report))\b", words, re.IGNORECASE):
        return None
    return words or None
