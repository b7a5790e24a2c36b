"""Pages by URL and RSS/Atom feeds, from a real HTTP server on 127.0.0.1 (allow-listed),
and the SSRF guard. No test sends a packet outside 127.0.0.0/8: refused addresses are
refused before any connection (by the address check; names resolve through a stub)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.runner import ingest_urls
from ingest.web import BlockedAddress, check_host, internal_reason
from rag.desk import Newsdesk, build
from services.feed_polling import FeedFollower
from services.settings import FeedSettings, Settings, load_settings
from tests.fakes import DictStore, GazetteerTagger, HashingEmbedder
from tests.web_server import Site, local_site

STORY = """<!doctype html><html lang="en"><head>
<title>Harbour reopens | Coast Times</title>
<link rel="canonical" href="{base}/news/harbour-reopens">
<meta property="og:site_name" content="Coast Times">
<meta name="author" content="Ola Strand">
<meta property="article:published_time" content="2025-03-04T09:00:00Z">
</head><body><nav>Home | World | Sport</nav><article><h1>Harbour reopens after the storm</h1>
<p>The harbour of Bergen reopened on Monday after three weeks of repairs, the port
authority said. Ferries to the islands resumed their full timetable at noon.</p>
<p>"The quay is stronger than before," harbour master Kari Lund told reporters. The
repairs cost 40 million kroner, paid by the city and the state.</p>
<p>Fishing boats had moved to Askøy during the works and began returning on Tuesday.</p>
</article><footer>Subscribe to Coast Times</footer></body></html>"""


@pytest.fixture
def site() -> Iterator[Site]:
    with local_site() as served:
        yield served


@pytest.fixture
def web_desk(write_config: Callable[..., Path]) -> Newsdesk:
    extra = "ingest:\n  allow_hosts: ['127.0.0.1']\n  fetch_timeout_s: 2\n"
    return build(
        load_settings(write_config(extra), env={}),
        HashingEmbedder(),
        DictStore(),
        tagger=GazetteerTagger(),
    )


# --- the guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::5", "private"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("ff02::1", "multicast"),
    ],
)
def test_internal_addresses_are_named(address: str, reason: str) -> None:
    assert internal_reason(address) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.69", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert internal_reason(address) is None


def test_a_name_resolving_to_an_internal_address_is_refused() -> None:
    def stub(host: str, port: int) -> list[str]:  # no DNS packet leaves the test
        return {"news.example": ["93.184.216.34"], "sneaky.example": ["93.184.216.34", "10.0.0.7"]}[
            host
        ]

    check_host("news.example", 443, [], stub)
    with pytest.raises(BlockedAddress, match=r"sneaky\.example \(10\.0\.0\.7\).*private"):
        check_host("sneaky.example", 443, [], stub)
    check_host("sneaky.example", 443, ["SNEAKY.example."], stub)  # allow-listed


# --- pages ---------------------------------------------------------------------------------


def test_a_page_by_url_is_stored_with_its_metadata(web_desk: Newsdesk, site: Site) -> None:
    url = site.page("/news/harbour-reopens", STORY.format(base=site.base))
    report = ingest_urls(web_desk, [url + "?utm_source=newsletter&utm_medium=email"])
    assert not report.failed, report.failed
    (doc_id,) = report.added
    article = web_desk.get_article(doc_id)
    assert article.url == site.base + "/news/harbour-reopens"
    assert article.source == "Coast Times" and article.authors == ("Ola Strand",)
    assert article.published_at == "2025-03-04"
    assert "Harbour reopens" in article.title
    assert "The quay is stronger than before" in article.text
    assert "Subscribe" not in article.text and "Home | World" not in article.text
    again = ingest_urls(web_desk, [url])  # the same story by its plain link: one article
    assert again.unchanged == [doc_id] and web_desk.list_articles().total == 1
    agent = site.requests[0][1].get("User-Agent", "")
    assert agent.startswith("Newsdesk/")


def test_a_redirect_to_a_refused_address_is_blocked(web_desk: Newsdesk, site: Site) -> None:
    inside = site.redirect("/go", "http://127.0.0.2:9/admin")  # loopback, not allow-listed
    metadata = site.redirect("/meta", "http://169.254.169.254/latest/meta-data/")
    report = ingest_urls(web_desk, [inside, metadata])
    messages = {f.origin: f.message for f in report.failed}
    assert "127.0.0.2" in messages[inside] and "loopback" in messages[inside]
    assert "169.254.169.254" in messages[metadata] and "link-local" in messages[metadata]
    assert not report.added


def test_each_failing_url_is_named_and_the_batch_goes_on(
    write_config: Callable[..., Path], site: Site
) -> None:
    extra = "ingest:\n  allow_hosts: ['127.0.0.1']\n  fetch_timeout_s: 0.5\n  max_file_mb: 0.01\n"
    desk = build(
        load_settings(write_config(extra), env={}),
        HashingEmbedder(),
        DictStore(),
        tagger=GazetteerTagger(),
    )
    good = site.page("/good", STORY.format(base=site.base))
    pdf = site.page("/file.pdf", "%PDF-1.4", content_type="application/pdf")
    big = site.page("/big", "<p>" + "word " * 5000 + "</p>")
    slow = site.page("/slow", STORY.format(base=site.base))
    site.delay_s["/slow"] = 1.5
    loops = site.redirect("/loop", "/loop")
    urls = [site.base + "/missing", pdf, big, slow, loops, "ftp://example.com/x", good]
    report = ingest_urls(desk, urls)
    messages = {f.origin: f.message for f in report.failed}
    assert "HTTP 404" in messages[site.base + "/missing"]
    assert "not an HTML page (content type application/pdf)" in messages[pdf]
    assert "over the limit of 10,485 bytes" in messages[big]
    assert "timed out" in messages[slow]
    assert "more than 5 redirects" in messages[loops]
    assert "only http and https" in messages["ftp://example.com/x"]
    assert len(report.added) == 1


def test_loopback_is_refused_when_not_allow_listed(
    write_config: Callable[..., Path], site: Site
) -> None:
    desk = build(
        load_settings(write_config(), env={}),
        HashingEmbedder(),
        DictStore(),
        tagger=GazetteerTagger(),
    )
    url = site.page("/news", STORY.format(base=site.base))
    report = ingest_urls(desk, [url])
    assert "loopback" in report.failed[0].message and not site.requests  # never connected


# --- feeds ---------------------------------------------------------------------------------

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Coast Times</title>
<link>{base}/</link><description>News</description>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>{base}/news/{slug}</link><guid>{slug}</guid>
<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>{extra}
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[{body}]]></content:encoded></item>"""


