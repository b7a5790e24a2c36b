"""Publication dates: one normal form ("YYYY-MM-DD") for every way sources write them.

Articles arrive with dates as "2022/10/08" (RealTime QA), ISO timestamps (JSON feeds),
RFC 2822 (RSS ``pubDate``), prose ("25 February 2025") or ``datetime.date`` objects
(YAML front matter). Storing one sortable form lets the core filter by date range
without caring where an article came from. Only the calendar date *as written* is
kept: a timestamp's time and zone are dropped, not converted, so "23:30 -05:00" on
the 25th stays the 25th, which is the day the publisher printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from rag.errors import IngestError

# Year first only: "10/08/2022" is ambiguous (US vs European) and is refused.
_NUMERIC = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_WORD_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%A, %B %d, %Y",
    "%A, %d %B %Y",
)
_EXPECTED = (
    "expected a date like 2025-02-25, 2025/02/25, 2025-02-25T10:00:00Z, "
    "'Tue, 25 Feb 2025 10:00:00 GMT', '25 February 2025' or 'February 25, 2025'"
)


def normalise_date(value: object) -> str:
    """Return ``value`` as "YYYY-MM-DD", or "" when it is None or blank.

    Raises IngestError naming the value when it is not a date we can read, so the
    loader can report the exact line instead of silently storing a wrong date.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):  # before date: datetime is a subclass of date
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise IngestError(f"bad date {_show(value)}: a {type(value).__name__}, {_EXPECTED}")
    text = value.strip()
    if not text:
        return ""
    for parse in _PARSERS:
        found = parse(text)
        if found is not None:
            return found.isoformat()
    raise IngestError(f"bad date {_show(value)}: {_EXPECTED}")


def date_to_ordinal(d: str | date) -> int:
    """Day number of a date for range filters; 0 when the date is unknown ("").

    Python's proleptic ordinal is used (0001-01-01 is day 1), so 0 can never be a
    real date and "unknown" sorts before everything. Accepts any form
    :func:`normalise_date` accepts.
    """
    normal = normalise_date(d)
    return date.fromisoformat(normal).toordinal() if normal else 0


def _parse_numeric(text: str) -> date | None:
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:  # month 13, 30 February, ...
        return None


def _parse_iso(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _parse_words(text: str) -> date | None:
    for fmt in _WORD_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_rfc2822(text: str) -> date | None:
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


_PARSERS: tuple[Callable[[str], date | None], ...] = (
    _parse_numeric,
    _parse_iso,
    _parse_words,
    _parse_rfc2822,
)


def _show(value: object) -> str:
    """repr() of a bad value, cut short so one huge field cannot flood the log."""
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
