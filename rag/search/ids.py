"""Stable identifiers, so re-ingesting an unchanged article changes nothing.

An article's id is the one its source gives (``doc_id``/``id``); else a hash of its URL;
else a hash of where it came from when that names it alone (a file of one article:
``ArticleInput.unique_origin``), else (a line of a feed, a posted or pasted article) a hash
of its text. Its content
hash covers everything that goes into its chunks, including the chunking parameters, so
a changed article (or a new chunk size) re-chunks it and anything else is skipped.
"""

from __future__ import annotations

import hashlib
import json

from rag.contract import ArticleInput


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def article_id(article: ArticleInput) -> str:
    if article.doc_id.strip():
        return article.doc_id.strip()
    if article.url.strip():
        return _digest("url:" + article.url.strip())
    if article.unique_origin and article.origin:
        return _digest("origin:" + article.origin)
    return _digest("text:" + article.text)


def content_hash(article: ArticleInput, chunking: str) -> str:
    fields: list[object] = [
        article.text,
        article.title,
        article.source,
        article.published_at,
        article.url,
        list(article.authors),
        chunking,
    ]
    if article.updated_at:  # only then: hashes of articles without revisions stay as they were
        fields.append(article.updated_at)
    if article.kind != "article":  # likewise: each added as a tagged object, never ambiguous
        fields.append({"kind": article.kind})
    if article.locations:
        fields.append({"locations": [list(pair) for pair in article.locations]})
    return _digest(json.dumps(fields, ensure_ascii=False), 40)


def chunk_id(doc_id: str, digest: str, seq: int) -> str:
    """``DOC:DIGEST8:SEQ``: the article, the first characters of its content hash, the
    chunk's number. Parsed back only by :func:`article_key` and :func:`chunk_doc`."""
    return f"{doc_id}:{digest[:8]}:{seq:04d}"


def chunk_doc(chunk_id: str) -> str:
    """The doc id of a chunk id (a doc id may hold colons: the last two go)."""
    return chunk_id.rsplit(":", 2)[0]


def article_key(chunk_id: str) -> str:
    """``DOC:DIGEST8`` of a chunk id: names one version of one article."""
    return chunk_id.rsplit(":", 1)[0]
