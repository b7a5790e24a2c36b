"""Ingest throughput against the raw encoder, in the same run, with a stage breakdown.

Ingests a corpus into a fresh store with the repo's settings (loading is timed apart),
times every stage (clean, chunk, embed, Chroma writes, BM25 sync), then embeds a sample of
the very same chunk texts with a fresh encoder and nothing else: the ratio of the two
throughputs is how close ingestion runs to the encoder's limit. Then ingests again to time
the skipping of unchanged articles.

    python -m bench.ingest --corpus corpus-1k [--raw-sample 2000] [--compare]
    python -m bench.ingest --corpus corpus --no-encoder [--chroma-server]

``--compare`` also times the raw encoder of each backend and precision (int8 ONNX, torch
fp32, torch bf16) on the same sample. ``--no-encoder``: everything but the encoder, the
chunks' vectors looked up from ``bench.scale``'s cache of the corpus's real vectors
(what an ingest costs when a GPU or another machine embeds). ``--chroma-server``: into a
``chroma run`` server started on 127.0.0.1 (``store.mode: http``) instead of the
embedded store.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rag.desk.preparing
from bench.common import (
    REALTIMEQA,
    WORK,
    Timer,
    corpus_path,
    machine,
    peak_rss_mb,
    write_results,
)
from ingest.loaders import load_paths
from rag.contract import ArticleInput
from rag.desk import Newsdesk, build
from rag.embedding import make_embedder, minilm_tokenizer, resolve_precision
from rag.search import signature
from rag.text import clean
from services.evaluation import eval_settings
from services.settings import Settings, load_settings


def fresh_settings(folder: Path) -> Settings:
    shutil.rmtree(folder, ignore_errors=True)
    settings = load_settings()
    paths = {"mode": "local", "path": folder / "store", "cache_path": folder / "cache"}
    return settings.model_copy(update={"store": settings.store.model_copy(update=paths)})


def instrument(desk: Newsdesk, timer: Timer, texts: list[str]) -> None:
    """Time each stage of ``desk.ingest`` and keep the embedded texts."""
    setattr(rag.desk.preparing, "clean", timer.wrap("clean", clean))  # noqa: B010
    chunker = desk.indexer.chunker
    chunker.split = timer.wrap("chunk", chunker.split)  # type: ignore[method-assign]
    embed = desk.embedder.embed

    def keep(batch: Sequence[str]) -> Any:
        texts.extend(batch)
        return embed(batch)

    desk.embedder.embed = timer.wrap("embed", keep)  # type: ignore[method-assign]
    setattr(rag.desk.preparing, "signature", timer.wrap("signature", signature))  # noqa: B010
    corpus = desk.corpus  # instrumented: a benchmark times the corpus's own parts
    store, index = corpus.store, corpus.index
    store.write_articles = timer.wrap("chroma_write", store.write_articles)  # type: ignore[method-assign]
    store.content_hashes = timer.wrap("hash_lookup", store.content_hashes)  # type: ignore[method-assign]
    index.sync = timer.wrap("bm25_sync", index.sync)  # type: ignore[method-assign]
    index.fold = timer.wrap("bm25_fold", index.fold)  # type: ignore[method-assign]
    index.prepare = timer.wrap("bm25_prepare", index.prepare)  # type: ignore[method-assign]
    corpus.copies.add_signed = timer.wrap("copies_add", corpus.copies.add_signed)  # type: ignore[method-assign]
    corpus.vectors.sync = timer.wrap("article_vectors", corpus.vectors.sync)  # type: ignore[method-assign]


def count_tokens(texts: Sequence[str]) -> int:
    """Word pieces the encoder reads (with [CLS]/[SEP], truncated like the encoder)."""
    return sum(len(e.ids) for e in minilm_tokenizer().encode_batch(list(texts)))


def raw_encoder(
    settings: Settings, texts: Sequence[str], backend: str, precision: str, device: str = "cpu"
) -> dict[str, float]:
    """Throughput of the bare encoder on ``texts`` (one warm-up call first)."""
    emb = settings.embedding
    embedder = make_embedder(backend, emb.batch_size, emb.threads, precision,
                             device=device, gpu_batch_size=emb.gpu_batch_size)  # fmt: skip
    embedder.embed(list(texts[:16]))
    started = time.perf_counter()
    embedder.embed(list(texts))
    seconds = time.perf_counter() - started
    tokens = count_tokens(texts)
    return {
        "chunks": len(texts),
        "seconds": round(seconds, 2),
        "chunks_per_s": round(len(texts) / seconds, 2),
        "tokens_per_s": round(tokens / seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="corpus-1k", help="corpus-1k, corpus, or a path")
    parser.add_argument("--raw-sample", type=int, default=2000, help="chunks for the raw run")
    parser.add_argument(
        "--compare", action="store_true", help="raw encoder of every backend and precision too"
    )
    parser.add_argument(
        "--keep", action="store_true", help="build in the corpus's eval store (for `eval`)"
    )
    parser.add_argument("--no-encoder", action="store_true", help="vectors from the cache")
    parser.add_argument("--chroma-server", action="store_true", help="into a `chroma run`")
    args = parser.parse_args(argv)
    if args.no_encoder:
        no_encoder(args.corpus, args.chroma_server)
        return
    corpus = Path(args.corpus)
    if not corpus.exists():
        corpus = REALTIMEQA / f"{args.corpus}.jsonl.gz"
    started = time.perf_counter()
    items = [i for i in load_paths([corpus], 1 << 30) if isinstance(i, ArticleInput)]
    load_s = time.perf_counter() - started
    folder = eval_settings(load_settings(), corpus).store.path.parent if args.keep else None
    settings = fresh_settings(folder or WORK / "ingest")
    desk = build(settings)
    timer, texts = Timer(), list[str]()
    instrument(desk, timer, texts)
    started = time.perf_counter()
    report = desk.ingest(items)
    total = time.perf_counter() - started
    rss = peak_rss_mb()
    tokens = count_tokens(texts)
    started = time.perf_counter()
    again = desk.ingest(items)
    reingest = time.perf_counter() - started
    step = max(1, len(texts) // args.raw_sample)
    sample = texts[::step][: args.raw_sample]
    emb, device = settings.embedding, desk.embedder.device
    precision = resolve_precision(emb.precision, device) if emb.backend == "torch" else "int8"
    raw = raw_encoder(settings, sample, emb.backend, precision, device)
    ingest: dict[str, Any] = {
        "articles": len(items),
        "chunks": report.chunks_written,
        "load_s": round(load_s, 2),
        "ingest_s": round(total, 2),
        "chunks_per_s": round(report.chunks_written / total, 2),
        "tokens": tokens,
        "tokens_per_s": round(tokens / total, 1),
        "stages_s": {k: round(v, 2) for k, v in timer.seconds.items()},
        "other_s": round(total - sum(timer.seconds.values()), 2),
        "peak_rss_mb": rss,
        "reingest_unchanged_s": round(reingest, 2),
        "reingest": again.summary(),
    }
    result: dict[str, Any] = {
        "corpus": str(corpus),
        "backend": emb.backend,
        "precision": precision,
        "device": device,
        "batch_size": desk.embedder.batch_size,
        "ingest": ingest,
        "raw_encoder": raw,
        "ratio_chunks_per_s": round(ingest["chunks_per_s"] / raw["chunks_per_s"], 3),
        "ratio_tokens_per_s": round(ingest["tokens_per_s"] / raw["tokens_per_s"], 3),
    }
    if args.compare:
        for backend, other in (("onnx", "int8"), ("torch", "fp32"), ("torch", "bf16")):
            result[f"raw_{backend}_{other}"] = raw_encoder(settings, sample, backend, other)
    result["machine"] = machine()
    for key, value in result.items():
        print(f"{key}: {value}")
    name = "ingest-" + corpus.name.split(".")[0]
    print(f"results: {write_results(name, result)}")


class KnownVectors:
    """The corpus's real vectors looked up by chunk text: an ingest without the encoder."""

    model_id = "all-MiniLM-L6-v2/torch"
    dimensions = 384
    device = "none (precomputed)"
    batch_size = 256

    def __init__(self, texts: Sequence[str], vectors: Any) -> None:
        self.by_text = dict(zip(texts, vectors, strict=True))

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        return np.stack([self.by_text[t] for t in texts])


