"""Where the encoder runs (a CUDA GPU, Apple's MPS, or the CPU) and in which precision.

``embedding.device: auto`` takes a CUDA GPU, else MPS, else the CPU. What the machine
offers is asked of a *probe* (torch's view by default), so the choice can be tested with
a stand-in machine that says what it is, on a laptop without a GPU.
Precision ``auto``: fp16 on a GPU (what GPUs compute fastest; MiniLM's vectors agree with
fp32's to cosine >= 0.9999); on the CPU bf16 only where it computes it natively (elsewhere
autocast emulates bf16 and is slower than fp32).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import ConfigError

DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class Accelerators:
    """What a machine offers the encoder besides its CPU."""

    cuda: bool = False
    mps: bool = False
    name: str = "CPU"  # the GPU's name when there is one, for the log


Probe = Callable[[], Accelerators]


def torch_accelerators() -> Accelerators:
    """The accelerators torch can use here (a CPU build of torch sees none)."""
    import torch

    if torch.cuda.is_available():
        return Accelerators(cuda=True, name=torch.cuda.get_device_name(0))
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return Accelerators(mps=True, name="Apple MPS")
    return Accelerators()


def pick_device(requested: str, probe: Probe = torch_accelerators) -> str:
    """``cpu``, ``cuda`` or ``mps`` for ``embedding.device``; a device asked for by name
    that the machine lacks is a ConfigError (silently falling back would hide a slow
    ingest behind a config that says GPU)."""
    if requested not in DEVICES:
        raise ConfigError(f"embedding.device must be one of {', '.join(DEVICES)}: {requested!r}")
    if requested == "cpu":
        return "cpu"
    found = probe()
    if requested == "auto":
        return "cuda" if found.cuda else "mps" if found.mps else "cpu"
    if not getattr(found, requested):
        hint = " (is this torch a CPU build? install a CUDA build)" if requested == "cuda" else ""
        raise ConfigError(
            f"embedding.device is {requested}, but torch finds no {requested.upper()} "
            f"device here{hint}: set embedding.device to auto or cpu"
        )
    return requested


def cpu_has_native_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Does the CPU compute bf16 natively (AVX512-BF16 or AMX-BF16)? False when unknown."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    flags = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return bool({"avx512_bf16", "amx_bf16"} & set(flags.split()))


def resolve_precision(precision: str, device: str = "cpu") -> str:
    """``auto`` becomes fp16 on a GPU, bf16 on a CPU that has it natively, else fp32."""
    if precision != "auto":
        return precision
    if device != "cpu":
        return "fp16"
    return "bf16" if cpu_has_native_bf16() else "fp32"


def batch_size_for(device: str, cpu: int, gpu: int) -> int:
    """Texts per encoder batch: a GPU is fed far larger batches than a CPU."""
    return cpu if device == "cpu" else gpu
