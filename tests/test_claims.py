"""Claim and quote checks, the pure functions of ``rag.claims`` (fast tier): words that
count as the same, quotes pasted in every shape, word alignment and diffs, claim parts,
and the verdicts on the seed article, including the ones that must *not* be given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from rag.claims import ClaimChecker, Rules, claim_parts, given_quote, parse_quote
from rag.claims.align import align
from rag.claims.comparable import norms, words
from rag.claims.mentions import dates, numbers
from rag.contract import Article, ClaimCheck
from rag.errors import QueryError
from rag.quotes import find_quotes

SEED = Path(__file__).resolve().parents[1] / "data/sample/000_c030bf5d14f6109c.txt"
ARTICLE = Article(doc_id="seed", title="Putin Offers Americans Access to Russian Rare Earths",
                  source="Breitbart News", text=SEED.read_text(encoding="utf-8"))  # fmt: skip
PESKOV = "The Americans need rare earth metals. We have a lot of them."


def _checker() -> ClaimChecker:
    return ClaimChecker(lambda a: find_quotes(a.text), Rules(min_coverage=0.7, window=2), 5)


def _verbatim(check: ClaimCheck, article: Article = ARTICLE) -> None:
    for e in check.evidence:
        c = e.citation
        assert article.text[c.start : c.end] == c.quote
        within = article.title if e.headline else article.text
        assert e.passage == (article.title if e.headline else c.quote)
        for m in e.marks:
            assert within[m.start : m.end] == m.text
            assert e.offset <= m.start and m.end <= e.offset + len(e.passage)


def quote(text: str, speaker: str = "") -> ClaimCheck:
    check = _checker().quote(given_quote(text, speaker), ["seed"], {"seed": ARTICLE},
                             lambda d, o: "chunk")  # fmt: skip
    _verbatim(check)
    return check


def claim(text: str) -> ClaimCheck:
    idf: Callable[[str], float] = lambda term: 1.0  # noqa: E731
    check = _checker().claim(text, ["seed"], {"seed": ARTICLE}, idf, lambda d, o: "chunk")
    _verbatim(check)
    return check


# --- words and quotes as given ------------------------------------------------------------


def test_words_forgive_case_marks_and_separators_but_not_words() -> None:
    assert norms(words("Rare-earth “Metals”, 15,000 tons")) == [
        "rare",
        "earth",
        "metals",
        "15000",
        "tons",
    ]
    assert norms(words("We’re")) == norms(words("we're"))
    assert norms(words("7.0")) == norms(words("7"))
    assert norms(words("We have a lot")) != norms(words("We have lot"))


@pytest.mark.parametrize(
    ("pasted", "speaker", "words_"),
    [
        (f"Peskov said: '{PESKOV}'", "Peskov", PESKOV[:-1]),
        (f"Peskov said: “{PESKOV}”", "Peskov", PESKOV[:-1]),
        (f"“{PESKOV[:-1]},” Peskov explained.", "Peskov", PESKOV[:-1]),
        (f'"{PESKOV}" — Dmitry Peskov', "Dmitry Peskov", PESKOV[:-1]),
        (PESKOV, "", PESKOV[:-1]),
        ("“It is what it is,” he said.", "", "It is what it is"),
    ],
)
def test_a_quote_is_read_in_every_usual_shape(pasted: str, speaker: str, words_: str) -> None:
    given = parse_quote(pasted)
    assert given.speaker == speaker
    assert norms(given.all_words) == norms(words(words_))


def test_the_speaker_given_apart_wins_and_ellipses_cut_runs() -> None:
    given = parse_quote("Putin said: “The Americans need … a lot of them”", "Peskov")
    assert given.speaker == "Peskov"
    assert [norms(s) for s in given.segments] == [
        ["the", "americans", "need"],
        ["a", "lot", "of", "them"],
    ]
    with pytest.raises(QueryError, match="no words"):
        given_quote("“…”")


def test_alignment_finds_runs_and_counts_each_changed_word() -> None:
    stream = "the americans need rare earth metals we have a lot of them".split()
    assert align([["americans", "need", "rare"]], stream).distance == 0  # type: ignore[union-attr]
    one = align([["americans", "need", "rare", "earth", "metal"]], stream)
    assert one is not None and one.distance == 1 and one.runs == ((1, 6),)
    gapped = align([["the", "americans"], ["lot", "of", "them"]], stream)
    assert gapped is not None and gapped.distance == 0 and gapped.runs == ((0, 2), (9, 12))
    negated = align([["americans", "do", "not", "need", "rare"]], stream)
    assert negated is not None and negated.distance == 2


# --- quote checks on the seed article -----------------------------------------------------


def test_the_exact_quote_is_exact_and_cited() -> None:
    check = quote(f"Peskov said: '{PESKOV}'")
    assert check.quote_check == "exact"
    (first, *_) = check.evidence
    assert first.speaker == "Dmitry Peskov" and PESKOV[:-1] in first.citation.quote
    assert "Dmitry Peskov" in check.summary


def test_one_word_changed_is_altered_with_the_diff() -> None:
    check = quote("The Americans need rare earth metals. We have plenty of them.", "Peskov")
    assert check.quote_check == "altered"
    changes = [(c.op, c.given, c.stored) for c in check.evidence[0].diff if c.op != "same"]
    assert changes == [("changed", "plenty", "a lot")]
    (mark,) = check.evidence[0].marks
    assert (mark.kind, mark.text, mark.claimed) == ("changed", "a lot", "plenty")


def test_a_negation_or_a_number_changes_the_quote() -> None:
    negated = quote("The Americans do not need rare earth metals. We have a lot of them.", "Peskov")
    assert negated.quote_check == "altered"
    assert [c.given for c in negated.evidence[0].diff if c.op == "removed"] == ["do not"]
    number = quote("they make 200% profit", "Zelensky")
    assert number.quote_check == "altered"


def test_the_quote_given_to_someone_else_is_misattributed_naming_the_speaker() -> None:
    check = quote(PESKOV, "Zelensky")
    assert check.quote_check == "misattributed"
    assert check.evidence[0].speaker == "Dmitry Peskov"
    assert "Dmitry Peskov" in check.summary and "Zelensky" in check.summary


def test_an_invented_quote_is_not_found() -> None:
    check = quote("We will never sell our rare earths to the Americans.", "Peskov")
    assert check.quote_check == "not_found" and not check.evidence


def test_a_quote_over_an_attribution_and_an_ellipsis_is_found_whole() -> None:
    assert (
        quote(
            f"{PESKOV} We have our own plans to develop strategic resources", "Peskov"
        ).quote_check
        == "exact"
    )
    assert quote("“The Americans need … our own plans”", "Dmitry Peskov").quote_check == "exact"


def test_a_role_names_the_speaker() -> None:
    assert quote(PESKOV, "the Kremlin spokesman").quote_check == "exact"


# --- claims ---------------------------------------------------------------------------


def test_claim_parts_are_names_numbers_with_units_dates_and_quoted_words() -> None:
    parts = claim_parts("On Feb. 25, 2025, Dmitry Peskov said Russia has “a lot” of the "
                        "15,000 tons of rare earths President Donald Trump wants.")  # fmt: skip
    assert [(p.kind, p.value) for p in parts] == [
        ("date", "2025-02-25"),
        ("name", "dmitry peskov"),
        ("name", "russia"),
        ("quoted", "a lot"),
        ("number", "15000 ton"),
        ("name", "donald trump"),
    ]
    assert [p.text for p in parts if p.kind == "number"] == ["15,000 tons"]


def test_numbers_and_dates_have_one_normal_form() -> None:
    forms = {m.normal for t in ("15,000 tons", "15000 tons") for m in numbers(t)}
    assert forms == {"15000 ton"}
    assert {m.normal for m in numbers("$2.9 million")} == {"2900000 $"}
    assert {m.normal for m in numbers("20%")} == {m.normal for m in numbers("20 percent")}
    days = {m.normal for t in ("25 February 2025", "Feb. 25, 2025", "2025-02-25") for m in dates(t)}
    assert days == {"2025-02-25"}
    assert [m.normal for m in dates("in August 2022 and in 2014")] == ["2022-08", "2014"]


def test_a_claim_the_article_states_is_supported() -> None:
    check = claim("Beijing announced that it extracted 270,000 tons of rare earths.")
    assert check.verdict == "supported"
    marked = {m.kind: m.text for m in check.evidence[0].marks}
    assert marked == {"name": "Beijing", "number": "270,000"}


def test_another_number_in_the_same_unit_contradicts() -> None:
    check = claim("Beijing announced that it extracted 27,000 tons of rare earths.")
    assert check.verdict == "contradicted"
    assert check.evidence[0].note == "claim: 27,000 tons; article: 270,000 tons"


def test_what_the_article_does_not_say_is_not_found() -> None:
    assert claim("Beijing announced that it extracted 270,000 tons of gold.").verdict == "not_found"
    assert claim("Peskov said Russia has no rare-earth metals.").verdict == "not_found"
    assert claim("The moon is made of green cheese.").verdict == "not_found"


def test_a_not_the_article_does_not_say_blocks_support() -> None:
    assert claim("Macron said he welcomed the deal.").verdict == "supported"
    assert claim("Macron said he did not welcome the deal.").verdict == "not_found"
    # a "not" of the article about something else changes nothing
    assert (
        claim("Trump demanded $500 billion in rare-earth minerals from Zelensky.").verdict
        == "supported"
    )


def test_a_rough_figure_is_no_contradiction_of_a_close_one() -> None:
    assert (
        claim("Trump demanded about $450 billion in rare-earth minerals from Zelensky.").verdict
        == "not_found"
    )
    assert (
        claim("Trump demanded $50 billion in rare-earth minerals from Zelensky.").verdict
        == "contradicted"
    )


def test_a_long_form_of_an_acronym_is_found_as_any_of_its_forms() -> None:
    """A long form ("United Kingdom") is the article's "Britain", as "UK" is."""
    parts = claim_parts("The United Kingdom’s prime minister resigned on Thursday.")
    assert [(p.text, p.value) for p in parts if p.kind == "name"] == [("United Kingdom’s", "UK")]
    text = "Liz Truss resigned as Britain’s prime minister on Thursday after six weeks."
    article = Article(doc_id="uk", title="", source="", text=text)
    idf: Callable[[str], float] = lambda term: 1.0  # noqa: E731
    said = "The United Kingdom’s prime minister resigned on Thursday after six weeks."
    check = _checker().claim(said, ["uk"],
                             {"uk": article}, idf, lambda d, o: "chunk")  # fmt: skip
    assert check.verdict == "supported"
    assert {m.text for m in check.evidence[0].marks} == {"Britain", "six"}
    other = "The prime minister of the Kingdom of Tonga resigned on Thursday after six weeks."
    tonga = Article(doc_id="to", title="", source="", text=other)
    check = _checker().claim(said, ["to"],
                             {"to": tonga}, idf, lambda d, o: "chunk")  # fmt: skip
    assert check.verdict == "not_found"


