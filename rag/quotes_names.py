"""Helpers behind rule-based quote attribution (:mod:`rag.quotes`): word lists, names,
quotation marks, tokens and sentences.

Kept apart so that :mod:`rag.quotes` reads as the attribution rules only. The name side
answers one question: is this run of capitalised words a person, and which one? The
lists are deliberately small; a name they do not know is treated as a possible person,
which makes pronouns *more* ambiguous and so leads to dropping, never to guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple


class Token(NamedTuple):
    """A word, a punctuation mark, or a whole quotation ("q") of one paragraph."""

    text: str
    start: int
    end: int
    kind: str  # "w" word, "p" punctuation, "q" quotation including its marks
    tail: str = ""  # last character inside a quotation: tells `it,”` from a scare quote


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


SPEECH_VERBS = _set(
    "says said tells told adds added explains explained asserts asserted writes wrote "
    "states stated noted declares declared insists insisted argues argued claims claimed "
    "continued recalls recalled remarked replied responded warns warned stressed "
    "emphasizes emphasized emphasises emphasised suggests suggested announces announced "
    "acknowledges acknowledged admits admitted asks asked answered commented concluded "
    "confirms confirmed countered observed tweeted urged predicted promised vowed joked "
    "quipped mentioned complained reiterated recounted"
)
INVERTIBLE = _set("said says added asked wrote continued explained replied told")
PRONOUNS = _set("he she they")
SUBJECT_PRONOUNS = _set("he she they it we i")
MID_WORDS = _set(
    "has have had would will also then later again once previously earlier repeatedly further only"
)
TITLES = _set(
    "president vice prime minister secretary spokesman spokeswoman spokesperson chancellor "
    "senator sen rep representative congressman congresswoman governor gov mayor mr mrs ms "
    "miss dr prof professor sir dame lord lady king queen prince princess pope general gen "
    "admiral adm colonel col captain capt lieutenant lt sergeant sgt judge chief chairman "
    "chairwoman chair ceo director commissioner ambassador envoy premier speaker leader "
    "strongman head deputy aide adviser advisor official attorney lawyer founder analyst "
    "executive officer candidate nominee counsel president-elect dictator cardinal "
    "archbishop bishop rabbi imam reverend rev"
)
DESCRIPTORS = _set(
    "top senior former foreign defense defence finance interior press acting longtime "
    "veteran new outgoing incoming economy trade state national"
)
ARTICLES = _set("the a an")
STOPWORDS = _set(
    "the a an this that these those in on at for with from by of and but or as after before "
    "while when where if it its he she they we i you his her their our there here what who "
    "which how why some many most all both meanwhile however also yet so not no yes now then "
    "according despite although though since during under over about follow read share "
    "leave exit related breaking watch update just even still"
)
NATIONALITIES = _set(
    "american russian ukrainian french german british english chinese japanese korean "
    "israeli palestinian iranian iraqi syrian turkish saudi qatari indian pakistani afghan "
    "polish hungarian italian spanish dutch belgian swedish finnish norwegian danish "
    "canadian mexican brazilian argentine australian european african arab egyptian "
    "lebanese jordanian belarusian georgian kazakh taiwanese vietnamese venezuelan cuban "
    "greek irish scottish welsh swiss austrian czech romanian serbian croatian bulgarian "
    "estonian latvian lithuanian moldovan armenian azerbaijani communist republican "
    "democratic democrat conservative labour liberal socialist soviet western eastern "
    "northern southern kremlin"
)
PLACES = _set(
    "russia ukraine china america usa europe israel iran iraq syria turkey qatar india "
    "pakistan afghanistan poland hungary italy spain germany france britain england "
    "scotland ireland japan korea taiwan canada mexico brazil argentina australia africa "
    "egypt lebanon jordan belarus georgia kazakhstan vietnam venezuela cuba greece "
    "sweden finland norway denmark austria switzerland czechia romania serbia croatia "
    "bulgaria estonia latvia lithuania moldova armenia azerbaijan gaza crimea donbas donbass "
    "donetsk luhansk kherson zaporizhzhia kharkiv odesa moscow kyiv kiev beijing washington "
    "london paris berlin brussels tokyo jerusalem tehran damascus warsaw budapest rome "
    "madrid ankara minsk delhi ottawa geneva davos"
)
# Last words of names that are never people ("Foreign Ministry", "New York"), even after a
# first word that looks like a first name; a bare place ("Jordan") may be a surname.
INSTITUTIONS = _set(
    "kremlin pentagon congress senate parliament nato eu un who party house initiative "
    "council committee ministry court union bank agency army forces news times post press "
    "network company group foundation administration government reuters afp tass bloomberg "
    "facebook twitter telegram international states kingdom nations emirates arabia korea "
    "africa york kong lanka angeles zealand aviv dhabi monday tuesday wednesday thursday "
    "friday saturday sunday january february march april june july august september "
    "october november december"
)
MODIFIER_NOUNS = _set(
    "administration regime government team campaign era family allies ally loyalists "
    "supporters camp cabinet presidency doctrine plan deal policy policies agreement "
    "tariffs organization foundation envoy officials aides critics"
)
COMMON_SUBJECTS = _set(
    "police nobody everyone everybody someone somebody one none each staff media military "
    "government management another other either neither"
)
PARTICLES = _set("von van der den de da di du la le bin al el dos del")  # Ursula von der Leyen
PLACE_PREPS = _set("in into across near throughout inside")
MALE = _set(
    "dmitry dmitri vladimir volodymyr donald emmanuel joe joseph barack george bill john "
    "james robert michael william david richard thomas charles christopher daniel matthew "
    "mark paul steven steve andrew kevin brian jeff jeffrey ron marco mike mitt chuck "
    "keir rishi boris tony gordon david olaf friedrich viktor recep benjamin bibi sergei "
    "sergey alexei alexey andriy andrii oleksandr oleksiy mykhailo dmytro pete elon jd "
    "narendra justin pedro giorgio mohammed muhammad ali ahmed abdullah hassan ibrahim "
    "jake antony lloyd rex jens nicolas francois pierre luiz "
    "javier gustavo nayib kenneth peter jerome scott howard marco"
)
FEMALE = _set(
    "olha olga olena iryna yulia tetiana kateryna natalia maria anna elena ekaterina "
    "maria angela ursula kamala hillary nancy kristi tulsi karoline melania jill michelle "
    "theresa liz margaret marine giorgia kaja annalena christine jacinda sanna mette "
    "frances elizabeth mary patricia jennifer linda susan sarah karen lisa emily "
    "elise nikki marjorie lauren alexandria ilhan pam janet gina kristalina claudia "
    "maia sviatlana victoria"
)
FIRST_NAMES = MALE | FEMALE
HONORIFICS = {"mr": "m", "ms": "f", "mrs": "f", "miss": "f"}


def is_cap(tok: Token) -> bool:
    """A capitalised word: the only kind of token a name can be made of."""
    return tok.kind == "w" and tok.text[0].isupper()


def is_possessive(tok: Token) -> bool:
    """`Putin’s`, `Jones'`: a name used as a modifier, never a speaker."""
    return tok.kind == "w" and tok.text[-2:] in ("’s", "'s")


def _skip(word: str) -> bool:
    """Not part of a person's name: titles, function words, nationalities, acronyms."""
    low = word.lower()
    return (
        (word[0].islower() and word not in PARTICLES)
        or low in TITLES
        or low in STOPWORDS
        or (low in NATIONALITIES and low not in FIRST_NAMES)
        or (word.isupper() and sum(c.isalpha() for c in word) > 1)  # U.S., AFP
    )


