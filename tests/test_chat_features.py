"""What a researcher expects of the chat: every way to open a paper, the standing of weak
answers, lists that go on, follow-ups on comparisons and on papers picked by number, paper
details and versions, saved conversations across collections, a remembered theme."""

import json

from test_tui import SIZE, ask, make_app, settle
from textual.widgets.markdown import MarkdownBlock

from assistant import preferences
from assistant.history import History
from assistant.paths import data_dir
from assistant.tui.screens import ConfirmScreen, HistoryScreen, RenameScreen
from assistant.tui.widgets import AnswerMessage, PaperPanel, QuestionInput, answer_links


async def palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause(0.2)


async def test_palette_opens_a_citation_and_any_paper_by_title():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Which papers propose quantization methods for LLMs?")
        second = app.last_answer.citations[1]
        await palette(pilot, "Open citation 2")
        panel = app.query_one(PaperPanel)
        assert panel.view.title == f"[2] {second.title}"
        # A paper no answer cited, found by words of its title, misspelt.
        await palette(pilot, "mixtur of expert survey")
        assert panel.view.title == "A Survey on Mixture of Experts"


async def test_reference_lines_and_suggested_papers_open_when_clicked():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Can computers learn to write programs?")
        message = app.query_one(AnswerMessage)
        answer = message.answer
        assert answer.weak and answer.see_also
        markdown = answer_links(answer)
        reference = f"1. [{answer.citations[0].title}"
        assert reference in markdown and "](cite:1)" in markdown
        suggested = answer.see_also[0]
        assert f"](paper:{suggested.doc_id})" in markdown
        message.on_markdown_link_clicked(message.LinkClicked(message, "cite:1"))
        await pilot.pause()
        panel = app.query_one(PaperPanel)
        assert panel.view.title.startswith(f"[1] {answer.citations[0].title}")
        message.on_markdown_link_clicked(message.LinkClicked(message, f"paper:{suggested.doc_id}"))
        await pilot.pause()
        assert panel.view.title == suggested.title and panel.view.doc_id == suggested.doc_id


async def test_papers_listed_below_an_answer_citing_none_open_by_click_and_by_key():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Compare Splitwise and FineQuant")
        await ask(pilot, "Which one is older?")
        answer = app.last_answer
        assert not answer.citations
        newer, older = answer.see_also
        assert newer.title.startswith("Splitwise") and older.title.startswith("FineQuant")
        markdown = answer_links(answer)
        assert "The papers asked about:" in markdown
        assert f"](paper:{newer.doc_id})" in markdown and f"](paper:{older.doc_id})" in markdown
        panel = app.query_one(PaperPanel)
        await pilot.press("alt+2")
        await pilot.pause()
        assert panel.view.doc_id == older.doc_id
        await pilot.press("alt+1")
        await pilot.pause()
        assert panel.view.doc_id == newer.doc_id
        await pilot.press("alt+3")
        await pilot.pause()
        assert panel.view.doc_id == newer.doc_id
        assert [n.message for n in app._notifications][-1] == "The last answer lists 2 papers."
        # Abstaining on the one paper asked about lists it, to be opened the same way.
        await ask(pilot, "What is LightSeq?")
        await ask(pilot, "Which GPUs were used?")
        abstained = app.last_answer
        assert abstained.abstained and len(abstained.see_also) == 1
        assert "The paper asked about:" in answer_links(abstained)
        await pilot.press("alt+1")
        await pilot.pause()
        assert panel.view.doc_id == abstained.see_also[0].doc_id
        assert panel.view.title.startswith("LightSeq")


