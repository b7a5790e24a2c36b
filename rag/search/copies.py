"""Wire copies: the same story printed by several outlets (a changed headline, tail or
paragraph) is one story with one canonical article.

Each article's text becomes a MinHash of its word 5-shingles; an LSH index (datasketch)
finds earlier articles whose estimated Jaccard similarity passes ``threshold``, and the
new one joins their story. The canonical article of a story is its first stored member.
Retrieval keeps one member per story (so the top passages are never filled with copies of
one story) and answers list the others ("also in: AP, Reuters").

The signatures are kept in the cache folder beside the BM25 files (``copies.npz``: one
array of ids and one matrix of signatures, which loads in a fraction of the time the JSON
of earlier versions took at 100k articles; that file is still read), taken in by each
store write, and rebuilt from the stored texts for articles they miss (a lost cache).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.search.files import atomic_file
from rag.search.protocols import Store

log = logging.getLogger(__name__)
PERMUTATIONS = 128
SHINGLE = 5
THRESHOLD = 0.5
SCHEME = "affine64"
CACHE = "copies.npz"
OLD_CACHE = "copies.json"  # the format before copies.npz, still read
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str) -> np.ndarray | None:
    """The MinHash values of the text's shingles; None when it is too short to judge."""
    grams = shingles(text)
    if len(grams) < 10:
        return None
    minhash = _minhash()
    minhash.update_batch(list(grams))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def _minhash(values: np.ndarray | None = None) -> Any:
    """One MinHash scheme everywhere (datasketch refuses to mix them). Given its values, a
    lean one: a full MinHash draws its 128 permutations anew each time it is made, which
    was 14 of the 24 s that loading 98k signatures took (a serve's start at 1M chunks)."""
    from datasketch import LeanMinHash, MinHash

    if values is None:
        return MinHash(num_perm=PERMUTATIONS, seed=1, scheme=SCHEME)
    return LeanMinHash(seed=1, hashvalues=values, scheme=SCHEME)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a == b)) / len(a)


