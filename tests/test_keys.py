"""Keys with roles, principals and the audit log, without a server: the key file (hashes
only, re-read when it changes, fail closed), who a key makes a caller in each setup, and
the append-only audit log (several processes appending at once). Fast tier: no model,
no Chroma; the CLI tests run ``newsdesk keys|audit|collections`` in process."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.cli import main as cli
from rag.contract import IngestReport
from rag.errors import AccessError, AuthError, ConfigError, NotFoundError, QueryError
from services.audit import AuditLog
from services.keyfile import KeyFile, digest
from services.keys import API_KEY, LOCAL, OPEN, READER, Keys, Principal
from services.settings import ServerSettings


@pytest.fixture
def file(tmp_path: Path) -> KeyFile:
    return KeyFile(tmp_path / "keys.yaml")


def test_the_file_keeps_only_hashes_and_finds_keys(file: KeyFile) -> None:
    key = file.add("alice", "read", ["investigations"])
    text = file.path.read_text(encoding="utf-8")
    assert key not in text and digest(key) in text
    assert oct(file.path.stat().st_mode & 0o777) == "0o600"
    found = file.find(key)
    assert found is not None and found.name == "alice" and found.collections == ("investigations",)
    assert file.find(key + "x") is None and file.find("") is None
    assert file.add("bob", "write", ["sports", "sports", "default"]) != key
    assert file.named("bob").collections == ("sports", "default")  # type: ignore[union-attr]


def test_bad_keys_are_refused_with_what_is_wrong(file: KeyFile) -> None:
    file.add("alice", "read", ["investigations"])
    with pytest.raises(QueryError, match="a key named 'alice' exists"):
        file.add("alice", "write", ["investigations"])
    with pytest.raises(QueryError, match="needs at least one --collection"):
        file.add("carol", "write", [])
    with pytest.raises(QueryError, match="is reserved"):
        file.add("local", "admin", [])
    with pytest.raises(QueryError, match="is not a key name"):
        file.add("a b", "admin", [])
    with pytest.raises(QueryError, match="is not a collection name"):
        file.add("carol", "read", ["../etc"])
    with pytest.raises(NotFoundError, match="no key named 'nobody'"):
        file.revoke("nobody")


def test_a_change_to_the_file_is_seen_at_the_next_lookup(file: KeyFile) -> None:
    key = file.add("alice", "read", ["investigations"])
    other = KeyFile(file.path)  # a running server's copy
    assert other.find(key) is not None
    file.revoke("alice")
    assert other.find(key) is None
    again = file.add("alice", "write", ["sports"])
    assert other.find(again) is not None and other.find(key) is None


def test_a_broken_file_refuses_every_key(file: KeyFile) -> None:
    key = file.add("alice", "read", ["investigations"])
    file.path.write_text("keys: [{name: alice, sha256: nothex, role: read}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key 1: bad sha256"):
        file.find(key)
    file.path.write_text("keys: {", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read"):
        file.find(key)


def test_principals_read_and_write_only_their_collections() -> None:
    reader = Principal("alice", "read", ("investigations", "archive"))
    assert reader.reading() == ("investigations",)  # its first is its default
    assert reader.reading(["archive", "investigations"]) == ("archive", "investigations")
    with pytest.raises(AccessError, match="cannot read collection 'sports'"):
        reader.reading(["investigations", "sports"])
    with pytest.raises(AccessError, match="can only read"):
        reader.writing("investigations")
    writer = Principal("bob", "write", ("sports",))
    assert writer.writing() == "sports"
    with pytest.raises(AccessError, match="cannot write collection 'investigations'"):
        writer.writing("investigations")
    admin = Principal("root", "admin", (), everywhere=True)
    assert admin.writing("anything") == "anything" and admin.reading() == ("default",)
    assert writer.visible(["default", "investigations"]) == ["sports"]
    assert admin.visible(["sports", "default"]) == ["default", "sports"]


def test_named_keys_need_a_key_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    keys = Keys(ServerSettings(keys_file=path, api_key="legacy-key"))
    reader = KeyFile(path).add("alice", "read", ["investigations"])
    assert keys.needed(write=False) and keys.named
    with pytest.raises(AuthError, match="an API key is needed"):
        keys.principal(None)
    with pytest.raises(AuthError, match="unknown or revoked"):
        keys.principal("guess")
    assert keys.principal(reader).name == "alice"
    with pytest.raises(AccessError, match="can only read"):
        keys.principal(reader, write=True)
    assert keys.principal("legacy-key", write=True) == API_KEY  # the single key: admin
    assert keys.login("alice", reader) and not keys.login("bob", reader)
    assert keys.login("api-key", "legacy-key") and not keys.login("alice", "legacy-key")
    KeyFile(path).revoke("alice")
    with pytest.raises(AuthError):
        keys.principal(reader)
    assert keys.by_name("alice") is None and keys.by_name("api-key") == API_KEY


def test_the_single_key_works_as_before() -> None:
    open_ = Keys(ServerSettings())
    assert open_.principal(None, write=True) == OPEN and not open_.needed(write=True)
    single = Keys(ServerSettings(api_key="k"))
    assert single.principal(None) == READER and single.principal("wrong") == READER
    assert single.principal("k", write=True) == API_KEY
    with pytest.raises(AuthError):
        single.principal(None, write=True)
    with pytest.raises(AccessError, match="wrong API key"):
        single.principal("wrong", write=True)
    guarded = Keys(ServerSettings(api_key="k", protect_reads=True))
    with pytest.raises(AuthError):
        guarded.principal(None)
    assert guarded.by_name("anyone") is None and not guarded.login("x", "wrong")


def _append_many(path: str, worker: int) -> None:
    log = AuditLog(Path(path))
    for i in range(200):
        log.ingested(f"w{worker}", "default", IngestReport(added=[f"doc-{worker}-{i}" * 20]))


def test_audit_lines_of_several_processes_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(path), w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 800
    assert all(json.loads(line)["action"] == "ingest" for line in lines)  # each line whole
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_audit_entries_filter_by_time_and_collection(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.ingested("alice", "sports", IngestReport(added=["a"], updated=["b"]))
    log.ingested("alice", "sports", IngestReport(unchanged=["a"]))  # nothing written: no line
    log.deleted("bob", "investigations", ["c"])
    with (tmp_path / "audit.jsonl").open("a", encoding="utf-8") as out:
        out.write("not json\n")
    entries = list(log.entries())
    assert [(e.key, e.action, e.collection) for e in entries] == [
        ("alice", "ingest", "sports"), ("bob", "delete", "investigations")]  # fmt: skip
    assert entries[0].added == ["a"] and entries[0].updated == ["b"] and entries[1].deleted == ["c"]
    assert [e.key for e in log.entries(collection="investigations")] == ["bob"]
    assert list(log.entries(since="2999-01-01")) == []
    assert list(log.entries(since=entries[0].time[:10])) == entries


def test_keys_commands_print_the_key_once_and_keep_its_hash(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config("server:\n  keys_file: team-keys.yaml\n")
    base = ["--config", str(config)]
    argv = ["keys", "add", "alice", "--collection", "investigations", "--role", "read"]
    assert cli([*argv, *base]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert out == key + "\n" and len(key) >= 40 and "shown once" in err
    stored = (config.parent / "team-keys.yaml").read_text(encoding="utf-8")
    assert key not in stored and digest(key) in stored
    assert cli(["keys", "list", *base]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("alice\tread\tinvestigations\t") and key not in listed
    assert cli(["keys", "revoke", "alice", *base]) == 0
    assert cli(["keys", "revoke", "alice", *base]) == 1
    assert "no key named 'alice'" in capsys.readouterr().err


def test_keys_commands_need_a_keys_file(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["keys", "list", "--config", str(write_config())]) == 1
    assert "server.keys_file is not set" in capsys.readouterr().err


def test_the_audit_command_prints_the_log(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config("server:\n  audit_log: writes.jsonl\n")
    log = AuditLog(config.parent / "writes.jsonl")
    log.ingested(LOCAL.name, "sports", IngestReport(added=["a1"]), "import")
    log.deleted("bob", "investigations", ["b2"])
    assert cli(["audit", "--collection", "sports", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[1:] == ["local", "import", "sports", "+a1"]
    assert cli(["audit", "--json", "--config", str(config)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["deleted"] for r in rows] == [[], ["b2"]]
    assert os.environ.get("NEWSDESK_API_KEY") is None  # no key leaks into these runs
