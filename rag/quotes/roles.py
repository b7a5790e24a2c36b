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
from rag.quotes.words import (
    ARTICLES,
    DESCRIPTORS,
    INSTITUTIONS,
    NATIONALITIES,
    NOT_NAME_WORDS,
    PLACES,
    TITLES,
)

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


_ROLE_WORDS = TITLES | DESCRIPTORS | NATIONALITIES | PLACES | INSTITUTIONS
_NOT_ROLES = frozenset({"mr", "mrs", "ms", "miss", "sir", "dame", "lord", "lady", "dr"})
_MAX_ROLE_WORDS = 6


def roles_of(text: str, speaker: str) -> list[str]:
    """The roles ``text`` gives a speaker, as written: the title words just before a
    mention ("Kremlin spokesman Dmitry Peskov", "Putin's top spokesman, Dmitry Peskov")
    or in an apposition after it ("Peskov, the Kremlin spokesman,"). Honorifics ("Mr")
    are no roles; a phrase without a title word is none."""
    names = fold(speaker)
    if not names:
        return []
    found: dict[str, str] = {}
    for mention in re.finditer(rf"\b{re.escape(names[-1])}\b(?!['’]s)", text, re.IGNORECASE):
        start = _name_start(text, mention.start(), names)
        before = re.split(r"[.!?;:\n“”\"(]", text[max(0, start - _BEFORE) : start])[-1]
        for role in (_role_before(before), _role_after(text, mention.end())):
            if role:
                found.setdefault(role.lower(), role)
    return list(found.values())


def _name_start(text: str, surname_at: int, names: Sequence[str]) -> int:
    """Where the mention's whole name starts ("Dmitry" of "Dmitry Peskov")."""
    start = surname_at
    for first in reversed(names[:-1]):
        m = re.search(rf"\b{re.escape(first)}\.?\s+$", text[max(0, start - 40) : start], re.I)
        if m is None:
            break
        start -= len(m.group())
    return start


def _role_before(before: str) -> str:
    """The run of role words ending just before a name: "Ukrainian Minister of Justice"."""
    words = _WORD.findall(before.rstrip(" ,"))
    at = len(words)
    while at > 0 and _role_word(words, at - 1, words[at:]):
        at -= 1
    owner = words[at - 1] if 0 < at < len(words) else ""
    if owner[:1].isupper() and owner.lower().endswith(("'s", "’s")):
        at -= 1  # "Putin's top spokesman"
    return _role(words[at:])


def _role_word(words: Sequence[str], i: int, run: Sequence[str]) -> bool:
    """May ``words[i]`` open the role run ``run``: a role word, "of" inside it, a plain
    word before a title ("justice minister"), or the object of "Minister of Justice"?"""
    word, plain = words[i], _plain(words[i])
    if plain in _ROLE_WORDS:
        return True
    if plain == "of":
        return bool(run)
    if word.islower():
        return bool(run) and _plain(run[0]) in TITLES and plain not in NOT_NAME_WORDS
    return i >= 2 and words[i - 1] == "of" and _plain(words[i - 2]) in TITLES


def _role_after(text: str, end: int) -> str:
    """An apposition naming a role: "Peskov, the Kremlin spokesman, said"."""
    if text[end : end + 1] != ",":
        return ""
    words = _WORD.findall(re.split(r"[,.;!?\n]", text[end + 1 : end + 1 + _AFTER])[0])
    while words and _plain(words[0]) in ARTICLES:
        words = words[1:]
    known = all(_plain(w) in _ROLE_WORDS or w.islower() or w.endswith(("'s", "’s")) for w in words)
    return _role(words) if known else ""


def _role(words: Sequence[str]) -> str:
    while words and _plain(words[0]) == "of":
        words = words[1:]
    plain = [_plain(w) for w in words]
    if not words or len(words) > _MAX_ROLE_WORDS or plain[-1] == "of":
        return ""
    if not any(w in TITLES and w not in _NOT_ROLES for w in plain):
        return ""
    return " ".join(words)
