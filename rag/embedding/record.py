"""What built a store's vectors, recorded in the store so that it refuses another model's.

Vectors of two models (or of torch and int8 ONNX MiniLM, which differ slightly) are not
comparable: a store searched with another model's question vectors answers badly and
says nothing. So a store keeps this record and the one opening it must match: the model,
the vector length and their normalisation. The backend is recorded too, for people, but
not compared: ``all-MiniLM-L6-v2/torch`` over HTTP (``embedding.backend: openai`` against
``newsdesk serve``) gives the same vectors as on this machine, and such stores mix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Model ids of earlier versions whose vectors are those of a current id.
SAME_VECTORS = {"all-MiniLM-L6-v2/torch-fp32": "all-MiniLM-L6-v2/torch"}
KEYS = ("embedding_model", "embedding_dimensions", "embedding_normalised", "embedding_backend")


@dataclass(frozen=True)
class ModelRecord:
    """The model that made a store's vectors. ``dimensions``/``normalised`` are None in a
    record an earlier version wrote (the model id alone): its model implies them."""

    model: str
    dimensions: int | None = None
    normalised: bool | None = True
    backend: str = ""

    def metadata(self) -> dict[str, str | int | bool]:
        """The record as collection metadata (the keys of ``KEYS``)."""
        values = (self.model, self.dimensions, self.normalised, self.backend)
        return {k: v for k, v in zip(KEYS, values, strict=True) if v is not None and v != ""}

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, object]) -> ModelRecord | None:
        """The record stored in ``metadata``; None when nothing is recorded (a new store)."""
        model = str(metadata.get("embedding_model") or "")
        if not model:
            return None
        dimensions = metadata.get("embedding_dimensions")
        normalised = metadata.get("embedding_normalised")
        return cls(
            model=SAME_VECTORS.get(model, model),
            dimensions=int(dimensions) if isinstance(dimensions, int | float) else None,
            normalised=bool(normalised) if isinstance(normalised, bool | int) else None,
            backend=str(metadata.get("embedding_backend") or ""),
        )

    def differences(self, other: ModelRecord) -> list[str]:
        """What makes ``other``'s vectors unlike these (empty: they mix). Fields a record
        leaves unknown are not compared."""
        found = []
        if self.model != other.model:
            found.append("model")
        if None not in (self.dimensions, other.dimensions) and self.dimensions != other.dimensions:
            found.append("dimensions")
        if None not in (self.normalised, other.normalised) and self.normalised != other.normalised:
            found.append("normalisation")
        return found

    def describe(self) -> str:
        """For error messages: ``all-MiniLM-L6-v2/torch (384 dimensions, normalised, torch)``."""
        parts = [f"{self.dimensions} dimensions"] if self.dimensions is not None else []
        if self.normalised is not None:
            parts.append("normalised" if self.normalised else "not normalised")
        if self.backend:
            parts.append(f"backend {self.backend}")
        return f"{self.model} ({', '.join(parts)})" if parts else self.model
