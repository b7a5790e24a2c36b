"""Checking a written answer against the passages it cites, before anyone sees it.

A language model writes sentences with [n] markers. First the draft is tidied: a sentence
written again (a model caught in a loop), a last sentence cut off by the token limit, and
a sentence whose last word cannot end one ("... on NBC in [1].": the model copied a
passage that was itself cut off, then closed it with a marker) are removed. Then each
sentence is checked:
- markers to passages that do not exist are removed;
- a quotation must be a verbatim span of a cited passage: a near copy is replaced by the
  passage's own words, anything else is removed;
- its numbers and names must be in the passages it cites; a sentence without markers that
  one passage clearly supports gets that passage's marker;
- its meaning must be close to what it cites (MiniLM similarity to the cited passage or
  one of its sentences, at least ``llm.min_meaning``): every word of "...was willing to
  give money and fist" is in its passage, yet it says nothing the passage says;
- a sentence that fails is kept and flagged (``unsupported: flag``) or dropped (``drop``).
The result says, sentence by sentence, what is supported, and counts what was changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from difflib import SequenceMatcher
from typing import Literal

from rag.contract import Statement, Verification
from rag.text import sentence_spans, terms

_MARKER = re.compile(r"\s*\[(\d+)\]")
_QUOTED = re.compile(r"[“\"]([^”\"]{3,})[”\"]")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"\b[A-Z][\w’'\-]+")
NEAR_COPY = 0.85  # similarity above which a misquote is replaced by the passage's words
_ENDED = re.compile(r"(?:[.!?…][”\"’')]*|\[\d+\])\s*[.!?…]?[”\"’')]*$")  # a stop, or a marker
_LAST_WORDS = re.compile(r"(?:([\w’'/.-]+)\s+)?([\w’']+)\W*$")
# Words that never close an English sentence: articles, prepositions that need an object,
# conjunctions, determiners that need a noun ("his" and "that" can end one: not here).
DANGLING = frozenset(
    "a an the of from into onto upon than between among via per and or nor its their our "
    "your whose".split()
)
# Prepositions that close a sentence as a verb's particle ("talks went on", "the votes
# are in") but not after a name, a number or a word that needs one ("... on NBC in",
# "... in 2023 on", "... through the in").
DANGLING_AFTER_NAME = frozenset("in on at to for with by about over through".split())

Policy = Literal["flag", "drop"]
Meaning = Callable[[str, str], float]  # (sentence, cited text) -> similarity


def verify(
    text: str,
    passages: Mapping[int, str],
    policy: Policy = "flag",
    meaning: Meaning | None = None,
    min_meaning: float = 0.0,
) -> tuple[str, list[Statement], Verification]:
    """The checked text, its statements, and what was changed. With ``meaning``, a
    sentence whose similarity to what it cites is below ``min_meaning`` is unsupported."""
    counts = {"kept": 0, "flagged": 0, "dropped": 0, "markers_fixed": 0, "quotes_fixed": 0}
    text, counts["tidied"] = tidy(text)
    statements: list[Statement] = []
    for start, end in sentence_spans(text):
        statement = _check(text[start:end], passages, counts, meaning, min_meaning)
        if statement is None:
            continue
        if statement.supported:
            counts["kept"] += 1
        elif policy == "drop":
            counts["dropped"] += 1
            continue
        else:
            counts["flagged"] += 1
        statements.append(statement)
    shown = " ".join(s.text for s in statements)
    return shown, statements, Verification(**counts)


def tidy(draft: str) -> tuple[str, int]:
    """The draft without sentences written twice (compared without markers, case and
    spacing), without a last sentence that stops short (neither a stop nor a marker at
    its end: cut off by the token limit) and without any sentence that stops on a word
    that cannot end one (``DANGLING``); and how many sentences went."""
    draft = draft.strip()
    spans = sentence_spans(draft)
    kept: list[str] = []
    seen: set[str] = set()
    for n, (start, end) in enumerate(spans):
        sentence = draft[start:end].strip()
        key = " ".join(_MARKER.sub("", sentence).lower().split()).strip(" .!?…")
        last = n == len(spans) - 1
        cut = (last and not _ENDED.search(sentence)) or dangles(sentence)
        if not key or key in seen or cut:
            continue
        seen.add(key)
        kept.append(sentence)
    return " ".join(kept), len(spans) - len(kept)


def dangles(sentence: str) -> bool:
    """Does the sentence (markers removed) stop on a word that cannot end one?"""
    found = _LAST_WORDS.search(_MARKER.sub("", sentence).strip())
    if found is None:
        return False
    before, last = found.group(1) or "", found.group(2).lower()
    after_name = before[:1].isupper() or before[:1].isdigit() or before.lower() in DANGLING
    return last in DANGLING or (after_name and last in DANGLING_AFTER_NAME)


def _check(
    sentence: str,
    passages: Mapping[int, str],
    counts: dict[str, int],
    meaning: Meaning | None,
    min_meaning: float,
) -> Statement | None:
    cited = [int(n) for n in _MARKER.findall(sentence)]
    known = list(dict.fromkeys(n for n in cited if n in passages))
    counts["markers_fixed"] += len(cited) - sum(1 for n in cited if n in passages)
    body = _MARKER.sub("", sentence).strip()
    body = _fix_quotes(body, [passages[n] for n in known] or list(passages.values()), counts)
    if not body.strip(" .,;:"):
        return None
    if not known:
        found = _supporting(body, passages)
        if found is not None:
            known = [found]
            counts["markers_fixed"] += 1
    cited_text = " ".join(passages[n] for n in known)
    supported = bool(known) and supports(body, cited_text)
    if supported and meaning is not None:
        supported = meaning(body, cited_text) >= min_meaning
    markers = "".join(f" [{n}]" for n in known)
    stop = re.search(r"[.!?…]+[”\"’']*$", body)
    head, tail = (body[: stop.start()], stop.group()) if stop else (body, "")
    return Statement(text=f"{head}{markers}{tail}", cites=tuple(known), supported=supported)


def _fix_quotes(body: str, sources: list[str], counts: dict[str, int]) -> str:
    """Quotations verbatim from a source stay; near copies become the source's words."""

    def fix(match: re.Match[str]) -> str:
        quoted = match.group(1)
        if any(quoted in source for source in sources):
            return match.group()
        counts["quotes_fixed"] += 1
        span = _closest(quoted, sources)
        return f"“{span}”" if span else ""

    return re.sub(r"\s{2,}", " ", _QUOTED.sub(fix, body)).strip()


