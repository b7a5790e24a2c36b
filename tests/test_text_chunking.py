"""Cleaning, sentence spans and chunking keep every offset pointing into the original."""

from __future__ import annotations

import pytest

from rag.text import clean, kept_regions, sentence_spans, terms
from rag.text.chunking import Chunker
from tests.conftest import SEED

TEXT = SEED.read_text(encoding="utf-8")
BOILERPLATE = ("Follow Frances Martel", "Read the full article here", "Share.", "Leave A Reply",
               "Exit mobile version", "RELATED — Rubio")  # fmt: skip


def test_boilerplate_lines_go_and_article_sentences_stay() -> None:
    cleaned = clean(TEXT).text
    for line in BOILERPLATE:
        assert line not in cleaned
    assert "Communist China currently dominates rare-earth mining" in cleaned
    assert "“The Americans need rare earth metals. We have a lot of them,” Peskov" in cleaned
    assert "  " not in cleaned and "\xa0" not in cleaned


def test_a_sentence_that_merely_mentions_sharing_is_kept() -> None:
    text = "Share.\nShare prices rose. Follow the money, he said.\nLeave A Reply"
    assert clean(text).text == "Share prices rose. Follow the money, he said."


def test_cleaned_offsets_map_back_verbatim() -> None:
    cleaned = clean(TEXT)
    for start, end in kept_regions(TEXT):
        text = TEXT[start:end]
        where = cleaned.text.find(" ".join(text.split()))
        assert where >= 0
        s, e = cleaned.span_to_original(where, where + len(" ".join(text.split())))
        assert TEXT[s:e] == text


def test_sentence_spans_respect_abbreviations_and_quotes() -> None:
    text = "Mr. Smith went to the U.S. on Monday. “We won,” he said. Prices rose 3.5% in Jan. too."
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Mr. Smith went to the U.S. on Monday.",
        "“We won,” he said.",
        "Prices rose 3.5% in Jan. too.",
    ]


def test_a_case_name_is_one_sentence() -> None:
    """Found labelling LLM answers: "Roe v. Wade" was cut into "…Roe v." and "Wade"."""
    text = "The court overturned Roe v. Wade in June. Protests followed."
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == ["The court overturned Roe v. Wade in June.", "Protests followed."]


def test_tokenize_stems_drops_stopwords_and_joins_numbers() -> None:
    assert terms("How many tons of rare-earths did China extract? 270,000") == [
        "ton", "rare", "earth", "china", "extract", "270000",
    ]  # fmt: skip


@pytest.mark.parametrize("size", [64, 200])
def test_chunks_cover_the_article_with_exact_original_spans(size: int) -> None:
    chunker = Chunker(size, 10)
    chunks = chunker.split(clean(TEXT))
    assert len(chunks) > (3 if size == 200 else 10)
    for chunk in chunks:
        original = TEXT[chunk.start : chunk.end]
        assert " ".join(original.split()).startswith(" ".join(chunk.text.split())[:40])
        assert len(chunker._count_tokens(chunk.text)) <= size
    assert chunks[0].start == 0
    last_sentence = "a significant American business presence in Ukraine."
    assert TEXT[: chunks[-1].end].endswith(last_sentence)
