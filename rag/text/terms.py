"""The one term tokenizer and the one stop-word list: what BM25 indexes and what the
answerer weighs; and the one list of numbers written as words.

Terms are lower-cased, stemmed content words and numbers; the stop words are function
words and the verbs of asking ("said", "tell"), which every news question and article
share and so say nothing about which passage answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import Stemmer

_STOPWORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves also said says say tell told according week weeks many much
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
# Numbers as news writes them in words ("one billion", "twelve states"), by value.
NUMBER_WORDS: dict[str, int] = {
    **{w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven "
                                  "twelve thirteen fourteen fifteen sixteen seventeen "
                                  "eighteen nineteen twenty".split(), start=1)},
    **{w: 10 * n for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(),
                                       start=3)},
}  # fmt: skip
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_stemmer = Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words and numbers ("270,000" -> "270000")."""
    words = [m.group().lower().replace(",", "") for m in _TOKEN.finditer(text)]
    words = [w.replace("’", "'").removesuffix("'s") for w in words]
    return list(_stemmer.stemWords([w for w in words if w not in STOPWORDS]))


def terms_many(texts: Sequence[str]) -> list[list[str]]:
    return [terms(t) for t in texts]
