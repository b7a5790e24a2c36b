"""Collections in the core: each is a corpus of its own (store, BM25, copies, speakers), a
question reads only the collections it names, and several are pooled.

Fast tier on the fakes (an in-memory store per collection); the last test opens real
Chroma collections on disk and finds them again from a second desk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rag.contract import ArticleInput, Query
from rag.desk import Newsdesk, build
from rag.errors import NotFoundError, QueryError
from services.settings import Settings, load_settings
from tests.fakes import DictStore, HashingEmbedder


def _article(doc_id: str, text: str, source: str = "Wire") -> ArticleInput:
    return ArticleInput(text=text, title=doc_id, source=source, doc_id=doc_id,
                        published_at="2025-02-25")  # fmt: skip


@pytest.fixture
def desk(settings: Settings) -> Newsdesk:
    built = build(settings, HashingEmbedder(), stores=lambda name: DictStore())
    built.ingest(
        [_article("port", "“The port reopened on Monday,” Ola Strand said of the harbour.")]
    )
    built.ingest(
        [_article("probe", "“The ferry contract was rigged,” Mira Holt said on Monday.", "Desk")],
        collection="investigations",
    )
    return built


def test_a_question_reads_only_the_collections_it_names(desk: Newsdesk) -> None:
    plain = desk.ask("What did Mira Holt say?")  # the default collection only
    assert not plain.found
    inside = desk.ask(Query(question="What did Mira Holt say?", collections=("investigations",)))
    assert inside.found and {c.doc_id for c in inside.citations} == {"probe"}
    assert {c.collection for c in inside.citations} == {"investigations"}
    found = desk.search(Query(question="port reopened", collections=("investigations",)))
    assert all(c.doc_id != "port" for c in found)


def test_several_collections_are_pooled(desk: Newsdesk) -> None:
    both = Query(question="Who said what?", collections=("default", "investigations"), top_k=5)
    docs = {c.doc_id: c.collection for c in desk.search(both)}
    assert docs == {"port": "default", "probe": "investigations"}


def test_listings_and_articles_belong_to_their_collection(desk: Newsdesk) -> None:
    page = desk.list_articles(collection="investigations")
    assert page.total == 1 and page.articles[0].collection == "investigations"
    assert desk.list_articles().articles[0].collection == "default"
    assert desk.get_article("probe", ["default", "investigations"]).collection == "investigations"
    with pytest.raises(NotFoundError):
        desk.get_article("probe")  # not in the default collection
    names = [s.name for s in desk.speakers(collection="investigations").speakers]
    assert names == ["Mira Holt"]
    assert desk.collections() == ["default", "investigations"]


def test_term_statistics_are_the_collections_own(desk: Newsdesk) -> None:
    with (
        desk.library.corpus("default").read() as a,
        desk.library.corpus("investigations").read() as b,
    ):
        assert a.idf("harbour") < b.idf("harbour")  # unseen in investigations: weighs most


def test_unknown_and_invalid_collections_are_refused(desk: Newsdesk) -> None:
    with pytest.raises(NotFoundError, match="no collection 'sports'"):
        desk.ask(Query(question="Who won?", collections=("sports",)))
    with pytest.raises(QueryError, match="is not a collection name"):
        desk.ask(Query(question="Who won?", collections=("../etc",)))
    with pytest.raises(QueryError, match="is not a collection name"):
        desk.ingest([_article("x", "Text.")], collection="Bad Name")


def test_deleting_in_one_collection_leaves_the_other(desk: Newsdesk) -> None:
    desk.ingest([_article("probe", "“The ferry contract was rigged,” Mira Holt said on Monday.")])
    desk.delete_article("probe", collection="investigations")
    assert desk.list_articles(collection="investigations").total == 0
    assert desk.get_article("probe").collection == "default"


@pytest.mark.slow
def test_collections_are_chroma_collections_found_again(
    write_config: Callable[..., Path], tmp_path: Path
) -> None:
    settings = load_settings(write_config(), env={})
    first = build(settings, HashingEmbedder())
    first.ingest([_article("probe", "“The contract was rigged,” Mira Holt said.")],
                 collection="investigations")  # fmt: skip
    again = build(settings, HashingEmbedder())  # a new process would see the same
    assert again.collections() == ["default", "investigations"]
    assert again.list_articles(collection="investigations").total == 1
    assert again.list_articles().total == 0
