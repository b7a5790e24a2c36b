"""Reading articles from files and folders into ``rag.contract.ArticleInput`` records (bad
input becomes an ``IngestFailure`` naming the file and line); ``runner`` stores them."""

from ingest.formats import MAX_TITLE_CHARS
from ingest.loaders import SUPPORTED_EXTENSIONS, file_kind, load_file, load_paths

__all__ = [
    "MAX_TITLE_CHARS",
    "SUPPORTED_EXTENSIONS",
    "extensions_text",
    "file_kind",
    "load_file",
    "load_paths",
    "upload_types",
]


def extensions_text() -> str:
    """The supported extensions for help texts: ".htm .html ... .txt"."""
    return " ".join(SUPPORTED_EXTENSIONS)


def upload_types() -> tuple[str, ...]:
    """The extensions a file picker should offer (it matches the last suffix only)."""
    return tuple(dict.fromkeys("." + e.rsplit(".", 1)[-1] for e in SUPPORTED_EXTENSIONS))
