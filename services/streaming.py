"""Answers as they are written: the desk runs in a worker thread and its model's tokens
arrive here as they are generated, followed by the finished (verified) answer.

Used by the SSE endpoints and the chat UI alike. An error before anything was produced is
raised in the consumer's thread, so an endpoint can still answer it with a plain 4xx.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Literal

from rag.contract import Answer

Event = tuple[Literal["token"], str] | tuple[Literal["answer"], Answer]
Run = Callable[[Callable[[str], None]], Answer]  # answers, calling back with each token


def answer_events(run: Run) -> Iterator[Event]:
    """``("token", text)`` per generated token, then ``("answer", Answer)``."""
    events: queue.Queue[tuple[str, object]] = queue.Queue()

    def work() -> None:
        try:
            events.put(("answer", run(lambda token: events.put(("token", token)))))
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
        else:
            assert isinstance(value, Answer)
            yield "answer", value
            return
