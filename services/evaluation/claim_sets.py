"""Claims made from multiple-choice questions: the question with its right choice is a
claim the archive should support; with a wrong choice, one it must not.

Turning a question into a statement takes a rule, not understanding, so the rules are few
and counted (``ClaimCase.rule``):
- ``substituted``: the choice takes the place of the question's wh-phrase: "Which
  university recently issued an apology ...?" + "Northeastern University" ->
  "Northeastern University recently issued an apology ..."; "how many employees" ->
  "11,000 employees"; "which broadcaster’s journalists" -> "BBC’s journalists"; "Who ..."
  -> "<choice> ...";
- ``appended``: otherwise the question's sentence, without its question mark, then the
  choice: "Where is Mar-a-Lago located — Florida".
A quiz's "which of the following" is read as "which". Sentences before the asking one
("Meta CEO Mark Zuckerberg announced layoffs this week.") stay in the claim: they are
part of what is claimed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from rag.errors import NewsdeskError
from rag.text import STOPWORDS, normalise_date, sentence_spans

Expected = Literal["supported", "not_supported"]
_WH = re.compile(r"\b(?P<wh>[Ww]hich|[Ww]hat)\s+(?P<rest>.*)", re.DOTALL)
_HOW = re.compile(r"\b[Hh]ow\s+(?P<what>many|much|soon|long|old)\b\s*")
_OF_THE_FOLLOWING = re.compile(r"\b([Ww]hich|[Ww]hat)\s+of\s+the\s+following\b")
_WHO = re.compile(r"^(?P<lead>.*?)\b[Ww]ho\s+(?=\w)")
_NOT_NOUN = (
    STOPWORDS
    | frozenset(
        "is are was were be been did does do has have had will would can could should may "
        "might must of following".split()
    )
    | frozenset(  # verbs in the past that do not end in -ed: the wh-phrase ends before them
        "took won hit made became gave went saw held led left lost met paid put ran sold sent "
        "set shut spent stood struck threw wore got grew came broke began bought brought built "
        "caught chose drew drove fell fought found flew froze kept knew laid meant rose sank "
        "shook shot spoke stole taught thought".split()
    )
)


@dataclass(frozen=True)
class ClaimCase:
    """One claim to check and what the right verdict is."""

    id: str
    claim: str
    expected: Expected
    as_of: date | None
    rule: str  # "substituted" or "appended"


def load_claims(path: Path) -> list[ClaimCase]:
    """A claim per choice of every multiple-choice question of a dev.jsonl-style file
    (fields ``query``, ``choices``, ``answer_index``); a line without them is an error
    naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NewsdeskError(f"cannot read questions {path}: {exc.strerror or exc}") from None
    cases: list[ClaimCase] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            cases += _cases(line, f"{path}:{number}")
    return cases


def _cases(line: str, where: str) -> list[ClaimCase]:
    try:
        raw = json.loads(line)
        choices = [str(c) for c in raw["choices"]]
        right = int(raw["answer_index"])
        if not 0 <= right < len(choices):
            raise ValueError(f"answer_index {right} is not one of {len(choices)} choices")
        day = normalise_date(raw.get("question_date") or "")
        as_of = date.fromisoformat(day) if day else None
        qid = str(raw.get("id", where))
        out = []
        for i, choice in enumerate(choices):
            claim, rule = to_claim(str(raw["query"]), choice)
            expected: Expected = "supported" if i == right else "not_supported"
            out.append(ClaimCase(f"{qid}#{i}", claim, expected, as_of, rule))
        return out
    except (AttributeError, KeyError, TypeError, ValueError, NewsdeskError) as exc:
        raise NewsdeskError(f"{where}: not a multiple-choice question ({exc})") from None


def to_claim(question: str, choice: str) -> tuple[str, str]:
    """The question made a statement with ``choice`` as its answer, and the rule used."""
    text = " ".join(question.split())
    spans = sentence_spans(text) or [(0, len(text))]
    asking = next((s for s in spans if text[s[0] : s[1]].rstrip().endswith("?")), spans[-1])
    before, sentence = text[: asking[0]], text[asking[0] : asking[1]].rstrip().rstrip("?.")
    sentence = _OF_THE_FOLLOWING.sub(r"\1", sentence)  # the quiz's words, not the claim's
    choice = " ".join(choice.split()).rstrip(".")
    made = _substituted(sentence, choice)
    if made is not None:
        return f"{before}{made}.", "substituted"
    return f"{before}{sentence} — {choice}.", "appended"


def _substituted(sentence: str, choice: str) -> str | None:
    for m in _WH.finditer(sentence):
        noun, tail = _noun_phrase(m.group("rest"))
        if noun:
            lead = sentence[: m.start()]
            return f"{_capital(lead, choice)}{tail}".rstrip()
    how = _HOW.search(sentence)
    if how is not None:
        rest = sentence[how.end() :]
        return f"{_capital(sentence[: how.start()], choice)} {rest}".strip()
    who = _WHO.match(sentence)
    if who is not None:
        return f"{_capital(who.group('lead'), choice)} {sentence[who.end() :]}"
    return None


def _noun_phrase(rest: str) -> tuple[str, str]:
    """The words after 'which'/'what' that name what is asked ("social media app"), and
    the rest of the sentence (a possessive "’s" stays with the choice)."""
    words = rest.split(" ")
    taken = 0
    for word in words[:4]:
        plain = word.lower().strip(",;:")
        if (
            not plain
            or plain in _NOT_NOUN
            or plain.endswith(("ly", "ed"))
            or word != word.strip(",;:")
        ):
            break
        taken += 1
        if plain.endswith(("’s", "'s")):
            return " ".join(words[:taken]), _possessive(word) + " " + " ".join(words[taken:])
    if not taken:
        return "", rest
    return " ".join(words[:taken]), " " + " ".join(words[taken:])


def _possessive(word: str) -> str:
    return "’s" if word.endswith("’s") else "'s"


def _capital(lead: str, choice: str) -> str:
    """The choice after what precedes it (the sentence start keeps a capital)."""
    return lead + choice if lead.strip() else choice[:1].upper() + choice[1:]
