"""Links that open on a quote (WICG Text Fragments): the encoding of each term, the choice
of words (a prefix or suffix where the quote's words occur earlier, first and last words
for a long quote), URLs that already hold a fragment, and citations carrying the link and
the page or time of the quote. Fast tier: pure functions; the browser test is
``test_links_browser.py``."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from rag.contract import Article, Citation
from rag.links import quote_link, text_directive, with_directive

URL = "https://news.example/bridge"


def terms(link: str) -> dict[str, str]:
    """The directive of a link read back as a browser does: split on ',' and '-' first,
    then percent-decode each term (so an encoded ',' or '-' stays inside its term)."""
    directive = link.split("#", 1)[1].split(":~:text=", 1)[1]
    assert "&" not in directive and " " not in directive
    parts = directive.split(",")
    out: dict[str, str] = {}
    if parts[0].endswith("-"):
        out["prefix"] = unquote(parts.pop(0)[:-1])
    if parts[-1].startswith("-"):
        out["suffix"] = unquote(parts.pop()[1:])
    out["start"] = unquote(parts[0])
    if len(parts) == 2:
        out["end"] = unquote(parts[1])
    assert len(parts) <= 2
    return out


def link_of(text: str, quote: str, title: str = "") -> str:
    """The link of the last occurrence of ``quote`` in ``text``."""
    start = text.rindex(quote)
    return quote_link(URL, text, (start, start + len(quote)), title)


def test_a_short_unique_quote_is_named_whole() -> None:
    text = "The council met on Tuesday. The bridge will reopen in May, officials said."
    link = link_of(text, "The bridge will reopen in May")
    assert link == URL + "#:~:text=The%20bridge%20will%20reopen%20in%20May"


def test_syntax_characters_and_non_ascii_are_percent_encoded() -> None:
    text = "Intro line.\nCafé-owners, bakers & co. — “ready”, she said."
    link = link_of(text, "Café-owners, bakers & co. — “ready”, she said")
    encoded = link.split(":~:text=", 1)[1]
    for raw in ("-", ",", "&", " ", "é", "“"):
        assert raw not in encoded
    assert "Caf%C3%A9%2Downers%2C%20bakers%20%26%20co." in encoded
    assert terms(link) == {"start": "Café-owners, bakers & co. — “ready”, she said"}


def test_leading_and_trailing_punctuation_is_left_out() -> None:
    text = "Opening words.\n“We will open the bridge,” Lopez said."
    link = link_of(text, "“We will open the bridge,” Lopez said.")
    assert terms(link) == {"start": "We will open the bridge,” Lopez said"}


def test_words_that_occur_earlier_get_a_prefix() -> None:
    text = (
        "The mayor said the bridge would open soon.\n"
        "Asked again, the mayor said the bridge would open in May."
    )
    link = link_of(text, "the mayor said the bridge would open")  # (line 1 has "The mayor")
    assert terms(link) == {"prefix": "again,", "start": "the mayor said the bridge would open"}


def test_a_quote_opening_its_paragraph_gets_a_suffix_instead() -> None:
    text = "Repairs went on.\nThe work is done.\nLater:\nThe work is done. Traffic resumed."
    start = text.rindex("The work is done")
    link = quote_link(URL, text, (start, start + len("The work is done.")))
    assert terms(link) == {"start": "The work is done", "suffix": ". Traffic"}


def test_the_title_counts_as_part_of_the_page() -> None:
    text = "Crews worked all night. Bridge to reopen in May, the city said."
    plain = link_of(text, "Bridge to reopen in May")
    titled = link_of(text, "Bridge to reopen in May", title="Bridge to reopen in May")
    assert terms(plain) == {"start": "Bridge to reopen in May"}
    assert terms(titled) == {"prefix": "night.", "start": "Bridge to reopen in May"}


def test_a_long_quote_is_named_by_its_first_and_last_words() -> None:
    text = (
        "Intro.\nThe harbour master said the port would reopen on Friday after crews "
        "repaired the storm damage to both piers and the old lighthouse."
    )
    quote = text.split("\n", 1)[1]
    found = terms(link_of(text, quote))
    assert found == {"start": "The harbour master said", "end": "and the old lighthouse"}


def test_an_end_that_occurs_inside_the_quote_grows_until_it_is_the_last() -> None:
    text = (
        "The plan, the mayor said, would cost less than the old plan and would be "
        "finished sooner than the old plan."
    )
    found = terms(link_of(text, text[:-1]))  # "than the old plan" is in it twice
    assert found == {"start": "The plan, the mayor", "end": "sooner than the old plan"}


def test_a_quote_over_two_paragraphs_names_a_term_in_each() -> None:
    text = "First line here.\nThe vote was close, twelve to eleven.\nThe motion passed."
    start = text.index("The vote")
    found = terms(quote_link(URL, text, (start, len(text))))
    assert found == {"start": "The vote was close", "end": "The motion passed"}


def test_a_page_fragment_is_kept_and_an_old_directive_replaced() -> None:
    assert with_directive("https://a.example/p#sec-2", "text=x") == (
        "https://a.example/p#sec-2:~:text=x"
    )
    assert with_directive("https://a.example/p#:~:text=old", "text=x") == (
        "https://a.example/p#:~:text=x"
    )
    assert (
        with_directive("https://a.example/p?q=1", "text=x") == "https://a.example/p?q=1#:~:text=x"
    )


def test_no_url_no_link_and_no_words_no_directive() -> None:
    assert quote_link("", "Some text.", (0, 4)) == ""
    assert quote_link(URL, "— … —", (0, 5)) == URL
    assert text_directive("Some text.", (4, 5)) is None


@pytest.mark.parametrize("casing", ["THE BRIDGE WILL OPEN", "the bridge will open"])
def test_matching_ignores_case_as_browsers_do(casing: str) -> None:
    text = f"{casing} soon.\nThe bridge will open in May."
    found = terms(link_of(text, "The bridge will open in May"))
    assert found == {"start": "The bridge will open in May"}  # "in May" is unique
    found = terms(link_of(text, "The bridge will open"))
    assert found == {"start": "The bridge will open", "suffix": "in"}


def test_a_citation_carries_its_link_and_location() -> None:
    text = "Page one words.\n\nOn page two, “the bridge opens in May,” Lopez said."
    article = Article(
        doc_id="d", title="Bridge", url=URL, text=text,
        locations=((0, "p. 1"), (text.index("On page"), "p. 2")),
    )  # fmt: skip
    start = text.index("“the")
    citation = Citation.of(article, 1, "d:x:0000", (start, len(text)), 1.0, 1.0)
    assert citation.quote == text[start:]
    assert citation.location == "p. 2"
    assert (
        citation.link == URL + "#:~:text=the%20bridge%20opens%20in%20May%2C%E2%80%9D%20Lopez%20said"
    )
    first = Citation.of(article, 2, "d:x:0000", (0, 4), 1.0, 1.0)
    assert first.location == "p. 1"
    assert article.location_at(text.index("On page") - 1) == "p. 1"
    assert Article(doc_id="e", text="x", locations=((5, "p. 2"),)).location_at(0) == ""
    assert Citation.of(article.model_copy(update={"url": ""}), 1, "c", (0, 4), 1, 1).link == ""
