"""Collections: ask latency over corpus-1k split into 20 collections, against one store.

Chooses the store layout by measurement: a Chroma collection (and BM25 index, copies,
speakers) per collection, as ``rag.corpus.Library`` does, or one store whose articles carry
a collection field that each question filters on.

Built without embedding anything again: the chunks, their vectors and the articles are
read from the corpus-1k eval index (``newsdesk eval`` built it; pass a copy with
``--source``, it is only read) and written through each collection's write door
(``Corpus.write``, as an ingest writes them):

- **split**: 20 collections by source (cnn.com 10, usatoday.com 8, theweek.co.uk 1, the
  few others 1), each large source cut into shards by a hash of the article id;
- **tagged**: one store holding every article, its ``source`` set to its collection's name,
  so ``Filters(source=NAME)`` is exactly the other layout's collection filter (the same
  filter path: Chroma's ``where``, the BM25 catalogue, the article retrievers).

For each dev question (as of its day), in turn: one collection (the one holding its gold
article) in the split store; all 20 pooled; the tagged store filtered to that same
collection (the other layout); the tagged store unfiltered (the unsplit corpus). Also the
gold article's presence in the top 5 passages, so a layout that is faster by finding less
shows it.

    cp -r .newsdesk/eval/corpus-1k-41728924f5 /tmp/c1k   # a copy: it is only read
    python -m bench.collections --source /tmp/c1k [--questions dev.jsonl] [--rounds 2]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import REALTIMEQA, WORK, machine, peak_rss_mb, write_results
from bench.latency import stats
from rag.contract import Article, Filters, Query
from rag.desk import Newsdesk, build
from rag.search import Chunk
from services.evaluation import Question, eval_settings, load_questions
from services.settings import Settings, load_settings

SHARDS = {"cnn.com": 10, "usatoday.com": 8, "theweek.co.uk": 1}  # + "other": 20 in all
Written = tuple[Article, list[Chunk], Any]
PAGE = 1000


def collection_of(article: Article) -> str:
    """The article's collection: its source's, cut into shards by a hash of its id."""
    shards = SHARDS.get(article.source)
    if shards is None:
        return "other"
    slug = article.source.split(".")[0]
    digest = int(hashlib.sha1(article.doc_id.encode()).hexdigest(), 16)
    return f"{slug}-{digest % shards}" if shards > 1 else slug


def read_source(desk: Newsdesk) -> Iterator[Written]:
    """Every stored article with its chunks and their vectors, from the source index."""
    store: Any = desk.library.corpus().store  # a ChromaStore: its collections are read raw
    chunks: dict[str, list[tuple[Chunk, Any]]] = defaultdict(list)
    offset = 0
    while True:
        page = store.chunks.get(include=["metadatas", "documents", "embeddings"],
                                offset=offset, limit=PAGE)  # fmt: skip
        if not page["ids"]:
            break
        rows = zip(page["ids"], page["metadatas"], page["documents"], page["embeddings"],
                   strict=True)  # fmt: skip
        for chunk_id, meta, text, vector in rows:
            text = str(meta.get("text", text) or "")  # in metadata (older stores: document)
            chunk = Chunk(chunk_id, str(meta["doc_id"]), int(meta["seq"]), text,
                          int(meta["start"]), int(meta["end"]))  # fmt: skip
            chunks[chunk.doc_id].append((chunk, vector))
        offset += len(page["ids"])
    ids = sorted(chunks)
    for lo in range(0, len(ids), PAGE):
        for doc_id, article in store.get_articles(ids[lo : lo + PAGE]).items():
            ordered = sorted(chunks[doc_id], key=lambda pair: pair[0].seq)
            vectors = np.asarray([v for _, v in ordered], dtype=np.float32)
            yield article, [c for c, _ in ordered], vectors


def write(desk: Newsdesk, name: str, written: Sequence[Written]) -> None:
    """Through the collection's write door, 16 articles at a time (as an ingest does)."""
    corpus = desk.library.corpus(name, create=True)
    for lo in range(0, len(written), 16):
        corpus.write(written[lo : lo + 16])
    corpus.settle()