def _one(text: str, said: str) -> ClaimCheck:
    article = Article(doc_id="a", title="", source="", text=text)
    idf: Callable[[str], float] = lambda term: 1.0  # noqa: E731
    return _checker().claim(said, ["a"], {"a": article}, idf, lambda d, o: "chunk")


def test_a_number_belongs_to_what_its_own_sentence_names() -> None:
    """Two sentences in a row may hold every part, yet the number is said of someone
    else: not support. Its own sentence naming the person, by surname or by a pronoun
    opening it, is."""
    record = (
        "Barry Bonds set the major league home run record with 73 home runs in 2001. "
        "Others who hit more than Judge in a season are Mark McGwire and Sammy Sosa."
    )
    said = "Sammy Sosa set the major league home run record with 73 home runs."
    assert _one(record, said).verdict == "not_found"
    sosa = record.replace("Barry Bonds", "Sammy Sosa")
    assert _one(sosa, said).verdict == "supported"
    died = "Bob McGrath, an original cast member of the children's show, has died. He was 90."
    assert _one(died, "Bob McGrath, a cast member of the show, has died aged 90.").verdict == (
        "supported"
    )
    other = "Bob McGrath, an original cast member of the children's show, has died. Lee was 90."
    assert _one(other, "Bob McGrath, a cast member of the show, has died aged 90.").verdict == (
        "not_found"
    )


