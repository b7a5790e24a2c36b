"""Roles: "the Kremlin spokesman", "Ukraine's justice minister", "the Pope".

A speaker question may name a role instead of a person. The role is resolved, article by
article, to the speakers the article names with it: every word of the role ("Ukrainian",
"justice", "minister") must stand next to a mention of the speaker (in the words just
before the name, or in an apposition just after it; never after "Putin's", whose title
belongs to someone else). When no speaker qualifies so, one speaker with the title words
near and the other words elsewhere in the article will do ("the Kremlin spokesman" for
"Putin's top spokesman, Dmitry Peskov" in an article about the Kremlin), but only one:
an ambiguous role names nobody. Nationalities match their countries by prefix
("Ukrainian" / "Ukraine's").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rag.quotes.names import fold
from rag.quotes.words import ARTICLES, DESCRIPTORS, INSTITUTIONS, NATIONALITIES, PLACES, TITLES

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_BEFORE, _AFTER = 90, 70  # characters around a mention that may name its role


def is_role(phrase: str) -> bool:
    """A phrase made of a title and words that describe one, but no personal name."""
    words = [_plain(w) for w in _WORD.findall(phrase)]
    if not any(w in TITLES for w in words):
        return False
    known = TITLES | NATIONALITIES | PLACES | INSTITUTIONS | DESCRIPTORS | ARTICLES
    capitals = [_plain(w) for w in _WORD.findall(phrase) if w[0].isupper()]
    return all(w in known or len(w) <= 2 for w in capitals)  # "U.S.", "EU": acronyms


def speakers_with_role(text: str, speakers: Iterable[str], role: str) -> list[str]:
    """The speakers ``text`` names with ``role`` (see the module docstring)."""
    wanted = [_plain(w) for w in _WORD.findall(role) if _plain(w) not in ARTICLES]
    titles = [w for w in wanted if w in TITLES]
    candidates = list(dict.fromkeys(speakers))
    strict = [s for s in candidates if _named_with(text, s, wanted, set())]
    if strict or not titles:
        return strict
    everywhere = _words(text)
    loose = [s for s in candidates if _named_with(text, s, titles, everywhere, wanted)]
    return loose if len(loose) == 1 else []


def _named_with(
    text: str, speaker: str, near_words: list[str], elsewhere: set[str], every: Sequence[str] = ()
) -> bool:
    """Is a mention of the speaker's surname next to all of ``near_words``, with the rest of
    ``every`` found near it or in ``elsewhere``?"""
    surname = (fold(speaker) or [""])[-1]
    if not surname:
        return False
    for mention in re.finditer(rf"\b{re.escape(surname)}\b(?!['’]s)", text, re.IGNORECASE):
        near = _words(_around(text, mention.start(), mention.end()))
        rest = [w for w in every if w not in near_words]
        if all(_has(near, w) for w in near_words) and all(
            _has(near, w) or _has(elsewhere, w) for w in rest
        ):
            return True
    return False


def _around(text: str, start: int, end: int) -> str:
    """The words that may name a mention's role: those before it in its sentence (a few
    dozen characters), and an apposition after it (", the Kremlin spokesman,")."""
    before = text[max(0, start - _BEFORE) : start]
    before = re.split(r"[.!?]\s|\n", before)[-1]
    after = ""
    if text[end : end + 1] == ",":
        after = re.split(r"[,.;!?\n]", text[end + 1 : end + 1 + _AFTER])[0]
    return f"{before} {after}"


def _plain(word: str) -> str:
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _words(text: str) -> set[str]:
    return {_plain(w) for w in _WORD.findall(text)}


def _has(words: set[str], wanted: str) -> bool:
    """``wanted`` among ``words``, or (for longer words) a word sharing its first 5 letters
    and one a prefix of the other: "ukrainian" / "ukraine", "ministers" / "minister"."""
    if wanted in words:
        return True
    if len(wanted) < 5:
        return False
    return any(
        len(w) >= 5
        and w[:5] == wanted[:5]
        and (w.startswith(wanted[:-2]) or wanted.startswith(w[:-1]))
        for w in words
    )
