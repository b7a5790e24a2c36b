"""What a sentence must also say to answer: the year asked about, and a win when a win
is asked about.

A sentence that holds the question's words and an entity of the kind asked for may still
be about something else, and citing it answers a question the archive cannot answer (the
negatives of RGB: a passage about the same event, without the answer). Two checks a
reader makes at a glance, and cheap enough to make before any sentence is read closely:
- **The year.** "Who won the U.S. Open in 2020?" is not answered by a sentence about "the
  2018 U.S. Open": a sentence that names years, none of them the question's, is about
  another year. One that names no year may answer (its article's headline often does).
- **A win.** "Who won ...?", "What movie won ...?" are answered by a sentence that says
  someone won ("won", "beat", "champion", "title", "victory"...), or runs on into one
  that does; a results page or a squad list names players without saying who won.
"""

from __future__ import annotations

import re

__all__ = ["about", "asks_win", "fits", "years_of"]

_YEAR = re.compile(r"(?<![\d,.])\b(?:1[89]|20)\d{2}\b(?![,.]\d)")
# "Who won ...?", "What movie won ...?", "Who is the Heisman Trophy winner?"; not "What did
# the winner say?" (a winner named, not asked for).
_ASKS_WIN = re.compile(
    r"\b(?:who|what|which)\b[^?]*?\b(?:won|wins?)\b|"
    r"\bwho\s+(?:is|was|were|are)\s+the\s+(?:[\w’'\-]+\s+){0,4}?(?:winners?|champions?|runner-up)\b",
    re.IGNORECASE,
)
_SAYS_WIN = re.compile(
    r"\b(?:won|win|wins|winning|winner|winners|champion|champions|championship|title|"
    r"titles|beat|beats|beaten|defeat|defeats|defeated|victory|victories|victorious|"
    r"triumph|triumphed|triumphs|clinch|clinched|clinches|crowned|claimed|claims|"
    r"trophy|gold|runner-up|runners-up|lost|loses|losing|finalist|finalists)\b",
    re.IGNORECASE,
)


def years_of(text: str) -> frozenset[str]:
    """The years a text names ("2020", not the "2,020" of a count nor a "2020.5")."""
    return frozenset(_YEAR.findall(text))


def asks_win(question: str) -> bool:
    """Does the question ask who or what won (or came second)?"""
    return bool(_ASKS_WIN.search(question))


def fits(years: frozenset[str], win: bool, text: str, after: str = "") -> bool:
    """May the sentence ``text`` (followed by ``after``) answer a question naming these
    ``years`` (and asking about a ``win``)? Not when it names only other years, nor, for a
    win, when neither it nor the sentence after it says anyone won."""
    if not about(years, text):
        return False
    return not win or bool(_SAYS_WIN.search(text) or _SAYS_WIN.search(after))


def about(years: frozenset[str], text: str) -> bool:
    """Is the text about one of these years, or about none in particular? (It names none
    of them but another.)"""
    named = years_of(text) if years else frozenset()
    return not named or bool(named & years)
