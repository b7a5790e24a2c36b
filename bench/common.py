"""Helpers every benchmark shares: the machine, the data, results files and memory peaks.

Benchmarks read ``../shared/eval`` by path (tests never do; ``$BENCH_EVAL_DIR`` names
another folder, e.g. from a git worktree) and write their figures to
``bench/results/`` (gitignored); BENCHMARKS.md records them with the exact commands.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import resource
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]


def _shared_eval() -> Path:
    """``../shared/eval`` beside the checkout (a worktree one level deeper finds it too;
    ``NEWSDESK_EVAL_DATA`` names another folder)."""
    named = os.environ.get("NEWSDESK_EVAL_DATA")
    if named:
        return Path(named)
    found = [p / "shared" / "eval" for p in ROOT.parents if (p / "shared" / "eval").is_dir()]
    return found[0] if found else ROOT.parent / "shared" / "eval"


EVAL = _shared_eval()
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / ".newsdesk" / "bench"
REALTIMEQA = EVAL / "realtimeqa"


def machine() -> dict[str, Any]:
    """What the figures were measured on (they mean little without it)."""
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        mem_kb = int(info.readline().split()[1])
    packages = ("onnxruntime", "torch", "chromadb", "llama-index-core", "tokenizers")
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "gpu": "none",
        "python": platform.python_version(),
        "versions": {p: version(p) for p in packages},
        "load_avg_at_start": os.getloadavg(),
    }


def read_corpus(path: Path) -> Iterator[dict[str, Any]]:
    """Articles of a shared corpus file (.jsonl or .jsonl.gz), one dict each."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_results(name: str, data: dict[str, Any]) -> Path:
    """``bench/results/<name>-<timestamp>.json``, plus ``<name>-latest.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "at": time.strftime("%Y-%m-%d %H:%M:%S"), **data}
    text = json.dumps(data, indent=2, default=str) + "\n"
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(text, encoding="utf-8")
    (RESULTS / f"{name}-latest.json").write_text(text, encoding="utf-8")
    return path


class Timer:
    """Accumulates seconds per named stage (for ingest breakdowns)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, name: str, func: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        return timed


def corpus_path(name: str) -> Path:
    """A corpus given by path, or by its name under ``../shared/eval/realtimeqa``."""
    path = Path(name)
    return path if path.exists() else REALTIMEQA / f"{name}.jsonl.gz"


def fresh_store_config(folder: Path) -> Path:
    """An empty folder with a config.yaml whose store and cache live inside it."""
    import shutil

    import yaml

    from services.settings import load_settings

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    settings = load_settings()
    paths = {"mode": "local", "path": folder / "store", "cache_path": folder / "cache"}
    settings = settings.model_copy(update={"store": settings.store.model_copy(update=paths)})
    config = folder / "config.yaml"
    config.write_text(yaml.safe_dump(settings.model_dump(mode="json")), encoding="utf-8")
    return config
