"""Modal screens of the chat: saved conversations, and help."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from assistant.history import ConversationInfo
from assistant.render import printable


class HistoryScreen(ModalScreen[int | None]):
    """Pick a saved conversation to resume; dismissed with its id, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="history-close", tooltip="Back to the chat")
    ]

    def __init__(self, conversations: list[ConversationInfo]) -> None:
        super().__init__()
        self.conversations = conversations

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box"):
            yield Static("Saved conversations (Enter opens, Esc closes)", id="history-heading")
            if not self.conversations:
                yield Static("No saved conversations yet.")
            options = [Option(self._label(info), id=str(info.id)) for info in self.conversations]
            yield OptionList(*options, id="history-list")

    @staticmethod
    def _label(info: ConversationInfo) -> Text:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.updated))
        label = Text(f"{when}  {info.turns:>2} turns  ", style="dim")
        label.append(printable(info.title or "(empty)"))
        return label

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))


HELP = """\
# Abstracts assistant

Ask a question about the papers in plain English. Answers quote the abstracts word for word;
each quoted sentence ends with the number of the paper it comes from, listed under
**References**. When the abstracts do not answer, the assistant says so and lists the closest
papers.

Follow-up questions may say *it*, *they* or *this paper* for the papers of the last answer,
*tell me more* for more of the same, or *compare it with X*.

| Key | Action |
|-----|--------|
| Enter | Ask the question |
| Up / Down | Earlier / later questions |
| Alt+1 … Alt+9 | Open citation n of the last answer (or click its marker) |
| F2 | Show or hide the paper panel |
| Ctrl+N | New conversation |
| Ctrl+O | Saved conversations |
| Ctrl+E | Export the conversation to Markdown |
| Ctrl+Y | Copy the last answer |
| Ctrl+P | Command palette (themes too) |
| F1 | This help |
| Ctrl+Q | Quit |
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1", "dismiss(None)", "Close", id="help-close", tooltip="Back to the chat")
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Markdown(HELP)