class CopyIndex:
    """Stories: which stored articles are copies of one another."""

    def __init__(self, cache_dir: Path, threshold: float = THRESHOLD) -> None:
        self.file = cache_dir / CACHE
        self.old_file = cache_dir / OLD_CACHE
        self.threshold = threshold
        self._lsh: Any = None  # made on first use: see ``lsh``
        self._making = threading.Lock()
        self.signatures: dict[str, np.ndarray] = {}
        self.canonical_of: dict[str, str] = {}  # every article with a signature
        self._members: dict[str, set[str]] = {}  # canonical -> its copies (read per answer)
        self._dirty = False
        self._load()

    # --- writing -------------------------------------------------------------------------

    def add(self, doc_id: str, text: str) -> str:
        """Take in an article (again, if its text changed); returns its canonical id."""
        return self.add_signed(doc_id, signature(text))

    def add_signed(self, doc_id: str, sig: np.ndarray | None) -> str:
        """``add`` with the text's signature computed already (outside the corpus's lock,
        or in another process); None: too short to tell."""
        self.remove(doc_id)
        self._dirty = True
        if sig is None:
            return self._link(doc_id, doc_id)
        head = self._link(doc_id, self._story_of(sig) or doc_id)
        self._insert(doc_id, sig)
        return head

    def _link(self, doc_id: str, head: str) -> str:
        self.canonical_of[doc_id] = head
        if head != doc_id:
            self._members.setdefault(head, set()).add(doc_id)
        return head

    @property
    def lsh(self) -> Any:
        """The LSH index of the signatures, made when an article first comes in: serving
        questions needs only the stories, and indexing 98k signatures took 7 s of a
        serve's start at a million chunks."""
        with self._making:
            if self._lsh is None:
                from datasketch import MinHashLSH

                lsh = MinHashLSH(threshold=self.threshold, num_perm=PERMUTATIONS)
                with lsh.insertion_session() as session:
                    for doc_id, sig in dict(self.signatures).items():
                        session.insert(doc_id, _minhash(sig))
                self._lsh = lsh
        return self._lsh

    def _story_of(self, sig: np.ndarray) -> str | None:
        """The canonical id of the most similar earlier article past the threshold."""
        candidates = self.lsh.query(_minhash(sig))
        known = [c for c in candidates if c in self.signatures]  # (one removed meanwhile)
        scored = [(similarity(sig, self.signatures[c]), c) for c in known]
        best = max((s for s in scored if s[0] >= self.threshold), default=None)
        return self.canonical_of.get(best[1], best[1]) if best else None

    def _insert(self, doc_id: str, sig: np.ndarray) -> None:
        self.signatures[doc_id] = sig
        if self._lsh is not None:
            self._lsh.insert(doc_id, _minhash(sig))

    def remove(self, doc_id: str) -> None:
        """Forget an article; if it was a story's canonical, the next member takes over."""
        if doc_id not in self.canonical_of:
            return
        self._dirty = True
        if doc_id in self.signatures:
            if self._lsh is not None:
                self._lsh.remove(doc_id)
            del self.signatures[doc_id]
        head = self.canonical_of.pop(doc_id)
        self._members.get(head, set()).discard(doc_id)
        heirs = sorted(self._members.pop(doc_id, set()))
        for heir in heirs:
            self._link(heir, heirs[0])

    def sync(self, store: Store, doc_ids: Iterable[str]) -> None:
        """Match the stored articles: drop the deleted, sign the ones never seen."""
        present = set(doc_ids)
        for gone in [d for d in self.canonical_of if d not in present]:
            self.remove(gone)
        missing = sorted(present - set(self.canonical_of))
        for lo in range(0, len(missing), 200):
            found = store.get_articles(missing[lo : lo + 200])
            for doc_id in missing[lo : lo + 200]:
                if doc_id in found:
                    self.add(doc_id, found[doc_id].text)
        if missing:
            log.info("copy index: %d articles signed", len(missing))
        self.flush()

    def flush(self) -> None:
        if not self._dirty:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        ids = list(self.canonical_of)
        signed = [d for d in ids if d in self.signatures]
        matrix = np.asarray([self.signatures[d] for d in signed], dtype=np.uint64)
        with atomic_file(self.file) as out:
            np.savez(
                out,
                ids=np.asarray(ids, dtype=str),
                heads=np.asarray([self.canonical_of[d] for d in ids], dtype=str),
                signed=np.asarray(signed, dtype=str),
                signatures=matrix.reshape(len(signed), PERMUTATIONS),
            )
        self.old_file.unlink(missing_ok=True)
        self._dirty = False

    def _load(self) -> None:
        try:
            canonical, sigs = self._read()
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("copy index %s unreadable (%s): rebuilding", self.file, exc)
            return
        for doc_id, head in canonical.items():
            self._link(doc_id, head)
        for doc_id, sig in sigs.items():
            self._insert(doc_id, sig)

    def _read(self) -> tuple[dict[str, str], dict[str, np.ndarray]]:
        if not self.file.exists() and self.old_file.exists():
            data = json.loads(self.old_file.read_text(encoding="utf-8"))
            canonical = {str(k): str(v) for k, v in data["canonical_of"].items()}
            sigs = {str(d): np.asarray(s, dtype=np.uint64) for d, s in data["signatures"].items()}
            return canonical, sigs
        with np.load(self.file, allow_pickle=False) as data:
            ids, heads = data["ids"].tolist(), data["heads"].tolist()
            signed, matrix = data["signed"].tolist(), data["signatures"]
        return dict(zip(ids, heads, strict=True)), dict(zip(signed, matrix, strict=True))

    # --- reading -------------------------------------------------------------------------

    def canonical(self, doc_id: str) -> str:
        return self.canonical_of.get(doc_id, doc_id)

    def story(self, doc_id: str) -> list[str]:
        """Every member of the article's story, the canonical first (itself alone if none)."""
        head = self.canonical(doc_id)
        return [head, *sorted(self._members.get(head, ()))]

    def copies_of(self, doc_id: str) -> list[str]:
        """The other members of its story."""
        return [d for d in self.story(doc_id) if d != doc_id]

    def share(self) -> float:
        """The share of articles that are copies of another (not canonical)."""
        if not self.canonical_of:
            return 0.0
        copies = sum(1 for d, c in self.canonical_of.items() if d != c)
        return copies / len(self.canonical_of)


def one_per_story(doc_ids: Sequence[str], copies: CopyIndex) -> set[str]:
    """Of articles ranked best first, the ones to keep: per story, its canonical if it is
    among them, else the best ranked member."""
    kept: dict[str, str] = {}
    for doc_id in doc_ids:
        head = copies.canonical(doc_id)
        if head not in kept or doc_id == head:
            kept[head] = doc_id
    return set(kept.values())
