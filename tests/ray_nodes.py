"""A Ray cluster of two nodes on 127.0.0.1 (a head and one worker), for the cluster tests.

``ray start`` turns ``--node-ip-address=127.0.0.1`` into the machine's own address (Ray
wants a remotely reachable one); the nodes here must never leave 127.0.0.1, so they are
started through this module, which keeps the loopback address as given: run as
``python -m tests.ray_nodes start ...`` (``ray start``'s own arguments). Each node runs in
its own process group (``ray start --block``), so one can be killed whole, as when a
machine dies.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_S = 180  # a bound on waiting for a node, not a measurement


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    process: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL the node's whole process group (its raylet, workers and actors)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@dataclass
class RayCluster:
    address: str
    head: Node
    worker: Node
    temp: Path


def node_env() -> dict[str, str]:
    """The environment of the nodes (and their workers): this checkout importable, no
    usage statistics, no model downloads, loopback addresses."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        RAY_USAGE_STATS_ENABLED="0",
        RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0",
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def _start(args: list[str], log: Path) -> Node:
    out = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ray_nodes", "start", "--block", *args],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=node_env(),
        cwd=ROOT,
        start_new_session=True,  # its own process group: killed as one
    )
    return Node(process, log)


def _wait_for_nodes(address: str, count: int, nodes: list[Node]) -> None:
    """Until ``ray status`` at ``address`` lists ``count`` nodes."""
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        for node in nodes:
            if node.process.poll() is not None:
                raise RuntimeError(f"a Ray node stopped: {node.log.read_text()[-3000:]}")
        probe = subprocess.run(
            [sys.executable, "-m", "tests.ray_nodes", "status", "--address", address],
            capture_output=True,
            text=True,
            env=node_env(),
            cwd=ROOT,
            check=False,
        )
        if probe.stdout.count("node_") >= count:
            return
        time.sleep(1)
    raise RuntimeError(f"Ray did not list {count} nodes in {START_S} s")


@contextmanager
def ray_cluster(head_cpus: int = 2, worker_cpus: int = 2) -> Iterator[RayCluster]:
    """A head and a worker node on 127.0.0.1 with these logical CPUs; both killed at the
    end (only the processes started here)."""
    temp = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))  # short: Ray's socket paths
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = [
        "--node-ip-address=127.0.0.1",
        "--num-gpus=0",
        "--object-store-memory=200000000",
        "--disable-usage-stats",
    ]
    head_args = ["--head", f"--port={port}", "--include-dashboard=false", f"--temp-dir={temp}"]
    head = _start([*head_args, f"--num-cpus={head_cpus}", *common], temp / "head.log")
    nodes = [head]
    try:
        _wait_for_nodes(address, 1, nodes)
        worker_args = [f"--address={address}", f"--num-cpus={worker_cpus}", *common]
        worker = _start(worker_args, temp / "worker.log")
        nodes.append(worker)
        _wait_for_nodes(address, 2, nodes)
        yield RayCluster(address, head, worker, temp)
    finally:
        for node in reversed(nodes):
            node.kill()
        shutil.rmtree(temp, ignore_errors=True)


def main() -> int:
    """``ray``'s command line, with a loopback ``--node-ip-address`` kept as given."""
    import ray._private.ray_constants as constants
    import ray._private.services as services
    from ray.scripts.scripts import main as ray_main

    constants.ENABLE_RAY_CLUSTER = True  # a worker node may join (the env var says no)
    services.resolve_ip_for_localhost = lambda host: host
    sys.argv = ["ray", *sys.argv[1:]]
    ray_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
