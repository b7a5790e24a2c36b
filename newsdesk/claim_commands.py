"""``newsdesk check-claim`` and ``newsdesk eval-claims``: is this true, did X say that, and
how well the checks do on a question set (``newsdesk check`` is the store's consistency).

    newsdesk check-claim "China extracted 270,000 tons of rare earths in August"
    newsdesk check-claim --quote "The Americans need rare earth metals." --speaker Peskov
    newsdesk check-claim --collection desk-a "Peskov spoke on February 25"
    newsdesk eval-claims ../shared/eval/realtimeqa/dev.jsonl --corpus corpus-1k.jsonl.gz
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.contract import ClaimCheck, ClaimQuery, Filters
from rag.corpus import DEFAULT
from rag.errors import QueryError
from services.desk import open_desk
from services.settings import Settings


def check_claim(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 whatever the verdict (1 for bad input, as for every command)."""
    from newsdesk.cli import parse_day

    if args.claim and args.quote:
        raise QueryError("give a claim or --quote, not both")
    filters = Filters(source=args.source) if args.source else None
    query = ClaimQuery(claim=args.claim or "", quote=args.quote or "", speaker=args.speaker or "",
                       top_k=args.top_k, filters=filters, as_of=parse_day(args.as_of, "--as-of"),
                       mode=args.mode, collections=tuple(args.collections))  # fmt: skip
    check = open_desk(settings).check_claim(query)
    shown = "json" if args.json else args.format
    if shown == "json":
        print(check.model_dump_json(indent=2))
    elif shown == "markdown":
        from services.export import claim_markdown

        print(claim_markdown(check), end="")
    else:
        print(render_check(check))
    return 0


def eval_claims(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0; 2 when a cited passage was not verbatim; 1 on an error."""
    from services.evaluation.claim_runs import run_claim_eval

    outcome = run_claim_eval(
        settings,
        Path(args.questions),
        Path(args.corpus),
        store=Path(args.store) if args.store else None,
        quotes=args.quotes,
        limit=args.limit,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(outcome.data, indent=2) + "\n", encoding="utf-8")
    print(outcome.markdown)
    return outcome.exit_code


def render_check(check: ClaimCheck) -> str:
    """The check for a terminal: the verdict, its summary, then each passage."""
    verdict = check.quote_check if check.kind == "quote" else check.verdict
    lines = [f"{check.kind} check: {verdict}", check.summary, ""]
    if check.parts:
        lines.insert(2, "parts: " + "; ".join(f"{p.text} ({p.kind})" for p in check.parts))
    for e in check.evidence:
        c = e.citation
        where = ", ".join(x for x in (c.source, c.dates(), c.title) if x)
        said = f", said by {e.speaker}" if e.speaker else ""
        span = "headline" if e.headline else f"{c.start}-{c.end}"
        lines.append(f"[{c.n}] {e.stance}{said}: {where} ({c.doc_id} {span})")
        lines.append(f"    {' '.join(e.passage.split())}")
        if e.note:
            lines.append(f"    {e.note}")
        for d in e.diff:
            if d.op not in ("same", "elided"):
                lines.append(f"    {d.op}: {d.given!r} -> {d.stored!r}")
    return "\n".join(lines).rstrip()


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "check-claim",
        parents=[common],
        help="check a claim, or a quote (--quote), against the archive",
    )
    p.add_argument("claim", nargs="?", help="the claim to check")
    p.add_argument("--quote", help="a quote to check instead (with or without 'X said:')")
    p.add_argument("--speaker", help="who the quote is attributed to")
    p.add_argument("--json", action="store_true", help="print the JSON check contract")
    p.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    p.add_argument(
        "--top-k", type=int, default=None, help="articles to read (default claims.top_k)"
    )
    p.add_argument(
        "--mode", choices=["extractive", "llm"], help="who judges a claim (default answer.mode)"
    )
    p.add_argument("--source", help="only articles of this publisher")
    p.add_argument("--as-of", help="checked as of YYYY-MM-DD ('this week' means the week before)")
    p.add_argument(
        "--collection", action="append", default=[], metavar="NAME", dest="collections",
        help=f"a collection to search; repeat it to search several (default: {DEFAULT})",
    )  # fmt: skip
    p = sub.add_parser("eval-claims", parents=[common], help="measure claim and quote checks")
    p.add_argument("questions", help="multiple-choice questions (query, choices, answer_index)")
    p.add_argument("--corpus", required=True, help="articles to index (.jsonl, .jsonl.gz, ...)")
    p.add_argument("--store", help="index folder (default: .newsdesk/eval/<corpus>-<hash>)")
    p.add_argument("--quotes", type=int, default=150, help="attributed quotes to alter (0: none)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument("--json", help="write all figures and results to this JSON file")
