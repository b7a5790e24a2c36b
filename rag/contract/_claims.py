"""Checking a claim or a quote against the archive: what is asked, the parts a passage
must hold word for word, and the verdict with its evidence, each passage cited verbatim
and marked where it agrees or differs."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from rag.contract._answers import Citation, Statement
from rag.contract._asking import Filters
from rag.contract._record import _Record

ClaimVerdict = Literal["supported", "contradicted", "mixed", "not_found"]
QuoteVerdict = Literal["exact", "altered", "misattributed", "not_found"]
PartKind = Literal["name", "number", "date", "quoted"]


class ClaimQuery(_Record):
    """A claim or a quote to check, as every edge hands it to the core (checked there
    against the ``query`` limits, like a question)."""

    claim: str = Field("", description="A claim to check ('China extracted 270,000 tons ...').")
    quote: str = Field(
        "",
        description="Or a quote to check, with or without its speaker ('Peskov said: “The "
        "Americans need rare earth metals.”'). Quotation marks, ellipses, case and "
        "whitespace may differ from the article; words may not.",
    )
    speaker: str = Field("", description="Who the quote is attributed to (quotes only).")
    top_k: int | None = Field(
        None, description="Articles to read, 1 to query.max_top_k (default claims.top_k)."
    )
    filters: Filters | None = None
    as_of: date | None = Field(
        None, description="Checked as of this day (YYYY-MM-DD): prefer articles of the days before."
    )
    mode: str | None = Field(
        None,
        description="extractive (rules), or llm where a model is configured: the model "
        "judges the claim and its verdict is checked against the passages it cites.",
    )
    collections: tuple[str, ...] = Field(
        (), description="The collections to search (default: the 'default' collection)."
    )

    @property
    def kind(self) -> Literal["claim", "quote"]:
        return "quote" if self.quote.strip() else "claim"

    @property
    def text(self) -> str:
        return self.quote if self.kind == "quote" else self.claim


class ClaimPart(_Record):
    """A checkable part of a claim: what a passage must hold, word for word, to support it."""

    kind: PartKind
    text: str = Field(description="As the claim writes it ('15,000 tons').")
    value: str = Field(description="Its normal form ('15000 ton', '2025-02-25', 'peskov').")


class Mark(_Record):
    """A marked span of an evidence passage: offsets into the stored article text (into
    its title when the passage is the headline)."""

    start: int
    end: int
    text: str = Field(description="article_text[start:end], verbatim.")
    kind: Literal["name", "number", "date", "quoted", "changed", "added"] = Field(
        description="A claim part found (name, number, date, quoted), or, in a quote, "
        "stored words that differ from the given ones (changed) or that it lacks (added)."
    )
    claimed: str = Field("", description="What the claim or quote says there instead.")


class WordChange(_Record):
    """One step of a word-level diff from the given quote to the stored words."""

    op: Literal["same", "changed", "added", "removed", "elided"] = Field(
        description="same; changed (given -> stored); added (stored words the quote lacks); "
        "removed (given words the article lacks); elided (left out with an ellipsis)."
    )
    given: str = Field("", description="The words as given.")
    stored: str = Field("", description="The words as stored (verbatim).")


class Evidence(_Record):
    """One passage bearing on a claim or a quote, cited verbatim, with what is marked."""

    citation: Citation
    stance: Literal["supports", "differs", "exact", "altered", "misattributed", "unattributed"]
    speaker: str = Field("", description="Quotes: who the article says spoke these words.")
    marks: tuple[Mark, ...] = Field((), description="What is marked in the passage.")
    diff: tuple[WordChange, ...] = Field((), description="Quotes: given vs stored words.")
    note: str = Field("", description="What differs, in words ('claim: 15,000 tons; article: "
                      "1,500 tons').")  # fmt: skip
    headline: bool = Field(
        False,
        description="The passage is the article's headline (citation.title), not its text: "
        "the citation's span is empty and the marks are offsets into the title.",
    )

    @property
    def passage(self) -> str:
        """The words shown as evidence: the cited text, or the headline."""
        return self.citation.title if self.headline else self.citation.quote

    @property
    def offset(self) -> int:
        """Where :attr:`passage` starts in what the marks' offsets count."""
        return 0 if self.headline else self.citation.start


class ClaimCheck(BaseModel):
    """The check of a claim or a quote (``newsdesk check-claim``, ``/api/claims``, MCP,
    the UI's Claims tab): a verdict given only on explicit evidence, and the evidence."""

    kind: Literal["claim", "quote"]
    text: str = Field(description="The claim, or the quote's words, as checked.")
    speaker: str = Field("", description="Quotes: the speaker it was given to, if any.")
    verdict: ClaimVerdict | None = Field(
        None, description="Claims: supported, contradicted, mixed or not_found."
    )
    quote_check: QuoteVerdict | None = Field(
        None, description="Quotes: exact, altered, misattributed or not_found."
    )
    summary: str = Field(description="The verdict in one or two sentences, with [n] markers.")
    parts: list[ClaimPart] = Field(
        default_factory=list, description="Claims: the checkable parts found in it."
    )
    evidence: list[Evidence] = Field(default_factory=list)
    mode: str = "extractive"
    judged_by: Literal["rules", "llm"] = Field(
        "rules",
        description="Who gave the verdict: the rules, or (llm) a model whose verdict "
        "held up against the passages it cited.",
    )
    statements: list[Statement] = Field(
        default_factory=list, description="LLM mode: the model's reasons, each checked."
    )
    notice: str = Field("", description="Why the check is not what the mode would give.")
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @computed_field(description="Whether any passage bears on it.")  # type: ignore[prop-decorator]
    @property
    def found(self) -> bool:
        return bool(self.evidence)
