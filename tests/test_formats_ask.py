"""A PDF, an .eml, an .mbox and a .vtt with speakers, ingested with the CLI into a real
store (the packaged model, Chroma): "What did X say?" cites each, verbatim, with the page
or time of the quote; the store keeps kind and locations, and reads records written
before they existed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.runner import ingest_paths
from newsdesk.cli import main
from services.desk import open_desk
from services.settings import load_settings
from tests.documents import make_email, make_mbox, make_pdf

PDF_PAGES = [
    [
        "Tunnel works",
        "The region's transport office published its yearly report on the tunnel",
        "works under the fjord on Monday, after months of delays and rising costs.",
    ],
    [
        "“The tunnel will open to traffic in June,” Minister Karin Holm said. Crews",
        "have finished the second bore and the ventilation shafts, the report says.",
    ],
]
NEWSLETTER = (
    "Good morning from the harbour.\n\n"
    "“Ferry fares will fall by a tenth from April,” said Omar Haddad, the director of\n"
    "the port, on Tuesday, after the council approved the new contract with the operator.\n"
)
VTT = """WEBVTT - Regional council hearing

00:00:02.000 --> 00:00:05.000
<v Lena Berg>The wind farm will power forty thousand homes.

00:01:15.500 --> 00:01:19.000
<v Lena Berg>Construction starts in the autumn, and the turbines arrive by sea.

00:01:20.000 --> 00:01:23.000
<v Per Lund>We still oppose the site on the northern ridge.
"""


def _files(folder: Path) -> Path:
    folder.mkdir()
    (folder / "tunnel.pdf").write_bytes(
        make_pdf(PDF_PAGES, {"Title": "Tunnel report", "CreationDate": "D:20250303090000Z"})
    )
    (folder / "brief.eml").write_bytes(
        make_email("Harbour Brief", "Harbour Brief <brief@harbour.example>", NEWSLETTER,
                   message_id="brief-88@harbour.example")
    )  # fmt: skip
    digest = [
        make_email("Digest 1", "City Digest <d@city.example>",
                   "The library reopens on Saturday after the roof repairs.\n",
                   message_id="d1@city.example"),
        make_email("Digest 2", "City Digest <d@city.example>",
                   "“Every school gets a new gym by 2027,” Councillor Ines Duarte said.\n",
                   message_id="d2@city.example"),
    ]  # fmt: skip
    (folder / "digest.mbox").write_bytes(make_mbox(digest))
    (folder / "hearing.vtt").write_text(VTT, encoding="utf-8")
    return folder


@pytest.mark.slow
def test_what_did_x_say_cites_pdf_mail_and_transcript_with_page_or_time(
    write_config: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config())
    folder = _files(tmp_path / "in")
    assert main(["ingest", str(folder), "--config", config]) == 0
    assert "5 added" in capsys.readouterr().out

    def ask(question: str) -> list[dict[str, object]]:
        assert main(["ask", question, "--json", "--config", config]) == 0
        citations: list[dict[str, object]] = json.loads(capsys.readouterr().out)["citations"]
        return citations

    holm = ask("What did Holm say?")
    assert [(c["title"], c["location"]) for c in holm] == [("Tunnel report", "p. 2")]
    assert holm[0]["quote"] == (
        "“The tunnel will open to traffic in June,” Minister Karin Holm said."
    )
    haddad = ask("What did Omar Haddad say?")
    assert [(c["title"], c["source"], c["location"]) for c in haddad] == [
        ("Harbour Brief", "Harbour Brief", "")
    ]
    assert str(haddad[0]["quote"]).startswith("“Ferry fares will fall by a tenth from April,”")
    duarte = ask("What did Duarte say?")
    assert [(c["title"], c["quote"]) for c in duarte] == [
        ("Digest 2", "“Every school gets a new gym by 2027,” Councillor Ines Duarte said.")
    ]
    berg = ask("What did Lena Berg say?")
    assert [(c["quote"], c["location"]) for c in berg] == [
        ("Lena Berg: The wind farm will power forty thousand homes.", "00:00:02.000"),
        ("Construction starts in the autumn, and the turbines arrive by sea.", "00:01:15.500"),
    ]
    assert not any("Lund" in str(c["quote"]) for c in berg)

    # the terminal shows where each quote is
    assert main(["ask", "What did Lena Berg say?", "--config", config]) == 0
    assert "Regional council hearing, 00:01:15.500 (" in capsys.readouterr().out

    desk = open_desk(load_settings(Path(config), env={}))
    for c in holm + haddad + duarte + berg:  # each quote is the stored text's own words
        start, end = int(str(c["start"])), int(str(c["end"]))
        assert desk.get_article(str(c["doc_id"])).text[start:end] == c["quote"]
    by_title = {a.title: a for a in desk.iter_articles()}
    hearing, tunnel = by_title["Regional council hearing"], by_title["Tunnel report"]
    assert hearing.kind == "transcript" and tunnel.kind == "article"
    times = ["00:00:02.000", "00:01:15.500", "00:01:20.000"]
    assert [label for _, label in hearing.locations] == times
    assert [label for _, label in tunnel.locations] == ["p. 1", "p. 2"]
    kinds = {m.title: m.kind for m in desk.list_articles(0, 10).articles}
    assert kinds["Regional council hearing"] == "transcript"
    again = ingest_paths(desk, [folder], show_progress=False)
    assert len(again.unchanged) == 5 and not again.added  # kind and locations hash stably


@pytest.mark.slow
def test_records_written_before_kinds_and_locations_read_as_articles() -> None:
    from rag.search.store import _fields, _locations

    old = {"title": "Old", "content_hash": "h", "n_chunks": 1}
    assert _fields("old", old)["kind"] == "article" and _locations(old) == []
