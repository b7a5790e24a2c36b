"""The base of the contract's records, in a module of its own so that every part of the
contract shares one definition of what a record is: frozen, and refusing unknown fields
(a client's misspelt field is an error, not silently dropped)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Record(BaseModel):
    """A frozen record that forbids fields it does not define."""

    model_config = ConfigDict(frozen=True, extra="forbid")
