"""Names for quote attribution (:mod:`rag.quotes.attribution`).

Kept apart so that the attribution module reads as its rules only. This side answers one
question: is this run of capitalised words a person, and which one (the article's fullest
form of the name, and who a pronoun can mean)? The words around a name (verbs, titles,
clause starts) are :mod:`rag.quotes.phrases`. The word lists (:mod:`rag.quotes.words`)
are deliberately small; a name they do not know is treated as a possible person, which
makes pronouns *more* ambiguous and so leads to dropping, never to guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from rag.quotes.phrases import is_cap, is_possessive, particle
from rag.quotes.words import (
    ARTICLES,
    COMMON_SUBJECTS,
    FEMALE,
    FIRST_NAMES,
    HONORIFICS,
    INSTITUTIONS,
    MALE,
    NATIONALITIES,
    NOT_NAME_WORDS,
    PARTICLES,
    PLACE_PREPS,
    PLACES,
    TITLES,
)
from rag.text import Token


def _skip(word: str) -> bool:
    """Not part of a person's name: titles, function words, nationalities, acronyms."""
    low = word.lower()
    return (
        (word[0].islower() and word not in PARTICLES)
        or low in TITLES
        or low in NOT_NAME_WORDS
        or (low in NATIONALITIES and low not in FIRST_NAMES)
        or _acronym(word)
    )


def _acronym(word: str) -> bool:
    return word.isupper() and sum(c.isalpha() for c in word) > 1  # U.S., AFP


def name_words(run: Sequence[Token]) -> list[str]:
    """The person name in a phrase: `Ukrainian Minister of Justice Olha Stefanishyna` ->
    [Olha, Stefanishyna]. Titles, descriptors and `of X` are cut, so only the name is left."""
    words: list[str] = []
    for tok in run:
        if tok.kind == "w":
            words.append(tok.text)
        elif tok.text == "." and words and len(words[-1]) == 1:
            words[-1] += "."  # the initial of `Donald J. Trump`
    cut = 0
    for k, word in enumerate(words):
        if _skip(word) or (k < len(words) - 1 and word[-2:] in ("’s", "'s")):
            cut = k + 1
    name = words[cut:]
    if cut and _acronym(words[cut - 1]):
        return []  # `US Airways`, `BBC News`: an organisation, not a person
    if cut and words[cut - 1] == "of" and name:
        firsts = [k for k, w in enumerate(name) if w.lower() in FIRST_NAMES]
        name = name[firsts[0] :] if firsts else name[1:]
    if name and name[-1][-2:] in ("’s", "'s"):
        name[-1] = name[-1][:-2]
    if not name or len(name[-1].rstrip(".")) < 2:
        return []  # a lone initial (`J.`, the `S.` of a split `U.S.`) is no surname
    return name[-4:]


