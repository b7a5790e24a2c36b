"""Moving a store: every article with its metadata and original text, as gzipped JSON Lines
in the format ``newsdesk ingest`` reads, so ``export`` then ``import`` (into the same store
or another, embedded or a Chroma server) gives back the same articles with the same ids.

The file is written with ``rag.search.atomic_file``: a crash leaves the old export (or
none), never half of one.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from rag.contract import Article
from rag.corpus import DEFAULT
from rag.desk import Newsdesk
from rag.search import atomic_file


def export_articles(desk: Newsdesk, path: Path, collection: str = DEFAULT) -> int:
    """Write every article of a collection to ``path`` (.jsonl.gz); the number written."""
    written = 0
    with atomic_file(path) as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        for article in desk.iter_articles(collection=collection):
            out.write((json.dumps(record(article), ensure_ascii=False) + "\n").encode())
            written += 1
    return written


def record(article: Article) -> dict[str, object]:
    """An article as one ingestible JSON object (its id kept, so it keeps its identity)."""
    return {
        "doc_id": article.doc_id,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "url": article.url,
        "authors": list(article.authors),
        "body": article.text,
        **({"kind": article.kind} if article.kind != "article" else {}),
        **({"locations": [list(p) for p in article.locations]} if article.locations else {}),
    }
