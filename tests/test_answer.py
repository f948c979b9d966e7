"""Composed answers: verbatim sentences, numbered citations, abstention, lists, comparisons,
versions, and literal text."""

import json

from conftest import run_cli

from assistant.conversation import Conversation


def ask(assistant, question):
    return assistant.ask(question, Conversation())


def assert_verbatim(engine, answer):
    """Every quoted sentence is an exact slice of its paper's abstract, at its sentence index."""
    for s in answer.sentences:
        doc = engine.papers.position(s.doc_id)
        span = engine.sentences(doc)[s.sentence_index]
        assert engine.papers.abstract(doc)[span.start : span.end] == s.text
        assert f"{s.text} [{s.citation}]" in answer.answer


def test_definition_quotes_the_named_paper_with_citation_one(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "What is Splitwise?")
    assert not answer.abstained
    assert answer.citations[0].n == 1 and answer.citations[0].title.startswith("Splitwise")
    assert 1 <= len(answer.sentences) <= 3
    assert "we propose splitting the two phases" in answer.answer
    assert_verbatim(seeds_engine, answer)
    assert answer.citations[0].source == "seeds/000_aece1beded50ae76.txt"
    assert answer.citations[0].date == "Mar 14"


def test_quantity_questions_get_sentences_with_numbers(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "How much faster is prefill with mllm-NPU?")
    assert "22.4x faster prefill" in answer.sentences[0].text
    assert_verbatim(seeds_engine, answer)


def test_citations_are_numbered_by_first_use(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "Which papers propose quantization methods for LLMs?")
    assert len(answer.citations) >= 3
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    first_use = []
    for s in answer.sentences:
        if s.citation not in first_use:
            first_use.append(s.citation)
    assert first_use == sorted(first_use)
    assert_verbatim(seeds_engine, answer)
    assert all(line.startswith("- ") for line in answer.answer.splitlines())
    assert len(answer.citations) <= 8


def test_comparison_quotes_each_paper_side_by_side(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "Compare Splitwise and BlockLLM")
    assert [c.title.split(":")[0] for c in answer.citations] == ["Splitwise", "BlockLLM"]
    lines = answer.answer.splitlines()
    assert lines[0].startswith("- Splitwise: ") and lines[1].startswith("- BlockLLM: ")
    assert_verbatim(seeds_engine, answer)


def test_versions_are_said_and_disagreements_quoted(seeds_engine, seeds_assistant):
    answer = ask(seeds_assistant, "How many chat LLMs did FuseChat use to validate the approach?")
    assert any("2 versions" in note for note in answer.notes)
    fusechat = [c for c in answer.citations if c.title.startswith("FuseChat")]
    assert len(fusechat) == 2
    text = answer.answer
    assert "three prominent chat LLMs" in text and "six prominent chat LLMs" in text
    assert_verbatim(seeds_engine, answer)


def test_off_topic_question_is_abstained_with_see_also(seeds_assistant):
    answer = ask(seeds_assistant, "Who won the 1998 Tour de France?")
    assert answer.abstained
    assert answer.citations == [] and answer.sentences == []
    assert 1 <= len(answer.see_also) <= 3
    assert "do not answer" in answer.answer


def test_a_name_the_paper_never_mentions_means_no_answer(seeds_assistant):
    answer = ask(seeds_assistant, "What BLEURT score does Splitwise reach on WMT?")
    assert answer.abstained
    assert answer.see_also[0].title.startswith("Splitwise")


def test_markup_in_questions_is_just_text(seeds_assistant):
    answer = ask(seeds_assistant, "What is [bold]Splitwise[/bold]?")
    assert not answer.abstained and answer.citations[0].title.startswith("Splitwise")
    assert answer.question == "What is [bold]Splitwise[/bold]?"


def test_ask_json_through_the_entry_point():
    result = run_cli("ask", "What is Mamo?", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {
        "question",
        "abstained",
        "answer",
        "sentences",
        "citations",
        "see_also",
        "timings_ms",
    } <= set(payload)
    assert payload["citations"][0]["n"] == 1 and payload["citations"][0]["title"].startswith("Mamo")
    sentence = payload["sentences"][0]
    assert {"text", "doc_id", "title", "sentence_index", "score", "citation"} <= set(sentence)
    assert payload["timings_ms"]["total"] > 0


def test_ask_terminal_output_has_references_and_no_escapes_when_piped():
    result = run_cli("ask", "What is Mamo?")
    assert result.returncode == 0
    assert "[1]" in result.stdout and "\nReferences\n  [1] Mamo" in result.stdout
    assert "\x1b" not in result.stdout


def test_empty_and_huge_questions_are_refused_in_one_line():
    result = run_cli("ask", "   ")
    assert result.returncode == 2 and result.stderr == "error: the question is empty\n"
    # A megabyte does not fit in an argument; it arrives on stdin.
    result = run_cli("ask", "-", input="why " * 262_144, timeout=10)
    assert result.returncode == 2
    assert result.stderr.startswith("error: the question is too long (1,048,575 characters")
    assert result.stderr.count("\n") == 1
