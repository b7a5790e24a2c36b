"""Answer feedback: a reader's thumbs up or down (with a reason), stored with the answer it
is about, and exported as evaluation questions.

The log is ``feedback.jsonl`` in the store's cache folder: one JSON record a line, each
appended with one write (nothing is ever rewritten). A record names the answer by its id
(``Answer.id``) and holds the whole answer as it was shown: the server keeps the answers
it gave recently (:class:`RecentAnswers`), so a client may send the id alone; after a
restart it sends the answer itself.

Export (``newsdesk feedback export FILE``) writes the dev.jsonl format of
:mod:`services.evaluation.question_sets`; the latest vote on an answer counts:
- down, "should_be_nothing_found": an unanswerable question (nothing found is right);
- up on an answer that found something: a question whose accepted answers are the key
  words of each cited quote (a run of at most eight words holding most content words)
  and whose gold articles are the cited ones;
- every other vote says what is wrong, not what is right: it is not exported (counted).
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rag.contract import Answer, Feedback, FeedbackReason, Vote
from rag.corpus import DEFAULT, collection_name
from rag.errors import NewsdeskError, NotFoundError, QueryError
from rag.text import STOPWORDS

KEY_WORDS = 8
_EDGE = "\"'“”‘’«»()[],.;:!?—–-"


class RecentAnswers:
    """The answers given lately, by id, so feedback may name one by its id alone."""

    def __init__(self, limit: int = 2000) -> None:
        self.limit = limit
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, answer: Answer) -> Answer:
        with self._lock:
            self._answers[answer.id] = answer
            self._answers.move_to_end(answer.id)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)
        return answer

    def get(self, answer_id: str) -> Answer | None:
        with self._lock:
            return self._answers.get(answer_id)


class FeedbackLog:
    """The append-only log of feedback of one store."""

    def __init__(self, cache_path: Path) -> None:
        self.file = cache_path / "feedback.jsonl"
        self._lock = threading.Lock()

    def give(
        self,
        vote: Vote,
        answer: Answer,
        reason: FeedbackReason | None = None,
        note: str = "",
        collection: str = DEFAULT,
    ) -> Feedback:
        """Store a vote on an answer; a reason goes with a down vote only."""
        if vote == "up" and reason is not None:
            raise QueryError(f"'{reason}' says what is wrong: it goes with a down vote")
        record = Feedback(
            id=uuid.uuid4().hex[:16], at=datetime.now(UTC).isoformat(timespec="seconds"),
            answer_id=answer.id, vote=vote, reason=reason, note=note.strip(),
            collection=collection_name(collection), answer=answer,
        )  # fmt: skip
        line = (record.model_dump_json() + "\n").encode("utf-8")
        with self._lock:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return record

    def records(self) -> list[Feedback]:
        """Every record, oldest first; a bad line is an error naming it."""
        try:
            lines = self.file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out: list[Feedback] = []
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    out.append(Feedback.model_validate_json(line))
                except ValueError as exc:
                    message = f"{self.file}:{number}: not a feedback record ({exc})"
                    raise NewsdeskError(message) from None
        return out


def answer_for(recent: RecentAnswers, answer_id: str | None, answer: Answer | None) -> Answer:
    """The answer feedback is about: the one sent, else a recent one by its id."""
    if answer is not None:
        if answer_id and answer_id != answer.id:
            raise QueryError(f"answer_id '{answer_id}' is not the id of the answer sent")
        return answer
    if not answer_id:
        raise QueryError("name the answer: its answer_id, or the answer itself")
    found = recent.get(answer_id)
    if found is None:
        raise NotFoundError(
            f"no recent answer with id '{answer_id}': send the answer itself with the vote"
        )
    return found


@dataclass(frozen=True)
class Exported:
    questions: int
    skipped: int  # votes that say what is wrong, not what is right


def export_questions(records: Sequence[Feedback], path: Path) -> Exported:
    """Write the evaluation questions the feedback gives (see the module docstring)."""
    latest = {r.answer_id: r for r in records}  # in log order: the last vote counts
    rows = [row for r in latest.values() if (row := eval_question(r)) is not None]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return Exported(len(rows), len(latest) - len(rows))


def eval_question(record: Feedback) -> dict[str, object] | None:
    """One dev.jsonl question, or None when the vote gives no right answer."""
    answer = record.answer
    base: dict[str, object] = {
        "id": f"feedback-{record.id}",
        "query": answer.question,
        "question_date": record.at[:10],
    }
    if record.vote == "down" and record.reason == "should_be_nothing_found":
        return {**base, "unanswerable": True}
    if record.vote != "up" or not answer.citations:
        return None
    words = list(dict.fromkeys(key_words(c.quote) for c in answer.citations))
    gold = list(dict.fromkeys(c.doc_id for c in answer.citations))
    return {**base, "answers": [w for w in words if w], "gold_doc_ids": gold}


def key_words(quote: str, n: int = KEY_WORDS) -> str:
    """The run of at most ``n`` words of the quote holding the most content words (the
    first such run), its edge punctuation trimmed: what a right answer must contain."""
    words = quote.split()
    if len(words) <= n:
        return " ".join(words).strip(_EDGE)

    def content(word: str) -> int:
        plain = re.sub(r"\W", "", word.lower())
        return int(len(plain) > 2 and plain not in STOPWORDS)

    scores = [content(w) for w in words]
    best = max(range(len(words) - n + 1), key=lambda i: (sum(scores[i : i + n]), -i))
    return " ".join(words[best : best + n]).strip(_EDGE)
