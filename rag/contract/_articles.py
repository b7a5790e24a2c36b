"""Articles on their way in and as stored: what a loader hands to ingest, what one ingest
run did, and what the store keeps (metadata, text, pages and cue times, the archive's
publishers and collections). Citations point into the ``text`` defined here."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, WithJsonSchema

from rag.contract._record import _Record

Kind = Literal["article", "transcript"]
# (offset, label) pairs, sorted by offset: where each page ("p. 3") or cue ("00:01:23.500")
# of the stored text starts; a citation shows the label of the last one at or before it.
# (The schema says "pairs of an integer and a string" without prefixItems, which some
# OpenAPI tools cannot read.)
Locations = Annotated[
    tuple[tuple[int, str], ...],
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": ["integer", "string"]},
                "minItems": 2,
                "maxItems": 2,
            },
        }
    ),
]


@dataclass(frozen=True)
class ArticleInput:
    """An article as a loader produced it, before cleaning and chunking.

    ``unique_origin`` says that ``origin`` names this article alone (a file holding one
    article): without an id or URL, it is then identified by where it came from; an item
    of a feed, a posted JSON body or a pasted text is identified by its text instead.
    ``kind`` "transcript": lines ``SPEAKER: words`` say who speaks (``rag.quotes``);
    ``locations``: pages or cue times of the text (see ``Locations``).
    """

    text: str
    title: str = ""
    source: str = ""
    published_at: str = ""  # normalised "YYYY-MM-DD", or "" when unknown
    url: str = ""
    authors: tuple[str, ...] = ()
    updated_at: str = ""  # "YYYY-MM-DD" of the last revision, when the source says so
    doc_id: str = ""  # "" means: derive a stable id (see rag.search.ids)
    origin: str = ""  # where it came from ("path/file.jsonl:12"), for messages
    unique_origin: bool = False
    kind: Kind = "article"
    locations: Locations = ()


class IngestFailure(_Record):
    """One input that could not be loaded; the batch goes on without it."""

    origin: str = Field(description="File path, with ':LINE' when one line of a file failed.")
    message: str


class IngestReport(BaseModel):
    """What one ingest run did, article by article (ids)."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: list[IngestFailure] = Field(default_factory=list)
    chunks_written: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed "
            f"({self.chunks_written} chunks written)"
        )

    def merged(self, other: IngestReport) -> IngestReport:
        """One report for two runs made one after the other."""
        return IngestReport(
            added=self.added + other.added,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            failed=self.failed + other.failed,
            chunks_written=self.chunks_written + other.chunks_written,
        )


class ArticleMeta(_Record):
    """What the store keeps about an article besides its text."""

    doc_id: str
    collection: str = Field("default", description="The collection the article belongs to.")
    title: str = ""
    source: str = ""
    published_at: str = Field("", description="YYYY-MM-DD, or empty when unknown.")
    updated_at: str = Field(
        "", description="YYYY-MM-DD of the last revision (feeds, revised pages), or empty."
    )
    url: str = ""
    authors: tuple[str, ...] = ()
    content_hash: str = Field("", description="Changes when the article or its chunking does.")
    n_chunks: int = 0
    origin: str = Field(
        "",
        description="Where it was ingested from: a file name (with ':LINE' for a line of a "
        "JSONL file), 'upload/NAME', or 'api'. Over HTTP, never a server path.",
    )

    copies: tuple[str, ...] = Field(
        (), description="Ids of the other articles of the same story (its wire copies)."
    )
    copy_of: str = Field("", description="The story's canonical article, when this is a copy.")
    kind: Kind = Field(
        "article",
        description="'transcript': a speech transcript (.srt/.vtt), one 'SPEAKER: words' "
        "line per turn; else 'article'.",
    )

    def public(self) -> Self:
        """This record as shown to remote clients: a file path is cut to the file's name
        (with its ':LINE'), so the server's folders never leave it."""
        return self.model_copy(update={"origin": public_origin(self.origin)})


def public_origin(origin: str) -> str:
    """``/srv/news/feed.jsonl:12`` -> ``feed.jsonl:12``; names and URLs stay as they are."""
    if "://" in origin or not (origin.startswith(("/", "~")) or origin[1:3] in (":\\", ":/")):
        return origin
    return origin.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


class Article(ArticleMeta):
    """An article as stored: its metadata and the original text citations point into."""

    text: str = Field(description="The stored original text citations point into.")
    locations: Locations = Field(
        (),
        description="[offset, label] pairs, by offset: where each page ('p. 3') or "
        "transcript cue ('00:01:23.500') of the text starts; empty for most articles.",
    )

    @property
    def meta(self) -> ArticleMeta:
        return ArticleMeta.model_validate(self.model_dump(exclude={"text", "locations"}))

    def location_at(self, offset: int) -> str:
        """The label of the last location at or before ``offset`` ("" when none)."""
        at = bisect.bisect_right(self.locations, offset, key=lambda pair: pair[0])
        return self.locations[at - 1][1] if at else ""


class ArticlePage(_Record):
    """One page of the stored articles."""

    total: int
    offset: int
    limit: int
    articles: list[ArticleMeta]


class SourceCount(_Record):
    """A publisher in the archive."""

    source: str = Field(description="The publisher's name as its articles give it.")
    articles: int = Field(description="Its articles stored.")


class CollectionCount(_Record):
    """A collection: a desk's own archive (``newsdesk collections``, ``GET
    /api/collections``)."""

    name: str
    articles: int = Field(0, description="Articles stored in it.")
    chunks: int = Field(0, description="Passages (chunks) stored in it.")
