"""Answers made of cited passages: the extractive answerer (no LLM), written answers (an
LLM, every sentence verified against its passages), and chat follow-ups made standalone."""

from rag.answering.composed import Composed
from rag.answering.conversation import Standalone, date_note, finish, standalone
from rag.answering.extractive import NOTHING_FOUND, ExtractiveAnswerer
from rag.answering.grounds import ChunkLocator, Grounds
from rag.answering.verify import supports, verify
from rag.answering.written import Generator, LLMAnswerer, byline, defanged

__all__ = [
    "NOTHING_FOUND",
    "ChunkLocator",
    "Composed",
    "ExtractiveAnswerer",
    "Generator",
    "Grounds",
    "LLMAnswerer",
    "Standalone",
    "byline",
    "date_note",
    "defanged",
    "finish",
    "standalone",
    "supports",
    "verify",
]
