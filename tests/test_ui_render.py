"""The UI's HTML and Markdown: article text always shows as text, never as markup."""

from __future__ import annotations

from rag.contract import Answer, Citation
from ui.render import highlight, link, markdown_text, question_terms, source_cards

EVIL = '<script>alert(1)</script> [click](http://evil.example) **bold** & "q" $$x$$'


def test_markdown_text_escapes_markup_and_keeps_the_words() -> None:
    shown = markdown_text(EVIL)
    assert "<" not in shown and "](" not in shown and "**" not in shown
    assert "&lt;script&gt;" in shown and "\\[click\\]\\(http\\:" in shown and "&amp;" in shown


def test_highlight_escapes_every_segment() -> None:
    html = highlight("Peskov & <b>Peskov’s</b> amp", ["Peskov", "amp"])
    assert html == (
        "<mark>Peskov</mark> &amp; &lt;b&gt;<mark>Peskov’s</mark>&lt;/b&gt; <mark>amp</mark>"
    )
    assert highlight("<i>", []) == "&lt;i&gt;"


def test_links_only_for_http_urls() -> None:
    assert link("javascript:alert(1)", "t") == "t"
    assert link('https://x.example/a"b', "t") == "t"
    assert link("https://x.example/?a=1&b=2", "<t>") == (
        '<a href="https://x.example/?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer nofollow">&lt;t&gt;</a>'
    )


def test_question_terms_skip_function_words() -> None:
    assert question_terms("What did Dmitry Peskov say about rare earths?") == [
        "Dmitry", "Peskov", "rare", "earths",
    ]  # fmt: skip


def test_source_cards_escape_article_text_and_metadata() -> None:
    quote = EVIL + " Peskov"
    citation = Citation(
        n=1, doc_id="d", chunk_id="d:x:0000", title="<b>T</b>", source="S<i>", url="javascript:x",
        published_at="2025-02-25", authors=("<A>",), quote=quote, start=0, end=len(quote),
        score=1.0, support=1.0,
    )  # fmt: skip
    answer = Answer(question="What did Peskov say?", answer=f"{quote} [1]", citations=[citation])
    cards = source_cards(answer.citations, answer.question)
    assert (
        "<script>" not in cards
        and "<b>T" not in cards
        and "<i>" not in cards
        and "<A>" not in cards
    )
    assert "&lt;script&gt;" in cards and "<strong>Peskov</strong>" in cards and "href" not in cards
    assert source_cards([]) == ""


def test_unsupported_written_sentences_are_marked_and_notices_lead() -> None:
    from rag.contract import Statement
    from ui.render import answer_text

    statements = [
        Statement(text="Trump asked for $500 billion [1].", cites=(1,), supported=True),
        Statement(text="He <b>won</b> [1].", cites=(1,), supported=False),
    ]
    answer = Answer(question="q", answer="x", statements=statements, notice="")
    shown = answer_text(answer)
    assert shown.startswith("Trump asked") and "⚠ *(not supported" in shown
    assert "<b>" not in shown
    fallback = Answer(question="q", answer="Passage [1]", notice="The model <i> failed")
    assert answer_text(fallback).startswith("*The model &lt;i&gt; failed*")


def test_a_revised_article_shows_both_dates() -> None:
    fields = dict(
        n=1, doc_id="d", chunk_id="d:x:0000", title="T", source="Coast Times", url="",
        authors=(), quote="Q", start=0, end=1, score=1.0, support=1.0,
    )  # fmt: skip
    revised = Citation(published_at="2025-03-04", updated_at="2025-03-05", **fields)  # type: ignore[arg-type]
    same = Citation(published_at="2025-03-04", updated_at="2025-03-04", **fields)  # type: ignore[arg-type]
    assert revised.dates() == "2025-03-04, updated 2025-03-05"
    assert same.dates() == "2025-03-04"
    card = source_cards([revised])
    assert "2025-03-04, updated 2025-03-05" in card


def test_an_answer_names_the_window_it_used() -> None:
    from datetime import date

    from rag.contract import DateWindow
    from ui.render import answer_text

    window = DateWindow(
        start=date(2025, 2, 17), end=date(2025, 2, 23), phrase="last week", strict=True,
        label="Articles of 17–23 Feb 2025",
    )  # fmt: skip
    citation = Citation(
        n=1, doc_id="d", chunk_id="d:x:0000", title="T", source="S", url="",
        published_at="2025-02-20", authors=(), quote="Q", start=0, end=1, score=1.0, support=1.0,
    )  # fmt: skip
    found = Answer(question="q", answer="Q [1]", citations=[citation], window=window)
    assert answer_text(found).startswith("*Articles of 17–23 Feb 2025*")


