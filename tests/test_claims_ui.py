"""The Claims tab in a real browser (Debian chromium driven by playwright, a real server on
127.0.0.1): the four quote verdicts of the issue on the sample, the changed words marked and
the diff shown, a claim's parts marked, and the Markdown export beside it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_ui_browser import _field, _screenshot, page, ui_url  # noqa: F401

pytestmark = pytest.mark.browser
PESKOV = "The Americans need rare earth metals. We have a lot of them."


def _check(page: Any, kind: str, text: str, speaker: str = "") -> Any:  # noqa: F811
    """Fill the tab, press Check, wait for a new verdict; the result element."""
    page.get_by_role("tab", name="Claims").click()
    page.locator("#nd-claim-kind label", has_text=kind).click()
    _field(page, "nd-claim-speaker").fill(speaker)
    _field(page, "nd-claim-text").fill(text)
    page.evaluate("() => document.querySelectorAll('#nd-claim-result .nd-verdict')"
                  ".forEach(v => { v.dataset.stale = '1'; })")  # fmt: skip
    page.locator("#nd-claim-check").click()
    page.wait_for_function(  # a verdict rendered anew (gradio's timer changes the text first)
        "() => document.querySelector('#nd-claim-result .nd-verdict:not([data-stale])')"
    )
    return page.locator("#nd-claim-result")


@pytest.mark.parametrize(
    ("text", "speaker", "verdict"),
    [
        (f"Peskov said: '{PESKOV}'", "", "exact"),
        (PESKOV.replace("a lot", "plenty"), "Peskov", "altered"),
        (PESKOV, "Zelensky", "misattributed"),
        ("We will never sell our rare earths to anyone.", "Peskov", "not_found"),
    ],
)
def test_the_four_quote_verdicts(page: Any, text: str, speaker: str, verdict: str) -> None:  # noqa: F811
    result = _check(page, "Quote", text, speaker)
    assert result.locator(f".nd-verdict[data-verdict='{verdict}']").count() == 1
    shown = result.inner_text()
    if verdict == "not_found":
        assert result.locator(".nd-evidence").count() == 0
        return
    assert "Dmitry Peskov" in shown and "Breitbart News" in shown
    assert result.locator(".nd-evidence").first.get_attribute("data-stance") == verdict
    if verdict == "altered":
        assert result.locator("mark.nd-mark-changed").first.inner_text() == "a lot"
        assert result.locator(".nd-claim-diff del").first.inner_text() == "plenty"
        _screenshot(page, "claims-altered.png")
    exported = page.locator("#nd-claim-export textarea").input_value()
    assert exported.startswith(f"## Quote check: {verdict}") and "[^1]:" in exported


def test_a_claim_with_its_parts_marked(page: Any) -> None:  # noqa: F811
    claim = "In August, Beijing announced that it extracted 270,000 tons of rare earths."
    result = _check(page, "Claim", claim)
    assert result.locator(".nd-verdict[data-verdict='supported']").count() == 1
    marks = [
        result.locator("mark").nth(i).inner_text() for i in range(result.locator("mark").count())
    ]
    assert "Beijing" in marks and "270,000" in marks
    assert page.evaluate("window.pwned") is None
    _screenshot(page, "claims-supported.png")
