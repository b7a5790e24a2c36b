"""The MiniLM backends: same model, same vectors, no padding counted as text."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from rag.embedding.devices import cpu_has_native_bf16, resolve_precision
from rag.embedding.minilm import FEW, Embedder, OnnxEmbedder, TorchEmbedder
from rag.embedding.packing import packable

pytestmark = pytest.mark.slow  # the real model

TEXTS = [
    "This story has been updated with additional developments.",
    "Dinosaur tracks from 113 million years ago were uncovered in a Texas riverbed.",
    "The Kremlin said Russia would welcome American investment in rare-earth mining. " * 6,
]


@pytest.fixture(scope="module")
def reference() -> TorchEmbedder:
    """sentence-transformers in fp32: the model as published."""
    return TorchEmbedder(precision="fp32")


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    return OnnxEmbedder()


def test_onnx_agrees_with_sentence_transformers(onnx: Embedder, reference: Embedder) -> None:
    got, want = onnx.embed(TEXTS), reference.embed(TEXTS)
    assert got.shape == want.shape == (3, 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    assert (got * want).sum(axis=1).min() > 0.98


def test_bf16_agrees_with_fp32(reference: Embedder) -> None:
    bf16 = TorchEmbedder(precision="bf16")
    assert bf16.precision == "bf16"
    got, want = bf16.embed(TEXTS), reference.embed(TEXTS)
    assert got.dtype == np.float32
    assert (got * want).sum(axis=1).min() > 0.999


def test_auto_precision_follows_the_cpu_flags(tmp_path: Path) -> None:
    zen4 = tmp_path / "zen4"
    zen4.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 avx512_vnni\n")
    older = tmp_path / "older"
    older.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")
    assert cpu_has_native_bf16(zen4) and not cpu_has_native_bf16(older)
    assert not cpu_has_native_bf16(tmp_path / "missing")
    assert resolve_precision("fp32") == "fp32" and resolve_precision("bf16") == "bf16"
    assert resolve_precision("auto") == ("bf16" if cpu_has_native_bf16() else "fp32")


@pytest.mark.parametrize("backend", ["default", "onnx"])
def test_unrelated_texts_are_not_alike(backend: str, embedder: Embedder, onnx: Embedder) -> None:
    """Mean-pooling over padding made every pair of texts look alike (cosine 0.65-0.8)."""
    short, other, _ = (embedder if backend == "default" else onnx).embed(TEXTS)
    assert float(short @ other) < 0.3


@pytest.mark.parametrize("backend", ["default", "onnx"])
def test_a_text_embeds_the_same_whatever_its_batch(
    backend: str, embedder: Embedder, onnx: Embedder
) -> None:
    model = embedder if backend == "default" else onnx
    alone = model.embed(TEXTS[:1])[0]
    batched = model.embed(TEXTS)[0]
    assert float(alone @ batched) > 0.999


@pytest.mark.parametrize("precision", ["fp32", "auto"])
def test_a_few_texts_embed_as_a_batch_does(precision: str, reference: TorchEmbedder) -> None:
    """A question and an answer's few sentences take a plain forward pass, an ingest's
    batches sentence-transformers' encode: the same model, the same vectors."""
    model = reference if precision == "fp32" else TorchEmbedder(precision=precision)
    few = model.embed(TEXTS)
    batch = model.embed(TEXTS * (FEW // len(TEXTS) + 1))[: len(TEXTS)]
    assert few.dtype == np.float32 and np.allclose(np.linalg.norm(few, axis=1), 1.0, atol=1e-5)
    assert (few * batch).sum(axis=1).min() > 0.9999
    assert (few * reference.embed(TEXTS * 6)[:3]).sum(axis=1).min() > 0.999


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_texts_packed_together_embed_as_each_does_alone(
    precision: str, reference: TorchEmbedder
) -> None:
    """A few texts of very different lengths share one packed sequence: each attends only
    to itself and counts its positions from 0, so nothing of its neighbours leaks in. Past
    the packing limit they take a padded batch, with the same vectors."""
    model = reference if precision == "fp32" else TorchEmbedder(precision=precision)
    alone = np.vstack([model.embed([text]) for text in TEXTS])
    together = model.embed(TEXTS)
    assert (alone * together).sum(axis=1).min() > 0.9999
    long = [TEXTS[2] * 3] * 4 + TEXTS  # over PACK_LIMIT word pieces together
    assert not packable([len(model._pieces.encode(t).ids) for t in long])
    assert (model.embed(long)[-3:] * alone).sum(axis=1).min() > 0.9999


def test_questions_and_batches_embedded_from_threads_at_once_agree(embedder: Embedder) -> None:
    """A server embeds questions (the plain pass) while an ingest embeds batches (encode),
    each from its own thread: no shared state breaks either, and the vectors are the same."""
    few, batch = TEXTS[:2], TEXTS * (FEW // len(TEXTS) + 1)
    want_few, want_batch = embedder.embed(few), embedder.embed(batch)
    errors: list[BaseException] = []
    results: list[tuple[bool, np.ndarray]] = []

    def work(small: bool) -> None:
        try:
            for _ in range(5):
                results.append((small, embedder.embed(few if small else batch)))
        except BaseException as exc:  # any failure in a thread is the finding
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k % 2 == 0,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 30
    for small, got in results:
        want = want_few if small else want_batch
        assert (got * want).sum(axis=1).min() > 0.9999
