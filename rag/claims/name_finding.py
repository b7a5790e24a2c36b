"""Finding a claim's names in a passage, as news writes them.

- in order, at most two words apart ("President Joe Biden" holds "Joe Biden"), the last
  word plural or not ("iPhones" holds "iPhone"), a place by its people ("Iranian");
- a person named in full once may be named by the last word alone later ("Zuckerberg
  said ..." after "Mark Zuckerberg"), if that word stands alone (not "North Dakota" for
  "South Dakota");
- a first name by its long form ("Ashton Carter" for "Ash Carter"); a name written with
  a number by the name alone ("Covid" for "Covid-19"), never with another number;
- a short acronym only as written, dotted or not, or as its usual long forms ("U.S.",
  "United States" for "US"), never as the lower-case word ("us");
- a longer acronym as written or spelled out by the capitals of a name ("World War II"
  for "WWII", "National Rifle Association" for "NRA"), and a name found so, or in another
  of its forms, holds its words for the passage's coverage (found by its last word alone,
  it does not: "Day" is not "Presidents' Day");
- a name that is only one item of an enumeration ("Arkansas, Maryland, Missouri, North
  Dakota and South Dakota") is not singled out, so it does not count as found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rag.claims.comparable import Word
from rag.claims.parts import Part

Span = tuple[int, int]
_NUMBERED = re.compile(r"-\d+$")  # "Covid-19": the name's number may go unsaid
_DEMONYMS = ("ian", "an", "ese", "i", "ish", "n")
GAP = 2  # other words allowed between two words of a name
_CAP = r"[“\"‘]?[A-Z][\w’'.&-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w’'.&-]*){0,3}"
_COMMA = rf"{_CAP}(?:,[”\"’]|[”\"’]?,)"  # an item and its comma (inside quotes or not)
_LAST = rf"{_CAP}[”\"’]?"
_LIST = re.compile(rf"{_COMMA}(?:\s+{_COMMA})*\s+(?:{_COMMA}|{_LAST})\s+(?:and|or)\s+{_LAST}")


def find_name(part: Part, text: str, found: Sequence[Word], in_full_elsewhere: bool) -> list[Span]:
    """Where the passage (its words ``found``, offsets into ``text``) names the part."""
    if part.forms:
        lo, hi = found[0].start, found[-1].end
        return [(m.start(), m.end()) for m in _acronym(part.forms).finditer(text, lo, hi)]
    spans = sequence(part.words, found, GAP, plural=True)
    if not spans and _NUMBERED.search(part.text) and len(part.words[0]) >= 3:
        spans = _unnumbered(part.words[:-1], found)
    if not spans and in_full_elsewhere and len(part.words) > 1:
        spans = _alone(part.words[-1], text, found)
    if (
        not spans
        and len(part.words) == 1
        and part.text.isupper()
        and _INITIALS.fullmatch(part.text)
    ):
        spans = _spelled(part.text, text, found)
    return [s for s in spans if not listed(text, s, found) and not _masthead(text, s)]


def _masthead(text: str, span: Span) -> bool:
    """Does the name open a newspaper's ("New York Times", "Washington Post")? News cites
    its peers everywhere, and such a place is not the place."""
    return _PRESS.match(text, span[1]) is not None


_PRESS = re.compile(
    r" (?:Daily )?(?:Times|Post|Journal|Tribune|Herald|Chronicle|Globe|Gazette|Examiner|"
    r"Inquirer|Observer|Telegraph|Dispatch|Courier|Register|Express)\b"
)


def sequence(
    wanted: Sequence[str], found: Sequence[Word], gap: int, plural: bool = False
) -> list[Span]:
    """Where ``wanted`` stands in ``found``, in order, with at most ``gap`` other words
    between two of its words (possessives dropped; with ``plural``, the last word may
    take an s; a first name may be the short form of the one written: "Ash Carter" is
    "Ashton Carter")."""
    forms = [w.norm.removesuffix("'s") for w in found]
    last = len(wanted) - 1
    lead = wanted[0][:1] if len(wanted[0]) > 1 else ""  # every form of it starts so
    spans = []
    for i, form in enumerate(forms):
        if not form.startswith(lead) or (
            not _same(form, wanted[0], plural and last == 0) and not _short_for(wanted, form)
        ):
            continue
        at, ok = i, True
        for k, word in enumerate(wanted[1:], start=1):
            stop = min(at + 2 + gap, len(forms))
            nxt = next((j for j in range(at + 1, stop)
                        if _same(forms[j], word, plural and k == last)), None)  # fmt: skip
            if nxt is None:
                ok = False
                break
            at = nxt
        if ok:
            spans.append((found[i].start, found[at].end))
    return spans


def _same(form: str, word: str, plural: bool) -> bool:
    """The same word; with ``plural`` (a name's last word) its plural or, for a place, its
    people ("Iran" / "Iranian", "Ukraine" / "Ukrainians", "China" / "Chinese")."""
    if form == word:
        return True
    if not plural or not form.startswith(word.rstrip("aeiou")[:4]):
        return False
    stem = word[:-1] if word[-1:] in "aeiou" else word
    return form in (word + "s", word + "es") or form.removesuffix("s") in {
        stem + end for end in _DEMONYMS
    }


def _unnumbered(wanted: Sequence[str], found: Sequence[Word]) -> list[Span]:
    """A name written with a number ("Covid-19") found without it ("zero-Covid"), never
    with another ("Apollo 13" is not "Apollo-11")."""
    after = {w.end: found[i + 1] for i, w in enumerate(found[:-1])}
    return [s for s in sequence(wanted, found, GAP, plural=True)
            if s[1] not in after or not after[s[1]].norm[:1].isdigit()]  # fmt: skip


def _short_for(wanted: Sequence[str], form: str) -> bool:
    """Is the name's first word a short form of ``form`` ("ash" of "ashton", "chris" of
    "christopher")? Only in a name of two words or more, whose other words must follow."""
    first = wanted[0]
    return len(wanted) > 1 and len(first) >= 3 and form.startswith(first) and form.isalpha()


def _alone(surname: str, text: str, found: Sequence[Word]) -> list[Span]:
    """The last word of a name standing alone: no capitalised word right before it."""
    spans = []
    for i, w in enumerate(found):
        if w.norm.removesuffix("'s") != surname:
            continue
        before = found[i - 1] if i else None
        joined = before is not None and text[before.end : w.start].strip() == ""
        if not (joined and before is not None and text[before.start].isupper()):
            spans.append((w.start, w.end))
    return spans


def _spelled(acronym: str, text: str, found: Sequence[Word]) -> list[Span]:
    """An acronym written out: capitalised words in a row whose first letters spell it,
    "of", "and" or "the" between them, a Roman numeral kept whole ("World War II" for
    "WWII", "National Rifle Association" for "NRA")."""
    spans = []
    for i, word in enumerate(found):
        if text[word.start] != acronym[0]:
            continue
        end = _spell(acronym, text, found, i)
        if end is not None:
            spans.append((word.start, found[end].end))
    return spans


def _spell(acronym: str, text: str, found: Sequence[Word], i: int) -> int | None:
    """The index of the last word spelling ``acronym`` from word ``i``, if they do."""
    at, j = 0, i
    while j < len(found) and at < len(acronym):
        raw = text[found[j].start : found[j].end]
        if _ROMAN.fullmatch(raw) and j > i:  # a numeral is the acronym's end, whole
            return j if raw == acronym[at:] else None
        if raw[:1] == acronym[at] and raw[:1].isupper():
            at += 1
        elif not (j > i and raw in ("of", "and", "the", "&")):
            return None
        j += 1
    return j - 1 if at == len(acronym) and j > i + 1 else None


_INITIALS = re.compile(r"[A-Z]{3,6}|[A-Z]{2,4}I{1,3}")  # "NATO", "WWII": no lower case
_ROMAN = re.compile(r"I{1,3}|IV|V|VI{1,3}")


def listed(text: str, span: Span, found: Sequence[Word]) -> bool:
    """Is the span (a name, a title in quotes) one item of an enumeration of three or more
    ("“Euphoria,” “Ozark,” “Severance” and “Squid Game”")?"""
    lo, hi = found[0].start, found[-1].end
    return any(m.start() <= span[0] and span[1] <= m.end() for m in _LIST.finditer(text, lo, hi))


@lru_cache(maxsize=64)
def _acronym(forms: tuple[str, ...]) -> re.Pattern[str]:
    """ "US" -> US, U.S. (and the long forms), case kept, as whole words."""
    ways = []
    for form in forms:
        if len(form) <= 3 and form.isalpha() and form.isupper():
            ways.append(r"\.?".join(re.escape(c) for c in form) + r"\.?")
        else:
            ways.append(re.escape(form))
    return re.compile(r"(?<![\w.])(?:" + "|".join(ways) + r")(?!\w)")