def name_words(run: Sequence[Token]) -> list[str]:
    """The person name in a phrase: `Ukrainian Minister of Justice Olha Stefanishyna` ->
    [Olha, Stefanishyna]. Titles, descriptors and `of X` are cut, so only the name is left."""
    words: list[str] = []
    for tok in run:
        if tok.kind == "w":
            words.append(tok.text)
        elif tok.text == "." and words and len(words[-1]) == 1:
            words[-1] += "."  # the initial of `Donald J. Trump`
    cut = 0
    for k, word in enumerate(words):
        if _skip(word) or (k < len(words) - 1 and word[-2:] in ("’s", "'s")):
            cut = k + 1
    name = words[cut:]
    if cut and words[cut - 1] == "of" and name:
        firsts = [k for k, w in enumerate(name) if w.lower() in FIRST_NAMES]
        name = name[firsts[0] :] if firsts else name[1:]
    if name and name[-1][-2:] in ("’s", "'s"):
        name[-1] = name[-1][:-2]
    if not name or len(name[-1].rstrip(".")) < 2:
        return []  # a lone initial (`J.`, the `S.` of a split `U.S.`) is no surname
    return name[-4:]


def name_runs(toks: Sequence[Token]) -> list[tuple[int, int]]:
    """[lo, hi) index ranges of maximal capitalised runs, bridging `Mr.` and `Minister of X`."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not is_cap(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            t, prev = toks[j], toks[j - 1]
            nxt_cap = j + 1 < len(toks) and is_cap(toks[j + 1])
            dot = t.text == "." and (prev.text.lower() in TITLES or len(prev.text) == 1)
            bridge = t.text == "of" and prev.text.lower() in TITLES and nxt_cap
            if not (is_cap(t) or ((dot or bridge) and nxt_cap) or _particle(toks, j)):
                break
            j += 1
        runs.append((i, j))
        i = j
    return runs


def fold(name: str) -> list[str]:
    """Lower-case, accent-free name words without titles: how names are compared."""
    text = unicodedata.normalize("NFKD", name.casefold()).replace("’", "'")
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", text)
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    return [w for w in words if w not in TITLES and w not in ARTICLES]


class NameIndex:
    """What the whole article says about its names: full forms, genders, places."""

    def __init__(self) -> None:
        self.full: defaultdict[str, set[str]] = defaultdict(set)
        self.midcap: set[str] = set()
        self.placelike: set[str] = set()
        self.honorific: dict[str, str] = {}
        self.titled: set[str] = set()
        self._runs: list[tuple[list[str], bool, str, bool]] = []  # words, initial, Mr/Ms, title

    def learn(self, toks: Sequence[Token]) -> None:
        """Collect one sentence's evidence; call :meth:`finish` after the last sentence."""
        for i, tok in enumerate(toks):
            if i and is_cap(tok) and toks[i - 1].text not in ":—–-":
                self.midcap.add(tok.text)
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if tok.text in PLACE_PREPS and nxt and is_cap(nxt) and not is_possessive(nxt):
                self.placelike.add(nxt.text)
        for lo, hi in name_runs(toks):
            honorific = HONORIFICS.get(toks[lo].text.lower(), "")
            before = toks[lo - 1].text.lower() if lo else ""
            titled = before in TITLES or any(t.text.lower() in TITLES for t in toks[lo:hi])
            self._runs.append((name_words(toks[lo:hi]), lo == 0, honorific, titled))

    def finish(self) -> None:
        """Full forms, Mr./Ms. and titles, once all mid-sentence capitals are known."""
        for words, initial, honorific, titled in self._runs:
            words = self.trim(words, initial)
            if not words:
                continue
            if len(words) >= 2:
                self.full[words[-1].lower()].add(" ".join(words))
            if honorific:
                self.honorific[words[-1].lower()] = honorific
            if titled:
                self.titled.add(words[-1].lower())

    def trim(self, words: list[str], initial: bool) -> list[str]:
        """Drop a sentence-opening word glued to a name (`Later Putin said`) unless it is
        a known first name or also capitalised mid-sentence."""
        first = words[0] if initial and len(words) > 1 else ""
        drop = first and first not in self.midcap and first.lower() not in FIRST_NAMES
        return words[1:] if drop else words

    def canonical(self, words: Sequence[str]) -> str:
        """Fullest form of a name found in the article ("Peskov" -> "Dmitry Peskov").

        Fuller forms must agree on the first name; if two people share the surname
        ("Donald Trump", "Melania Trump") the name is left as it was written."""
        forms = [f for f in self.full.get(words[-1].lower(), ()) if _extends(f.split(), words)]
        if len({f.split()[0] for f in forms}) != 1:
            return " ".join(words)
        return max(forms, key=lambda f: (len(f.split()), f))

    def gender(self, name: str) -> str:
        """Gender hint "m", "f" or "" (unknown): a known first name or a Mr./Ms. seen."""
        words = name.split()
        first = words[0].lower()
        if len(words) > 1 and first in MALE:
            return "m"
        if len(words) > 1 and first in FEMALE:
            return "f"
        return self.honorific.get(words[-1].lower(), "")

    def is_single_word_name(self, word: str) -> bool:
        """A sentence-initial word is a name only if the article also capitalises it
        mid-sentence or knows a fuller form (so "Officials said" is no speaker)."""
        return word in self.midcap or word.lower() in self.full

    def plausible_initial_name(self, word: str) -> bool:
        """A sentence-initial subject of a speech verb that may be a name: known, or at
        least neither a plural ("Officials said") nor a common subject ("Police said")."""
        known = self.is_single_word_name(word)
        return known or not (word.endswith("s") or word.lower() in COMMON_SUBJECTS)

    def person_like(self, name: str, speakers: set[str]) -> bool:
        """Could this be a person a pronoun refers to? Places and institutions cannot."""
        words = name.split()
        last = words[-1].lower()
        if last in INSTITUTIONS or words[-1].isupper():
            return False
        if len(words) > 1:
            return True
        known = name in speakers or self.gender(name) != ""
        return last not in PLACES and (known or words[-1] not in self.placelike)

    def person_evidence(self, name: str) -> bool:
        """Known to be a person: a first name with a gender, Mr./Ms., or a title
        (`President`, `spokesman`) in front of the name somewhere in the article."""
        return self.gender(name) != "" or name.split()[-1].lower() in self.titled