def test_copies_show_in_cards_and_the_article_table() -> None:
    from rag.contract import ArticleMeta, ArticlePage
    from ui.render import articles_table

    citation = Citation(
        n=1, doc_id="d", chunk_id="d:x:0000", title="T", source="S", url="",
        published_at="2025-02-20", authors=(), quote="Q", start=0, end=1, score=1.0,
        support=1.0, also_in=("AP", "<Reuters>"),
    )  # fmt: skip
    card = source_cards([citation])
    assert "also in: AP, &lt;Reuters&gt;" in card
    rows = [ArticleMeta(doc_id="a", copies=("b",)), ArticleMeta(doc_id="b", copy_of="a")]
    table = articles_table(ArticlePage(total=2, offset=0, limit=50, articles=rows))
    assert "<td>1 copy</td>" in table and "<td>copy of a</td>" in table


ARTICLE = (
    "Harbor bridge reopens\n\nThe bridge was shut for six weeks. “It is safe now,” councillor "
    "Mark Olsen said on Tuesday. Traffic resumed at noon. The repairs cost 2 million."
)
QUOTE = "“It is safe now,” councillor Mark Olsen said on Tuesday."


def _citation(quote: str = QUOTE, doc_id: str = "bridge", n: int = 1, **extra: object) -> Citation:
    start = ARTICLE.index(quote)
    fields: dict[str, object] = dict(
        n=n, doc_id=doc_id, chunk_id=f"{doc_id}:x:0000", title="", source="", url="",
        published_at="", authors=(), quote=quote, start=start, end=start + len(quote),
        score=1.0, support=1.0,
    )  # fmt: skip
    return Citation.model_validate(fields | extra)


def test_a_card_shows_its_quote_marked_in_its_context() -> None:
    """Extractive answers showed each quote twice, bare: the card now shows the sentence
    before and after, the quoted words marked, and names the span it opens."""
    from ui.viewer import context_of, contexts_for

    citation = _citation()
    before, after = context_of(ARTICLE, citation.start, citation.end)
    assert before == "The bridge was shut for six weeks."
    assert after == "Traffic resumed at noon."
    card = source_cards(
        [citation], "What did Olsen say?", contexts_for([citation], {"bridge": ARTICLE}), turn=2
    )
    assert '<mark class="nd-q">“It is safe now,” councillor Mark <strong>Olsen</strong>' in card
    assert card.index("six weeks.") < card.index('class="nd-q"') < card.index("Traffic resumed")
    assert 'id="nd-src-2-1"' in card and 'data-doc="bridge"' in card
    assert f'data-start="{citation.start}" data-end="{citation.end}"' in card


def test_markers_link_to_their_cards_and_nothing_else() -> None:
    from ui.render import answer_text

    answer = Answer(question="q", answer=f"{QUOTE} [1] Text [7] [x](y)", citations=[_citation()])
    shown = answer_text(answer, turn=3)
    assert '<a class="nd-ref" href="#nd-src-3-1">[1]</a>' in shown
    assert "\\[7\\]" in shown and "nd-src-3-7" not in shown  # no card 7: stays text
    assert "](" not in shown


def test_the_viewer_shows_the_whole_article_escaped_with_the_span_marked() -> None:
    from rag.contract import Article
    from ui.viewer import article_view

    evil = Article(
        doc_id="e", title="", origin="/srv/news/harbor-bridge.txt", source="<b>Wire</b>",
        text="<script>x()</script> " + ARTICLE,
    )  # fmt: skip
    start = evil.text.index(QUOTE)
    view = article_view(evil, start, start + len(QUOTE))
    assert f"<mark id='nd-viewer-mark'>{QUOTE}</mark>" in view
    assert "<script>" not in view and "&lt;script&gt;" in view and "<b>Wire" not in view
    assert "harbor-bridge.txt" in view and "/srv/news" not in view  # never a server path
    assert "href" not in view  # no URL: no link, the article is read here
    assert article_view(evil, 10**6, 10**6 + 5).count("<mark") == 0


def test_a_card_shows_the_page_or_time_of_its_quote() -> None:
    citation = Citation(
        n=1, doc_id="d", chunk_id="d:x:0000", title="Hearing", source="City TV", url="",
        published_at="", authors=(), quote="Lena Berg: The farm opens.", start=0, end=26,
        score=1.0, support=1.0, location="00:01:15.500",
    )  # fmt: skip
    html = source_cards([citation], "q")
    assert "City TV · 00:01:15.500" in html
