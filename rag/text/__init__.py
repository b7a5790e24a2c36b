"""Article text: cleaning that keeps original offsets, the one sentence splitter, the one
term tokenizer and stop-word list, chunking, publication dates, and named entities."""

from rag.text.chunking import VERSION as CHUNKER_VERSION
from rag.text.chunking import Chunker, ChunkSpan
from rag.text.clean import CleanText, clean, kept_regions
from rag.text.dates import date_to_ordinal, normalise_date
from rag.text.entities import Entity, EntityTagger, SpacyTagger
from rag.text.sentences import (
    ABBREVIATIONS,
    Token,
    quote_spans,
    quote_tokens,
    sentence_spans,
    split_sentences,
)
from rag.text.terms import NUMBER_WORDS, STOPWORDS, terms, terms_many
from rag.text.timeframe import fresh_from, question_window, said_on, without

__all__ = [
    "ABBREVIATIONS",
    "CHUNKER_VERSION",
    "NUMBER_WORDS",
    "STOPWORDS",
    "ChunkSpan",
    "Chunker",
    "CleanText",
    "Entity",
    "EntityTagger",
    "SpacyTagger",
    "Token",
    "clean",
    "date_to_ordinal",
    "fresh_from",
    "kept_regions",
    "normalise_date",
    "question_window",
    "quote_spans",
    "quote_tokens",
    "said_on",
    "sentence_spans",
    "split_sentences",
    "terms",
    "terms_many",
    "without",
]
