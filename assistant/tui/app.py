"""The chat: a Textual app over the same conversation logic as `assistant ask`.

Opening the index, answering, and looking after the index once it is open (verifying every byte
against its checksums, folding small segments together) run in thread workers that only post
messages; the UI thread owns every widget, the conversation history and the paper panel.
Questions are accepted at any time, also while the collection opens or an answer is being
found, and answered in order.
"""

from __future__ import annotations

import argparse
import sys
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, ProgressBar, Static

from assistant import preferences
from assistant.answering.answer import Answer
from assistant.answering.composition import version_label
from assistant.answering.glossary import Glossary, read_synonyms
from assistant.conversation import Assistant, Conversation, check_question
from assistant.exit_codes import EXIT_INPUT, EXIT_OK
from assistant.history import History, HistoryUnavailable
from assistant.paths import data_dir, display_path
from assistant.render import conversation_markdown
from assistant.tui.commands import CitationCommands, PaperCommands
from assistant.tui.screens import ConfirmScreen, HelpScreen, HistoryScreen, collection_label
from assistant.tui.widgets import (
    ALT_DIGITS,
    AnswerMessage,
    CitationClicked,
    NameSuggester,
    OpenCitation,
    OpenPaper,
    PaperPanel,
    PaperView,
    QuestionInput,
    QuestionMessage,
)
from assistant.tui.widgets import Conversation as ConversationView
from retrieval.analysis import Analyzer
from retrieval.engine import Engine
from retrieval.errors import InputError
from retrieval.names import system_name

WAITING_FOR_INDEX = "waiting for the index"
WAITING_FOR_TURN = "waiting for the answers above"


@dataclass
class ChatSettings:
    corpus: list[str]  # as given on the command line; empty for the bundled seeds
    corpus_paths: list[str]  # what the engine opens
    index_dir: str | None
    resume: int | None
    synonyms: Glossary  # the user's own phrases

    @property
    def corpus_label(self) -> str:
        return collection_label(self.corpus)


class EngineReady(Message):
    def __init__(self, engine: Engine, suggester: NameSuggester, example: str | None) -> None:
        super().__init__()
        self.engine = engine
        self.suggester = suggester
        self.example = example


class EngineFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class IndexProgress(Message):
    def __init__(self, stage: str, fraction: float) -> None:
        super().__init__()
        self.stage = stage
        self.fraction = fraction


class IndexDamaged(Message):
    def __init__(self, engine: Engine, damaged: list[str]) -> None:
        super().__init__()
        self.engine = engine
        self.damaged = damaged


class IndexMerged(Message):
    def __init__(self, before: Engine, after: Engine) -> None:
        super().__init__()
        self.before = before
        self.after = after


class AnswerReady(Message):
    def __init__(self, asked: QuestionMessage, answer: Answer, generation: int) -> None:
        super().__init__()
        self.asked = asked
        self.answer = answer
        self.generation = generation


class AnswerFailed(Message):
    def __init__(self, asked: QuestionMessage, error: str, generation: int) -> None:
        super().__init__()
        self.asked = asked
        self.error = error
        self.generation = generation


CITATION_BINDINGS = [
    Binding(
        f"alt+{n}",
        f"open_citation({n})",
        "Open citation",
        show=n == 1,
        key_display="alt+1…9" if n == 1 else None,
        id=f"open-citation-{n}",
        tooltip=f"Open paper [{n}] of the last answer in the paper panel (of an answer citing"
        f" none, paper {n} of those listed below it)",
    )
    for n in range(1, 10)
]
SCROLL_BINDINGS = [
    Binding(key, action, description, show=False, id=binding_id, tooltip=tooltip)
    for key, action, description, binding_id, tooltip in (
        ("pageup", "scroll_conversation('page_up')", "Page up", "page-up", "Scroll up a page"),
        (
            "pagedown",
            "scroll_conversation('page_down')",
            "Page down",
            "page-down",
            "Scroll down a page",
        ),
        ("ctrl+home", "scroll_conversation('home')", "Top", "top", "The first question"),
        ("ctrl+end", "scroll_conversation('end')", "Bottom", "bottom", "The latest answer"),
    )
]


