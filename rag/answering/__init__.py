"""Answers made of cited passages: the extractive answerer (no LLM), and chat follow-ups
made standalone before retrieval."""

from rag.answering.conversation import Standalone, date_note, finish, standalone
from rag.answering.extractive import NOTHING_FOUND, ChunkLocator, ExtractiveAnswerer

__all__ = [
    "NOTHING_FOUND",
    "ChunkLocator",
    "ExtractiveAnswerer",
    "Standalone",
    "date_note",
    "finish",
    "standalone",
]
