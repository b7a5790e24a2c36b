"""Who is quoted in the archive, and how often: the speakers of every stored article.

Attribution runs once per article version (its chunk-id key changes with its content) and
the counts are cached on disk beside the BM25 index, so listing speakers after the first
time reads no article text; new and changed articles are attributed when next asked.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from rag.contract import Article, SpeakerCount, SpeakerList
from rag.corpus import ReadView
from rag.quotes import Quote
from rag.search import atomic_file

log = logging.getLogger(__name__)
CACHE = "speakers.json"
PAGE = 200


class SpeakerIndex:
    """Per article key: {speaker: number of attributed quotes}."""

    def __init__(self, cache_dir: Path, quotes_of: Callable[[Article], list[Quote]]) -> None:
        self.file = cache_dir / CACHE
        self.quotes_of = quotes_of
        self.counts: dict[str, dict[str, int]] = self._load()
        self._lock = threading.Lock()  # listings run side by side; attribution once

    def _load(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return {str(k): {str(s): int(n) for s, n in v.items()} for k, v in data.items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def _save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.file) as out:
            out.write(json.dumps(self.counts).encode("utf-8"))

    def listing(
        self, view: ReadView, doc_ids: Iterable[str] | None = None, limit: int = 100
    ) -> SpeakerList:
        """Speakers of the given articles (None: all), most quoted first."""
        catalogue = view.catalogue
        keys = dict(zip(catalogue.article_ids, catalogue.article_keys(), strict=True))
        wanted = list(keys) if doc_ids is None else [d for d in doc_ids if d in keys]
        with self._lock:
            self._attribute(view, [d for d in wanted if keys[d] not in self.counts], keys)
        quotes: Counter[str] = Counter()
        articles: Counter[str] = Counter()
        for doc_id in wanted:
            for speaker, n in self.counts.get(keys[doc_id], {}).items():
                quotes[speaker] += n
                articles[speaker] += 1
        ranked = sorted(quotes, key=lambda s: (-quotes[s], s))[:limit]
        rows = [SpeakerCount(name=s, quotes=quotes[s], articles=articles[s]) for s in ranked]
        return SpeakerList(speakers=rows, articles_read=len(wanted))

    def _attribute(self, view: ReadView, missing: list[str], keys: dict[str, str]) -> None:
        for lo in range(0, len(missing), PAGE):
            for doc_id, article in view.articles(missing[lo : lo + PAGE]).items():
                found = Counter(q.speaker for q in self.quotes_of(article))
                self.counts[keys[doc_id]] = dict(found)
        if missing:
            log.info("attributed quotes of %d articles", len(missing))
            self._save()