# --- headlines, and names as news shortens them ------------------------------------------

QUAKE = Article(
    doc_id="quake",
    title="Powerful 7.0-magnitude earthquake strikes northern Philippines",
    source="CNN",
    text="At least five people died after a powerful earthquake struck on Wednesday, the "
    "authorities said. The quake hit northern Luzon, the most populous island.",
)


def claim_in(article: Article, text: str, as_of: date | None = None) -> ClaimCheck:
    idf: Callable[[str], float] = lambda term: 1.0  # noqa: E731
    check = _checker().claim(text, [article.doc_id], {article.doc_id: article}, idf,
                             lambda d, o: "chunk", as_of)  # fmt: skip
    _verbatim(check, article)
    return check


def test_a_fact_only_the_headline_states_is_supported_by_the_headline() -> None:
    said = "A 7.0-magnitude earthquake strikes the northern Philippines."
    check = claim_in(QUAKE, said)
    assert check.verdict == "supported"
    [e] = check.evidence
    assert e.headline and e.passage == QUAKE.title and e.citation.quote == ""
    assert {"7.0", "Philippines"} <= {m.text.split("-")[0] for m in e.marks}
    assert claim_in(QUAKE.model_copy(update={"title": ""}), said).verdict == "not_found"


def test_a_headline_is_never_joined_to_the_text() -> None:
    treat = Article(doc_id="treat", title="McDonald's is adding a new treat for fall",
                    text="The chain will sell maple cookies from Tuesday.")  # fmt: skip
    assert claim_in(treat, "McDonald's is adding maple cookies for fall.").verdict == "not_found"


