"""Transcripts: subtitles and captions (``.srt``, ``.vtt``) as articles of kind "transcript".

The stored text is the cues' words in a readable form, one paragraph per turn: a turn
starts where a cue names its speaker (``ANA LOPEZ: ...``, WebVTT's ``<v Ana Lopez>``) and
is stored as ``SPEAKER: words``; a caption's unnamed change of speaker (``>>``, or a
line starting ``- ``) starts an unnamed turn. Cue timings leave the text and become its
locations ("00:01:23.500" where each cue's words start), so a citation gives the time
of its quote; markup (``<i>``, ``<c.x>``, inline times) is dropped and entities decoded.
Quote attribution reads the ``SPEAKER:`` lines of transcripts only (``rag.quotes``).

A transcript has no metadata of its own beyond a WebVTT header's title: a sidecar
(``NAME.meta.yaml``, as for ``.txt``) may give title, date, source, URL and authors.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.discover import sidecar_candidates
from ingest.formats import Loaded, guard, read_sidecar, record_to_article
from rag.contract import ArticleInput, Locations
from rag.errors import IngestError
from rag.quotes import speaker_label

__all__ = [
    "Cue",
    "parse_transcript",
    "read_srt",
    "read_vtt",
    "transcript_text",
]

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?$")
_TAG = re.compile(r"<[^>\n]*>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_NEW_TURN = re.compile(r"^(?:>>+|-)[ \t]+")


@dataclass(frozen=True)
class Cue:
    """One cue: its start time ("00:01:23.500"), the line it starts on, its text lines."""

    time: str
    line: int
    lines: tuple[str, ...]


def parse_transcript(path: Path, text: str, max_bytes: int, kind: str) -> Iterator[Loaded]:
    """A ``.srt`` or ``.vtt`` file (``kind``) as one article, with its sidecar if any."""
    sidecar = next((p for p in sidecar_candidates(path) if p.is_file()), None)

    def build() -> ArticleInput:
        cues, title = read_vtt(text) if kind == ".vtt" else (read_srt(text), "")
        body, locations = transcript_text(cues)
        if not body.strip():
            raise IngestError("the transcript has no words (no cue holds text)")
        record: Mapping[str, object] = {}
        if sidecar is not None:
            record = _sidecar(sidecar, max_bytes)
        record = {"title": title or path.stem, **{k: v for k, v in record.items() if v}}
        article = record_to_article(record, str(path), text=body, unique_origin=True)
        return replace(article, kind="transcript", locations=locations)

    yield from guard(str(path), build)


def _sidecar(sidecar: Path, max_bytes: int) -> Mapping[str, object]:
    try:
        return read_sidecar(sidecar, max_bytes)
    except IngestError as err:
        raise IngestError(f"sidecar {sidecar.name}: {err}") from err


def read_srt(text: str) -> list[Cue]:
    """SubRip: blocks of an optional number, a timing line and text lines."""
    return [cue for cue in (_cue(block, line) for line, block in _blocks(text)) if cue]


def read_vtt(text: str) -> tuple[list[Cue], str]:
    """WebVTT: the cues and the title on the ``WEBVTT`` line, if any. NOTE, STYLE and
    REGION blocks are skipped; the header block ends at the first blank line."""
    lines = text.split("\n")
    head = lines[0].lstrip("\ufeff").rstrip("\r")
    if not re.match(r"WEBVTT(?:[ \t]|$)", head):
        raise IngestError("not a WebVTT file: the first line must be 'WEBVTT'")
    title = head[len("WEBVTT") :].strip(" \t-–—")
    blocks = _blocks(text)[1:]  # the first block is the header
    cues: list[Cue] = []
    for line, block in blocks:
        if re.match(r"(NOTE|STYLE|REGION)(?:[ \t]|$)", block[0]):
            continue
        cue = _cue(block, line)
        if cue is not None:
            cues.append(cue)
    return cues, title


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the number of its first line (from 1)."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.strip():
            if not current:
                out.append((number, current))
            current.append(line)
        else:
            current = []
    return out


def _cue(block: list[str], line: int) -> Cue | None:
    """A cue from its block: an optional identifier line, then the timing line."""
    at = 0 if "-->" in block[0] else 1
    timing = _TIMING.match(block[at]) if at < len(block) else None
    if timing is None:
        where = line + min(at, len(block) - 1)
        raise IngestError(
            f"line {where}: expected a cue timing like 00:00:01,000 --> 00:00:04,000, "
            f"got {block[min(at, len(block) - 1)].strip()[:80]!r}"
        )
    hours, minutes, seconds, millis = timing.groups()[:4]
    time = f"{int(hours or 0):02d}:{int(minutes):02d}:{int(seconds):02d}.{millis.ljust(3, '0')}"
    lines = tuple(line for line in block[at + 1 :] if line.strip())
    return Cue(time, line, lines) if lines else None


def transcript_text(cues: list[Cue]) -> tuple[str, Locations]:
    """The turns as paragraphs (``SPEAKER: words``), and where each cue's words start.

    A label or voice names the speaker until the next one. In a file that names its
    speakers with voice tags, which WebVTT scopes to their cue, a cue without one is an
    unnamed speaker's: its words are never given to the speaker before."""
    voiced = any(_VOICE.search(line) for cue in cues for line in cue.lines)
    turns: list[tuple[str, list[tuple[str, str]]]] = []  # (speaker, [(time, words)])
    last = ""
    for cue in cues:
        lines = list(cue.lines)
        if _clean(lines[0]) == last:  # rolling captions repeat the cue before's last line
            lines = lines[1:]
        for index, raw in enumerate(lines):
            speaker, words = _speaker(raw)
            if speaker is None and voiced and not index and turns and turns[-1][0]:
                speaker = ""
            if not turns or speaker == "" or (speaker is not None and speaker != turns[-1][0]):
                turns.append((speaker or "", []))
            if words:
                turns[-1][1].append((cue.time, words))
        last = _clean(cue.lines[-1])
    return _joined([t for t in turns if t[1]])


def _clean(raw: str) -> str:
    """A cue line's words: markup dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", raw)).split())


def _joined(turns: list[tuple[str, list[tuple[str, str]]]]) -> tuple[str, Locations]:
    pieces: list[str] = []
    locations: list[tuple[int, str]] = []
    size = 0
    for speaker, parts in turns:
        if pieces:
            pieces.append("\n\n")
            size += 2
        for index, (time, words) in enumerate(parts):
            text = (f"{speaker}: " if speaker and not index else "") + words
            if index:
                pieces.append(" ")
                size += 1
            if not locations or locations[-1][1] != time:
                locations.append((size, time))
            pieces.append(text)
            size += len(text)
    return "".join(pieces), tuple(locations)


def _speaker(raw: str) -> tuple[str | None, str]:
    """(speaker, words) of one cue line: the speaker named by a voice tag or a label, ""
    for an unnamed change of speaker, None when the line continues the turn."""
    voice = _VOICE.search(raw)
    words = _clean(raw)
    if voice is not None:
        return " ".join(html.unescape(voice.group(1)).split()), _label(words)[1]
    name, rest = _label(words)
    if name is not None:
        return name, rest
    turn = _NEW_TURN.match(words)
    return ("", words[turn.end() :]) if turn else (None, words)


def _label(words: str) -> tuple[str | None, str]:
    """``ANA LOPEZ: words`` -> ("ANA LOPEZ", "words"); no label -> (None, words)."""
    line = _NEW_TURN.sub("", words, count=1)
    label = speaker_label(line)
    return (None, words) if label is None else (label[0], line[label[1] :])
