"""The chat, driven by Textual's pilot: answers, citations, follow-ups, export, history."""

import pytest
from textual.widgets import Markdown, OptionList

from assistant.cli import build_parser
from assistant.tui.app import ChatApp, create_app, export_path
from assistant.tui.widgets import AnswerMessage, PaperPanel, QuestionInput, QuestionMessage

SIZE = (120, 40)


def make_app(*args: str) -> ChatApp:
    """Built the way the command line builds it."""
    return create_app(build_parser().parse_args(["chat", *args]))


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def ask(pilot, question: str) -> None:
    box = pilot.app.query_one(QuestionInput)
    box.value = question
    await pilot.press("enter")
    await settle(pilot)


async def test_a_question_gets_a_cited_answer():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "125 papers" in app.sub_title
        await pilot.press(*"What is Splitwise?")
        await pilot.press("enter")
        await settle(pilot)
        answers = app.query(AnswerMessage)
        assert len(answers) == 1
        answer = answers.first().answer
        assert answer.citations[0].title.startswith("Splitwise")
        assert "[1]" in answer.answer
        assert app.query_one(QuestionInput).value == ""


async def test_opening_a_citation_shows_the_abstract_with_the_quote_highlighted():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Splitwise?")
        panel = app.query_one(PaperPanel)
        assert panel.has_class("hidden")
        await pilot.press("alt+1")
        await pilot.pause()
        assert not panel.has_class("hidden")
        view = panel.view
        assert view.title.startswith("[1] Splitwise")
        answer = app.last_answer
        quoted = [view.abstract[a:b] for a, b in view.quoted]
        assert quoted == [s.text for s in answer.sentences]
        text = panel._abstract(view)
        quote_style = panel.get_component_rich_style("paper-panel--quote")
        start, end = view.quoted[0]
        assert any(
            span.start <= start and span.end >= end and span.style == quote_style
            for span in text.spans
        )


async def test_clicking_a_citation_marker_opens_the_paper():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        message = app.query_one(AnswerMessage)
        message.on_markdown_link_clicked(message.LinkClicked(message, "cite:1"))
        await pilot.pause()
        assert app.query_one(PaperPanel).view.title.startswith("[1] Mamo")


async def test_a_follow_up_resolves_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is LightSeq?")
        await ask(pilot, "How much less communication does it need?")
        last = list(app.query(AnswerMessage))[-1].answer
        assert last.citations[0].title.startswith("LightSeq")
        assert "4.7x" in last.answer


async def test_up_recalls_earlier_questions():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        await ask(pilot, "What is SirLLM?")
        await pilot.press("up")
        assert app.query_one(QuestionInput).value == "What is SirLLM?"
        await pilot.press("up")
        assert app.query_one(QuestionInput).value == "What is Mamo?"
        await pilot.press("down", "down")
        assert app.query_one(QuestionInput).value == ""


async def test_export_writes_the_conversation_as_markdown():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        await pilot.press("ctrl+e")
        await pilot.pause()
        target = export_path(app.conversation_id)
        text = target.read_text()
        assert text.startswith("# What is Mamo?")
        assert "## What is Mamo?" in text and "[1]" in text
        assert "1. Mamo: a Mathematical Modeling Benchmark with Solvers (Mar 14)" in text


async def test_history_survives_a_restart():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        await ask(pilot, "What is SirLLM?")
        saved = app.conversation_id
    resumed = make_app("--resume")
    async with resumed.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert resumed.conversation_id == saved
        assert [
            m.answer.citations[0].title.split(":")[0] for m in resumed.query(AnswerMessage)
        ] == ["Mamo", "SirLLM"]
        await ask(pilot, "tell me more")
        assert list(resumed.query(AnswerMessage))[-1].answer.citations[0].title.startswith("SirLLM")


async def test_history_screen_resumes_a_conversation():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        first = app.conversation_id
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not app.query(AnswerMessage)
        await pilot.press("ctrl+o")
        await pilot.pause()
        listed = app.screen.query_one(OptionList).get_option_at_index(0).prompt
        assert " 1 turn " in str(listed) and "turns" not in str(listed)
        await pilot.press("enter")
        await pilot.pause()
        assert app.conversation_id == first and len(app.query(AnswerMessage)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "[bold]Splitwise[/bold] what is it",
        "[link=https://x.org]click[/link]",
        "\x1b[31mred\x1b[0m?",
    ],
)
async def test_markup_and_escapes_in_the_input_stay_literal(text):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, text)
        shown = app.query_one(QuestionMessage)
        rendered = str(shown.render())
        assert "\x1b" not in rendered
        assert rendered == text.replace("\x1b", "")
        assert app.query(AnswerMessage)


async def test_copy_keeps_the_last_answer_and_says_so():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "Mamo" in app.clipboard
        assert any("clipboard" in n.message for n in app._notifications)


async def test_help_and_quit():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        # The help says how to ask for lists, as well as follow-ups.
        shown = app.screen.query_one(Markdown).source
        assert "most parameters" in shown and "tell me more" in shown
        assert "is there a paper on X?" in shown
        assert "who wrote X?" in shown and "how many are there?" in shown
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


def test_every_binding_has_an_id_and_a_tooltip():
    for binding in ChatApp.BINDINGS + QuestionInput.BINDINGS:
        assert binding.id and binding.tooltip


async def test_names_are_suggested_while_typing():
    from assistant.tui.widgets import NameSuggester

    suggester = NameSuggester(
        ["Splitwise", "SirLLM", "Merging LoRAs like Playing LEGO", "Split Learning"]
    )
    assert await suggester.get_suggestion("What is Spli") == "What is Splitwise"
    assert (
        await suggester.get_suggestion("what does merging lo")
        == "what does merging loRAs like Playing LEGO"
    )
    assert await suggester.get_suggestion("What is ") is None
    assert await suggester.get_suggestion("xyzzy") is None
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"What is Splitw")
        await pilot.pause(0.2)
        box = app.query_one(QuestionInput)
        assert box._suggestion == "What is Splitwise"
        await pilot.press("right")
        assert box.value == "What is Splitwise"


async def test_a_bad_corpus_closes_the_chat_with_the_error(tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"title": "a", "abstract": "b"}\n{"title": broken\n')
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):  # the worker fails, the app exits on its own
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert "bad.jsonl:2: invalid JSON" in app.error
