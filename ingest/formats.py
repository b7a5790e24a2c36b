"""Turn decoded file contents into :class:`ArticleInput` records, one format at a time.

Reading bytes, size limits and encodings are handled in :mod:`ingest.loaders`; this
module only sees text. Every problem with one article is raised as
:class:`IngestError` (or yielded as :class:`IngestFailure`) carrying a message fit
for a user, so the loader can report it and carry on with the next article.

Article bodies are kept exactly as written: the core cites passages by character
offsets into the stored text, so any stripping here would shift every citation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

import yaml

from ingest.discover import sidecar_candidates
from ingest.locations import record_kind, record_locations
from ingest.plaintext import text_header
from rag.contract import ArticleInput, IngestFailure
from rag.errors import IngestError
from rag.text import normalise_date

Loaded = ArticleInput | IngestFailure

# Accepted spellings of each field, first present (and non-empty) wins.
TITLE_KEYS = ("title", "headline")
BODY_KEYS = ("body", "text", "content", "article")
SOURCE_KEYS = ("source", "publisher", "site", "sitename")
DATE_KEYS = ("published_at", "date", "published", "pubDate")
UPDATED_KEYS = ("updated_at", "updated", "modified", "dateModified")
URL_KEYS = ("url", "link")
AUTHOR_KEYS = ("authors", "author")
ID_KEYS = ("doc_id", "id")

MAX_TITLE_CHARS = 1000  # a longer "title" is a mislabelled body, or an attack on the UI
_AUTHOR_SPLIT = re.compile(r",|;|\s+and\s+")
_FRONT_MATTER_END = ("---", "...")


class _MetaLoader(yaml.SafeLoader):
    """YAML loader for metadata: scalars stay strings, except nulls and dates.

    Plain YAML 1.1 would turn ``title: No`` into False and ``doc_id: 0123`` into
    the octal number 83; every field here is text, so only null and timestamp
    resolution is kept.
    """


_MetaLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag.endswith((":null", ":timestamp"))]
    for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def record_to_article(
    record: Mapping[str, object],
    origin: str,
    *,
    text: str | None = None,
    unique_origin: bool = False,
) -> ArticleInput:
    """Map a metadata object onto an article; ``text`` overrides the body fields.

    ``unique_origin``: ``origin`` names this article alone (a file of one article), so an
    article without id or URL is identified by it; otherwise by its text."""
    body = text if text is not None else _body(record)
    if not body.strip():
        raise IngestError("the article text is empty")
    if not any(c.isalnum() for c in body):  # "...", "—": a placeholder, not an article
        raise IngestError(f"the article text has no words: {body.strip()[:40]!r}")
    title = _string(record, TITLE_KEYS)
    if len(title) > MAX_TITLE_CHARS:
        raise IngestError(
            f"the title has {len(title):,} characters; the limit is {MAX_TITLE_CHARS:,}"
        )
    return ArticleInput(
        text=body,
        title=title,
        source=_string(record, SOURCE_KEYS),
        published_at=_date(record),
        updated_at=_date(record, UPDATED_KEYS),
        url=_string(record, URL_KEYS),
        authors=_authors(_first(record, AUTHOR_KEYS)),
        doc_id=_doc_id(record),
        origin=origin,
        unique_origin=unique_origin,
        kind=record_kind(record),
        locations=record_locations(record, body),
    )


def parse_txt(path: Path, text: str, max_bytes: int) -> Iterator[Loaded]:
    """A plain-text article; metadata comes from ``NAME.meta.{json,yaml,yml}`` if any, and
    a title or date the sidecar does not give from the text's first lines."""
    sidecar = next((p for p in sidecar_candidates(path) if p.is_file()), None)
    if sidecar is None:
        yield from guard(
            str(path),
            lambda: record_to_article(_with_header({}, text), str(path), text=text,
                                      unique_origin=True),
        )  # fmt: skip
        return
    # Any metadata problem (unreadable, bad YAML, bad date) is the sidecar's fault.
    yield from guard(
        str(sidecar),
        lambda: record_to_article(
            _with_header(read_sidecar(sidecar, max_bytes), text), str(path), text=text,
            unique_origin=True,
        ),
    )  # fmt: skip


