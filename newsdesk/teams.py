"""The commands of a shared server: ``newsdesk collections``, ``newsdesk keys
add|list|revoke`` and ``newsdesk audit``. (``newsdesk.cli`` registers them.)

``keys add`` prints the new key once, alone on its own line of stdout (so a script can
take it: ``KEY=$(newsdesk keys add ...)``), and keeps only its sha256 in
``server.keys_file``; what it did goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from rag.errors import ConfigError
from services.audit import AuditLog
from services.desk import open_desk
from services.keyfile import KeyFile
from services.keys import LOCAL
from services.settings import Settings, audit_path

Command = Callable[[argparse.Namespace, Settings], int]


def collections(args: argparse.Namespace, settings: Settings) -> int:
    from services.gate import SharedDesk

    counts = SharedDesk(open_desk(settings, recover=False), settings).collections(LOCAL)
    if args.json:
        print(json.dumps([c.model_dump() for c in counts], indent=2))
        return 0
    for c in counts:
        print(f"{c.name}\t{c.articles} articles\t{c.chunks} chunks")
    return 0


def keys(args: argparse.Namespace, settings: Settings) -> int:
    path = settings.server.keys_file
    if path is None:
        raise ConfigError(
            "server.keys_file is not set: add `keys_file: keys.yaml` under `server:` in "
            "config.yaml (relative to it), then run this again"
        )
    file = KeyFile(path)
    if args.keys_command == "add":
        key = file.add(args.name, args.role, args.collections)
        where = ", ".join(args.collections) or "every collection"
        print(f"key '{args.name}' ({args.role}: {where}) added to {path}; it is shown "
              "once, below: keep it now", file=sys.stderr)  # fmt: skip
        print(key)
    elif args.keys_command == "revoke":
        file.revoke(args.name)
        print(f"key '{args.name}' revoked: it is refused (401) from now on", file=sys.stderr)
    else:
        for entry in file.entries():
            where = ",".join(entry.collections) or "-"
            every = " (every collection)" if entry.role == "admin" else ""
            print(f"{entry.name}\t{entry.role}{every}\t{where}\t{entry.created}")
    return 0


def audit(args: argparse.Namespace, settings: Settings) -> int:
    log = AuditLog(audit_path(settings))
    for entry in log.entries(args.since, args.collection):
        if args.json:
            print(entry.model_dump_json())
            continue
        ids = [*(f"+{d}" for d in entry.added), *(f"~{d}" for d in entry.updated),
               *(f"-{d}" for d in entry.deleted)]  # fmt: skip
        failed = f" ({entry.failed} failed)" if entry.failed else ""
        detail = f" {entry.detail}" if entry.detail else ""
        print(f"{entry.time}\t{entry.key}\t{entry.action}\t{entry.collection}\t"
              f"{' '.join(ids) or '-'}{failed}{detail}")  # fmt: skip
    return 0


TEAM_COMMANDS: dict[str, Command] = {"collections": collections, "keys": keys, "audit": audit}
