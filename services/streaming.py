"""Answers as they are written: the desk runs in a worker thread; the passages it found
arrive here first (so they can be shown while a model writes), then its model's tokens as
they are generated, then the finished (verified) answer.

Used by the SSE endpoints and the chat UI alike. An error before anything was produced is
raised in the consumer's thread, so an endpoint can still answer it with a plain 4xx.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Literal

from rag.contract import Answer, Citation

Event = (
    tuple[Literal["sources"], list[Citation]]
    | tuple[Literal["token"], str]
    | tuple[Literal["answer"], Answer]
)
OnToken = Callable[[str], None]
OnSources = Callable[[Sequence[Citation]], None]
Run = Callable[[OnToken, OnSources], Answer]  # answers, calling back with sources and tokens


def answer_events(run: Run) -> Iterator[Event]:
    """``("sources", [Citation, ...])`` once retrieval has found the passages (before the
    model writes), ``("token", text)`` per generated token, then ``("answer", Answer)``."""
    events: queue.Queue[tuple[str, object]] = queue.Queue()

    def work() -> None:
        try:
            answer = run(
                lambda token: events.put(("token", token)),
                lambda found: events.put(("sources", list(found))),
            )
            events.put(("answer", answer))
        except BaseException as exc:  # handed to the consumer's thread
            events.put(("error", exc))

    threading.Thread(target=work, name="answer", daemon=True).start()
    while True:
        kind, value = events.get()
        if kind == "error":
            assert isinstance(value, BaseException)
            raise value
        if kind == "token":
            yield "token", str(value)
        elif kind == "sources":
            assert isinstance(value, list)
            yield "sources", value
        else:
            assert isinstance(value, Answer)
            yield "answer", value
            return
