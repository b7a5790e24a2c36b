"""Claim and quote checks: is this true, and did X really say that? Pure functions over
articles, their attributed quotes and their passages: a claim's checkable parts (names,
numbers with units, dates, quoted words), quotes normalised and aligned word by word, word
diffs, and the verdict rules. The desk retrieves; this room judges what was retrieved."""

from rag.claims.checker import ClaimChecker, given_quote
from rag.claims.claim_check import Rules
from rag.claims.given import GivenQuote, parse_quote
from rag.claims.parts import Part, claim_parts

__all__ = [
    "ClaimChecker",
    "GivenQuote",
    "Part",
    "Rules",
    "claim_parts",
    "given_quote",
    "parse_quote",
]
