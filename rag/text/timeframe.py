"""Dates that questions and articles mean: "last week", "in August", "on Tuesday".

A question is asked as of a day (its ``as_of``, else today). :func:`question_window`
finds the time expression in it and turns it into a window of days: "What did Peskov say
last month?" asked on 12 June 2025 means 1-31 May 2025. :func:`said_on` does the same
for an article's own words against its publication date ("told reporters on Tuesday" in
an article of Tuesday 25 February 2025 means that day). Rules, no model: an expression
names a window only where the calendar makes it unambiguous.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS.pop("may", None)  # "may" alone is the verb; only "in May" / "since May" name it
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTH = "(" + "|".join(sorted([*MONTHS, "may", "sept"], key=len, reverse=True)) + ")"
_DAY = "(" + "|".join(WEEKDAYS) + ")"
RECENT_DAYS = 14
STALE_DAYS = 365  # an article this long before the days a question is about is not news of them


@dataclass(frozen=True)
class Window:
    """Days ``start``..``end`` (inclusive) a question means; ``phrase`` is its wording.
    ``strict``: the question states it, so nothing outside is cited; else (``recently``)
    it is a preference."""

    start: date
    end: date
    phrase: str
    strict: bool = True

    @property
    def names_a_date(self) -> bool:
        """Does the phrase name a year or a month ("in 2013", "in August")? Then its words
        are also what the question is about and stay in the search; "last week" does not."""
        words = self.phrase.lower().split()
        return any(w.isdigit() for w in words) or any(_month_name(w) for w in words)

    def label(self) -> str:
        """'Articles of 17-23 Feb 2025', 'Articles of 25 Feb 2025'."""
        return "Articles of " + day_range(self.start, self.end)


def day_range(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _last_month(month: int, as_of: date) -> int:
    """The year of the latest ``month`` that has begun by ``as_of``."""
    return as_of.year if month <= as_of.month else as_of.year - 1


def _weekday_on_or_before(weekday: int, day: date) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _month_name(text: str) -> int:
    return MONTHS.get(text.lower(), 5 if text.lower() == "may" else 0)


def _fixed(as_of: date, m: re.Match[str]) -> tuple[date, date] | None:
    word = m.group(0).lower()
    monday = as_of - timedelta(days=as_of.weekday())
    first = as_of.replace(day=1)
    previous = first - timedelta(days=1)
    table = {
        "today": (as_of, as_of),
        "yesterday": (as_of - timedelta(days=1),) * 2,
        "this week": (as_of - timedelta(days=6), as_of),  # the 7 days up to as_of
        "last week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "this month": (first, as_of),
        "last month": (previous.replace(day=1), previous),
        "this year": (date(as_of.year, 1, 1), as_of),
        "last year": (date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31)),
    }
    return table.get(" ".join(word.split()))


def _month(as_of: date, m: re.Match[str]) -> tuple[date, date] | None:
    month = _month_name(m.group(1))
    year = int(m.group(2)) if m.group(2) else _last_month(month, as_of)
    return date(year, month, 1), min(_month_end(year, month), max(as_of, date(year, month, 1)))


def _year(as_of: date, m: re.Match[str]) -> tuple[date, date] | None:
    year = int(m.group(1))
    return date(year, 1, 1), min(date(year, 12, 31), max(as_of, date(year, 1, 1)))


def _weekday(as_of: date, m: re.Match[str]) -> tuple[date, date] | None:
    day = _weekday_on_or_before(WEEKDAYS[m.group(1).lower()], as_of)
    return day, day


def _since(as_of: date, m: re.Match[str]) -> tuple[date, date] | None:
    what = m.group(1).lower()
    if what.isdigit():
        start = date(int(what), 1, 1)
    elif what in WEEKDAYS:
        start = _weekday_on_or_before(WEEKDAYS[what], as_of)
    else:
        month = _month_name(what)
        start = date(_last_month(month, as_of), month, 1)
    return (start, as_of) if start <= as_of else None


def _past(as_of: date, m: re.Match[str]) -> tuple[date, date] | None:
    n = int(m.group(1))
    days = n * {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2).lower()]
    return as_of - timedelta(days=days), as_of


_RULES = (  # the first that matches wins; order matters ("in May 2024" before "in 2024")
    (re.compile(r"\b(?:today|yesterday|(?:this|last)\s+(?:week|month|year))\b", re.I), _fixed),
    (re.compile(rf"\b(?:in|during)\s+{_MONTH}(?:\s+(\d{{4}}))?\b", re.I), _month),
    (re.compile(r"\b(?:in|during)\s+((?:19|20)\d\d)\b", re.I), _year),
    (re.compile(rf"\bsince\s+({_MONTH[1:-1]}|{_DAY[1:-1]}|(?:19|20)\d\d)\b", re.I), _since),
    (re.compile(rf"\bon\s+{_DAY}\b", re.I), _weekday),
    (
        re.compile(
            r"\b(?:in\s+the\s+)?(?:past|last)\s+(\d{1,3})\s+(day|week|month|year)s?\b", re.I
        ),
        _past,
    ),
)
_RECENT = re.compile(r"\b(?:recently|lately|latest|these days)\b", re.I)


_SCENE_END = re.compile(r"(?<=[.!])\s+(?=[A-Z“\"])")


def question_window(question: str, as_of: date) -> Window | None:
    """The window of days the question's own words name, asked as of ``as_of``. Only the
    sentence that asks counts: in "Actor Bob McGrath died this week. Which show ...?" the
    first sentence sets the scene (the as-of preference covers it), it does not filter."""
    asking = _SCENE_END.split(question.strip())[-1]
    for pattern, rule in _RULES:
        m = pattern.search(asking)
        if m is None:
            continue
        days = rule(as_of, m)
        if days is not None:
            return Window(days[0], days[1], m.group(0))
    m = _RECENT.search(asking)
    if m is not None:
        return Window(as_of - timedelta(days=RECENT_DAYS), as_of, m.group(0), strict=False)
    return None


def fresh_from(question: str, as_of: date) -> date | None:
    """The earliest day an article answering the question may be published, when what it
    asks is about days near its as-of ("this week", "recently", "on Monday"):
    ``STALE_DAYS`` before them. An archive's story from years before about a similar
    event ("the US men's team's defeat", "a governor commuted sentences") answers another
    question. None when the asking sentence names no such days (a scene set "on Monday"
    may ask something timeless: "... falls near whose birthday?"), or names a month or a
    year (an article may look back on those)."""
    found = question_window(question, as_of)
    if found is None or found.names_a_date:
        return None
    return found.start - timedelta(days=STALE_DAYS)


def without(question: str, phrase: str) -> str:
    """The question with the time expression taken out (it is a filter, not a topic)."""
    return " ".join(question.replace(phrase, " ", 1).split())


_SAID_ON = (
    (re.compile(rf"\bon\s+{_DAY}\b", re.I), "weekday"),
    (re.compile(r"\byesterday\b", re.I), "yesterday"),
    (re.compile(r"\b(?:on\s+)?today\b", re.I), "today"),
)


def said_on(text: str, published: date) -> date | None:
    """The day an article's sentence means ("told reporters on Tuesday"), resolved against
    its publication date; None when it names none, or more than one."""
    found: set[date] = set()
    for pattern, kind in _SAID_ON:
        for m in pattern.finditer(text):
            if kind == "weekday":
                found.add(_weekday_on_or_before(WEEKDAYS[m.group(1).lower()], published))
            elif kind == "yesterday":
                found.add(published - timedelta(days=1))
            else:
                found.add(published)
    return found.pop() if len(found) == 1 else None
