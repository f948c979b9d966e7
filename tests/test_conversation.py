"""Follow-ups: "it", "tell me more", "compare it with X", and sessions across processes."""

import json

from conftest import run_cli

from assistant.conversation import Conversation


def test_it_means_the_paper_of_the_previous_answer(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is LightSeq?", conversation)
    answer = seeds_assistant.ask("How much less communication does it need?", conversation)
    assert answer.citations[0].title.startswith("LightSeq")
    assert "4.7x less communication" in answer.answer


def test_tell_me_more_continues_without_repeating(seeds_assistant):
    conversation = Conversation()
    first = seeds_assistant.ask("What is SirLLM?", conversation)
    more = seeds_assistant.ask("tell me more", conversation)
    assert more.citations[0].doc_id == first.citations[0].doc_id
    shown = {s.sentence_index for s in first.sentences}
    assert not shown.intersection(s.sentence_index for s in more.sentences)
    again = seeds_assistant.ask("tell me more", conversation)
    assert again.citations[0].doc_id == first.citations[0].doc_id
    shown |= {s.sentence_index for s in more.sentences}
    assert not shown.intersection(s.sentence_index for s in again.sentences)


def test_tell_me_more_with_nothing_before_asks_for_a_question(seeds_assistant):
    answer = seeds_assistant.ask("tell me more", Conversation())
    assert answer.abstained and answer.see_also == []
    assert answer.answer == "There is no earlier answer to go on with: ask a question first."


def test_compare_it_with_another_paper(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is LightSeq?", conversation)
    answer = seeds_assistant.ask("compare it with Redco", conversation)
    assert [c.title.split(":")[0] for c in answer.citations] == ["LightSeq", "Redco"]


def test_a_question_with_its_own_subject_is_not_a_follow_up(seeds_assistant):
    conversation = Conversation()
    seeds_assistant.ask("What is Mamo?", conversation)
    answer = seeds_assistant.ask("How does ADED build its drafts?", conversation)
    assert answer.citations[0].title.startswith("Adaptive Draft-Verification")


def test_they_as_the_subject_stays_with_the_previous_papers(seeds_assistant):
    """ "GPUs" is a name-like word the previous paper never mentions; the question still asks
    about that paper, not about another that mentions GPUs."""
    conversation = Conversation()
    first = seeds_assistant.ask(
        "Which paper gets LLMs to write outputs longer than 10,000 words?", conversation
    )
    assert first.citations[0].title.startswith("LongWriter")
    answer = seeds_assistant.ask("How many GPUs did they use?", conversation)
    assert answer.abstained
    assert answer.answer.startswith("The abstract of “LongWriter: ")


def test_sessions_keep_the_conversation_between_calls():
    first = run_cli("ask", "What is LightSeq?", "--session", "reading", "--json")
    assert first.returncode == 0, first.stderr
    second = run_cli(
        "ask", "How much less communication does it need?", "--session", "reading", "--json"
    )
    assert json.loads(second.stdout)["citations"][0]["title"].startswith("LightSeq")
    listing = run_cli("history")
    assert "[reading]" in listing.stdout and "2 turns" in listing.stdout
