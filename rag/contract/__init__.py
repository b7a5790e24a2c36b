"""The types every layer shares, defined once: the CLI's ``--json``, the REST API (as its
response models, so ``/docs`` documents them) and the UI all use these classes directly.

Spans (``start``/``end``) are always character offsets into the *stored article text*,
so ``article.text[start:end]`` is the verbatim passage a citation points at.

Import them from here, never from the private modules, which only split the contract by
job: articles, asking, answers, claims, following, speakers.
"""

from types import FunctionType

from rag.contract._answers import (
    Answer,
    Citation,
    Feedback,
    FeedbackReason,
    Statement,
    Verification,
    Vote,
)
from rag.contract._articles import (
    Article,
    ArticleInput,
    ArticleMeta,
    ArticlePage,
    CollectionCount,
    IngestFailure,
    IngestReport,
    Kind,
    Locations,
    SourceCount,
    public_origin,
)
from rag.contract._asking import ChatMessage, DateWindow, Filters, Query
from rag.contract._claims import (
    ClaimCheck,
    ClaimPart,
    ClaimQuery,
    ClaimVerdict,
    Evidence,
    Mark,
    PartKind,
    QuoteVerdict,
    WordChange,
)
from rag.contract._following import FeedStatus, Follow, FollowedPassage
from rag.contract._speakers import (
    SpeakerCount,
    SpeakerList,
    SpeakerQuote,
    SpeakerTimeline,
    WeekCount,
)

__all__ = [
    "Answer",
    "Article",
    "ArticleInput",
    "ArticleMeta",
    "ArticlePage",
    "ChatMessage",
    "Citation",
    "ClaimCheck",
    "ClaimPart",
    "ClaimQuery",
    "ClaimVerdict",
    "CollectionCount",
    "DateWindow",
    "Evidence",
    "FeedStatus",
    "Feedback",
    "FeedbackReason",
    "Filters",
    "Follow",
    "FollowedPassage",
    "IngestFailure",
    "IngestReport",
    "Kind",
    "Locations",
    "Mark",
    "PartKind",
    "Query",
    "QuoteVerdict",
    "SourceCount",
    "SpeakerCount",
    "SpeakerList",
    "SpeakerQuote",
    "SpeakerTimeline",
    "Statement",
    "Verification",
    "Vote",
    "WeekCount",
    "WordChange",
    "public_origin",
]

# As httpx does: the classes and functions say they are ``rag.contract``'s, as before the
# split, so reprs, pickles (ingest workers) and docs name the package, not a private module.
for _public in [globals()[name] for name in __all__]:
    if isinstance(_public, type | FunctionType):
        _public.__module__ = __name__
del _public
