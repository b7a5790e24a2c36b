"""The one record quote attribution produces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    """A passage of an article attributed to a speaker.

    ``start``/``end`` cover the cited passage (the quotation with its attribution
    clause, or the reported-speech sentence); ``speaker`` is the fullest form of the
    name found in the article ("Dmitry Peskov" even where the text says "he").
    """

    speaker: str
    start: int
    end: int
    kind: str  # "direct" (inside quotation marks) or "reported" ("X said that ...")
