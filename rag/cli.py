"""The ``newsdesk`` command line: a thin layer that turns errors into messages and exit codes.

Exit status: 0 success; 1 an error (bad config, store unreachable, bad question,
unknown article); 2 an ingest run where some inputs failed (the rest was stored).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

from rag.config import Settings, load_settings
from rag.errors import NewsdeskError, QueryError
from rag.models import Answer, Filters
from rag.pipeline import Newsdesk

log = logging.getLogger("newsdesk")
Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        COMMANDS[name] = func
        return func

    return register


def _desk(settings: Settings) -> Newsdesk:
    from rag.factory import build

    return build(settings)


@command("ingest")
def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.runner import ingest_paths

    report = ingest_paths(_desk(settings), [Path(p) for p in args.paths])
    for failure in report.failed:
        print(f"failed: {failure.origin}: {failure.message}", file=sys.stderr)
    print(report.summary())
    return 2 if report.failed else 0


@command("ask")
def _ask(args: argparse.Namespace, settings: Settings) -> int:
    filters = Filters(args.source, args.published_after, args.published_before)
    as_of = _parse_day(args.as_of, "--as-of") if args.as_of else None
    answer = _desk(settings).ask(args.question, args.top_k, filters, as_of)
    print(
        json.dumps(answer_dict(answer), ensure_ascii=False, indent=2)
        if args.json
        else render(answer)
    )
    return 0


@command("articles")
def _articles(args: argparse.Namespace, settings: Settings) -> int:
    desk = _desk(settings)
    rows = desk.list_articles(args.offset, args.limit)
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return 0
    for meta in rows:
        fields = (meta.doc_id, meta.published_at, meta.source, meta.title or meta.origin)
        print("\t".join(f or "-" for f in fields))
    print(f"{desk.stats()['articles']} articles in the store", file=sys.stderr)
    return 0


@command("delete")
def _delete(args: argparse.Namespace, settings: Settings) -> int:
    desk = _desk(settings)
    for doc_id in args.ids:
        desk.delete_article(doc_id)
        print(f"deleted {doc_id}")
    return 0


@command("config")
def _config(args: argparse.Namespace, settings: Settings) -> int:
    print(json.dumps(settings.model_dump(mode="json"), indent=2))
    return 0


def answer_dict(answer: Answer) -> dict[str, object]:
    """The JSON answer contract (also returned by the REST endpoint)."""
    data = asdict(answer)
    for citation in data["citations"]:
        citation["authors"] = list(citation["authors"])
    return data


def render(answer: Answer) -> str:
    """The answer for a terminal: the text, then one line per citation."""
    lines = [answer.answer, ""]
    for c in answer.citations:
        where = ", ".join(x for x in (c.source, c.published_at, c.title) if x)
        lines.append(f"[{c.n}] {where} ({c.doc_id} {c.start}-{c.end})")
        lines.append(f"    {' '.join(c.quote.split())}")
    return "\n".join(lines).rstrip()


def _parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{what}: '{value}' is not a date like 2025-02-25") from None


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="config file (default: $NEWSDESK_CONFIG or ./config.yaml)")
    top = argparse.ArgumentParser(prog="newsdesk", description=__doc__, parents=[common])
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", parents=[common], help="ingest files and folders")
    p.add_argument(
        "paths", nargs="+", help=".txt .md .html .json .jsonl .jsonl.gz files or folders"
    )
    p = sub.add_parser("ask", parents=[common], help="ask a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the JSON answer contract")
    p.add_argument("--top-k", type=int, default=None, help="passages to retrieve")
    p.add_argument("--source", help="only articles of this publisher")
    p.add_argument("--published-after", help="only articles published on/after YYYY-MM-DD")
    p.add_argument("--published-before", help="only articles published on/before YYYY-MM-DD")
    p.add_argument("--as-of", help="prefer articles published in the days before YYYY-MM-DD")
    p = sub.add_parser("articles", parents=[common], help="list stored articles")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("delete", parents=[common], help="delete articles by id")
    p.add_argument("ids", nargs="+")
    sub.add_parser("config", parents=[common], help="print the validated configuration")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        from rag.factory import setup_logging

        setup_logging(settings.log_level)
        return COMMANDS[args.command](args, settings)
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
