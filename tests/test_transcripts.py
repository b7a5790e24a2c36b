"""Transcripts (.srt, .vtt): turns as ``SPEAKER: words`` paragraphs, cue times as
locations, bad cues named by line; attribution of turns in transcripts only; and "What
did X say?" answered from a transcript with the time of each quote. Fast tier: the real
loaders, attribution and answerer, on the fakes of ``tests/fakes.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load_file
from ingest.runner import ingest_paths
from rag.contract import ArticleInput, IngestFailure
from rag.desk import Newsdesk
from rag.quotes import find_quotes, speaker_label, transcript_quotes

SRT = """1
00:00:01,000 --> 00:00:04,000
ANA LOPEZ: We will open the bridge
in May, after three years of work.

2
00:00:04,500 --> 00:00:07,250
<i>It has taken far too long.</i>

3
00:00:08,000 --> 00:00:10,000
>> When exactly in May?

4
00:01:10,500 --> 00:01:12,000
JOHN REED: The council votes on the money on Tuesday.
"""

VTT = """WEBVTT - Harbour council, 25 February

NOTE recorded live; names from the agenda

1
00:01.000 --> 00:04.000 align:start
<v Ana Lopez>The ferry will run every hour &amp; at night.</v>

00:04.500 --> 00:06.000
<v.loud John Reed>Thank you, <c.yellow>mayor</c>.

00:06.000 --> 00:08.000
Thank you, mayor.
Applause: none of it was planned.
"""


def load(path: Path, text: str) -> list[ArticleInput | IngestFailure]:
    path.write_text(text, encoding="utf-8")
    return list(load_file(path, 1_000_000))


def one(path: Path, text: str) -> ArticleInput:
    (item,) = load(path, text)
    assert isinstance(item, ArticleInput), item
    return item


def at(article: ArticleInput) -> dict[str, str]:
    """Each location's label -> the text from there to the end of its line (or the next)."""
    text = article.text
    return {label: text[offset:].split("\n")[0][:30] for offset, label in article.locations}


def test_an_srt_transcript_keeps_turns_and_times(tmp_path: Path) -> None:
    article = one(tmp_path / "council.srt", SRT)
    assert article.kind == "transcript" and article.title == "council"
    assert article.text == (
        "ANA LOPEZ: We will open the bridge in May, after three years of work. "
        "It has taken far too long.\n\n"
        "When exactly in May?\n\n"
        "JOHN REED: The council votes on the money on Tuesday."
    )
    assert at(article) == {
        "00:00:01.000": "ANA LOPEZ: We will open the br",
        "00:00:04.500": "It has taken far too long.",
        "00:00:08.000": "When exactly in May?",
        "00:01:10.500": "JOHN REED: The council votes o",
    }


def test_a_vtt_transcript_reads_voices_and_drops_markup(tmp_path: Path) -> None:
    article = one(tmp_path / "harbour.vtt", VTT)
    assert article.title == "Harbour council, 25 February"
    # a cue repeating the last line (rolling captions) is read once; a voiced file's
    # unvoiced cue is nobody's; "Applause:" is no speaker
    assert article.text == (
        "Ana Lopez: The ferry will run every hour & at night.\n\n"
        "John Reed: Thank you, mayor.\n\n"
        "Applause: none of it was planned."
    )
    assert list(at(article)) == ["00:00:01.000", "00:00:04.500", "00:00:06.000"]


