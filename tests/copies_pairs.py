"""Labelled pairs for the wire-copy detector, made from ``tests/fixtures/copies`` (used
by ``tests/test_copies.py`` and ``python -m bench.copies``)."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "copies" / "stories.json"
Pair = tuple[str, str, str, bool]  # name, first text, second text, is a copy


def _text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def labelled_pairs() -> list[Pair]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    stories: dict[str, list[str]] = data["stories"]
    pairs: list[Pair] = []
    for name, p in stories.items():
        tail = f"Officials declined to comment further on the {name} story on Sunday evening."
        extra = f"Local radio first reported the {name} news late on Saturday, citing sources."
        variants = {
            "new tail": [*p[:-1], tail],
            "paragraph dropped": p[:2] + p[3:],
            "paragraph added": [*p[:3], extra, *p[3:]],
            "wire dateline": ["OSLO (Nordic Wire) — " + p[0], *p[1:]],
            "all at once": ["OSLO (Nordic Wire) — " + p[0], *p[1:3], p[4], tail],
        }
        pairs += [(f"{name}: {v}", _text(p), _text(t), True) for v, t in variants.items()]
    for name, rewrite in data["rewrites"].items():
        pairs.append((f"{name}: rewritten", _text(stories[name]), _text(rewrite), False))
    for a, b in combinations(stories, 2):
        pairs.append((f"{a} / {b}", _text(stories[a]), _text(stories[b]), False))
    quoting = [*stories["museum"][:2], stories["ferry"][2], *stories["museum"][3:]]
    pairs.append(("museum quoting ferry", _text(stories["ferry"]), _text(quoting), False))
    return pairs
