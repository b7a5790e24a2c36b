"""The application's Newsdesk: the core built from the whole settings (with the model
client of LLM mode), and logging set up as configured."""

from __future__ import annotations

import logging

from rag.config import CoreSettings
from rag.desk import Newsdesk, build
from rag.embedding import Embedder
from services.embedding_client import OpenAIEmbedder
from services.follows import following_of
from services.model_client import OpenAICompatible
from services.settings import Settings

NOISY = ("chromadb", "httpx", "sentence_transformers", "urllib3")


def open_desk(
    settings: Settings, embedder: Embedder | None = None, *, recover: bool = True
) -> Newsdesk:
    """The desk for these settings; the model loads on first use (or ``warm_up``); in LLM
    mode with the configured OpenAI-compatible server. A store whose last write was cut
    short is repaired first (``recover=False``: left as found, for ``newsdesk check``).
    With ``embedding.backend: openai`` the embedder is the configured server's client."""
    generator = OpenAICompatible(settings.llm) if settings.answer.mode == "llm" else None
    embedder = embedder or embedder_for(settings)
    desk = build(settings, embedder, generator=generator)
    if recover:
        desk.recover()
    following_of(desk, settings)  # every ingest is checked against the followed questions
    return desk


def embedder_for(settings: CoreSettings) -> Embedder | None:
    """The embedder the application makes: the HTTP client of ``embedding.backend: openai``
    (None: the core loads its local model)."""
    return OpenAIEmbedder(settings.embedding) if settings.embedding.backend == "openai" else None


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