def test_a_sidecar_gives_a_transcript_its_metadata(tmp_path: Path) -> None:
    (tmp_path / "council.meta.yaml").write_text(
        "title: Council meeting\ndate: 2025-02-25\nsource: City Hall TV\n"
        "url: https://cityhall.example/meeting\n"
    )
    article = one(tmp_path / "council.srt", SRT)
    assert (article.title, article.published_at, article.source) == (
        "Council meeting", "2025-02-25", "City Hall TV",
    )  # fmt: skip
    assert article.url == "https://cityhall.example/meeting" and article.kind == "transcript"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("x.vtt", "1\n00:01.000 --> 00:02.000\nHello.\n", "the first line must be 'WEBVTT'"),
        ("y.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\nsoon\nWorld.\n", "line 6: "),
        ("z.srt", "1\n00:00:01,000 --> 00:00:02,000\n\n", "has no words"),
        ("w.vtt", "WEBVTT\n\nNOTE nothing but notes\n", "has no words"),
    ],
)
def test_bad_transcripts_are_named(tmp_path: Path, name: str, text: str, words: str) -> None:
    (item,) = load(tmp_path / name, text)
    assert isinstance(item, IngestFailure) and item.origin == str(tmp_path / name)
    assert words in item.message


def test_bad_timing_names_its_line(tmp_path: Path) -> None:
    (item,) = load(
        tmp_path / "t.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:0x\nWorld.\n"
    )
    assert isinstance(item, IngestFailure)
    assert item.message.startswith("line 6: expected a cue timing like 00:00:01,000")


# --- attribution: transcripts only ----------------------------------------------------------

TURNS = (
    "ANA LOPEZ: We will open the bridge in May. It has taken far too long.\n\n"
    "When exactly in May?\n\n"
    "Mayor John Reed: The council votes on Tuesday.\n\n"
    "Note: the vote was delayed."
)


def test_a_transcripts_turns_are_its_speakers_quotes() -> None:
    quotes = [(q.speaker, TURNS[q.start : q.end]) for q in transcript_quotes(TURNS)]
    assert quotes == [
        ("Ana Lopez", "ANA LOPEZ: We will open the bridge in May."),
        ("Ana Lopez", "It has taken far too long."),
        ("Mayor John Reed", "Mayor John Reed: The council votes on Tuesday."),
    ]


def test_labels_in_an_ordinary_article_attribute_nothing() -> None:
    assert find_quotes(TURNS) == []
    news = "WASHINGTON: The president spoke on Monday.\nRelated: Bridge to reopen in May."
    assert find_quotes(news) == []


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("ANA LOPEZ: Yes.", "ANA LOPEZ"),
        ("Ursula von der Leyen: We agree.", "Ursula von der Leyen"),
        ("Q: And then?", None),
        ("Note: corrected.", None),
        ("and then he said: this", None),
        ("The time was 10:30 then", None),
        ("Lopez:no space", None),
    ],
)
def test_what_counts_as_a_speaker_label(line: str, name: str | None) -> None:
    found = speaker_label(line)
    assert (found[0] if found else None) == name


def test_what_did_x_say_cites_the_transcript_with_times(
    fake_desk: Newsdesk, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "council.srt").write_text(SRT, encoding="utf-8")
    # the same words in an ordinary article: its label lines are nobody's quotes
    (folder / "notes.txt").write_text(
        "Minutes of the harbour council.\nANA LOPEZ: We will open the bridge in May.\n"
    )
    report = ingest_paths(fake_desk, [folder], show_progress=False)
    assert len(report.added) == 2 and not report.failed
    answer = fake_desk.ask("What did Lopez say?")
    assert [c.location for c in answer.citations] == ["00:00:01.000", "00:00:04.500"]
    assert [c.quote for c in answer.citations] == [
        "ANA LOPEZ: We will open the bridge in May, after three years of work.",
        "It has taken far too long.",
    ]
    assert {c.title for c in answer.citations} == {"council"}
    reed = fake_desk.ask("What did John Reed say?")
    assert [(c.quote, c.location) for c in reed.citations] == [
        ("JOHN REED: The council votes on the money on Tuesday.", "00:01:10.500")
    ]
    who = fake_desk.ask("Who said the council votes on the money on Tuesday?")
    assert who.answer.startswith("John Reed: ") and who.citations[0].location == "00:01:10.500"
    assert {s.name for s in fake_desk.speakers().speakers} == {"Ana Lopez", "John Reed"}
