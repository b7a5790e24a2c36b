"""How Newsdesk grows: the realtimeqa corpus replicated to 1,000,000 chunks and more.

The 82,803 chunks of the realtimeqa corpus keep their real MiniLM vectors, computed once
(``--vectors-from``: read, never written, from a copy of a store built from the corpus,
such as ``newsdesk eval``'s; else embedded here, half an hour and more on 2 cores) and
cached in ``.newsdesk/bench/scale/``. Copy r of each article (r = 1, 2, ...) has its own
ids (``DOC~rN``), its text lightly changed (the letters of a fixed third of the words,
those whose CRC32 is divisible by 3, replaced by others, same length and case, the same
way in the article and its chunks: offsets stay true, the vocabulary grows as a bigger
archive's does, and copies are not wire copies of one another: their word 5-shingles
differ), and its chunks' vectors jittered (gaussian noise of ``--noise`` per dimension,
re-normalised: cosine ~0.93 to the original at 0.02) so the vector index is not
flattered by duplicates. Retrieval quality on copies is not the point; the costs are.

The copies are stored with their vectors through the corpus's write door
(``Indexer.write``: the path of an ingest after the encoder), so the figures are an
ingest's without the encoder: Chroma writes, BM25, wire-copy signatures. Cleaning and
chunking, which do not grow with the store, are measured by ``bench.ingest``.

At each size: the ingest rate of the chunks added, disk, the BM25 index's memory, ask
p50/p95 in a fresh process and over HTTP (``newsdesk serve``), serve's ready time and RSS.

    python -m bench.scale --sizes 100000 300000 1000000 --vectors-from COPY_OF_EVAL_STORE
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bench.common import REALTIMEQA, WORK, Timer, machine, write_results
from bench.latency import http, stats
from ingest.loaders import load_paths
from rag.contract import ArticleInput, IngestReport, Query
from rag.desk import Newsdesk, Prepared, Preparer, build
from rag.search import Chunk, chunk_id, content_hash, signature
from services.evaluation import load_questions
from services.settings import Settings, load_settings

HOME = WORK / "scale"
_WORD = re.compile(r"[A-Za-z]{4,}")
WRITE_BATCH = 64  # articles handed to Indexer.write at a time (as an ingest does)


# --- the real corpus, prepared and embedded once -------------------------------------------


def prepared_corpus(settings: Settings, corpus: Path) -> list[Prepared]:
    """The corpus cleaned and chunked with the repo's settings (cached)."""
    cache = HOME / f"prepared-{corpus.name.split('.')[0]}.pkl"
    if cache.exists():
        loaded: list[Prepared] = pickle.loads(cache.read_bytes())
        return loaded
    preparer = Preparer(settings.chunking, settings.ingest)
    items = [i for i in load_paths([corpus], 1 << 30) if isinstance(i, ArticleInput)]
    todo, _ = preparer.plan(items, {})
    prepared = [p for p in preparer.prepare_all(todo) if isinstance(p, Prepared)]
    HOME.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(prepared))
    return prepared


def base_vectors(prepared: Sequence[Prepared], source: Path | None) -> np.ndarray:
    """The real vector of every chunk, in ``prepared`` order (cached)."""
    cache = HOME / "vectors.npz"
    ids = [c.chunk_id for p in prepared for c in p.chunks]
    if cache.exists():
        with np.load(cache) as data:
            if list(data["ids"]) == ids:
                return np.asarray(data["vectors"], dtype=np.float32)
    vectors = _vectors_from(source, ids) if source else _embed(prepared)
    np.savez(cache, ids=np.asarray(ids), vectors=vectors)
    return vectors