def _rss(site: Site, items: list[tuple[str, str, str, str]]) -> str:
    body = "".join(
        ITEM.format(base=site.base, slug=s, title=t, body=b, extra=e) for s, t, b, e in items
    )
    return RSS.format(base=site.base, items=body)


def _follower(desk: Newsdesk, settings: Settings) -> FeedFollower:
    return FeedFollower(desk, settings)


def test_a_feed_polled_twice_stores_one_update_and_no_duplicates(
    web_desk: Newsdesk, site: Site
) -> None:
    first = [
        ("ferry", "Ferry resumes", "<p>The island ferry resumed on Monday.</p>", ""),
        ("bridge", "Bridge closes", "<p>The old bridge closed for repairs on Tuesday.</p>", ""),
    ]
    site.page("/feed.xml", _rss(site, first), content_type="application/rss+xml", ETag='"v1"')
    settings = web_desk.settings
    assert isinstance(settings, Settings)
    follower = _follower(web_desk, settings)
    feed = FeedSettings(url=site.base + "/feed.xml", name="Coast Times")
    one = follower.poll([feed])
    assert len(one.added) == 2 and not one.failed
    unchanged = follower.poll([feed])  # same ETag: a 304, nothing read
    assert not (unchanged.added or unchanged.updated)
    assert site.requests[-1][1].get("If-None-Match") == '"v1"'
    reopens = "<p>The old bridge closed for repairs on Tuesday. It reopens in May.</p>"
    revised = [first[0], ("bridge", "Bridge closes", reopens, "<updated>2025-03-05</updated>")]
    site.page("/feed.xml", _rss(site, revised), content_type="application/rss+xml", ETag='"v2"')
    two = follower.poll([feed])
    assert len(two.updated) == 1 and not two.added
    assert web_desk.list_articles().total == 2
    (bridge,) = [a for a in web_desk.iter_articles() if a.title == "Bridge closes"]
    assert "reopens in May" in bridge.text and bridge.source == "Coast Times"
    assert bridge.published_at == "2025-03-04" and bridge.updated_at == "2025-03-05"
    status = {s.url: s for s in follower.statuses()}[feed.url]
    assert status.entries_seen == 2 and not status.last_error


