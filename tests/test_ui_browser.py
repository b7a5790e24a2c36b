"""The chat UI in a real browser: Debian chromium driven by playwright, against a real server.

In CI (``CI`` set) a missing chromium fails the suite; locally the tests skip with the
reason. Requests to anything but the test server are blocked and counted, so the page
must work offline. Screenshots go to ``test-output/ui/`` (gitignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from newsdesk.server import create_app
from rag.embedding import Embedder
from tests.conftest import ROOT
from tests.live_server import llm_settings, model_server, sample_desk, sample_settings, serve

pytestmark = pytest.mark.browser

OUTPUT = ROOT / "test-output" / "ui"
WAIT_MS = 120_000  # how long to wait for the page to react: a bound, not an assertion
PESKOV_1 = "“The Americans need rare earth metals. We have a lot of them,” Peskov explained."
PESKOV_2 = "there are quite broad prospects for cooperation here"
EVIL_TITLE = "Evil <b>title</b> [x](http://evil.example)"
EVIL_SOURCE = "Test Wire <img src=y onerror=window.pwned=4>"
EVIL_AUTHOR = "<svg onload=window.pwned=5>Eve"
EVIL_TEXT = (
    "<script>window.pwned=1</script> Merkel spoke. [click me](http://evil.example) and "
    "<img src=x onerror=window.pwned=2>.\n\n“We will see,” Angela Merkel said on Monday."
)


@pytest.fixture(scope="module")
def ui_url(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    settings = sample_settings(tmp_path_factory.mktemp("ui"))
    with serve(create_app(sample_desk(settings, embedder), settings)) as url:
        yield url


@contextmanager
def local_page(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh page; any request leaving the test server is blocked and recorded, and the
    page fails the test if it made one."""
    context = browser.new_context(viewport={"width": 1280, "height": 1300})
    tab = context.new_page()
    tab.set_default_timeout(WAIT_MS)
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    tab.route("**/*", only_local)
    yield tab
    context.close()
    assert outside == [], f"the page tried to reach other hosts: {outside}"


@pytest.fixture
def page(browser: Any, ui_url: str) -> Iterator[Any]:
    """A fresh page on the UI, kept on the test server (:func:`local_page`)."""
    with local_page(browser, ui_url) as tab:
        tab.goto(ui_url + "/", wait_until="domcontentloaded")
        tab.locator("#nd-chat").wait_for()  # gradio renders the app after the document loads
        yield tab


def _field(page: Any, elem_id: str) -> Any:
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


# How many answers have finished: each ends with source cards (those of an answer still
# being written are under .nd-pending) or with the nothing-found hint.
COUNT_DONE = (
    "() => [document.querySelectorAll('.nd-sources:not(.nd-pending) .nd-card').length,"
    " (document.querySelector('#nd-chat').innerText.match(/Try other words/g) || []).length]"
)
MORE_DONE = (
    f"([cards, hints]) => {{ const [c, h] = ({COUNT_DONE})(); return c > cards || h > hints; }}"
)


def _ask(page: Any, question: str) -> None:
    """Ask, then wait until the answer has finished streaming."""
    before = page.evaluate(COUNT_DONE)
    _field(page, "nd-question").fill(question)
    page.locator("#nd-ask").click()
    page.wait_for_function(MORE_DONE, arg=before)


