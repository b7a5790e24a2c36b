"""Where a quote stands in stored words, and how it differs: a word-level alignment.

The given quote is aligned against a stream of stored words (what one speaker said in an
article) as a *semi-global* edit distance: the quote must be matched whole, the stored
words may start and end anywhere. Between the runs of a quote with an ellipsis, any stored
words may be skipped for free (that is what "..." means); within a run every added,
dropped or changed word costs one. Distance 0 is verbatim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

Op = tuple[str, int, int, int, int]  # (tag, given lo, given hi, stored lo, stored hi)


@dataclass(frozen=True)
class Alignment:
    """The best place for a quote in a stream: its cost, and per run of the quote the
    stored words it lines up with (indices into the stream, end exclusive)."""

    distance: int
    runs: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.runs[0][0]

    @property
    def end(self) -> int:
        return self.runs[-1][1]


def align(segments: Sequence[Sequence[str]], stream: Sequence[str]) -> Alignment | None:
    """The cheapest placement of the quote's runs, in order, in ``stream``; None when
    either is empty."""
    runs = [list(s) for s in segments if s]
    given = [w for run in runs for w in run]
    if not given or not stream:
        return None
    firsts = _run_starts(runs)
    n = len(stream)
    rows: list[list[int]] = [[0] * (n + 1)]  # row 0: nothing matched, anywhere, for free
    jumps: dict[int, list[int]] = {}  # row i: for each j, where the previous run ended
    for i, word in enumerate(given, start=1):
        prev = rows[-1]
        if (i - 1) in firsts and i > 1:
            prev, jumps[i] = _prefix_min(prev)
        row = [prev[0] + 1] + [0] * n
        for j in range(1, n + 1):
            row[j] = min(prev[j - 1] + (stream[j - 1] != word), prev[j] + 1, row[j - 1] + 1)
        rows.append(row)
    least = min(rows[-1])
    ends = [j for j in range(n + 1) if rows[-1][j] == least][:8]
    traced = [_trace(rows, jumps, given, stream, firsts, end) for end in ends]
    # Of equally cheap places, the one whose length is closest to the quote's ("metal"
    # for "metals" is a changed word, not a dropped one).
    best = min(traced, key=lambda runs: abs(sum(b - a for a, b in runs) - len(given)))
    return Alignment(least, best)


def _run_starts(runs: Sequence[Sequence[str]]) -> set[int]:
    """Indices (in the joined quote) of each run's first word."""
    firsts, at = set(), 0
    for run in runs:
        firsts.add(at)
        at += len(run)
    return firsts


def _prefix_min(row: list[int]) -> tuple[list[int], list[int]]:
    """A run may start anywhere after the previous one ended: the best cost up to each j,
    and the j it came from."""
    best, at = row[0], 0
    values, origins = [], []
    for j, value in enumerate(row):
        if value < best:
            best, at = value, j
        values.append(best)
        origins.append(at)
    return values, origins


def _trace(
    rows: list[list[int]],
    jumps: dict[int, list[int]],
    given: Sequence[str],
    stream: Sequence[str],
    firsts: set[int],
    end: int,
) -> tuple[tuple[int, int], ...]:
    """Walk back from the quote's last word: each run's stored [start, end)."""
    spans: list[tuple[int, int]] = []
    i, j, run_end = len(given), end, end
    while i > 0:
        prev = _prefix_min(rows[i - 1])[0] if i in jumps else rows[i - 1]
        here = rows[i][j]
        if j > 0 and here == prev[j - 1] + (stream[j - 1] != given[i - 1]):
            i, j = i - 1, j - 1
        elif here == prev[j] + 1:
            i = i - 1
        else:
            j -= 1
            continue
        if i in firsts:  # the run that began at word i is done: it starts at j
            spans.append((j, run_end))
            if (i + 1) in jumps:  # the free skip: where the run before really ended
                j = jumps[i + 1][j]
            run_end = j
    return tuple(reversed(spans))


def diff_ops(given: Sequence[str], stored: Sequence[str]) -> list[Op]:
    """Word-level differences of one run: equal, replace, insert (stored words the quote
    lacks) and delete (the quote's words the stored text lacks)."""
    matcher = SequenceMatcher(None, list(given), list(stored), autojunk=False)
    return list(matcher.get_opcodes())
