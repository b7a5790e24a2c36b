"""A claim check as the contract shows it: each passage cited verbatim, the claim's parts
marked where the passage holds them, and what differs said in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rag.claims.claim_check import ClaimFinding, Judged
from rag.claims.parts import Part, with_unit
from rag.claims.passage_reading import Reading
from rag.contract import Article, Citation, ClaimCheck, Evidence, Mark

Locate = Callable[[str, int], str]


def claim_check(
    claim: str,
    parts: Sequence[Part],
    finding: ClaimFinding,
    articles: Mapping[str, Article],
    locate: Locate,
    limit: int,
) -> ClaimCheck:
    """The contract of a claim check; the passages of at most ``limit`` articles of each
    stance (one passage per sentence of the claim, the same passage once)."""
    chosen = [j for j in finding.evidence if j.stance == "supports"][:limit]
    chosen += [j for j in finding.evidence if j.stance == "differs"][:limit]
    evidence: list[Evidence] = []
    for judged in chosen:
        seen: set[tuple[int, int]] = set()
        for reading, held in judged.passages:
            if (reading.start, reading.end) not in seen:
                seen.add((reading.start, reading.end))
                article = articles[judged.doc_id]
                n = len(evidence) + 1
                evidence.append(_evidence(held, reading, judged, article, n, locate))
    return ClaimCheck(
        kind="claim",
        text=claim,
        verdict=finding.verdict,
        summary=_summary(parts, finding, evidence),
        parts=[p.contract() for p in parts],
        evidence=evidence,
    )


def _evidence(
    parts: Sequence[Part], r: Reading, judged: Judged, article: Article, n: int, locate: Locate
) -> Evidence:
    span = (0, 0) if r.headline else (r.start, r.end)  # a headline cites no words of the text
    support = len(r.found) / max(len(parts), 1)
    citation = Citation.of(article, n, locate(article.doc_id, span[0]), span,
                           1.0 / (judged.rank + 1), support)  # fmt: skip
    text = article.title if r.headline else article.text
    marks = [
        Mark(start=s, end=e, text=text[s:e], kind=parts[i].kind, claimed=parts[i].text)
        for i, spans in sorted(r.found.items())
        for s, e in spans[:1]
    ]
    notes = []
    for i, m in sorted(r.other.items()) if judged.stance == "differs" else []:
        shown = with_unit(text, m)
        marks.append(Mark(start=m.start, end=m.start + len(shown), text=shown,
                          kind=parts[i].kind, claimed=parts[i].text))  # fmt: skip
        notes.append(f"claim: {parts[i].text}; article: {shown}")
    marks.sort(key=lambda m: m.start)
    stance = "differs" if notes else "supports"
    return Evidence(citation=citation, stance=stance, marks=tuple(marks), note="; ".join(notes),
                    headline=r.headline)  # fmt: skip


def _summary(parts: Sequence[Part], finding: ClaimFinding, evidence: Sequence[Evidence]) -> str:
    listed = _listing([p.text for p in parts])
    supporting = [f"[{e.citation.n}]" for e in evidence if e.stance == "supports"]
    differing = [e for e in evidence if e.stance == "differs"]
    other = f"{_listing([f'[{e.citation.n}]' for e in differing])} gives another value"
    what = f"{other} ({differing[0].note})" if differing else ""
    if finding.verdict == "supported":
        held = f"holds {listed} and" if parts else "holds nearly every word of the claim,"
        return f"Supported: {_listing(supporting)} {held} is about the same subject."
    if finding.verdict == "contradicted":
        return f"Contradicted: {what}."
    if finding.verdict == "mixed":
        return f"Mixed: {_listing(supporting)} supports the claim; {what}."
    if not parts:
        return "Not found: no passage in the articles read holds nearly every word of the claim."
    missing = f" (the closest lacks {_listing([p.text for p in finding.lacking])})"
    together = " together" if len(parts) > 1 else ""
    return (f"Not found: no passage in the articles read holds {listed}{together}"
            f"{missing if finding.lacking else ''}.")  # fmt: skip


def _listing(items: Sequence[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
