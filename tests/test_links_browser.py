"""A citation's link opens the article on the quote, in a real browser (Debian chromium,
which supports text fragments natively), from a page served on 127.0.0.1.

The page quotes the same words twice, far apart: an old flyer near the top and the
mayor repeating them far below. The article is read from the served page (trafilatura, as
``newsdesk ingest URL`` reads it), stored in a real desk, and "What did Lopez say?" cites
both; each citation's link must bring its own paragraph into view (the second needs words
around the quote to tell it from the first). Before links existed, or with a link naming
the words only, the browser stays at (or goes back to) the first paragraph.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from ingest.formats import html_article
from rag.desk import Newsdesk
from tests.web_server import local_site

pytestmark = pytest.mark.browser

WAIT_MS = 15_000  # how long the page may take to scroll: a bound, not an assertion
QUOTE = "“The bridge will reopen in May,” Mayor Ana Lopez said."
FILLER = "Item {n} on the harbour committee's agenda was discussed at length and then deferred."


def _page(base: str) -> str:
    fill = "\n".join(f"<p>{FILLER.format(n=n)}</p>" for n in range(1, 41))
    more = "\n".join(f"<p>{FILLER.format(n=n)}</p>" for n in range(41, 81))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bridge to reopen | Harbour Post</title>
<link rel="canonical" href="{base}/story.html">
<meta property="og:site_name" content="Harbour Post">
<meta property="article:published_time" content="2025-02-25">
<style>p {{ font: 16px/1.6 sans-serif; margin: 0 0 1.5em; }}</style>
</head><body><article><h1>Bridge to reopen</h1>
<p id="early">Last spring a council flyer already promised it. {QUOTE} Few believed it.</p>
{fill}
<p id="late">On Tuesday she repeated her promise. {QUOTE} This time the money is there.</p>
{more}
</article></body></html>"""


IN_VIEW = """id => { const r = document.getElementById(id).getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight; }"""


def _open(browser: Any, link: str, base: str, expected: str) -> tuple[bool, bool, float]:
    """Open ``link`` in a fresh tab (only the local server reachable), wait until the
    ``expected`` paragraph is in view (a browser applies the directive after layout), and
    say which paragraphs are in view then, and how far the page has scrolled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1000, "height": 700})
    tab = context.new_page()
    tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    tab.goto(link, wait_until="load")
    assert tab.evaluate("() => typeof document.fragmentDirective === 'object'")
    with contextlib.suppress(PlaywrightTimeout):  # never in view: the assertions say so
        tab.wait_for_function(IN_VIEW, arg=expected, timeout=WAIT_MS)
    tab.wait_for_timeout(300)  # let a smooth scroll settle
    seen = tab.evaluate(IN_VIEW, "early"), tab.evaluate(IN_VIEW, "late")
    scrolled = float(tab.evaluate("() => window.scrollY"))
    context.close()
    return seen[0], seen[1], scrolled


def test_each_citation_link_scrolls_to_its_own_quote(browser: Any, desk: Newsdesk) -> None:
    with local_site() as site:
        url = site.page("/story.html", _page(site.base))
        article = html_article("story.html", _page(site.base), url=url)
        assert article.url == url and article.text.count(QUOTE) == 2
        assert not desk.ingest([article]).failed

        answer = desk.ask("What did Lopez say?")
        cited = sorted(answer.citations, key=lambda c: c.start)
        assert [QUOTE in c.quote for c in cited] == [True, True], answer.answer
        early, late = cited
        assert early.link.startswith(url + "#:~:text=") and late.link.startswith(url + "#:~:text=")
        assert early.link != late.link  # the same words: the later one needs context

        assert _open(browser, url, site.base, "early")[:2] == (True, False)  # the top
        early_seen, late_seen, _ = _open(browser, early.link, site.base, "early")
        assert early_seen and not late_seen
        early_seen, late_seen, scrolled = _open(browser, late.link, site.base, "late")
        assert late_seen and not early_seen, f"{late.link} did not scroll to its quote"
        assert scrolled > 700
