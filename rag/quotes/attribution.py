"""Rule-based quote attribution for English news text: who said which passage.

Newsdesk answers "What did X say?" with X's own words, so a wrong speaker is the worst
answer it can give. Every rule here prefers dropping a quotation to guessing: a passage
is attributed only when a named speaker (or a pronoun that resolves to exactly one
recent, plausible person) stands next to a speech verb in the same sentence, or when an
unattributed quotation directly continues such a quote in the same paragraph.

The article is cut into paragraphs (lines), each into tokens in which a whole quotation
is one token, then into sentences; the rules then look only at the words around the
quotation tokens, so nothing said *inside* a quote ("he said" in a quote) can attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from rag.quotes.names import NameIndex, name_runs, name_words
from rag.quotes.phrases import (
    apposition_comma,
    clause_start,
    ends_clause,
    in_phrase,
    is_cap,
    is_possessive,
    is_verb,
    role_words,
    skip_mid,
    skip_mid_back,
)
from rag.quotes.quote import Quote
from rag.quotes.words import (
    ARTICLES,
    INVERTIBLE,
    MODIFIER_NOUNS,
    PRONOUNS,
    SUBJECT_PRONOUNS,
    TITLES,
)
from rag.text import Token, quote_tokens, split_sentences

__all__ = ["find_quotes"]

_PARA = re.compile(r"[^\n]+")
_END_OF_QUOTE = frozenset(",?!—–-…")


def find_quotes(text: str) -> list[Quote]:
    """All attributed quotations and reported-speech sentences of an article, in text order."""
    paragraphs = [
        split_sentences(quote_tokens(text, m.start(), m.end())) for m in _PARA.finditer(text)
    ]
    paragraphs = [p for p in paragraphs if p]
    index = NameIndex()
    for sentences in paragraphs:
        for sentence in sentences:
            index.learn(sentence)
    index.finish()
    state = _State()
    found: list[Quote] = []
    for para, sentences in enumerate(paragraphs):
        previous_direct = ""
        for sentence in sentences:
            quote = _attribute(sentence, para, previous_direct, state, index)
            continues = quote and quote.kind == "direct" and not _asks(sentence)
            previous_direct = quote.speaker if quote and continues else ""
            if quote:
                found.append(quote)
    return found


def _asks(sentence: list[Token]) -> bool:
    """A quoted question is followed by someone else's answer, not by a continuation."""
    return [t.tail for t in sentence if t.kind == "q"][-1:] == ["?"]


# -- attribution ----------------------------------------------------------------------------


class _Found(NamedTuple):
    """A speaker reference (name words or a pronoun) next to a speech verb."""

    who: tuple[str, ...] | str
    subject: int  # token index where the speaker reference starts
    verb: int
    kind: str  # "direct" or "reported"
    content: int  # where the spoken content starts; names between verb and it are listeners


@dataclass
class _State:
    """What pronouns may refer to: the last speaker and the people named since."""

    speaker: str = ""
    para: int = -9
    mentions: list[tuple[str, int, bool]] = field(default_factory=list)  # name, para, strong
    speakers: set[str] = field(default_factory=set)


def _attribute(
    sent: list[Token], para: int, previous_direct: str, state: _State, index: NameIndex
) -> Quote | None:
    """The Quote this sentence is, if any, updating the pronoun context either way."""
    state.mentions = [m for m in state.mentions if m[1] >= para - 1]
    start, end = sent[0].start, sent[-1].end
    found = _analyse(sent, index)
    if found is None:
        if previous_direct and sent[0].kind == "q" and all(t.kind != "w" for t in sent):
            state.para = para
            return Quote(previous_direct, start, end, "direct")
        state.mentions += [(n, para, s) for n, s in _mentions(sent, 0, len(sent), index)]
        return None
    speaker = _resolve(found, sent, para, state, index, previous_direct)
    if speaker is None or not _safe(sent, found):
        state.mentions += [(n, para, s) for n, s in _mentions(sent, 0, len(sent), index)]
        return None
    listeners = _mentions(sent, found.verb + 1, found.content, index)
    state.speaker, state.para, state.mentions = speaker, para, [(n, para, s) for n, s in listeners]
    state.speakers.add(speaker)
    return Quote(speaker, start, end, found.kind)


