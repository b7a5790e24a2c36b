"""The commands about following the news: ``follow`` and ``follows`` (followed questions),
``speaker`` (a speaker over time) and ``feedback export`` (feedback as eval questions).
``newsdesk.cli`` dispatches to them; errors become exit codes there."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from rag.contract import Follow, SpeakerTimeline
from rag.desk import Newsdesk
from services.desk import open_desk
from services.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def drain_webhooks(desk: Newsdesk, settings: Settings) -> None:
    """Before a command that ingested exits: send the webhooks its new passages queued."""
    from services.follows import following_of

    following_of(desk, settings).drain()


def follow(args: argparse.Namespace, settings: Settings) -> int:
    from services.follows import following_of

    made = following_of(open_desk(settings), settings).add(
        args.question, args.collection, args.webhook or ""
    )
    if args.json:
        print(made.model_dump_json(indent=2))
        return 0
    print(f"following {made.id}: {made.question} (collection {made.collection})")
    print(f"  Atom feed: {made.feed} on `newsdesk serve`" + (
        f"; webhook: {made.webhook}" if made.webhook else ""))  # fmt: skip
    return 0


def follows(args: argparse.Namespace, settings: Settings) -> int:
    from services.follows import following_of

    following = following_of(open_desk(settings), settings)
    if args.remove:
        gone = following.remove(args.remove, args.collection)
        print(f"stopped following {gone.id}: {gone.question}")
        return 0
    if args.passages:
        for p in following.passages(args.passages, args.collection):
            c = p.citation
            where = ", ".join(x for x in (c.source, c.dates(), c.title) if x)
            print(f"{p.found_at}  {where} ({c.doc_id} {c.start}-{c.end})")
            print(f"    {' '.join(c.quote.split())}")
        return 0
    listed = following.follows(args.collection)
    if args.json:
        print(json.dumps([f.model_dump(mode="json") for f in listed], indent=2))
    elif not listed:
        print(f'no followed questions in collection {args.collection}: newsdesk follow "..."')
    for f in listed:
        print(_follow_line(f))
    return 0


def _follow_line(f: Follow) -> str:
    found = f"{f.passages} passages" + (f", last {f.last_found}" if f.last_found else "")
    hook = f"  webhook {f.webhook}" + (f" (failing: {f.webhook_error})" if f.webhook_error
                                       else "") if f.webhook else ""  # fmt: skip
    return f"{f.id}  {found}{hook}\n    {f.question}"


def speaker(args: argparse.Namespace, settings: Settings) -> int:
    timeline = open_desk(settings).speaker_timeline(args.name, args.limit, args.collection)
    if args.json:
        print(timeline.model_dump_json(indent=2))
        return 0
    print(render_timeline(timeline))
    return 0


def render_timeline(t: SpeakerTimeline) -> str:
    """A speaker's quotes for a terminal: date, publisher, speaker and roles, the quote."""
    if not t.total:
        return f"no quotes attributed to {t.name} ({t.articles_read} articles read)"
    shown = f" (the newest {len(t.quotes)})" if len(t.quotes) < t.total else ""
    lines = [f"{', '.join(t.speakers)}: {t.total} quotes{shown}", ""]
    for q in t.quotes:
        roles = f" ({'; '.join(q.roles)})" if q.roles else ""
        lines.append(f"{q.published_at or 'undated'}  {q.source or '-'}  {q.speaker}{roles}"
                     f"  [{q.title}] ({q.doc_id} {q.start}-{q.end})")  # fmt: skip
        lines.append(f"    {' '.join(q.quote.split())}")
        lines += [f"    {q.link}"] if q.link else []
    lines += ["", "quotes per week:"]
    lines += [f"  {w.week}  {w.source or '-'}  {w.quotes}" for w in t.weeks]
    return "\n".join(lines)


def feedback(args: argparse.Namespace, settings: Settings) -> int:
    from services.feedback import FeedbackLog, export_questions

    records = FeedbackLog(settings.store.cache_path).records()
    done = export_questions(records, Path(args.file))
    print(f"wrote {done.questions} evaluation questions to {args.file}")
    if done.skipped:
        print(f"{done.skipped} votes not exported: they say what is wrong, not what is right",
              file=sys.stderr)  # fmt: skip
    return 0


COMMANDS: dict[str, Command] = {
    "follow": follow,
    "follows": follows,
    "speaker": speaker,
    "feedback": feedback,
}
