"""The language model behind ``answer.mode: llm``: any OpenAI-compatible server (llama.cpp's,
Ollama, vLLM, OpenAI) through llama-index's ``OpenAILike``, and yes/no judgements through
the ``openai`` client (one token, with ``logprobs``: the probability of "yes").

Decoding is greedy and repeatable: temperature 0, ``top_p`` 1, a fixed seed, and
llama.cpp's ``repeat_penalty`` (``llm.repeat_penalty``; 1.0 leaves it out).

Network errors and timeouts become :class:`rag.errors.LLMError`, which the core answers
with the extractive answer and a notice. The client is created on first use, so a desk in
LLM mode starts even when the server is not up yet.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from typing import Any

from rag.config import LLMSettings
from rag.errors import ConfigError, LLMError


class OpenAICompatible:
    """Streams completions from ``llm.base_url`` (chat endpoint, temperature 0)."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._llm: Any = None
        self._openai: Any = None

    def _key(self) -> str:
        env = self.settings.api_key_env
        return (os.environ.get(env, "") if env else "") or "none"

    def _decoding(self) -> dict[str, Any]:
        """Greedy and repeatable; llama.cpp's repetition penalty in the request body."""
        extra: dict[str, Any] = {"top_p": 1.0, "seed": self.settings.seed}
        if self.settings.repeat_penalty != 1.0:
            extra["extra_body"] = {"repeat_penalty": self.settings.repeat_penalty}
        return extra

    def _client(self) -> Any:
        if self._llm is None:
            try:
                from llama_index.llms.openai_like import OpenAILike
            except ImportError as exc:
                raise ConfigError(
                    "answer.mode: llm needs the llm extra: pip install -e '.[llm]'"
                ) from exc
            self._llm = OpenAILike(
                model=self.settings.model,
                api_base=self.settings.base_url,
                api_key=self._key(),
                is_chat_model=True,
                temperature=0.0,
                max_tokens=self.settings.max_tokens,
                timeout=self.settings.timeout_s,
                max_retries=0,
                additional_kwargs=self._decoding(),
            )
        return self._llm

    def _judge_client(self) -> Any:
        if self._openai is None:
            try:
                from openai import OpenAI
            except ImportError as exc:
                raise ConfigError(
                    "answer.mode: llm needs the llm extra: pip install -e '.[llm]'"
                ) from exc
            self._openai = OpenAI(
                base_url=self.settings.base_url,
                api_key=self._key(),
                timeout=self.settings.timeout_s,
                max_retries=0,
            )
        return self._openai

    def stream(self, prompt: str) -> Iterator[str]:
        try:
            for part in self._client().stream_complete(prompt):
                yield part.delta or ""
        except ConfigError:
            raise
        except Exception as exc:  # openai/httpx raise many types for one cause: no reply
            where = self.settings.base_url
            raise LLMError(f"{where}: {type(exc).__name__}: {exc}") from exc

    def judge(self, prompt: str) -> float:
        """The probability that the model answers "yes": one token, its top log-
        probabilities; "yes" against "no" when both are among them."""
        try:
            reply = self._judge_client().chat.completions.create(
                model=self.settings.model,
                messages=[{"role": "user", "content": prompt}],
                max_tokens=1,
                temperature=0.0,
                logprobs=True,
                top_logprobs=10,
                seed=self.settings.seed,
            )
            first = reply.choices[0].logprobs.content[0]
            top = [(t.token, t.logprob) for t in first.top_logprobs] or [
                (first.token, first.logprob)
            ]
        except ConfigError:
            raise
        except Exception as exc:  # as in stream: any failure means no judgement
            raise LLMError(f"{self.settings.base_url}: {type(exc).__name__}: {exc}") from exc
        return p_yes(top)


def p_yes(top: Sequence[tuple[str, float]]) -> float:
    """P(yes) / (P(yes) + P(no)) over the first token's candidates ("Yes", " yes", ...);
    P(yes) alone when no "no" is among them."""
    yes = sum(math.exp(lp) for token, lp in top if token.strip().lower() == "yes")
    no = sum(math.exp(lp) for token, lp in top if token.strip().lower() == "no")
    return yes / (yes + no) if no > 0 else yes
