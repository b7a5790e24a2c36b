"""/docs works without internet: its script, style and icon are served by Newsdesk itself
(the bundled swagger-ui of the pinned ``fastapi-offline`` package), never from a CDN.
Fast tier: the app over the fakes, in-process HTTP. The browser test
(tests/test_ui_browser.py) loads the page and counts requests leaving 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from newsdesk.server import create_app
from rag.desk import build
from services.settings import Settings
from tests.fakes import DictStore, HashingEmbedder

_LINKS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(["']?([^"')]+)""", re.I)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    desk = build(settings, HashingEmbedder(), DictStore())
    return TestClient(create_app(desk, settings, ui=False))


def test_the_doc_page_loads_everything_from_this_server(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "cdn." not in html and "fonts.googleapis" not in html, html
    links = [a or b for a, b in _LINKS.findall(html)]
    assert links, html
    for link in links:
        assert link.startswith("/") and not link.startswith("//"), link
        assert client.get(link).status_code == 200, link


def test_swagger_ui_gets_the_openapi_document(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "'/openapi.json'" in html or '"/openapi.json"' in html
    assert client.get("/openapi.json").json()["info"]["title"] == "Newsdesk"


def test_redoc_is_not_offered(client: TestClient) -> None:
    """ReDoc's bundle fetches its logo from its CDN: better none than a page going out."""
    assert client.get("/redoc").status_code == 404
