"""Followed questions on the fakes (a hashing embedder, an in-memory store: the answering
is the real extractive answerer): every ingest is checked, an article that answers is
recorded once, one that does not is not; collections stay apart; the Atom feed parses
(feedparser) with hostile text escaped; webhooks reach a real receiver on 127.0.0.1, are
retried after a 500, and never go to an address the SSRF guard refuses."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from ingest.runner import ingest_paths
from ingest.web import BlockedAddress
from rag.contract import ArticleInput, Citation, Follow, FollowedPassage
from rag.desk import Newsdesk, build
from rag.errors import NotFoundError, QueryError
from services.atom import follow_feed
from services.follows import Following, following_of
from services.settings import Settings
from services.webhooks import Webhooks, check_webhook
from tests.conftest import SAMPLE_DIR, SEED, SEED_ID
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder
from tests.web_server import local_site

PESKOV = "What did Peskov say about rare earths?"
TONS = "How many tons of rare earths did China extract?"
LIGHTHOUSE = ArticleInput(
    text="The old lighthouse at Lindesnes was relit on Tuesday after a year of repairs, "
    "the coastal administration said. Its lamp can be seen 19 nautical miles out to sea.",
    title="Lighthouse relit", source="Coast Times", published_at="2025-03-04",
    url="https://coast.example/lighthouse", doc_id="lighthouse",
)  # fmt: skip


def _settings(settings: Settings, **follows: object) -> Settings:
    """Webhooks may reach this test's receiver on 127.0.0.1, and retry at once."""
    ingest = settings.ingest.model_copy(update={"allow_hosts": ["127.0.0.1"]})
    section = settings.follows.model_copy(update={"webhook_backoff_s": 0.05, **follows})
    return settings.model_copy(update={"ingest": ingest, "follows": section})


def test_an_article_that_answers_is_recorded_once_and_one_that_does_not_never(
    fake_desk: Newsdesk, settings: Settings
) -> None:
    following = following_of(fake_desk, settings)
    assert following_of(fake_desk, settings) is following  # one registry per desk
    peskov = following.add(PESKOV)
    nothing = following.add("Who won the 2013 Wimbledon men's singles final?")

    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    found = following.passages(peskov.id)
    quotes = [p.citation.quote for p in found]
    assert quotes and all("Peskov" in q or "Americans need rare earth" in q for q in quotes)
    assert all(p.citation.doc_id == SEED_ID and p.question == PESKOV for p in found)
    assert following.passages(nothing.id) == []  # nothing found records nothing

    fake_desk.ingest([LIGHTHOUSE])  # a new article that does not answer
    assert len(following.passages(peskov.id)) == len(found)
    changed = SEED.read_text(encoding="utf-8") + "\n\nThe weather in Moscow was mild."
    report = fake_desk.ingest([ArticleInput(text=changed, doc_id=SEED_ID, title="Rare earths")])
    assert report.updated == [SEED_ID]
    assert len(following.passages(peskov.id)) == len(found)  # the same words: not new
    listed = {f.id: f for f in following.follows()}
    assert listed[peskov.id].passages == len(found) and listed[peskov.id].last_found
    assert listed[nothing.id].passages == 0


def test_a_follow_sees_its_own_collection_only(settings: Settings) -> None:
    fake_desk = build(settings, HashingEmbedder(), stores=lambda _name: DictStore(),
                      tagger=GazetteerTagger())  # fmt: skip
    following = following_of(fake_desk, settings)
    wire = following.add(TONS, collection="wire")
    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)  # into "default"
    assert following.passages(wire.id, "wire") == []
    with pytest.raises(NotFoundError, match="in collection 'default'"):
        following.passages(wire.id)  # found only in its own collection
    fake_desk.ingest([ArticleInput(text=SEED.read_text(encoding="utf-8"), doc_id="w1")], None,
                     "wire")  # fmt: skip
    (passage,) = following.passages(wire.id, "wire")
    assert "270,000 tons" in passage.citation.quote and passage.citation.collection == "wire"
    assert [f.id for f in following.follows("wire")] == [wire.id]
    assert following.remove(wire.id, "wire").id == wire.id and following.follows("wire") == []


def test_bad_follows_are_refused_with_what_is_wrong(
    fake_desk: Newsdesk, settings: Settings
) -> None:
    following = following_of(fake_desk, settings)
    with pytest.raises(QueryError, match="the question is empty"):
        following.add("   ")
    with pytest.raises(QueryError, match="is not a collection name"):
        following.add(PESKOV, collection="Bad Name")
    with pytest.raises(QueryError, match="http"):
        following.add(PESKOV, webhook="ftp://example.com/hook")
    with pytest.raises(BlockedAddress, match="loopback"):
        following.add(PESKOV, webhook="http://127.0.0.1:9/hook")  # not in allow_hosts
    assert following.follows() == []


