"""`assistant search` and `assistant index` through the real entry point."""

import json

from conftest import CRANFIELD, run_cli


def test_search_prints_ranked_papers_with_best_sentence():
    result = run_cli("search", "phase splitting of LLM inference", "-k", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. Splitwise")
    assert "score" in lines[1] and "Mar 14" in lines[1] and "seeds/" in lines[1]
    assert lines[2].strip().startswith("“")
    assert "\x1b" not in result.stdout  # piped: no escape codes


def test_search_json_shape():
    result = run_cli("search", "quantization", "-k", "3", "--json")
    payload = json.loads(result.stdout)
    assert payload["query"] == "quantization"
    assert [h["rank"] for h in payload["hits"]] == [1, 2, 3]
    for hit in payload["hits"]:
        assert {"rank", "doc_id", "title", "score", "date", "source"} <= set(hit)
    scores = [h["score"] for h in payload["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_batch_search_writes_a_trec_run(tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tphase splitting inference\nq2\tquantization of weights\n")
    run = tmp_path / "run.txt"
    result = run_cli("search", "--queries", str(queries), "--run-file", str(run), "-k", "5")
    assert result.returncode == 0, result.stderr
    lines = run.read_text().splitlines()
    assert len(lines) == 10
    qid, q0, _, rank, score, tag = lines[0].split()
    assert (qid, q0, rank, tag) == ("q1", "Q0", "1", "bm25+rm3")
    float(score)
    assert [line.split()[3] for line in lines[:5]] == ["1", "2", "3", "4", "5"]


def test_batch_search_reads_beir_queries(tmp_path):
    run = tmp_path / "run.txt"
    result = run_cli(
        "search",
        "--corpus",
        str(CRANFIELD),
        "--queries",
        str(CRANFIELD / "queries.jsonl"),
        "--run-file",
        str(run),
        "-k",
        "10",
        "--engine",
        "okapi",
    )
    assert result.returncode == 0, result.stderr
    lines = run.read_text().splitlines()
    assert len(lines) == 225 * 10 and lines[0].endswith(" okapi")


def test_search_errors_are_one_line_with_exit_2(tmp_path):
    for args, expected in [
        (("search", ""), "error: the query is empty"),
        (("search", "x", "--corpus", str(tmp_path / "nope")), "nope: no such file or directory"),
        (("search", "--queries", str(tmp_path / "missing.tsv")), "missing.tsv: cannot read"),
        (("search", "x", "--run-file", "r.txt"), "--run-file needs --queries"),
    ]:
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and expected in result.stderr
        assert "Traceback" not in result.stderr


def test_index_prints_counts():
    result = run_cli("index")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in (
        "documents           125",
        "duplicates merged   6",
        "versions            2 documents in 1 paper",
        "sentences",
        "vocabulary",
    ):
        assert expected in out
    payload = json.loads(run_cli("index", "--json").stdout)
    assert payload["documents"] == 125 and payload["status"] == "loaded"


def test_zero_or_negative_k_is_refused_like_any_bad_option(tmp_path):
    for k in ("0", "-3"):
        result = run_cli("search", "quantization", "-k", k)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr == "error: -k must be at least 1\n"
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tquantization\n")
    batch = run_cli("search", "--queries", str(queries), "-k", "0")
    assert batch.returncode == 2 and batch.stderr == "error: -k must be at least 1\n"
