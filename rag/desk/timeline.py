"""A speaker over time: every quote attributed to them, by date, with the roles the
articles give them and where each quote stands, and how many quotes each publisher
carried per week (what a chart of their weeks shows).

The quotes come from the speaker index (attributed once per article version); dates and
publishers from the chunk catalogue, so the counts read no article text. Only the quotes
shown are cut from their articles' stored text (``quote == text[start:end]``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from rag.contract import Article, SpeakerQuote, SpeakerTimeline, WeekCount
from rag.corpus import ReadView
from rag.desk.speaker_index import Said, SpeakerIndex
from rag.links import quote_link

Found = tuple[int, str, Said, tuple[str, ...]]  # day (0: unknown), doc_id, quote, roles


def speaker_timeline(view: ReadView, index: SpeakerIndex, name: str, limit: int) -> SpeakerTimeline:
    """Inside one read view: the speakers ``name`` denotes, their quotes oldest first
    (the newest ``limit`` of them; undated ones last) and their weeks."""
    catalogue = view.catalogue
    days = dict(zip(catalogue.article_ids, (int(d) for d in catalogue.article_days), strict=True))
    found: list[Found] = []
    for doc_id, attributed in index.quotes_by(view, name).items():
        for said in attributed.quotes:
            found.append((days.get(doc_id, 0), doc_id, said, attributed.roles[said.speaker]))
    found.sort(key=lambda f: (f[0] or date.max.toordinal() + 1, f[1], f[2].start))
    dated = [f for f in found if f[0]]
    newest = dated[-max(limit, 1) :]
    shown = newest + [f for f in found if not f[0]][: max(limit - len(newest), 0)]
    articles = view.articles(list(dict.fromkeys(f[1] for f in shown)))
    quotes = [_quote(articles[f[1]], f) for f in shown if f[1] in articles]
    return SpeakerTimeline(
        name=name,
        speakers=sorted({f[2].speaker for f in found}),
        total=len(found),
        quotes=quotes,
        weeks=weeks_of([(f[0], catalogue.source_of.get(f[1], "")) for f in dated]),
        articles_read=len(catalogue.article_ids),
    )


def _quote(article: Article, found: Found) -> SpeakerQuote:
    _, _, said, roles = found
    span = (said.start, said.end)
    return SpeakerQuote(
        speaker=said.speaker, roles=roles, kind=said.kind,
        quote=article.text[said.start : said.end], start=said.start, end=said.end,
        doc_id=article.doc_id, collection=article.collection, title=article.title,
        source=article.source, published_at=article.published_at, url=article.url,
        link=quote_link(article.url, article.text, span, article.title),
        location=article.location_at(said.start),
    )  # fmt: skip


def weeks_of(dated: list[tuple[int, str]]) -> list[WeekCount]:
    """Quotes per ISO week and publisher, from (day ordinal, publisher) pairs; by week,
    then by publisher."""
    counts: Counter[tuple[date, str]] = Counter()
    for day, source in dated:
        when = date.fromordinal(day)
        counts[(when - timedelta(days=when.weekday()), source)] += 1
    return [
        WeekCount(week=_iso_week(monday), monday=monday, source=source, quotes=n)
        for (monday, source), n in sorted(counts.items())
    ]


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
