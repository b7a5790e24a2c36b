"""The JSON answer contract, shared by ``newsdesk ask --json``, REST and the UI.

One place, so the CLI, the HTTP API and the UI never drift apart on field names or on
how an answer is cut into the pieces that are streamed.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from itertools import pairwise

from rag.models import Answer

# An extractive answer is "passage [1] passage [2] ...": a piece ends after a marker
# (and an optional stop) that is followed by more text rather than by another marker.
_PIECE_END = re.compile(r"\[\d+\][.;:]?\s+(?=[^\[\s])")


def answer_dict(answer: Answer) -> dict[str, object]:
    """The JSON answer contract: question, answer, citations, mode, timings_ms."""
    data = asdict(answer)
    for citation in data["citations"]:
        citation["authors"] = list(citation["authors"])
    return data


def answer_pieces(text: str) -> list[str]:
    """The answer cut into its cited sentences, for streaming; ``"".join`` gives it back."""
    cuts = [m.end() for m in _PIECE_END.finditer(text)]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds) if b > a]