def _analyse(sent: list[Token], index: NameIndex) -> _Found | None:
    """Attribution after a leading quotation first, else a subject + speech verb."""
    if sent[0].kind == "q":
        found = _after_quote(sent)
        if found:
            return found
    return _subject_verb(sent, index)


def _after_quote(sent: list[Token]) -> _Found | None:
    """`“...,” Peskov explained.` / `said Putin.` / `he told reporters` / `according to X`."""
    i = 2 if len(sent) > 1 and sent[1].text == "," else 1
    if i >= len(sent) or (i == 1 and sent[0].tail not in _END_OF_QUOTE):
        return None
    low = sent[i].text.lower()
    if low in PRONOUNS:
        verb = skip_mid(sent, i + 1)
        return _Found(low, i, verb, "direct", len(sent)) if is_verb(sent, verb) else None
    if low == "according" and i + 1 < len(sent) and sent[i + 1].text == "to":
        name, k = _phrase(sent, i + 2)
        return _Found(name, i + 2, i, "direct", i) if name and ends_clause(sent, k) else None
    if low in INVERTIBLE:
        name, k = _phrase(sent, i + 1)
        return (
            _Found(name, i + 1, i, "direct", len(sent)) if name and ends_clause(sent, k) else None
        )
    name, k = _phrase(sent, i)
    verb = skip_mid(sent, k + 1 if k < len(sent) and sent[k].text == "," else k)
    return _Found(name, i, verb, "direct", len(sent)) if name and is_verb(sent, verb) else None


def _phrase(sent: list[Token], i: int) -> tuple[tuple[str, ...], int]:
    """Name at the end of a speaker phrase read forward: `the Kremlin spokesman, Dmitry
    Peskov` -> (Dmitry, Peskov); a phrase ending in a common noun names nobody."""
    k = i + 1 if i < len(sent) and sent[i].text.lower() in ARTICLES else i
    k = role_words(sent, k)  # `said harbour engineer Ola Strand`
    while k < len(sent) and (in_phrase(sent, k) or apposition_comma(sent, k)):
        k += 1
    last = sent[k - 1] if k > i else None
    if last is None or not is_cap(last) or is_possessive(last):
        return (), k
    return tuple(name_words(sent[i:k])), k


def _subject_verb(sent: list[Token], index: NameIndex) -> _Found | None:
    """`X said: “...”`, `X recalled ... “...”`, `X told reporters that ...`: the first speech
    verb of the sentence, before any quotation, with a named or pronoun subject."""
    first_q = next((k for k, t in enumerate(sent) if t.kind == "q"), len(sent))
    verb = next((k for k in range(first_q) if is_verb(sent, k)), -1)
    if verb < 0:
        return None
    subject = _subject_before(sent, verb, index)
    if subject is None:
        return None
    who, at = subject
    content = _content_start(sent, verb)
    if content is not None and sent[content].kind != "q":
        return _Found(who, at, verb, "reported", content)
    if first_q == len(sent):
        return None
    return _Found(who, at, verb, "direct", first_q)


def _subject_before(
    sent: list[Token], verb: int, index: NameIndex
) -> tuple[tuple[str, ...] | str, int] | None:
    """Read the subject backwards from the verb; it must start its clause (sentence start
    or after a comma), so `Trump met Putin, who said` or `reports that Trump said` give
    nobody, while `Trump, who met Putin, said` gives Trump, never Putin."""
    j = skip_mid_back(sent, verb - 1)
    j = _before_relative_clause(sent, j) if j >= 0 and sent[j].text == "," else j
    j = j - 1 if j >= 0 and sent[j].text == "," else j
    if j < 0:
        return None
    if sent[j].text.lower() in PRONOUNS:
        return (sent[j].text.lower(), j) if clause_start(sent, j) else None
    for _apposition in range(2):
        k = j
        while k >= 0 and in_phrase(sent, k):
            k -= 1
        words = name_words(sent[k + 1 : j + 1]) if not is_possessive(sent[j]) else []
        words = index.trim(words, k < 0) if words else words
        if words:
            bare = k < 0 and j == 0  # one capitalised word opening the sentence
            unknown = bare and not index.plausible_initial_name(words[0])
            starts = clause_start(sent, k + 1, roles=True)
            return None if unknown or not starts else (tuple(words), k + 1)
        if k < 1 or sent[k].text != "," or not any(t.text in TITLES for t in sent[k + 1 : j + 1]):
            return None
        j = k - 1  # `Dmitry Peskov, Putin’s spokesman, said`: the name before the comma
    return None


