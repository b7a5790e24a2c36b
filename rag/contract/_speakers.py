"""Who is quoted in the archive: the speakers of some articles, and one speaker's
attributed quotes by date and per week and publisher."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from rag.contract._record import _Record


class SpeakerCount(_Record):
    """A person quoted in the archive."""

    name: str = Field(description="The fullest form of the name the articles give.")
    quotes: int = Field(description="Attributed quotes (direct and reported speech).")
    articles: int = Field(description="Articles quoting them.")


class SpeakerList(_Record):
    """Speakers of some articles, most quoted first."""

    speakers: list[SpeakerCount]
    articles_read: int = Field(description="How many articles were looked at.")


class SpeakerQuote(_Record):
    """One attributed quote: who, in what role, the verbatim words and where they stand."""

    speaker: str = Field(description="The speaker, in the fullest form the article gives.")
    roles: tuple[str, ...] = Field(
        (), description="Roles the article gives the speaker ('Kremlin spokesman'), as written."
    )
    kind: str = Field(description="'direct' (inside quotation marks) or 'reported' speech.")
    quote: str = Field(description="Verbatim: the stored article's text[start:end].")
    start: int
    end: int
    doc_id: str
    collection: str = "default"
    title: str
    source: str
    published_at: str = Field("", description="YYYY-MM-DD, or empty when unknown.")
    url: str = ""
    link: str = Field("", description="The article's URL opening on the quote (see Citation).")
    location: str = Field("", description="A page or transcript time, when the text has them.")


class WeekCount(_Record):
    """Quotes of one publisher in one week (ISO weeks, Monday to Sunday)."""

    week: str = Field(description="The ISO week, '2025-W09'.")
    monday: date = Field(description="The week's first day.")
    source: str = Field(description="The publisher ('' when the article names none).")
    quotes: int


class SpeakerTimeline(_Record):
    """Everything one speaker is quoted saying, by date (``GET /api/speakers/{name}``)."""

    name: str = Field(description="The name asked for ('Peskov').")
    speakers: list[str] = Field(description="The speakers it matched ('Dmitry Peskov').")
    total: int = Field(description="Their attributed quotes in the collection.")
    quotes: list[SpeakerQuote] = Field(
        description="Oldest first, undated ones last; at most the limit asked for."
    )
    weeks: list[WeekCount] = Field(description="Quotes per week and publisher, by week.")
    articles_read: int = Field(description="How many articles were looked at.")
