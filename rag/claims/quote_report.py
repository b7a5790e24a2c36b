"""A quote check as the contract shows it: cited passages, marked words, the word diff and a
one-line summary that names who said it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rag.claims.align import diff_ops
from rag.claims.comparable import Word, norms
from rag.claims.given import GivenQuote
from rag.claims.quote_check import Found, QuoteFinding
from rag.contract import Article, Citation, ClaimCheck, Evidence, Mark, WordChange

Locate = Callable[[str, int], str]  # (doc_id, offset) -> the chunk holding it
_STANCE = {"exact": "exact", "altered": "altered", "misattributed": "misattributed"}


def quote_check(
    given: GivenQuote,
    finding: QuoteFinding,
    articles: Mapping[str, Article],
    locate: Locate,
    limit: int,
) -> ClaimCheck:
    """The contract of a quote check; evidence at most ``limit`` passages, best first."""
    evidence = [
        _evidence(given, f, articles[f.spoken.doc_id], n, locate, finding)
        for n, f in enumerate(_distinct(finding.found)[:limit], start=1)
    ]
    return ClaimCheck(
        kind="quote",
        text=given.text,
        speaker=given.speaker,
        quote_check=finding.verdict,
        summary=_summary(given, finding, evidence),
        evidence=evidence,
    )


def _distinct(found: Sequence[Found]) -> list[Found]:
    """One evidence item per passage (a stream may hold the quote once)."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for f in found:
        key = (f.spoken.doc_id, *f.spoken.span_of(f.alignment.start, f.alignment.end))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _evidence(
    given: GivenQuote,
    found: Found,
    article: Article,
    n: int,
    locate: Locate,
    finding: QuoteFinding,
) -> Evidence:
    stream, alignment = found.spoken, found.alignment
    span = stream.span_of(alignment.start, alignment.end)
    support = 1.0 - alignment.distance / max(given.size, 1)
    citation = Citation.of(article, n, locate(article.doc_id, span[0]), span,
                           1.0 / (found.rank + 1), support)  # fmt: skip
    diff, marks = _differences(given, found, article.text)
    stance = "unattributed" if not stream.speaker else _STANCE[finding.verdict]
    if found.exact:
        diff = ()  # nothing differs: the marks show the words
    return Evidence(citation=citation, stance=stance, speaker=stream.speaker,  # type: ignore[arg-type]
                    marks=marks, diff=diff)  # fmt: skip


def _differences(
    given: GivenQuote, found: Found, text: str
) -> tuple[tuple[WordChange, ...], tuple[Mark, ...]]:
    """The word diff, run by run, and the stored words marked: the quote's words as found
    (quoted), or those that differ (changed, added)."""
    stored = found.spoken.words
    changes: list[WordChange] = []
    marks: list[Mark] = []
    previous_end: int | None = None
    runs = [s for s in given.segments if s]
    for run, (lo, hi) in zip(runs, found.alignment.runs, strict=True):
        if previous_end is not None and lo > previous_end:
            changes.append(WordChange(op="elided", stored=_surface(text, stored[previous_end:lo])))
        previous_end = hi
        for tag, a0, a1, b0, b1 in diff_ops(norms(run), norms(stored[lo:hi])):
            said, kept = run[a0:a1], stored[lo + b0 : lo + b1]
            changes.append(_change(tag, given.text, said, text, kept))
            if tag in ("replace", "insert") and kept:
                kind = "changed" if tag == "replace" else "added"
                claimed = _surface(given.text, said)
                marks += [_mark(text, w, kind, claimed) for w in _pieces(kept)]
        if found.exact:
            marks += [_mark(text, w, "quoted", "") for w in _pieces(stored[lo:hi])]
    return tuple(changes), tuple(marks)


def _change(
    tag: str, given_text: str, said: Sequence[Word], text: str, kept: Sequence[Word]
) -> WordChange:
    op = {"equal": "same", "replace": "changed", "insert": "added", "delete": "removed"}[tag]
    return WordChange(op=op, given=_surface(given_text, said), stored=_surface(text, kept))  # type: ignore[arg-type]


def _surface(text: str, found: Sequence[Word]) -> str:
    """The words as written, with what stands between them when it is mere punctuation
    and spaces (across a quotation's end and an attribution: ' … ')."""
    return " … ".join(text[p[0].start : p[-1].end] for p in _pieces(found))


def _pieces(found: Sequence[Word]) -> list[list[Word]]:
    """Runs of words that stand next to each other in the text (a gap of a few characters
    of punctuation or space at most)."""
    pieces: list[list[Word]] = []
    for w in found:
        if pieces and w.start - pieces[-1][-1].end <= 3:
            pieces[-1].append(w)
        else:
            pieces.append([w])
    return pieces


def _mark(text: str, piece: Sequence[Word], kind: str, claimed: str) -> Mark:
    start, end = piece[0].start, piece[-1].end
    return Mark(start=start, end=end, text=text[start:end], kind=kind, claimed=claimed)  # type: ignore[arg-type]


def _summary(given: GivenQuote, finding: QuoteFinding, evidence: Sequence[Evidence]) -> str:
    first = evidence[0] if evidence else None
    who = given.speaker
    if first is None:
        return "Not found: no quotation in the articles read holds these words."
    at = f"[{first.citation.n}]"
    if finding.verdict == "exact":
        if first.speaker:
            return f"Exact: {first.speaker} said these words {at}."
        return f"Found verbatim in quotation marks {at}; the article does not say who said it."
    changed = sum(1 for c in first.diff if c.op in ("changed", "added", "removed"))
    if finding.verdict == "altered":
        said = f"{first.speaker} said" if first.speaker else "The article quotes"
        stored = " ".join(c.stored if c.op != "elided" else "…" for c in first.diff if c.stored)
        return (f"Altered: {said} “{stored}” {at}; {changed} difference(s) from the words "
                "given.")  # fmt: skip
    if finding.verdict == "misattributed":
        how = "these words" if not first.diff else "nearly these words"
        return f"Misattributed: {first.speaker}, not {who}, said {how} {at}."
    return (f"Not found as {who}'s: the words are in a quotation {at}, but the article "
            "does not say who said it.")  # fmt: skip