def name_runs(toks: Sequence[Token]) -> list[tuple[int, int]]:
    """[lo, hi) index ranges of maximal capitalised runs, bridging `Mr.` and `Minister of X`."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not is_cap(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            t, prev = toks[j], toks[j - 1]
            nxt_cap = j + 1 < len(toks) and is_cap(toks[j + 1])
            dot = t.text == "." and (prev.text.lower() in TITLES or len(prev.text) == 1)
            bridge = t.text == "of" and prev.text.lower() in TITLES and nxt_cap
            if not (is_cap(t) or ((dot or bridge) and nxt_cap) or particle(toks, j)):
                break
            j += 1
        runs.append((i, j))
        i = j
    return runs


def fold(name: str) -> list[str]:
    """Lower-case, accent-free name words without titles: how names are compared."""
    text = unicodedata.normalize("NFKD", name.casefold()).replace("’", "'")
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", text)
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    return [w for w in words if w not in TITLES and w not in ARTICLES]


class NameIndex:
    """What the whole article says about its names: full forms, genders, places."""

    def __init__(self) -> None:
        self.full: defaultdict[str, set[str]] = defaultdict(set)
        self.midcap: set[str] = set()
        self.placelike: set[str] = set()
        self.honorific: dict[str, str] = {}
        self.titled: set[str] = set()
        self._runs: list[tuple[list[str], bool, str, bool]] = []  # words, initial, Mr/Ms, title

    def learn(self, toks: Sequence[Token]) -> None:
        """Collect one sentence's evidence; call :meth:`finish` after the last sentence."""
        for i, tok in enumerate(toks):
            if i and is_cap(tok) and toks[i - 1].text not in ":—–-":
                self.midcap.add(tok.text)
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if tok.text in PLACE_PREPS and nxt and is_cap(nxt) and not is_possessive(nxt):
                self.placelike.add(nxt.text)
        for lo, hi in name_runs(toks):
            honorific = HONORIFICS.get(toks[lo].text.lower(), "")
            before = toks[lo - 1].text.lower() if lo else ""
            titled = before in TITLES or any(t.text.lower() in TITLES for t in toks[lo:hi])
            self._runs.append((name_words(toks[lo:hi]), lo == 0, honorific, titled))

    def finish(self) -> None:
        """Full forms, Mr./Ms. and titles, once all mid-sentence capitals are known."""
        for words, initial, honorific, titled in self._runs:
            words = self.trim(words, initial)
            if not words:
                continue
            if len(words) >= 2:
                self.full[words[-1].lower()].add(" ".join(words))
            if honorific:
                self.honorific[words[-1].lower()] = honorific
            if titled:
                self.titled.add(words[-1].lower())

    def trim(self, words: list[str], initial: bool) -> list[str]:
        """Drop a sentence-opening word glued to a name (`Later Putin said`) unless it is
        a known first name or also capitalised mid-sentence."""
        first = words[0] if initial and len(words) > 1 else ""
        drop = first and first not in self.midcap and first.lower() not in FIRST_NAMES
        return words[1:] if drop else words

    def canonical(self, words: Sequence[str]) -> str:
        """Fullest form of a name found in the article ("Peskov" -> "Dmitry Peskov").

        Fuller forms must agree on the first name; if two people share the surname
        ("Donald Trump", "Melania Trump") the name is left as it was written."""
        forms = [f for f in self.full.get(words[-1].lower(), ()) if _extends(f.split(), words)]
        if len({f.split()[0] for f in forms}) != 1:
            return " ".join(words)
        return max(forms, key=lambda f: (len(f.split()), f))

    def gender(self, name: str) -> str:
        """Gender hint "m", "f" or "" (unknown): a known first name or a Mr./Ms. seen."""
        words = name.split()
        first = words[0].lower()
        if len(words) > 1 and first in MALE:
            return "m"
        if len(words) > 1 and first in FEMALE:
            return "f"
        return self.honorific.get(words[-1].lower(), "")

    def is_single_word_name(self, word: str) -> bool:
        """A sentence-initial word is a name only if the article also capitalises it
        mid-sentence or knows a fuller form (so "Officials said" is no speaker)."""
        return word in self.midcap or word.lower() in self.full

    def plausible_initial_name(self, word: str) -> bool:
        """A sentence-initial subject of a speech verb that may be a name: known, or at
        least neither a plural ("Officials said") nor a common subject ("Police said")."""
        known = self.is_single_word_name(word)
        return known or not (word.endswith("s") or word.lower() in COMMON_SUBJECTS)

    def person_like(self, name: str, speakers: set[str]) -> bool:
        """Could this be a person a pronoun refers to? Places and institutions cannot."""
        words = name.split()
        last = words[-1].lower()
        if last in INSTITUTIONS or words[-1].isupper():
            return False
        if len(words) > 1:
            return True
        known = name in speakers or self.gender(name) != ""
        return last not in PLACES and (known or words[-1] not in self.placelike)

    def is_place(self, name: str) -> bool:
        """A one-word name that is a place (a known one, or one the article puts after
        `in`/`near`), and not known as a person's: `Beijing said` quotes a government, not
        someone a reader could ask about."""
        words = name.split()
        if len(words) != 1 or self.gender(name):
            return False
        return name.lower() in PLACES or name in self.placelike

    def person_evidence(self, name: str) -> bool:
        """Known to be a person: a first name with a gender, Mr./Ms., or a title
        (`President`, `spokesman`) in front of the name somewhere in the article."""
        return self.gender(name) != "" or name.split()[-1].lower() in self.titled


def _extends(full: list[str], words: Sequence[str]) -> bool:
    """Is `full` a fuller form of `words`? "Dmitry Peskov" is one of "Peskov" and of
    itself, but not of "Anna Peskov": given first names must agree."""
    if len(words) == 1 or words[0] in PARTICLES:  # a surname alone, maybe `von der Leyen`
        return all(w in full for w in words)
    return full[0] == words[0] and all(w in full for w in words)
