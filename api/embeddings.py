"""An OpenAI-compatible embeddings endpoint: ``POST /v1/embeddings`` answered with this
server's own embedding model, so one (GPU) machine running ``newsdesk serve`` can embed for
many ingest workers (``embedding.backend: openai``) and for other tools.

OpenAI's request and response shapes: ``input`` a string or a list of strings, ``model``
the id ``GET /v1/models`` lists (the embedder's ``model_id``, e.g.
``all-MiniLM-L6-v2/torch``), ``encoding_format`` float or base64 (little-endian float32);
``dimensions`` only when it is the model's own (the vectors are not shortened). Token
arrays are refused (send text). The key rules are those of the other /v1 routes; errors are
OpenAI error objects (``api.errors``). The route is a plain function, so FastAPI runs it
in a worker thread: the encoder never blocks the event loop.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import caller
from rag.embedding import Embedder, Vectors, minilm_tokenizer
from services.gate import SharedDesk
from services.settings import ServerSettings


class EmbeddingRequest(BaseModel):
    """OpenAI's embeddings request; other fields (``user``, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    input: str | list[str] | list[int] | list[list[int]] = Field(
        description="A text or a list of texts (token arrays are not taken).",
        examples=[["What did Peskov say?", "The Kremlin welcomed American investment."]],
    )
    model: str = Field(description="The embedding model GET /v1/models lists.")
    encoding_format: Literal["float", "base64"] = Field(
        "float", description="float: JSON numbers; base64: little-endian float32, packed."
    )
    dimensions: int | None = Field(None, description="Only the model's own length is served.")


class Embedding(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str = Field(description="The unit vector (or its base64).")


class EmbeddingList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Embedding]
    model: str
    usage: dict[str, int] = Field(
        description="prompt_tokens and total_tokens: the word pieces the model read."
    )


def model_entry(shared: SharedDesk) -> dict[str, Any]:
    """The embedding model as ``GET /v1/models`` lists it."""
    return {"id": embedding_model(shared), "object": "model", "created": 0, "owned_by": "newsdesk"}


def embedding_model(shared: SharedDesk) -> str:
    with shared.use() as desk:
        return desk.embedder.model_id


def router(shared: SharedDesk) -> APIRouter:
    server = shared.settings.server
    routes = APIRouter(
        prefix="/v1",
        tags=["openai-compatible"],
        dependencies=[Depends(caller(shared))],
    )

    @routes.post(
        "/embeddings",
        response_model=EmbeddingList,
        summary="Embed texts with this server's model (OpenAI embeddings)",
    )
    def embeddings(body: EmbeddingRequest) -> JSONResponse:
        with shared.use() as desk:
            embedder = desk.embedder
        texts = _texts(body, server, embedder)
        vectors = embedder.embed(texts)
        data = [{"object": "embedding", "index": i, "embedding": _encoded(v, body.encoding_format)}
                for i, v in enumerate(vectors)]  # fmt: skip
        tokens = _tokens(texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        payload = {"object": "list", "data": data, "model": embedder.model_id, "usage": usage}
        return JSONResponse(payload)

    return routes


def _texts(body: EmbeddingRequest, server: ServerSettings, embedder: Embedder) -> list[str]:
    """The texts to embed, or a 4xx naming what is wrong with the request."""
    if body.model != embedder.model_id:
        raise HTTPException(404, f"no embedding model '{body.model}' here: {embedder.model_id}")
    if body.dimensions is not None and body.dimensions != embedder.dimensions:
        raise HTTPException(
            400,
            f"dimensions {body.dimensions} is not served: {embedder.model_id} gives "
            f"{embedder.dimensions} (leave dimensions out)",
        )
    given = [body.input] if isinstance(body.input, str) else list(body.input)
    texts = [t for t in given if isinstance(t, str)]
    if not given:
        raise HTTPException(400, "input is empty: give a text or a list of texts")
    if len(texts) != len(given):
        raise HTTPException(400, "input: token arrays are not taken here; send the texts")
    if len(texts) > server.embeddings_max_inputs:
        raise HTTPException(
            400,
            f"input holds {len(texts)} texts; the limit is {server.embeddings_max_inputs} "
            "(server.embeddings_max_inputs)",
        )
    for i, text in enumerate(texts):
        if not text:
            raise HTTPException(400, f"input[{i}] is empty")
        if len(text) > server.embeddings_max_chars:
            raise HTTPException(
                400,
                f"input[{i}] has {len(text)} characters; the limit is "
                f"{server.embeddings_max_chars} (server.embeddings_max_chars)",
            )
    return texts


def _encoded(vector: Vectors, encoding_format: str) -> list[float] | str:
    if encoding_format == "base64":
        return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
    values: list[float] = vector.tolist()
    return values


@cache
def _tokenizer() -> Any:
    return minilm_tokenizer()  # truncates where the model does


def _tokens(texts: Sequence[str]) -> int:
    """Word pieces the model read (MiniLM's tokenizer, truncated as the model truncates)."""
    return sum(len(e.ids) for e in _tokenizer().encode_batch(list(texts)))
