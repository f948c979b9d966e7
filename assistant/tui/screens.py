"""Modal screens of the chat: saved conversations, a confirmation, a new name, and help."""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from assistant.history import ConversationInfo, History
from assistant.render import printable


def collection_label(corpus: list[str]) -> str:
    """A short name for a collection as the command line gave it: "seeds" for the bundled one."""
    if not corpus:
        return "seeds"
    return ", ".join(Path(c).name or c for c in corpus)


class HistoryScreen(ModalScreen[int | None]):
    """Saved conversations, each with its collection: Enter opens one (dismissed with its id),
    d deletes, r renames, Esc closes."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="history-close", tooltip="Back to the chat"),
        Binding(
            "d,delete",
            "delete",
            "Delete",
            id="history-delete",
            tooltip="Delete the highlighted conversation",
        ),
        Binding("r", "rename", "Rename", id="history-rename", tooltip="Rename the highlighted one"),
    ]

    def __init__(self, history: History, current: list[str]) -> None:
        super().__init__()
        self.history = history
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box"):
            yield Static(
                "Saved conversations — Enter opens, d deletes, r renames, Esc closes",
                id="history-heading",
            )
            yield OptionList(id="history-list")
            yield Static("", id="history-empty")

    def on_mount(self) -> None:
        self.refresh_list()

    def refresh_list(self, highlight: int | None = None) -> None:
        listing = self.query_one(OptionList)
        conversations = self.history.conversations()
        listing.clear_options()
        listing.add_options([Option(self._label(info), id=str(info.id)) for info in conversations])
        self.query_one("#history-empty", Static).update(
            "" if conversations else "No saved conversations yet."
        )
        if conversations:
            listing.highlighted = min(highlight or 0, len(conversations) - 1)
        listing.focus()

    def _label(self, info: ConversationInfo) -> Text:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.updated))
        label = Text(f"{when}  {info.turns_label:>8}  ", style="dim")
        style = "" if info.corpus == self.current else "italic"
        label.append(f"[{printable(collection_label(info.corpus))}] ", style=style or "dim")
        label.append(printable(info.title or "(empty)"))
        return label

    def _highlighted(self) -> tuple[int, int] | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None or not listing.option_count:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        return listing.highlighted, int(option.id or 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_delete(self) -> None:
        chosen = self._highlighted()
        if chosen is None:
            return
        index, conversation_id = chosen
        info = self.history.info(conversation_id)
        title = info.title if info and info.title else "this conversation"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.history.delete(conversation_id)
                self.notify("Conversation deleted.")
                self.refresh_list(index)

        self.app.push_screen(ConfirmScreen(f"Delete “{title}”?"), confirmed)

    def action_rename(self) -> None:
        chosen = self._highlighted()
        if chosen is None:
            return
        index, conversation_id = chosen
        info = self.history.info(conversation_id)

        def renamed(title: str | None) -> None:
            if title:
                self.history.rename(conversation_id, title)
                self.refresh_list(index)

        self.app.push_screen(RenameScreen(info.title if info else ""), renamed)


class ConfirmScreen(ModalScreen[bool]):
    """A yes-or-no question: y or Enter says yes, n or Esc says no."""

    BINDINGS = [
        Binding("y,enter", "dismiss(True)", "Yes", id="confirm-yes", tooltip="Yes"),
        Binding("n,escape", "dismiss(False)", "No", id="confirm-no", tooltip="No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(printable(self.question)))
            yield Static("y (or Enter): yes    n (or Esc): no", classes="hint")


class RenameScreen(ModalScreen[str | None]):
    """A new title for a conversation: Enter keeps it, Esc leaves the old one."""

    AUTO_FOCUS = "#rename-input"

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="rename-cancel", tooltip="Keep the name")
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_now = title

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-box"):
            yield Static("New name (Enter keeps it, Esc cancels)")
            yield Input(value=self.title_now, id="rename-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(" ".join(event.value.split()) or None)


HELP = """\
# Abstracts assistant

