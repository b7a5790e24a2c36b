"""Who said what: rule-based quote attribution and speaker questions ("What did X say?").

Every rule prefers dropping a quotation to guessing its speaker (see
:mod:`rag.quotes.attribution`); its helpers (names, word lists) are private to this room,
and it reads the quotation-aware tokens and sentences of :mod:`rag.text.sentences`.
"""

from rag.quotes.attribution import find_quotes
from rag.quotes.quote import Quote
from rag.quotes.roles import is_role, roles_of, speakers_with_role
from rag.quotes.speaker_questions import (
    SpeakerQuestion,
    parse_speaker_question,
    parse_who_said,
    speaker_matches,
)
from rag.quotes.turns import speaker_label, transcript_quotes

__all__ = [
    "Quote",
    "SpeakerQuestion",
    "find_quotes",
    "is_role",
    "parse_speaker_question",
    "parse_who_said",
    "roles_of",
    "speaker_label",
    "speaker_matches",
    "speakers_with_role",
    "transcript_quotes",
]
