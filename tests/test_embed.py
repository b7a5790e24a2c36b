"""The two MiniLM backends: same model, same vectors, no padding counted as text."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embed import Embedder, TorchEmbedder

TEXTS = [
    "This story has been updated with additional developments.",
    "Dinosaur tracks from 113 million years ago were uncovered in a Texas riverbed.",
    "The Kremlin said Russia would welcome American investment in rare-earth mining. " * 6,
]


@pytest.fixture(scope="module")
def torch_embedder() -> TorchEmbedder:
    return TorchEmbedder()


def test_onnx_agrees_with_sentence_transformers(
    embedder: Embedder, torch_embedder: TorchEmbedder
) -> None:
    onnx, reference = embedder.embed(TEXTS), torch_embedder.embed(TEXTS)
    assert onnx.shape == reference.shape == (3, 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    assert (onnx * reference).sum(axis=1).min() > 0.98


def test_unrelated_texts_are_not_alike(embedder: Embedder) -> None:
    """Mean-pooling over padding made every pair of texts look alike (cosine 0.65-0.8)."""
    short, other, _ = embedder.embed(TEXTS)
    assert float(short @ other) < 0.3


def test_a_text_embeds_the_same_whatever_its_batch(embedder: Embedder) -> None:
    alone = embedder.embed(TEXTS[:1])[0]
    batched = embedder.embed(TEXTS)[0]
    assert float(alone @ batched) > 0.9999