def _with_header(record: Mapping[str, object], text: str) -> Mapping[str, object]:
    """The sidecar's fields, and the text's own title and date where it gives none."""
    header = text_header(text)
    merged = dict(record)
    if header.get("title") and not _string(record, TITLE_KEYS):
        merged["title"] = header["title"]
    if header.get("published_at") and _first(record, DATE_KEYS) is None:
        merged["published_at"] = header["published_at"]
    return merged


def read_sidecar(sidecar: Path, max_bytes: int) -> Mapping[str, object]:
    """Read and parse a sidecar; every problem becomes an IngestError about it."""
    try:
        size = sidecar.stat().st_size
        if size > max_bytes:
            raise IngestError(f"sidecar is {size:,} bytes, over the limit of {max_bytes:,}")
        raw = sidecar.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise IngestError(f"cannot read sidecar ({err.strerror or err})") from err
    except UnicodeDecodeError as err:
        raise IngestError(f"sidecar is not valid UTF-8 (byte offset {err.start})") from err
    if sidecar.name.lower().endswith(".json"):
        return _mapping(_load_json(raw), "sidecar")
    return _mapping(_load_yaml(raw, "sidecar"), "sidecar")


def parse_markdown(origin: str, text: str) -> Iterator[Loaded]:
    """Markdown with optional YAML front matter between ``---`` lines."""

    def build() -> ArticleInput:
        meta, body = split_front_matter(text)
        return record_to_article(meta, origin, text=body, unique_origin=True)

    yield from guard(origin, build)


