"""The index cache: reuse, damage, staleness, unwritable places, interruption, concurrency."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import SEEDS, run_cli

from retrieval.engine import Engine
from retrieval.persistence import MANIFEST


def small_corpus(tmp_path: Path, n: int = 30) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"p{i}",
                    "title": f"Paper {i} on topic{i % 5}",
                    "abstract": f"Abstract {i} about alpha{i} and beta.",
                }
            )
            for i in range(n)
        )
        + "\n"
    )
    return path


def open_engine(corpus, cache, notices=None):
    return Engine.open([corpus], cache, on_notice=(notices.append if notices is not None else None))


def test_second_open_loads_the_cache_memory_mapped(tmp_path):
    corpus = small_corpus(tmp_path)
    first = open_engine(corpus, tmp_path / "cache")
    assert first.status == "built"
    second = open_engine(corpus, tmp_path / "cache")
    assert second.status == "loaded"
    assert isinstance(second.index.post_doc.base, np.memmap)  # mapped, not read
    assert second.location == first.location
    assert second.search("alpha7", 1)[0].doc == 7


def test_changed_corpus_is_rebuilt_with_a_notice_and_the_old_index_removed(tmp_path):
    corpus = small_corpus(tmp_path)
    old = open_engine(corpus, tmp_path / "cache").location
    corpus.write_text(corpus.read_text() + json.dumps({"title": "New", "abstract": "gamma"}) + "\n")
    notices = []
    engine = open_engine(corpus, tmp_path / "cache", notices)
    assert engine.status.startswith("rebuilt")
    assert len(notices) == 1 and "\n" not in notices[0]
    assert engine.search("gamma", 1)
    assert not old.exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "post_doc.npy").write_bytes(
            (d / "post_doc.npy").read_bytes()[:100]
        ),  # truncated
        lambda d: (d / "post_impact.npy").write_bytes(b"garbage" * 10),
        lambda d: (d / MANIFEST).write_text("{not json"),
        lambda d: (d / "titles.txt").unlink(),
        lambda d: (d / MANIFEST).write_text(
            json.dumps({**json.loads((d / MANIFEST).read_text()), "format": 999})
        ),
        # same size, other bytes: caught by the checksum
        lambda d: (d / "post_doc.npy").write_bytes(
            (d / "post_doc.npy").read_bytes()[:-4] + b"\xff\xff\xff\x7f"
        ),
    ],
)
def test_damaged_cache_is_detected_rebuilt_and_reported(tmp_path, damage):
    corpus = small_corpus(tmp_path)
    directory = open_engine(corpus, tmp_path / "cache").location
    damage(directory)
    notices = []
    engine = open_engine(corpus, tmp_path / "cache", notices)
    assert engine.status == "rebuilt: damaged cache"
    assert len(notices) == 1 and "damaged" in notices[0] and "\n" not in notices[0]
    assert engine.search("alpha3", 1)[0].doc == 3
    assert open_engine(corpus, tmp_path / "cache").status == "loaded"


def test_unwritable_cache_works_without_caching(tmp_path):
    corpus = small_corpus(tmp_path)
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    notices = []
    engine = open_engine(corpus, blocked / "cache", notices)
    assert engine.status == "built, not cached"
    assert "cannot write the index cache" in notices[0]
    assert engine.search("alpha2", 1)[0].doc == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root")
def test_read_only_cache_directory(tmp_path):
    corpus = small_corpus(tmp_path)
    cache = tmp_path / "ro"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        notices = []
        assert open_engine(corpus, cache, notices).status == "built, not cached"
        assert notices
    finally:
        cache.chmod(0o755)


def test_interrupted_build_leaves_no_partial_index(tmp_path):
    corpus = small_corpus(tmp_path, n=3000)
    cache = tmp_path / "cache"

    def interrupt(stage, fraction):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Engine.open([corpus], cache, on_progress=interrupt)
    leftovers = [
        p.name for p in cache.iterdir() if not p.name.startswith(".") and p.suffix != ".json"
    ]
    assert leftovers == []
    assert not [p for p in cache.glob(".build-*")]
    assert open_engine(corpus, cache).status == "built"


def test_four_processes_on_a_fresh_cache(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(cache)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant", "search", "phase splitting", "-k", "1", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    for out, _ in outputs:
        assert json.loads(out)["hits"][0]["title"].startswith("Splitwise")
    indexes = [p for p in cache.iterdir() if (p / MANIFEST).exists()]
    assert len(indexes) == 1
    assert Engine.open([SEEDS], cache).status == "loaded"


def test_index_dir_option_and_environment_variable(tmp_path):
    chosen = tmp_path / "chosen"
    result = run_cli("index", "--index-dir", str(chosen))
    assert result.returncode == 0, result.stderr
    assert str(chosen) in result.stdout
    from_env = tmp_path / "env"
    result = run_cli("index", env={"ASSISTANT_INDEX_DIR": str(from_env)})
    assert str(from_env) in result.stdout