def _before_relative_clause(sent: list[Token], comma: int) -> int:
    """`Boris Johnson, who met Zelensky last week, said`: the comma before `who`, so the
    subject is read before the clause (and Zelensky is not taken for the speaker)."""
    for k in range(comma - 1, 0, -1):
        if sent[k].text == ",":
            return k if sent[k + 1].text.lower() in ("who", "whose") else comma
    return comma


def _content_start(sent: list[Token], verb: int) -> int | None:
    """Index of `that`, a subject pronoun or a quotation opening what was said."""
    for k in range(verb + 1, min(len(sent), verb + 12)):
        tok = sent[k]
        low = tok.text.lower()
        if tok.kind == "q" or low == "that" or (low in SUBJECT_PRONOUNS and k <= verb + 2):
            return k
        if tok.kind == "p" and tok.text not in ",:":
            return None
    return None


def _resolve(
    found: _Found, sent: list[Token], para: int, state: _State, index: NameIndex, previous: str
) -> str | None:
    """The speaker's fullest name; a pronoun only when exactly one plausible person of a
    fitting gender was the last speaker or named prominently since (same or last paragraph),
    and is known to be a person or was quoted in the sentence just before. "they" is mostly
    plural in news, so it only continues the speaker quoted just before."""
    if not isinstance(found.who, str):
        name = index.canonical(found.who)
        return None if index.is_place(name) else name  # `Beijing said`: no speaker
    they = found.who == "they"
    candidates: dict[str, bool] = {}
    if state.speaker and state.para >= para - 1 and (not they or previous == state.speaker):
        candidates[state.speaker] = True
    named = [(n, s) for n, _p, s in state.mentions] + _mentions(sent, 0, found.subject, index)
    for name, strong in named:
        candidates[name] = candidates.get(name, False) or (strong and not they)
    wanted = {"he": ("m", ""), "she": ("f", ""), "they": ("",)}[found.who]
    fits = [
        name
        for name in candidates
        if index.person_like(name, state.speakers) and index.gender(name) in wanted
    ]
    if len(fits) != 1 or not candidates[fits[0]]:
        return None
    # "Amnesty International criticized it. “...,” he said.": not known to be a person.
    return fits[0] if fits[0] == previous or index.person_evidence(fits[0]) else None


def _mentions(sent: list[Token], lo: int, hi: int, index: NameIndex) -> list[tuple[str, bool]]:
    """People named in tokens [lo, hi) outside quotes, as (fullest name, prominent). Names
    used as modifiers (`Putin’s`, `the Trump administration`, `Trump-Zelensky`) are skipped."""
    out: list[tuple[str, bool]] = []
    for a, b in name_runs(sent):
        if not lo <= a < hi:
            continue
        words = name_words(sent[a:b])
        words = index.trim(words, a == 0) if words else words
        before = sent[a - 1].text.lower() if a else ""
        after = sent[b].text if b < len(sent) else ""
        modifier = (
            not words
            or is_possessive(sent[b - 1])
            or "-" in words[-1]
            or before in ARTICLES
            or sent[a].text.lower() in ARTICLES  # `The Trump speech` opening a sentence
            or after in MODIFIER_NOUNS
        )
        if modifier:
            continue
        # A sentence-initial unknown word ("Jones", or "Reports") still competes for a
        # pronoun, but is never what the pronoun resolves to.
        known = a > 0 or b - a > 1 or index.is_single_word_name(words[0])
        strong = known and (clause_start(sent, a) or before in ("by", "from"))
        out.append((index.canonical(words), strong))
    return out


def _safe(sent: list[Token], found: _Found) -> bool:
    """With quotations in the sentence, refuse a second speech verb after ours (`Trump said
    Putin told him “...”`) and quotes owned by a possessive (`Putin’s “peace plan”`)."""
    if all(t.kind != "q" for t in sent):
        return True
    if any(is_verb(sent, k) for k in range(found.verb + 1, len(sent))):
        return False
    return not any(t.kind == "q" and k and is_possessive(sent[k - 1]) for k, t in enumerate(sent))
