"""The kind of answer a question wants, as the entity labels that can hold it.

"Who" wants a person, "where" or "which country" a place, "when" a date or time, "how
many" a number, "how much does it cost" a sum of money, "what percentage" a percent,
"which company" an organisation. A "which"/"what" question names its kind by the noun
after it ("which broadcaster", "what city"); the nouns are listed here by kind. A question
whose kind cannot be told ("What did the IRS announce?", "which species") wants "" and
any sentence may answer it.

Some kinds are *strict*: the tagger finds them reliably (people, places, organisations,
dates, numbers, money, percents), so a question wanting one is refused when no sentence
holds a new one. The others (works, products, events) only rank: the small model often
misses a show's or a product's name, and a refusal on its word would refuse answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KIND_LABELS: dict[str, frozenset[str]] = {
    "person": frozenset({"PERSON"}),
    "winner": frozenset({"PERSON", "ORG", "GPE", "NORP"}),  # a player, a team, a country
    "organisation": frozenset({"ORG"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "time": frozenset({"DATE", "TIME"}),
    "duration": frozenset({"DATE", "TIME", "CARDINAL", "QUANTITY"}),
    "number": frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
    "money": frozenset({"MONEY"}),
    "percent": frozenset({"PERCENT"}),
    "work": frozenset({"WORK_OF_ART", "ORG", "PRODUCT"}),
    "product": frozenset({"PRODUCT", "ORG", "WORK_OF_ART"}),
    "event": frozenset({"EVENT", "DATE"}),
    "group": frozenset({"NORP", "ORG"}),
}
STRICT = frozenset(
    {"person", "winner", "organisation", "place", "time", "duration", "number", "money", "percent"}
)
_NOUNS = {
    "person": "person people man woman men women boy girl president leader official actor "
    "actress singer rapper star player athlete philanthropist billionaire mp senator "
    "governor minister chancellor mayor judge author writer director ceo founder "
    "chief executive spokesman spokeswoman artist musician comedian host coach king queen "
    "prince princess pope candidate lawmaker politician scientist astronaut journalist",
    "organisation": "company companies firm automaker carmaker university college school "
    "broadcaster network team teams club party bank agency organisation organization "
    "group retailer airline brand giant newspaper union chain maker manufacturer startup "
    "corporation business charity institution restaurant",
    "place": "country countries nation city cities state states town region county province "
    "island continent capital place location village area territory neighborhood "
    "neighbourhood airport port",
    "time": "year month day date time decade century",
    "work": "show series film movie book novel song album play musical documentary sitcom "
    "drama game",
    "product": "product app device phone smartphone vehicle car model drug vaccine platform",
    "event": "holiday festival event tournament championship storm hurricane",
    "group": "nationality",
}
_NOUN_KIND = {noun: kind for kind, words in _NOUNS.items() for noun in words.split()}
_HEAD = re.compile(r"\b(?:which|what)\s+((?:[\w’'\-]+\s+){0,4}[\w’'\-]+)", re.IGNORECASE)
_VERB = re.compile(
    r"^(?:is|are|was|were|did|does|do|has|have|had|will|would|can|could|should|might|may|"
    r"of|in|on|at|to|for|from|by|with|the|a|an)$",
    re.IGNORECASE,
)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("percent", r"\b(?:what|which)\s+(?:percentage|percent|share|proportion)\b|"
                    r"\bhow many percent\b"),
        ("money", r"\bhow much (?:money|cash|funding|aid|did \w+ (?:pay|spend|raise)|does it "
                  r"cost|(?:did|does|will|would) [\w\s]{0,40}?(?:cost|pay|spend|raise))\b|"
                  r"\bwhat (?:price|sum|amount of money)\b|\bat what price\b|"
                  r"\bhow much is \w+ worth\b|"
                  r"\bwhat (?:would|will|does|did|do|could) .{1,60}?\b(?:cost|be worth)\b"),
        ("duration", r"\bhow long\b"),
        ("number", r"\bhow (?:many|much|old|far|big|large|often|high|low|tall|deep)\b|"
                   r"\bwhat (?:number|age|amount|figure|total)\b"),
        ("time", r"\bwhen\b|\b(?:what|which|in what|on what) (?:year|month|day|date|time)\b|"
                 r"\brelease date\b"),
        ("place", r"\bwhere\b|\blocation\b"),
        ("winner", r"\bwho (?:won|wins|will win|beat|defeated|lost|finished)\b|\brunner-up\b|"
                   r"\bwho (?:is|was) (?:the )?(?:champion|winner)\b"),
        ("description", r"^\W*who\s+(?:is|was|are|were)\s+(?-i:(?:[A-Z][\w’'\-]+\s*){1,4})\W*$"),
        ("person", r"\bwho(?:m|se)?\b"),
    )
)  # fmt: skip


# A share written as a fraction ("About two-thirds of the population", "Half of adults"):
# the tagger calls it a number (or a date: "a quarter"), but it answers "what percentage".
_FRACTION = re.compile(
    r"^(?:(?:about|nearly|almost|roughly|around|over|under|some|more than|less than|just "
    r"over|just under)\s+)?(?:half|(?:one|two|three|four|a)[- ](?:half|thirds?|quarters?|"
    r"fifths?|tenths?))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Wanted:
    """The kind of answer a question wants: a name, the labels that hold it, and whether
    a question of this kind is refused when no sentence holds one."""

    kind: str = ""
    labels: frozenset[str] = frozenset()
    strict: bool = False

    def __bool__(self) -> bool:
        return bool(self.labels)

    def met_by(self, label: str, text: str) -> bool:
        """Is an entity so labelled and worded an answer of this kind? A percentage may be
        written as a fraction of the whole."""
        return label in self.labels or (self.kind == "percent" and bool(_FRACTION.match(text)))


def wanted(sentence: str) -> Wanted:
    """What the asking sentence of a question wants (``Wanted()``: anything)."""
    for kind, pattern in _PATTERNS:
        if pattern.search(sentence):
            return Wanted() if kind == "description" else of_kind(kind)
    head = _head_kind(sentence)
    return of_kind(head) if head else Wanted()


def of_kind(kind: str) -> Wanted:
    return Wanted(kind, _KIND_LABELS[kind], kind in STRICT)


def _head_kind(sentence: str) -> str:
    """The kind named by the noun after "which" or "what" ("which popular US tourist
    attraction" has none, "which broadcaster's journalists" an organisation)."""
    for match in _HEAD.finditer(sentence):
        for word in match.group(1).split():
            if _VERB.match(word):
                break
            noun = re.sub(r"['’]s?$", "", word.lower())
            if noun in _NOUN_KIND:
                return _NOUN_KIND[noun]
    return ""