def test_a_name_is_found_as_news_shortens_it() -> None:
    died = Article(
        doc_id="died",
        text="Ashton Carter, who served as President Barack Obama's defense secretary, has "
        "died. China scrapped its zero-Covid rules.",
    )
    assert claim_in(died, "Ash Carter served as Obama's defense secretary.").verdict == (
        "supported"
    )
    assert claim_in(died, "China scrapped its Covid-19 rules.").verdict == "supported"
    other = Article(doc_id="other", text="Ashton Kutcher met former president Jimmy "
                    "Carter, who served as Obama's host.")  # fmt: skip
    assert claim_in(other, "Ash Carter served as Obama's host.").verdict == "not_found"
    apollo = Article(doc_id="apollo", text="Apollo 13 returned safely to Earth in 1970.")
    assert claim_in(apollo, "Apollo-11 returned safely to Earth.").verdict == "not_found"
    assert claim_in(apollo, "Apollo-13 returned safely to Earth.").verdict == "supported"


def test_a_number_after_a_name_may_be_written_in_roman_numerals() -> None:
    moon = Article(doc_id="moon", text="NASA's Artemis I mission lifted off on Wednesday.")
    assert claim_in(moon, "NASA's Artemis 1 mission lifted off.").verdict == "supported"
    assert claim_in(moon, "NASA's Artemis 2 mission lifted off.").verdict == "not_found"
    war = Article(doc_id="war", text="The veteran served in World War II in the Pacific.")
    assert claim_in(war, "The veteran served in World War 2.").verdict == "supported"


def test_a_name_given_in_another_form_holds_its_words() -> None:
    resigned = Article(doc_id="truss", text="Liz Truss resigned as Britain's prime minister.")
    assert claim_in(resigned, "The United Kingdom's prime minister resigned.").verdict == (
        "supported"
    )


def test_a_forecast_or_a_value_not_reached_is_not_the_fact() -> None:
    gas = Article(doc_id="gas", text="A national average of $5 a gallon could happen next "
                  "week, analysts said. In May, prices went up 11 cents, approaching the $4 "
                  "average.")  # fmt: skip
    assert claim_in(gas, "The national average reached $5 a gallon.").verdict == "not_found"
    forecast = claim_in(gas, "A national average of $5 a gallon could happen.")
    assert forecast.verdict == "supported"
    assert claim_in(gas, "In May, prices went up to the $4 average.").verdict == "not_found"
    assert claim_in(gas, "Prices went up 11 cents.").verdict == "supported"  # May: a month


def test_an_acronym_is_found_written_out() -> None:
    camp = Article(doc_id="camp", text="Biden went to Camp Hale to designate a World War II "
                   "training ground as a monument. The National Rifle Association "
                   "objected.")  # fmt: skip
    assert claim_in(camp, "Camp Hale is a WWII training ground.").verdict == "supported"
    assert claim_in(camp, "The NRA objected.").verdict == "supported"
    assert claim_in(camp, "Camp Hale is a WWI training ground.").verdict == "not_found"
    assert claim_in(camp, "The NAACP objected.").verdict == "not_found"


def test_he_or_it_must_stand_with_a_name_of_the_sentence_before() -> None:
    camp = Article(doc_id="camp", text="Biden designated Camp Hale in Colorado as a national "
                   "monument on Wednesday. It was a training ground. Utah is home to the Bears "
                   "Ears monument, which Trump downsized.")  # fmt: skip
    said = "Biden designated Camp Hale as a monument. It is in {}."
    assert claim_in(camp, said.format("Colorado")).verdict == "supported"
    assert claim_in(camp, said.format("Utah")).verdict == "not_found"
    assert claim_in(camp, "Biden designated Camp Hale as a monument. Utah is home to the "
                    "Bears Ears monument.").verdict == "supported"  # fmt: skip


