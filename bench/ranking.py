"""Calibrate the sentence ranker: weights of its signals, the refusal threshold, the
shortlist, on one half of the dev questions, checked on the other half; and the ablation
of each signal.

Retrieval and close reading (MiniLM similarity, named entities) run once per question
(``--collect``, through the desk's public ``retrieve`` and the answerer's ``read``, with a
permissive support threshold and a long shortlist); every setting is then simulated on
those rows in milliseconds, exactly as ``rag.answering.ranking.choose`` would decide (the
shortlist of a stricter setting is a prefix of the permissive one: both are in order of
support). The halves are split by a hash of the question id, never by what a question
says.

    python -m bench.ranking --collect --set sample --set rgb --set realtimeqa-1k --set realtimeqa
    python -m bench.ranking --fit   # on the collected rows: writes ranking-latest.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.answers import Retrieved, open_set, retrieve_all
from bench.common import RESULTS, machine, write_results
from rag.answering import ExtractiveAnswerer
from rag.answering.analysis import Asked, names_of
from rag.answering.facts import Sentence, covered_terms
from rag.config import AnswerSettings
from rag.contract import Article
from rag.desk import Retrieval
from rag.text import SpacyTagger, terms
from services.evaluation import text_hit

SIGNALS = ("support", "similarity", "kind", "position", "rank", "restates")
PERMISSIVE = {"min_support": 0.1, "shortlist": 24, "read_top_articles": 3}
Row = dict[str, Any]
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WORD = re.compile(r"[\w’']+(?:-[\w’']+)*")


def half(question_id: str) -> str:
    """'A' or 'B', by a hash of the id."""
    return "A" if hashlib.sha1(question_id.encode()).digest()[0] % 2 == 0 else "B"


def collect(name: str) -> list[Row]:
    desk, questions = open_set(name)
    settings = desk.settings.answer.model_copy(update=PERMISSIVE)
    answerer = ExtractiveAnswerer(settings, desk.embedder, SpacyTagger())
    rows: list[Row] = []
    for r in retrieve_all(desk, questions):
        rows.append(_row(name, r, r.found, answerer, negative=False))
        if r.negative is not None:
            rows.append(_row(name, r, r.negative, answerer, negative=True))
    return rows


def _row(
    name: str, r: Retrieved, found: Retrieval, answerer: ExtractiveAnswerer, negative: bool
) -> Row:
    question = found.planned.searched
    asked, candidates = answerer.read(question, found.grounds, every=True)
    hits = [(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in found.grounds.hits]
    cands = []
    for c in candidates:
        s = c.supported.sentence
        in_hit = any(d == s.doc_id and a < s.end and s.start < b for d, a, b in hits)
        passage = s.text + (" " + s.next.text if c.kind == 0.5 and s.next is not None else "")
        cands.append(
            {
                **c.signals(),
                **_constraints(asked, s, found.grounds.articles[s.doc_id]),
                "doc_id": s.doc_id,
                "start": s.start,
                "article_rank": s.rank,
                "in_hit": in_hit,
                "hit": text_hit([passage], r.question.answers) if r.question.answers else False,
                "text": s.text[:300],
            }
        )
    return {
        "set": name,
        "id": r.question.id,
        "half": half(r.question.id),
        "negative": negative,
        "unanswerable": r.question.unanswerable,
        "wants": asked.wants.kind,
        "strict": asked.wants.strict,
        "facts": facts_path(question),
        "question": question,
        "entities": sorted(asked.entities),
        "candidates": cands,
    }


def _constraints(asked: Asked, s: Sentence, article: Article) -> Row:
    """Where the question's own names and numbers stand relative to a candidate sentence:
    missing from the sentence itself, or from its paragraph and the article's title (the
    refusal variants measured by ``bench.refusals``); the years the sentence names; how
    much of the question's key-term weight the sentence alone holds."""
    line_start = article.text.rfind("\n", 0, s.start) + 1
    line_end = article.text.find("\n", s.end)
    paragraph = article.text[line_start : line_end if line_end >= 0 else len(article.text)]
    return {
        "own_support": asked.support(covered_terms(asked, s.terms)),
        "missing_sentence": _missing(asked, s.text),
        "missing_near": _missing(asked, f"{article.title}\n{paragraph}"),
        "years": sorted(set(_YEAR.findall(s.text))),
    }


def _missing(asked: Asked, text: str) -> list[str]:
    """The question's names and numbers that ``text`` does not hold (a name as a word of
    its own, a number as the start of one: "50" in "50th")."""
    written = {names_of(m.group()).lower() for m in _WORD.finditer(text)}
    numbers = set(terms(text))
    out = []
    for entity in sorted(asked.entities):
        if entity[0].isdigit():
            held = any(w.startswith(entity.replace(",", "")) for w in numbers)
        else:
            held = entity in written or any(_form_of(entity, w) for w in written)
        if not held:
            out.append(entity)
    return out


