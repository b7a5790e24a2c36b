"""Article endpoints: ingest (JSON article or file upload), list, read, delete.

``POST /api/articles`` takes either content type on one path, as the issue asks; the
handler picks by Content-Type and hands the blocking ingestion to a worker thread.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import Access, CollectionParam, caller, reader, writer
from api.schemas import Deleted
from ingest import MAX_TITLE_CHARS, extensions_text
from rag.contract import Article, ArticlePage, IngestReport
from services.gate import SharedDesk
from services.keys import Principal
from services.uploads import ingest_record, ingest_upload, merge, require_stored

MAX_FILES = 20
MAX_OFFSET = 2**31 - 1  # Chroma's offsets are 32-bit
JSON_ORIGIN = "api"  # shared by every posted article: one without id or URL is keyed by text
ARTICLE_EXAMPLE = {
    "title": "Headline",
    "body": "Article text ...",
    "source": "Publisher",
    "published_at": "2025-02-25",
    "url": "https://example.com/story",
    "authors": ["A. Writer"],
}
_TEXT = {"type": "string", "pattern": r"\S", "description": "The article text."}
_LINE = {"type": "string"}
ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One article. The text is the first of body, text, content or article "
    "present (one is required, not blank); other names of each field are accepted too.",
    "properties": {
        "body": _TEXT,
        "text": _TEXT,
        "content": _TEXT,
        "article": _TEXT,
        "title": {"type": "string", "maxLength": MAX_TITLE_CHARS},
        "source": _LINE,
        "published_at": {
            "type": "string",
            "format": "date",
            "description": "YYYY-MM-DD (other common date forms are read too).",
        },
        "url": _LINE,
        "authors": {"type": "array", "items": _LINE},
        "doc_id": {"type": "string", "minLength": 1, "description": "Your id; else one is made."},
    },
    "anyOf": [{"required": [name]} for name in ("body", "text", "content", "article")]
    + [{"required": ["url"], "description": "Only a URL: the page is fetched and extracted."}],
}
INGEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ARTICLE_SCHEMA, "example": ARTICLE_EXAMPLE},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def router(shared: SharedDesk) -> APIRouter:
    """The article routes over one shared Newsdesk; each names its collection with
    ``?collection=`` (default: the key's first), checked against the caller's key."""
    reading, writing, who = reader(shared), writer(shared), caller(shared)
    routes = APIRouter(prefix="/api/articles", tags=["articles"])

    @routes.post(
        "",
        response_model=IngestReport,
        status_code=201,
        openapi_extra=INGEST_BODY,
        responses={200: {"model": IngestReport, "description": "Nothing new was stored."}},
        summary=f"Ingest a JSON article, or files ({extensions_text()})",
    )
    async def post_article(
        request: Request, response: Response, access: Access = Depends(writing)
    ) -> IngestReport:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            report = await _ingest_form(shared, request, access.collection)
        else:
            record = await _json_object(request)
            report = await run_in_threadpool(_ingest_json, shared, record, access.collection)
        shared.audit.ingested(access.principal.name, access.collection, report)
        response.status_code = 201 if report.added or report.updated else 200
        return report

    @routes.get("", response_model=ArticlePage, summary="List articles")
    def list_articles(
        access: Access = Depends(reading),
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> ArticlePage:
        with shared.use() as desk:
            page = desk.list_articles(offset, limit, access.collection)
        return page.model_copy(update={"articles": [a.public() for a in page.articles]})

    @routes.get(
        "/{doc_id}",
        response_model=Article,
        summary="An article's text and metadata",
        description="Looked up in `collection`; without it, in every collection the key may "
        "read (its own first).",
    )
    def get_article(
        doc_id: str, principal: Principal = Depends(who), collection: CollectionParam = None
    ) -> Article:
        with shared.use() as desk:
            names = principal.reading([collection]) if collection else shared.readable(principal)
            return desk.get_article(doc_id, names).public()

    @routes.delete("/{doc_id}", response_model=Deleted)
    def delete_article(doc_id: str, access: Access = Depends(writing)) -> Deleted:
        with shared.use() as desk:
            desk.delete_article(doc_id, access.collection)
        shared.audit.deleted(access.principal.name, access.collection, [doc_id])
        return Deleted(deleted=doc_id)

    return routes


async def _json_object(request: Request) -> dict[str, object]:
    kind = request.headers.get("content-type", "application/json")
    if not kind.startswith("application/json"):
        raise HTTPException(415, "send application/json (one article) or multipart/form-data")
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise HTTPException(400, f"the request body is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise HTTPException(422, "expected one article: a JSON object of named fields")
    return data


def _ingest_json(shared: SharedDesk, record: dict[str, object], collection: str) -> IngestReport:
    with shared.use() as desk:
        return ingest_record(desk, record, JSON_ORIGIN, collection)


async def _ingest_form(shared: SharedDesk, request: Request, collection: str) -> IngestReport:
    async with request.form(max_files=MAX_FILES, max_fields=MAX_FILES) as form:
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
        if not files:
            raise HTTPException(422, "a multipart upload needs a file in the field 'file'")
        reports = [await run_in_threadpool(_ingest_upload, shared, f, collection) for f in files]
    return require_stored(merge(reports))


def _ingest_upload(shared: SharedDesk, upload: UploadFile, collection: str) -> IngestReport:
    with shared.use() as desk:
        return ingest_upload(desk, upload.filename or "upload", upload.file, collection)
