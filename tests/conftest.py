"""Shared fixtures. Every test runs with its own cache and data directories, so nothing a test
does reaches the user's real ones, and tests can run in any order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# The same examples on every run: a test suite that passes must pass again.
settings.register_profile("repeatable", derandomize=True, deadline=None, print_blob=True)
settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BENCHMARKS = ROOT / "benchmarks"
CRANFIELD = BENCHMARKS / "cranfield"
DEV_FIXTURES = BENCHMARKS / "questions" / "dev.jsonl"


@pytest.fixture(scope="session")
def session_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("assistant")
    return {"index": base / "index", "data": base / "data"}


@pytest.fixture(autouse=True)
def isolated_dirs(
    session_dirs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """Indexes are shared by the session (building them is the slow part); history is per test."""
    data = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(session_dirs["index"]))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    return {"index": session_dirs["index"], "data": data}


@pytest.fixture(scope="session")
def seeds_engine(session_dirs: dict[str, Path]):
    from retrieval.engine import Engine

    return Engine.open([SEEDS], session_dirs["index"])


@pytest.fixture(scope="session")
def seeds_assistant(seeds_engine):
    from assistant.conversation import Assistant

    return Assistant(seeds_engine)


# A paper on a topic of its own, beside the papers a test asks about.
ROAD_SALT = ("salt", "Road Salt and Bridges", "Road salt rusts the steel of concrete bridges.")


def small_collection(base: Path, name: str, records) -> Path:
    """A JSON Lines collection of (id, title, abstract) records, written under `base`."""
    corpus = base / f"{name}.jsonl"
    corpus.write_text(
        "\n".join(json.dumps({"id": i, "title": t, "abstract": a}) for i, t, a in records) + "\n",
        encoding="utf-8",
    )
    return corpus


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real entry point, in a fresh process: `python -m assistant ARGS`."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("ASSISTANT_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        input=input,
    )


@pytest.fixture
def cli() -> Iterator[object]:
    yield run_cli