def store_settings(base: Settings, folder: Path) -> Settings:
    paths = {"mode": "local", "path": folder / "store", "cache_path": folder / "cache"}
    return base.model_copy(update={"store": base.store.model_copy(update=paths)})


def built(base: Settings, source: Path, folder: Path, rebuild: bool) -> tuple[Newsdesk, Newsdesk]:
    """The split and the tagged desks (built once; ``rebuild`` builds them again)."""
    split_s = store_settings(base, folder / "split")
    tagged_s = store_settings(base, folder / "tagged")
    if rebuild or not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        records = list(read_source(build(eval_settings(base, Path("corpus-1k"), source))))
        split, tagged = build(split_s), build(tagged_s)
        groups: dict[str, list[Written]] = defaultdict(list)
        for article, chunks, vectors in records:
            groups[collection_of(article)].append((article, chunks, vectors))
        for name, part in sorted(groups.items()):
            write(split, name, part)
        relabelled = [(a.model_copy(update={"source": collection_of(a)}), c, v)
                      for a, c, v in records]  # fmt: skip
        write(tagged, "default", relabelled)
        (folder / "done").write_text(f"built in {time.perf_counter() - started:.1f} s\n")
    return build(split_s), build(tagged_s)


def measure(
    split: Newsdesk, tagged: Newsdesk, questions: Sequence[Question], rounds: int
) -> dict[str, Any]:
    names = [n for n in split.collections() if n != "default"]
    where = {a.doc_id: a.source for a in tagged.iter_articles()}  # doc id -> its collection
    started = time.perf_counter()
    split.ask(Query(question=questions[0].query, collections=tuple(names)))  # opens all 20
    first_all = time.perf_counter() - started
    tagged.ask(questions[0].query)

    def layouts(q: Question) -> dict[str, Query]:
        home = next((where[d] for d in sorted(q.gold_doc_ids) if d in where), names[0])
        plain = Query(question=q.query, as_of=q.as_of)
        home_only = {"filters": Filters(source=home)}
        return {
            "one collection (split)": plain.model_copy(update={"collections": (home,)}),
            "all 20 collections (split)": plain.model_copy(update={"collections": tuple(names)}),
            "one collection (filter on one store)": plain.model_copy(update=home_only),
            "unsplit corpus (one store, no filter)": plain,
        }

    times: dict[str, list[float]] = defaultdict(list)
    found: dict[str, int] = defaultdict(int)
    for round_ in range(rounds):
        for q in questions:
            for label, query in layouts(q).items():
                desk = split if "(split)" in label else tagged
                began = time.perf_counter()
                desk.ask(query)
                times[label].append((time.perf_counter() - began) * 1000)
                if round_ == 0:
                    top = {c.doc_id for c in desk.search(query.model_copy(update={"top_k": 5}))}
                    found[label] += bool(top & q.gold_doc_ids)
    return {
        "collections": {n: split.stats(n) for n in names},
        "first_ask_over_all_20_s": round(first_all, 2),
        "ask": {label: stats(values) for label, values in times.items()},
        "gold_in_top5": {label: round(n / len(questions), 3) for label, n in found.items()},
        "questions": len(questions),
        "rounds": rounds,
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", required=True, help="a copy of the corpus-1k eval index")
    parser.add_argument("--questions", default=str(REALTIMEQA / "dev.jsonl"))
    parser.add_argument("--rounds", type=int, default=2, help="times each question is asked")
    parser.add_argument("--rebuild", action="store_true", help="build the stores again")
    args = parser.parse_args(argv)
    folder = WORK / "collections"
    split, tagged = built(load_settings(), Path(args.source), folder, args.rebuild)
    questions = load_questions(Path(args.questions))
    result = measure(split, tagged, questions, args.rounds)
    result["built"] = (folder / "done").read_text().strip()
    result["machine"] = machine()
    for label, figures in result["ask"].items():
        print(f"{label}: {figures}  gold in top 5: {result['gold_in_top5'][label]}")
    print(f"results: {write_results('collections', result)}")


if __name__ == "__main__":
    main()
