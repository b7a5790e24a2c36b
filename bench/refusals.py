"""Refusal rules for same-topic passages (issue 18), tried on the rows ``bench.ranking
--collect`` wrote: each rule on top of the current answer settings, per set and per half
(A, B: a hash of the question id), so a rule is kept only when it helps on both.

The rules: (a) the question's own names and numbers must stand in the cited sentence's
neighbourhood, not anywhere in its article (its paragraph or the title; the sentence
itself; its year, or no other year); (b) the sentence itself must relate the question's
terms (its own support, or its predicate: the question's words that are no name or
number); (c) a floor on the MiniLM similarity. Nothing is re-retrieved: a table takes
seconds.

    python -m bench.ranking --collect --set sample --set rgb --set realtimeqa-1k
    python -m bench.refusals          # prints the table, writes refusals-latest.json
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from bench.common import RESULTS, machine, write_results
from bench.ranking import Keep, Row, Variant, metrics, start_config
from rag.text import terms

SETS = ("rgb", "realtimeqa-1k", "sample")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_ASKING = frozenset(terms("happen happened happening latest recent recently give"))
_IRREGULAR = {"won": "win", "lost": "lose", "wrote": "write", "made": "make", "took": "take"}


def years(row: Row) -> set[str]:
    """The years the question names ("in 2021")."""
    return {e for e in row["entities"] if _YEAR.match(e)}


def conflicting_year(row: Row, c: Row) -> bool:
    """The sentence names a year, and not the question's: the 2021 race for a 2022
    question."""
    asked = years(row)
    return bool(asked and c["years"] and not asked & set(c["years"]))


def predicate(row: Row) -> list[str]:
    """The question's key terms that are no name or number: what it asks about them
    ("won", "released", "director")."""
    named = {t for e in row["entities"] for t in terms(e)}
    own = [_IRREGULAR.get(t, t) for t in terms(row["question"])]
    return [t for t in dict.fromkeys(own) if t not in named and t not in _ASKING]


def predicate_share(row: Row, c: Row) -> float:
    """The share of the question's predicate terms in the sentence (a form of the same
    word counts: "win" / "winner"); 1.0 when the question has none."""
    wanted = predicate(row)
    if not wanted:
        return 1.0
    own = {_IRREGULAR.get(t, t) for t in terms(c["text"])}
    return sum(any(_same_word(t, w) for w in own) for t in wanted) / len(wanted)


def _same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and len(long) - len(short) <= 3 and long.startswith(short)


def at_least(signal: str, floor: float) -> Keep:
    """Keep a candidate whose ``signal`` reaches ``floor``."""
    return lambda row, c: bool(c[signal] >= floor)


def own_share(share: float) -> Keep:
    """Keep a sentence that holds itself ``share`` of its support (not its paragraph)."""
    return lambda row, c: bool(c["own_support"] >= share * c["support"])


def variants() -> dict[str, Variant]:
    """Every rule measured, by name."""
    out: dict[str, Variant] = {"current": Variant()}
    out["a: names/numbers in paragraph or title"] = Variant(lambda r, c: not c["missing_near"])
    out["a: all names/numbers in the sentence"] = Variant(lambda r, c: not c["missing_sentence"])
    out["a: question's year in the sentence"] = Variant(
        lambda r, c: not years(r) & set(c["missing_sentence"])
    )
    out["a: best sentence holds the year"] = Variant(
        best=lambda r, c: not years(r) & set(c["missing_sentence"])
    )
    out["a: no other year (shortlist)"] = Variant(lambda r, c: not conflicting_year(r, c))
    out["a: best names no other year"] = Variant(best=lambda r, c: not conflicting_year(r, c))
    out["a: cite none naming another year"] = Variant(cited=lambda r, c: not conflicting_year(r, c))
    for t in (0.3, 0.5, 0.7):
        out[f"b: own support >= {t}"] = Variant(at_least("own_support", t))
    for t in (0.5, 0.7):
        out[f"b: own support >= {t} x support"] = Variant(own_share(t))
    out["b: best holds a predicate term"] = Variant(best=lambda r, c: predicate_share(r, c) > 0)
    out["b: strict kinds, best holds predicate"] = Variant(
        best=lambda r, c: not r["strict"] or predicate_share(r, c) > 0
    )
    out["b: shortlist holds predicate"] = Variant(
        shortlisted=lambda r, c: predicate_share(r, c) > 0
    )
    for t in (0.4, 0.5, 0.6):
        out[f"c: best similarity >= {t}"] = Variant(best=at_least("similarity", t))
        out[f"c: similarity >= {t}"] = Variant(shortlisted=at_least("similarity", t))
    return out


def table(rows: Sequence[Row]) -> dict[str, dict[str, dict[str, float]]]:
    cfg = start_config()
    return {
        name: {
            f"{s}/{part}": metrics(
                [r for r in rows if r["set"] == s and r["half"] == part], cfg, variant
            )
            for s in SETS
            for part in ("A", "B")
        }
        for name, variant in variants().items()
    }


def line(name: str, got: dict[str, dict[str, float]]) -> str:
    cells = []
    for key, m in got.items():
        hit, nr, wr = m["answer_hit"], m["negative_rejection"], m["refusals"]
        extra = f"/wr{wr:.3f}" if "1k" in key else ""
        if key.startswith("sample"):
            extra = f"/cr{m['correct_refusal']:.3f}"  # the sample's 10 unanswerable questions
        cells.append(f"{key} {hit:.3f}/{nr:.3f}{extra}/cp{m['citation_precision']:.3f}")
    return f"{name:42} " + " | ".join(cells)


def main() -> None:
    rows = json.loads((RESULTS / "ranking-rows.json").read_text())
    got = table(rows)
    print(
        "set/half answer hit/negative rejection[/wr wrongful refusals (corpus-1k)]"
        "[/cr correct refusals (sample)]/cp citation precision"
    )
    for name, cells in got.items():
        print(line(name, cells))
    print(f"results: {write_results('refusals', {'machine': machine(), 'variants': got})}")


if __name__ == "__main__":
    main()