def _extends(full: list[str], words: Sequence[str]) -> bool:
    """Is `full` a fuller form of `words`? "Dmitry Peskov" is one of "Peskov" and of
    itself, but not of "Anna Peskov": given first names must agree."""
    if len(words) == 1 or words[0] in PARTICLES:  # a surname alone, maybe `von der Leyen`
        return all(w in full for w in words)
    return full[0] == words[0] and all(w in full for w in words)


_MARK = re.compile("[\"“”„«»‘’']")
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[’'\-]\w+)*|[^\w\s]")
_ABBREVIATIONS = TITLES | set("jr sr st inc co corp ltd vs etc no jan feb mar apr jun".split())


# -- paragraphs, quotations, sentences ------------------------------------------------------


def quote_spans(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """(opening mark, after closing mark, closed) of the quotations of one paragraph.

    Double marks pair in order; single marks count only outside double quotes and when
    they are not apostrophes (`Putin’s`, `We’re`). An unclosed double quote runs to the
    paragraph end (news style for multi-paragraph quotes); an unclosed single one was an
    apostrophe after all."""
    spans: list[tuple[int, int, bool]] = []
    opened, single = -1, False
    for m in _MARK.finditer(text, lo, hi):
        i, mark = m.start(), m.group()
        before = text[i - 1] if i > lo else " "
        after = text[i + 1] if i + 1 < hi else " "
        if mark in "‘’'":
            if (opened >= 0 and not single) or (before.isalnum() and after.isalnum()):
                continue
            if opened >= 0 and not before.isspace():
                spans.append((opened, i + 1, True))
                opened = -1
            elif opened < 0 and mark != "’" and not after.isspace() and not before.isalnum():
                opened, single = i, True
        elif opened >= 0 and not single:
            if mark in '”"»':
                spans.append((opened, i + 1, True))
                opened = -1
        elif mark not in "”»" or before.isspace() or i == lo:
            opened, single = i, False
    if opened >= 0 and not single:
        spans.append((opened, hi, False))
    return spans


def tokenize(text: str, lo: int, hi: int) -> list[Token]:
    """Words and punctuation outside quotations, plus one "q" token per quotation."""
    tokens: list[Token] = []
    pos = lo
    for start, end, closed in quote_spans(text, lo, hi):
        tokens += _plain(text, pos, start)
        inner = text[start + 1 : end - 1 if closed else end].rstrip()
        end = end if closed else start + 1 + len(inner)
        tokens.append(Token(text[start:end], start, end, "q", inner[-1:]))
        pos = end
    return tokens + _plain(text, pos, hi)


def _plain(text: str, lo: int, hi: int) -> list[Token]:
    """Word and punctuation tokens of text outside quotations."""
    return [
        Token(m.group(), m.start(), m.end(), "w" if m.group()[0].isalnum() else "p")
        for m in _TOKEN.finditer(text, lo, hi)
    ]


def split_sentences(tokens: list[Token]) -> list[list[Token]]:
    """Split at . ! ? outside quotations (or after a quotation ending in one) before a
    capital or another quotation; `Mr.`, `J.` and `U.S.` do not end sentences."""
    out, start = [], 0
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        capital = nxt.kind == "q" or nxt.text[0].isupper() or nxt.text[0].isdigit()
        if tok.kind == "q":
            ends = tok.tail in (".", "!", "?") and (
                nxt.kind == "q" or (tok.tail == "." and capital)
            )
        else:
            prev = tokens[i - 1].text if i else ""
            after = tokens[i + 2].text if i + 2 < len(tokens) else ""
            initial_follows = len(nxt.text) == 1 and nxt.text.isupper() and after == "."
            abbreviation = tok.text == "." and (
                prev.lower() in _ABBREVIATIONS
                or (len(prev) == 1 and prev.isupper())
                or initial_follows  # `R-S.C.`: an initial follows, not a sentence
            )
            ends = tok.text in (".", "!", "?") and capital and not abbreviation
        if ends:
            out.append(tokens[start : i + 1])
            start = i + 1
    if start < len(tokens):
        out.append(tokens[start:])
    return out


# -- small token predicates -----------------------------------------------------------------


def is_verb(sent: list[Token], k: int) -> bool:
    """A lower-case speech verb ("said", "told"); title-case headlines do not attribute."""
    return 0 <= k < len(sent) and sent[k].kind == "w" and sent[k].text in SPEECH_VERBS


def _is_mid(sent: list[Token], k: int) -> bool:
    text = sent[k].text
    return sent[k].kind == "w" and (text in MID_WORDS or (text.endswith("ly") and text.islower()))


def skip_mid(sent: list[Token], k: int) -> int:
    """Step over `reportedly`, `has`, `in the past` between a speaker and the verb."""
    while k < len(sent):
        if _is_mid(sent, k):
            k += 1
        elif [t.text for t in sent[k : k + 3]] == ["in", "the", "past"]:
            k += 3
        else:
            return k
    return k


def skip_mid_back(sent: list[Token], k: int) -> int:
    """:func:`skip_mid`, reading backwards from the verb."""
    while k >= 0:
        if _is_mid(sent, k):
            k -= 1
        elif k >= 2 and [t.text for t in sent[k - 2 : k + 1]] == ["in", "the", "past"]:
            k -= 3
        else:
            return k
    return k


def in_phrase(sent: list[Token], k: int) -> bool:
    """Part of a speaker phrase: capitalised words, titles, `of`, the dot of `Mr.`/`J.`."""
    tok = sent[k]
    low = tok.text.lower()
    if tok.kind == "w":
        return (
            is_cap(tok) or low in TITLES or low in DESCRIPTORS or low == "of" or _particle(sent, k)
        )
    prev = sent[k - 1].text if k else ""
    return tok.text == "." and (prev.lower() in TITLES or (len(prev) == 1 and prev.isupper()))


def _particle(sent: Sequence[Token], k: int) -> bool:
    """`von`/`der` of `(Ursula) von der Leyen`: followed by a particle or a capital."""
    nxt = sent[k + 1] if k + 1 < len(sent) else None
    return sent[k].text in PARTICLES and nxt is not None and (is_cap(nxt) or _particle(sent, k + 1))


def apposition_comma(sent: list[Token], k: int) -> bool:
    """`the Kremlin spokesman, Dmitry Peskov`: a comma between a title and a name."""
    return (
        sent[k].text == ","
        and k > 0
        and sent[k - 1].text.lower() in TITLES
        and k + 1 < len(sent)
        and is_cap(sent[k + 1])
    )


def clause_start(sent: list[Token], k: int) -> bool:
    """Only articles, titles and capitalised words between the sentence (or an intro
    phrase ending in a comma) and token k: k starts the clause, so it is its subject."""
    i = k - 1
    while i >= 0 and (in_phrase(sent, i) or sent[i].text.lower() in ARTICLES):
        if sent[i].text.lower() in STOPWORDS - ARTICLES and i > 0:
            return False
        i -= 1
    return i < 0 or sent[i].text == ","


def ends_clause(sent: list[Token], k: int) -> bool:
    """`said Putin.` / `said Putin, adding`: the inverted speaker phrase ends there."""
    return k >= len(sent) or sent[k].kind == "p"