def _screenshot(page: Any, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_peskov_answer_shows_source_cards_with_both_quotes(page: Any) -> None:
    _ask(page, "What did Peskov say?")
    cards = page.locator(".nd-card")
    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    assert any(PESKOV_1 in t for t in texts), texts
    assert any(PESKOV_2 in t for t in texts), texts
    assert all("Breitbart News" in t and "2025-02-25" in t for t in texts)
    assert page.locator(".nd-card mark.nd-q strong", has_text="Peskov").count() >= 2
    chat = page.locator("#nd-chat").inner_text()
    assert "[1]" in chat and "[2]" in chat
    assert _screenshot(page, "peskov.png").stat().st_size > 0

    _ask(page, "When did he say that?")
    chat = page.locator("#nd-chat").inner_text()
    assert "Asked as: What did Peskov say?" in chat
    assert "Peskov said this on Tuesday 25 February 2025" in chat
    _screenshot(page, "peskov-follow-up.png")


def test_nothing_found_says_so(page: Any) -> None:
    _ask(page, "Who won the 2013 Wimbledon men's singles final?")
    chat = page.locator("#nd-chat").inner_text()
    assert "Nothing found: no passage in the indexed articles answers this question." in chat
    assert page.locator(".nd-card").count() == 0


def test_uploaded_file_is_ingested(page: Any, tmp_path: Path) -> None:
    feed = tmp_path / "wire.jsonl"
    record = {"id": "ui-upload-1", "title": "Harbour news", "source": "Coast Wire",
              "body": "“The harbour reopens on Monday,” Ola Strand said."}  # fmt: skip
    feed.write_text(json.dumps(record) + "\n" + '{"title": "no body"}\n', encoding="utf-8")
    page.get_by_role("tab", name="Ingest").click()
    page.locator("#nd-files input[type=file]").set_input_files(str(feed))
    page.locator("#nd-ingest-files").click()
    result = page.locator("#nd-ingest-result", has_text="1 added")
    result.wait_for()
    assert "upload/wire.jsonl:2: no article text" in result.inner_text()
    page.get_by_role("tab", name="Chat").click()
    _ask(page, "What did Ola Strand say?")
    assert "The harbour reopens on Monday" in page.locator(".nd-card").first.inner_text()


def test_pasted_article_renders_as_text_and_can_be_deleted(page: Any) -> None:
    page.get_by_role("tab", name="Ingest").click()
    _field(page, "nd-title").fill(EVIL_TITLE)
    _field(page, "nd-publisher").fill(EVIL_SOURCE)
    _field(page, "nd-authors").fill(EVIL_AUTHOR)
    _field(page, "nd-date").fill("2025-03-01")
    _field(page, "nd-url").fill("javascript:window.pwned=3")
    _field(page, "nd-text").fill(EVIL_TEXT)
    page.locator("#nd-ingest-text").click()
    page.locator("#nd-text-result", has_text="1 added").wait_for()

    page.get_by_role("tab", name="Chat").click()
    _ask(page, "Merkel spoke click me")
    card = page.locator(".nd-card").first.inner_text()
    assert "<script>window.pwned=1</script> Merkel spoke. [click me](http://evil.example)" in card
    assert EVIL_TITLE in card and EVIL_SOURCE in card and EVIL_AUTHOR in card
    assert page.evaluate("window.pwned") is None
    assert page.locator("#nd-chat a:not(.nd-ref)").count() == 0  # only links to the cards
    page.locator(".nd-card .nd-open").first.click()  # the viewer escapes the article too
    page.locator("#nd-viewer .nd-viewer-text mark").wait_for()
    assert "<script>window.pwned=1</script>" in page.locator("#nd-viewer").inner_text()
    assert page.locator("#nd-viewer script, #nd-viewer img, #nd-viewer a").count() == 0
    assert page.evaluate("window.pwned") is None
    page.locator(".nd-viewer-close").click()
    assert page.locator("#nd-chat script, #nd-chat img[src='x']").count() == 0
    _screenshot(page, "escaped.png")

    page.get_by_role("tab", name="Articles").click()
    page.locator("#nd-refresh").click()
    table = page.locator("#nd-articles")
    table.get_by_text(EVIL_TITLE).wait_for()
    doc_id = table.locator("tr", has_text="Test Wire").locator("td").first.inner_text()
    _field(page, "nd-delete-choice").fill(doc_id)
    _field(page, "nd-delete-choice").press("Enter")
    page.locator("#nd-delete").click()
    page.wait_for_function("() => !document.querySelector('#nd-articles').innerText"
                           ".includes('Test Wire')")  # fmt: skip
    assert "Breitbart News" in table.inner_text()


def test_speakers_tab_lists_speakers_and_asks_about_one(page: Any) -> None:
    """The list shows when the tab opens (no button to press first), a place is not in it,
    and "Ask what they said" switches to the Chat tab and asks there."""
    page.get_by_role("tab", name="Speakers").click()
    table = page.locator("#nd-speakers")
    table.get_by_text("Dmitry Peskov").wait_for()
    assert "Vladimir Putin" in table.inner_text() and "Beijing" not in table.inner_text()
    page.locator("#nd-speaker input").first.fill("Dmitry Peskov")
    page.keyboard.press("Enter")
    before = page.evaluate(COUNT_DONE)
    page.locator("#nd-speaker-ask").click()
    page.locator("#nd-chat").wait_for(state="visible")  # the Chat tab is shown
    page.wait_for_function(MORE_DONE, arg=before)
    chat = page.locator("#nd-chat").inner_text()
    assert "What did Dmitry Peskov say?" in chat and PESKOV_1 in chat
    _screenshot(page, "speakers.png")


def test_copy_with_sources_and_export_the_chat(page: Any) -> None:
    """The two export boxes show only once they hold something."""
    assert page.locator("#nd-export").count() == 0 or not page.locator("#nd-export").is_visible()
    assert not page.locator("#nd-export-file").is_visible()
    _ask(page, "What did Peskov say?")
    assert not page.locator("#nd-export textarea").is_visible()
    page.locator("#nd-copy").click()
    exported = page.locator("#nd-export textarea")
    page.wait_for_function(
        "() => document.querySelector('#nd-export textarea')?.value.includes('[^1]:')"
    )
    text = exported.input_value()
    assert text.startswith("## What did Peskov say?") and "Breitbart News, 2025-02-25" in text
    assert PESKOV_1.split(",")[0].strip("“") in text
    page.locator("#nd-export-chat").click()
    link = page.locator("#nd-export-file a").first
    link.wait_for()
    href = link.get_attribute("href") or ""
    assert href.endswith("newsdesk-chat.md")
    document = page.request.get(href).text()
    assert document.startswith("# Newsdesk chat") and "[^1-1]: “" in document


HARBOR = (
    "Harbor bridge reopens after repairs\n"
    "25 February 2025\n\n"
    "The harbor bridge reopened on Tuesday after six weeks of repairs.\n\n"
    "“The bridge is safe for every kind of traffic,” councillor Mark Olsen said.\n\n"
    "The repairs cost the city 2 million kroner.\n"
)


def test_every_page_and_the_api_docs_load_offline(browser: Any, ui_url: str) -> None:
    """Every tab of the UI and /docs: no request may leave 127.0.0.1 (/docs was blank
    without internet: swagger-ui came from a CDN)."""
    with local_page(browser, ui_url) as tab:
        tab.goto(ui_url + "/", wait_until="domcontentloaded")
        tab.locator("#nd-chat").wait_for()
        for name, shown in [("Ingest", "#nd-files"), ("Speakers", "#nd-speakers"),
                            ("Articles", "#nd-articles"), ("Chat", "#nd-chat")]:  # fmt: skip
            tab.get_by_role("tab", name=name).click()
            tab.locator(shown).wait_for(state="visible")
        tab.goto(ui_url + "/docs", wait_until="load")
        tab.locator(".swagger-ui .info .title", has_text="Newsdesk").wait_for()
        tab.locator(".opblock-summary-path", has_text="/api/ask").first.wait_for()
        _screenshot(tab, "docs.png")


def test_an_example_asks_when_clicked(page: Any) -> None:
    before = page.evaluate(COUNT_DONE)
    page.locator(".nd-example", has_text="What did Peskov say?").click()
    page.wait_for_function(MORE_DONE, arg=before)
    assert PESKOV_1 in page.locator(".nd-card").first.inner_text()


def test_a_card_opens_its_article_with_the_span_marked(page: Any) -> None:
    _ask(page, "What did Peskov say?")
    card = page.locator(".nd-card").filter(has=page.locator("mark.nd-q", has_text=PESKOV_1))
    start, end = int(card.get_attribute("data-start")), int(card.get_attribute("data-end"))
    context = card.locator(".nd-ctx").first.inner_text()
    assert context and context not in PESKOV_1  # the sentence before it, not the quote again
    card.click()
    mark = page.locator("#nd-viewer mark#nd-viewer-mark")
    mark.wait_for()
    assert mark.inner_text() == PESKOV_1
    text = page.locator("#nd-viewer .nd-viewer-text").inner_text()
    assert len(text) > 3000 and text.index(PESKOV_1) > 0  # the whole article around it
    assert end - start == len(PESKOV_1)
    assert "Breitbart News" in page.locator("#nd-viewer .nd-meta").inner_text()
    page.wait_for_function(  # scrolled to the mark inside the panel
        "() => { const m = document.querySelector('#nd-viewer-mark').getBoundingClientRect();"
        " return m.top >= 0 && m.bottom <= window.innerHeight; }"
    )
    _screenshot(page, "viewer.png")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.nd-viewer-panel')")


def test_a_marker_in_the_answer_links_to_its_card(page: Any) -> None:
    _ask(page, "What did Peskov say?")
    marker = page.locator("#nd-chat a.nd-ref", has_text="[2]").last
    target = (marker.get_attribute("href") or "").removeprefix("#")
    assert target.startswith("nd-src-") and page.locator(f"#{target}").count() == 1
    marker.click()
    page.locator(f"#{target}.nd-flash").wait_for()
    assert page.locator(".nd-viewer-panel").count() == 0  # a marker scrolls, never opens


def test_a_plain_text_file_gets_its_title_and_date_and_opens_in_the_viewer(
    page: Any, tmp_path: Path
) -> None:
    """A .txt showed "upload/harbor-bridge.txt" as its title and had no date; the ingest
    result shows right under the button that was pressed."""
    path = tmp_path / "harbor-bridge.txt"
    path.write_text(HARBOR, encoding="utf-8")
    page.get_by_role("tab", name="Ingest").click()
    page.locator("#nd-files input[type=file]").set_input_files(str(path))
    page.locator("#nd-ingest-files").click()
    result = page.locator("#nd-ingest-result", has_text="added")
    result.wait_for()
    button = page.locator("#nd-ingest-files").bounding_box()
    shown = result.bounding_box()
    assert 0 <= shown["y"] - (button["y"] + button["height"]) < 120, (button, shown)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#nd-refresh").click()
    row = page.locator("#nd-articles tr", has_text="Harbor bridge reopens after repairs")
    row.wait_for()
    assert "2025-02-25" in row.inner_text() and "upload/" not in row.inner_text()
    page.get_by_role("tab", name="Chat").click()
    _ask(page, "What did Mark Olsen say?")
    card = page.locator(".nd-card").first
    assert "Harbor bridge reopens after repairs" in card.inner_text()
    card.locator(".nd-open").click()
    page.locator("#nd-viewer mark", has_text="The bridge is safe").wait_for()
    assert "Harbor bridge reopens after repairs" in page.locator(".nd-viewer-title").inner_text()


# What the chat shows at each change while an answer is written: the pending cards, and
# whether the placeholder waiting for the model (or for retrieval) is still there.
WATCH_CHAT = """() => {
  window.ndLog = [];
  const chat = document.querySelector('#nd-chat');
  new MutationObserver(() => {
    const text = chat.innerText;
    window.ndLog.push({cards: document.querySelectorAll('.nd-pending .nd-card').length,
                       writing: text.includes('Writing the answer from these sources'),
                       searching: text.includes('Searching the articles')});
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def llm_ui_url(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    """The UI in LLM mode, against SmolLM2 served by llama.cpp on 127.0.0.1."""
    with model_server() as port:
        settings = llm_settings(tmp_path_factory.mktemp("ui-llm"), port)
        with serve(create_app(sample_desk(settings, embedder), settings)) as url:
            yield url


def test_llm_mode_shows_the_sources_before_the_first_token(browser: Any, llm_ui_url: str) -> None:
    """LLM mode showed "Searching the articles…" for 5-16 s: the cards now come as soon as
    retrieval ends, while the model is still reading, before it writes a word."""
    with local_page(browser, llm_ui_url) as tab:
        tab.goto(llm_ui_url + "/", wait_until="domcontentloaded")
        tab.locator("#nd-chat").wait_for()
        tab.evaluate(WATCH_CHAT)
        _ask(tab, "How much did Trump demand from Ukraine?")
        log: list[dict[str, Any]] = tab.evaluate("window.ndLog")
        waiting = [i for i, e in enumerate(log) if e["writing"]]
        assert waiting, log  # the model was asked, and the page waited for it with ...
        assert log[waiting[-1]]["cards"] > 0, log  # ... the cards shown before it wrote
        started = [i for i, e in enumerate(log) if i > waiting[-1]]
        assert started and log[started[0]]["cards"] > 0, log  # the draft came beside them
        assert not any(e["searching"] for e in log[waiting[0] :])  # no going back
        _screenshot(tab, "llm-sources-first.png")
