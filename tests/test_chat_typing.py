"""The chat as people type into it: nothing typed is lost, questions wait their turn, and keys
arrive as real terminals send them (bursts, pastes, ESC + digit)."""

import os
import threading

import pytest
from test_tui import SIZE, ask, make_app, settle
from textual._xterm_parser import XTermParser

from assistant.tui import app as chat_module
from assistant.tui.widgets import AnswerMessage, PaperPanel, QuestionInput, QuestionMessage


def terminal_keys(app, sequence: str) -> None:
    """Feed `sequence` as a terminal would send it in one read: parsed as Textual parses
    terminal input, and posted all at once, without waiting for the app between keys."""
    parser = XTermParser()
    for event in parser.feed(sequence):
        app.post_message(event)


def questions(app) -> list[str]:
    return [m.question for m in app.query(QuestionMessage)]


def answered(app) -> list[str]:
    return [m.answer.question for m in app.query(AnswerMessage)]


@pytest.fixture
def held_engine(monkeypatch):
    """The collection stays 'opening' until the test releases it."""
    release = threading.Event()
    original = chat_module.Engine.open

    def slow_open(*args, **kwargs):
        release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(chat_module.Engine, "open", slow_open)
    return release


async def test_a_question_typed_while_the_collection_opens_is_answered(held_engine):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        terminal_keys(app, "What is Splitwise?\rHow does LightSeq partition the sequence?\r")
        await pilot.pause(0.2)
        shown = list(app.query(QuestionMessage))
        assert [m.question for m in shown] == [
            "What is Splitwise?",
            "How does LightSeq partition the sequence?",
        ]
        assert all(m.waiting == "waiting for the index" for m in shown)
        assert "waiting for the index" in str(shown[0].render())
        held_engine.set()
        await settle(pilot)
        await settle(pilot)
        assert answered(app) == questions(app)
        assert all(m.waiting is None for m in app.query(QuestionMessage))


