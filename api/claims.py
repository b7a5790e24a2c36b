"""Claim endpoint: is this true, and did X really say that? ``POST /api/claims``.

The body holds a ``claim``, or a ``quote`` (and its ``speaker``): the answer is the core's
:class:`rag.contract.ClaimCheck`, with ``verdict`` (claims) or ``quote_check`` (quotes)
and the cited passages; with ``Accept: text/markdown``, the check as Markdown with
footnotes. Bad input (both or neither, too long) is a 422 worded by the core. The
``collection`` / ``collections`` searched are checked against the caller's key, as for
``/api/ask`` (403 beyond it).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from api.auth import caller
from api.schemas import ClaimIn
from rag.contract import ClaimCheck
from services.export import claim_markdown
from services.gate import SharedDesk
from services.keys import Principal

DOC = (
    "Claims: `verdict` is supported (a passage holds every name, number with its unit, "
    "date and quoted word of the claim, about the same subject), contradicted (a passage "
    "about the same subject gives another number or date), mixed, or not_found. Quotes: "
    "`quote_check` is exact, altered (a near match by that speaker, with a word diff), "
    "misattributed (said by someone else, named) or not_found. JSON by default; with "
    "`Accept: text/markdown`, Markdown with footnotes."
)
MARKDOWN: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/markdown": {"schema": {"type": "string"}}}}
}


def router(shared: SharedDesk) -> APIRouter:
    """``POST /api/claims`` over one shared Newsdesk."""
    routes = APIRouter(prefix="/api", tags=["claims"])
    who = caller(shared)

    @routes.post(
        "/claims",
        response_model=ClaimCheck,
        summary="Check a claim or a quote against the archive",
        description=DOC,
        responses=MARKDOWN,
    )
    def post_claims(body: ClaimIn, request: Request, principal: Principal = Depends(who)) -> Any:
        query = body.query().model_copy(update={"collections": principal.reading(body.named())})
        with shared.use() as desk:
            check = desk.check_claim(query)
        if "text/markdown" in request.headers.get("accept", ""):
            return PlainTextResponse(claim_markdown(check), media_type="text/markdown")
        return check

    return routes