def no_encoder(name: str, chroma_server: bool) -> None:
    """Ingest the corpus with everything but the encoder (see the module docstring)."""
    from bench.scale import base_vectors, prepared_corpus
    from bench.servers import chroma_server as chroma

    corpus = corpus_path(name)
    settings = fresh_settings(WORK / "ingest-noenc")
    prepared = prepared_corpus(settings, corpus)
    known = KnownVectors([t for p in prepared for t in p.texts], base_vectors(prepared, None))
    started = time.perf_counter()
    items = [i for i in load_paths([corpus], 1 << 30) if isinstance(i, ArticleInput)]
    load_s = time.perf_counter() - started
    with contextlib.ExitStack() as stack:
        if chroma_server:
            port = stack.enter_context(chroma(WORK / "ingest-noenc" / "server"))
            http = {"mode": "http", "port": port}
            settings = settings.model_copy(update={"store": settings.store.model_copy(update=http)})
        desk = build(settings, known)
        timer, texts = Timer(), list[str]()
        instrument(desk, timer, texts)
        started = time.perf_counter()
        report = desk.ingest(items)
        total = time.perf_counter() - started
    result = {
        "corpus": str(corpus),
        "store": "chroma server" if chroma_server else "embedded",
        "articles": len(items),
        "chunks": report.chunks_written,
        "load_s": round(load_s, 2),
        "ingest_s": round(total, 2),
        "chunks_per_s": round(report.chunks_written / total, 1),
        "stages_s": {k: round(v, 2) for k, v in timer.seconds.items()},
        "peak_rss_mb": peak_rss_mb(),
        "report": report.summary(),
        "machine": machine(),
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    tag = "-server" if chroma_server else ""
    print(f"results: {write_results(f'ingest-noenc{tag}-' + corpus.name.split('.')[0], result)}")


if __name__ == "__main__":
    main()
