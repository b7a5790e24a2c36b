"""A deliberately slow OpenAI-compatible model server on 127.0.0.1, for the LLM scenario
of ``bench.concurrency``: every chat completion takes ``seconds`` (default 8), streamed
word by word, and echoes a sentence of the first passage it was given with a [1] marker
(so Newsdesk's checks have something true to check). It uses no CPU while it "writes":
what the benchmark measures is Newsdesk's handling of a slow model, not the model.

    with slow_model(seconds=8) as base_url: ...   # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

_PASSAGE = re.compile(r'<passage n="1">\n[^\n]*\n(?P<text>[^\n]+)')


def create_app(seconds: float) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "slow", "object": "model"}]}

    @app.post("/v1/chat/completions", response_model=None)
    async def chat(body: dict[str, Any]) -> Any:
        prompt = str(body["messages"][-1]["content"])
        found = _PASSAGE.search(prompt)
        first = found.group("text").split(". ")[0].rstrip(".") if found else "Nothing"
        words = f"{first} [1].".split(" ")
        if not body.get("stream"):
            await asyncio.sleep(seconds)
            message = {"role": "assistant", "content": " ".join(words)}
            return {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
        return StreamingResponse(_words(words, seconds), media_type="text/event-stream")

    return app


async def _words(words: list[str], seconds: float) -> AsyncIterator[str]:
    pause = seconds / max(len(words), 1)
    for i, word in enumerate(words):
        await asyncio.sleep(pause)
        delta = {"content": word if i == 0 else " " + word}
        chunk = {"id": "slow", "object": "chat.completion.chunk", "created": int(time.time()),
                 "model": "slow", "choices": [{"index": 0, "delta": delta}]}  # fmt: skip
        yield f"data: {json.dumps(chunk)}\n\n"
    yield "data: [DONE]\n\n"


@contextmanager
def slow_model(seconds: float = 8.0) -> Iterator[str]:
    """Serve the slow model in a thread until the block ends; yields its /v1 URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(seconds), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
