"""Where the pages of a PDF or the cues of a transcript start in the stored text.

``ArticleInput.locations`` holds sorted ``(offset, label)`` pairs ("p. 3", "00:01:23.500");
a citation shows the label of the last one at or before its start. The PDF and transcript
loaders build them while joining their parts into one text; a JSON record (such as a line
of ``newsdesk export``) may carry them, with its ``kind``, and they are checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rag.contract import Kind, Locations
from rag.errors import IngestError

KINDS: tuple[Kind, ...] = ("article", "transcript")
MAX_LABEL_CHARS = 40


def joined(parts: Iterable[tuple[str, str]], separator: str) -> tuple[str, Locations]:
    """``(label, text)`` parts as one text (blank parts left out) and where each starts."""
    pieces: list[str] = []
    locations: list[tuple[int, str]] = []
    size = 0
    for label, text in parts:
        if not text.strip():
            continue
        if pieces:
            pieces.append(separator)
            size += len(separator)
        locations.append((size, label))
        pieces.append(text)
        size += len(text)
    return "".join(pieces), tuple(locations)


def record_kind(record: Mapping[str, object]) -> Kind:
    """The ``kind`` field of a record: "article" (the default) or "transcript"."""
    value = record.get("kind") or "article"
    for kind in KINDS:
        if value == kind:
            return kind
    raise IngestError(f"field 'kind' must be one of {', '.join(KINDS)}, got {value!r:.60}")


def record_locations(record: Mapping[str, object], text: str) -> Locations:
    """The ``locations`` field of a record: ``[[offset, "label"], ...]``, offsets inside the
    text and in order."""
    value = record.get("locations") or []
    if not isinstance(value, list):
        raise IngestError("field 'locations' must be a list of [offset, label] pairs")
    out: list[tuple[int, str]] = []
    for index, pair in enumerate(value):
        offset, label = _pair(pair, len(text), f"locations[{index}]")
        if out and offset < out[-1][0]:
            raise IngestError(f"locations[{index}]: offsets must not decrease")
        out.append((offset, label))
    return tuple(out)


def _pair(pair: object, size: int, where: str) -> tuple[int, str]:
    if not (isinstance(pair, list | tuple) and len(pair) == 2):
        raise IngestError(f"{where} must be an [offset, label] pair")
    offset, label = pair
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset < size:
        raise IngestError(f"{where}: the offset must be within the text (0-{size - 1})")
    if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL_CHARS:
        raise IngestError(f"{where}: the label must be text of 1-{MAX_LABEL_CHARS} characters")
    return offset, label.strip()
