"""A small OpenAI-compatible server for a local GGUF model with parallel slots.

llama-cpp-python's own server runs one request at a time, and by default cuts a running
answer short when the next request arrives (``interrupt_requests``): with several people
asking, answers came back truncated. Here each slot is its own ``llama_cpp.Llama`` (the
weights are memory-mapped once and shared by the operating system), requests take a free
slot or wait in line, and nothing is interrupted.

Routes: ``GET /v1/models`` and ``POST /v1/chat/completions`` (plain or ``stream``), with
``max_tokens``, ``temperature``, ``top_p``, ``seed``, ``stop`` and llama.cpp's
``repeat_penalty``. A one-token completion with ``logprobs`` (a yes/no judgement) returns
the first token's ``top_logprobs``, read from the model's last-position logits (the full
per-token logits llama-cpp-python needs for longer ones would cost a gigabyte per slot).
"""

from __future__ import annotations

import json
import queue
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI, HTTPException
from fastapi.responses import StreamingResponse

ALIAS = "local"
PASSED = ("max_tokens", "temperature", "top_p", "seed", "stop", "repeat_penalty")


class Slots:
    """``size`` model instances; ``with slots.taken() as llama:`` waits for a free one."""

    def __init__(self, path: Path, size: int, threads: int, context: int) -> None:
        from llama_cpp import Llama

        self._free: queue.Queue[Any] = queue.Queue()
        for _ in range(size):
            self._free.put(
                Llama(model_path=str(path), n_ctx=context, n_threads=threads, verbose=True)
            )
        self.size = size

    @contextmanager
    def taken(self) -> Iterator[Any]:
        llama = self._free.get()
        try:
            yield llama
        finally:
            self._free.put(llama)


def create_app(slots: Slots) -> FastAPI:
    app = FastAPI(title="Newsdesk local model", docs_url=None, redoc_url=None)

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        model = {"id": ALIAS, "object": "model", "created": 0, "owned_by": "newsdesk"}
        return {"object": "list", "data": [model]}

    @app.post("/v1/chat/completions", response_model=None)
    def chat(body: dict[str, Any]) -> Any:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise HTTPException(422, "messages: a non-empty list is required")
        options = {k: body[k] for k in PASSED if body.get(k) is not None}
        if body.get("logprobs") and options.get("max_tokens") == 1:
            with slots.taken() as llama:
                return judged(llama, messages, int(body.get("top_logprobs") or 5))
        if body.get("stream"):
            return StreamingResponse(
                _stream(slots, messages, options), media_type="text/event-stream"
            )
        with slots.taken() as llama:
            # Reusing the evaluated prefix of an earlier request (llama-cpp-python does so
            # by default) evaluates the prompt in other batches, whose rounding can change
            # a greedy token: the same question then got another answer. Start afresh.
            llama.reset()
            return llama.create_chat_completion(messages=messages, **options)

    return app


def _stream(slots: Slots, messages: list[Any], options: dict[str, Any]) -> Iterator[str]:
    """SSE chunks; the slot is held only while this generator runs (a worker thread)."""
    with slots.taken() as llama:
        llama.reset()  # see ``chat``: no reuse of another request's evaluated prefix
        for chunk in llama.create_chat_completion(messages=messages, stream=True, **options):
            yield f"data: {json.dumps(chunk)}\n\n"
    yield "data: [DONE]\n\n"


def judged(llama: Any, messages: list[Any], top: int) -> dict[str, Any]:
    """A one-token reply with the first token's log-probabilities (the most likely
    ``top``), computed from the logits of the prompt's last position."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llama.metadata.get("tokenizer.chat_template", "")
    if not template:
        raise HTTPException(422, "this model has no chat template: logprobs need one")
    vocab = llama._model  # the model's token texts
    eos = vocab.token_get_text(llama.token_eos())
    bos = vocab.token_get_text(llama.token_bos())
    prompt = Jinja2ChatFormatter(template, eos_token=eos, bos_token=bos)(messages=messages).prompt
    tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    llama.reset()
    llama.eval(tokens)
    logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),)).copy()
    shifted = logits - logits.max()
    logprobs = shifted - np.log(np.exp(shifted).sum())
    best = np.argsort(-logprobs)[:top]
    ranked = [(_text(llama, int(i)), float(logprobs[i])) for i in best]
    top_logprobs = [{"token": t, "logprob": lp, "bytes": None} for t, lp in ranked]
    entry = {**top_logprobs[0], "top_logprobs": top_logprobs}
    choice = {
        "index": 0,
        "message": {"role": "assistant", "content": ranked[0][0]},
        "finish_reason": "length",
        "logprobs": {"content": [entry]},
    }
    n = len(tokens)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": ALIAS,
        "choices": [choice],
        "usage": {"prompt_tokens": n, "completion_tokens": 1, "total_tokens": n + 1},
    }


def _text(llama: Any, token: int) -> str:
    return str(llama.detokenize([token]).decode("utf-8", errors="replace"))