def _vectors_from(store: Path, ids: list[str]) -> np.ndarray:
    """The chunks' vectors read from a copy of a Chroma store that holds them."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(str(store), ChromaSettings(anonymized_telemetry=False))
    (chunks,) = [c for c in client.list_collections() if c.name.endswith("_chunks")]
    found: dict[str, np.ndarray] = {}
    for lo in range(0, len(ids), 2000):
        page = chunks.get(ids=ids[lo : lo + 2000], include=["embeddings"])
        found.update(zip(page["ids"], np.asarray(page["embeddings"], np.float32), strict=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise SystemExit(f"{len(missing)} chunks are not in {store} (first: {missing[0]})")
    return np.stack([found[i] for i in ids])


def _embed(prepared: Sequence[Prepared]) -> np.ndarray:
    from rag.embedding import make_embedder

    texts = [t for p in prepared for t in p.texts]
    print(f"embedding {len(texts)} chunks (once; cached)", flush=True)
    return make_embedder("torch").embed(texts)


# --- copies --------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 21)
def _respelt(word: str, copy: int) -> str:
    """A word of copy ``copy``: the word itself, or (a third of all words, always the same
    third) other letters in the same case, the same for every use of it in that copy."""
    if zlib.crc32(word.lower().encode()) % 3:
        return word
    state = zlib.crc32(f"{word.lower()}|{copy}".encode())
    out = []
    for ch in word:
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(chr((65 if ch.isupper() else 97) + (state >> 16) % 26))
    return "".join(out)


def respell(text: str, copy: int) -> str:
    return _WORD.sub(lambda m: _respelt(m.group(), copy), text)


def copy_of(original: Prepared, copy: int, key: str) -> Prepared:
    """Copy ``copy`` of a prepared article: its own ids and hash, respelt text and chunks
    (same offsets), a signature of its own."""
    a = original.article
    doc_id = f"{a.doc_id}~r{copy}"
    text = respell(a.text, copy)
    item = ArticleInput(text=text, title=a.title, source=a.source, published_at=a.published_at,
                        url=f"{a.url}#r{copy}" if a.url else "", authors=a.authors,
                        doc_id=doc_id)  # fmt: skip
    digest = content_hash(item, key)
    chunks = [
        Chunk(chunk_id(doc_id, digest, c.seq), doc_id, c.seq, respell(c.text, copy), c.start, c.end)
        for c in original.chunks
    ]
    article = a.model_copy(update={"doc_id": doc_id, "text": text, "url": item.url,
                                   "content_hash": digest, "origin": ""})  # fmt: skip
    return Prepared(article, chunks, True, signature(text))


def jitter(vectors: np.ndarray, copy: int, noise: float) -> np.ndarray:
    rng = np.random.default_rng(copy)
    moved = vectors + rng.normal(0, noise, vectors.shape).astype(np.float32)
    normalised: np.ndarray = (moved / np.linalg.norm(moved, axis=1, keepdims=True)).astype(
        np.float32
    )
    return normalised


def stream(
    prepared: Sequence[Prepared], vectors: np.ndarray, start: int, stop: int, noise: float, key: str
) -> Iterator[tuple[list[Prepared], np.ndarray]]:
    """Articles number ``start`` to ``stop`` of the replicated corpus (copy 0 is the real
    one), in batches, with their chunks' vectors."""
    n = len(prepared)
    offsets = np.cumsum([0] + [len(p.chunks) for p in prepared])
    for lo in range(start, stop, WRITE_BATCH):
        batch, parts = [], []
        for k in range(lo, min(stop, lo + WRITE_BATCH)):
            copy, i = divmod(k, n)
            original = prepared[i]
            own = vectors[offsets[i] : offsets[i + 1]]
            batch.append(original if copy == 0 else copy_of(original, copy, key))
            parts.append(own if copy == 0 else jitter(own, copy * n + i, noise))
        yield batch, np.concatenate(parts)


def articles_for(prepared: Sequence[Prepared], chunks: int) -> int:
    """How many articles of the replicated corpus hold about ``chunks`` chunks."""
    per_copy = sum(len(p.chunks) for p in prepared)
    copies = chunks // per_copy
    count, total = copies * len(prepared), copies * per_copy
    for p in prepared:
        if total >= chunks:
            break
        total += len(p.chunks)
        count += 1
    return count


# --- measuring ----------------------------------------------------------------------------


def grow(desk: Newsdesk, source: Iterator[tuple[list[Prepared], np.ndarray]]) -> dict[str, Any]:
    """Store the batches through the write door (as an ingest does after the encoder);
    the stages timed. Making the copies (respelling, jitter, signatures) is timed apart:
    in an ingest the signature is the preparer's work."""
    timer = Timer()
    store, index, copies = desk.corpus.store, desk.corpus.index, desk.corpus.copies
    store.write_articles = timer.wrap("chroma_write", store.write_articles)  # type: ignore[method-assign]
    index.defer = timer.wrap("bm25_note", index.defer)  # type: ignore[method-assign]
    index.fold = timer.wrap("bm25_fold", index.fold)  # type: ignore[method-assign]
    copies.add_signed = timer.wrap("copies_add", copies.add_signed)  # type: ignore[method-assign]
    write = timer.wrap("write_door", desk.indexer.write)
    report = IngestReport()
    started = time.perf_counter()
    making = time.perf_counter()
    for batch, vectors in source:
        timer.seconds["make_copies"] = timer.seconds.get("make_copies", 0.0) + (
            time.perf_counter() - making
        )
        write(batch, vectors, report)
        making = time.perf_counter()
    settle = timer.wrap("settle", desk.corpus.settle)
    settle()
    total = time.perf_counter() - started
    door = total - timer.seconds.get("make_copies", 0.0)
    return {
        "chunks_added": report.chunks_written,
        "articles_added": len(report.added),
        "seconds": round(total, 1),
        "write_door_chunks_per_s": round(report.chunks_written / door, 1) if door else 0,
        "stages_s": {k: round(v, 1) for k, v in timer.seconds.items()},
    }


