"""Where the encoder runs and what a store records of it. The machines here are stand-ins
(``Accelerators`` values a test hands ``pick_device`` as its probe): this machine has no GPU,
so a CUDA or MPS machine can only be described, not used. The real probe's answer on this
machine is checked in ``tests/test_embedding_server.py`` (it imports torch)."""

from __future__ import annotations

import pytest

from rag.config import EmbeddingSettings
from rag.desk import build, lazy_embedder, model_record
from rag.embedding import Accelerators, LazyEmbedder, ModelRecord, make_embedder, pick_device
from rag.embedding.devices import batch_size_for, cpu_has_native_bf16, resolve_precision
from rag.errors import ConfigError
from services.desk import embedder_for
from services.embedding_client import OpenAIEmbedder
from services.settings import Settings
from tests.fakes import DictStore, HashingEmbedder

LAPTOP = Accelerators()  # a CPU and nothing else
CUDA_BOX = Accelerators(cuda=True, name="Stand-in H200")
MAC = Accelerators(mps=True, name="Stand-in Apple GPU")
BOTH = Accelerators(cuda=True, mps=True, name="Stand-in with both")


def test_auto_takes_cuda_then_mps_then_the_cpu() -> None:
    assert pick_device("auto", lambda: CUDA_BOX) == "cuda"
    assert pick_device("auto", lambda: BOTH) == "cuda"
    assert pick_device("auto", lambda: MAC) == "mps"
    assert pick_device("auto", lambda: LAPTOP) == "cpu"


def test_a_device_asked_for_by_name_must_be_there() -> None:
    assert pick_device("cuda", lambda: CUDA_BOX) == "cuda"
    assert pick_device("mps", lambda: MAC) == "mps"
    assert pick_device("cpu", lambda: CUDA_BOX) == "cpu"  # asked for: kept, GPU or not
    with pytest.raises(ConfigError, match=r"embedding\.device is cuda, but torch finds no CUDA"):
        pick_device("cuda", lambda: MAC)
    with pytest.raises(ConfigError, match=r"embedding\.device is mps, but torch finds no MPS"):
        pick_device("mps", lambda: LAPTOP)
    with pytest.raises(ConfigError, match="one of auto, cpu, cuda, mps"):
        pick_device("tpu", lambda: LAPTOP)


def test_cpu_is_chosen_without_asking_the_machine() -> None:
    def no_probe() -> Accelerators:
        raise AssertionError("cpu needs no probe (nor torch's CUDA runtime)")

    assert pick_device("cpu", no_probe) == "cpu"


def test_precision_and_batch_size_follow_the_device() -> None:
    assert resolve_precision("auto", "cuda") == "fp16"
    assert resolve_precision("auto", "mps") == "fp16"
    assert resolve_precision("auto", "cpu") == ("bf16" if cpu_has_native_bf16() else "fp32")
    assert resolve_precision("auto") == resolve_precision("auto", "cpu")  # unchanged default
    assert resolve_precision("bf16", "cuda") == "bf16"
    assert resolve_precision("fp32", "cuda") == "fp32"
    assert batch_size_for("cpu", 32, 256) == 32
    assert batch_size_for("cuda", 32, 256) == batch_size_for("mps", 32, 256) == 256


def test_onnx_refuses_a_gpu_before_loading_anything() -> None:
    with pytest.raises(ConfigError, match="onnx runs on the CPU, not cuda"):
        make_embedder("onnx", device="cuda")
    with pytest.raises(ConfigError, match="openai is not a model this process loads"):
        make_embedder("openai")


def test_the_openai_backend_needs_the_applications_client(settings: Settings) -> None:
    remote = settings.embedding.model_copy(update={"backend": "openai"})
    core = settings.model_copy(update={"embedding": remote})
    with pytest.raises(ConfigError, match="backend is openai, but no embedding client"):
        lazy_embedder(remote)
    with pytest.raises(ConfigError, match="backend is openai, but no embedding client"):
        build(core, store=DictStore())
    made = embedder_for(core)
    assert isinstance(made, OpenAIEmbedder)
    assert (made.model_id, made.dimensions, made.device) == (
        "all-MiniLM-L6-v2/torch",
        384,
        "remote",
    )
    assert made.url == "http://127.0.0.1:8080/v1/embeddings"
    assert embedder_for(settings) is None  # torch: the core loads its own model
    desk = build(core, made, DictStore(made.model_id))
    assert desk.embedder is made


def test_the_lazy_embedder_knows_the_record_before_loading() -> None:
    lazy = LazyEmbedder(HashingEmbedder.model_id, HashingEmbedder)
    assert lazy.device == "not loaded" and not lazy.loaded
    record = model_record(lazy, EmbeddingSettings())
    assert record == ModelRecord("hashing-test", 384, True, "torch") and not lazy.loaded
    assert lazy.batch_size == 32 and lazy.loaded and lazy.device == "cpu"
    with pytest.raises(ValueError, match=r"expected hashing-test \(768\)"):
        LazyEmbedder(HashingEmbedder.model_id, HashingEmbedder, dimensions=768).warm_up()


def test_records_compare_model_length_and_normalisation_not_backend() -> None:
    local = ModelRecord("all-MiniLM-L6-v2/torch", 384, True, "torch")
    assert not local.differences(ModelRecord("all-MiniLM-L6-v2/torch", 384, True, "openai"))
    assert local.differences(ModelRecord("all-MiniLM-L6-v2/onnx-int8", 384, True)) == ["model"]
    assert local.differences(ModelRecord("all-MiniLM-L6-v2/torch", 768)) == ["dimensions"]
    assert local.differences(ModelRecord("all-MiniLM-L6-v2/torch", 384, False)) == ["normalisation"]
    legacy = ModelRecord.from_metadata({"embedding_model": "all-MiniLM-L6-v2/torch-fp32"})
    assert legacy == ModelRecord("all-MiniLM-L6-v2/torch", None, None, "")
    assert not legacy.differences(local) and legacy.describe() == "all-MiniLM-L6-v2/torch"
    assert ModelRecord.from_metadata({"generation": "x"}) is None
    assert ModelRecord.from_metadata(local.metadata()) == local
    assert local.describe() == "all-MiniLM-L6-v2/torch (384 dimensions, normalised, backend torch)"


def test_the_device_keys_are_validated() -> None:
    assert EmbeddingSettings().device == "auto" and EmbeddingSettings().batch_size == 32
    with pytest.raises(ValueError, match="device"):
        EmbeddingSettings(device="tpu")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="base_url"):
        EmbeddingSettings(base_url="127.0.0.1:8080/v1")
