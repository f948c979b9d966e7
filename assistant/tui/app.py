"""The chat: a Textual app over the same conversation logic as `assistant ask`.

Opening the index and answering run in thread workers that only post messages; the UI thread
owns every widget, the conversation history and the paper panel.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, ProgressBar, Static

from assistant.answering.answer import Answer
from assistant.answering.glossary import Glossary, default_glossary
from assistant.conversation import Assistant, Conversation, check_question
from assistant.history import History
from assistant.paths import data_dir, display_path
from assistant.render import conversation_markdown
from assistant.tui.screens import HelpScreen, HistoryScreen
from assistant.tui.widgets import (
    AnswerMessage,
    CitationClicked,
    NameSuggester,
    PaperPanel,
    PaperView,
    QuestionInput,
    QuestionMessage,
)
from assistant.tui.widgets import Conversation as ConversationView
from retrieval.analysis import Analyzer
from retrieval.engine import Engine
from retrieval.errors import InputError


@dataclass
class ChatSettings:
    corpus: list[str]  # as given on the command line; empty for the bundled seeds
    corpus_paths: list[str]  # what the engine opens
    corpus_label: str
    index_dir: str | None
    resume: int | None
    glossary: Glossary


class EngineReady(Message):
    def __init__(self, engine: Engine, suggester: NameSuggester) -> None:
        super().__init__()
        self.engine = engine
        self.suggester = suggester


class EngineFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class IndexProgress(Message):
    def __init__(self, stage: str, fraction: float) -> None:
        super().__init__()
        self.stage = stage
        self.fraction = fraction


class AnswerReady(Message):
    def __init__(self, question: str, answer: Answer) -> None:
        super().__init__()
        self.question = question
        self.answer = answer


class AnswerFailed(Message):
    def __init__(self, question: str, error: str) -> None:
        super().__init__()
        self.question = question
        self.error = error


CITATION_BINDINGS = [
    Binding(
        f"alt+{n}",
        f"open_citation({n})",
        "Open citation",
        show=n == 1,
        key_display="alt+1…9" if n == 1 else None,
        id=f"open-citation-{n}",
        tooltip=f"Open paper [{n}] of the last answer in the paper panel",
    )
    for n in range(1, 10)
]


class ChatApp(App[int]):
    """Ask questions about a collection of abstracts; read cited answers."""

    CSS_PATH = "chat.tcss"
    TITLE = "Abstracts assistant"
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
        *CITATION_BINDINGS,
    ]

    def __init__(self, settings: ChatSettings, history: History) -> None:
        super().__init__()
        self.settings = settings
        self.history = history
        self.engine: Engine | None = None
        self.assistant: Assistant | None = None
        self.conversation = Conversation()
        self.conversation_id: int | None = None
        self.last_answer: Answer | None = None
        self.last_question = ""
        self.error: str | None = None
        self.sub_title = f"{settings.corpus_label} · opening…"

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            yield ConversationView(id="conversation")
            yield PaperPanel(Analyzer(), id="paper-panel", classes="hidden")
        yield QuestionInput(
            placeholder="Ask about the papers…  (F1 for help)", id="question", disabled=True
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#conversation").mount(
            Static("Opening the collection…", id="status"),
            ProgressBar(id="progress", show_eta=False),
        )
        self.open_engine()

    # -- opening the collection ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="engine")
    def open_engine(self) -> None:
        try:
            engine = Engine.open(
                self.settings.corpus_paths,
                self.settings.index_dir,
                on_progress=lambda stage, fraction: self.post_message(
                    IndexProgress(stage, fraction)
                ),
                on_notice=lambda message: self.call_from_thread(self.notify, message, markup=False),
            )
        except InputError as err:
            self.post_message(EngineFailed(err.one_line()))
            return
        except Exception as err:
            self.post_message(EngineFailed(f"{err.__class__.__name__}: {err}"))
            return
        # The names to suggest are read and sorted here, off the UI thread.
        suggester = NameSuggester(engine.names.all_surfaces())
        self.post_message(EngineReady(engine, suggester))

    def on_index_progress(self, message: IndexProgress) -> None:
        self.query_one("#progress", ProgressBar).update(
            total=100, progress=round(message.fraction * 100)
        )
        self.query_one("#status", Static).update(f"Indexing the collection ({message.stage})…")

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.error = message.error
        self.exit(return_code=2)

    def on_engine_ready(self, message: EngineReady) -> None:
        engine = message.engine
        self.engine = engine
        self.assistant = Assistant(engine, glossary=self.settings.glossary)
        summary = engine.summary
        self.sub_title = (
            f"{self.settings.corpus_label} · {summary.documents:,} papers · "
            f"{summary.sentences:,} sentences"
        )
        for widget_id in ("#status", "#progress"):
            self.query_one(widget_id).remove()
        question = self.query_one(QuestionInput)
        question.suggester = message.suggester
        question.disabled = False
        question.focus()
        if self.settings.resume is not None:
            self.load_conversation(self.settings.resume)
        else:
            self._show_welcome()

    def _show_welcome(self) -> None:
        self.query_one("#conversation").mount(
            Static(
                "Ask a question about the papers, e.g. “What is Splitwise?” — answers quote the "
                "abstracts with numbered citations.",
                id="welcome",
                markup=False,
            )
        )

    # -- asking ----------------------------------------------------------------------------

    def on_input_submitted(self, event: QuestionInput.Submitted) -> None:
        text = event.value
        try:
            question = check_question(text)
        except InputError as err:
            self.notify(err.problem, severity="warning", markup=False)
            return
        if self.assistant is None:
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        box.value = ""
        box.disabled = True
        view = self.query_one("#conversation")
        for welcome in self.query("#welcome"):
            welcome.remove()
        view.mount(QuestionMessage(question))
        view.mount(LoadingIndicator(id="thinking"))
        view.scroll_end(animate=False)
        self.ask(question)

    @work(thread=True, exclusive=True, group="answer")
    def ask(self, question: str) -> None:
        assert self.assistant is not None
        try:
            answer = self.assistant.ask(question, self.conversation)
        except Exception as err:
            self.post_message(AnswerFailed(question, f"{err.__class__.__name__}: {err}"))
            return
        self.post_message(AnswerReady(question, answer))

    def on_answer_ready(self, message: AnswerReady) -> None:
        self._finish_answer()
        self.last_answer = message.answer
        self.last_question = message.question
        view = self.query_one("#conversation")
        view.mount(AnswerMessage(message.answer))
        view.scroll_end(animate=False)
        self._save(message.question, message.answer)

    def on_answer_failed(self, message: AnswerFailed) -> None:
        self._finish_answer()
        self.notify(f"Could not answer: {message.error}", severity="error", markup=False)

    def _finish_answer(self) -> None:
        for spinner in self.query("#thinking"):
            spinner.remove()
        box = self.query_one(QuestionInput)
        box.disabled = False
        box.focus()

    def _save(self, question: str, answer: Answer) -> None:
        try:
            if self.conversation_id is None:
                self.conversation_id = self.history.create(self.settings.corpus)
            self.history.append(self.conversation_id, question, answer)
        except Exception as err:
            self.notify(f"Could not save the conversation: {err}", severity="warning", markup=False)

    # -- citations and the paper panel -----------------------------------------------------

    def on_citation_clicked(self, message: CitationClicked) -> None:
        self._open_citation(message.answer, message.n)

    def action_open_citation(self, n: int) -> None:
        if self.last_answer is None or self.last_answer.abstained:
            self.notify("There is no cited answer yet.", severity="warning")
            return
        self._open_citation(self.last_answer, n)

    def _open_citation(self, answer: Answer, n: int) -> None:
        engine = self.engine
        citation = next((c for c in answer.citations if c.n == n), None)
        if engine is None or citation is None:
            self.notify(f"The last answer has no citation [{n}].", severity="warning")
            return
        doc = engine.papers.position(citation.doc_id)
        if doc is None:
            self.notify(
                "That paper is not in the open collection.", severity="warning", markup=False
            )
            return
        spans = engine.sentences(doc)
        quoted = [
            (spans[s.sentence_index].start, spans[s.sentence_index].end)
            for s in answer.sentences
            if s.doc_id == citation.doc_id and s.sentence_index < len(spans)
        ]
        papers = engine.papers
        view = PaperView(
            title=f"[{n}] {papers.title(doc)}",
            date=papers.dates.optional(doc),
            sources=[display_path(s.path) for s in papers.sources(doc)],
            versions=[
                f"{papers.ids[v]} ({papers.dates.optional(v) or 'no date'})"
                for v in papers.versions(doc)
            ],
            abstract=papers.abstract(doc),
            quoted=quoted,
            terms=engine.analyzer.terms(answer.question),
        )
        panel = self.query_one(PaperPanel)
        panel.remove_class("hidden")
        panel.show(view)

    def action_toggle_panel(self) -> None:
        self.query_one(PaperPanel).toggle_class("hidden")

    # -- conversations ---------------------------------------------------------------------

    def action_new_conversation(self) -> None:
        self.conversation = Conversation()
        self.conversation_id = None
        self.last_answer = None
        view = self.query_one("#conversation")
        view.remove_children()
        self.query_one(PaperPanel).add_class("hidden")
        if self.engine is not None:
            self._show_welcome()
        self.notify("New conversation.")

    def action_history(self) -> None:
        def chosen(conversation_id: int | None) -> None:
            if conversation_id:
                self.load_conversation(conversation_id)

        self.push_screen(HistoryScreen(self.history.conversations()), chosen)

    def load_conversation(self, conversation_id: int) -> None:
        self.conversation = self.history.conversation(conversation_id)
        self.conversation_id = conversation_id
        view = self.query_one("#conversation")
        view.remove_children()
        box = self.query_one(QuestionInput)
        for turn in self.conversation.turns:
            view.mount(QuestionMessage(turn.question))
            view.mount(AnswerMessage(turn.answer))
            box.remember(turn.question)
        last = self.conversation.turns[-1] if self.conversation.turns else None
        self.last_answer = last.answer if last else None
        view.scroll_end(animate=False)

    def action_export(self) -> None:
        if not self.conversation.turns:
            self.notify("Nothing to export yet.", severity="warning")
            return
        if self.conversation_id is None:
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
    """The chat app for command-line arguments (the CLI and the tests build it the same way)."""
    from assistant.opening import corpus_names
    from assistant.paths import seeds_dir
    from retrieval.corpus import LoadReport, resolve_corpus

    history = history or History.default()
    resume = history.resolve(args.resume) if getattr(args, "resume", None) else None
    corpus = corpus_names(args)
    if resume is not None and not corpus:
        info = history.info(resume)
        corpus = info.corpus if info else []
    corpus_paths = corpus or [str(seeds_dir())]
    resolve_corpus(corpus_paths, LoadReport())  # a bad --corpus fails here, in one line
    glossary = default_glossary(Analyzer(), getattr(args, "synonyms", None))  # and --synonyms
    label = "seeds" if not corpus else ", ".join(Path(c).name or c for c in corpus)
    settings = ChatSettings(
        corpus, corpus_paths, label, getattr(args, "index_dir", None), resume, glossary
    )
    return ChatApp(settings, history)


def run_chat(args: argparse.Namespace) -> int:
    app = create_app(args)
    app.run()
    if app.error:
        print(f"error: {app.error}", file=sys.stderr)
        return 2
    return app.return_code or 0