async def test_a_quoted_web_address_is_shown_as_written():
    """A link in an abstract ("paper_llm_based_algorithm") shows no Markdown escapes, while the
    rest of the quote keeps its characters literal."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Which papers release their code?")
        address = next(
            word
            for s in app.last_answer.sentences
            for word in s.text.split()
            if word.startswith("https://") and "_" in word
        ).rstrip(".")
        message = list(app.query(AnswerMessage))[-1]
        shown = "\n".join(str(block.render()) for block in message.query(MarkdownBlock))
        assert address in shown and "\\_" not in shown


async def test_a_weak_answer_is_marked_with_the_closest_papers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Can computers learn to write programs?")
        message = app.query_one(AnswerMessage)
        assert message.has_class("weak")
        assert message.answer.confidence < 0.5
        markdown = answer_links(message.answer)
        assert "*Weak match: the abstract may not answer this well.*" in markdown
        assert "The closest other papers:" in markdown
        await ask(pilot, "What is Splitwise?")
        assert not list(app.query(AnswerMessage))[-1].has_class("weak")


async def test_a_long_list_says_how_many_matched_and_tell_me_more_goes_on():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Which papers study language models?")
        first = app.last_answer
        assert len(first.citations) == 8 and first.matched_papers > 8
        assert first.notes[0].startswith(f"8 of {first.matched_papers} matching papers")
        await ask(pilot, "tell me more")
        more = app.last_answer
        assert more.citations and not set(more.cited_ids) & set(first.cited_ids)
        assert all(line.startswith("- ") for line in more.answer.splitlines())


async def test_do_they_after_a_comparison_answers_for_both_papers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Compare Splitwise and BlockLLM")
        await ask(pilot, "Do they use GPUs?")
        answer = app.last_answer
        assert [c.title.split(":")[0] for c in answer.citations] == ["Splitwise", "BlockLLM"]
        lines = answer.answer.splitlines()
        assert len(lines) == 2 and lines[0].startswith("- Splitwise: ")


async def test_papers_of_a_list_are_picked_by_their_numbers():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "Which papers study model merging?")
        listed = [c.title for c in app.last_answer.citations]
        await ask(pilot, "compare the second and third")
        answer = app.last_answer
        assert answer.kind == "compare"
        assert [c.title for c in answer.citations] == listed[1:3]
        assert all(line.startswith("- ") for line in answer.answer.splitlines())


async def test_the_panel_shows_authors_address_id_and_which_version(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    records = [
        {
            "id": "2401.00001",
            "title": "Kestrel: Fast Sparse Attention",
            "abstract": "We present Kestrel, a sparse attention kernel. It runs 3x faster.",
            "authors": ["Ada Lovelace", "Alan Turing"],
            "url": "https://example.org/kestrel",
            "date": "Jan 3",
        },
        {
            "id": "2401.00001v2",
            "title": "Kestrel: Fast Sparse Attention",
            "abstract": "We present Kestrel, a sparse attention kernel. It runs 4x faster.",
            "authors": "Ada Lovelace, Alan Turing",
            "url": "https://example.org/kestrel-v2",
            "date": "Feb 9",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "How much faster does Kestrel run?")
        citations = app.last_answer.citations
        assert {c.version for c in citations} == {"v1 of 2, Jan 3", "v2 of 2, Feb 9"}
        assert citations[0].authors == "Ada Lovelace, Alan Turing"
        await pilot.press("alt+1")
        await pilot.pause()
        view = app.query_one(PaperPanel).view
        assert view.authors == "Ada Lovelace, Alan Turing"
        assert view.url == citations[0].url and view.doc_id == citations[0].doc_id
        assert view.version == citations[0].version
        meta = str(app.query_one("#paper-meta").render())
        assert f"Shown: {citations[0].version}" in meta and f"id {view.doc_id}" in meta


async def test_saved_conversations_show_their_collection_and_switch_to_it(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(
        json.dumps(
            {
                "id": "k1",
                "title": "Kestrel: Fast Attention",
                "abstract": "Kestrel is a sparse attention kernel that runs three times faster.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    other = make_app("--corpus", str(corpus))
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Kestrel?")
        saved = other.conversation_id
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        listing = str(app.screen.query_one("#history-list").get_option_at_index(0).prompt)
        assert "[papers.jsonl]" in listing and "What is Kestrel?" in listing
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert app.settings.corpus == [str(corpus)]
        assert app.conversation_id == saved and "1 papers" in app.sub_title
        assert app.query_one(AnswerMessage).answer.cited_ids == ["k1"]
        await ask(pilot, "How much faster is it?")
        assert app.last_answer.cited_ids == ["k1"]


async def test_saved_conversations_can_be_renamed_and_deleted():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await ask(pilot, "What is Mamo?")
        await pilot.press("ctrl+n")
        await ask(pilot, "What is SirLLM?")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)
        box = app.screen.query_one("#rename-input")
        box.value = "Memory for chat models"
        await pilot.press("enter")
        await pilot.pause()
        titles = [c.title for c in app.history.conversations()]
        assert titles == ["Memory for chat models", "What is Mamo?"]
        await pilot.press("down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert [c.title for c in app.history.conversations()] == ["Memory for chat models"]


async def test_a_damaged_history_is_reported_inside_the_app():
    path = data_dir() / "history.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("history file was damaged" in m for m in messages)


async def test_the_chosen_theme_is_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv(preferences.ENV_CONFIG_DIR, str(tmp_path / "config"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
    assert preferences.load() == {"theme": "nord"}
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_the_welcome_hint_names_a_system_of_the_open_collection(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    corpus.write_text(
        json.dumps({"title": "Pathfinder: A Radio Array", "abstract": "Pathfinder finds bursts."})
        + "\n",
        encoding="utf-8",
    )
    app = make_app("--corpus", str(corpus))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        welcome = str(app.query_one("#welcome").render())
        assert "“What is Pathfinder?”" in welcome and "Splitwise" not in welcome
        assert isinstance(app.focused, QuestionInput)


def test_history_rename_keeps_the_session_name(tmp_path):
    history = History(tmp_path / "h.sqlite3")
    conversation = history.named("reading", [])
    history.rename(conversation, "Speculative decoding")
    info = history.info(conversation)
    assert info.title == "Speculative decoding" and info.name == "reading"
