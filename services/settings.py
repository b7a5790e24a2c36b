"""Settings: one ``config.yaml`` validated by pydantic, with ``NEWSDESK_...`` env overrides.

Every field carries a description (``newsdesk config`` prints the validated result).
Relative paths resolve against the config file's folder, so several indexes (each with
its own config file) can live side by side. A bad key fails at start-up, named. The core's
sections are defined in :mod:`rag.config`; this module adds what only the application
reads (``server``, ``log_level``) and does the reading.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, field_validator

from rag.config import MB, CoreSettings, Section
from rag.corpus import DEFAULT, collection_name
from rag.errors import ConfigError, QueryError

ENV_PREFIX = "NEWSDESK_"
DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


class ServerSettings(Section):
    host: str = Field("127.0.0.1", description="Address `newsdesk serve` listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port `newsdesk serve` listens on.")
    api_key: str | None = Field(
        None,
        description="One key for the whole server: when set, write endpoints need "
        "`Authorization: Bearer KEY` (it is an admin of every collection). For several "
        "people or desks, use keys_file instead (both may be set).",
    )
    protect_reads: bool = Field(False, description="With api_key: reads need the key too.")
    keys_file: Path | None = Field(
        None,
        description="Named keys with roles (read, write, admin) and collections, kept as "
        "sha256 hashes in this YAML file (`newsdesk keys add|list|revoke` edit it; re-read "
        "when it changes). When set, every request but the probes needs a key.",
    )
    audit_log: Path | None = Field(
        None,
        description="Append-only JSON lines, one per write (ingest, delete, import, "
        "follow): who, when, which collection and articles (`newsdesk audit` prints "
        "them). Default: audit.jsonl in store.cache_path.",
    )
    max_upload_mb: float = Field(20.0, gt=0, description="Largest accepted request body.")
    poll_feeds: bool = Field(
        False, description="Poll the configured feeds in the background while serving."
    )
    embeddings_max_inputs: int = Field(
        2048,
        ge=1,
        le=100_000,
        description="Texts in one POST /v1/embeddings, at most (OpenAI's limit is 2048).",
    )
    embeddings_max_chars: int = Field(
        20_000,
        ge=1,
        description="Characters in one text of POST /v1/embeddings, at most (the model reads "
        "its first 256 tokens, about 1,000 characters).",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description="Web origins (https://host:port) whose pages may call the REST API from "
        "a browser; none by default (CORS closed).",
    )

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)


class FeedSettings(Section):
    url: str = Field(description="The RSS or Atom feed's URL (http or https).")
    name: str = Field("", description="Publisher name for its articles; else the feed's title.")
    interval_min: float = Field(
        30.0, ge=1, le=1440, description="Minutes between polls (a failing feed backs off)."
    )
    collection: str = Field(DEFAULT, description="The collection its articles are stored in.")

    @field_validator("collection")
    @classmethod
    def _named(cls, value: str) -> str:
        try:
            return collection_name(value)
        except QueryError as exc:  # pydantic names the key for a ValueError
            raise ValueError(str(exc)) from None


class McpSettings(Section):
    http: bool = Field(
        True, description="Serve the MCP tools over streamable HTTP at /mcp in `newsdesk serve`."
    )
    allow_ingest: bool = Field(
        False,
        description="Offer the ingest_url tool (it writes: with server.api_key set, HTTP "
        "clients need the key); read-only tools only by default.",
    )
    allow_follow: bool = Field(
        False,
        description="Offer the follow_question tool (it writes a followed question, with an "
        "optional webhook: with server.api_key set, HTTP clients need the key).",
    )


class FollowSettings(Section):
    webhook_attempts: int = Field(
        5,
        ge=1,
        le=20,
        description="Tries of one webhook delivery before it is given up (a 5xx, 408, 429, "
        "a timeout or a failed connection is retried; another 4xx or a refused address is not).",
    )
    webhook_backoff_s: float = Field(
        2.0, gt=0, le=3600, description="Seconds before a webhook's first retry, doubled after."
    )
    webhook_timeout_s: float = Field(
        10.0, gt=0, le=120, description="Seconds one webhook POST may take."
    )
    feed_entries: int = Field(
        100, ge=1, le=10_000, description="The newest passages a follow's Atom feed shows."
    )


class Settings(CoreSettings):
    """Everything in ``config.yaml``: the core's sections, the server's, the log level."""

    server: ServerSettings = Field(default_factory=ServerSettings, description="REST + UI.")
    mcp: McpSettings = Field(default_factory=McpSettings, description="MCP server tools.")
    follows: FollowSettings = Field(
        default_factory=FollowSettings,
        description="Followed questions: their webhooks and Atom feeds.",
    )
    feeds: list[FeedSettings] = Field(
        default_factory=list, description="Feeds `newsdesk watch` (and serve) follow."
    )
    log_level: str = Field("INFO", description="Logging level (DEBUG, INFO, WARNING).")


def config_path(explicit: str | Path | None = None) -> Path:
    """The config file to use: explicit path, else $NEWSDESK_CONFIG, else the repo's."""
    chosen = explicit or os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG
    return Path(chosen).expanduser().resolve()


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read, override from the environment, validate and resolve paths; or raise ConfigError."""
    file = config_path(path)
    raw = _read_yaml(file)
    _apply_env(raw, dict(os.environ) if env is None else env)
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{file}: {_describe(exc)}") from None
    return _resolve_paths(settings, file.parent)


def _read_yaml(file: Path) -> dict[str, Any]:
    if not file.is_file():
        raise ConfigError(f"config file not found: {file}")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: the top level must be a mapping of sections")
    return data


def _apply_env(raw: dict[str, Any], env: dict[str, str]) -> None:
    """NEWSDESK_STORE__PATH=x sets store.path; NEWSDESK_API_KEY is server.api_key."""
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        key = name[len(ENV_PREFIX) :].lower()
        parts = ["server", "api_key"] if key == "api_key" else key.split("__")
        node = raw
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name}: {part} is not a section")
        node[parts[-1]] = value if parts[-1] == "api_key" else yaml.safe_load(value)


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"bad key '{key}': {first['msg']}{more}"


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    store, server = settings.store, settings.server
    resolved = store.model_copy(
        update={"path": _under(base, store.path), "cache_path": _under(base, store.cache_path)}
    )
    files = {
        name: _under(base, path)
        for name in ("keys_file", "audit_log")
        if (path := getattr(server, name)) is not None
    }
    return settings.model_copy(
        update={"store": resolved, "server": server.model_copy(update=files)}
    )


def audit_path(settings: Settings) -> Path:
    """Where the audit log is written: ``server.audit_log``, else beside the caches."""
    return settings.server.audit_log or settings.store.cache_path / "audit.jsonl"


def _under(base: Path, path: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (base / path).resolve()
