"""The corpus's two doors, and answers written outside them.

Fast tier, on the fakes (a hashing embedder, an in-memory store; a generator that
holds its reply until the test releases it). No timings are asserted: each test checks
what happened, in what order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from rag.contract import ArticleInput, Query
from rag.corpus import ReadWriteLock
from rag.desk import Newsdesk, build
from rag.errors import BusyError, QueryError
from services.settings import Settings
from tests.conftest import SAMPLE_DIR
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder

WAIT = 30  # seconds: a generous bound on a hang, never a measurement


class HeldGenerator:
    """A language model whose reply waits for ``release``; ``entered`` is set (and
    ``calls`` counted) when a prompt arrives. Says what it is: a stand-in for a slow
    model server."""

    def __init__(
        self, reply: str = "Peskov said the Americans need rare earth metals [1]."
    ) -> None:
        self.reply = reply
        self.entered, self.release = threading.Event(), threading.Event()
        self.calls = 0

    def stream(self, prompt: str) -> Iterator[str]:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(WAIT), "the test never released the model"
        yield from self.reply.split(" ")

    def judge(self, prompt: str) -> float:
        return 1.0  # every passage answers: the writing is what is held


def _article(i: int) -> ArticleInput:
    return ArticleInput(
        text=f"The ferry of island {i} sailed again on Monday after the storm.",
        title=f"Ferry {i}",
        source="Wire",
        doc_id=f"ferry-{i}",
    )


def _llm_desk(settings: Settings, generator: HeldGenerator, slots: int = 2) -> Newsdesk:
    llm = settings.llm.model_copy(update={"max_concurrent": slots, "queue_timeout_s": 0.2})
    answer = settings.answer.model_copy(update={"mode": "llm"})
    changed = settings.model_copy(update={"llm": llm, "answer": answer})
    desk = build(
        changed, HashingEmbedder(), DictStore(), generator=generator, tagger=GazetteerTagger()
    )
    from ingest.runner import ingest_paths

    ingest_paths(desk, [SAMPLE_DIR], show_progress=False)
    return desk


def test_many_readers_at_once_and_a_writer_alone() -> None:
    lock = ReadWriteLock()
    inside, release = threading.Barrier(3, timeout=WAIT), threading.Event()

    def reader() -> None:
        with lock.read():
            inside.wait()  # all three readers are in at the same time
            release.wait(WAIT)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers:
        t.start()
    with lock.read():
        inside.wait()
        wrote = threading.Event()

        def writer() -> None:
            with lock.write():
                wrote.set()

        w = threading.Thread(target=writer)
        w.start()
        assert not wrote.wait(0.2)  # readers inside: the writer waits
        release.set()
    for t in readers:
        t.join(WAIT)
    assert wrote.wait(WAIT)
    w.join(WAIT)


def test_a_waiting_writer_goes_before_new_readers() -> None:
    lock = ReadWriteLock()
    order: list[str] = []
    with lock.read():
        w = threading.Thread(target=lambda: _run(lock.write, order, "write"))
        w.start()
        while not lock._waiting:  # the writer is queued
            threading.Event().wait(0.01)
        r = threading.Thread(target=lambda: _run(lock.read, order, "read"))
        r.start()
        threading.Event().wait(0.1)
        assert order == []  # neither got in while the first reader holds it
    w.join(WAIT)
    r.join(WAIT)
    assert order == ["write", "read"]


def _run(door: object, order: list[str], name: str) -> None:
    with door():  # type: ignore[operator]
        order.append(name)


def test_nested_reads_and_writes_and_no_upgrade() -> None:
    lock = ReadWriteLock()
    with lock.write(), lock.read(), lock.write():
        pass  # a writer may read and write again inside its own write
    with (
        lock.read(),
        lock.read(),
        pytest.raises(RuntimeError, match="reader cannot take the write lock"),
        lock.write(),
    ):
        pass
    assert lock.readers() == 0


def test_a_write_during_a_read_view_is_invisible_to_it_and_visible_to_the_next(
    fake_desk: Newsdesk,
) -> None:
    fake_desk.ingest([_article(0)])
    corpus = fake_desk.corpus
    done = threading.Event()

    def write() -> None:
        fake_desk.ingest([_article(1)])
        done.set()

    writer = threading.Thread(target=write)
    with corpus.read() as view:
        before = view.count_articles()
        writer.start()
        assert not done.wait(0.3)  # the write waits for the view to close
        assert view.count_articles() == before == 1
        assert "ferry-1" not in view.catalogue.chunks_of
    assert done.wait(WAIT)
    writer.join(WAIT)
    with corpus.read() as view:
        assert view.count_articles() == 2 and "ferry-1" in view.catalogue.chunks_of


def test_a_slow_model_holds_up_no_one_else(settings: Settings) -> None:
    generator = HeldGenerator()
    desk = _llm_desk(settings, generator)
    result: list[object] = []
    asking = threading.Thread(target=lambda: result.append(desk.ask("What did Peskov say?")))
    asking.start()
    try:
        assert generator.entered.wait(WAIT)  # the model is writing, and holds its reply
        other = desk.ask(Query(question="What did Peskov say?", mode="extractive"))
        assert other.found and other.mode == "extractive"
        assert desk.list_articles().total == 1
        report = desk.ingest([_article(7)])  # a write lands while the model writes
        assert report.added == ["ferry-7"]
        assert asking.is_alive()  # all of that while the first answer is still being written
    finally:
        generator.release.set()
        asking.join(WAIT)
    (answer,) = result
    assert getattr(answer, "mode", "") == "llm"


def test_sources_come_before_the_first_token(settings: Settings) -> None:
    generator = HeldGenerator()
    desk = _llm_desk(settings, generator)
    events: list[str] = []

    def ask() -> None:
        desk.ask(
            "What did Peskov say?",
            on_token=lambda t: events.append("token"),
            on_sources=lambda c: events.append(f"sources:{len(c)}"),
        )

    asking = threading.Thread(target=ask)
    asking.start()
    assert generator.entered.wait(WAIT)
    assert events and events[0].startswith("sources:") and events[0] != "sources:0"
    generator.release.set()
    asking.join(WAIT)
    assert events.count("token") > 0 and events.index("token") > 0


def test_beyond_the_model_slots_a_question_is_refused_as_busy(settings: Settings) -> None:
    generator = HeldGenerator()
    desk = _llm_desk(settings, generator, slots=1)
    first = threading.Thread(target=desk.ask, args=("What did Peskov say?",))
    first.start()
    try:
        assert generator.entered.wait(WAIT)
        with pytest.raises(BusyError, match="busy") as busy:
            desk.ask("What did Peskov say?")  # waits queue_timeout_s (0.2 s), then refused
        assert busy.value.retry_after_s >= 1
        assert generator.calls == 1  # the refused question never reached the model
    finally:
        generator.release.set()
        first.join(WAIT)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (Query(question="   "), "the question is empty"),
        (Query(question="x" * 2001), "the question has 2001 characters; the limit is 2000"),
        (Query(question="ferry", top_k=0), "top_k must be between 1 and 50; got 0"),
        (Query(question="ferry", top_k=-3), "top_k must be between 1 and 50; got -3"),
        (Query(question="ferry", top_k=51), "top_k must be between 1 and 50; got 51"),
        (Query(question="ferry", mode="llm"), "no 'llm' answers here: extractive"),
        (Query.of_chat([]), "the question is empty"),
    ],
)
def test_the_core_checks_every_query(fake_desk: Newsdesk, query: Query, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        fake_desk.ask(query)
    assert str(raised.value) == message
    with pytest.raises(QueryError):
        fake_desk.search(query)


def test_a_chat_must_end_with_the_users_question(fake_desk: Newsdesk) -> None:
    from rag.contract import ChatMessage

    chat = [ChatMessage(role="user", content="Hi"), ChatMessage(role="assistant", content="...")]
    with pytest.raises(QueryError, match="must end with the user's question"):
        fake_desk.ask(Query.of_chat(chat))


def test_readers_stop_counting_once_the_model_writes(settings: Settings) -> None:
    """An ingest makes way for questions in flight, but not for seconds of model writing."""
    generator = HeldGenerator()
    desk = _llm_desk(settings, generator)
    asking = threading.Thread(target=desk.ask, args=("What did Peskov say?",))
    asking.start()
    try:
        assert generator.entered.wait(WAIT)
        assert desk.readers.busy() == 0
    finally:
        generator.release.set()
        asking.join(WAIT)


def test_an_empty_index_weighs_unseen_terms_most(settings: Settings) -> None:
    desk = build(settings, HashingEmbedder(), DictStore(), tagger=GazetteerTagger())
    with desk.corpus.read() as view:
        assert view.idf("anything") > 0


def test_questions_are_not_held_up_while_another_processs_write_is_caught_up(
    settings: Settings,
) -> None:
    """Two desks on one store (two processes' worth: their own BM25 files): while one
    lists the store to catch up with the other's write, its questions read what it had
    (as a view opened a moment earlier would); the next read after it sees the write."""
    store = DictStore()
    other_cache = settings.store.model_copy(update={"cache_path": settings.store.cache_path / "b"})
    writer = build(settings, HashingEmbedder(), store, tagger=GazetteerTagger())
    reader = build(settings.model_copy(update={"store": other_cache}), HashingEmbedder(), store,
                   tagger=GazetteerTagger())  # fmt: skip
    writer.ingest([_article(0)])
    corpus = reader.corpus
    corpus.catch_up()
    listing, release = threading.Event(), threading.Event()
    real_ids = store.iter_chunk_ids

    waited_out: list[bool] = []

    def held_ids() -> Iterator[list[str]]:
        listing.set()
        waited_out.append(not release.wait(WAIT))  # True: the read below waited for this
        yield from real_ids()

    store.iter_chunk_ids = held_ids  # type: ignore[method-assign]
    writer.ingest([_article(1)])  # the other process's write
    catching = threading.Thread(target=corpus.catch_up)
    catching.start()
    try:
        assert listing.wait(WAIT)
        with corpus.read() as view:  # not held up: the corpus as it was
            assert set(view.catalogue.chunks_of) == {"ferry-0"}
    finally:
        release.set()
    catching.join(WAIT)
    assert not catching.is_alive() and waited_out == [False]
    with corpus.read() as view:
        assert set(view.catalogue.chunks_of) == {"ferry-0", "ferry-1"}
