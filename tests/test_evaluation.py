"""`assistant eval`: fixtures validated, metrics per question, gates, reports, BEIR runs."""

import json

import pytest
from conftest import CRANFIELD, DEV_FIXTURES, run_cli

from assistant.answering.answer import Answer, Citation
from assistant.evaluation import Fixture, score_answer


def fixture(**fields):
    base = {
        "id": "x",
        "type": "definition",
        "question": "q",
        "turns": None,
        "expect_titles": ["Paper A"],
        "expect_any_phrase": ["the phrase"],
        "notes": "",
    }
    return Fixture.model_validate({**base, **fields})


def answer(titles, text="it has the phrase [1]", abstained=False):
    return Answer(
        question="q",
        kind="other",
        abstained=abstained,
        answer=text,
        sentences=[],
        citations=[
            Citation(n=i + 1, doc_id=f"id{i}", title=t, date=None, source="s")
            for i, t in enumerate(titles)
        ],
        see_also=[],
        confidence=1.0,
    )


def test_checks_for_each_kind_of_fixture():
    checks = score_answer(answer(["paper a", "Other"]), fixture())
    assert (
        checks["cite@1"] is True and checks["phrase"] is True and checks["false_abstain"] is False
    )
    assert score_answer(answer(["Other", "Paper A"]), fixture())["cite@1"] is False
    compare = fixture(type="compare", expect_titles=["Paper A", "Paper B"])
    assert score_answer(answer(["Paper A"]), compare)["cite_all"] is False
    assert score_answer(answer(["Paper B", "Paper A"]), compare)["cite_all"] is True
    listing = fixture(type="list", expect_titles=["Paper A", "Paper B"], expect_any_phrase=[])
    checks = score_answer(answer(["Paper B", "X"]), listing)
    assert checks["list_recall"] == 0.5 and checks["cite@1"] is None
    unanswerable = fixture(type="unanswerable", expect_titles=[], expect_any_phrase=[])
    assert score_answer(answer([], "no", abstained=True), unanswerable)["abstain_ok"] is True
    assert score_answer(answer([], "no", abstained=True), fixture())["false_abstain"] is True
    by_id = fixture(expect_titles=[], expect_ids=["id0"])
    assert score_answer(answer(["whatever"]), by_id)["cite@1"] is True
    # Papers without titles, expected by id: one of two cited is not both.
    untitled = fixture(type="compare", expect_titles=[], expect_ids=["id0", "id9"])
    assert score_answer(answer([""]), untitled)["cite_all"] is False


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "a", "type": "t"}', "fixtures.jsonl:2: field 'question': Field required"),
        (
            '{"id": "a", "type": "t", "question": "q", "turns": ["other"]}',
            "fixtures.jsonl:2: the last of 'turns' must be the question",
        ),
        (
            '{"id": "a", "type": "t", "question": "q", "expect_title": []}',
            "fixtures.jsonl:2: field 'expect_title'",
        ),
        (
            '{"id": "a", "type": "t", "question": ""}',
            "fixtures.jsonl:2: field 'question': must not be empty",
        ),
        ("{broken", "fixtures.jsonl:2: invalid JSON"),
        (
            '{"id": "ok", "type": "t", "question": "q"}',
            "fixtures.jsonl:2: field 'id': duplicate id (first on line 1)",
        ),
    ],
)
def test_bad_fixture_lines_stop_the_run_with_file_line_field(tmp_path, line, expected):
    path = tmp_path / "fixtures.jsonl"
    path.write_text('{"id": "ok", "type": "t", "question": "q"}\n' + line + "\n")
    result = run_cli("eval", str(path))
    assert result.returncode == 2
    assert expected in result.stderr and result.stderr.count("\n") == 1


def test_dev_fixtures_through_the_entry_point_with_gates(tmp_path):
    report = tmp_path / "failures.md"
    result = run_cli(
        "eval",
        str(DEV_FIXTURES),
        "--json",
        "--report",
        str(report),
        "--min",
        "cite@1=0.92",
        "--min",
        "phrase=0.8",
        "--min",
        "list_recall=0.8",
        "--min",
        "abstain_ok=0.25",
        "--max",
        "false_abstain=0.05",
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    summary = payload["summary"]
    assert summary["questions"] == 40 and "definition" in summary["by_type"]
    item = payload["items"][0]
    assert {
        "id",
        "question",
        "type",
        "abstained",
        "answer",
        "sentences",
        "citations",
        "passed",
        "checks",
        "latency_ms",
    } <= set(item)
    text = report.read_text()
    assert text.startswith("# Evaluation failures")
    for failed in (i for i in payload["items"] if not i["passed"]):
        assert f"## {failed['id']} " in text


def test_a_gate_that_is_not_met_exits_1_and_names_the_metric(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(
        json.dumps(
            {"id": "u", "type": "unanswerable", "question": "Who won the 1998 Tour de France?"}
        )
        + "\n"
    )
    ok = run_cli("eval", str(path), "--min", "abstain_ok=1")
    assert ok.returncode == 0, ok.stderr
    assert "abstain_ok" in ok.stdout
    failed = run_cli("eval", str(path), "--max", "abstain_ok=0.5")
    assert failed.returncode == 1 and "abstain_ok 1.0000 > 0.5" in failed.stderr
    unknown = run_cli("eval", str(path), "--min", "nonsense=1")
    assert unknown.returncode == 2 and "unknown metric 'nonsense'" in unknown.stderr


def test_cranfield_through_the_entry_point(tmp_path):
    run = tmp_path / "run.txt"
    result = run_cli(
        "eval", "--beir", str(CRANFIELD), "--run-file", str(run), "--json", "--min", "ndcg@10=0.46"
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["engine"] == "bm25+rm3" and payload["queries"] == 225
    assert payload["ndcg@10"] >= 0.46 and payload["map@1000"] > 0.45
    assert payload["params"]["k1"] == 1.2
    lines = run.read_text().splitlines()
    assert len({line.split()[0] for line in lines}) == 225
    # The number holds when computed from the TREC run itself.
    from assistant.beir import read_qrels
    from assistant.metrics import ir_metrics

    ranked: dict[str, list[str]] = {}
    for line in lines:
        qid, _, doc, _, _, _ = line.split()
        ranked.setdefault(qid, []).append(doc)
    assert ir_metrics(ranked, read_qrels(CRANFIELD / "qrels" / "test.tsv"))["ndcg@10"] >= 0.46
    table = run_cli("eval", "--beir", str(CRANFIELD), "--engine", "okapi")
    assert "okapi (rank-bm25) IDF" in table.stdout and "ndcg@10" in table.stdout
