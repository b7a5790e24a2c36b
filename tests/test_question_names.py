"""The names and numbers a question makes an answer's article hold (``Asked.entities``,
checked by ``facts.supported``): strict enough that an article about another subject
cannot answer, not so strict that the answer's own article is thrown out for writing a
name another way. Fast: no model, every term weighs the same."""

from __future__ import annotations

from rag.answering.analysis import analyse
from rag.answering.extractive import _read
from rag.answering.facts import supported
from rag.contract import Article


def _answers(question: str, text: str) -> bool:
    """Does some sentence of the article pass the names check with full support?"""
    sentences = _read(Article(doc_id="a", title="", source="", text=text))
    return bool(supported(analyse(question, lambda term: 1.0), sentences, 0.3))


def test_the_words_describing_what_is_sought_need_not_be_in_the_article() -> None:
    question = "Knights Templar graves have been rediscovered in which English county?"
    text = "Knights Templar graves have been rediscovered in a churchyard in Staffordshire."
    assert _answers(question, text)
    assert "English" not in analyse(question, lambda term: 1.0).entities


def test_a_hyphenated_name_may_be_written_by_its_capitalised_part() -> None:
    question = "Which country scrapped its controversial Covid-19 rules after protests?"
    assert _answers(question, "China scrapped its controversial Covid rules after protests.")
    assert _answers(question, "China scrapped its controversial COVID-19 rules after protests.")
    question = "Where is the WWII-era training camp that became a national monument?"
    assert _answers(question, "The WWII-era training camp in Colorado became a national monument.")
    assert _answers(question, "The WWII training camp in Colorado became a national monument.")


def test_a_name_the_article_lacks_still_rules_it_out() -> None:
    question = "Which country scrapped its controversial Covid-19 rules after protests?"
    assert not _answers(question, "China scrapped its controversial flu rules after protests.")
    question = "Knights Templar graves have been rediscovered in which English county?"
    assert not _answers(question, "Viking graves have been rediscovered in Staffordshire.")


def test_a_name_inside_another_hyphenated_name_does_not_count() -> None:
    question = "What did France say about the summit agreement?"
    text = "Agence France-Presse said about the summit agreement that it was signed."
    assert not _answers(question, text)


def test_the_number_of_a_name_is_not_a_number_the_article_must_hold() -> None:
    asked = analyse("Which country scrapped its Covid-19 rules after 12 protests?", lambda t: 1.0)
    assert asked.entities == {"Covid-19", "12"}


def test_an_acronym_is_named_by_the_words_it_stands_for() -> None:
    question = "Where is the WWII-era training camp that became a national monument?"
    text = "The World War II training camp in Colorado became a national monument."
    assert _answers(question, text)
    question = "What did the IMF say about the loan to Sri Lanka?"
    assert _answers(
        question, "The International Monetary Fund said the loan to Sri Lanka was agreed."
    )
    assert not _answers(question, "The Federal Reserve said the loan to Sri Lanka was agreed.")


def test_a_number_is_named_by_itself_or_its_word_not_by_a_longer_number() -> None:
    question = "When was Xenoblade Chronicles 2 released for the Switch?"
    assert not _answers(question, "Xenoblade Chronicles was released for the Switch in 2020.")
    assert _answers(question, "Xenoblade Chronicles 2 was released for the Switch in 2017.")
    question = "Where did the leak of 1 billion records of personal data occur?"
    assert _answers(question, "The leak of one billion records of personal data occurred in China.")
