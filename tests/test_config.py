"""Settings: defaults, env overrides, path resolution and errors that name the key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import BaseModel

from rag.errors import ConfigError
from services.settings import Settings, load_settings


def test_repo_config_is_valid_and_paths_resolve_to_its_folder(
    write_config: Callable[..., Path],
) -> None:
    path = write_config()
    settings = load_settings(path, env={})
    assert settings.store.path == path.parent / ".newsdesk" / "store"
    assert settings.server.host == "127.0.0.1"
    assert settings.server.api_key is None


def test_env_overrides_nested_keys_and_api_key(write_config: Callable[..., Path]) -> None:
    env = {
        "NEWSDESK_STORE__MODE": "http",
        "NEWSDESK_STORE__PORT": "9123",
        "NEWSDESK_API_KEY": "12345",
        "OTHER": "x",
    }
    settings = load_settings(write_config(), env=env)
    assert settings.store.mode == "http" and settings.store.port == 9123
    assert settings.server.api_key == "12345"  # stays a string, not YAML's int


@pytest.mark.parametrize(
    ("extra", "env", "named"),
    [
        ("store:\n  mode: cloud\n", {}, "store.mode"),
        ("bogus: 1\n", {}, "bogus"),
        ("", {"NEWSDESK_RETRIEVAL__TOP_K": "0"}, "retrieval.top_k"),
        ("", {"NEWSDESK_RETRIEVAL__NOPE": "1"}, "retrieval.nope"),
    ],
)
def test_bad_keys_are_named(
    write_config: Callable[..., Path], extra: str, env: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_settings(write_config(extra), env=env)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", env={})
    broken = tmp_path / "broken.yaml"
    broken.write_text("store: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(broken, env={})


def test_every_field_has_a_description() -> None:
    def walk(model: type[BaseModel]) -> list[str]:
        missing = []
        for name, field in model.model_fields.items():
            if not field.description:
                missing.append(name)
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                missing.extend(walk(annotation))
        return missing

    assert walk(Settings) == []
