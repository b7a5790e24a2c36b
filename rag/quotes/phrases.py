"""The words around a name in a sentence, for quote attribution: capitals, speech verbs,
the adverbs between a speaker and the verb, speaker phrases (titles, `of`, particles, role
words like `councillor`) and where a clause starts.

Small token predicates, kept apart from :mod:`rag.quotes.names` (which names are people)
and :mod:`rag.quotes.attribution` (the rules that use both).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.quotes.words import (
    ARTICLES,
    DESCRIPTORS,
    MID_WORDS,
    NOT_NAME_WORDS,
    PARTICLES,
    SPEECH_VERBS,
    TITLES,
)
from rag.text import Token


def is_cap(tok: Token) -> bool:
    """A capitalised word: the only kind of token a name can be made of."""
    return tok.kind == "w" and tok.text[0].isupper()


def is_possessive(tok: Token) -> bool:
    """`Putin’s`, `Jones'`: a name used as a modifier, never a speaker."""
    return tok.kind == "w" and tok.text[-2:] in ("’s", "'s")


def is_verb(sent: list[Token], k: int) -> bool:
    """A lower-case speech verb ("said", "told"); title-case headlines do not attribute."""
    return 0 <= k < len(sent) and sent[k].kind == "w" and sent[k].text in SPEECH_VERBS


def _is_mid(sent: list[Token], k: int) -> bool:
    text = sent[k].text
    return sent[k].kind == "w" and (text in MID_WORDS or (text.endswith("ly") and text.islower()))


def skip_mid(sent: list[Token], k: int) -> int:
    """Step over `reportedly`, `has`, `in the past` between a speaker and the verb."""
    while k < len(sent):
        if _is_mid(sent, k):
            k += 1
        elif [t.text for t in sent[k : k + 3]] == ["in", "the", "past"]:
            k += 3
        else:
            return k
    return k


def skip_mid_back(sent: list[Token], k: int) -> int:
    """:func:`skip_mid`, reading backwards from the verb."""
    while k >= 0:
        if _is_mid(sent, k):
            k -= 1
        elif k >= 2 and [t.text for t in sent[k - 2 : k + 1]] == ["in", "the", "past"]:
            k -= 3
        else:
            return k
    return k


def in_phrase(sent: list[Token], k: int) -> bool:
    """Part of a speaker phrase: capitalised words, titles, `of`, the dot of `Mr.`/`J.`."""
    tok = sent[k]
    low = tok.text.lower()
    if tok.kind == "w":
        return (
            is_cap(tok) or low in TITLES or low in DESCRIPTORS or low == "of" or particle(sent, k)
        )
    prev = sent[k - 1].text if k else ""
    return tok.text == "." and (prev.lower() in TITLES or (len(prev) == 1 and prev.isupper()))


def particle(sent: Sequence[Token], k: int) -> bool:
    """`von`/`der` of `(Ursula) von der Leyen`: followed by a particle or a capital."""
    nxt = sent[k + 1] if k + 1 < len(sent) else None
    return sent[k].text in PARTICLES and nxt is not None and (is_cap(nxt) or particle(sent, k + 1))


def apposition_comma(sent: list[Token], k: int) -> bool:
    """`the Kremlin spokesman, Dmitry Peskov`: a comma between a title and a name."""
    return (
        sent[k].text == ","
        and k > 0
        and sent[k - 1].text.lower() in TITLES
        and k + 1 < len(sent)
        and is_cap(sent[k + 1])
    )


ROLE_WORDS = 2  # `city councillor Mark Olsen`: at most this many before a name


def _role_word(tok: Token) -> bool:
    """A lower-case word that may name a role (`councillor`, `harbour engineer`): a plain
    word, not a function word, verb-like adverb or speech verb."""
    text = tok.text
    return (
        tok.kind == "w"
        and text.islower()
        and text.replace("-", "").isalpha()
        and text not in NOT_NAME_WORDS
        and text not in SPEECH_VERBS
        and text not in MID_WORDS
        and not text.endswith("ly")
    )


def role_words(sent: list[Token], k: int) -> int:
    """Where the name starts after lower-case role words (`councillor Mark Olsen`,
    `harbour engineer Ola Strand`); ``k`` itself when no name follows such words."""
    j = k
    while j < len(sent) and j - k < ROLE_WORDS and _role_word(sent[j]):
        j += 1
    return j if j > k and j < len(sent) and is_cap(sent[j]) else k


def clause_start(sent: list[Token], k: int, roles: bool = False) -> bool:
    """Only articles, titles and capitalised words between the sentence (or an intro
    phrase ending in a comma) and token k: k starts the clause, so it is its subject.
    With ``roles``, lower-case role words may stand right before the name (`The bridge
    reopens, councillor Mark Olsen said`)."""
    i = k - 1
    if roles:
        while i >= 0 and k - 1 - i < ROLE_WORDS and _role_word(sent[i]):
            i -= 1
    while i >= 0 and (in_phrase(sent, i) or sent[i].text.lower() in ARTICLES):
        if sent[i].text.lower() in NOT_NAME_WORDS - ARTICLES and i > 0:
            return False
        i -= 1
    return i < 0 or sent[i].text == ","


def ends_clause(sent: list[Token], k: int) -> bool:
    """`said Putin.` / `said Putin, adding`: the inverted speaker phrase ends there."""
    return k >= len(sent) or sent[k].kind == "p"
