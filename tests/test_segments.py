"""A collection that grows: additions, changed and removed files, merges, crashes at any moment,
and scores that never depend on how the collection was split."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, run_cli

from retrieval.engine import Engine

WORDS = (
    "sparse dense retrieval ranking documents terms model language attention transformer "
    "kernel speed memory training data benchmark accuracy latency decoding draft tokens "
    "quantization pruning distillation teacher student graph protein molecule image audio"
).split()
QUERIES = [
    "sparse retrieval ranking",
    "attention kernel speed memory",
    "quantization pruning of language model",
    "teacher student distillation data",
    "protein molecule graph",
    "decoding draft tokens latency",
]


def papers(start: int, n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed + start)
    return [
        {
            "id": f"p{i}",
            "title": f"Study {i} of {' '.join(rng.choice(WORDS, 3))}",
            "abstract": " ".join(rng.choice(WORDS, int(rng.integers(20, 60)))) + ".",
        }
        for i in range(start, start + n)
    ]


def write(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def ranking(engine: Engine, feedback: bool = True) -> list[list[tuple[str, float]]]:
    return [
        [(engine.papers.ids[h.doc], h.score) for h in engine.search(q, 20, feedback=feedback)]
        for q in QUERIES
    ]


def assert_same_ranking(a, b) -> None:
    """Same scores rank by rank (to 1e-6); the same documents, ties in either order."""
    assert len(a) == len(b)
    for left, right in zip(a, b, strict=True):
        assert len(left) == len(right)
        assert np.allclose([s for _, s in left], [s for _, s in right], rtol=1e-6, atol=1e-7)
        by_score_left = sorted((round(s, 5), d) for d, s in left)
        by_score_right = sorted((round(s, 5), d) for d, s in right)
        assert by_score_left == by_score_right


def test_added_files_are_indexed_alone_and_rank_as_a_rebuild(tmp_path):
    first = write(tmp_path / "a.jsonl", papers(0, 300))
    second = write(tmp_path / "extra" / "b.jsonl", papers(300, 200))
    cache = tmp_path / "cache"
    engine = Engine.open([first], cache)
    assert engine.summary.documents == 300 and engine.summary.segments == 1
    grown = Engine.open([first], cache, add=[second])
    assert grown.status == "updated" and grown.summary.documents == 500
    assert grown.summary.segments == 2  # only the new file was indexed
    rebuilt = Engine.open([first, second], tmp_path / "fresh")
    assert_same_ranking(ranking(grown, feedback=False), ranking(rebuilt, feedback=False))
    assert_same_ranking(ranking(grown), ranking(rebuilt))
    # The addition is part of the collection from now on.
    again = Engine.open([first], cache)
    assert again.status == "loaded" and again.summary.documents == 500


def test_the_add_command(tmp_path):
    first = write(tmp_path / "a.jsonl", papers(0, 50))
    second = write(tmp_path / "b.jsonl", papers(50, 20))
    env = {"ASSISTANT_INDEX_DIR": str(tmp_path / "cache")}
    assert run_cli("index", "--corpus", str(first), env=env).returncode == 0
    result = run_cli("add", "--corpus", str(first), str(second), "--json", env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "updated" and summary["documents"] == 70
    assert "1 new file" in result.stderr
    found = run_cli("search", "--corpus", str(first), "Study 61", "-k", "1", "--json", env=env)
    assert json.loads(found.stdout)["hits"][0]["doc_id"] == "p61"


def test_a_corpus_directory_is_watched_for_new_changed_and_removed_files(tmp_path):
    folder = tmp_path / "papers"
    a = write(folder / "a.jsonl", papers(0, 100))
    b = write(folder / "b.jsonl", papers(100, 100))
    cache = tmp_path / "cache"
    Engine.open([folder], cache)
    c = write(folder / "c.jsonl", papers(200, 50))
    notices = []
    grown = Engine.open([folder], cache, on_notice=notices.append)
    assert notices == ["the corpus changed (1 new file); indexing what changed"]
    assert grown.summary.documents == 250
    # A removed file: its records go (marked deleted in their segment, which b shares).
    a.unlink()
    notices.clear()
    shrunk = Engine.open([folder], cache, on_notice=notices.append)
    assert notices == ["the corpus changed (1 removed file); indexing what changed"]
    assert shrunk.summary.documents == 150 and shrunk.papers.position("p5") is None
    assert shrunk.summary.deleted == 100  # reclaimed by a merge
    assert not any(shrunk.papers.ids[h.doc] == "p5" for h in shrunk.search("Study 5", 50))
    # A pass over every live document's field skips the deleted ones, as lookups do.
    live = shrunk.live_documents()
    assert list(shrunk.papers.live_values("ids")) == [(d, shrunk.papers.ids[d]) for d in live]
    # A changed file: its records are replaced.
    write(b, papers(100, 100, seed=7))
    notices.clear()
    changed = Engine.open([folder], cache, on_notice=notices.append)
    assert notices == ["the corpus changed (1 changed file); indexing what changed"]
    assert changed.summary.documents == 150
    rebuilt = Engine.open([b, c], tmp_path / "fresh")
    assert_same_ranking(ranking(changed), ranking(rebuilt))
    merged = changed.merge()
    assert merged.summary.segments == 1 and merged.summary.deleted == 0
    assert_same_ranking(ranking(merged), ranking(rebuilt))
    assert Engine.open([folder], cache).status == "loaded"


def named_papers(start: int, n: int, systems: list[str]) -> list[dict]:
    """Papers whose titles name a system ("Orca: ..."), the names shared between batches."""
    return [
        {**paper, "title": f"{systems[i % len(systems)]}: {paper['title']}"}
        for i, paper in enumerate(papers(start, n))
    ]


def names_by_id(engine: Engine) -> dict[str, tuple[str | None, list[str]]]:
    """Every name key: its surface and the ids of the live papers it names."""
    from retrieval.corpus import title_key

    keys = {title_key(surface) for surface in engine.names.all_surfaces()}
    table = {}
    for key in keys:
        ids = sorted(engine.papers.ids[d] for d in engine.names.documents(key))
        if ids:
            table[key] = (engine.names.surface(key), ids)
    return table


def test_merged_segments_name_the_same_papers_as_a_rebuild(tmp_path):
    folder = tmp_path / "papers"
    a = write(folder / "a.jsonl", named_papers(0, 60, ["Orca", "Heron", "Gone Away"]))
    write(folder / "b.jsonl", named_papers(60, 60, ["Heron", "Kestrel", "Orca"]))
    cache = tmp_path / "cache"
    Engine.open([folder], cache)
    write(folder / "c.jsonl", named_papers(120, 30, ["Kestrel", "Wren"]))
    Engine.open([folder], cache)
    a.unlink()  # "Gone Away" names only papers of a: it goes with them
    merged = Engine.open([folder], cache).merge()
    assert merged.summary.segments == 1
    rebuilt = Engine.open(sorted(folder.glob("*.jsonl")), tmp_path / "fresh")
    table = names_by_id(merged)
    assert table == names_by_id(rebuilt)
    assert {"heron", "kestrel", "orca", "wren"} <= set(table)
    assert merged.names.all_surfaces() == rebuilt.names.all_surfaces()
    assert "Gone Away" not in merged.names.all_surfaces()
    assert len(table["orca"][1]) == 20 and table["orca"][0] == "Orca"


def test_touching_a_file_without_changing_it_indexes_nothing(tmp_path):
    a = write(tmp_path / "a.jsonl", papers(0, 40))
    cache = tmp_path / "cache"
    Engine.open([a], cache)
    os.utime(a, (time.time() + 5, time.time() + 5))
    again = Engine.open([a], cache)
    assert again.status == "updated" and again.summary.segments == 1
    assert Engine.open([a], cache).status == "loaded"


def test_added_duplicates_and_versions_are_resolved_against_the_collection(tmp_path):
    a = write(
        tmp_path / "a.jsonl", [{"title": "Kestrel: Fast Kernels", "abstract": "Kestrel is fast."}]
    )
    b = write(
        tmp_path / "b.jsonl",
        [
            {"title": "Kestrel: Fast Kernels", "abstract": "Kestrel is fast."},  # the same
            {"title": "Kestrel: fast kernels", "abstract": "Kestrel is faster now."},  # a version
        ],
    )
    cache = tmp_path / "cache"
    Engine.open([a], cache)
    engine = Engine.open([a], cache, add=[b])
    assert engine.summary.documents == 2 and engine.summary.duplicates_merged == 1
    first = engine.papers.position(engine.papers.ids[0])
    assert [s.path for s in engine.papers.sources(first)] == [str(a), str(b)]
    assert len(engine.papers.versions(first)) == 2 and engine.summary.version_groups == 1
    ids = {engine.papers.ids[d] for d in engine.live_documents()}
    assert len(ids) == 2


def test_many_small_additions_are_folded_together(tmp_path, monkeypatch):
    import retrieval.engine as engine_module

    monkeypatch.setattr(engine_module, "MAX_SEGMENTS", 3)
    base = write(tmp_path / "a.jsonl", papers(0, 100))
    cache = tmp_path / "cache"
    engine = Engine.open([base], cache)
    for i in range(5):
        extra = write(tmp_path / f"x{i}.jsonl", papers(100 + 10 * i, 10))
        engine = Engine.open([base], cache, add=[extra])
        assert engine.summary.segments <= 3
    assert engine.summary.documents == 150
    assert_same_ranking(
        ranking(engine),
        ranking(Engine.open([base, *sorted(tmp_path.glob("x*.jsonl"))], tmp_path / "fresh")),
    )


KILLER = textwrap.dedent(
    """
    import sys
    from retrieval.engine import Engine
    action, cache, base, extra = sys.argv[1:5]
    engine = Engine.open([base], cache, add=[extra] if action == "add" else [])
    if action == "merge":
        engine.merge()
    """
)


@pytest.mark.parametrize("action", ["add", "merge"])
def test_kill_9_at_any_moment_leaves_the_previous_commit_readable(tmp_path, action):
    base = write(tmp_path / "a.jsonl", papers(0, 3000))
    extra = write(tmp_path / "b.jsonl", papers(3000, 3000))
    cache = tmp_path / "cache"
    Engine.open([base], cache)
    if action == "merge":
        Engine.open([base], cache, add=[extra])  # two segments to merge
    before = Engine.open([base], cache)
    expected = ranking(before)
    counts = {before.summary.documents}
    for delay in (0.05, 0.15, 0.3, 0.5, 0.8, 1.2):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLER, action, str(cache), str(base), str(extra)],
            cwd=ROOT,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        engine = Engine.load(
            next(p for p in cache.iterdir() if p.is_dir()), before.index.params, "loaded"
        )
        counts.add(engine.summary.documents)
        assert engine.summary.documents in (3000, 6000)
        if engine.summary.documents == before.summary.documents:
            assert_same_ranking(ranking(engine), expected)
    final = Engine.open([base], cache, add=[extra])
    assert final.summary.documents == 6000


def test_a_script_without_a_main_guard_opens_a_large_corpus(tmp_path):
    """Worker processes never import the caller's script: no guard is needed."""
    corpus = write(tmp_path / "big.jsonl", papers(0, 6000))
    script = tmp_path / "use_it.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import retrieval.engine
            retrieval.engine.PARALLEL_BYTES = 0  # as for a corpus over the threshold
            engine = retrieval.engine.Engine.open([{str(corpus)!r}], {str(tmp_path / "cache")!r})
            print(engine.summary.documents)
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "6000"
