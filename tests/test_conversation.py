"""Chat follow-ups: the rules that make a turn standalone, and the answers they lead to."""

from __future__ import annotations

import pytest

from rag.answering.conversation import Standalone, date_note, finish, standalone
from rag.contract import Answer, ChatMessage, Citation, Query
from rag.desk import Newsdesk
from rag.errors import QueryError


def _turns(*questions: str) -> list[ChatMessage]:
    messages: list[ChatMessage] = []
    for question in questions:
        messages += [
            ChatMessage(role="user", content=question),
            ChatMessage(role="assistant", content="(an answer)"),
        ]
    return messages[:-1]


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (["What did Peskov say?"], Standalone("What did Peskov say?", "Peskov")),
        (
            ["What did Peskov say?", "When did he say that?"],
            Standalone("What did Peskov say?", "Peskov", asks_when=True),
        ),
        (
            ["What did Peskov say?", "And what did Putin say?"],
            Standalone("What did Putin say?", "Putin"),
        ),
        (
            ["What did Peskov say about cooperation?", "And what did Putin say?"],
            Standalone("What did Putin say about cooperation?", "Putin", "cooperation"),
        ),
        (
            ["What did Peskov say?", "What did he say about cooperation?"],
            Standalone("What did Peskov say about cooperation?", "Peskov", "cooperation"),
        ),
        (
            ["What did Peskov say?", "What about Macron?"],
            Standalone("What did Macron say?", "Macron"),
        ),
        (["What did Peskov say?", "And Macron?"], Standalone("What did Macron say?", "Macron")),
        (
            ["What did Peskov say?", "What about rare earths?"],
            Standalone("What did Peskov say about rare earths?", "Peskov", "rare earths"),
        ),
        (
            ["What did Peskov say?", "What was his reaction?"],
            Standalone("What did Peskov say?", "Peskov"),
        ),
        (
            ["What did Peskov say?", "What did Putin say?", "When did he say that?"],
            Standalone("What did Putin say?", "Putin", asks_when=True),
        ),
        (
            ["How many tons of rare earths did China extract?", "When was that?"],
            Standalone("How many tons of rare earths did China extract?", asks_when=True),
        ),
        (
            ["What did Peskov say?", "How many tons did China extract?", "What did he say?"],
            Standalone("What did Peskov say?", "Peskov"),
        ),
    ],
)
def test_follow_ups_become_standalone(questions: list[str], expected: Standalone) -> None:
    assert standalone(_turns(*questions)) == expected


@pytest.mark.parametrize(
    "question",
    ["When did he say that?", "What was his reaction?", "When was the deal signed?", "Why?"],
)
def test_without_context_a_question_is_left_as_asked(question: str) -> None:
    assert standalone(_turns(question)) == Standalone(question)


def test_a_full_question_does_not_inherit_the_topic() -> None:
    turns = _turns("What did Peskov say about cooperation?", "What did Putin say?")
    assert standalone(turns).question == "What did Putin say?"


def test_the_last_message_must_be_the_users() -> None:
    with pytest.raises(QueryError):
        standalone(
            [ChatMessage(role="user", content="hi"), ChatMessage(role="assistant", content="hello")]
        )
    with pytest.raises(QueryError):
        standalone([])


def _citation(n: int, doc_id: str, day: str) -> Citation:
    return Citation(
        n=n,
        doc_id=doc_id,
        chunk_id=f"{doc_id}:0",
        title="t",
        source="s",
        url="",
        published_at=day,
        authors=(),
        quote="q",
        start=0,
        end=1,
        score=1.0,
        support=1.0,
    )


def test_date_note_lists_each_date_with_its_markers() -> None:
    one = [_citation(1, "a", "2025-02-25"), _citation(2, "a", "2025-02-25")]
    assert date_note(one, "Peskov") == (
        "Peskov said this in the article published on 2025-02-25 [1] [2]."
    )
    two = [_citation(1, "a", "2025-02-25"), _citation(2, "b", ""), _citation(3, "c", "2025-03-01")]
    assert date_note(two, "") == (
        "Reported in articles published on 2025-02-25 [1], an unknown date [2] and 2025-03-01 [3]."
    )


def test_a_day_the_passage_names_is_resolved_against_its_article_date() -> None:
    said = _citation(1, "a", "2025-02-27").model_copy(
        update={"quote": "Peskov told reporters on Tuesday that talks went well."}
    )
    plain = _citation(2, "a", "2025-02-27")
    assert date_note([said, plain], "Peskov") == (
        "Peskov said this on Tuesday 25 February 2025 [1]; "
        "in the article published on 2025-02-27 [2]."
    )
    two_days = said.model_copy(update={"quote": "On Monday he denied it; on Tuesday he agreed."})
    assert date_note([two_days], "X") == "X said this in the article published on 2025-02-27 [1]."


def test_finish_only_changes_when_answers_with_citations() -> None:
    answer = Answer(question="q", answer="text [1]", citations=[_citation(1, "a", "2025-02-25")])
    assert finish(answer, Standalone("q")) is answer
    empty = Answer(question="q", answer="No quotes by X were found.")
    assert finish(empty, Standalone("q", "X", asks_when=True)) is empty
    dated = finish(answer, Standalone("q", "X", asks_when=True))
    assert dated.answer.startswith("X said this in the article published on 2025-02-25 [1].")


def test_when_did_he_say_that_cites_peskov_with_the_date(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask(Query.of_chat(_turns("What did Peskov say?", "When did he say that?")))
    assert answer.question == "What did Peskov say?"
    assert answer.answer.startswith("Peskov said this on Tuesday 25 February 2025 [1]; in the ")
    assert "article published on 2025-02-25 [2]" in answer.answer
    assert any("The Americans need rare earth metals" in c.quote for c in answer.citations)
    assert all(c.published_at == "2025-02-25" for c in answer.citations)
    for c in answer.citations:
        assert sample_desk.get_article(c.doc_id).text[c.start : c.end] == c.quote


def test_and_what_did_putin_say_cites_putin_only(sample_desk: Newsdesk) -> None:
    answer = sample_desk.ask(
        Query.of_chat(_turns("What did Peskov say?", "And what did Putin say?"))
    )
    quotes = " ".join(c.quote for c in answer.citations)
    assert "We would work with pleasure" in quotes
    assert "The Americans need rare earth metals" not in quotes
