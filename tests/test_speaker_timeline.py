"""A speaker over time, on the fakes (the attribution is the real one): every quote by
date with the roles its article gives, the quotes per week and publisher, the newest N,
the cache per article version (attributed once, dropped when the version goes)."""

from __future__ import annotations

import pytest

from ingest.runner import ingest_paths
from rag.contract import Article, ArticleInput
from rag.desk import Newsdesk
from rag.desk.speaker_index import CACHE, SpeakerIndex
from rag.errors import QueryError
from rag.quotes import Quote, roles_of
from tests.conftest import SAMPLE_DIR, SEED

LATER = ArticleInput(
    text="Dmitry Peskov, the Kremlin spokesman, spoke on Monday.\n\n“We will see how the "
    "talks go,” Peskov said. “Nothing is decided,” he added.",
    title="Kremlin on talks", source="Wire & Co", published_at="2025-03-10", doc_id="later",
)  # fmt: skip
UNDATED = ArticleInput(text="“It is early,” Dmitry Peskov said.", title="Undated", doc_id="old")


@pytest.fixture
def desk(fake_desk: Newsdesk) -> Newsdesk:
    ingest_paths(fake_desk, [SAMPLE_DIR], show_progress=False)
    fake_desk.ingest([LATER, UNDATED])
    return fake_desk


def test_every_quote_by_date_with_roles_and_weeks(desk: Newsdesk) -> None:
    timeline = desk.speaker_timeline("Peskov")
    assert timeline.speakers == ["Dmitry Peskov"] and timeline.total == 6
    days = [q.published_at for q in timeline.quotes]
    assert days == ["2025-02-25"] * 3 + ["2025-03-10"] * 2 + [""]  # oldest first, undated last
    texts = {d: desk.get_article(d).text for d in {q.doc_id for q in timeline.quotes}}
    assert all(texts[q.doc_id][q.start : q.end] == q.quote for q in timeline.quotes)
    assert timeline.quotes[0].roles == ("Putin’s top spokesman",)
    assert timeline.quotes[3].roles == ("Kremlin spokesman",)
    assert "We will see how the talks go" in timeline.quotes[3].quote
    assert {q.source for q in timeline.quotes[:3]} == {"Breitbart News"}
    weeks = [(w.week, str(w.monday), w.source, w.quotes) for w in timeline.weeks]
    assert weeks == [("2025-W09", "2025-02-24", "Breitbart News", 3),
                     ("2025-W11", "2025-03-10", "Wire & Co", 2)]  # fmt: skip


def test_names_match_as_questions_do(desk: Newsdesk) -> None:
    assert desk.speaker_timeline("dmitry peskov").total == 6
    putin = desk.speaker_timeline("Putin")
    assert putin.speakers == ["Vladimir Putin"] and putin.total > 0
    assert all(q.speaker == "Vladimir Putin" for q in putin.quotes)
    assert desk.speaker_timeline("Angela Merkel").total == 0
    with pytest.raises(QueryError, match="speaker's name"):
        desk.speaker_timeline("  ")


def test_the_newest_quotes_when_there_are_more(desk: Newsdesk) -> None:
    timeline = desk.speaker_timeline("Peskov", limit=2)
    assert timeline.total == 6 and [q.published_at for q in timeline.quotes] == ["2025-03-10"] * 2
    assert sum(w.quotes for w in timeline.weeks) == 5  # every dated quote is counted


def test_attribution_is_cached_per_article_version(desk: Newsdesk) -> None:
    desk.speaker_timeline("Peskov")
    cache_dir = desk.corpus.index.cache_dir
    assert (cache_dir / CACHE).is_file()
    calls: list[str] = []

    def counting(article: Article) -> list[Quote]:
        calls.append(article.doc_id)
        return desk.quotes_of(article)

    again = SpeakerIndex(cache_dir, counting)
    with desk.corpus.read() as view:
        assert len(again.quotes_by(view, "Peskov")) == 3
    assert calls == []  # read from the cache
    more = LATER.text + " “Talks resume,” Peskov said."
    desk.ingest([ArticleInput(text=more, title=LATER.title, doc_id="later")])
    with desk.corpus.read() as view:
        assert len(again.quotes_by(view, "Peskov")["later"].quotes) == 3
    assert calls == ["later"]  # only the changed article is attributed again
    assert desk.speakers().speakers[0].name in {"Vladimir Putin", "Dmitry Peskov"}


def test_roles_are_read_as_written() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert roles_of(text, "Olha Stefanishyna") == ["Ukrainian Minister of Justice"]
    assert roles_of(text, "Volodymyr Zelensky") == ["Ukrainian President", "President"]
    assert roles_of("Mr Peskov said so. Peskov, who was there, agreed.", "Dmitry Peskov") == []
    said = "US Secretary of State Marco Rubio said. Rubio, 53, said more. He met the president."
    assert roles_of(said, "Marco Rubio") == ["Secretary of State"]