class ChatApp(App[int]):
    """Ask questions about a collection of abstracts; read cited answers."""

    CSS_PATH = "chat.tcss"
    # The question box has the keys from the start: a question typed while the chat opens goes
    # to it, in order, and is not lost to the conversation view.
    AUTO_FOCUS = "#question"
    TITLE = "Abstracts assistant"
    COMMANDS = App.COMMANDS | {CitationCommands, PaperCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the assistant", priority=True),
        Binding("f1", "help", "Help", id="help", tooltip="Keys and how to ask"),
        Binding(
            "f2", "toggle_panel", "Paper", id="toggle-panel", tooltip="Show or hide the paper panel"
        ),
        Binding(
            "ctrl+n",
            "new_conversation",
            "New",
            id="new-conversation",
            tooltip="Start a new conversation",
        ),
        Binding(
            "ctrl+o", "history", "History", id="history", tooltip="Resume a saved conversation"
        ),
        # Above the input's own ctrl+e (end of line; the End key still does that).
        Binding(
            "ctrl+e",
            "export",
            "Export",
            id="export",
            tooltip="Save the conversation as Markdown",
            priority=True,
        ),
        Binding(
            "ctrl+y",
            "copy_answer",
            "Copy",
            id="copy-answer",
            tooltip="Copy the last answer to the clipboard",
        ),
        # Offered only once the index has been found damaged (see check_action).
        Binding(
            "ctrl+r",
            "rebuild_index",
            "Rebuild index",
            id="rebuild-index",
            tooltip="Index the collection anew: its stored index does not match its checksums",
        ),
        *SCROLL_BINDINGS,
        *CITATION_BINDINGS,
    ]

    def __init__(
        self, settings: ChatSettings, history: History, notices: Iterable[str] = ()
    ) -> None:
        super().__init__()
        self.settings = settings
        self.history = history
        self.notices = list(notices)
        self.engine: Engine | None = None
        self.assistant: Assistant | None = None
        self.conversation = Conversation()
        self.conversation_id: int | None = None
        self.last_answer: Answer | None = None
        self.error: str | None = None
        # Files of the open index found not to match their checksums.
        self.damaged: list[str] = []
        # Questions not yet answered, in the order asked; the one being answered.
        self.waiting: deque[QuestionMessage] = deque()
        self.answering: QuestionMessage | None = None
        # Answers found for an earlier conversation (before Ctrl+N) are dropped.
        self.generation = 0
        self._titles: list[str] | None = None
        self.sub_title = f"{settings.corpus_label} · opening…"

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            yield ConversationView(id="conversation")
            yield PaperPanel(Analyzer(), id="paper-panel", classes="hidden")
        yield QuestionInput(
            placeholder="Ask about the papers…  (F1 for help)",
            id="question",
            # Focus comes back to the box as people type; selecting its text then would let
            # the next key replace it.
            select_on_focus=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        saved = preferences.load().get("theme")
        if saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, lambda theme: preferences.save(theme=theme.name))
        for notice in self.notices:
            self.notify(notice, severity="warning", markup=False, timeout=15)
        self.query_one(QuestionInput).focus()
        self.open_collection()

    @property
    def view(self) -> ConversationView:
        return self.query_one("#conversation", ConversationView)

    # -- opening the collection ------------------------------------------------------------

    def open_collection(self, rebuild: bool = False) -> None:
        """Open (or reopen, after a switch) the collection in a worker; questions typed
        meanwhile wait for it. `rebuild` indexes it anew (its cache was found damaged)."""
        self.engine = None
        self.assistant = None
        self._titles = None
        self.sub_title = f"{self.settings.corpus_label} · opening…"
        self.view.mount(
            Static("Opening the collection…", id="status"),
            ProgressBar(id="progress", show_eta=False),
        )
        self.open_engine(rebuild)

    @work(thread=True, exclusive=True, group="engine")
    def open_engine(self, rebuild: bool = False) -> None:
        try:
            engine = Engine.open(
                self.settings.corpus_paths,
                self.settings.index_dir,
                on_progress=lambda stage, fraction: self.post_message(
                    IndexProgress(stage, fraction)
                ),
                on_notice=lambda message: self.call_from_thread(self.notify, message, markup=False),
                rebuild=rebuild,
            )
        except InputError as err:
            self.post_message(EngineFailed(err.one_line()))
            return
        except Exception as err:
            self.post_message(EngineFailed(f"{err.__class__.__name__}: {err}"))
            return
        engine.index.compiled = False  # until look_after_index has loaded the kernel
        # The names to suggest are read and sorted here, off the UI thread.
        surfaces = engine.names.all_surfaces()
        titles = (engine.papers.title(d) for d in range(min(len(engine.papers), 500)))
        example = next((name for name in map(system_name, titles) if name), None)
        self.post_message(EngineReady(engine, NameSuggester(surfaces), example))

    def on_index_progress(self, message: IndexProgress) -> None:
        for bar in self.query("#progress").results(ProgressBar):
            bar.update(total=100, progress=round(message.fraction * 100))
        for status in self.query("#status").results(Static):
            status.update(f"Indexing the collection ({message.stage})…")

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.error = message.error
        self.exit(return_code=EXIT_INPUT)

    def on_engine_ready(self, message: EngineReady) -> None:
        engine = message.engine
        self.engine = engine
        self.assistant = Assistant(engine, synonyms=self.settings.synonyms)
        summary = engine.summary
        self.sub_title = (
            f"{self.settings.corpus_label} · {summary.documents:,} papers · "
            f"{summary.sentences:,} sentences"
        )
        for widget in self.query("#status, #progress"):
            widget.remove()
        self.query_one(QuestionInput).suggester = message.suggester
        if self.settings.resume is not None:
            resume, self.settings.resume = self.settings.resume, None
            self.load_conversation(resume)
        elif not self.view.query(QuestionMessage) and not self.view.query("#welcome"):
            self._show_welcome(message.example)
        self._next()
        self.look_after_index(engine)

    # -- looking after the index -----------------------------------------------------------

    @work(thread=True, exclusive=True, group="index-care")
    def look_after_index(self, engine: Engine) -> None:
        """Load the compiled search kernel; verify every stored byte (opening checked only
        sizes and small files); then fold the small segments that additions left, so later
        searches read fewer of them."""
        try:
            engine.index.load_compiled()
            damaged = engine.verify()
            if damaged:
                self.post_message(IndexDamaged(engine, damaged))
            elif engine.has_small_segments():
                self.post_message(IndexMerged(engine, engine.merge(small_only=True)))
        except Exception as err:  # the chat goes on with the index it has
            message = f"could not look after the index: {err.__class__.__name__}: {err}"
            self.call_from_thread(self.notify, message, severity="warning", markup=False)

    def on_index_damaged(self, message: IndexDamaged) -> None:
        # A notice, not a dialog: keys typed meanwhile belong to the question being written.
        if message.engine is not self.engine:
            return
        self.damaged = message.damaged
        files = ", ".join(message.damaged[:3]) + (", …" if len(message.damaged) > 3 else "")
        self.notify(
            f"The index does not match its checksums ({files}): answers could quote damaged "
            "text. Ctrl+R rebuilds it; questions asked meanwhile wait.",
            title="Damaged index",
            severity="error",
            timeout=60,
            markup=False,
        )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rebuild_index":
            return bool(self.damaged)
        return True

    def action_rebuild_index(self) -> None:
        if self.damaged and self.engine is not None:
            self.damaged = []
            self.clear_notifications()
            self.refresh_bindings()
            self.open_collection(rebuild=True)

    def on_index_merged(self, message: IndexMerged) -> None:
        # Conversations refer to papers by id, so the merged index serves them as it is.
        if message.before is self.engine:
            self.engine = message.after
            self.assistant = Assistant(message.after, synonyms=self.settings.synonyms)

    def _show_welcome(self, example: str | None) -> None:
        hint = f", e.g. “What is {example}?”" if example else ""
        self.view.mount(
            Static(
                f"Ask a question about the papers{hint} — answers quote the abstracts with "
                "numbered citations.",
                id="welcome",
                markup=False,
            )
        )

    # -- asking ----------------------------------------------------------------------------

    def on_input_submitted(self, event: QuestionInput.Submitted) -> None:
        if not isinstance(event.input, QuestionInput):
            return
        try:
            question = check_question(event.value)
        except InputError as err:
            self.notify(err.problem, severity="warning", markup=False)
            return
        self.query_one(QuestionInput).remember(question)
        for welcome in self.query("#welcome"):
            welcome.remove()
        asked = QuestionMessage(question)
        self.view.mount(asked)
        self.view.scroll_end(animate=False)
        self.waiting.append(asked)
        self._next()

    def _next(self) -> None:
        """Start answering the first waiting question when nothing else is; tell the others
        what they wait for."""
        if self.assistant is not None and self.answering is None and self.waiting:
            asked = self.waiting.popleft()
            asked.wait_for(None)
            self.answering = asked
            self.view.mount(LoadingIndicator(classes="thinking"), after=asked)
            self.ask(asked, self.generation)
        reason = WAITING_FOR_INDEX if self.assistant is None else WAITING_FOR_TURN
        for asked in self.waiting:
            asked.wait_for(reason)

    @work(thread=True, group="answer")
    def ask(self, asked: QuestionMessage, generation: int) -> None:
        assistant = self.assistant
        assert assistant is not None
        try:
            answer = assistant.ask(asked.question, self.conversation)
        except Exception as err:
            self.post_message(AnswerFailed(asked, f"{err.__class__.__name__}: {err}", generation))
            return
        self.post_message(AnswerReady(asked, answer, generation))

    def on_answer_ready(self, message: AnswerReady) -> None:
        if message.generation != self.generation:
            return
        self._finish(message.asked)
        self.last_answer = message.answer
        reply = AnswerMessage(message.answer)
        self.view.mount(reply, after=message.asked)
        if not self.waiting:
            self.view.scroll_end(animate=False)
        self._save(message.asked.question, message.answer)
        self._next()

    def on_answer_failed(self, message: AnswerFailed) -> None:
        if message.generation != self.generation:
            return
        self._finish(message.asked)
        self.notify(f"Could not answer: {message.error}", severity="error", markup=False)
        self._next()

    def _finish(self, asked: QuestionMessage) -> None:
        for spinner in self.query(".thinking"):
            spinner.remove()
        if self.answering is asked:
            self.answering = None

    def _save(self, question: str, answer: Answer) -> None:
        try:
            if self.conversation_id is None:
                self.conversation_id = self.history.create(self.settings.corpus)
            self.history.append(self.conversation_id, question, answer)
        except Exception as err:
            self.notify(f"Could not save the conversation: {err}", severity="warning", markup=False)

    # -- keys anywhere ---------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Keys the focused widget left alone: Alt+digit, a digit in the conversation, and a
        printable key anywhere else, which goes to the question box."""
        if self.screen is not self.screen_stack[0]:
            return  # a dialog is open: its keys are its own
        box = self.query_one(QuestionInput)
        character = event.character
        if character in ALT_DIGITS:
            event.stop()
            self.action_open_citation(ALT_DIGITS[character])
        elif character and character in "123456789" and self._in_conversation():
            event.stop()
            self.action_open_citation(int(character))
        elif event.is_printable and character and self.focused is not box:
            event.stop()
            box.focus()
            box.insert_text_at_cursor(character)

    def _in_conversation(self) -> bool:
        focused, view = self.focused, self.view
        return focused is not None and (focused is view or view in focused.ancestors)

    def action_scroll_conversation(self, where: str) -> None:
        view = self.view
        {
            "page_up": view.scroll_page_up,
            "page_down": view.scroll_page_down,
            "home": view.scroll_home,
            "end": view.scroll_end,
        }[where](animate=False)

    # -- citations and the paper panel -----------------------------------------------------

    def on_citation_clicked(self, message: CitationClicked) -> None:
        self._open_citation(message.answer, message.n)

    def on_open_citation(self, message: OpenCitation) -> None:
        self.action_open_citation(message.n)

    def on_open_paper(self, message: OpenPaper) -> None:
        if self.engine is not None:
            doc = self.engine.papers.position(message.doc_id)
            if doc is not None:
                self.show_paper(doc, message.answer)

    def action_open_citation(self, n: int) -> None:
        answer = self.last_answer
        if answer is not None and not answer.citations and answer.see_also:
            # An answer citing nothing that lists papers (the paper asked about, which does not
            # answer; the closest papers): the keys open those, in the order listed.
            self._open_listed(answer, n)
            return
        if answer is None or answer.abstained:
            self.notify("There is no cited answer yet.", severity="warning")
            return
        self._open_citation(answer, n)

    def _open_listed(self, answer: Answer, n: int) -> None:
        listed = answer.see_also
        engine = self.engine
        doc = engine.papers.position(listed[n - 1].doc_id) if engine and n <= len(listed) else None
        if doc is None:
            count = f"{len(listed)} papers" if len(listed) > 1 else "one paper"
            self.notify(f"The last answer lists {count}.", severity="warning")
            return
        self.show_paper(doc, answer)

    def _open_citation(self, answer: Answer, n: int) -> None:
        citation = next((c for c in answer.citations if c.n == n), None)
        if self.engine is None or citation is None:
            self.notify(f"The last answer has no citation [{n}].", severity="warning")
            return
        doc = self.engine.papers.position(citation.doc_id)
        if doc is None:
            self.notify(
                "That paper is not in the open collection.", severity="warning", markup=False
            )
            return
        self.show_paper(doc, answer, label=f"[{n}] ")

    def show_paper(self, doc: int, answer: Answer | None = None, label: str = "") -> None:
        """The paper in the side panel, with the answer's quotes from it highlighted."""
        engine = self.engine
        if engine is None:
            return
        papers = engine.papers
        spans = engine.sentences(doc)
        quoted = [
            (spans[s.sentence_index].start, spans[s.sentence_index].end)
            for s in (answer.sentences if answer else [])
            if s.doc_id == papers.ids[doc] and s.sentence_index < len(spans)
        ]
        view = PaperView(
            title=f"{label}{papers.heading(doc)}",
            date=papers.dates.optional(doc),
            sources=[display_path(s.path) for s in papers.sources(doc)],
            versions=[version_label(engine, v) or "" for v in papers.versions(doc)],
            abstract=papers.abstract(doc),
            quoted=quoted,
            terms=engine.analyzer.terms(answer.question) if answer else [],
            doc_id=papers.ids[doc],
            authors=papers.authors.optional(doc),
            url=papers.urls.optional(doc),
            version=version_label(engine, doc),
        )
        panel = self.query_one(PaperPanel)
        panel.remove_class("hidden")
        panel.show(view)

    async def paper_titles(self) -> list[str]:
        """Every paper's heading, read once (off the event loop) for the palette's search."""
        if self._titles is None and self.engine is not None:
            import asyncio

            papers = self.engine.papers
            self._titles = await asyncio.get_running_loop().run_in_executor(
                None, lambda: [papers.heading(d) for d in range(len(papers))]
            )
        return self._titles or []

    def action_find_paper(self) -> None:
        self.notify("Type words of a paper's title in the command palette (Ctrl+P).")

    def action_toggle_panel(self) -> None:
        self.query_one(PaperPanel).toggle_class("hidden")

    # -- conversations ---------------------------------------------------------------------

    def _clear(self) -> None:
        """An empty conversation view; questions still waiting are dropped with it."""
        self.generation += 1
        self.waiting.clear()
        self.answering = None
        self.conversation = Conversation()
        self.conversation_id = None
        self.last_answer = None
        self.view.remove_children()
        self.query_one(PaperPanel).add_class("hidden")

    def action_new_conversation(self) -> None:
        self._clear()
        if self.engine is not None:
            self._show_welcome(None)
        self.notify("New conversation.")

    def action_history(self) -> None:
        def chosen(conversation_id: int | None) -> None:
            if conversation_id:
                self.open_saved(conversation_id)

        self.push_screen(HistoryScreen(self.history, self.settings.corpus), chosen)

    def open_saved(self, conversation_id: int) -> None:
        """A saved conversation; one about another collection switches to it, if asked to."""
        info = self.history.info(conversation_id)
        if info is None:
            return
        if info.corpus == self.settings.corpus:
            self.load_conversation(conversation_id)
            return

        def switch(yes: bool | None) -> None:
            if yes:
                self.switch_collection(info.corpus, conversation_id)

        self.push_screen(
            ConfirmScreen(
                f"This conversation is about another collection ({collection_label(info.corpus)})."
                " Switch to it?"
            ),
            switch,
        )

    def switch_collection(self, corpus: list[str], conversation_id: int) -> None:
        from assistant.paths import seeds_dir
        from retrieval.corpus import LoadReport, resolve_corpus

        paths = corpus or [str(seeds_dir())]
        try:
            resolve_corpus(paths, LoadReport())
        except InputError as err:
            self.notify(f"Cannot open that collection: {err.one_line()}", severity="error")
            return
        self._clear()
        self.settings = replace(self.settings, corpus=corpus, corpus_paths=paths)
        self.settings.resume = conversation_id
        self.open_collection()

    def load_conversation(self, conversation_id: int) -> None:
        self._clear()
        self.conversation = self.history.conversation(conversation_id)
        self.conversation_id = conversation_id
        box = self.query_one(QuestionInput)
        for turn in self.conversation.turns:
            self.view.mount(QuestionMessage(turn.question))
            self.view.mount(AnswerMessage(turn.answer))
            box.remember(turn.question)
        last = self.conversation.turns[-1] if self.conversation.turns else None
        self.last_answer = last.answer if last else None
        self.view.scroll_end(animate=False)

    def action_export(self) -> None:
        if not self.conversation.turns or self.conversation_id is None:
            self.notify("Nothing to export yet.", severity="warning")
            return
        info = self.history.info(self.conversation_id)
        title = info.title if info else self.conversation.turns[0].question
        target = export_path(self.conversation_id)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                conversation_markdown(title, self.settings.corpus, self.conversation),
                encoding="utf-8",
            )
        except OSError as err:
            self.notify(f"Could not export: {err}", severity="error", markup=False)
            return
        self.notify(f"Exported to {target}", markup=False)

    def action_copy_answer(self) -> None:
        if self.last_answer is None:
            self.notify("There is no answer to copy yet.", severity="warning")
            return
        from assistant.render import answer_text

        text = answer_text(self.last_answer, [], Analyzer(), color=False)
        self.copy_to_clipboard(text)
        if self.is_headless or not sys.__stdout__ or not sys.__stdout__.isatty():
            self.notify(
                "The clipboard is not reachable here (it needs a terminal with OSC 52); the answer "
                "was kept for pasting inside the app.",
                severity="warning",
            )
        else:
            self.notify("Copied the last answer (through the terminal's OSC 52 clipboard).")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "New conversation", "Start a new conversation", self.action_new_conversation
        )
        yield SystemCommand(
            "Saved conversations", "Resume a saved conversation", self.action_history
        )
        yield SystemCommand(
            "Export conversation", "Save the conversation as Markdown", self.action_export
        )
        yield SystemCommand(
            "Copy last answer", "Copy the last answer to the clipboard", self.action_copy_answer
        )
        yield SystemCommand(
            "Toggle paper panel", "Show or hide the paper panel", self.action_toggle_panel
        )
        yield SystemCommand("Help", "Keys and how to ask", self.action_help)


