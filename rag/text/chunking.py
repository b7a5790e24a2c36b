"""Sentence-aware chunking (llama-index ``SentenceSplitter``) with spans in the original text.

Chunks are sized in MiniLM word-piece tokens (the splitter's length function is the
model's own tokenizer), so no chunk is silently truncated by the encoder, which reads 256
tokens at most. Each chunk is located in the cleaned text and its span mapped back to the
original article, which is what citations point into.

Cost, measured on 300 corpus-1k articles: 0.73 ms per chunk, against 0.37 ms for a
hand-written one-pass packer; both are under 1% of the time it takes to embed a chunk, so
the standard splitter stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from tokenizers import Tokenizer

from rag.embedding import minilm_tokenizer
from rag.text.clean import CleanText

if TYPE_CHECKING:
    from llama_index.core.node_parser import SentenceSplitter

VERSION = "llama-sentence-1"  # part of the content hash: a new chunker re-chunks articles


@dataclass(frozen=True)
class ChunkSpan:
    """One chunk: its cleaned text (what is embedded and indexed) and original span."""

    seq: int
    text: str
    start: int
    end: int


class Chunker:
    """Splits a cleaned article into overlapping, sentence-aligned chunks."""

    def __init__(self, chunk_size: int = 200, chunk_overlap: int = 20) -> None:
        self.chunk_size = chunk_size
        self.chunk_overlap = min(chunk_overlap, chunk_size // 2)

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        tokenizer: Tokenizer = minilm_tokenizer(max_tokens=None)
        return tokenizer

    @cached_property
    def _splitter(self) -> SentenceSplitter:
        # Imported here: llama-index takes ~1 s to import, and serving needs no chunker
        # until an article arrives.
        from llama_index.core.node_parser import SentenceSplitter

        return SentenceSplitter(
            chunk_size=self.chunk_size,
            chunk_overlap=self.chunk_overlap,
            tokenizer=self._count_tokens,
            paragraph_separator="\n\n",
        )

    def _count_tokens(self, text: str) -> list[int]:
        return list(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def split(self, cleaned: CleanText) -> list[ChunkSpan]:
        """Chunks in order; each one's cleaned text maps to an exact original span."""
        chunks: list[ChunkSpan] = []
        if not cleaned.text.strip():  # llama-index splits "" into [""]
            return chunks
        cursor = 0
        for piece in self._splitter.split_text(cleaned.text):
            found = _locate(cleaned.text, piece, cursor)
            if found is None:
                continue
            start, end = found
            cursor = start + 1
            orig_start, orig_end = cleaned.span_to_original(start, end)
            chunks.append(ChunkSpan(len(chunks), cleaned.text[start:end], orig_start, orig_end))
        return chunks


def _locate(text: str, piece: str, cursor: int) -> tuple[int, int] | None:
    """Where the splitter's piece stands in ``text``: the splitter returns substrings, but
    strips them, so look from the previous chunk on (whitespace-tolerant as a fallback)."""
    index = text.find(piece, cursor)
    if index < 0:
        index = text.find(piece)
    if index >= 0:
        return index, index + len(piece)
    words = piece.split()
    if not words:
        return None
    match = re.compile(r"\s+".join(map(re.escape, words))).search(text, cursor)
    return (match.start(), match.end()) if match else None
