"""When a question is about: its as-of day (given, else today) and the window of days its
own words name, turned into what retrieval needs (filters, the words to search) and the
oldest article that may answer it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rag.contract import DateWindow, Filters
from rag.text import date_to_ordinal, fresh_from, question_window, without


@dataclass(frozen=True)
class Planned:
    searched: str  # the question without its time expression
    filters: Filters | None
    as_of: date
    window: DateWindow | None
    fresh_from: date | None = None  # older articles do not answer (``rag.text.fresh_from``)

    def fresh(self, published_at: str) -> bool:
        """May an article published then answer? (Undated ones may.)"""
        if self.fresh_from is None:
            return True
        day = date_to_ordinal(published_at)
        return day == 0 or day >= self.fresh_from.toordinal()


def plan(question: str, filters: Filters | None, as_of: date | None) -> Planned:
    """The question's as-of day, the window its words name (a filter when strict) and the
    oldest news it can be answered from (``fresh_from``)."""
    today = as_of or date.today()
    floor = fresh_from(question, today)
    found = question_window(question, today)
    if found is None:
        return Planned(question, filters, today, None, floor)
    window = DateWindow(
        start=found.start, end=found.end, phrase=found.phrase, strict=found.strict,
        label=found.label(),
    )  # fmt: skip
    searched = question if found.names_a_date else (without(question, found.phrase) or question)
    narrowed = within(filters, window) if found.strict else filters
    return Planned(searched, narrowed, today, window, floor)


def within(filters: Filters | None, window: DateWindow) -> Filters:
    """The filters narrowed to the window (an empty intersection finds nothing). Articles
    without a date stay in: nothing says they fall outside it."""
    base = filters or Filters()
    after = max(window.start, base.published_after or window.start)
    before = min(window.end, base.published_before or window.end)
    update = {"published_after": after, "published_before": before, "undated": True}
    return base.model_copy(update=update)


def nothing_in(window: DateWindow | None, text: str, found: bool) -> str:
    """A refusal says which days it looked at."""
    if window is None or not window.strict or found:
        return text
    return f"{window.label}: {text}"