*Esc or F1 closes this help; the arrow keys and Page Up / Page Down scroll it.*

Ask a question about the papers in plain English. Answers quote the abstracts word for word;
each quoted sentence ends with the number of the paper it comes from, listed under
**References**. When the abstracts do not answer, the assistant says so and lists the closest
papers (when the question was about one paper, that paper alone); an answer on weak evidence is
marked *weak match* and lists the closest other papers (unless the question was about the
paper it quotes).

*Which papers study X?* (or *is there a paper on X?*) lists the papers, each quoted where it
puts forward its own work on X;
*how many papers ...?* also says how many match; *which model has the most parameters?* and
*which paper has the largest model?* quote each paper's own figure, since no abstract ranks the
others; *what are the latest papers on X?* lists them newest first (after a list, *sort them
by date*; after a comparison, *which one is more recent?* gives their records' dates), and
*which papers from 2023 study X?* only those dated so (*which papers are from
2023?* lists all of them, and then *which of them study X?* those on X; *which papers by
Hinton study X?*, *what did Hinton write?* or *Hinton's papers* only those whose records name
that author; *who wrote X?* or *who are its authors?* gives the authors its record lists).
Several things asked
of one paper (*what is X and how much faster is it?*) are answered one after the other. *Show
me the abstract of X* (or *the full abstract* after an answer) quotes all of it.

Follow-up questions may say *it*, *they* or *this paper* for the papers of the last answer
(also when it said their abstracts do not answer), pick among them by number (*the second
one*, *the first two*, *paper 3*, *the latter*), say *tell me more* for more of the same
(after a list: the next papers; *tell me more about the first one* for more of that one),
*summarize it* or *TL;DR?* for what it is (*summarize them* for each of them),
*any others?* for the same question of the papers not cited yet (after picking one of a
list: of the others listed), *which papers are similar?* or *any related work?* for the papers
on the topic of the paper just answered about (*similar to X* of the paper X), *why?* or
*when?* alone for the previous question in that form, *and X?* for the same question about
the paper X (or, when X names no paper, X of the last answer's papers: *and the code?*; so
does a short question about *the X* they mention, *is the code available?*), *compare it with
X* or *compare them* (or
*what do they have in common?*, *how do they differ?*), or,
after a comparison, *do they ...* or *which one ...* for each paper compared (*which one uses
less memory?* quotes each one's figure on memory, *which one is the fastest?* each one's ratio,
*which one is better?* what each one found). After a list, a
question about *them* (*do any of them release code?*, *which of these use GPUs?*) is put to
each paper listed, and answered by those whose abstracts say (*how do they measure it?*:
*it* is the list's topic); *which of them are from 2024?*
keeps the list's topic, and *how many are there?* says how many papers it matched.

Questions typed while the collection opens, or while an answer is being found, wait their
turn and are answered in order.

| Key | Action |
|-----|--------|
| Enter | Ask the question |
| Up / Down | Earlier / later questions |
| Alt+1 … Alt+9 | Open citation n of the last answer (or paper n listed below it) |
| 1 … 9 | The same, while the conversation has focus |
| Click | A marker, a reference or a listed paper opens it |
| Page Up / Page Down | Scroll the conversation |
| Ctrl+Home / Ctrl+End | Top / bottom of the conversation |
| Tab | Move between the question, the conversation and the paper |
| F2 | Show or hide the paper panel |
| Ctrl+N | New conversation |
| Ctrl+O | Saved conversations (d deletes, r renames) |
| Ctrl+E | Export the conversation to Markdown |
| Ctrl+Y | Copy the last answer |
| Ctrl+R | Rebuild the index (offered when it is found damaged) |
| Ctrl+P | Command palette: open a citation or any paper by title, themes |
| F1 | This help |
| Ctrl+Q | Quit |

Typing a letter anywhere puts it in the question box.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1", "dismiss(None)", "Close", id="help-close", tooltip="Back to the chat")
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(HELP)

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()
