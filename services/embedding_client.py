"""Embeddings from an OpenAI-compatible server (``embedding.backend: openai``): another
``newsdesk serve`` (its ``/v1/embeddings``), Text Embeddings Inference, vLLM, Infinity,
llama.cpp, Ollama. So one GPU machine can embed for many ingest workers.

The core speaks no HTTP, so this client lives here and ``services.desk.open_desk`` hands it
to ``rag.desk.build`` as the embedder. Texts go ``embedding.request_batch_size`` to a
request; a request that meets a 429, a 5xx, a timeout or a lost connection is tried again
after 0.5 s, 1 s, 2 s, ... (or the server's Retry-After, at most 30 s), ``embedding.retries``
times; then :class:`rag.errors.EmbeddingError` names the server and what went wrong. Other
refusals (401, 404 for an unknown model, 400) are not retried. Every reply is checked (one
vector per text, ``embedding.dimensions`` long, finite) and the vectors are L2-normalised
here whatever the server does, so they are what the store's record says.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from rag.config import EmbeddingSettings
from rag.embedding import Vectors
from rag.errors import ConfigError, EmbeddingError

MAX_WAIT_S = 30.0


class OpenAIEmbedder:
    """The :class:`rag.embedding.Embedder` protocol over ``POST {base_url}/embeddings``.
    ``client``: an httpx client to use (tests pass one that ignores proxy settings)."""

    device = "remote"

    def __init__(
        self,
        settings: EmbeddingSettings,
        client: httpx.Client | None = None,
        backoff_s: float = 0.5,
    ) -> None:
        self.settings = settings
        self.model_id = settings.model
        self.dimensions = settings.dimensions
        self.batch_size = settings.request_batch_size
        self.url = settings.base_url.rstrip("/") + "/embeddings"
        self._backoff_s = backoff_s
        self._client = client
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for lo in range(0, len(texts), self.batch_size):
            batch = list(texts[lo : lo + self.batch_size])
            out[lo : lo + len(batch)] = self._request(batch)
        return out

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(timeout=self.settings.timeout_s)
            return self._client

    def _headers(self) -> dict[str, str]:
        name = self.settings.api_key_env
        if not name:
            return {}
        key = os.environ.get(name, "")
        if not key:
            raise ConfigError(f"embedding.api_key_env names {name}, which is not set")
        return {"Authorization": f"Bearer {key}"}

    def _request(self, batch: list[str]) -> Vectors:
        body: dict[str, Any] = {"model": self.model_id, "input": batch}
        if self.settings.encoding_format == "base64":
            body["encoding_format"] = "base64"
        headers, tries = self._headers(), self.settings.retries + 1
        for attempt in range(tries):
            wait = min(self._backoff_s * 2**attempt, MAX_WAIT_S)
            try:
                reply = self._http().post(self.url, json=body, headers=headers)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise EmbeddingError(f"embedding.base_url {self.url}: {exc}") from None
            except httpx.HTTPError as exc:  # refused, reset, timed out
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if reply.status_code == 200:
                    return self._vectors(reply, len(batch))
                problem = f"HTTP {reply.status_code}: {_message(reply)}"
                if reply.status_code != 429 and reply.status_code < 500:
                    raise EmbeddingError(f"the embedding server at {self.url} refused: {problem}")
                wait = _retry_after(reply) or wait
            if attempt + 1 < tries:
                time.sleep(wait)
        raise EmbeddingError(
            f"the embedding server at {self.url} failed {tries} time(s) (embedding.retries: "
            f"{self.settings.retries}): {problem}"
        )

    def _vectors(self, reply: httpx.Response, count: int) -> Vectors:
        """The reply's vectors in input order, checked and normalised."""
        try:
            items = sorted(reply.json()["data"], key=lambda item: int(item.get("index", 0)))
            rows = [_decode(item["embedding"]) for item in items]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise EmbeddingError(
                f"the embedding server at {self.url} sent a reply that is not an OpenAI "
                f"embeddings list: {type(exc).__name__}: {exc}"
            ) from None
        if len(rows) != count:
            raise EmbeddingError(
                f"the embedding server at {self.url} sent {len(rows)} vectors for {count} texts"
            )
        lengths = {len(row) for row in rows}
        if lengths != {self.dimensions}:
            raise EmbeddingError(
                f"the embedding server at {self.url} sent vectors of "
                f"{', '.join(map(str, sorted(lengths)))} numbers, but embedding.dimensions is "
                f"{self.dimensions} (is embedding.model {self.model_id} the model it serves?)"
            )
        vectors = np.stack(rows)
        if not np.isfinite(vectors).all():
            raise EmbeddingError(f"the embedding server at {self.url} sent NaN or infinity")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return normalised


def _decode(embedding: object) -> Vectors:
    """A vector sent as JSON numbers, or as base64 of little-endian float32 (OpenAI's)."""
    if isinstance(embedding, str):
        packed = base64.b64decode(embedding, validate=True)
        return np.frombuffer(packed, dtype="<f4").astype(np.float32)
    vector = np.asarray(embedding, dtype=np.float32) if isinstance(embedding, list) else None
    if vector is None or vector.ndim != 1:
        raise TypeError("an embedding is a list of numbers or a base64 string")
    return vector


def _message(reply: httpx.Response) -> str:
    """The error a server sent: OpenAI's {"error": {"message"}}, {"detail"} or plain text."""
    try:
        data = reply.json()
    except ValueError:
        return reply.text[:300] or reply.reason_phrase
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
        for key in ("error", "detail", "message"):
            if isinstance(data.get(key), str):
                return str(data[key])[:300]
    return str(data)[:300]


def _retry_after(reply: httpx.Response) -> float | None:
    """The server's Retry-After in seconds (at most ``MAX_WAIT_S``), when it gives one."""
    try:
        seconds = float(reply.headers.get("retry-after", ""))
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_WAIT_S)