def test_a_question_typed_as_the_chat_starts_is_answered(tmp_path):
    """The real entry point in a pseudo-terminal, typed into before the chat has taken over
    the terminal: the letters wait there in order, and Enter arrives as a line feed."""
    import fcntl
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(tmp_path)}
    chat = subprocess.Popen(
        [sys.executable, "-m", "assistant"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    os.write(leader, b"What is Dolma?\r")
    shown, deadline = b"", time.monotonic() + 30
    try:
        while b"trillion" not in shown and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                shown += os.read(leader, 65536)
        assert b"trillion" in shown, "the question typed at start was not answered"
        os.write(leader, b"\x11")  # Ctrl+Q
        while chat.poll() is None and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    os.read(leader, 65536)
                except OSError:  # the chat has closed the terminal: it is quitting
                    break
        assert chat.wait(timeout=20) == 0
    finally:
        if chat.poll() is None:
            chat.kill()
        os.close(leader)


async def test_a_burst_of_keys_is_two_questions_not_one():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        terminal_keys(app, "What is Mamo?\rWhat is SirLLM?\rhalf a question")
        await pilot.pause(0.2)
        await settle(pilot)
        await settle(pilot)
        assert questions(app) == ["What is Mamo?", "What is SirLLM?"]
        assert answered(app) == ["What is Mamo?", "What is SirLLM?"]
        assert app.query_one(QuestionInput).value == "half a question"
        cited = [m.answer.citations[0].title.split(":")[0] for m in app.query(AnswerMessage)]
        assert cited == ["Mamo", "SirLLM"]


async def test_a_pasted_block_of_lines_is_one_question_per_line():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # A bracketed paste, as terminals send it.
        terminal_keys(app, "\x1b[200~What is Mamo?\nWhat is SirLLM?\nand a rest\x1b[201~")
        await pilot.pause(0.2)
        await settle(pilot)
        await settle(pilot)
        assert answered(app) == ["What is Mamo?", "What is SirLLM?"]
        assert app.query_one(QuestionInput).value == "and a rest"


async def test_a_question_typed_while_an_answer_is_found_waits_its_turn(monkeypatch):
    release = threading.Event()
    original = chat_module.Assistant.ask

    def slow_ask(self, text, conversation=None):
        release.wait(10)
        return original(self, text, conversation)

    monkeypatch.setattr(chat_module.Assistant, "ask", slow_ask)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        terminal_keys(app, "What is LightSeq?\r")
        await pilot.pause(0.1)
        terminal_keys(app, "How much less communication does it need?\r")
        await pilot.pause(0.1)
        second = list(app.query(QuestionMessage))[1]
        assert second.waiting == "waiting for the answers above"
        assert not app.query(AnswerMessage)
        release.set()
        await settle(pilot)
        await settle(pilot)
        replies = [m.answer for m in app.query(AnswerMessage)]
        assert [a.question for a in replies] == questions(app)
        # The follow-up was read after the first answer: "it" is LightSeq.
        assert replies[1].citations[0].title.startswith("LightSeq")


async def test_alt_digit_as_terminals_send_it_opens_a_citation():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Splitwise?")
        panel = app.query_one(PaperPanel)
        assert panel.has_class("hidden")
        terminal_keys(app, "\x1b1")  # tmux and xterm-likes: ESC, then the digit
        await pilot.pause(0.1)
        assert not panel.has_class("hidden")
        assert panel.view.title.startswith("[1] Splitwise")
        assert app.query_one(QuestionInput).value == ""


async def test_inside_a_question_the_same_key_is_a_character():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Splitwise?")
        terminal_keys(app, "cost in £")
        await pilot.pause(0.1)
        assert app.query_one(QuestionInput).value == "cost in £"
        assert app.query_one(PaperPanel).has_class("hidden")


async def test_a_digit_opens_a_citation_while_the_conversation_has_focus():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Which papers propose quantization methods for LLMs?")
        app.view.focus()
        await pilot.press("2")
        await pilot.pause()
        panel = app.query_one(PaperPanel)
        assert panel.view.title.startswith("[2] ")
        assert app.query_one(QuestionInput).value == ""


@pytest.mark.parametrize("away", ["panel", "tab", "new"])
async def test_typing_anywhere_goes_to_the_question_box(away):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        if away == "panel":
            message = app.query_one(AnswerMessage)
            message.on_markdown_link_clicked(message.LinkClicked(message, "cite:1"))
            await pilot.pause()
            app.query_one(PaperPanel).focus()
        elif away == "tab":
            await pilot.press("tab")
        else:
            app.view.focus()
            await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(app.focused, QuestionInput)
        await pilot.press(*"How")
        box = app.query_one(QuestionInput)
        assert box.value == "How" and app.focused is box


async def ask_three(pilot) -> None:
    """Three answered questions: more than a 24-line terminal shows at once."""
    await settle(pilot)
    for question in ("What is Mamo?", "What is SirLLM?", "What is LightSeq?"):
        await ask(pilot, question)


async def test_page_keys_scroll_the_conversation_while_typing():
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await ask_three(pilot)
        view = app.view
        assert view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y
        assert isinstance(app.focused, QuestionInput)
        await pilot.press("pageup")
        await pilot.pause()
        assert view.scroll_y < view.max_scroll_y
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y
        assert isinstance(app.focused, QuestionInput)


async def test_the_newest_answer_stays_in_view_when_the_paper_panel_opens_and_closes():
    """The panel narrows the conversation, so its answers take more lines: the view keeps
    to its end rather than to the line it was on."""
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await ask_three(pilot)
        view = app.view
        for key in ("alt+1", "f2"):
            before = view.max_scroll_y
            await pilot.press(key)
            await pilot.pause()
            assert view.max_scroll_y != before  # the answers were wrapped anew
            assert view.scroll_y == view.max_scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert view.scroll_y < view.max_scroll_y  # scrolled back, the reader stays there


async def test_help_scrolls_in_a_small_terminal_and_says_how_to_close():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 0  # the key table is below the fold ...
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y  # ... and can be reached
        from assistant.tui.screens import HELP

        assert "Esc or F1 closes this help" in HELP.split("\n\n")[1]
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ != "HelpScreen"
