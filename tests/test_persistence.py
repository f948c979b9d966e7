"""The index cache: reuse, damage found and rebuilt, odd places, interruption, concurrency."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli

from assistant.conversation import Assistant, Conversation
from retrieval.engine import Engine
from retrieval.generation import CURRENT, GENERATIONS, SEGMENTS
from retrieval.persistence import BUILD_PREFIX, CacheDamaged


def small_corpus(tmp_path: Path, n: int = 30) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"p{i}",
                    "title": f"Paper {i} on topic{i % 5}",
                    "abstract": f"Abstract {i} about alpha{i} and beta. It reaches {90 + i % 9}% "
                    f"accuracy on task{i}.",
                }
            )
            for i in range(n)
        )
        + "\n"
    )
    return path


def open_engine(corpus, cache, notices=None, **kwargs):
    return Engine.open(
        [corpus], cache, on_notice=(notices.append if notices is not None else None), **kwargs
    )


def segment_dir(engine) -> Path:
    return engine.index.segments[0].dir


def test_second_open_loads_the_cache_memory_mapped(tmp_path):
    corpus = small_corpus(tmp_path)
    first = open_engine(corpus, tmp_path / "cache")
    assert first.status == "built"
    second = open_engine(corpus, tmp_path / "cache")
    assert second.status == "loaded"
    assert second.location == first.location
    import numpy as np

    assert isinstance(second.index.segments[0].postings.block_last.base, np.memmap)  # mapped
    assert second.search("alpha7", 1)[0].doc == 7


def test_an_index_built_by_another_sentence_splitter_is_not_reused(tmp_path, monkeypatch):
    """The index holds sentence statistics (how many, how long): a changed splitter builds a
    new one rather than reporting the old counts."""
    import retrieval.engine

    corpus = small_corpus(tmp_path)
    first = open_engine(corpus, tmp_path / "cache")
    assert open_engine(corpus, tmp_path / "cache").status == "loaded"
    monkeypatch.setattr(retrieval.engine, "SPLITTER_VERSION", "another")
    other = open_engine(corpus, tmp_path / "cache")
    assert other.status == "built" and other.location != first.location


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "gaps1.npy").write_bytes((d / "gaps1.npy").read_bytes()[:100]),  # truncated
        lambda d: (d / "tfs1.npy").write_bytes(b"garbage" * 10),
        lambda d: (d / "manifest.json").write_text("{not json"),
        lambda d: (d / "titles.txt").unlink(),
        # same size, other bytes: caught by the checksums of a small file
        lambda d: (d / "gaps1.npy").write_bytes((d / "gaps1.npy").read_bytes()[:-4] + b"\xff" * 4),
    ],
)
def test_damage_seen_on_opening_is_reported_and_rebuilt(tmp_path, damage):
    corpus = small_corpus(tmp_path)
    damage(segment_dir(open_engine(corpus, tmp_path / "cache")))
    notices = []
    engine = open_engine(corpus, tmp_path / "cache", notices)
    assert engine.status == "rebuilt: damaged cache"
    assert len(notices) == 1 and "damaged" in notices[0] and "\n" not in notices[0]
    assert engine.search("alpha3", 1)[0].doc == 3
    assert open_engine(corpus, tmp_path / "cache").status == "loaded"


def flip(path: Path, offset: int, byte: bytes) -> None:
    data = bytearray(path.read_bytes())
    data[offset : offset + len(byte)] = byte
    path.write_bytes(bytes(data))


def test_one_changed_byte_in_a_large_file_is_found_by_index_and_by_the_quote(tmp_path, monkeypatch):
    """Opening checks only the small files whole; `assistant index` checks every byte, and a
    quote is checked against the blocks of its abstract before it is shown."""
    import retrieval.persistence as persistence

    monkeypatch.setattr(persistence, "SMALL_FILE_BYTES", 64)  # every file counts as large
    corpus = small_corpus(tmp_path)
    cache = tmp_path / "cache"
    engine = open_engine(corpus, cache)
    abstracts = segment_dir(engine) / "abstracts.txt"
    text = abstracts.read_bytes()
    at = text.index(b"97% accuracy")
    flip(abstracts, at, b"87")  # "97%" becomes "87%": the same size, other bytes
    engine = open_engine(corpus, cache)
    assert engine.status == "loaded"  # not seen on opening ...
    assert engine.verify() == [f"{segment_dir(engine).name}/abstracts.txt"]
    with pytest.raises(CacheDamaged):  # ... nor ever quoted
        Assistant(engine).ask("What accuracy does paper 7 reach on task7?", Conversation())
    env = {"ASSISTANT_INDEX_DIR": str(cache)}
    result = run_cli("ask", "--corpus", str(corpus), "What accuracy does paper 7 reach?", env=env)
    assert result.returncode == 0
    assert "the cached index was damaged" in result.stderr and "rebuilding it" in result.stderr
    assert "97% accuracy" in result.stdout and "87%" not in result.stdout
    flip(segment_dir(open_engine(corpus, cache)) / "abstracts.txt", at, b"87")
    verify = run_cli("index", "--verify", "--corpus", str(corpus), env=env)
    assert verify.returncode == 1 and "abstracts.txt" in verify.stderr
    index = run_cli("index", "--corpus", str(corpus), env=env)
    assert index.returncode == 0 and "rebuilding it" in index.stderr
    assert run_cli("index", "--verify", "--corpus", str(corpus), env=env).returncode == 0


def test_ids_out_of_range_in_a_damaged_array_are_reported_never_a_crash(tmp_path, monkeypatch):
    import numpy as np

    import retrieval.persistence as persistence

    monkeypatch.setattr(persistence, "SMALL_FILE_BYTES", 64)
    corpus = small_corpus(tmp_path)
    cache = tmp_path / "cache"
    gaps = segment_dir(open_engine(corpus, cache)) / "gaps1.npy"
    array = np.load(gaps)
    array[:] = 250  # documents far beyond the segment
    np.save(gaps, array)
    engine = open_engine(corpus, cache)
    with pytest.raises(CacheDamaged, match="outside the segment"):
        engine.search("alpha3 beta", 3)
    env = {"ASSISTANT_INDEX_DIR": str(cache)}
    result = run_cli("search", "--corpus", str(corpus), "alpha3", "-k", "1", "--json", env=env)
    assert result.returncode == 0 and "rebuilding it" in result.stderr
    assert json.loads(result.stdout)["hits"][0]["doc_id"] == "p3"


def test_a_file_where_the_index_belongs_is_moved_aside(tmp_path):
    corpus = small_corpus(tmp_path)
    cache = tmp_path / "cache"
    home = open_engine(corpus, cache).location
    import shutil

    shutil.rmtree(home)
    home.write_text("not a directory")
    notices = []
    engine = open_engine(corpus, cache, notices)
    assert engine.status == "built" and engine.search("alpha3", 1)[0].doc == 3
    assert any("moved to" in n for n in notices)
    assert [p for p in cache.iterdir() if p.name.startswith(home.name + ".not-a-directory")]


def test_builds_of_processes_that_died_are_removed(tmp_path):
    corpus = small_corpus(tmp_path)
    cache = tmp_path / "cache"
    home = open_engine(corpus, cache).location
    host = __import__("socket").gethostname().replace("-", "_")[:32]
    dead = home / SEGMENTS / f"{BUILD_PREFIX}999999-{host}-dead"
    alive = home / SEGMENTS / f"{BUILD_PREFIX}{os.getpid()}-{host}-live"
    for directory in (dead, alive):
        directory.mkdir()
        (directory / "big.npy").write_bytes(b"x" * 1000)
    corpus.write_text(corpus.read_text() + json.dumps({"title": "New", "abstract": "gamma"}) + "\n")
    open_engine(corpus, cache)
    assert not dead.exists() and alive.exists()
    private = Path(tempfile.gettempdir()) / f"assistant-index-999999-{host}-dead"
    private.mkdir(exist_ok=True)
    blocked = tmp_path / "file"
    blocked.write_text("")
    open_engine(corpus, blocked / "cache")  # no writable cache: a private index
    assert not private.exists()


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
    homes = [p for p in cache.iterdir() if p.is_dir()]
    for home in homes:
        assert not (home / CURRENT).exists()
        for part in (SEGMENTS, GENERATIONS):
            assert (
                not list((home / part).glob(f"{BUILD_PREFIX}*")) if (home / part).exists() else True
            )
    assert open_engine(corpus, cache).status == "built"


def test_eight_processes_on_a_fresh_cache(tmp_path):
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
        for _ in range(8)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8
    for out, err in outputs:
        assert json.loads(out)["hits"][0]["title"].startswith("Splitwise")
        assert "cannot write" not in err
    homes = [p for p in cache.iterdir() if (p / CURRENT).exists()]
    assert len(homes) == 1
    assert Engine.open([SEEDS], cache).status == "loaded"


def test_index_dir_option_and_environment_variable(tmp_path):
    chosen = tmp_path / "chosen"
    result = run_cli("index", "--index-dir", str(chosen))
    assert result.returncode == 0, result.stderr
    assert str(chosen) in result.stdout
    from_env = tmp_path / "env"
    result = run_cli("index", env={"ASSISTANT_INDEX_DIR": str(from_env)})
    assert str(from_env) in result.stdout
