"""``Newsdesk.check_claim`` end to end on the fakes (hashing embedder, in-memory store), the
same bad input refused with the question's words, the Markdown export and the Claims tab's
HTML (escaped), and the evaluation's claim and quote sets. Fast tier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from rag.contract import (
    Article,
    Citation,
    ClaimCheck,
    ClaimQuery,
    Evidence,
    Mark,
    WordChange,
)
from rag.desk import Newsdesk
from rag.errors import NewsdeskError, NotFoundError, QueryError
from services.evaluation.claim_sets import load_claims, to_claim
from services.evaluation.quote_sets import Said, quote_cases
from services.export import claim_markdown
from tests.conftest import SAMPLE_DIR, SEED_ID
from ui.claim_render import claim_html

PESKOV = "The Americans need rare earth metals. We have a lot of them."
# The four checks the issue asks for, on the sample article: (query, quote_check, named).
SAMPLE_QUOTES = [
    (ClaimQuery(quote=f"Peskov said: '{PESKOV}'"), "exact", "Dmitry Peskov"),
    (ClaimQuery(quote=PESKOV.replace("a lot", "plenty"), speaker="Peskov"), "altered",
     "Dmitry Peskov"),
    (ClaimQuery(quote=PESKOV, speaker="Zelensky"), "misattributed", "Dmitry Peskov"),
    (ClaimQuery(quote="We will never sell our rare earths to anyone.", speaker="Peskov"),
     "not_found", ""),
]  # fmt: skip


@pytest.fixture
def sample(fake_desk: Newsdesk) -> Newsdesk:
    report = ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    assert report.added == [SEED_ID] and not report.failed
    return fake_desk


def _verbatim(desk: Newsdesk, check: ClaimCheck) -> None:
    for e in check.evidence:
        c = e.citation
        text = desk.get_article(c.doc_id).text
        assert text[c.start : c.end] == c.quote
        (chunk,) = desk.corpus.store.get_chunks([c.chunk_id])
        assert chunk.doc_id == c.doc_id and chunk.start <= c.start < chunk.end
        assert all(text[m.start : m.end] == m.text for m in e.marks)


@pytest.mark.parametrize(("query", "verdict", "named"), SAMPLE_QUOTES)
def test_the_four_quote_verdicts_on_the_sample(
    sample: Newsdesk, query: ClaimQuery, verdict: str, named: str
) -> None:
    check = sample.check_claim(query)
    _verbatim(sample, check)
    assert (check.kind, check.quote_check, check.verdict) == ("quote", verdict, None)
    assert bool(check.evidence) == (verdict != "not_found")
    if named:
        assert check.evidence[0].speaker == named and named in check.summary
    assert set(check.timings_ms) == {"retrieve", "check", "total"}


def test_claims_on_the_sample(sample: Newsdesk) -> None:
    said = "In August, Beijing announced that it extracted {} tons of rare earths."
    supported = sample.check_claim(ClaimQuery(claim=said.format("270,000")))
    assert supported.verdict == "supported" and supported.quote_check is None
    contradicted = sample.check_claim(ClaimQuery(claim=said.format("27,000")))
    assert contradicted.verdict == "contradicted"
    assert contradicted.evidence[0].note == "claim: 27,000 tons; article: 270,000 tons"
    invented = sample.check_claim(ClaimQuery(claim="Beijing banned all exports of lithium."))
    assert invented.verdict == "not_found" and not invented.evidence
    for check in (supported, contradicted):
        _verbatim(sample, check)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (ClaimQuery(), "the claim is empty"),
        (ClaimQuery(speaker="Peskov"), "the quote is empty"),
        (ClaimQuery(claim="a", quote="b"), "not both"),
        (ClaimQuery(claim="Peskov said so", speaker="Peskov"), "goes with a quote"),
        (ClaimQuery(claim="x" * 2001), "the claim has 2001 characters; the limit is 2000"),
        (ClaimQuery(quote="“…”"), "no words"),
        (ClaimQuery(claim="x", top_k=0), "top_k must be between 1 and 50"),
        (ClaimQuery(claim="x", mode="oracle"), "no 'oracle' answers here"),
        (ClaimQuery(claim="x", collections=("Bad Name",)), "'Bad Name' is not a collection"),
        (ClaimQuery(quote="x", collections=("nowhere",)), "no collection 'nowhere'"),
        (
            ClaimQuery(claim="x", collections=tuple(f"c{n}" for n in range(51))),
            "the claim names 51 collections; the limit is 50",
        ),
    ],
)
def test_bad_input_is_refused_in_the_core(
    sample: Newsdesk, query: ClaimQuery, message: str
) -> None:
    with pytest.raises((QueryError, NotFoundError), match=message):
        sample.check_claim(query)


EVIL = Article(
    doc_id="evil", title="<b>t</b>", source="<img src=x onerror=alert(1)>",
    url="javascript:alert(2)", text="<script>alert(3)</script> said “hello”.",
)  # fmt: skip


def _evil_check() -> ClaimCheck:
    citation = Citation.of(EVIL, 1, "c", (0, len(EVIL.text)), 1.0, 1.0)
    at = EVIL.text.index("hello")
    mark = Mark(start=at, end=at + 5, text="hello", kind="changed", claimed="<i>")
    diff = (WordChange(op="changed", given="<i>x</i>", stored="hello"),)
    evidence = Evidence(citation=citation, stance="altered", speaker="<u>Eve</u>",
                        marks=(mark,), diff=diff)  # fmt: skip
    return ClaimCheck(kind="quote", text="<b>hi</b>", quote_check="altered",
                      summary="Altered: <script>x</script> [1]", evidence=[evidence])  # fmt: skip


def test_the_claims_tab_html_escapes_every_piece_of_article_text() -> None:
    shown = claim_html(_evil_check())
    for raw in ("<script>", "<img", "<b>t</b>", "<u>Eve", "<i>x", "javascript:"):
        assert raw not in shown
    assert '<mark class="nd-mark-changed"' in shown and ">hello</mark>" in shown
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in shown
    assert 'data-verdict="altered"' in shown


def test_markdown_export_footnotes_the_evidence() -> None:
    text = claim_markdown(_evil_check())
    assert text.startswith("## Quote check: altered")
    assert "[^1]: **altered**, said by \\<u\\>Eve\\</u\\>" in text
    assert "Differences: “\\<i\\>x\\</i\\>” → “hello”." in text
    assert "<script>" not in text


# --- the evaluation's sets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "choice", "claim", "rule"),
    [
        ("Which university recently issued an apology?", "Northeastern University",
         "Northeastern University recently issued an apology.", "substituted"),
        ("Meta announced layoffs. Approximately how many employees were affected?", "11,000",
         "Meta announced layoffs. Approximately 11,000 employees were affected.", "substituted"),
        ("An independent review criticised which broadcaster’s journalists?", "BBC",
         "An independent review criticised BBC’s journalists.", "substituted"),
        ("Who was named person of the year?", "Volodymyr Zelensky",
         "Volodymyr Zelensky was named person of the year.", "substituted"),
        ("Where is Mar-a-Lago located?", "Florida", "Where is Mar-a-Lago located — Florida.",
         "appended"),
        ("Which of the following grocery items has seen the biggest increase?", "Eggs",
         "Eggs has seen the biggest increase.", "substituted"),
    ],
)  # fmt: skip
def test_a_question_and_a_choice_make_a_claim(
    question: str, choice: str, claim: str, rule: str
) -> None:
    assert to_claim(question, choice) == (claim, rule)


def test_claims_of_a_question_file_know_the_right_choice(tmp_path: Path) -> None:
    line = {"id": "q1", "query": "Which country won?", "choices": ["France", "Peru"],
            "answer_index": 1, "question_date": "2022/10/13"}  # fmt: skip
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    cases = load_claims(path)
    assert [(c.claim, c.expected) for c in cases] == [
        ("France won.", "not_supported"), ("Peru won.", "supported")]  # fmt: skip
    assert str(cases[0].as_of) == "2022-10-13"
    path.write_text('{"query": "Which?", "choices": ["a"]}\n', encoding="utf-8")
    with pytest.raises(NewsdeskError, match=r"dev\.jsonl:1: not a multiple-choice question"):
        load_claims(path)


def test_quote_cases_alter_words_negate_numbers_and_speakers() -> None:
    said = [
        Said("d1", "Dmitry Peskov", "We are ready to sell 100 tons of strategic metals"),
        Said("d2", "Olha Stefanishyna", "The negotiations have been very constructive"),
    ]
    cases = {c.id: c for c in quote_cases(said, 5)}
    variants = {c.variant: c for c in cases.values() if c.doc_id == "d1"}
    assert variants["exact"].quote == said[0].words and variants["exact"].expected == "exact"
    assert variants["word"].quote == "We are ready to sell 100 tons of important metals"
    assert variants["negation"].quote == "We are not ready to sell 100 tons of strategic metals"
    assert variants["number"].quote == "We are ready to sell 200 tons of strategic metals"
    assert (variants["speaker"].speaker, variants["speaker"].expected) == (
        "Olha Stefanishyna", "misattributed")  # fmt: skip
