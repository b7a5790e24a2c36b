"""Quote attribution: X's own words for "What did X say?", and never anybody else's.

The seed article carries every rule the attribution has to get right, so it is the gold
table; the small synthetic texts pin one rule each, including the cases that must be
*dropped* because the speaker cannot be told with confidence.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rag.quotes.attribution import find_quotes
from rag.quotes.quote import Quote
from rag.quotes.speaker_questions import SpeakerQuestion, parse_speaker_question, speaker_matches

SEED = Path(__file__).resolve().parents[1] / "data/sample/000_c030bf5d14f6109c.txt"
TEXT = SEED.read_text(encoding="utf-8")

PESKOV, PUTIN, TRUMP = "Dmitry Peskov", "Vladimir Putin", "Donald Trump"
ZELENSKY, MACRON, STEFANISHYNA = "Volodymyr Zelensky", "Emmanuel Macron", "Olha Stefanishyna"

# Distinctive words of every quotation (and reported sentence) each person says in the seed.
GOLD: dict[str, list[str]] = {
    PESKOV: [
        "The Americans need rare earth metals. We have a lot of them",
        "quite broad prospects for cooperation here",
        "Dmitry Peskov, told reporters on Tuesday that Russia has domestic plans",
    ],
    PUTIN: [
        "There is demand for rare-earth metals across multiple sectors",
        "In fact, we are talking about almost all sectors",
        "initiatives aimed at building a full-cycle rare and rare-earth metals sector",
        "laying the strategic groundwork for our future",
        "the pace of its economic development, and the quality of life of our citizens",
        "foreign partners, including Americans",
        "We would work with pleasure with any foreign partners",
        "We are also ready to attract foreign partners to our so-called new territories",
        "There are also certain reserves there",
    ],
    TRUMP: [
        "We’re telling Ukraine they have very valuable rare earths",
        "We want a guarantee. We’re handing them money",
        "I want to have security of rare earths",
        "Trump told reporters on Monday that he believed that the deal was “very close”",
        "I will be meeting with President Zelensky",
    ],
    ZELENSKY: [
        "If this is necessary and we have no other choice",
        "I want a dialogue with Trump. I want a dialogue.",
        "“Chinese businesses” could play a major role",
    ],
    MACRON: [
        "Emmanuel Macron said he “welcomed” the deal",
        "First of all, I welcome your decision to meet with President Zelensky",
        "reliable guarantees that we understand each other",
        "Peace as soon as possible, a lasting and durable peace",
    ],
    STEFANISHYNA: [
        "Ukrainian and U.S. teams are in the final stages",
        "The negotiations have been very constructive",
    ],
}
NOBODYS = ["“green”", "“annexation.”", "“historic territories”", "“A Serious Offer”",
           "“final stages”", "“very constructive”", "“not ready”"]  # fmt: skip


Seed = list[tuple[str, str, str]]


def passages(text: str) -> Seed:
    """(speaker, passage, kind) of every quote, checking each span is a verbatim, trimmed slice."""
    quotes = find_quotes(text)
    for quote in quotes:
        assert isinstance(quote, Quote)
        assert quote.kind in ("direct", "reported")
        assert 0 <= quote.start < quote.end <= len(text)
        passage = text[quote.start : quote.end]
        assert passage == passage.strip(), passage
    assert [q.start for q in quotes] == sorted(q.start for q in quotes), "not in text order"
    assert all(a.end <= b.start for a, b in itertools.pairwise(quotes)), "overlap"
    return [(q.speaker, text[q.start : q.end], q.kind) for q in quotes]


@pytest.fixture(scope="module")
def seed() -> Seed:
    return passages(TEXT)


def said_by(seed: Seed, words: str) -> set[str]:
    return {speaker for speaker, passage, _ in seed if words in passage}


# -- the seed article -----------------------------------------------------------------------


@pytest.mark.parametrize("speaker", list(GOLD))
def test_gold_every_quote_of_a_speaker_is_attributed_to_them(seed: Seed, speaker: str) -> None:
    mine = [passage for who, passage, _ in seed if who == speaker]
    for words in GOLD[speaker]:
        assert any(words in passage for passage in mine), (speaker, words, mine)


@pytest.mark.parametrize("speaker", list(GOLD))
def test_gold_no_speaker_gets_anybody_elses_words(seed: Seed, speaker: str) -> None:
    mine = [passage for who, passage, _ in seed if who == speaker]
    for other, their_words in GOLD.items():
        if other == speaker:
            continue
        for words in their_words:
            assert not any(words in passage for passage in mine), (speaker, other, words)


def test_gold_speakers_are_the_fullest_names_and_nobody_unexpected(seed: Seed) -> None:
    speakers = {speaker for speaker, _, _ in seed}
    assert set(GOLD) <= speakers
    # "In August, Beijing announced that ...": a place is no speaker (the UI listed it).
    assert speakers == set(GOLD)
    assert not speakers & {"Peskov", "Putin", "Trump", "Zelensky", "Macron", "Stefanishyna"}


def test_gold_passages_are_whole_sentences_with_their_attribution(seed: Seed) -> None:
    for _, passage, _ in seed:
        assert passage[0] == "“" or passage[0].isupper(), passage
        assert passage[-1] in ".”", passage
        assert passage in TEXT


def test_peskov_passages_are_exactly_his_three(seed: Seed) -> None:
    assert [(p, k) for who, p, k in seed if who == PESKOV] == [
        (
            "Putin’s top spokesman, Dmitry Peskov, told reporters on Tuesday that Russia has "
            "domestic plans to extract rare-earth metals, but it would welcome American help.",
            "reported",
        ),
        (
            "“The Americans need rare earth metals. We have a lot of them,” Peskov explained.",
            "direct",
        ),
        (
            "“We have our own plans to develop strategic resources, but there are quite broad "
            "prospects for cooperation here,” he told reporters.",
            "direct",
        ),
    ]


def test_the_listener_is_not_the_speaker(seed: Seed) -> None:
    assert said_by(seed, "First of all, I welcome your decision") == {MACRON}
    assert said_by(seed, "I will be meeting with President Zelensky") == {TRUMP}
    assert said_by(seed, "I want a dialogue with Trump") == {ZELENSKY}


def test_stefanishyna_quote_is_never_trumps_or_peskovs(seed: Seed) -> None:
    assert said_by(seed, "Ukrainian and U.S. teams are in the final stages") <= {STEFANISHYNA}


@pytest.mark.parametrize("words", NOBODYS)
def test_scare_quotes_and_quoted_terms_belong_to_nobody(seed: Seed, words: str) -> None:
    assert words in TEXT
    assert said_by(seed, words) == set()


def test_continuations_and_he_added_are_one_passage_each(seed: Seed) -> None:
    by_passage = {passage: (who, kind) for who, passage, kind in seed}
    assert by_passage[
        "“In fact, we are talking about almost all sectors within the new technological "
        "framework which defines progress around the world.”"
    ] == (PUTIN, "direct")
    added = [p for p in by_passage if p.startswith("“What we are talking about here")]
    assert len(added) == 1 and added[0].endswith("he added, “the pace of its economic "
                                                 "development, and the quality of life of our "
                                                 "citizens.”")  # fmt: skip


def test_reported_sentences_are_reported(seed: Seed) -> None:
    kinds = {passage: kind for _, passage, kind in seed}
    reported = [p for p, k in kinds.items() if k == "reported"]
    assert any(p.startswith("Trump told reporters on Monday that") for p in reported)
    assert any("Macron said he “welcomed” the deal" in p for p in reported)
    # The article has a no-break space after the closing mark here; the span keeps it.
    assert kinds["“We would work with pleasure with any foreign partners including with "
                 "Americans,”\xa0Putin reportedly said."] == "direct"  # fmt: skip


# -- one rule at a time ---------------------------------------------------------------------

D, R = "direct", "reported"
RULES = [
    ("“We have a lot of them,” Peskov explained.",
     [("Peskov", "“We have a lot of them,” Peskov explained.", D)]),
    ("“We would work with Americans,” Putin reportedly said.",
     [("Putin", "“We would work with Americans,” Putin reportedly said.", D)]),
    ("“We are ready,” said Putin. “We always were.”",
     [("Putin", "“We are ready,” said Putin.", D), ("Putin", "“We always were.”", D)]),
    ("“I welcome your decision,” Macron told Trump during the meeting.",
     [("Macron", "“I welcome your decision,” Macron told Trump during the meeting.", D)]),
    ("“It is useful,” according to Dmitry Peskov.",
     [("Dmitry Peskov", "“It is useful,” according to Dmitry Peskov.", D)]),
    ("“Why?” asked Mr. Putin.", [("Putin", "“Why?” asked Mr. Putin.", D)]),
    ("“We agreed,” President Donald J. Trump said.",
     [("Donald J. Trump", "“We agreed,” President Donald J. Trump said.", D)]),
    # Pronouns: the last speaker of the paragraph, or a woman named just before.
    ("“We need metals,” Peskov said. “We have plans,” he told reporters.",
     [("Peskov", "“We need metals,” Peskov said.", D),
      ("Peskov", "“We have plans,” he told reporters.", D)]),
    ("The deal was announced by Minister Olha Stefanishyna.\n\n"
     "“Teams are in the final stages,” she wrote in a statement on social media.",
     [("Olha Stefanishyna",
       "“Teams are in the final stages,” she wrote in a statement on social media.", D)]),
    ("“What we are doing is strategic,” he added, “and good for our citizens.”", []),
    ("President Putin spoke on Monday.\n\n“What we are doing is strategic,” he added, “and good.”",
     [("Putin", "“What we are doing is strategic,” he added, “and good.”", D)]),
    # Quote inside a sentence whose subject is the speaker.
    ("Putin said: “We will win.” “Nobody doubts it.”",
     [("Putin", "Putin said: “We will win.”", D), ("Putin", "“Nobody doubts it.”", D)]),
    ("Putin recalled the launch of a project including “initiatives for metals.”",
     [("Putin", "Putin recalled the launch of a project including “initiatives for metals.”",
       D)]),
    ("Putin said: “We will win.", [("Putin", "Putin said: “We will win.", D)]),
    # Reported speech.
    ("Putin’s top spokesman, Dmitry Peskov, told reporters on Tuesday that Russia has plans.",
     [("Dmitry Peskov", "Putin’s top spokesman, Dmitry Peskov, told reporters on Tuesday that "
       "Russia has plans.", R)]),
    ("Trump told reporters on Monday that he believed that the deal was “very close.”",
     [("Trump", "Trump told reporters on Monday that he believed that the deal was "
       "“very close.”", R)]),
    ("On Monday, French President Emmanuel Macron said he “welcomed” the deal.",
     [("Emmanuel Macron",
       "On Monday, French President Emmanuel Macron said he “welcomed” the deal.", R)]),
    ("Dmitry Peskov, Putin’s spokesman, said that talks went well.",
     [("Dmitry Peskov", "Dmitry Peskov, Putin’s spokesman, said that talks went well.", R)]),
    # Straight quotes pair in order; apostrophes are not quotation marks.
    ('"We agreed," Putin said. "It was good."',
     [("Putin", '"We agreed," Putin said.', D), ("Putin", '"It was good."', D)]),
    ("'We agreed,' Putin said.", [("Putin", "'We agreed,' Putin said.", D)]),
    ("“We’re ready for Putin’s offer,” Trump said.",
     [("Trump", "“We’re ready for Putin’s offer,” Trump said.", D)]),
    ("“Putin told me ‘we want peace,’ and I believe him,” Trump said.",
     [("Trump", "“Putin told me ‘we want peace,’ and I believe him,” Trump said.", D)]),
    # A relative clause between subject and verb names someone else.
    ("Trump, who met Putin, said “we agreed.”",
     [("Trump", "Trump, who met Putin, said “we agreed.”", D)]),
    ("Former Prime Minister Boris Johnson, who met Zelensky last week, said it was “a sellout.”",
     [("Boris Johnson", "Former Prime Minister Boris Johnson, who met Zelensky last week, said "
       "it was “a sellout.”", R)]),
    # Particles belong to the name; an initial after a dot does not end the sentence.
    ("Ursula von der Leyen spoke. “This is a historic day,” von der Leyen said.",
     [("Ursula von der Leyen", "“This is a historic day,” von der Leyen said.", D)]),
    ("“It’s a disaster,” said Sen. Lindsey Graham, R-S.C., in an interview.",
     [("Lindsey Graham", "“It’s a disaster,” said Sen. Lindsey Graham, R-S.C., in an interview.",
       D)]),
    # Canonical names: the fullest form in the article, titles stripped.
    ("President Vladimir Putin spoke. “We agreed,” Putin said.",
     [("Vladimir Putin", "“We agreed,” Putin said.", D)]),
    ("“We agreed,” President Putin said.", [("Putin", "“We agreed,” President Putin said.", D)]),
    # The listener named after the verb competes for the next pronoun: dropped.
    ("“We are ready,” Macron told Trump. “Let us go,” he added.",
     [("Macron", "“We are ready,” Macron told Trump.", D)]),
    # The last speaker is too far back (two paragraphs without him): dropped.
    ("“We agreed,” Peskov said.\n\nThe weather was cold.\n\nIt rained.\n\n“It is fine,” he added.",
     [("Peskov", "“We agreed,” Peskov said.", D)]),
    # A competitor for "he" named at a sentence start still counts: dropped.
    ("“We are ready,” Smith said. Jones disagreed. “We are not,” he said.",
     [("Smith", "“We are ready,” Smith said.", D)]),
    # "they" only continues the speaker quoted just before (singular they), never a group.
    ("“We are ready,” Alex Smith said. “We always were,” they added.",
     [("Alex Smith", "“We are ready,” Alex Smith said.", D),
      ("Alex Smith", "“We always were,” they added.", D)]),
    ("“We are ready,” Smith said. The ministers disagreed. “We are not,” they said.",
     [("Smith", "“We are ready,” Smith said.", D)]),
    # A sentence-opening word glued to a name is not part of it.
    ("Later Putin said that talks went well.",
     [("Putin", "Later Putin said that talks went well.", R)]),
    ("Donald Trump and Melania Trump arrived. “We agreed,” Trump said.",
     [("Trump", "“We agreed,” Trump said.", D)]),
    # A lower-case role word before the name ("councillor Mark Olsen said") is no obstacle.
    ("“The bridge is safe,” councillor Mark Olsen said.",
     [("Mark Olsen", "“The bridge is safe,” councillor Mark Olsen said.", D)]),
    ("“It is safe,” said harbour engineer Ola Strand.",
     [("Ola Strand", "“It is safe,” said harbour engineer Ola Strand.", D)]),
    ("The bridge reopens in May, city councillor Mark Olsen said, “and not a day later.”",
     [("Mark Olsen", "The bridge reopens in May, city councillor Mark Olsen said, “and not a "
       "day later.”", D)]),
    ("Local councillor Mark Olsen told reporters that the bridge was safe.",
     [("Mark Olsen", "Local councillor Mark Olsen told reporters that the bridge was safe.",
       R)]),
]  # fmt: skip

DROPPED = [
    # Two men named, then "he": could be either.
    'Trump met Macron in Paris. "We agreed on everything," he said.',
    # Gender does not fit the only person named.
    "Ms. Smith arrived late. “We are ready,” he said.",
    # Names as modifiers are not people who could speak.
    "The Trump administration was busy. “We agreed,” he said.",
    "The Trump speech was long. “We agreed,” he said.",
    "After the Trump speech, everyone left. “We agreed,” he said.",
    "The Trump-Zelensky deal was signed. “It is done,” he said.",
    "Putin’s spokesman said: “We agreed.”",
    "“We agreed,” Putin’s spokesman said.",
    "“We agreed,” a Kremlin spokesman said.",
    "Critics of Zelensky were furious. “This is a disgrace,” he said.",
    # The only candidate is not known to be a person (no first name, title or quote).
    "Amnesty International criticized the deal. “It is shameful,” he said.",
    "Acme Widgets criticized the deal. “It is shameful,” he said.",
    # Speech inside speech, or a subject that does not start its clause.
    "Trump said Putin told him “we want peace.”",
    "Trump met Putin, who said “we agreed.”",
    "Reports indicated that Trump said “we agreed.”",
    "Trump responded to Putin’s “peace offer” by saying it was late.",
    # Scare quotes, quoted terms and headlines have no speaker.
    "Inventors found use for them in “green” energy technology.",
    "The “historic territories” in question are regions of eastern Ukraine.",
    "Putin colonized Crimea in an invasion that ended with “annexation.”",
    "RELATED — Rubio: Not “A Serious Offer” for Ukraine to Ask for Nuclear Weapons",
    # "said" inside a quotation attributes nothing; plurals are not names.
    "Analysts were divided. “Putin said it was over.”",
    "Officials said that the deal was done.",
    "Putin was told that the deal was off.",
    # A place is no speaker, even when the news writes as if it spoke.
    "“We will not back down,” Beijing said.",
    "Beijing has said it will retaliate.",
    "In August, Beijing announced that it would restrict exports.",
    "Moscow said on Tuesday that talks would go on.",
    "Officials met in Tromso. “We agreed,” Tromso said.",
    # Role words never reach over a verb or the people spoken to.
    "“It is unsafe,” residents told councillor Mark Olsen.",
    "Residents told councillor Mark Olsen that the bridge was unsafe.",
]


@pytest.mark.parametrize(("text", "expected"), RULES)
def test_rule(text: str, expected: Seed) -> None:
    assert passages(text) == expected


@pytest.mark.parametrize("text", DROPPED)
def test_ambiguous_or_unspoken_quotes_are_dropped(text: str) -> None:
    assert passages(text) == []


def test_a_quoted_question_is_not_continued_by_its_answer() -> None:
    text = "“Will you sign?” Trump asked. “No.”"
    assert passages(text) == [("Trump", "“Will you sign?” Trump asked.", D)]


def test_a_continuation_needs_the_same_paragraph() -> None:
    text = "“We are ready,” Putin said.\n\n“We always were.”"
    assert passages(text) == [("Putin", "“We are ready,” Putin said.", D)]


def test_empty_and_quote_free_texts() -> None:
    assert find_quotes("") == []
    assert find_quotes("\n\n  \n") == []
    assert find_quotes("Communist China currently dominates rare-earth mining.") == []


# -- questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speaker", "name", "expected"),
    [
        ("Dmitry Peskov", "Peskov", True),
        ("Dmitry Peskov", "Dmitry Peskov", True),
        ("Dmitry Peskov", "peskov", True),
        ("Dmitry Peskov", "PESKOV", True),
        ("Emmanuel Macron", "Emmanuel Macron", True),
        ("Emmanuel Macron", "President Macron", True),
        ("Macron", "Emmanuel Macron", True),
        ("Volodymyr Zelensky", "Zelensky’s", True),
        ("Emmanuel Macron", "Angela Merkel", False),
        ("Macron", "Angela Merkel", False),
        ("Melania Trump", "Donald Trump", False),
        ("Dmitry Peskov", "Dmitry", False),
        ("Dmitry Peskov", "Putin", False),
        ("Dmitry Peskov", "", False),
    ],
)
def test_speaker_matches(speaker: str, name: str, expected: bool) -> None:
    assert speaker_matches(speaker, name) is expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Peskov say?", SpeakerQuestion("Peskov", "")),
        ("What has Putin said about Ukraine?", SpeakerQuestion("Putin", "Ukraine")),
        ("What does Dmitry Peskov say about rare earths",
         SpeakerQuestion("Dmitry Peskov", "rare earths")),
        ("What did Trump tell reporters?", SpeakerQuestion("Trump", "")),
        ("Quotes from Macron", SpeakerQuestion("Macron", "")),
        ("What was Zelensky's reaction?", SpeakerQuestion("Zelensky", "")),
        ("What was Zelensky’s reaction to the deal?", SpeakerQuestion("Zelensky", "the deal")),
        ("how did putin react to the offer", SpeakerQuestion("putin", "the offer")),
        ("  What   did Stefanishyna say   on the minerals deal ? ",
         SpeakerQuestion("Stefanishyna", "the minerals deal")),
    ],
)  # fmt: skip
def test_parse_speaker_question(question: str, expected: SpeakerQuestion) -> None:
    assert parse_speaker_question(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "How many tons of rare earths did China extract?",
        "What did he say?",
        "What did the report say about China?",
        "What is the capital of France?",
        "Who said that?",
        "What are rare-earth minerals used for?",
        "",
    ],
)
def test_parse_speaker_question_rejects_other_questions(question: str) -> None:
    assert parse_speaker_question(question) is None


def test_an_organisation_sharing_a_last_word_is_not_that_speaker() -> None:
    text = (
        "JetBlue Airways offered more. In February 2013, US Airways announced that it would "
        "merge with American Airlines. U.S. President Joe Biden said that he was pleased."
    )
    speakers = {q.speaker: text[q.start : q.end] for q in find_quotes(text)}
    assert "JetBlue Airways" not in speakers
    assert speakers["Joe Biden"] == "U.S. President Joe Biden said that he was pleased."
