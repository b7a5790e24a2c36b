"""Load article files of every supported format, reporting bad input instead of raising.

Ingesting a folder of thousands of scraped files should not stop at the first broken
one: each problem becomes an :class:`IngestFailure` that names the file (and line)
and says what is wrong, and loading carries on with the next article. This module
handles the byte level (size limits, binary files, encodings, gzip, line splitting) and
picks the parser by extension: :mod:`ingest.formats` (JSON, Markdown, HTML, text),
:mod:`ingest.transcripts` (.srt, .vtt) read decoded text; :mod:`ingest.documents` (PDF) and
:mod:`ingest.mail` (.eml, .mbox) read the bytes.
"""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from ingest.discover import discover
from ingest.documents import parse_pdf
from ingest.formats import (
    Loaded,
    parse_html,
    parse_json,
    parse_json_line,
    parse_markdown,
    parse_txt,
)
from ingest.mail import parse_eml, parse_mbox
from ingest.transcripts import parse_transcript
from rag.contract import IngestFailure
from rag.errors import IngestError

__all__ = ["SUPPORTED_EXTENSIONS", "discover", "file_kind", "load_file", "load_paths"]

logger = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS = (
    ".eml", ".htm", ".html", ".json", ".jsonl", ".jsonl.gz", ".mbox", ".md", ".pdf", ".srt",
    ".txt", ".vtt",
)  # fmt: skip
_BYTE_KINDS = (".eml", ".mbox", ".pdf")  # parsed from bytes (their own encodings inside)
_SNIFF_BYTES = 8192  # how much of a file is looked at to call it binary
_SKIP_CHUNK = 1 << 20  # read size when skipping the rest of an over-long line
_BOM = codecs.BOM_UTF8
MAX_UNPACKED = 1 << 30  # default cap on a .jsonl.gz file's unpacked size


class _LineSource(Protocol):
    """What JSONL reading needs: a plain or a gzip binary file both qualify."""

    def readline(self, size: int = -1, /) -> bytes: ...


def load_paths(
    paths: Sequence[Path], max_bytes: int, max_unpacked: int = MAX_UNPACKED
) -> Iterator[Loaded]:
    """Discover the files under ``paths`` and load them all, in a stable order."""
    for found in discover(paths):
        if isinstance(found, IngestFailure):
            yield found
        else:
            yield from load_file(found, max_bytes, max_unpacked)


def load_file(path: Path, max_bytes: int, max_unpacked: int = MAX_UNPACKED) -> Iterator[Loaded]:
    """Yield the articles in one file, and a failure for each part that cannot be used.

    Never raises for bad input: articles read before a problem (a truncated gzip,
    a bad line) are still yielded, followed by the failure.
    """
    origin = str(path)
    try:
        yield from _load(path, max_bytes, max_unpacked)
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        yield IngestFailure(origin=origin, message=f"corrupt or truncated gzip data ({err})")
    except OSError as err:
        yield IngestFailure(origin=origin, message=f"cannot read file ({err.strerror or err})")
    except Exception as err:  # last resort: one odd file must not end a whole batch
        logger.exception("unexpected error while loading %s", path)
        yield IngestFailure(
            origin=origin, message=f"unexpected error ({type(err).__name__}: {err})"
        )


def file_kind(path: Path) -> str | None:
    """The format of ``path`` from its extension (case-insensitive), or None."""
    if path.name.lower().endswith(".jsonl.gz"):
        return ".jsonl.gz"
    suffix = path.suffix.lower()
    return suffix if suffix in SUPPORTED_EXTENSIONS else None


def _load(path: Path, max_bytes: int, max_unpacked: int) -> Iterator[Loaded]:
    origin = str(path)
    kind = file_kind(path)
    problem = _kind_problem(path) if kind is None else _size_problem(path, max_bytes)
    if problem is not None:
        yield IngestFailure(origin=origin, message=problem)
    elif kind == ".jsonl.gz":
        yield from _load_jsonl_gz(path, max_bytes, max_unpacked)
    else:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # +1: notice a file that grew since stat
        yield from _load_bytes(path, str(kind), data, max_bytes, max_unpacked)


def _kind_problem(path: Path) -> str:
    shown = "".join(path.suffixes[-2:]) if path.suffix.lower() == ".gz" else path.suffix
    return (
        f"unsupported file type '{shown or '(no extension)'}'; "
        f"supported: {', '.join(SUPPORTED_EXTENSIONS)}"
    )


def _size_problem(path: Path, max_bytes: int) -> str | None:
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a regular file"
    size = path.stat().st_size
    if size == 0:
        return "file is empty (0 bytes)"
    if size > max_bytes:
        return f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
    return None


def _load_bytes(
    path: Path, kind: str, data: bytes, max_bytes: int, max_unpacked: int
) -> Iterator[Loaded]:
    origin = str(path)
    problem = _content_problem(data, max_bytes, binary=kind == ".pdf")
    if problem is not None:
        yield IngestFailure(origin=origin, message=problem)
        return
    if kind in _BYTE_KINDS:
        yield from _parse_bytes(origin, kind, data, max_unpacked)
        return
    if kind == ".jsonl":  # decoded line by line, so one bad line spares the others
        yield from _jsonl_lines(origin, io.BytesIO(data), max_bytes)
        return
    try:
        text = _decode(data)
    except IngestError as err:
        yield IngestFailure(origin=origin, message=str(err))
        return
    yield from _parse_text(path, kind, text, max_bytes)


