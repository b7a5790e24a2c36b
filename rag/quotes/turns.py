"""Who speaks in a transcript: a paragraph ``SPEAKER: words`` is that speaker's turn.

Only articles of kind "transcript" are read this way (the transcript loaders store each
turn as such a paragraph): in a news article, ``WASHINGTON: ...`` or ``Related: ...`` open
lines too, and would be taken for speakers. A paragraph without a label is an unnamed
speaker's and is attributed to nobody; each sentence of a turn is one quote (the first
one holds the label, so the answer shows who speaks), so a question's topic can narrow a
long turn to the sentences about it.
"""

from __future__ import annotations

import re

from rag.quotes.quote import Quote
from rag.text import sentence_spans

__all__ = ["NOT_SPEAKERS", "speaker_label", "transcript_quotes"]

_NAME_WORD = r"[^\W\d_][\w.'’\-]*"
_LABEL = re.compile(rf"(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})[ \t]*:[ \t]+(?=\S)")
_PARA = re.compile(r"[^\n]+")
# Words that open a line like a label but name no speaker.
NOT_SPEAKERS = frozenset(
    "note update warning editor's correction caption captions subtitles transcript "
    "translation music applause laughter q a question answer time date location".split()
)
_PARTICLES = frozenset("de da del della der den di du la le van von bin al el ter".split())


def speaker_label(line: str, start: int = 0) -> tuple[str, int] | None:
    """``ANA LOPEZ: words`` at ``start`` -> ("ANA LOPEZ", where the words start); None
    when the line does not open with capitalised name words (particles aside) and a
    colon, or the label is a word like ``Note`` or ``Q``."""
    m = _LABEL.match(line, start)
    if m is None:
        return None
    name = m.group("name")
    words = name.split()
    if words[0].lower() in NOT_SPEAKERS or name.lower() in NOT_SPEAKERS:
        return None
    named = [w for w in words if w.lower() not in _PARTICLES]
    if not named or not all(w[0].isupper() for w in named) or not words[-1][0].isupper():
        return None
    return name, m.end()


def transcript_quotes(text: str) -> list[Quote]:
    """Each sentence of each labelled turn, attributed to the turn's speaker."""
    found: list[Quote] = []
    for para in _PARA.finditer(text):
        label = speaker_label(text, para.start())
        if label is None or label[1] > para.end():
            continue
        speaker = _display(label[0])
        spans = sentence_spans(text, para.start(), para.end())
        found += [Quote(speaker, start, end, "direct") for start, end in spans]
    return found


def _display(name: str) -> str:
    """``ANA LOPEZ`` -> ``Ana Lopez`` (captions often shout names); others as written."""
    name = " ".join(name.split())
    return name.title() if name.isupper() else name