def _form_of(a: str, b: str) -> bool:
    """The same word in another form ("oscar" / "oscars"), as the answerer's name check."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and len(long) - len(short) <= 3 and long.startswith(short)


def facts_path(question: str) -> bool:
    """Is the question answered by the facts path (not a speaker's quotes, who said or
    who wrote)? Only those are ranked by these signals."""
    from rag.answering.speaking import parse_byline
    from rag.quotes import parse_speaker_question, parse_who_said

    special = (parse_speaker_question, parse_who_said, parse_byline)
    return all(parse(question) is None for parse in special)


Keep = Callable[[Row, Row], bool]  # (question row, candidate) -> does the candidate stay?


@dataclass(frozen=True)
class Variant:
    """A refusal rule tried on the collected rows (``bench.refusals``): candidates that
    fail ``candidate`` never enter the shortlist, those failing ``shortlisted`` leave it,
    a best candidate failing ``best`` means "nothing found", and cited ones failing
    ``cited`` are dropped (all of them: "nothing found")."""

    candidate: Keep | None = None
    shortlisted: Keep | None = None
    best: Keep | None = None
    cited: Keep | None = None


def decide(row: Row, cfg: dict[str, Any], variant: Variant = Variant()) -> list[Row]:
    """The candidates the answerer would cite under ``cfg`` ([] for a refusal), with the
    refusal rule ``variant`` on top (none by default)."""
    kept = _decide(row, cfg, variant)
    return [c for c in kept if variant.cited(row, c)] if variant.cited else kept


def _decide(row: Row, cfg: dict[str, Any], variant: Variant) -> list[Row]:
    read = cfg["read_top_articles"]
    shortlist = [
        c
        for c in row["candidates"]
        if c["support"] >= cfg["min_support"] and (c["article_rank"] < read or c["in_hit"])
    ]
    if variant.candidate:
        shortlist = [c for c in shortlist if variant.candidate(row, c)]
    shortlist = shortlist[: cfg["shortlist"]]
    if variant.shortlisted:
        shortlist = [c for c in shortlist if variant.shortlisted(row, c)]
    if not shortlist:
        return []
    if cfg["refuse_without_kind"] and row["strict"] and not any(c["kind"] for c in shortlist):
        return []
    if row["wants"] and any(c["kind"] for c in shortlist):
        shortlist = [c for c in shortlist if c["kind"]]
    weights = cfg["weights"]
    scored = sorted(
        ((sum(weights[k] * c[k] for k in SIGNALS), c) for c in shortlist),
        key=lambda pair: (-pair[0], pair[1]["doc_id"]),
    )
    best = scored[0][0]
    if best < cfg["min_score"] or (variant.best and not variant.best(row, scored[0][1])):
        return []
    kept: list[Row] = []
    for value, c in scored:
        if value < best * cfg["keep_ratio"] or len(kept) >= cfg["max_sentences"]:
            break
        if not any(k["doc_id"] == c["doc_id"] and k["start"] == c["start"] for k in kept):
            kept.append(c)
    return kept


def metrics(
    rows: Iterable[Row], cfg: dict[str, Any], variant: Variant = Variant()
) -> dict[str, float]:
    hit = refused = answerable = correct = unanswerable = rejected = negatives = cited = 0
    answered = held = 0
    for row in rows:
        if not row["facts"]:
            continue
        kept = decide(row, cfg, variant)
        if row["negative"]:
            negatives += 1
            rejected += not kept
        elif row["unanswerable"]:
            unanswerable += 1
            correct += not kept
        else:
            answerable += 1
            refused += not kept
            hit += any(c["hit"] for c in kept)
            answered += bool(kept)
            cited += len(kept)
            held += sum(bool(c["hit"]) for c in kept)

    def share(n: int, d: int) -> float:
        return round(n / d, 3) if d else -1.0

    return {
        "answer_hit": share(hit, answerable),
        "refusals": share(refused, answerable),
        "negative_rejection": share(rejected, negatives),
        "correct_refusal": share(correct, unanswerable),
        "citations_per_answer": round(cited / answered, 2) if answered else 0.0,
        "citation_precision": share(held, cited),  # cited sentences holding a gold answer
    }


def objective(rows: Sequence[Row], cfg: dict[str, Any]) -> float:
    """Over the sets: answer hit, plus half the rejection (negatives, unanswerables),
    minus wrongful refusals above 5%; the sample set must be all answered and all
    refused (the product's promise on its own article)."""
    total, sets = 0.0, sorted({r["set"] for r in rows})
    scored = 0
    for name in sets:
        m = metrics([r for r in rows if r["set"] == name], cfg)
        if name == "sample":
            total -= 2 * ((1 - m["answer_hit"]) + (1 - max(m["correct_refusal"], 0)))
            continue
        rejection = [v for v in (m["negative_rejection"], m["correct_refusal"]) if v >= 0]
        total += m["answer_hit"] + 0.5 * sum(rejection) / max(len(rejection), 1)
        total -= max(0.0, m["refusals"] - 0.05)
        scored += 1
    return total / max(scored, 1)


GRID: dict[str, Sequence[Any]] = {
    "similarity": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
    "kind": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2),
    "position": (0.0, 0.05, 0.1, 0.2, 0.4),
    "rank": (0.0, 0.05, 0.1, 0.2, 0.4),
    "restates": (0.0, 0.05, 0.1, 0.2, 0.4),
    "min_support": (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
    "shortlist": (2, 3, 4, 5, 6, 8, 10, 12, 16, 24),
    "read_top_articles": (1, 2, 3),
    "min_score": (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2),
    "keep_ratio": (0.7, 0.8, 0.85, 0.9, 0.95, 1.0),
    "max_sentences": (1, 2, 3, 5),
}


def start_config() -> dict[str, Any]:
    defaults = AnswerSettings()
    return {
        "weights": defaults.weights.model_dump(),
        **{k: getattr(defaults, k) for k in GRID if k not in SIGNALS},
        "refuse_without_kind": True,
    }


def fit(rows: Sequence[Row], frozen: Sequence[str] = (), rounds: int = 3) -> dict[str, Any]:
    """Coordinate ascent over ``GRID``; ``frozen`` signals stay at weight 0 (ablation)."""
    cfg = start_config()
    for name in frozen:
        if name == "kind_refusal":
            cfg["refuse_without_kind"] = False
        else:
            cfg["weights"][name] = 0.0
    for _ in range(rounds):
        for key, values in GRID.items():
            if key in frozen:
                continue
            best_value, best = None, -1e9
            for value in values:
                trial = _with(cfg, key, value)
                got = objective(rows, trial)
                if got > best + 1e-9:
                    best_value, best = value, got
            cfg = _with(cfg, key, best_value)
    return cfg


def _with(cfg: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    out = {**cfg, "weights": dict(cfg["weights"])}
    if key in SIGNALS:
        out["weights"][key] = value
    else:
        out[key] = value
    return out


def _without(cfg: dict[str, Any], signal: str) -> dict[str, Any]:
    """The configuration with one signal off (its weight 0, or no kind refusals)."""
    if signal == "kind_refusal":
        return {**cfg, "refuse_without_kind": False}
    return _with(cfg, signal, 0.0)


def report(rows: Sequence[Row], cfg: dict[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    sets = sorted({r["set"] for r in rows})
    return {
        name: {
            part: metrics([r for r in rows if r["set"] == name and r["half"] in part], cfg)
            for part in ("A", "B", "AB")
        }
        for name in sets
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--collect", action="store_true", help="retrieve and read (slow)")
    parser.add_argument("--fit", action="store_true", help="calibrate on the collected rows")
    args = parser.parse_args()
    rows_file = RESULTS / "ranking-rows.json"
    if args.collect:
        known: list[Row] = json.loads(rows_file.read_text()) if rows_file.exists() else []
        for name in args.set:
            known = [r for r in known if r["set"] != name] + collect(name)
            RESULTS.mkdir(parents=True, exist_ok=True)
            rows_file.write_text(json.dumps(known), encoding="utf-8")
            print(f"{name}: collected", flush=True)
    if args.fit:
        rows = json.loads(rows_file.read_text())
        if args.set:
            rows = [r for r in rows if r["set"] in args.set]
        fitted = fit([r for r in rows if r["half"] == "A"])
        results: dict[str, Any] = {"machine": machine(), "fitted_on": "A", "config": fitted}
        results["current"] = results["default"] = report(rows, start_config())
        results["fitted"] = report(rows, fitted)
        results["ablation"] = {}
        for signal in [*SIGNALS[1:], "kind_refusal"]:
            cfg = fit([r for r in rows if r["half"] == "A"], frozen=[signal])
            results["ablation"][signal] = {"config": cfg, "metrics": report(rows, cfg)}
        results["default_ablation"] = {
            signal: report(rows, _without(start_config(), signal))
            for signal in [*SIGNALS[1:], "kind_refusal"]
        }
        print(json.dumps({k: results[k] for k in ("config", "current", "fitted")}, indent=1))
        for signal, got in results["ablation"].items():
            print(signal, {s: m["B"] for s, m in got["metrics"].items()})
        print(f"results: {write_results('ranking', results)}")


if __name__ == "__main__":
    main()
