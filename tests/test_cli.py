"""The command line: exit codes, --json contract, --config and errors naming the problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from newsdesk.cli import main
from rag.search import Store
from tests.conftest import SAMPLE_DIR, SEED_ID

CONTRACT = {"question", "answer", "citations", "mode", "timings_ms", "found", "statements",
            "verification", "notice", "window", "id"}  # fmt: skip
CITATION = {"n", "doc_id", "collection", "chunk_id", "title", "source", "url", "published_at",
            "updated_at", "also_in", "authors", "quote", "start", "end", "score", "support",
            "location", "link"}  # fmt: skip


@pytest.mark.slow
def test_ingest_ask_json_list_delete(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config())
    assert main(["ingest", str(SAMPLE_DIR), "--config", config]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["ask", "What did Peskov say?", "--json", "--config", config]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == CONTRACT and data["citations"]
    assert all(set(c) == CITATION for c in data["citations"])
    text = (SAMPLE_DIR / "000_c030bf5d14f6109c.txt").read_text(encoding="utf-8")
    assert all(text[c["start"] : c["end"]] == c["quote"] for c in data["citations"])
    assert main(["ask", "What did Peskov say?", "--format", "markdown", "--config", config]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("## What did Peskov say?") and "[^1]: “" in markdown
    assert main(["articles", "--config", config]) == 0
    assert SEED_ID in capsys.readouterr().out
    assert main(["delete", SEED_ID, "--config", config]) == 0
    assert main(["delete", SEED_ID, "--config", config]) == 1
    assert "no article with id" in capsys.readouterr().err


@pytest.mark.slow
def test_relative_store_path_resolves_next_to_the_config(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = write_config(folder="one")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSDESK_CONFIG", str(config))
    assert main(["ingest", str(SAMPLE_DIR)]) == 0
    assert (config.parent / ".newsdesk" / "store").is_dir()
    assert not (tmp_path / ".newsdesk").exists()


@pytest.mark.slow
def test_partial_failure_exits_2(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.jsonl").write_text('{"title": "no body here"}\n')
    code = main(
        ["ingest", str(SAMPLE_DIR), str(tmp_path / "bad.jsonl"), "--config", str(write_config())]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert "bad.jsonl:1" in captured.err and "1 added" in captured.out


def test_bad_config_key_is_named(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config("retrieval:\n  top_kk: 3\n", folder="bad")
    assert main(["ask", "anything", "--config", str(config)]) == 1
    assert "top_kk" in capsys.readouterr().err


@pytest.mark.slow
def test_empty_question_is_an_error(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "   ", "--config", str(write_config())]) == 1
    assert "question is empty" in capsys.readouterr().err


@pytest.mark.slow
def test_export_and_import_round_trip_through_the_cli(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config())
    assert main(["ingest", str(SAMPLE_DIR), "--config", config]) == 0
    backup = tmp_path / "backup.jsonl.gz"
    assert main(["export", str(backup), "--config", config]) == 0
    assert f"exported 1 articles to {backup}" in capsys.readouterr().out
    assert main(["delete", SEED_ID, "--config", config]) == 0
    assert main(["import", str(backup), "--config", config]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["articles", "--json", "--config", config]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["doc_id"] for a in listed["articles"]] == [SEED_ID]


@pytest.mark.slow
def test_check_finds_and_repairs_a_store_broken_like_a_crash_would(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from rag.desk import open_store
    from rag.embedding import ModelRecord
    from services.settings import load_settings

    config = write_config()
    assert main(["ingest", str(SAMPLE_DIR), "--config", str(config)]) == 0
    assert main(["check", "--config", str(config)]) == 0
    assert "consistent" in capsys.readouterr().out
    settings = load_settings(config, env={})
    store = open_store(settings.store, ModelRecord("all-MiniLM-L6-v2/torch", 384))
    store.delete_chunks([_a_chunk_of(store)])  # as a crash between two writes might
    assert main(["check", "--config", str(config)]) == 2
    assert "1 articles missing chunks" in capsys.readouterr().out
    assert main(["check", "--repair", "--config", str(config)]) == 0
    assert main(["check", "--config", str(config)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "consistent"


def _a_chunk_of(store: Store) -> str:
    ids = next(iter(store.iter_chunk_ids()))
    return ids[-1]


@pytest.mark.parametrize("before", [True, False])
def test_a_missing_config_file_is_an_error_wherever_the_option_stands(
    before: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nonexistent.yaml"
    option = ["--config", str(missing)]
    argv = [*option, "articles"] if before else ["articles", *option]
    assert main(argv) == 1
    assert f"config file not found: {missing}" in capsys.readouterr().err


def test_config_before_the_command_is_the_one_used(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config("log_level: WARNING\n", folder="other")
    assert main(["--config", str(config), "config"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["log_level"] == "WARNING"
    assert shown["store"]["path"] == str(config.parent / ".newsdesk" / "store")


@pytest.mark.slow  # opens the store
def test_feeds_says_when_none_is_followed(
    write_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["feeds", "--config", str(write_config())]) == 0
    assert "no feeds are followed" in capsys.readouterr().out


def test_a_closed_pipe_ends_quietly(write_config: Callable[..., Path]) -> None:
    """`newsdesk config | head`: the reader goes away before the output is written."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "newsdesk", "config", "--config", str(write_config())]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as run:
        assert run.stdout is not None and run.stderr is not None
        run.stdout.close()  # like `head` that has read its lines
        err = run.stderr.read().decode()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_eval_help_documents_the_question_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["eval", "--help"])
    shown = capsys.readouterr().out
    for field in ('"query"', '"answers"', '"gold_doc_ids"', '"question_date"', '"unanswerable"'):
        assert field in shown


