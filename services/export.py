"""Answers as documents people paste elsewhere, with their sources: Markdown with numbered
footnotes (title, publisher, date, URL and the verbatim quote), a whole chat as one
document, and the plain "Sources" list that chat clients of the OpenAI API show.

Used by ``newsdesk ask --format markdown``, REST (``Accept: text/markdown``), the UI's
"Copy with sources" and "Export chat", and ``/v1/chat/completions``: one formatter, so a
citation reads the same everywhere. Claim and quote checks (``claim_markdown``) too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.contract import Answer, Citation, ClaimCheck, Evidence

_MARKER = re.compile(r"\[(\d+)\]")
_MARKS = frozenset("“”‘’\"'«»„")  # quotation marks a quote may open or close with


def source_line(citation: Citation) -> str:
    """'*Title*, Publisher, 25 Feb 2025 (updated ...), p. 3, by A. Writer. <URL>'; the
    URL opens on the quote where the citation has such a link."""
    parts = [f"*{_plain(citation.title)}*" if citation.title else citation.doc_id]
    parts += [p for p in (citation.source, citation.dates()) if p]
    parts += [_plain(citation.location)] if citation.location else []
    if citation.authors:
        parts.append("by " + ", ".join(citation.authors))
    line = ", ".join(parts) + "."
    if citation.also_in:
        line += " Also in: " + ", ".join(citation.also_in) + "."
    url = citation.link or citation.url
    return f"{line} <{url}>" if url else line


def quoted(citation: Citation) -> str:
    """The verbatim quote in quotation marks, Markdown characters escaped (it shows as
    written, and an article's text can never become a link or markup). A quote that opens
    or closes with quotation marks of its own is shown as it is: another pair would read
    ``““The Americans need…”``."""
    return _in_marks(citation.quote)


def _in_marks(words: str) -> str:
    text = _plain(words)
    return text if text[:1] in _MARKS or text[-1:] in _MARKS else f"“{text}”"


def answer_markdown(answer: Answer, heading: bool = True) -> str:
    """The answer with [^n] footnotes, each holding the quote and where it is from."""
    lines = [f"## {_plain(answer.question)}", ""] if heading else []
    if answer.window is not None and answer.found:
        lines += [f"*{answer.window.label}*", ""]
    lines.append(_footnoted(answer.answer))
    if answer.citations:
        lines.append("")
        lines += [f"[^{c.n}]: {quoted(c)} — {source_line(c)}" for c in answer.citations]
    return "\n".join(lines).rstrip() + "\n"


def chat_markdown(turns: Sequence[tuple[str, Answer]], title: str = "Newsdesk chat") -> str:
    """A conversation as one document: each question, its answer and its own footnotes
    (numbered per answer: ``[^2-1]`` is the first source of the second answer)."""
    parts = [f"# {title}", ""]
    for number, (asked, answer) in enumerate(turns, start=1):
        body = answer_markdown(answer.model_copy(update={"question": asked}))
        parts.append(body.replace("[^", f"[^{number}-"))
    return "\n".join(parts).rstrip() + "\n"


def claim_markdown(check: ClaimCheck) -> str:
    """A claim or quote check as a document: what was checked, the verdict and its summary
    with footnotes, then each passage with what is marked in it and, for a quote, the
    words that differ."""
    what = "Quote" if check.kind == "quote" else "Claim"
    verdict = check.quote_check if check.kind == "quote" else check.verdict
    said = f" (given to {_plain(check.speaker)})" if check.speaker else ""
    lines = [f"## {what} check: {verdict}", "", f"> {_plain(check.text)}{said}", ""]
    lines.append(_footnoted(check.summary))
    if check.parts:
        parts = ", ".join(f"{_plain(p.text)} ({p.kind})" for p in check.parts)
        lines += ["", f"Checked parts: {parts}"]
    if check.evidence:
        lines.append("")
        lines += [_evidence_line(e) for e in check.evidence]
    return "\n".join(lines).rstrip() + "\n"


def _evidence_line(e: Evidence) -> str:
    c = e.citation
    head = f"[^{c.n}]: **{e.stance}**"
    if e.speaker:
        head += f", said by {_plain(e.speaker)}"
    if e.headline:
        head += " (the headline)"
    line = f"{head}: {_in_marks(e.passage)} — {source_line(c)}"
    if e.note:
        line += f" *{_plain(e.note)}*"
    changes = [
        f"“{_plain(d.given)}” → “{_plain(d.stored)}”" if d.op == "changed"
        else f"{d.op}: “{_plain(d.given or d.stored)}”"
        for d in e.diff if d.op not in ("same", "elided")
    ]  # fmt: skip
    if changes:
        line += " Differences: " + "; ".join(changes) + "."
    return line


def with_sources(answer: Answer) -> str:
    """The answer text with its [n] markers, then a plain 'Sources' list (chat clients)."""
    if not answer.citations:
        return answer.answer
    lines = [_footnoted(answer.answer).replace("[^", "["), "", "Sources:"]
    for c in answer.citations:
        lines.append(f"[{c.n}] {source_line(c)}")
        lines.append(f"    {quoted(c)}")
    return "\n".join(lines)


def _footnoted(text: str) -> str:
    """Escaped text whose [n] markers become footnote references [^n]."""
    pieces = _MARKER.split(text)  # text, number, text, number, ...
    return "".join(f"[^{p}]" if i % 2 else _plain(p, keep_space=True) for i, p in enumerate(pieces))


def _plain(text: str, keep_space: bool = False) -> str:
    """Text safe inside Markdown emphasis and headings (no markup of its own)."""
    text = text if keep_space else " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
