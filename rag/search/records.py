"""Records the search room passes around: stored chunks and the hits of a question."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """A stored chunk: cleaned text for search, and its span in the original article."""

    chunk_id: str
    doc_id: str
    seq: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A chunk retrieved for a question, with its fused score and rank."""

    chunk: Chunk
    score: float
    rank: int