def test_a_failing_feed_is_reported_and_the_other_is_read(web_desk: Newsdesk, site: Site) -> None:
    items = [("quay", "Quay rebuilt", "<p>The quay was rebuilt in May.</p>", "")]
    site.page("/good.xml", _rss(site, items), content_type="application/rss+xml")
    site.page("/broken.xml", "oops", status=500)
    site.page("/not-a-feed.xml", "<html><body>hello</body></html>", content_type="text/html")
    settings = web_desk.settings
    assert isinstance(settings, Settings)
    follower = _follower(web_desk, settings)
    feeds = [
        FeedSettings(url=site.base + p) for p in ("/broken.xml", "/not-a-feed.xml", "/good.xml")
    ]
    report = follower.poll(feeds)
    assert len(report.added) == 1
    status = {s.url: s for s in follower.statuses()}
    assert "HTTP 500" in status[site.base + "/broken.xml"].last_error
    assert "not an RSS or Atom feed" in status[site.base + "/not-a-feed.xml"].last_error
    assert (
        status[site.base + "/broken.xml"].failures == 1
        and status[site.base + "/broken.xml"].next_poll
    )
    assert status[site.base + "/good.xml"].failures == 0


def test_an_entry_without_content_is_fetched_from_its_link(web_desk: Newsdesk, site: Site) -> None:
    site.page("/news/harbour-reopens", STORY.format(base=site.base))
    feed = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coast</title>
<entry><title>Harbour reopens</title><id>urn:h1</id><link href="{site.base}/news/harbour-reopens"/>
<updated>2025-03-04T10:00:00Z</updated><summary>Short.</summary></entry></feed>"""
    site.page("/atom.xml", feed, content_type="application/atom+xml")
    settings = web_desk.settings
    assert isinstance(settings, Settings)
    report = _follower(web_desk, settings).poll([FeedSettings(url=site.base + "/atom.xml")])
    (doc_id,) = report.added
    assert "The quay is stronger than before" in web_desk.get_article(doc_id).text
    assert site.hits("/news/harbour-reopens") == 1


def test_a_second_dns_answer_cannot_slip_in(site: Site) -> None:
    """DNS rebinding: the check is told a public address, the connection would be told
    loopback. The connection is made to the address that was checked, here refused before
    any packet goes out (loopback is not allow-listed for this name)."""
    from ingest.web import Fetcher
    from rag.config import IngestSettings

    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    fetcher = Fetcher(IngestSettings(), resolver=rebinding)
    url = "http://rebind.example:" + site.base.rsplit(":", 1)[1] + "/news"
    with pytest.raises(BlockedAddress, match="loopback"):
        fetcher.get(url)
    assert not site.requests  # never connected


def test_connections_go_to_the_checked_address(site: Site) -> None:
    """A name resolved (by a stub) to allow-listed loopback is fetched from that address."""
    from ingest.web import Fetcher
    from rag.config import IngestSettings

    site.page("/news", "<html><body><p>hello</p></body></html>")
    fetcher = Fetcher(IngestSettings(allow_hosts=["pinned.example"]),
                      resolver=lambda host, port: ["127.0.0.1"])  # fmt: skip
    page = fetcher.get("http://pinned.example:" + site.base.rsplit(":", 1)[1] + "/news")
    assert page.status == 200 and site.requests[0][1]["Host"].startswith("pinned.example")