def test_a_place_the_claim_is_set_in_may_stand_at_the_article_top() -> None:
    volcano = Article(doc_id="volcano", text="Sakurajima erupted in Japan on Sunday. Ash rose "
                      "over the bay. Roads were shut. The eruption prompted a Level 5 alert, the "
                      "highest level.")  # fmt: skip
    assert claim_in(volcano, "An eruption in Japan prompted a Level 5 alert.").verdict == (
        "supported"
    )
    assert claim_in(volcano, "An eruption in Chile prompted a Level 5 alert.").verdict == (
        "not_found"
    )
    assert claim_in(volcano, "Sakurajima prompted a Level 5 alert.").verdict == "not_found"


def test_a_passage_giving_the_figure_roughly_does_not_differ_by_its_other_figures() -> None:
    poll = Article(doc_id="poll", text="A 59% majority of US adults disapprove of the ruling, "
                   "with 41% approving, the poll showed.")  # fmt: skip
    assert claim_in(poll, "60% of US adults disapprove of the ruling.").verdict == "not_found"
    assert claim_in(poll, "59% of US adults disapprove of the ruling.").verdict == "supported"
    assert claim_in(poll, "90% of US adults disapprove of the ruling.").verdict == "not_found"


def test_it_never_refers_to_a_titled_person_and_stands_with_the_part() -> None:
    camp = Article(doc_id="camp", text="Biden designated Camp Hale in Colorado as a monument "
                   "on Wednesday. It was a training ground. Later, President Biden flew to "
                   "California for a rally.")  # fmt: skip
    said = "President Biden designated Camp Hale as a monument. It is located in {}."
    assert claim_in(camp, said.format("Colorado")).verdict == "supported"
    assert claim_in(camp, said.format("California")).verdict == "not_found"
    assert claim_in(camp, "Camp Hale is in California.").verdict == "not_found"


def test_a_setting_counts_only_at_the_top_and_a_region_with_its_place() -> None:
    late = Article(doc_id="late", text="An eruption prompted a Level 5 alert on Sunday. Ash "
                   "rose over the bay. Roads were shut. Tourists later left Japan.")  # fmt: skip
    in_japan = "An eruption in Japan prompted a Level 5 alert."
    assert claim_in(late, in_japan).verdict == "not_found"
    attack = Article(doc_id="attack", text="The attack took place at the couple's San "
                     "Francisco home on Friday. Police arrived. A man was held. Officials in "
                     "California said more.")  # fmt: skip
    said = "In San Francisco, {} the attack took place at the couple's home."
    assert claim_in(attack, said.format("California")).verdict == "supported"
    assert claim_in(attack, said.format("Texas")).verdict == "not_found"
    top = Article(doc_id="top", text="Officials from California watched on Wednesday. It "
                  "rained. Biden designated Camp Hale, a training ground, as a "
                  "monument.")  # fmt: skip
    assert claim_in(top, "Camp Hale, a training ground, is in California.").verdict == (
        "not_found"  # "is in" claims the place: not a setting
    )
    assert claim_in(top, "Biden in California designated Camp Hale, a training ground, as "
                    "a monument.").verdict == "supported"  # fmt: skip


def test_a_question_states_nothing() -> None:
    quiz = Article(doc_id="quiz", text="Disney this week stopped selling what in Australia? "
                   "Did Disney stop selling DVDs at 5,000 stores?")  # fmt: skip
    assert claim_in(quiz, "Disney this week stopped selling DVDs in Australia.").verdict == (
        "not_found"
    )
    assert claim_in(quiz, "Disney stopped selling DVDs at 4,000 stores.").verdict == "not_found"


def test_this_week_is_not_held_by_a_sentence_of_another_year() -> None:
    vote = Article(doc_id="vote", text="Voters in South Dakota approved legalization in "
                   "2020, the state said.")  # fmt: skip
    said = "Voters in South Dakota approved legalization this week."
    assert claim_in(vote, said, date(2022, 11, 11)).verdict == "not_found"
    assert claim_in(vote, said, date(2020, 11, 6)).verdict == "supported"
    assert claim_in(vote, "Voters in South Dakota approved legalization in 2020.",
                    date(2022, 11, 11)).verdict == "supported"  # fmt: skip


def test_a_place_opening_a_newspaper_name_is_not_the_place() -> None:
    search = Article(doc_id="search", text="FBI agents searched Mar-a-Lago on Monday, the New "
                     "York Times reported.")  # fmt: skip
    said = "FBI agents searched Mar-a-Lago on Monday. It is located in New York."
    assert claim_in(search, said).verdict == "not_found"
    assert claim_in(search, "FBI agents in New York searched Mar-a-Lago.").verdict == ("not_found")