def _closest(quoted: str, sources: list[str]) -> str:
    """The source span most like ``quoted``, if it is a near copy; else ""."""
    best, best_ratio = "", 0.0
    slack = max(3, len(quoted) // 10)
    for source in sources:
        matcher = SequenceMatcher(None, source, quoted, autojunk=False)
        block = matcher.find_longest_match(0, len(source), 0, len(quoted))
        lo = max(0, block.a - block.b)
        for size in range(max(1, len(quoted) - slack), len(quoted) + slack + 1):
            span = _whole_words(source, lo, lo + size)
            ratio = SequenceMatcher(None, span, quoted, autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = span, ratio
    return best.strip() if best_ratio >= NEAR_COPY else ""


def _whole_words(source: str, start: int, end: int) -> str:
    """``source[start:end]`` widened to whole words."""
    while start > 0 and source[start - 1].isalnum():
        start -= 1
    while end < len(source) and source[end].isalnum():
        end += 1
    return source[start:end]


def supports(sentence: str, passage: str) -> bool:
    """Are the sentence's numbers, names and quoted words all in the passage?"""
    numbers = {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(sentence)}
    held = {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(passage)}
    if not numbers <= held:  # whole numbers: "27,000" is not in "270,000"
        return False
    after_first = sentence.split(maxsplit=1)[1] if " " in sentence.strip() else ""
    names = {re.sub(r"['’]s$", "", m.group()) for m in _NAME.finditer(after_first)}
    if any(name not in passage for name in names):
        return False
    return all(q in passage for q in _QUOTED.findall(sentence))


def _supporting(body: str, passages: Mapping[int, str]) -> int | None:
    """The one passage that holds the sentence's numbers and names and most of its words."""
    words = set(terms(body))
    best: tuple[float, int] | None = None
    for n, passage in passages.items():
        if not supports(body, passage):
            continue
        share = len(words & set(terms(passage))) / max(len(words), 1)
        if share >= 0.6 and (best is None or share > best[0]):
            best = (share, n)
    return best[1] if best else None
