"""The ``newsdesk`` command line's arguments: every command, its options and their help."""

from __future__ import annotations

import argparse

from ingest import extensions_text
from newsdesk import claim_commands
from rag.corpus import DEFAULT

EVAL_FORMAT = """\
question sets: JSON Lines, one question per line, e.g.
  {"id": "q1", "query": "How many tons of rare earths did China extract?",
   "answers": ["270,000 tons"], "gold_doc_ids": ["c030bf5d14f6109c"],
   "question_date": "2025-02-25"}
fields:
  "query"          the question (required)
  "answer"         an accepted answer, or "answers": a list of them (one of the two,
                   unless "unanswerable" is true); a hit when it appears
                   (case-insensitively) in the answer or its quotes
  "gold_doc_ids"   ids of the articles that hold the answer (optional: without them
                   the question counts for answers, not for retrieval recall)
  "question_date"  the day it was asked, as-of for "last week" (optional)
  "unanswerable"   true when the corpus cannot answer it: "nothing found" is right
  "id"             a name for it in the JSON report (optional)
the corpus: articles in any format `newsdesk ingest` reads; a doc_id/id field in
each keeps the ids that gold_doc_ids name.
"""


def _config_option(default: str | None = None) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", default=default,
        help="config file (default: $NEWSDESK_CONFIG or ./config.yaml); before or after COMMAND",
    )  # fmt: skip
    return common


def _collection(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--collection", default=DEFAULT, metavar="NAME",
        help=f"the collection {what} (default: {DEFAULT})",
    )  # fmt: skip


def parser(description: str = "") -> argparse.ArgumentParser:
    """The argument parser of every command; ``description`` heads ``newsdesk --help``."""
    top = argparse.ArgumentParser(
        prog="newsdesk", description=description, parents=[_config_option()]
    )
    # The commands' copy has no default: an unset one must not overwrite `--config FILE
    # COMMAND` (argparse sets a subparser's defaults over what the top level parsed).
    common = _config_option(argparse.SUPPRESS)
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", parents=[common], help="ingest files, folders, pages, feeds")
    p.add_argument(
        "paths", nargs="*", help=f"{extensions_text()} files, folders of them, or http(s) URLs"
    )
    p.add_argument("--feed", action="append", default=[], help="an RSS/Atom feed URL to poll")
    p.add_argument(
        "--ray", nargs="?", const="", metavar="ADDRESS",
        help="read, clean, chunk and embed on a Ray cluster (pip install newsdesk[cluster]): "
        "ADDRESS is HOST:PORT of its head, ray://HOST:PORT, auto, or local (a new instance "
        "here); without it, the cluster `ray start` began on this machine, else a local one",
    )  # fmt: skip
    p.add_argument(
        "--actors", type=int, default=None,
        help="with --ray: encoder actors (default: one per GPU, else one per machine)",
    )  # fmt: skip
    _collection(p, "to store them in (made if new)")
    p.set_defaults(action="ingest")
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
    p.add_argument(
        "--collection", action="append", default=[], metavar="NAME", dest="collections",
        help=f"a collection to search; repeat it to search several (default: {DEFAULT})",
    )  # fmt: skip
    p = sub.add_parser(
        "eval", parents=[common], help="measure retrieval and answers",
        epilog=EVAL_FORMAT, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("questions", nargs="+", help="question sets (.jsonl: the format is below)")
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
    _collection(p, "of the eval store to index the corpus into and ask")
    p = sub.add_parser("articles", parents=[common], help="list stored articles")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    _collection(p, "to list")
    p = sub.add_parser("check", parents=[common], help="check the store's consistency")
    p.add_argument("--repair", action="store_true", help="drop stray chunks, re-index gaps")
    _collection(p, "to check")
    p = sub.add_parser("export", parents=[common], help="write every article to a .jsonl.gz")
    p.add_argument("path", help="the file to write (e.g. backup.jsonl.gz)")
    _collection(p, "to export")
    p = sub.add_parser("import", parents=[common], help="read an export back (same ids)")
    p.add_argument("path", help="a file written by `newsdesk export`")
    _collection(p, "to import into (made if new)")
    p = sub.add_parser("delete", parents=[common], help="delete articles by id")
    p.add_argument("ids", nargs="+")
    _collection(p, "they are in")
    p = sub.add_parser("collections", parents=[common], help="list the collections")
    p.add_argument("--json", action="store_true")
    _keys(sub.add_parser("keys", parents=[common], help="add, list or revoke API keys"), common)
    p = sub.add_parser("audit", parents=[common], help="print the audit log of writes")
    p.add_argument("--since", default="", help="from this day (YYYY-MM-DD) or ISO time on")
    p.add_argument("--collection", default=None, metavar="NAME", help="only this collection")
    p.add_argument("--json", action="store_true", help="the JSON lines as stored")
    sub.add_parser("mcp", parents=[common], help="serve the MCP tools over stdio")
    p = sub.add_parser("serve", parents=[common], help="serve the REST API and the chat UI")
    p.add_argument("--host", help="address to listen on (default: server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default: server.port)")
    p.add_argument(
        "--workers", type=int, default=1,
        help="serving processes on the port, each with its own desk (needs store.mode: http, "
        "a Chroma server; default 1)",
    )  # fmt: skip
    sub.add_parser("config", parents=[common], help="print the validated configuration")
    claim_commands.add_parsers(sub, common)
    _following(sub, common)
    return top


def _keys(p: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    """``newsdesk keys add|list|revoke``: the named keys of server.keys_file."""
    sub = p.add_subparsers(dest="keys_command", required=True)
    add = sub.add_parser(
        "add", parents=[common], help="make a key: printed once, only its hash is kept"
    )
    add.add_argument("name", help="who holds it (the audit log names their writes by it)")
    add.add_argument(
        "--collection", action="append", default=[], metavar="NAME", dest="collections",
        help="a collection it may use (repeat for several; the first is its default)",
    )  # fmt: skip
    add.add_argument(
        "--role", choices=["read", "write", "admin"], required=True,
        help="read: ask, list, export; write: also ingest, delete, import; admin: every "
        "collection",
    )  # fmt: skip
    sub.add_parser("list", parents=[common], help="names, roles and collections (no keys)")
    revoke = sub.add_parser("revoke", parents=[common], help="remove a key (401 from then on)")
    revoke.add_argument("name")


def _following(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               common: argparse.ArgumentParser) -> None:  # fmt: skip
    """follow, follows, speaker, feedback (newsdesk/follow_commands.py)."""
    collection = argparse.ArgumentParser(add_help=False)
    collection.add_argument("--collection", default="default", help="default: default")
    both = [common, collection]
    p = sub.add_parser("follow", parents=both, help="follow a question: record new answers")
    p.add_argument("question", help='e.g. "What did Peskov say about rare earths?"')
    p.add_argument("--webhook", help="an http(s) URL each new passage is POSTed to (JSON)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("follows", parents=both, help="list followed questions")
    p.add_argument("--remove", metavar="ID", help="stop following this one")
    p.add_argument("--passages", metavar="ID", help="print the passages found for this one")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("speaker", parents=both, help="a speaker's quotes by date, with roles")
    p.add_argument("name", help="e.g. Peskov (matches Dmitry Peskov)")
    p.add_argument("--limit", type=int, default=500, help="the newest N quotes (default 500)")
    p.add_argument("--json", action="store_true", help="print the timeline as JSON")
    p = sub.add_parser("feedback", parents=[common], help="answer feedback")
    p.add_argument("action", choices=["export"], help="export: write it as eval questions")
    p.add_argument("file", help="the .jsonl to write (the eval question format)")
