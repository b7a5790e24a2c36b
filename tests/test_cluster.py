"""``newsdesk ingest --ray`` on a real Ray cluster (a head and a worker node on 127.0.0.1,
started here) into a real ``chroma run`` server: it stores the same articles, chunk ids,
content hashes and chunk texts as a plain ingest of the same files, reports the same
failures, skips what is unchanged, and a desk on that server picks the articles up; with
the worker node killed mid-run (SIGKILL to its whole process group, as when a machine
dies) the job still completes, the store is consistent and the counts are exact.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rag.desk import build
from rag.embedding import Embedder
from services.settings import load_settings
from tests.chroma_server import chroma_server
from tests.conftest import ROOT
from tests.ray_nodes import RayCluster, node_env, ray_cluster

pytestmark = [pytest.mark.slow, pytest.mark.chroma_server, pytest.mark.ray]
WAIT = 900  # seconds: a bound on a hang, not a measurement
PLACES = ["harbour", "airport", "bridge", "station", "market", "library", "stadium", "school"]
WHAT = ["reopened", "closed", "flooded", "was sold", "was rebuilt", "was inspected"]
WHO = ["the mayor", "a spokeswoman", "the council", "engineers", "residents", "the minister"]


def _text(rng: random.Random, n: int, tag: str) -> str:
    sentences = []
    for k in range(n):
        place, what, who = rng.choice(PLACES), rng.choice(WHAT), rng.choice(WHO)
        sentences.append(
            f"The {place} in district {rng.randint(1, 400)} {what} on day {k} of the {tag} "
            f"works, {who} said, citing {rng.randint(2, 9000)} tonnes of {rng.choice(PLACES)} "
            "material."
        )
    return " ".join(sentences)


def _letters(i: int) -> str:
    """A word of its own for each article (digits would be split off by the tokenizer)."""
    return "".join("abcdefghij"[int(d)] for d in f"{i:03d}")


def _corpus(folder: Path) -> Path:
    """Three JSONL feeds, thirty text files (ids from their paths) and one broken file."""
    rng = random.Random(20)
    news = folder / "news"
    (news / "texts").mkdir(parents=True)
    for feed in ("alpha", "beta", "gamma"):
        rows = [
            {
                "doc_id": f"{feed}-{i}",
                "title": f"{feed} {i}",
                "source": feed.title(),
                "published_at": f"2024-0{1 + i % 9}-1{i % 9}",
                "body": _text(rng, rng.choice([4, 8, 30]), feed + _letters(i)),
            }
            for i in range(120)
        ]
        (news / f"{feed}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    for i in range(30):
        (news / "texts" / f"note-{i:02d}.txt").write_text(f"Note {i}\n\n{_text(rng, 6, 'n')}\n")
    (news / "texts" / "broken.txt").write_bytes(b"\x00\x01\x02 not text at all \xff\xfe")
    return news


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, RayCluster, Path]]:
    folder = tmp_path_factory.mktemp("cluster")
    corpus = _corpus(folder)
    with chroma_server(folder / "chroma") as port, ray_cluster(head_cpus=3) as cluster:
        yield port, cluster, corpus


def _config(folder: Path, port: int, collection: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / f"{collection}.yaml"
    store = f"store:\n  mode: http\n  port: {port}\n  collection: {collection}\n"
    store += f"  cache_path: {folder / ('cache-' + collection)}\n"
    config.write_text((ROOT / "config.yaml").read_text() + "\n" + store)
    return config


def _newsdesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk", *args]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _newsdesk(*args), capture_output=True, text=True, timeout=WAIT, env=node_env(), check=False
    )


def _client(port: int) -> Any:
    import chromadb  # here, not at the top: collecting the fast tier must not import it
    from chromadb.config import Settings as ChromaSettings

    return chromadb.HttpClient(
        host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
    )


def _stored(port: int, collection: str) -> tuple[dict[str, str], dict[str, str]]:
    """(article id -> content hash, chunk id -> chunk text) of a collection."""
    client = _client(port)
    articles = client.get_collection(f"{collection}_articles").get(include=["metadatas"])
    chunks = client.get_collection(f"{collection}_chunks").get(include=["documents"])
    metas = zip(articles["ids"], articles["metadatas"], strict=True)
    hashes = {i: str(m["content_hash"]) for i, m in metas}
    return hashes, dict(zip(chunks["ids"], chunks["documents"], strict=True))


def _failures(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith("failed: "))


def test_ray_ingest_stores_what_a_plain_ingest_stores(
    world: tuple[int, RayCluster, Path], tmp_path: Path, embedder: Embedder
) -> None:
    port, cluster, corpus = world
    plain, ray = _config(tmp_path, port, "plain"), _config(tmp_path, port, "onray")
    watcher = build(load_settings(_config(tmp_path / "w", port, "onray"), env={}), embedder)
    assert watcher.list_articles().total == 0  # a desk on the server before the ingest
    local = _run("ingest", str(corpus), "--config", str(plain))
    remote = _run("ingest", "--ray", cluster.address, str(corpus), "--config", str(ray))
    assert local.returncode == 2 and remote.returncode == 2, remote.stderr[-3000:]  # broken.txt
    assert remote.stdout == local.stdout  # "390 added, ... 1 failed (N chunks written)"
    assert "390 added" in remote.stdout
    assert _failures(remote.stderr) == _failures(local.stderr) != []
    assert _stored(port, "onray") == _stored(port, "plain")  # ids, hashes, chunk texts
    again = _run("ingest", "--ray", cluster.address, str(corpus), "--config", str(ray))
    assert "0 added, 0 updated, 390 unchanged" in again.stdout, again.stderr[-3000:]
    assert _run("check", "--config", str(ray)).stdout.strip() == "consistent"
    # the desk opened before the ingest sees its articles and finds them by their words
    assert watcher.list_articles().total == 390
    hits = watcher.search(f"What happened during the gamma{_letters(7)} works?")
    assert hits[0].doc_id == "gamma-7"


def test_a_worker_node_killed_mid_run_still_completes_exactly(
    world: tuple[int, RayCluster, Path], tmp_path: Path
) -> None:
    port, cluster, corpus = world
    config = _config(tmp_path, port, "killed")
    process = subprocess.Popen(
        _newsdesk("ingest", "--ray", cluster.address, str(corpus), "--config", str(config)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=node_env(),
    )
    stored_when_killed = _kill_after_first_write(port, cluster, process)
    out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 2, err[-3000:]  # broken.txt, and nothing else
    assert 0 < stored_when_killed < 390  # the node died mid-run
    assert "390 added, 0 updated, 0 unchanged, 1 failed" in out
    assert _run("check", "--config", str(config)).stdout.strip() == "consistent"
    plain = _config(tmp_path, port, "plain2")
    assert _run("ingest", str(corpus), "--config", str(plain)).stdout == out
    hashes, chunks = _stored(port, "killed")
    assert (hashes, chunks) == _stored(port, "plain2")  # exact: nothing lost or doubled
    assert len(hashes) == 390 and len(chunks) == int(out.split("(")[1].split()[0])


def _kill_after_first_write(port: int, cluster: RayCluster, process: subprocess.Popen[str]) -> int:
    """SIGKILL the worker node once the ingest has written its first articles; returns
    how many were stored then."""
    deadline = time.monotonic() + WAIT
    client = _client(port)
    while time.monotonic() < deadline:
        assert process.poll() is None, "the ingest ended before the worker node was killed"
        try:
            stored = int(client.get_collection("killed_articles").count())
        except Exception:  # not created yet
            stored = 0
        if stored:
            cluster.worker.kill()
            return stored
        time.sleep(0.2)
    raise AssertionError("no article was written in time")
