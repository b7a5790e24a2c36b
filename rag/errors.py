"""One exception tree for Newsdesk.

Errors are raised with a message that says what went wrong and where (file, line, key);
only the edges (CLI, REST, UI) translate them into exit codes, HTTP statuses or warnings.
"""


class NewsdeskError(Exception):
    """Base class of every error Newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """The configuration file or an environment override is invalid."""


class IngestError(NewsdeskError):
    """One input (file, line, URL, JSON body) could not be turned into an article."""


class StoreError(NewsdeskError):
    """The vector store is unreachable or holds data Newsdesk cannot use."""


class NotFoundError(NewsdeskError):
    """A requested article (or other stored object) does not exist."""


class QueryError(NewsdeskError):
    """A question or its options are invalid (empty, too long, bad filter)."""


class LLMError(NewsdeskError):
    """The language model could not be reached or did not answer in time."""


class BusyError(NewsdeskError):
    """Every slot of a shared resource (the language model) stayed taken past the wait
    allowed; ``retry_after_s`` says when to try again."""

    def __init__(self, message: str, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class EmbeddingError(NewsdeskError):
    """The embedding model could not be used: its server (``embedding.backend: openai``)
    was unreachable, refused the request or sent vectors that do not fit."""


class AuthError(NewsdeskError):
    """No API key was sent where one is needed, or the key is unknown here (never made,
    or revoked): the caller is not known (HTTP 401)."""


class AccessError(NewsdeskError):
    """A known caller asked for more than its key allows: to write with a read key, or to
    see a collection the key does not name (HTTP 403)."""
