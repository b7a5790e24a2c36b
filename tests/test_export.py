"""Answers exported with their sources: Markdown footnotes (title, publisher, date, URL,
the verbatim quote), a chat as one document, the plain Sources list of chat clients, a
claim check's headline evidence. Fast tier: the formatter on answers built here."""

from __future__ import annotations

from newsdesk.claim_commands import render_check
from rag.claims import ClaimChecker, Rules
from rag.contract import Answer, Article, Citation
from services.export import answer_markdown, chat_markdown, claim_markdown, with_sources
from ui.claim_render import claim_html

QUOTE = "“The Americans need rare earth metals. We have a lot of them,” Peskov explained."


def _answer(question: str = "What did Peskov say?") -> Answer:
    citation = Citation(
        n=1, doc_id="seed", chunk_id="seed:x:0000", title="Kremlin: *Russia* open to deals",
        source="Breitbart News", url="https://example.com/story", published_at="2025-02-25",
        updated_at="2025-02-26", authors=("A. Writer",), quote=QUOTE, start=10,
        end=10 + len(QUOTE), score=1.0, support=1.0, also_in=("Nordic Wire",),
    )  # fmt: skip
    return Answer(question=question, answer=f"{QUOTE} [1]", citations=[citation])


def test_an_answer_exports_with_numbered_footnotes() -> None:
    text = answer_markdown(_answer())
    assert text.startswith("## What did Peskov say?\n")
    assert f"{QUOTE} [^1]" in text
    footnote = next(line for line in text.splitlines() if line.startswith("[^1]: "))
    assert f"[^1]: {QUOTE} — *Kremlin" in footnote  # its own quotation marks, no second pair
    assert "*Kremlin: \\*Russia\\* open to deals*" in footnote  # markup in titles escaped
    assert "Breitbart News, 2025-02-25, updated 2025-02-26, by A. Writer." in footnote
    assert "Also in: Nordic Wire." in footnote and "<https://example.com/story>" in footnote


def test_article_markup_never_becomes_markdown() -> None:
    evil = _answer().model_copy(update={"answer": "See [click](javascript:alert(1)) *x* [1]"})
    text = answer_markdown(evil)
    assert "\\[click\\](javascript:alert(1)) \\*x\\* [^1]" in text


def test_a_chat_exports_as_one_document() -> None:
    first = _answer()
    second = _answer("When did he say that?")
    text = chat_markdown([("What did Peskov say?", first), ("When did he say that?", second)])
    assert text.startswith("# Newsdesk chat\n")
    assert "## What did Peskov say?" in text and "## When did he say that?" in text
    assert text.count("[^1-1]:") == 1 and text.count("[^2-1]:") == 1  # own footnotes each


def test_chat_clients_get_a_plain_sources_list() -> None:
    text = with_sources(_answer())
    assert text.startswith(QUOTE + " [1]\n\nSources:\n[1] ")
    assert f"    {QUOTE}\n" in text + "\n"
    nothing = Answer(question="q", answer="Nothing found: no passage answers.")
    assert with_sources(nothing) == "Nothing found: no passage answers."


def test_a_footnote_gives_the_page_and_the_link_that_opens_on_the_quote() -> None:
    answer = _answer()
    link = "https://example.com/story#:~:text=We%20have%20a%20lot"
    cited = answer.citations[0].model_copy(update={"location": "p. 3", "link": link})
    text = answer_markdown(answer.model_copy(update={"citations": [cited]}))
    footnote = next(line for line in text.splitlines() if line.startswith("[^1]: "))
    assert "2025-02-25, updated 2025-02-26, p. 3, by A. Writer." in footnote
    assert footnote.endswith(f"<{link}>")


def test_a_quote_gets_quotation_marks_only_when_it_has_none_of_its_own() -> None:
    """``““The Americans need…”`` was shown: a quote that is itself a quotation is not
    wrapped in another pair; one without marks is."""
    plain = "Russia has domestic plans for rare earths."
    bare = _answer().model_copy(deep=True)
    bare.citations[0] = bare.citations[0].model_copy(update={"quote": plain})
    for text in (answer_markdown(_answer()), with_sources(_answer())):
        assert "““" not in text and "””" not in text and QUOTE in text
    assert f"“{plain}”" in answer_markdown(bare) and f"“{plain}”" in with_sources(bare)
    ends = _answer().model_copy(deep=True)
    ends.citations[0] = ends.citations[0].model_copy(update={"quote": "He said “no.”"})
    assert "““" not in answer_markdown(ends) and "””" not in answer_markdown(ends)


def test_a_headline_is_shown_as_the_evidence_wherever_a_check_is_shown() -> None:
    """A claim only a headline states: Markdown, the UI's HTML and the terminal show the
    headline, marked, never an empty quote."""
    title = "Powerful 7.0-magnitude earthquake strikes <b>northern</b> Philippines"
    text = "A powerful earthquake struck on Wednesday, officials said."
    article = Article(doc_id="quake", title=title, source="CNN", text=text)
    check = ClaimChecker(lambda a: [], Rules(min_coverage=0.6, window=2), 5).claim(
        "A 7.0-magnitude earthquake strikes the northern Philippines.", ["quake"],
        {"quake": article}, lambda term: 1.0, lambda d, o: "chunk",
    )  # fmt: skip
    assert check.verdict == "supported" and check.evidence[0].headline
    assert "(the headline): “Powerful 7.0-magnitude earthquake" in claim_markdown(check)
    page = claim_html(check)
    assert "(the headline)" in page and "&lt;b&gt;northern&lt;/b&gt;" in page
    assert '<mark class="nd-mark-name"' in page and ">Philippines</mark>" in page
    assert "quake headline" in render_check(check) and title in render_check(check)
