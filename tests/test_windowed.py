"""Dense search within filters, done over the chunk catalogue rather than by Chroma
(``rag.search.windowed``), on the in-memory store: the same chunks as a filtered search."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from rag.contract import ArticleInput, Filters
from rag.desk import Newsdesk
from rag.search import windowed
from rag.search.windowed import dense_within

START = date(2025, 1, 1)


def _store(fake_desk: Newsdesk, n: int = 60) -> Newsdesk:
    words = "ministers harbour storm election vaccine tariffs rover budget".split()
    fake_desk.ingest([
        ArticleInput(
            doc_id=f"a{i}",
            text=f"The {words[i % 8]} story number {i}. It went on about {words[(i * 3) % 8]}.",
            source="Wire" if i % 3 else "Daily",
            published_at=(START + timedelta(days=i)).isoformat(),
        )
        for i in range(n)
    ])  # fmt: skip
    return fake_desk


@pytest.mark.parametrize("exact_max", [0, 10_000])  # the wide search, then the exact ranking
@pytest.mark.parametrize(
    "filters",
    [
        Filters(
            published_after=START + timedelta(days=10), published_before=START + timedelta(days=40)
        ),
        Filters(source="Daily"),
        Filters(exclude=("a1", "a2", "a3")),
        Filters(published_after=START + timedelta(days=58)),
    ],
)
def test_the_same_chunks_as_a_filtered_search(
    fake_desk: Newsdesk, filters: Filters, exact_max: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(windowed, "EXACT_MAX", exact_max)
    desk = _store(fake_desk)
    corpus = desk.library.corpus()
    vector = desk.embedder.embed(["the storm and the harbour"])[0]
    found = dense_within(corpus.store, corpus.index.catalogue, vector, 5, filters)
    expected = corpus.store.dense_search(vector, 5, filters)
    assert found and [c for c, _ in found] == [c for c, _ in expected]
    assert np.allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)


def test_a_filter_that_keeps_nothing_finds_nothing(fake_desk: Newsdesk) -> None:
    desk = _store(fake_desk, 5)
    corpus = desk.library.corpus()
    vector = desk.embedder.embed(["storm"])[0]
    later = Filters(published_after=START + timedelta(days=400))
    assert dense_within(corpus.store, corpus.index.catalogue, vector, 5, later) == []