def _parse_bytes(origin: str, kind: str, data: bytes, max_unpacked: int) -> Iterator[Loaded]:
    if kind == ".pdf":  # a PDF's text is capped like a gzip file's unpacked size
        yield from parse_pdf(origin, data, max_unpacked)
    elif kind == ".eml":
        yield from parse_eml(origin, data)
    else:
        yield from parse_mbox(origin, data)


def _parse_text(path: Path, kind: str, text: str, max_bytes: int) -> Iterator[Loaded]:
    if kind == ".txt":
        yield from parse_txt(path, text, max_bytes)
    elif kind in (".srt", ".vtt"):
        yield from parse_transcript(path, text, max_bytes, kind)
    elif kind == ".md":
        yield from parse_markdown(str(path), text)
    elif kind in (".html", ".htm"):
        yield from parse_html(str(path), text)
    else:
        yield from parse_json(str(path), text)


def _content_problem(data: bytes, max_bytes: int, binary: bool = False) -> str | None:
    """Why the bytes cannot be an article file, if they cannot (``binary``: a format that
    is binary by design, such as PDF, is not checked for text)."""
    if len(data) > max_bytes:
        return f"file grew past the limit of {max_bytes:,} bytes while being read"
    problem = None if binary else _binary_problem(data[:_SNIFF_BYTES])
    if problem is None and not data.removeprefix(_BOM).strip():
        return "file is empty (only whitespace)"
    return problem


def _binary_problem(head: bytes) -> str | None:
    """Explain why the first bytes of a file show it is not UTF-8 text, if they do."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "file is UTF-16 text; save it as UTF-8"
    nul = head.find(b"\0")
    if nul >= 0:
        return f"binary file, not text (NUL byte at offset {nul})"
    return None


def _decode(data: bytes) -> str:
    """Decode UTF-8 (a leading BOM is dropped), naming the first bad byte's position."""
    start = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = start + err.start
        line = data.count(b"\n", 0, offset) + 1
        raise IngestError(
            f"invalid UTF-8 at byte offset {offset} (line {line}): {_byte(data, offset)}"
        ) from err


def _byte(data: bytes, offset: int) -> str:
    return f"byte 0x{data[offset : offset + 1].hex()}"


class DecompressedTooLarge(Exception):
    """A gzip file unpacked past the size limit (a gzip bomb, or just too much)."""


class _Capped:
    """A line source that refuses to hand out more than ``limit`` bytes in all."""

    def __init__(self, stream: _LineSource, limit: int) -> None:
        self.stream, self.limit, self.total = stream, limit, 0

    def readline(self, size: int = -1, /) -> bytes:
        line = self.stream.readline(size)
        self.total += len(line)
        if self.total > self.limit:
            raise DecompressedTooLarge(self.limit)
        return line


def _load_jsonl_gz(path: Path, max_bytes: int, max_unpacked: int) -> Iterator[Loaded]:
    """Stream a gzipped JSONL file: each line within ``max_bytes``, and all of it, unpacked,
    within ``max_unpacked`` (a gzip bomb stops there: the articles before it are kept)."""
    with gzip.open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    problem = _binary_problem(head)
    if problem is None and len(head) < _SNIFF_BYTES and not head.removeprefix(_BOM).strip():
        problem = "file is empty (only whitespace after decompression)"
    if problem is not None:
        yield IngestFailure(origin=str(path), message=problem)
        return
    with gzip.open(path, "rb") as handle:
        try:
            yield from _jsonl_lines(str(path), _Capped(handle, max_unpacked), max_bytes)
        except DecompressedTooLarge:
            limit = f"{max_unpacked:,} bytes"
            message = f"unpacks to more than the limit of {limit}; the rest was not read"
            yield IngestFailure(origin=str(path), message=message)


def _jsonl_lines(origin: str, stream: _LineSource, max_bytes: int) -> Iterator[Loaded]:
    """One article (or failure ``origin:LINE``) per non-blank line of ``stream``."""
    offset = 0
    for number, (raw, length) in enumerate(_read_lines(stream, max_bytes), start=1):
        where = f"{origin}:{number}"
        if raw is None:
            yield IngestFailure(
                origin=where, message=f"line is {length:,} bytes, over the limit of {max_bytes:,}"
            )
        else:
            item = _jsonl_line(where, raw, offset, first=number == 1)
            if item is not None:
                yield item
        offset += length


def _jsonl_line(where: str, raw: bytes, offset: int, *, first: bool) -> Loaded | None:
    """Decode and parse one line; None for a blank line. ``offset`` is its file position."""
    start = len(_BOM) if first and raw.startswith(_BOM) else 0  # a BOM only marks line 1
    try:
        text = raw[start:].decode("utf-8")
    except UnicodeDecodeError as err:
        at = start + err.start
        return IngestFailure(
            origin=where, message=f"invalid UTF-8 at byte offset {offset + at}: {_byte(raw, at)}"
        )
    return parse_json_line(where, text) if text.strip() else None


def _read_lines(stream: _LineSource, max_bytes: int) -> Iterator[tuple[bytes | None, int]]:
    """Yield (line, length in bytes); an over-long line is (None, length), never held whole.

    Bounding each read keeps memory flat even for a gzip bomb of one endless line.
    """
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            yield None, len(line) + _skip_rest_of_line(stream)
        else:
            yield line, len(line)


def _skip_rest_of_line(stream: _LineSource) -> int:
    skipped = 0
    while True:
        part = stream.readline(_SKIP_CHUNK)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped
