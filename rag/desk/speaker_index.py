"""Who is quoted in the archive, how often, and saying what: the attributed quotes of
every stored article.

Attribution runs once per article version (its chunk-id key changes with its content)
and its records (speaker, span, kind, and the roles the article gives each speaker) are
cached on disk beside the BM25 index, so listing speakers or a speaker's timeline after
the first time reads no article text to attribute; new and changed articles are
attributed when next asked. Versions no longer stored are dropped when the cache is saved.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.contract import Article, SpeakerCount, SpeakerList
from rag.corpus import ReadView
from rag.quotes import Quote, roles_of, speaker_matches
from rag.search import atomic_file

log = logging.getLogger(__name__)
CACHE = "speaker-quotes.json"  # (speakers.json held counts only; it is no longer read)
PAGE = 200


@dataclass(frozen=True)
class Said:
    """One attributed quote of a stored article version, as cached."""

    speaker: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Attributed:
    """An article version's quotes, and the roles it gives each of its speakers."""

    quotes: tuple[Said, ...]
    roles: dict[str, tuple[str, ...]]

    def to_json(self) -> dict[str, object]:
        rows = [[q.speaker, q.start, q.end, q.kind] for q in self.quotes]
        return {"q": rows, "r": {s: list(r) for s, r in self.roles.items() if r}}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Attributed:
        rows = data.get("q", [])
        roles = data.get("r", {})
        if not isinstance(rows, list) or not isinstance(roles, dict):
            raise ValueError("not a cached attribution")
        quotes = tuple(Said(str(s), int(a), int(b), str(k)) for s, a, b, k in rows)
        return cls(quotes, {str(s): tuple(str(x) for x in r) for s, r in roles.items()})


class SpeakerIndex:
    """Per article key: its attributed quotes and its speakers' roles."""

    def __init__(self, cache_dir: Path, quotes_of: Callable[[Article], list[Quote]]) -> None:
        self.file = cache_dir / CACHE
        self.quotes_of = quotes_of
        self.attributed: dict[str, Attributed] = self._load()
        self._lock = threading.Lock()  # listings run side by side; attribution once

    def _load(self) -> dict[str, Attributed]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            return {str(k): Attributed.from_json(v) for k, v in data.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def _save(self, current: set[str]) -> None:
        """Write the cache, keeping only the versions still stored."""
        self.attributed = {k: v for k, v in self.attributed.items() if k in current}
        data = {k: v.to_json() for k, v in self.attributed.items()}
        self.file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(self.file) as out:
            out.write(json.dumps(data, separators=(",", ":")).encode("utf-8"))

    def listing(
        self, view: ReadView, doc_ids: Iterable[str] | None = None, limit: int = 100
    ) -> SpeakerList:
        """Speakers of the given articles (None: all), most quoted first."""
        found = self.of_articles(view, doc_ids)
        quotes: Counter[str] = Counter()
        articles: Counter[str] = Counter()
        for attributed in found.values():
            counts = Counter(q.speaker for q in attributed.quotes)
            quotes.update(counts)
            articles.update(counts.keys())
        ranked = sorted(quotes, key=lambda s: (-quotes[s], s))[:limit]
        rows = [SpeakerCount(name=s, quotes=quotes[s], articles=articles[s]) for s in ranked]
        return SpeakerList(speakers=rows, articles_read=len(found))

    def quotes_by(self, view: ReadView, name: str) -> dict[str, Attributed]:
        """Per article (id) quoting them, the quotes of the speakers ``name`` denotes
        ("Peskov": "Dmitry Peskov"), with their roles."""
        out: dict[str, Attributed] = {}
        matches: dict[str, bool] = {}  # a speaker's name is compared once
        for doc_id, attributed in self.of_articles(view).items():
            said = []
            for quote in attributed.quotes:
                if quote.speaker not in matches:
                    matches[quote.speaker] = speaker_matches(quote.speaker, name)
                if matches[quote.speaker]:
                    said.append(quote)
            if said:
                roles = {q.speaker: attributed.roles.get(q.speaker, ()) for q in said}
                out[doc_id] = Attributed(tuple(said), roles)
        return out

    def of_articles(
        self, view: ReadView, doc_ids: Iterable[str] | None = None
    ) -> dict[str, Attributed]:
        """The attributions of the given articles (None: all), attributing those not
        seen before."""
        catalogue = view.catalogue
        keys = dict(zip(catalogue.article_ids, catalogue.article_keys(), strict=True))
        wanted = list(keys) if doc_ids is None else [d for d in doc_ids if d in keys]
        with self._lock:
            missing = [d for d in wanted if keys[d] not in self.attributed]
            self._attribute(view, missing, keys)
            return {d: self.attributed[keys[d]] for d in wanted if keys[d] in self.attributed}

    def _attribute(self, view: ReadView, missing: list[str], keys: dict[str, str]) -> None:
        for lo in range(0, len(missing), PAGE):
            for doc_id, article in view.articles(missing[lo : lo + PAGE]).items():
                self.attributed[keys[doc_id]] = self._attributed(article)
        if missing:
            log.info("attributed quotes of %d articles", len(missing))
            self._save(set(keys.values()))

    def _attributed(self, article: Article) -> Attributed:
        quotes = tuple(Said(q.speaker, q.start, q.end, q.kind) for q in self.quotes_of(article))
        speakers = dict.fromkeys(q.speaker for q in quotes)
        return Attributed(quotes, {s: tuple(roles_of(article.text, s)) for s in speakers})
