"""Evaluation questions: the shared format (one JSON object a line) read into ``Question``s.

Fields: ``query``; ``answer`` and/or ``answers`` (accepted strings); ``gold_doc_ids``
(optional: without them a question counts for answers, not for recall); ``question_date``
(optional: the as-of day); ``"unanswerable": true`` for a question the corpus cannot
answer, whose right result is "nothing found".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rag.errors import NewsdeskError
from rag.text import normalise_date


@dataclass(frozen=True)
class Question:
    """One evaluation question; ``as_of`` is the day it was asked, when known."""

    id: str
    query: str
    answers: tuple[str, ...]
    gold_doc_ids: frozenset[str]
    as_of: date | None = None
    unanswerable: bool = False


def load_questions(path: Path) -> list[Question]:
    """Questions of a dev.jsonl-style file; a bad line is an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NewsdeskError(f"cannot read questions {path}: {exc.strerror or exc}") from None
    return [
        _question(line, f"{path}:{number}")
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]


def _question(line: str, where: str) -> Question:
    try:
        raw = json.loads(line)
        accepted = raw.get("answers") or ([raw["answer"]] if raw.get("answer") else [])
        answers = tuple(str(a) for a in accepted if str(a).strip())
        unanswerable = bool(raw.get("unanswerable", False))
        if not answers and not unanswerable:
            raise ValueError('no "answer"/"answers", and not "unanswerable": true')
        day = normalise_date(raw.get("question_date") or "")
        return Question(
            id=str(raw.get("id", where)),
            query=str(raw["query"]),
            answers=answers,
            gold_doc_ids=frozenset(str(d) for d in raw.get("gold_doc_ids") or []),
            as_of=date.fromisoformat(day) if day else None,
            unanswerable=unanswerable,
        )
    except (AttributeError, KeyError, TypeError, ValueError, NewsdeskError) as exc:
        raise NewsdeskError(f"{where}: not an evaluation question ({exc})") from None
