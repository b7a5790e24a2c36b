"""Newsdesk's retrieval inside a real llama-index query pipeline: a
``RetrieverQueryEngine`` over ``NewsdeskRetriever`` (its LLM is llama-index's own
``MockLLM``, which echoes its prompt: it says what it is, and the point here is what the
pipeline is handed). Every source node is the stored article's verbatim span."""

from __future__ import annotations

import pytest

from rag.desk import Newsdesk, NewsdeskRetriever

pytestmark = pytest.mark.slow
PESKOV = "The Americans need rare earth metals. We have a lot of them"


def test_a_query_engine_gets_the_cited_passages(sample_desk: Newsdesk) -> None:
    from llama_index.core.llms import MockLLM
    from llama_index.core.query_engine import RetrieverQueryEngine

    engine = RetrieverQueryEngine.from_args(NewsdeskRetriever(sample_desk), llm=MockLLM())
    response = engine.query("What did Peskov say?")
    nodes = response.source_nodes
    assert nodes and any(PESKOV in n.node.get_content() for n in nodes)
    for n in nodes:
        meta = n.node.metadata
        text = sample_desk.get_article(meta["doc_id"]).text
        assert text[meta["start"] : meta["end"]] == n.node.get_content()
        assert meta["source"] == "Breitbart News" and meta["published_at"] == "2025-02-25"
    assert PESKOV in str(response)  # the passages reached the (echoing) model's prompt


def test_nothing_found_stays_nothing(sample_desk: Newsdesk) -> None:
    retriever = NewsdeskRetriever(sample_desk)
    assert retriever.retrieve("Who won the 2013 Wimbledon men's singles final?") == []
    passages = NewsdeskRetriever(sample_desk, cited_only=False, top_k=3)
    found = passages.retrieve("rare earth metals")
    assert 0 < len(found) <= 3 and all(n.node.metadata["doc_id"] for n in found)
