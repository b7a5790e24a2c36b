"""Wire-copy detection: precision and recall on the labelled pairs of
``tests/fixtures/copies`` (written stories and their copies), and the share of a corpus's
articles that are linked as copies of another, with the time it takes to sign them.

    python -m bench.copies [--corpus corpus]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import corpus_path, machine, read_corpus, write_results
from rag.search import CopyIndex
from tests.copies_pairs import labelled_pairs


def fixture_scores() -> dict[str, Any]:
    tp = fp = fn = tn = 0
    wrong = []
    for name, first, second, is_copy in labelled_pairs():
        with tempfile.TemporaryDirectory() as folder:
            copies = CopyIndex(Path(folder))
            copies.add("first", first)
            found = copies.add("second", second) == "first"
        tp, fp = tp + (found and is_copy), fp + (found and not is_copy)
        fn, tn = fn + (not found and is_copy), tn + (not found and not is_copy)
        if found != is_copy:
            wrong.append(name)
    return {
        "pairs": tp + fp + fn + tn,
        "copies": tp + fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "wrong": wrong,
    }


def corpus_share(corpus: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        copies = CopyIndex(Path(folder))
        began = time.perf_counter()
        for n, row in enumerate(read_corpus(corpus)):
            text = str(row.get("text") or row.get("body") or row.get("content") or "")
            copies.add(str(row.get("doc_id") or row.get("id") or n), text)
        seconds = time.perf_counter() - began
    stories = len(set(copies.canonical_of.values()))
    return {
        "articles": len(copies.canonical_of),
        "linked_as_copies": round(copies.share(), 4),
        "stories": stories,
        "seconds": round(seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus")
    args = parser.parse_args(argv)
    result = {"fixture": fixture_scores(), "corpus": corpus_share(corpus_path(args.corpus))}
    print(json.dumps(result, indent=2))
    result["machine"] = machine()
    print(f"results: {write_results('copies', result)}")


if __name__ == "__main__":
    main()