def split_front_matter(text: str) -> tuple[Mapping[str, object], str]:
    """Return (metadata, body); the body is everything after the closing line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in _FRONT_MATTER_END:
            meta = _load_yaml("".join(lines[1:index]), "front matter")
            body = "".join(lines[index + 1 :])
            return ({} if meta is None else _mapping(meta, "front matter")), body
    raise IngestError("front matter opened with '---' on line 1 is never closed")


def parse_html(origin: str, text: str) -> Iterator[Loaded]:
    """Main text and metadata of a web page, as extracted by trafilatura."""
    yield from guard(origin, lambda: html_article(origin, text))


def html_article(origin: str, text: str, url: str | None = None) -> ArticleInput:
    """The page's main text and metadata; ``url``: where it was fetched from (relative
    links and a missing canonical URL resolve against it)."""
    # Imported here: trafilatura takes about a second to import and most runs
    # never see an HTML file.
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    try:
        doc = bare_extraction(text, url=url, with_metadata=True, include_comments=False)
    except Exception as err:  # a third-party parser: any failure is this page's problem
        raise IngestError(f"HTML could not be parsed ({type(err).__name__}: {err})") from err
    if not isinstance(doc, Document) or not (doc.text or "").strip():
        raise IngestError("no article text could be extracted from the HTML page")
    meta = {
        "title": doc.title,
        "source": doc.sitename,
        "date": doc.date,
        "url": doc.url or url,
        "author": doc.author,
    }
    return record_to_article(meta, origin, text=doc.text, unique_origin=True)


def parse_json(origin: str, text: str) -> Iterator[Loaded]:
    """One article object, or a list of them (items are reported as ``file[INDEX]``)."""
    try:
        data = _load_json(text)
    except IngestError as err:
        yield IngestFailure(origin=origin, message=str(err))
        return
    if isinstance(data, dict):
        yield _object_to_article(data, origin, "article", unique_origin=True)
    elif isinstance(data, list) and data:
        for index, item in enumerate(data):
            yield _object_to_article(item, f"{origin}[{index}]", "list item")
    elif isinstance(data, list):
        yield IngestFailure(origin=origin, message="the JSON list is empty: no articles")
    else:
        yield IngestFailure(
            origin=origin, message=f"expected an article object or a list, got {_kind(data)}"
        )


def parse_json_line(origin: str, line: str) -> Loaded:
    """One line of a JSON Lines file; ``origin`` already names the line."""
    try:
        return _object_to_article(_load_json(line), origin, "line")
    except IngestError as err:
        return IngestFailure(origin=origin, message=str(err))


def _object_to_article(
    value: object, origin: str, what: str, unique_origin: bool = False
) -> Loaded:
    try:
        return record_to_article(_mapping(value, what), origin, unique_origin=unique_origin)
    except IngestError as err:
        return IngestFailure(origin=origin, message=str(err))


def guard(origin: str, build: Callable[[], ArticleInput]) -> Iterator[Loaded]:
    """Run ``build`` and turn an IngestError into a failure for ``origin`` (every parser
    of one article per file reports through this)."""
    try:
        yield build()
    except IngestError as err:
        yield IngestFailure(origin=origin, message=str(err))


def _load_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno} column {err.colno}" if "\n" in text else f"column {err.colno}"
        raise IngestError(f"invalid JSON ({err.msg} at {where})") from err
    except RecursionError as err:
        raise IngestError("invalid JSON (nested too deeply)") from err


def _load_yaml(text: str, what: str) -> object:
    try:  # _MetaLoader is a SafeLoader: no arbitrary Python objects
        return yaml.load(text, Loader=_MetaLoader)
    except yaml.YAMLError as err:
        detail = " ".join(str(err).split())
        raise IngestError(f"invalid YAML in {what} ({detail})") from err
    except RecursionError as err:
        raise IngestError(f"invalid YAML in {what} (nested too deeply)") from err


def _mapping(value: object, what: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise IngestError(f"{what} must be an object of named fields, got {_kind(value)}")
    return {str(key): item for key, item in value.items()}


def _first(record: Mapping[str, object], keys: tuple[str, ...]) -> object:
    """The first field that is present and not empty; None when there is none."""
    for key in keys:
        value = record.get(key)
        if value is not None and value != "" and value != []:
            return value
    return None


def _string(record: Mapping[str, object], keys: tuple[str, ...]) -> str:
    return (_text(record, keys) or "").strip()


def _body(record: Mapping[str, object]) -> str:
    if not any(key in record for key in BODY_KEYS):
        raise IngestError(f"no article text: expected a field named {' or '.join(BODY_KEYS)}")
    return _text(record, BODY_KEYS) or ""  # kept verbatim: citations index into it


def _text(record: Mapping[str, object], keys: tuple[str, ...]) -> str | None:
    value = _first(record, keys)
    if value is not None and not isinstance(value, str):
        raise IngestError(f"field '{_which(record, keys)}' must be text, got {_kind(value)}")
    return value


def _date(record: Mapping[str, object], keys: tuple[str, ...] = DATE_KEYS) -> str:
    value = _first(record, keys)
    try:
        return normalise_date(value)
    except IngestError as err:
        raise IngestError(f"field '{_which(record, keys)}': {err}") from err


def _authors(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        names = _AUTHOR_SPLIT.split(value)
    elif isinstance(value, list) and all(isinstance(name, str) for name in value):
        names = value
    else:
        raise IngestError(f"authors must be text or a list of text, got {_kind(value)}")
    return tuple(name.strip() for name in names if name.strip())


def _doc_id(record: Mapping[str, object]) -> str:
    value = _first(record, ID_KEYS)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise IngestError(f"field '{_which(record, ID_KEYS)}' must be text or an integer")
    return str(value).strip()


def _which(record: Mapping[str, object], keys: tuple[str, ...]) -> str:
    """Name of the field that supplied a value, for messages."""
    return next((key for key in keys if record.get(key) not in (None, "", [])), keys[0])


_KINDS = {
    dict: "an object",
    list: "a list",
    str: "text",
    bool: "true/false",
    int: "a number",
    float: "a number",
}


def _kind(value: object) -> str:
    """How a JSON/YAML value looks to the user who wrote it, for messages."""
    if value is None:
        return "null"
    if isinstance(value, date):
        return "a date"
    return _KINDS.get(type(value), f"a {type(value).__name__}")
