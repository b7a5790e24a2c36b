"""The ``newsdesk`` command line: a thin layer that turns errors into messages and exit codes.

Exit status: 0 success; 1 an error (bad config, store unreachable, bad question,
unknown article); 2 an ingest run where some inputs failed (the rest was stored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from ingest import extensions_text
from rag.contract import Answer, Filters, IngestReport, Query
from rag.desk import Newsdesk
from rag.errors import NewsdeskError, QueryError
from services.desk import open_desk, setup_logging
from services.settings import Settings, config_path, load_settings

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        COMMANDS[name] = func
        return func

    return register


@command("ingest")
def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.runner import ingest_sources

    if not args.paths and not args.feed:
        raise QueryError("give files, folders or URLs to ingest, or --feed URL")
    desk = open_desk(settings)
    if args.ray is not None:
        report = _ingest_on_ray(desk, settings, args)
    else:
        report = ingest_sources(desk, args.paths)
    if args.feed:
        from services.feed_polling import FeedFollower, feed_of

        report = report.merged(FeedFollower(desk, settings).poll([feed_of(u) for u in args.feed]))
    for failure in report.failed:
        print(f"failed: {failure.origin}: {failure.message}", file=sys.stderr)
    print(report.summary())
    return 2 if report.failed else 0


def _ingest_on_ray(desk: Newsdesk, settings: Settings, args: argparse.Namespace) -> IngestReport:
    """Files and folders on a Ray cluster (``--ray [ADDRESS]``), URLs here as usual."""
    from ingest.runner import ingest_urls, is_url
    from services.cluster import ingest_on_ray, is_address

    address, paths = args.ray, list(args.paths)
    if address and not is_address(address):  # `--ray PATH ...`: the default cluster
        address, paths = "", [address, *paths]
    files = [Path(p) for p in paths if not is_url(p)]
    report = ingest_on_ray(desk, settings, files, address or None, args.actors)
    urls = [p for p in paths if is_url(p)]
    return report.merged(ingest_urls(desk, urls)) if urls else report


@command("watch")
def _watch(args: argparse.Namespace, settings: Settings) -> int:
    """Poll config.yaml's feeds as they fall due (Ctrl-C stops); exit 2 if --once failed."""
    import threading

    from services.feed_polling import FeedFollower

    if not settings.feeds:
        raise QueryError("no feeds in config.yaml: add a `feeds:` list (see README)")
    follower = FeedFollower(open_desk(settings), settings)
    if args.once:
        report = follower.poll(settings.feeds)
        for failure in report.failed:
            print(f"failed: {failure.origin}: {failure.message}", file=sys.stderr)
        print(report.summary())
        return 2 if report.failed else 0
    with contextlib.suppress(KeyboardInterrupt):
        follower.run(threading.Event())
    return 0


@command("feeds")
def _feeds(args: argparse.Namespace, settings: Settings) -> int:
    from services.feed_polling import FeedFollower

    statuses = FeedFollower(open_desk(settings), settings).statuses()
    if args.json:
        print(json.dumps([s.model_dump() for s in statuses], indent=2))
        return 0
    for s in statuses:
        state = f"failing ({s.failures}x): {s.last_error}" if s.failures else "ok"
        print(f"{s.url}  {s.name or '-'}  last poll {s.last_poll or 'never'}  "
              f"{s.entries_seen} entries  {state}")  # fmt: skip
    return 0


@command("mcp")
def _mcp(args: argparse.Namespace, settings: Settings) -> int:
    """The MCP tools over stdio (stdout carries the protocol: logs go to stderr)."""
    from api.mcp_server import build_mcp
    from services.gate import SharedDesk

    desk = open_desk(settings)
    desk.warm_up()
    build_mcp(SharedDesk(desk, settings)).run("stdio")
    return 0


