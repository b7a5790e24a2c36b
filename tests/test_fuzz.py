"""Fuzz the REST API with schemathesis against its own ``/openapi.json``: every operation,
generated valid and invalid requests, on a real server over the sample store. Checks: no
5xx, every status and content type is one the schema declares, every response body
conforms to its schema. Examples per operation: ``NEWSDESK_FUZZ_EXAMPLES`` (CI: 60).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.server import create_app
from rag.embedding import Embedder
from tests.live_server import sample_desk, sample_settings, serve

pytestmark = pytest.mark.slow
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)
ST = Path(sys.executable).with_name("st")


@pytest.mark.parametrize("api_key", [None, "fuzz-key"])
def test_the_api_survives_schemathesis(
    tmp_path: Path, embedder: Embedder, api_key: str | None
) -> None:
    settings = sample_settings(tmp_path, api_key=api_key)
    app = create_app(sample_desk(settings, embedder), settings, ui=False)
    examples = os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "60")
    with serve(app) as url:
        argv = [
            str(ST), "run", f"{url}/openapi.json", "--checks", CHECKS,
            "--max-examples", examples, "--seed", "7", "--no-color",
            "--report", "junit", "--report-dir", str(tmp_path / "report"),
            "--request-timeout", "60",
        ]  # fmt: skip
        if api_key:
            argv += ["--header", f"Authorization: Bearer {api_key}"]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=1500, check=False, cwd=tmp_path
        )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
