"""Metrics against small cases computed by hand."""

import math

import pytest

from assistant import metrics

JUDGED = {"a": 3, "c": 1, "d": 2, "z": 0}


def test_ndcg_uses_graded_gains():
    dcg = 3 / math.log2(2) + 1 / math.log2(4)
    ideal = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert metrics.ndcg_at(["a", "b", "c"], JUDGED, 10) == pytest.approx(dcg / ideal)
    assert metrics.ndcg_at(["a", "d", "c"], JUDGED, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at(["b", "z"], JUDGED, 10) == 0.0
    assert metrics.ndcg_at(["b", "a"], JUDGED, 1) == 0.0


def test_average_precision_counts_every_relevant_document():
    assert metrics.average_precision(["a", "b", "c"], JUDGED, 1000) == pytest.approx(
        (1 + 2 / 3) / 3
    )
    assert metrics.average_precision(["a", "b", "c"], JUDGED, 2) == pytest.approx(1 / 3)
    assert metrics.average_precision([], {"z": 0}, 10) == 0.0


def test_recall_and_reciprocal_rank():
    assert metrics.recall_at(["a", "b", "c"], JUDGED, 2) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["b", "z", "d"], JUDGED, 10) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["b", "z", "d"], JUDGED, 2) == 0.0


def test_ir_metrics_average_over_judged_queries_only():
    run = {"q1": ["a", "b", "c"], "q2": ["x"], "q3": ["a"]}
    qrels = {"q1": JUDGED, "q2": {"x": 1}, "q3": {"a": 0}}
    m = metrics.ir_metrics(run, qrels)
    assert m["queries"] == 2
    assert m["mrr@10"] == pytest.approx(1.0)
    assert m["map@1000"] == pytest.approx(((1 + 2 / 3) / 3 + 1) / 2)


def test_question_answering_checks():
    answer = "They  SPLIT the phases\nonto separate machines [1]."
    assert metrics.contains_phrase(answer, ["split the phases onto separate"])
    assert not metrics.contains_phrase(answer, ["three phases", ""])
    assert metrics.sentence_matches("We split it.", ["we split it. Then more."])
    assert metrics.sentence_matches("Long sentence with the phrase inside.", ["the phrase"])
    assert not metrics.sentence_matches("Unrelated.", ["the phrase"])
    assert metrics.list_recall(["a", "b", "x"], ["a", "b", "c", "d"]) == 0.5
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.percentile([], 95) == 0.0