@pytest.mark.slow
def test_a_plain_text_file_is_listed_by_its_title_and_date(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the CLI a .txt had its absolute path as title and no date."""
    story = tmp_path / "news" / "harbor-bridge.txt"
    story.parent.mkdir()
    story.write_text(
        "Harbor bridge reopens after repairs\n25 February 2025\n\n"
        "The harbor bridge reopened on Tuesday after six weeks of repairs.\n",
        encoding="utf-8",
    )
    config = str(write_config())
    assert main(["ingest", str(story), "--config", config]) == 0
    assert main(["articles", "--config", config]) == 0
    listed = capsys.readouterr().out
    assert "2025-02-25" in listed and "Harbor bridge reopens after repairs" in listed
    assert str(story.parent) not in listed


@pytest.mark.slow
def test_collections_on_the_command_line_are_kept_apart_and_audited(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--collection on ingest, ask, check-claim, articles, export, import, delete; `newsdesk
    collections` counts them; the audit log names the command line as `local`."""
    config = str(write_config())
    base = ["--config", config]
    assert main(["ingest", str(SAMPLE_DIR), "--collection", "kremlin", *base]) == 0
    capsys.readouterr()
    assert main(["ask", "What did Peskov say?", "--json", *base]) == 0
    assert json.loads(capsys.readouterr().out)["citations"] == []  # the default is empty
    argv = ["ask", "What did Peskov say?", "--json", "--collection", "default"]
    assert main([*argv, "--collection", "kremlin", *base]) == 0
    cited = json.loads(capsys.readouterr().out)["citations"]
    assert cited and {c["collection"] for c in cited} == {"kremlin"}
    quote = ["check-claim", "--quote", "The Americans need rare earth metals.", "--json"]
    assert main([*quote, *base]) == 0
    assert json.loads(capsys.readouterr().out)["quote_check"] == "not_found"  # default: empty
    assert main([*quote, "--collection", "kremlin", *base]) == 0
    check = json.loads(capsys.readouterr().out)
    assert check["quote_check"] == "exact"
    assert {e["citation"]["collection"] for e in check["evidence"]} == {"kremlin"}
    assert main([*quote, "--collection", "nowhere", *base]) == 1
    assert "no collection 'nowhere'" in capsys.readouterr().err
    assert main(["collections", "--json", *base]) == 0
    counts = {c["name"]: c["articles"] for c in json.loads(capsys.readouterr().out)}
    assert counts == {"default": 0, "kremlin": 1}
    backup = tmp_path / "kremlin.jsonl.gz"
    assert main(["export", str(backup), "--collection", "kremlin", *base]) == 0
    assert main(["import", str(backup), "--collection", "copy", *base]) == 0
    assert main(["delete", SEED_ID, "--collection", "kremlin", *base]) == 0
    assert main(["articles", "--json", "--collection", "copy", *base]) == 0
    capsys.readouterr()
    assert main(["articles", "--json", "--collection", "kremlin", *base]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0
    assert main(["audit", "--json", *base]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["key"], r["action"], r["collection"]) for r in rows] == [
        ("local", "ingest", "kremlin"), ("local", "import", "copy"),
        ("local", "delete", "kremlin")]  # fmt: skip
    assert rows[1]["added"] == [SEED_ID] and rows[2]["deleted"] == [SEED_ID]
