"""Odd questions: empty, huge, binary, escapes, markup, other scripts. Answered or refused in
one line, printed literally."""

import json
import time

import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.conversation import Conversation
from retrieval.errors import InputError

ODD = [
    "What is Split\x00wise?",
    "What is \x07\x08\x1bSplitwise\x1b[0m?",
    "\x1b[31mWhat is Mamo?\x1b[0m",
    "What is [bold]Mamo[/bold] and [link=https://evil.example]this[/link]?",
    "ما هو Splitwise؟",
    "What is Splitwise? 🚀🤖",
    "Splitwise是什么？",
    "\u202eWhat is Mamo?\u202c",
]


@pytest.mark.parametrize("question", ODD)
def test_odd_questions_are_answered_without_escape_bytes(question):
    result = run_cli("ask", "-", input=question)
    assert result.returncode == 0, result.stderr
    assert (
        "\x1b" not in result.stdout and "\x00" not in result.stdout and "\x07" not in result.stdout
    )
    as_json = run_cli("ask", "-", "--json", input=question)
    payload = json.loads(as_json.stdout)
    assert payload["question"] == question.strip()


def test_a_megabyte_question_is_refused_fast(seeds_assistant):
    started = time.perf_counter()
    with pytest.raises(InputError, match="too long"):
        seeds_assistant.ask("word " * 210_000, Conversation())
    assert time.perf_counter() - started < 2.0


def test_a_long_but_acceptable_question_is_answered_fast(seeds_assistant):
    started = time.perf_counter()
    answer = seeds_assistant.ask(
        ("splitting inference phases onto machines " * 50)[:1990], Conversation()
    )
    assert time.perf_counter() - started < 2.0
    assert answer.abstained or answer.citations


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_blank_questions_are_a_usage_error(blank):
    result = run_cli("ask", blank)
    assert result.returncode == 2
    assert result.stderr == "error: the question is empty\n"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=300))
def test_any_unicode_question_never_raises(seeds_assistant, text):
    try:
        answer = seeds_assistant.ask(text, Conversation())
    except InputError as err:
        assert err.problem == "the question is empty"
        return
    assert isinstance(answer.abstained, bool)
    for s in answer.sentences:
        assert s.text in answer.answer


def test_a_paper_of_five_megabytes_is_answered_from_its_own_words(tmp_path):
    """Splitting and scoring are bounded for a book-sized abstract (its timing is measured by
    benchmarks/long_abstract.py); the quote is still its exact sentence, wherever it stands."""
    from assistant.answering.features import MAX_SENTENCES
    from assistant.conversation import Assistant
    from retrieval.engine import Engine

    filler = "Models are trained on data and evaluated on benchmarks in many settings. "
    needle = "The Kestrel kernel runs sparse attention three times faster on GPUs."
    text = filler * 40_000 + needle + " " + filler * 30_000
    assert len(text) > 5_000_000
    corpus = tmp_path / "big.jsonl"
    records = [
        {"id": "huge", "title": "Everything About Models", "abstract": text},
        {"id": "small", "title": "Sparse Attention", "abstract": "Sparse attention is fast."},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    engine = Engine.open([corpus], tmp_path / "index")
    answer = Assistant(engine).ask("How much faster does the Kestrel kernel run?", Conversation())
    assert answer.citations[0].doc_id == "huge"
    first = answer.sentences[0]
    assert first.text == needle
    span = engine.sentences(0)[first.sentence_index]
    assert text[span.start : span.end] == needle and first.sentence_index == 40_000
    from assistant.answering.candidates import gather
    from assistant.answering.features import sentence_table

    question, context = Assistant(engine).understand("Kestrel kernel speed", Conversation())
    table = sentence_table(engine, question, gather(engine, question, context).docs[0])
    assert len(table) <= MAX_SENTENCES
