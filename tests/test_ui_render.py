"""The UI's HTML and Markdown: article text always shows as text, never as markup."""

from __future__ import annotations

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
    answer = {
        "question": "What did Peskov say?",
        "citations": [
            {"n": 1, "quote": EVIL + " Peskov", "title": "<b>T</b>", "source": "S<i>",
             "published_at": "2025-02-25", "url": "javascript:x", "authors": ["<A>"]},
        ],
    }  # fmt: skip
    cards = source_cards(answer)
    assert "<script>" not in cards and "<b>T" not in cards and "<i>" not in cards
    assert "&lt;script&gt;" in cards and "<mark>Peskov</mark>" in cards and "href" not in cards
    assert source_cards({"question": "q", "citations": []}) == ""
