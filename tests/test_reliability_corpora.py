"""Bad corpora through the real entry point: one line naming the file, exit 2, no traceback;
large files streamed."""

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.corpus import load_papers
from retrieval.errors import InputError


def fails_in_one_line(result, *expected):
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    for part in expected:
        assert part in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.jsonl", b"", ("empty.jsonl", "empty file")),
        ("blob.bin", bytes(range(256)) * 8, ("blob.bin", "binary file")),
        (
            "broken.jsonl",
            b'{"title": "a", "abstract": "b"}\n{"title": "c", "abstract": \n',
            ("broken.jsonl:2", "invalid JSON"),
        ),
        ("notitle.jsonl", b'{"abstract": "b"}\n', ("notitle.jsonl:1", "title")),
        ("noabstract.json", b'[{"title": "a"}]', ("noabstract.json:1", "abstract")),
        (
            "dangling.txt",
            b"Mar 3\n\nA Title\n\nIts abstract. Two sentences.\n\nA Dangling Title\n",
            ("dangling.txt:7", "has no abstract"),
        ),
    ],
)
def test_bad_corpus_files(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    fails_in_one_line(run_cli("search", "x", "--corpus", str(path)), *expected)


def test_missing_path_and_directory_without_corpus_files(tmp_path):
    fails_in_one_line(
        run_cli("index", "--corpus", str(tmp_path / "nothing")), "no such file or directory"
    )
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "readme.md").write_text("# notes\n")
    fails_in_one_line(
        run_cli("index", "--corpus", str(tmp_path / "d")), "no usable corpus files (1 skipped)"
    )


def test_invalid_utf8_is_decoded_with_a_warning_and_counted(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        json.dumps({"title": "Résumé parsing", "abstract": "We parse résumés."}, ensure_ascii=False)
        .encode()
        .replace("é".encode(), b"\xe9")
        + b"\n"
    )
    result = run_cli("index", "--corpus", str(path))
    assert result.returncode == 0, result.stderr
    assert "warning: " in result.stdout and "invalid UTF-8" in result.stdout


def test_same_id_in_two_files_is_kept_twice(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "p1", "title": "First paper", "abstract": "About alpha."}) + "\n"
    )
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "p1", "title": "Second paper", "abstract": "About beta."}) + "\n"
    )
    result = run_cli("search", "beta", "--corpus", str(tmp_path), "--json")
    assert json.loads(result.stdout)["hits"][0]["doc_id"] == "p1~2"
    assert "id 'p1' is already used" in run_cli("index", "--corpus", str(tmp_path)).stdout


def test_a_200_mb_json_lines_file_is_streamed(tmp_path):
    path = tmp_path / "big.jsonl"
    abstract = "word " * 2000
    with path.open("w") as out:
        for i in range(21_000):
            out.write(
                json.dumps({"id": f"b{i}", "title": f"Paper {i}", "abstract": abstract}) + "\n"
            )
    assert path.stat().st_size > 200 * 2**20
    script = textwrap.dedent(
        f"""
        import resource
        from retrieval.corpus import Collection, LoadReport, iter_papers, resolve_corpus
        report = LoadReport()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        n = sum(1 for _ in iter_papers(resolve_corpus([{str(path)!r}], report), Collection(report)))
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(n, grown)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    count, grown_mb = result.stdout.split()
    assert int(count) == 21_000
    assert float(grown_mb) < 100  # a 200 MB file never sits in memory


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".jsonl", ".json", ""]))
def test_arbitrary_bytes_raise_nothing_but_input_errors(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        papers, _ = load_papers([path])
    except InputError as err:
        assert "\n" not in err.one_line()
        return
    for paper in papers:
        assert paper.title and isinstance(paper.abstract, str)


def test_links_that_loop_are_followed_once(tmp_path):
    """Two links back to a parent make a recursive glob exponential; each directory is entered
    once (by device and inode)."""
    seeds = ROOT / "seeds"
    top = tmp_path / "papers"
    inner = top / "more" / "deeper"
    inner.mkdir(parents=True)
    (top / "a.txt").write_bytes((seeds / "000_aece1beded50ae76.txt").read_bytes())
    (inner / "b.txt").write_bytes((seeds / "003_74e38339729dfc59.txt").read_bytes())
    for name in ("up1", "up2", "up3"):
        (inner / name).symlink_to(top, target_is_directory=True)
    (top / "self").symlink_to(top, target_is_directory=True)
    for spec in (f"{top}/**", f"{top}/**/*.txt", str(top)):
        result = run_cli("index", "--corpus", spec, "--json", timeout=60)
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["files"] == 2 and summary["documents"] == 125, spec


def test_a_relative_recursive_glob_matches_from_the_working_directory(tmp_path):
    seeds = ROOT / "seeds"
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "p.txt").write_bytes((seeds / "000_aece1beded50ae76.txt").read_bytes())
    (tmp_path / "top.txt").write_bytes((seeds / "003_74e38339729dfc59.txt").read_bytes())
    result = run_cli("index", "--corpus", "**/*.txt", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["files"] == 2


def test_a_beir_directory_without_its_corpus_says_so(tmp_path):
    beir = tmp_path / "collection"
    (beir / "qrels").mkdir(parents=True)
    (beir / "queries.jsonl").write_text('{"_id": "1", "text": "what is x"}\n')
    (beir / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n")
    for args in (("eval", "--beir", str(beir)), ("ask", "--corpus", str(beir), "x")):
        result = run_cli(*args)
        fails_in_one_line(result)
        assert result.stderr == f"error: {beir}: a BEIR collection without its corpus.jsonl\n"
