"""The API documentation page, served whole by Newsdesk: ``/docs`` (Swagger UI) with its
script, style and icon from ``/docs-assets``.

FastAPI's own page loads swagger-ui from a CDN, so on a machine without internet
``/docs`` was blank. The assets come from the pinned ``fastapi-offline`` package (MIT),
which ships swagger-ui's dist files (Apache-2.0); only its static folder is used.
ReDoc (``/redoc``) is not offered: its bundle loads its logo from its own CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
# Swagger UI would ask validator.swagger.io about the document: not from here.
SWAGGER_PARAMETERS = {"validatorUrl": None}


def assets_folder() -> Path:
    """The folder of the bundled swagger-ui files."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Serve the assets and the page; the app must be made with ``docs_url=None`` and
    ``redoc_url=None`` (FastAPI's own pages point at a CDN)."""
    app.mount(ASSETS, StaticFiles(directory=assets_folder()), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} API"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