def test_another_process_sees_the_same_follows(fake_desk: Newsdesk, settings: Settings) -> None:
    mine = following_of(fake_desk, settings)
    theirs = Following(fake_desk, settings)  # as `newsdesk follow` beside `serve` would
    made = theirs.add(TONS)
    assert [f.id for f in mine.follows()] == [made.id]
    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)  # checked by `mine`
    assert len(theirs.passages(made.id)) == 1


def _passage(title: str, quote: str, link: str) -> FollowedPassage:
    citation = Citation(
        n=1, doc_id="d1", chunk_id="c1", title=title, source="Wire <b>&</b>", url=link,
        published_at="2025-02-25", authors=("Kari <Nord>",), quote=quote, start=0,
        end=len(quote), score=1.0, support=1.0, link=link,
    )  # fmt: skip
    return FollowedPassage(id="p1", follow_id="f1", question=PESKOV,
                           found_at="2025-02-26T08:00:00+00:00", citation=citation)  # fmt: skip


def test_the_atom_feed_parses_with_every_text_escaped() -> None:
    follow = Follow(id="f1", question="Peskov & <rare> earths?", created="2025-02-20T00:00:00Z")
    quote = "“We have\x01 a lot & more,” <i>he</i> said."
    evil = _passage("<script>alert(1)</script> Title", quote,
                    "https://news.example/a?x=1&y=2#:~:text=We%20have")  # fmt: skip
    bare = _passage("No link", "Plain words.", "javascript:alert(1)")
    body = follow_feed(follow, [evil, bare.model_copy(update={"id": "p2"})], "http://127.0.0.1/f")
    assert b"<script>" not in body and b"\x01" not in body
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Newsdesk: Peskov & <rare> earths?"
    first, second = parsed.entries
    assert first.title == "<script>alert(1)</script> Title (Wire <b>&</b>)"
    assert first.summary == "“We have a lot & more,” <i>he</i> said."
    assert first.link == "https://news.example/a?x=1&y=2#:~:text=We%20have"
    assert first.published.startswith("2025-02-25") and first.author == "Kari <Nord>"
    assert first.source.title == "Wire <b>&</b>" and first.id == "urn:newsdesk:follow:f1:p1"
    assert second.get("links", []) == [] and b"javascript:" not in body  # http(s) links only


def test_a_webhook_is_retried_after_a_500_and_delivered(
    fake_desk: Newsdesk, settings: Settings
) -> None:
    settings = _settings(settings)
    with local_site() as site:
        site.post_statuses["/hook"] = [500]
        following = following_of(fake_desk, settings)
        follow = following.add(TONS, webhook=site.base + "/hook")
        ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
        assert following.drain(30)
    (passage,) = following.passages(follow.id)
    first, second = site.posts  # the 500, then the retry
    assert first[2] == second[2] and first[1]["Content-Type"] == "application/json"
    import json

    payload = json.loads(second[2])
    assert payload["follow"] == {"id": follow.id, "question": TONS, "collection": "default"}
    assert payload["passage"]["id"] == passage.id
    assert "270,000 tons" in payload["passage"]["citation"]["quote"]
    assert following.get(follow.id).webhook_error == ""


def test_a_refused_webhook_is_not_retried_and_says_why(settings: Settings) -> None:
    settings = _settings(settings)
    outcomes: list[tuple[str, str]] = []
    with local_site() as site:
        site.post_statuses["/gone"] = [404]
        hooks = Webhooks(settings.ingest, settings.follows, lambda k, e: outcomes.append((k, e)))
        hooks.send(site.base + "/gone", {"x": 1}, "f1")
        assert hooks.drain(30)
        assert len(site.posts) == 1  # a 4xx is the receiver's answer: not retried
    assert outcomes == [("f1", "HTTP 404 (after 1 tries)")]


def test_a_webhook_never_reaches_an_address_the_guard_refuses(settings: Settings) -> None:
    """A name that resolved to a public address when the follow was made, and to a
    metadata address now (DNS rebinding), is refused at delivery, without a retry."""
    answers = iter([["93.184.216.34"], ["169.254.169.254"]])

    def resolver(host: str, port: int) -> list[str]:
        return next(answers)

    url = check_webhook("http://hooks.example/in", settings.ingest, resolver)
    outcomes: list[tuple[str, str]] = []
    hooks = Webhooks(settings.ingest, settings.follows, lambda k, e: outcomes.append((k, e)),
                     resolver)  # fmt: skip
    hooks.send(url, {"x": 1}, "f1")
    assert hooks.drain(30)
    ((key, error),) = outcomes
    assert key == "f1" and "link-local" in error and "after 1 tries" in error


def test_the_registry_survives_a_restart(fake_desk: Newsdesk, settings: Settings) -> None:
    made = following_of(fake_desk, settings).add(TONS, webhook="")
    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    again = Following(fake_desk, settings)
    assert [f.question for f in again.follows()] == [TONS]
    assert again.get(made.id).passages == 1
    assert (Path(settings.store.cache_path) / "follows" / f"{made.id}.jsonl").is_file()