def disk_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def phase(name: str, **params: Any) -> dict[str, Any]:
    """Run one phase in a fresh process (its memory its own); its JSON result."""
    argv = [sys.executable, "-m", "bench.scale", "--phase", name, "--params", json.dumps(params)]
    out = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _grow_phase(config: str, size: int, noise: float, corpus: str) -> dict[str, Any]:
    settings = load_settings(config)
    prepared = prepared_corpus(settings, Path(corpus))
    vectors = base_vectors(prepared, None)
    key = Preparer(settings.chunking, settings.ingest).key()
    desk = build(settings)
    have, want = desk.corpus.store.count_articles(), articles_for(prepared, size)
    print(f"growing to ~{size} chunks: articles {have} -> {want}", file=sys.stderr, flush=True)
    grown = grow(desk, stream(prepared, vectors, have, want, noise, key)) if want > have else {}
    return {**grown, "peak_rss_mb": _rss_mb("VmHWM"), "chunks": desk.corpus.store.count_chunks()}


def _ask_phase(config: str, questions: str, limit: int) -> dict[str, Any]:
    """Ask latency in a fresh process (open, a first ask, then every question), its RSS,
    and the memory the BM25 index takes (RSS before and after loading it again alone)."""
    from rag.search import BM25Index

    settings = load_settings(config)
    started = time.perf_counter()
    desk = build(settings)
    asked = load_questions(Path(questions))[:limit]
    desk.ask(Query(question=asked[0].query, as_of=asked[0].as_of))
    first = time.perf_counter() - started
    totals, retrieve = [], []
    for q in asked:
        t0 = time.perf_counter()
        answer = desk.ask(Query(question=q.query, as_of=q.as_of))
        totals.append((time.perf_counter() - t0) * 1000)
        retrieve.append(answer.timings_ms["retrieve"])
    rss = _rss_mb()
    index = BM25Index(desk.corpus.index.cache_dir)  # a second copy: what one index takes
    bm25 = round(_rss_mb() - rss, 1)
    facts = {"bm25_chunks": len(index.catalogue), "bm25_terms": len(index.vocab),
             "bm25_nnz": int(index.counts.nnz)}  # fmt: skip
    del index
    desk.corpus.index.generation = "another process wrote"  # what a worker does then:
    t0 = time.perf_counter()
    desk.corpus.catch_up()  # re-read the chunk list, recompute the index
    catch_up = time.perf_counter() - t0
    return {"open_and_first_ask_s": round(first, 2), "ask": stats(totals),
            "catch_up_after_a_foreign_write_s": round(catch_up, 2),
            "retrieve": stats(retrieve), "rss_mb": rss, "bm25_load_rss_mb": bm25,
            **facts}  # fmt: skip


PHASES: dict[str, Callable[..., dict[str, Any]]] = {"grow": _grow_phase, "ask": _ask_phase}


def scale_settings(fresh: bool) -> tuple[Settings, Path]:
    """The repo's settings with a store of its own under ``.newsdesk/bench/scale``."""
    base = load_settings()
    folder = HOME / "store"
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
    paths = {"mode": "local", "path": folder / "chroma", "cache_path": folder / "cache"}
    settings = base.model_copy(update={"store": base.store.model_copy(update=paths)})
    config = HOME / "config.yaml"
    HOME.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(settings.model_dump(mode="json")), encoding="utf-8")
    return settings, config


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--corpus", default=str(REALTIMEQA / "corpus.jsonl.gz"))
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--vectors-from", type=Path, help="a copy of a store holding the corpus")
    parser.add_argument("--noise", type=float, default=0.02, help="jitter per dimension")
    parser.add_argument("--asks", type=int, default=86, help="questions asked at each size")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--fresh", action="store_true", help="start the store again")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(PHASES[args.phase](**json.loads(args.params))))
        return
    settings, config = scale_settings(args.fresh)
    prepared = prepared_corpus(settings, Path(args.corpus))
    vectors = base_vectors(prepared, args.vectors_from)
    results: dict[str, Any] = {"noise": args.noise, "corpus_chunks": len(vectors), "sizes": {}}
    for size in sorted(args.sizes):
        step: dict[str, Any] = {"load_avg_before": os.getloadavg()}
        step["grow"] = phase("grow", config=str(config), size=size, noise=args.noise,
                             corpus=args.corpus)  # fmt: skip
        step["disk_mb"] = {"chroma": disk_mb(settings.store.path),
                           "cache": disk_mb(settings.store.cache_path)}  # fmt: skip
        step["in_process"] = phase("ask", config=str(config), questions=args.questions,
                                   limit=args.asks)  # fmt: skip
        if not args.no_http:
            asked = load_questions(Path(args.questions))[: args.asks]
            step["http"] = http(config, asked, args.port)
        step["load_avg_after"] = os.getloadavg()
        results["sizes"][str(size)] = step
        print(json.dumps({size: step}, indent=1), flush=True)
    results["machine"] = machine()
    print(f"results: {write_results('scale', results)}")


if __name__ == "__main__":
    main()
