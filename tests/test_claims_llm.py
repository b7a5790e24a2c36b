"""Claims judged by a language model (LLM mode) on the fakes, with *recorded* replies: the
model's verdict stands only where its passages bear it out; otherwise, or when the model
is unreachable, the rules' verdict stands with a notice. Quotes are never the model's."""

from __future__ import annotations

from rag.contract import ClaimQuery
from rag.desk.claim_judging import INSTRUCTIONS
from services.settings import Settings
from tests.test_llm_answers import Recorded, _desk

SAID = "In August, Beijing announced that it extracted {} tons of rare earths."


def test_a_verdict_its_passage_bears_out_stands(settings: Settings) -> None:
    generator = Recorded("SUPPORTED. Beijing reported extracting 270,000 tons of rare-earths [1].")
    check = _desk(settings, generator).check_claim(ClaimQuery(claim=SAID.format("270,000")))
    assert (check.verdict, check.judged_by, check.mode) == ("supported", "llm", "llm")
    assert [s.supported for s in check.statements] == [True]
    assert check.evidence and "270,000 tons" in check.evidence[0].citation.quote
    prompt = generator.prompts[0]
    assert "Claim: " + SAID.format("270,000") in prompt and prompt.endswith(INSTRUCTIONS)
    assert prompt.index("<passage") < prompt.index("Claim: ")


def test_a_contradiction_may_repeat_the_claimed_number(settings: Settings) -> None:
    reply = "CONTRADICTED: the article says 270,000 tons, not 27,000 tons [1]."
    check = _desk(settings, Recorded(reply)).check_claim(ClaimQuery(claim=SAID.format("27,000")))
    assert (check.verdict, check.judged_by) == ("contradicted", "llm")


def test_a_verdict_its_passages_do_not_bear_out_falls_back_to_the_rules(
    settings: Settings,
) -> None:
    desk = _desk(settings, Recorded("SUPPORTED. Beijing extracted 27,000 tons [1]."))
    check = desk.check_claim(ClaimQuery(claim=SAID.format("27,000")))
    assert (check.verdict, check.judged_by) == ("contradicted", "rules")
    assert "do not bear that out" in check.notice
    invented = _desk(settings, Recorded("SUPPORTED. It is true [7]."))
    moon = invented.check_claim(ClaimQuery(claim="Beijing banned all exports of lithium."))
    assert (moon.verdict, moon.judged_by) == ("not_found", "rules")


def test_no_verdict_no_model_and_quotes_keep_the_rules(settings: Settings) -> None:
    silent = _desk(settings, Recorded("I cannot tell.")).check_claim(
        ClaimQuery(claim=SAID.format("270,000"))
    )
    assert (silent.verdict, silent.judged_by) == ("supported", "rules") and silent.notice
    down = _desk(settings, Recorded(fail=True)).check_claim(
        ClaimQuery(claim=SAID.format("270,000"))
    )
    assert down.verdict == "supported" and "could not judge" in down.notice
    generator = Recorded("CONTRADICTED. [1]")
    quote = _desk(settings, generator).check_claim(
        ClaimQuery(quote="The Americans need rare earth metals.", speaker="Peskov")
    )
    assert quote.quote_check == "exact" and generator.prompts == []
    extractive = _desk(settings, generator).check_claim(
        ClaimQuery(claim=SAID.format("270,000"), mode="extractive")
    )
    assert extractive.judged_by == "rules" and generator.prompts == []
