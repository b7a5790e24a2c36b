"""The ``newsdesk`` command line: a thin layer that turns errors into messages and exit codes.

Exit status: 0 success; 1 an error (bad config, store unreachable, bad question,
unknown article); 2 an ingest run where some inputs failed (the rest was stored); 141
when the reader of the output went away (`newsdesk config | head`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from newsdesk import claim_commands, follow_commands
from newsdesk.arguments import parser
from newsdesk.follow_commands import drain_webhooks
from newsdesk.teams import TEAM_COMMANDS
from rag.contract import Answer, Filters, IngestReport, Query, public_origin
from rag.desk import Newsdesk
from rag.errors import NewsdeskError, QueryError
from services.audit import AuditLog
from services.desk import open_desk, setup_logging
from services.keys import LOCAL
from services.settings import Settings, audit_path, config_path, load_settings

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {
    "check-claim": claim_commands.check_claim,
    "eval-claims": claim_commands.eval_claims,
    **follow_commands.COMMANDS,
}


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
        report = ingest_sources(desk, args.paths, collection=args.collection)
    _audit(settings).ingested(LOCAL.name, args.collection, report, args.action)
    if args.feed:
        from services.feed_polling import FeedFollower, feed_of

        feeds = [feed_of(u, args.collection) for u in args.feed]
        report = report.merged(FeedFollower(desk, settings, who=LOCAL.name).poll(feeds))
    drain_webhooks(desk, settings)
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
    report = ingest_on_ray(
        desk, settings, files, address or None, args.actors, collection=args.collection
    )
    urls = [p for p in paths if is_url(p)]
    return report.merged(ingest_urls(desk, urls, args.collection)) if urls else report


@command("watch")
def _watch(args: argparse.Namespace, settings: Settings) -> int:
    """Poll config.yaml's feeds as they fall due (Ctrl-C stops); exit 2 if --once failed."""
    import threading

    from services.feed_polling import FeedFollower

    if not settings.feeds:
        raise QueryError("no feeds in config.yaml: add a `feeds:` list (see README)")
    desk = open_desk(settings)
    follower = FeedFollower(desk, settings, who=LOCAL.name)
    if args.once:
        report = follower.poll(settings.feeds)
        drain_webhooks(desk, settings)
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
    if not statuses:
        print("no feeds are followed: list them under `feeds:` in config.yaml (README, "
              "Live news), or poll one with `newsdesk ingest --feed URL`")  # fmt: skip
    for s in statuses:
        state = f"failing ({s.failures}x): {s.last_error}" if s.failures else "ok"
        print(f"{s.url}  {s.name or '-'}  [{s.collection}]  last poll {s.last_poll or 'never'}"
              f"  {s.entries_seen} entries  {state}")  # fmt: skip
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
        published_after=parse_day(args.published_after, "--published-after"),
        published_before=parse_day(args.published_before, "--published-before"),
    )
    as_of = parse_day(args.as_of, "--as-of")
    query = Query(question=args.question, top_k=args.top_k, filters=filters, as_of=as_of,
                  mode=args.mode, collections=tuple(args.collections))  # fmt: skip
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
        collection=args.collection,
    )
    for failure in outcome.failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(f"eval index: {outcome.index_summary}", file=sys.stderr)
    print(outcome.markdown)
    return outcome.exit_code


@command("check")
def _check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 when consistent (or repaired), 2 when problems were found and left."""
    desk = open_desk(settings, recover=False)
    report = desk.check(repair=args.repair, collection=args.collection)
    print(report.summary())
    for kind in ("orphan_chunks", "stale_chunks", "incomplete"):
        for item in getattr(report, kind):
            print(f"{kind}: {item}", file=sys.stderr)
    return 0 if report.consistent or report.repaired else 2


@command("export")
def _export(args: argparse.Namespace, settings: Settings) -> int:
    from services.transfer import export_articles

    count = export_articles(open_desk(settings), Path(args.path), args.collection)
    print(f"exported {count} articles to {args.path} (collection {args.collection})")
    return 0


@command("import")
def _import(args: argparse.Namespace, settings: Settings) -> int:
    """An export is read like any feed: same ids, so unchanged articles stay untouched."""
    again = argparse.Namespace(paths=[args.path], feed=[], collection=args.collection,
                               action="import", ray=None)  # fmt: skip
    return _ingest(again, settings)


@command("articles")
def _articles(args: argparse.Namespace, settings: Settings) -> int:
    page = open_desk(settings).list_articles(args.offset, args.limit, args.collection)
    if args.json:
        print(page.model_dump_json(indent=2))
        return 0
    for meta in page.articles:
        fields = (
            meta.doc_id,
            meta.published_at,
            meta.source,
            meta.title or public_origin(meta.origin),
        )
        print("\t".join(f or "-" for f in fields))
    print(f"{page.total} articles in collection {args.collection}", file=sys.stderr)
    return 0


@command("delete")
def _delete(args: argparse.Namespace, settings: Settings) -> int:
    desk, audit = open_desk(settings), _audit(settings)
    for doc_id in args.ids:
        desk.delete_article(doc_id, args.collection)
        audit.deleted(LOCAL.name, args.collection, [doc_id])
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


COMMANDS.update(TEAM_COMMANDS)


def _audit(settings: Settings) -> AuditLog:
    return AuditLog(audit_path(settings))


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


def parse_day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{what}: '{value}' is not a date like 2025-02-25") from None


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__).parse_args(argv)
    try:
        settings = load_settings(args.config)
        setup_logging(settings.log_level)
        code = COMMANDS[args.command](args, settings)
        sys.stdout.flush()  # here, so a reader that went away is noticed below
        return code
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `newsdesk config | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush at exit
        return 141  # what a shell reports for a tool ended by SIGPIPE (`yes | head`)


if __name__ == "__main__":
    sys.exit(main())
