"""How far the written-sentence check can be trusted: LLM-written sentences judged by
reading, against what the product's check said of them.

``bench.llm`` keeps every sentence the model wrote, with the passage it cites, the check's
verdict (``supported``) and its meaning score (``bench/results/llm-sentences-<set>.jsonl``).
People read each sentence against its cited passage and label it in
``bench/labels/llm-sentences.jsonl``: ``faithful`` (all it asserts is in the passage),
``broken`` (cut off, garbled or repeating), ``answers`` (it answers the question). This
reports the check's precision (faithful sentences among those it marked supported), its
recall, the unfaithful ones it let through, broken and repeated sentences, and what each
``llm.min_meaning`` would have done on these rows (the calibration curve).

    python -m bench.llm_labels [--labels bench/labels/llm-sentences.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ROOT, write_results
from rag.answering.verify import tidy

LABELS = ROOT / "bench" / "labels" / "llm-sentences.jsonl"
_MARKER = re.compile(r"\s*\[\d+\]")


def load(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    missing = [i for i, r in enumerate(rows, 1) if "faithful" not in r]
    if missing:
        raise SystemExit(f"{path}: rows {missing[:10]} have no 'faithful' label")
    return rows


def agreement(rows: Sequence[dict[str, Any]], kept: Sequence[bool]) -> dict[str, Any]:
    """The check (``kept``: marked supported) against the labels."""
    faithful = [bool(r["faithful"]) for r in rows]
    both = sum(k and f for k, f in zip(kept, faithful, strict=True))
    return {
        "marked_supported": sum(kept),
        "precision": _share(both, sum(kept)),
        "recall": _share(both, sum(faithful)),
        "unfaithful_let_through": sum(k and not f for k, f in zip(kept, faithful, strict=True)),
        "faithful_flagged": sum(f and not k for k, f in zip(kept, faithful, strict=True)),
    }


def stricter(rows: Sequence[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """The check had ``llm.min_meaning`` been ``threshold`` (the rows were written at the
    default, 0.5, so only stricter settings can be replayed)."""
    return agreement(rows, [bool(r["supported"]) and (r["meaning"] or 0) >= threshold
                            for r in rows])  # fmt: skip


def tidied_today(rows: Sequence[dict[str, Any]]) -> list[bool]:
    """Per row, would today's tidying remove the sentence (cut off, or stopping on a word
    that cannot end a sentence)? The rows were recorded by an earlier check, so this
    replays the rule on each sentence alone."""
    return [tidy(r["sentence"])[1] > 0 for r in rows]


def repeated(rows: Sequence[dict[str, Any]]) -> int:
    """Sentences said twice in one answer (the same question, set and retrieval)."""
    said = Counter((r["set"], r["id"], r["negative"], _body(r["sentence"])) for r in rows)
    return sum(n - 1 for n in said.values())


def cut_off(rows: Sequence[dict[str, Any]]) -> int:
    """Sentences that do not end as a sentence does (before the citation marker)."""
    return sum(not re.search(r"[.!?…\"”’')]$", _body(r["sentence"])) for r in rows)


def _body(sentence: str) -> str:
    return _MARKER.sub("", sentence).strip()


def _share(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    rows = load(args.labels)
    gone = tidied_today(rows)
    results: dict[str, Any] = {
        "labels": str(args.labels),
        "sentences": len(rows),
        "by_set": dict(Counter(r["set"] for r in rows)),
        "faithful": sum(bool(r["faithful"]) for r in rows),
        "answers": sum(bool(r.get("answers")) for r in rows),
        "broken_by_reading": sum(bool(r.get("broken")) for r in rows),
        "repeated_in_an_answer": repeated(rows),
        "cut_off_by_form": cut_off(rows),
        "check": agreement(rows, [bool(r["supported"]) for r in rows]),
        "check_with_todays_tidying": agreement(
            rows, [bool(r["supported"]) and not t for r, t in zip(rows, gone, strict=True)]
        ),
        "broken_left_by_todays_tidying": sum(
            bool(r.get("broken")) and not t for r, t in zip(rows, gone, strict=True)
        ),
        "min_meaning": {str(t): stricter(rows, t) for t in (0.5, 0.6, 0.7, 0.8, 0.9)},
    }
    print(json.dumps({k: v for k, v in results.items() if k != "min_meaning"}, indent=1))
    for t, found in results["min_meaning"].items():
        print(f"meaning >= {t}: {found}")
    print(f"results: {write_results('llm-labels', results)}")


if __name__ == "__main__":
    main()
