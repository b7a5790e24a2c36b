"""The cost of following questions: checking new articles against followed questions,
per article and followed question (the target is 5 ms or less), and a speaker's timeline
on the same store.

Every article of an indexed store is treated as new, in ingest-sized batches (16), and
checked against the followed questions the way the ingest listener checks them
(``Following.check``: ``Newsdesk.answers_in`` over the batch, then the passages found
recorded in a scratch folder). Nothing is cached beforehand: each article is read,
split into sentences and attributed once per batch, as after a real ingest.

    python -m bench.follows --store .newsdesk/eval/corpus-1k-41728924f5 \\
        --questions ../shared/eval/realtimeqa/dev.jsonl [--follows 20] [--limit 1200]

The followed questions: half "What did X say?" for the store's most quoted speakers
(every new quote of theirs answers), half questions of the given set (facts). The
speaker timeline is timed cold (every article attributed), warm (cached in memory) and
after reopening (read from the cache file).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import REALTIMEQA, ROOT, machine, peak_rss_mb, write_results
from rag.contract import IngestReport
from rag.desk import Newsdesk, build
from rag.desk.speaker_index import CACHE
from services.follows import Following
from services.settings import Settings, load_settings

BATCH = 16
DEFAULT_STORE = ROOT / ".newsdesk" / "eval" / "corpus-1k-41728924f5"


def store_settings(folder: Path) -> Settings:
    settings = load_settings()
    paths = {"mode": "local", "path": folder / "store", "cache_path": folder / "cache"}
    return settings.model_copy(update={"store": settings.store.model_copy(update=paths)})


def questions(desk: Newsdesk, path: Path, n: int) -> list[str]:
    """Half speaker questions (the most quoted speakers), half questions of facts."""
    speakers = [s.name for s in desk.speakers(limit=n).speakers][: n // 2]
    asked = [f"What did {name} say?" for name in speakers]
    if path.is_file():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        asked += [str(r["query"]) for r in rows if r.get("query")][: n - len(asked)]
    return asked[:n]


def check_all(
    desk: Newsdesk, settings: Settings, follows: list[str], ids: list[str]
) -> dict[str, Any]:
    """Every article as new, BATCH at a time, through the ingest listener's own check."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-follows-"))
    store = settings.store.model_copy(update={"cache_path": scratch})
    following = Following(desk, settings.model_copy(update={"store": store}))
    for question in follows:
        following.add(question)
    per_batch: list[float] = []
    found = 0
    for lo in range(0, len(ids), BATCH):
        report = IngestReport(added=ids[lo : lo + BATCH])
        started = time.perf_counter()
        found += len(following.check("default", report))
        per_batch.append(time.perf_counter() - started)
    pairs = len(ids) * len(follows)
    total = sum(per_batch)
    return {
        "articles": len(ids),
        "follows": len(follows),
        "passages_recorded": found,
        "total_s": round(total, 2),
        "ms_per_article_and_follow": round(total * 1000 / pairs, 3),
        "ms_per_article_all_follows": round(total * 1000 / len(ids), 2),
        "ms_per_batch_median": round(statistics.median(per_batch) * 1000, 1),
        "ms_per_batch_max": round(max(per_batch) * 1000, 1),
    }


def timeline(settings: Settings, name: str) -> dict[str, Any]:
    """A speaker's timeline: cold (the cache file removed), warm, then reopened."""
    desk = build(settings)
    (desk.corpus.index.cache_dir / CACHE).unlink(missing_ok=True)
    times = {}
    for label in ("cold", "warm"):
        started = time.perf_counter()
        found = desk.speaker_timeline(name)
        times[f"{label}_ms"] = round((time.perf_counter() - started) * 1000, 1)
    started = time.perf_counter()
    build(settings).speaker_timeline(name)
    times["reopened_ms"] = round((time.perf_counter() - started) * 1000, 1)
    size = (desk.corpus.index.cache_dir / CACHE).stat().st_size
    return {"name": name, "quotes": found.total, "cache_kb": round(size / 1024), **times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE, help="an indexed store")
    parser.add_argument("--questions", type=Path, default=REALTIMEQA / "dev.jsonl")
    parser.add_argument("--follows", type=int, default=20)
    parser.add_argument("--limit", type=int, default=None, help="the first N articles only")
    args = parser.parse_args()
    settings = store_settings(args.store.resolve())
    desk = build(settings)
    desk.warm_up()
    follows = questions(desk, args.questions, args.follows)  # (reads: the index is current)
    ids = desk.corpus.index.catalogue.article_ids[: args.limit]
    checked = check_all(desk, settings, follows, list(ids))
    top = desk.speakers(limit=1).speakers[0].name
    results = {
        "machine": machine(),
        "store": str(args.store),
        "followed": follows,
        "check": checked,
        "speaker_timeline": timeline(settings, top.split()[-1]),
        "peak_rss_mb": peak_rss_mb(),
    }
    path = write_results("follows", results)
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2))
    print(f"results: {path}")


if __name__ == "__main__":
    main()