@command("ask")
def _ask(args: argparse.Namespace, settings: Settings) -> int:
    filters = Filters(
        source=args.source,
        published_after=_parse_day(args.published_after, "--published-after"),
        published_before=_parse_day(args.published_before, "--published-before"),
    )
    as_of = _parse_day(args.as_of, "--as-of")
    query = Query(question=args.question, top_k=args.top_k, filters=filters, as_of=as_of,
                  mode=args.mode)  # fmt: skip
    answer = open_desk(settings).ask(query)
    shown = "json" if args.json else args.format
    if shown == "json":
        print(answer.model_dump_json(indent=2))
    elif shown == "markdown":
        from services.export import answer_markdown

        print(answer_markdown(answer), end="")
    else:
        print(render(answer))
    return 0


@command("eval")
def _eval(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0; 2 when a citation was not verbatim or a corpus input failed; 1 on an error."""
    from services.evaluation import run

    outcome = run(
        settings,
        [Path(q) for q in args.questions],
        Path(args.corpus),
        store=Path(args.store) if args.store else None,
        limit=args.limit,
        use_as_of=not args.no_as_of,
        json_out=Path(args.json) if args.json else None,
        negatives=args.negatives,
    )
    for failure in outcome.failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(f"eval index: {outcome.index_summary}", file=sys.stderr)
    print(outcome.markdown)
    return outcome.exit_code


@command("check")
def _check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when consistent (or repaired), 2 when problems were found and left."""
    report = open_desk(settings, recover=False).check(repair=args.repair)
    print(report.summary())
    for kind in ("orphan_chunks", "stale_chunks", "incomplete"):
        for item in getattr(report, kind):
            print(f"{kind}: {item}", file=sys.stderr)
    return 0 if report.consistent or report.repaired else 2


@command("export")
def _export(args: argparse.Namespace, settings: Settings) -> int:
    from services.transfer import export_articles

    count = export_articles(open_desk(settings), Path(args.path))
    print(f"exported {count} articles to {args.path}")
    return 0


@command("import")
def _import(args: argparse.Namespace, settings: Settings) -> int:
    """An export is read like any feed: same ids, so unchanged articles stay untouched."""
    return _ingest(argparse.Namespace(paths=[args.path], feed=[]), settings)


@command("articles")
def _articles(args: argparse.Namespace, settings: Settings) -> int:
    page = open_desk(settings).list_articles(args.offset, args.limit)
    if args.json:
        print(page.model_dump_json(indent=2))
        return 0
    for meta in page.articles:
        fields = (meta.doc_id, meta.published_at, meta.source, meta.title or meta.origin)
        print("\t".join(f or "-" for f in fields))
    print(f"{page.total} articles in the store", file=sys.stderr)
    return 0


@command("delete")
def _delete(args: argparse.Namespace, settings: Settings) -> int:
    desk = open_desk(settings)
    for doc_id in args.ids:
        desk.delete_article(doc_id)
        print(f"deleted {doc_id}")
    return 0


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from newsdesk.server import serve, serve_workers

    host, port = args.host or settings.server.host, args.port or settings.server.port
    if args.workers < 1:
        raise QueryError(f"--workers {args.workers}: give 1 or more")
    if args.workers > 1:
        serve_workers(settings, config_path(args.config), host, port, args.workers)
    else:
        serve(open_desk(settings), settings, host, port)
    return 0


@command("config")
def _config(args: argparse.Namespace, settings: Settings) -> int:
    print(json.dumps(settings.model_dump(mode="json"), indent=2))
    return 0


def render(answer: Answer) -> str:
    """The answer for a terminal: the text, then one line per citation."""
    lines = [answer.answer, ""]
    if answer.window is not None and answer.found:
        lines.insert(0, answer.window.label + ":")
    for c in answer.citations:
        where = ", ".join(x for x in (c.source, c.dates(), c.title, c.location) if x)
        lines.append(f"[{c.n}] {where} ({c.doc_id} {c.start}-{c.end})")
        lines.append(f"    {' '.join(c.quote.split())}")
        lines += [f"    {c.link}"] if c.link else []
    return "\n".join(lines).rstrip()


def _parse_day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{what}: '{value}' is not a date like 2025-02-25") from None


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="config file (default: $NEWSDESK_CONFIG or ./config.yaml)")
    top = argparse.ArgumentParser(prog="newsdesk", description=__doc__, parents=[common])
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", parents=[common], help="ingest files, folders, pages, feeds")
    p.add_argument(
        "paths", nargs="*", help=f"{extensions_text()} files, folders of them, or http(s) URLs"
    )
    p.add_argument("--feed", action="append", default=[], help="an RSS/Atom feed URL to poll")
    p.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="read, clean, chunk and embed on a Ray cluster (pip install newsdesk[cluster]): "
        "ADDRESS is HOST:PORT of its head, ray://HOST:PORT, auto, or local (a new instance "
        "here); without it, the cluster `ray start` began on this machine, else a local one",
    )
    p.add_argument(
        "--actors",
        type=int,
        default=None,
        help="with --ray: encoder actors (default: one per GPU, else one per machine)",
    )
    p = sub.add_parser("watch", parents=[common], help="poll the configured feeds until stopped")
    p.add_argument("--once", action="store_true", help="poll every feed once, then stop")
    p = sub.add_parser("feeds", parents=[common], help="how following each feed goes")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("ask", parents=[common], help="ask a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the JSON answer contract")
    p.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="markdown: with numbered footnotes (title, publisher, date, URL, the quote)",
    )
    p.add_argument("--top-k", type=int, default=None, help="passages to retrieve")
    p.add_argument(
        "--mode", choices=["extractive", "llm"], help="how to answer (default: answer.mode)"
    )
    p.add_argument("--source", help="only articles of this publisher")
    p.add_argument("--published-after", help="only articles published on/after YYYY-MM-DD")
    p.add_argument("--published-before", help="only articles published on/before YYYY-MM-DD")
    p.add_argument("--as-of", help="prefer articles published in the days before YYYY-MM-DD")
    p = sub.add_parser("eval", parents=[common], help="measure retrieval and answers")
    p.add_argument("questions", nargs="+", help="question sets (dev.jsonl format)")
    p.add_argument("--corpus", required=True, help="articles to index (.jsonl, .jsonl.gz, ...)")
    p.add_argument("--json", help="write metrics to this JSON file (and a .md beside it)")
    p.add_argument("--store", help="index folder (default: .newsdesk/eval/<corpus>-<hash>)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions per set")
    p.add_argument("--no-as-of", action="store_true", help="ignore question dates")
    p.add_argument(
        "--negatives",
        action="store_true",
        help="also ask each question without its gold articles and every article holding an "
        "answer: the right result is 'nothing found' (negative rejection)",
    )
    p = sub.add_parser("articles", parents=[common], help="list stored articles")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("check", parents=[common], help="check the store's consistency")
    p.add_argument("--repair", action="store_true", help="drop stray chunks, re-index gaps")
    p = sub.add_parser("export", parents=[common], help="write every article to a .jsonl.gz")
    p.add_argument("path", help="the file to write (e.g. backup.jsonl.gz)")
    p = sub.add_parser("import", parents=[common], help="read an export back (same ids)")
    p.add_argument("path", help="a file written by `newsdesk export`")
    p = sub.add_parser("delete", parents=[common], help="delete articles by id")
    p.add_argument("ids", nargs="+")
    sub.add_parser("mcp", parents=[common], help="serve the MCP tools over stdio")
    p = sub.add_parser("serve", parents=[common], help="serve the REST API and the chat UI")
    p.add_argument("--host", help="address to listen on (default: server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default: server.port)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="serving processes on the port, each with its own desk (needs store.mode: http, "
        "a Chroma server; default 1)",
    )
    sub.add_parser("config", parents=[common], help="print the validated configuration")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        setup_logging(settings.log_level)
        return COMMANDS[args.command](args, settings)
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
