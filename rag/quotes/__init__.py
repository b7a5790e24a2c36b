"""Who said what: rule-based quote attribution and speaker questions ("What did X say?").

Every rule prefers dropping a quotation to guessing its speaker (see
:mod:`rag.quotes.attribution`); the helpers (tokens, names, word lists) are private to
this room.
"""

from rag.quotes.attribution import find_quotes
from rag.quotes.records import Quote
from rag.quotes.speakers import SpeakerQuestion, parse_speaker_question, speaker_matches

__all__ = ["Quote", "SpeakerQuestion", "find_quotes", "parse_speaker_question", "speaker_matches"]
