"""The corpus: the one owner of the store and everything derived from it (BM25 and its
chunk catalogue, article vectors, wire copies), with a read door (many readers, each a
consistent view) and a write door (exclusive, short), the write journal and checks."""

from rag.corpus.checking import CheckReport
from rag.corpus.corpus import Corpus, Written
from rag.corpus.library import DEFAULT, Library, collection_name
from rag.corpus.locks import ReadWriteLock
from rag.corpus.readers import Readers, Reading
from rag.corpus.view import ReadView

__all__ = [
    "DEFAULT",
    "CheckReport",
    "Corpus",
    "Library",
    "ReadView",
    "ReadWriteLock",
    "Readers",
    "Reading",
    "Written",
    "collection_name",
]
