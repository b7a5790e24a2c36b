"""The language model behind ``answer.mode: llm``: any OpenAI-compatible server (llama.cpp's,
Ollama, vLLM, OpenAI) through llama-index's ``OpenAILike``.

Network errors and timeouts become :class:`rag.errors.LLMError`, which the core answers
with the extractive answer and a notice. The client is created on first use, so a desk in
LLM mode starts even when the server is not up yet.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from rag.config import LLMSettings
from rag.errors import ConfigError, LLMError


class OpenAICompatible:
    """Streams completions from ``llm.base_url`` (chat endpoint, temperature 0)."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._llm: Any = None

    def _client(self) -> Any:
        if self._llm is None:
            try:
                from llama_index.llms.openai_like import OpenAILike
            except ImportError as exc:
                raise ConfigError(
                    "answer.mode: llm needs the llm extra: pip install -e '.[llm]'"
                ) from exc
            key = os.environ.get(self.settings.api_key_env, "") if self.settings.api_key_env else ""
            self._llm = OpenAILike(
                model=self.settings.model,
                api_base=self.settings.base_url,
                api_key=key or "none",
                is_chat_model=True,
                temperature=0.0,
                max_tokens=self.settings.max_tokens,
                timeout=self.settings.timeout_s,
                max_retries=0,
            )
        return self._llm

    def stream(self, prompt: str) -> Iterator[str]:
        try:
            for part in self._client().stream_complete(prompt):
                yield part.delta or ""
        except ConfigError:
            raise
        except Exception as exc:  # openai/httpx raise many types for one cause: no reply
            where = self.settings.base_url
            raise LLMError(f"{where}: {type(exc).__name__}: {exc}") from exc
