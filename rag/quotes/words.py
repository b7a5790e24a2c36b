"""Word lists behind quote attribution: speech verbs, titles, places, first names.

Deliberately small; a name they do not know is treated as a possible person, which makes
pronouns *more* ambiguous and so leads to dropping a quote, never to guessing its speaker.
"""

from __future__ import annotations

from rag.text import STOPWORDS


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
NOT_NAME_WORDS = STOPWORDS | _set(
    "meanwhile however yet yes despite although though since even still "
    "follow read share leave exit related breaking watch update"
)
"""Words that are never part of a person's name: the one stop-word list of
:mod:`rag.text.terms`, with the discourse words and site chrome ("Meanwhile", "Follow",
"Related") that start capitalised lines of news text."""
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
