"""What an answerer hands the desk: the answer text, its citations, and (for a written
answer) each sentence's check and a notice when the mode could not be honoured; and
whether the passages rest on attribution (a speaker's own quotes, the quote holding the
words, a byline) rather than on sentences ranked as answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.contract import Citation, Statement, Verification


@dataclass(frozen=True)
class Composed:
    text: str
    citations: list[Citation]
    statements: list[Statement] = field(default_factory=list)
    verification: Verification | None = None
    notice: str = ""
    attributed: bool = False
