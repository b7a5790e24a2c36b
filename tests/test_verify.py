"""Verification of written answers, on recorded model outputs (no model needed)."""

from __future__ import annotations

from rag.answering.verify import supports, verify

P1 = (
    "“The Americans need rare earth metals. We have a lot of them,” Peskov explained. "
    "“We have our own plans to develop strategic resources,” he told reporters."
)
P2 = (
    "Reports indicated that Trump had initially demanded $500 billion in rare-earth minerals "
    "from Zelensky."
)
PASSAGES = {1: P1, 2: P2}


def test_supported_sentences_are_kept_as_written() -> None:
    text, statements, summary = verify("Trump demanded $500 billion from Zelensky [2].", PASSAGES)
    assert text == "Trump demanded $500 billion from Zelensky [2]."
    assert [s.supported for s in statements] == [True] and statements[0].cites == (2,)
    assert summary.kept == 1 and summary.flagged == summary.dropped == 0


def test_markers_to_missing_passages_are_removed_and_the_right_one_added() -> None:
    text, statements, summary = verify("Trump demanded $500 billion from Zelensky [7].", PASSAGES)
    assert text == "Trump demanded $500 billion from Zelensky [2]."
    assert statements[0].cites == (2,) and statements[0].supported
    assert summary.markers_fixed == 2  # one removed, one added


def test_an_invented_quotation_is_removed_a_near_copy_restored() -> None:
    invented = "Peskov said “we will sell every metal we have to America” [1]."
    text, _, summary = verify(invented, PASSAGES)
    assert "sell every metal" not in text and summary.quotes_fixed == 1
    near = "Peskov said “The Americans need rare earth metal. We have lots of them” [1]."
    text, statements, summary = verify(near, PASSAGES)
    assert "“The Americans need rare earth metals. We have a lot of them" in text
    assert summary.quotes_fixed == 1 and statements[0].supported


def test_a_number_not_in_the_passage_is_unsupported_flagged_or_dropped() -> None:
    wrong = "Trump demanded $600 billion from Zelensky [2]. Peskov said they have plans [1]."
    text, statements, summary = verify(wrong, PASSAGES, policy="flag")
    assert [s.supported for s in statements] == [False, True] and summary.flagged == 1
    text, statements, summary = verify(wrong, PASSAGES, policy="drop")
    assert "$600" not in text and len(statements) == 1 and summary.dropped == 1


def test_a_name_not_in_the_passage_is_unsupported() -> None:
    assert not supports("The deal was signed by Macron.", P2)
    assert supports("The deal was demanded by Trump.", P2)
    _, statements, _ = verify("Putin will visit Paris next week.", PASSAGES)
    assert statements[0].supported is False and statements[0].cites == ()


def test_a_sentence_without_markers_gets_the_passage_that_supports_it() -> None:
    text, statements, summary = verify(
        "Peskov said the Americans need rare earth metals.", PASSAGES
    )
    assert text == "Peskov said the Americans need rare earth metals [1]."
    assert statements[0].supported and summary.markers_fixed == 1


def test_a_number_is_held_whole_not_as_part_of_a_longer_one() -> None:
    passage = "Beijing extracted 270,000 tons of rare-earths."
    assert supports("Beijing extracted 270,000 tons.", passage)
    assert not supports("Beijing extracted 27,000 tons.", passage)
    assert not supports("Beijing extracted 70 tons.", passage)


def test_a_repeated_sentence_and_a_cut_off_end_are_tidied_away() -> None:
    from rag.answering.verify import tidy

    draft = "Peskov explained it [1]. Peskov  explained it [1]. And then he said that the"
    assert tidy(draft) == ("Peskov explained it [1].", 2)
    assert tidy("Trump demanded $500 billion [2]") == ("Trump demanded $500 billion [2]", 0)


def test_a_sentence_stopping_on_a_word_that_cannot_end_one_is_removed() -> None:
    from rag.answering.verify import tidy

    draft = (
        "The Blacklist will air on Sundays at 8/7c on NBC in [1]. "
        "Peskov explained it to the [2]. It can be bought through the in [1]. "
        "It will premiere in the fall [1]."
    )
    assert tidy(draft) == ("It will premiere in the fall [1].", 3)
    # short words that can close a sentence are not taken for a cut: a verb's particle
    kept = "The decision was his [1]. Peskov did not say that [2]. The talks went on [1]."
    assert tidy(kept) == (kept, 0)


def test_curly_quotation_marks_are_kept() -> None:
    written = "Peskov said “We have a lot of them” [1]."
    text, statements, _ = verify(written, PASSAGES)
    assert text == written and statements[0].supported


def test_a_sentence_far_in_meaning_from_what_it_cites_is_unsupported() -> None:
    def meaning(sentence: str, cited: str) -> float:  # a stand-in: shared words / words
        words, source = set(sentence.lower().split()), set(cited.lower().split())
        return len(words & source) / len(words)

    written = "Trump demanded $500 billion from Zelensky [2]. Zelensky was fist money [2]."
    _, statements, summary = verify(written, PASSAGES, meaning=meaning, min_meaning=0.7)
    assert [s.supported for s in statements] == [True, False] and summary.flagged == 1
