"""The speaker page, the Following tab and answer feedback in a real browser (Debian
chromium through playwright, as ``tests/test_ui_browser.py``), against a real server
over the sample store. Screenshots go to ``test-output/ui/``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from newsdesk.server import create_app
from rag.embedding import Embedder
from services.settings import Settings
from tests.live_server import sample_desk, sample_settings, serve
from tests.test_ui_browser import PESKOV_1, _ask, _screenshot, local_page

pytestmark = pytest.mark.browser
STRAND = "“The harbour reopens on Monday,” Ola Strand said."


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[tuple[str, Settings]]:
    settings = sample_settings(tmp_path_factory.mktemp("ui-following"))
    with serve(create_app(sample_desk(settings, embedder), settings)) as url:
        yield url, settings


@pytest.fixture
def page(browser: Any, served: tuple[str, Settings]) -> Iterator[Any]:
    url = served[0]
    with local_page(browser, url) as tab:
        tab.goto(url + "/", wait_until="domcontentloaded")
        tab.locator("#nd-chat").wait_for()
        yield tab


def test_peskov_speaker_page_has_dates_and_a_chart(page: Any) -> None:
    page.get_by_role("tab", name="Speakers").click()
    page.locator("#nd-speakers").get_by_text("Dmitry Peskov").wait_for()
    page.locator("#nd-speaker input").first.fill("Peskov")
    page.keyboard.press("Enter")
    page.locator("#nd-speaker-page-show").click()
    bar = page.locator("#nd-speaker-page svg.nd-week-chart rect.nd-bar")
    bar.wait_for()
    assert bar.count() == 1 and bar.get_attribute("data-week") == "2025-W09"
    assert bar.get_attribute("data-quotes") == "3"
    assert bar.get_attribute("data-source") == "Breitbart News"
    drawn = page.evaluate(
        "() => { const r = document.querySelector('#nd-speaker-page rect.nd-bar');"
        " const box = r.getBoundingClientRect();"
        " return [r instanceof SVGRectElement, box.width, box.height]; }"
    )
    assert drawn[0] and drawn[1] > 0 and drawn[2] > 0  # an SVG bar the browser laid out
    said = page.locator("#nd-speaker-page .nd-said")
    assert said.count() == 3
    assert all(said.nth(i).locator(".nd-when").inner_text() == "2025-02-25" for i in range(3))
    header = page.locator("#nd-speaker-page .nd-speaker-name").inner_text()
    assert header == "Dmitry Peskov"
    assert "Putin’s top spokesman" in said.first.inner_text()
    assert any(PESKOV_1 in said.nth(i).inner_text() for i in range(3))
    _screenshot(page, "speaker-peskov.png")
    said.nth(1).click()  # opens the article on the quote
    page.locator("#nd-viewer .nd-viewer-text mark").wait_for()
    assert PESKOV_1 in page.locator("#nd-viewer mark").inner_text()


def test_following_tab_shows_what_new_articles_answered(
    page: Any, served: tuple[str, Settings]
) -> None:
    page.get_by_role("tab", name="Following").click()
    page.locator("#nd-follow-question textarea, #nd-follow-question input").first.fill(
        "What did Ola Strand say?"
    )
    page.locator("#nd-follow").click()
    page.locator("#nd-follows", has_text="What did Ola Strand say?").wait_for()
    article = {"title": "Harbour news", "source": "Coast Wire", "body": STRAND}
    posted = httpx.post(served[0] + "/api/articles", json=article, trust_env=False, timeout=120)
    assert posted.status_code == 201
    page.get_by_role("tab", name="Chat").click()
    page.get_by_role("tab", name="Following").click()  # the list is read when the tab opens
    page.locator("#nd-follows td", has_text="1").first.wait_for()
    page.locator("#nd-follow-choice input").first.click()
    page.get_by_role("option", name="What did Ola Strand say? (1)").click()
    found = page.locator("#nd-follow-passages .nd-card")
    found.first.wait_for()
    assert STRAND in found.first.inner_text() and "Coast Wire" in found.first.inner_text()
    _screenshot(page, "following.png")


def test_a_thumb_under_an_answer_is_stored_with_it(page: Any, served: tuple[str, Settings]) -> None:
    _ask(page, "What did Peskov say?")
    page.locator("#nd-chat button[aria-label='Dislike']").last.click()
    log = served[1].store.cache_path / "feedback.jsonl"
    page.get_by_text("your feedback is stored with the answer").wait_for()
    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert record["vote"] == "down" and record["reason"] is None
    assert record["answer"]["question"] == "What did Peskov say?"
    assert any(PESKOV_1 in c["quote"] for c in record["answer"]["citations"])