def export_path(conversation_id: int) -> Path:
    return data_dir() / "exports" / f"conversation-{conversation_id}.md"


# ---------------------------------------------------------------------------------------------
# Entry points


def create_app(args: argparse.Namespace, history: History | None = None) -> ChatApp:
    """The chat app for command-line arguments (the CLI and the tests build it the same way).
    Notices about the history file are kept for the app to show."""
    from assistant.opening import corpus_names
    from assistant.paths import seeds_dir
    from retrieval.corpus import LoadReport, resolve_corpus

    notices: list[str] = []
    if history is None:
        try:
            history = History.default(on_notice=notices.append)
        except HistoryUnavailable as err:
            notices.append(f"{err}; this conversation will not be saved")
            history = History.in_memory()
    resume = history.resolve(args.resume) if getattr(args, "resume", None) else None
    corpus = corpus_names(args)
    if resume is not None and not corpus:
        info = history.info(resume)
        corpus = info.corpus if info else []
    corpus_paths = corpus or [str(seeds_dir())]
    resolve_corpus(corpus_paths, LoadReport())  # a bad --corpus fails here, in one line
    synonyms = read_synonyms(Analyzer(), getattr(args, "synonyms", None))  # and --synonyms
    settings = ChatSettings(
        corpus, corpus_paths, getattr(args, "index_dir", None), resume, synonyms
    )
    return ChatApp(settings, history, notices)


def run_chat(args: argparse.Namespace) -> int:
    app = create_app(args)
    app.run()
    if app.error:
        print(f"error: {app.error}", file=sys.stderr)
        return EXIT_INPUT
    return app.return_code or EXIT_OK
