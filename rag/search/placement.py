"""Where each collection lives in the store: the default collection keeps the store's own
names (``news_chunks``, ``news_articles``: stores built before collections existed are
the default collection), another is ``news-NAME_chunks`` and ``news-NAME_articles``, and
its derived indexes get their own cache folder the same way."""

from __future__ import annotations

from rag.config import StoreSettings

DEFAULT = "default"
ARTICLES = "_articles"


def collection_store(settings: StoreSettings, name: str) -> StoreSettings:
    """The store settings of one collection (its Chroma name prefix)."""
    prefix = settings.collection if name == DEFAULT else f"{settings.collection}-{name}"
    return settings.model_copy(update={"collection": prefix})


def stored_collections(settings: StoreSettings) -> list[str]:
    """The collections that exist in the configured Chroma store (chromadb imported here)."""
    from rag.search.store import connect

    prefix = settings.collection
    found = []
    for collection in connect(settings).list_collections():
        name = str(getattr(collection, "name", collection))
        if not name.endswith(ARTICLES):
            continue
        stem = name[: -len(ARTICLES)]
        if stem == prefix:
            found.append(DEFAULT)
        elif stem.startswith(prefix + "-"):
            found.append(stem[len(prefix) + 1 :])
    return sorted(found)
