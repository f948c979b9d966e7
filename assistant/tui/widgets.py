"""Widgets of the chat: question input with recall and suggestions, messages, the paper panel."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rapidfuzz import fuzz
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Markdown, Static

from assistant.answering.answer import Answer
from assistant.render import answer_markdown, printable, see_also_heading
from retrieval.analysis import TOKEN_PATTERN, Analyzer

# Alt+1 ... Alt+9 as terminals send them: ESC and the digit, which Textual reads as the
# characters macOS types for Option+digit (its own table maps "\x1b1" to "¡").
ALT_DIGITS = {c: n for n, c in enumerate("¡™£¢∞§¶•ª", start=1)}


class OpenCitation(Message):
    """Open citation `n` of the last answer."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n


class QuestionInput(Input):
    """The question box: Enter sends, Up and Down recall earlier questions. Several lines
    pasted at once are several questions. Alt+digit opens a citation while the box is empty
    (inside a question, the same key is a character: "£")."""

    BINDINGS = [
        Binding(
            "up",
            "recall(-1)",
            "Earlier question",
            show=False,
            id="recall-previous",
            tooltip="Put the previous question back in the box",
        ),
        Binding(
            "down",
            "recall(1)",
            "Later question",
            show=False,
            id="recall-next",
            tooltip="Put the next question back in the box",
        ),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.asked: list[str] = []
        self._position = 0
        self._draft = ""

    def _on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "ctrl+j"):
            # Sent here, in order with the characters: as a binding, Enter would run only once
            # the key had bubbled up to the app, after characters typed behind it. Enter typed
            # before the chat took over the terminal arrives as a line feed (ctrl+j).
            event.stop()
            event.prevent_default()
            self.submit_now()
        elif event.character in ALT_DIGITS and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(OpenCitation(ALT_DIGITS[event.character]))

    def submit_now(self, text: str | None = None) -> None:
        """Send `text` (default: what is in the box) as a question, and empty the box for the
        next one at once."""
        if text is None:
            text, self.value = self.value, ""
        self.post_message(self.Submitted(self, text))

    def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        if len(lines) < 2 and not event.text.endswith(("\n", "\r")):
            return  # one line: Input's own handler inserts it
        event.stop()
        event.prevent_default()
        # Every complete line is a question, the first one joined to what is in the box.
        complete = lines if event.text.endswith(("\n", "\r")) else lines[:-1]
        rest = "" if complete is lines else lines[-1]
        for i, line in enumerate(complete):
            text = self.value + line if i == 0 else line
            if text.strip():
                self.submit_now(text)
        self.value = rest
        self.cursor_position = len(rest)

    def remember(self, question: str) -> None:
        if not self.asked or self.asked[-1] != question:
            self.asked.append(question)
        self._position = len(self.asked)
        self._draft = ""

    def action_recall(self, step: int) -> None:
        if not self.asked:
            return
        if self._position == len(self.asked):
            self._draft = self.value
        self._position = max(0, min(len(self.asked), self._position + step))
        self.value = (
            self._draft if self._position == len(self.asked) else self.asked[self._position]
        )
        self.cursor_position = len(self.value)


class NameSuggester(Suggester):
    """Completes the paper title or system name being typed ("What is Spli" → "Splitwise").

    Names are kept sorted case-folded, so the names starting with what was typed are one binary
    search away, however large the collection.
    """

    # At most this many names starting alike are weighed against each other.
    MAX_CANDIDATES = 200

    def __init__(self, names: list[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        pairs = sorted({(n.casefold(), n) for n in names})
        self._folded = [f for f, _ in pairs]
        self._names = [n for _, n in pairs]

    async def get_suggestion(self, value: str) -> str | None:
        words = list(TOKEN_PATTERN.finditer(value))
        if not words or value[-1:].isspace():
            return None
        # The fragment may span the last few words of a multi-word name ("merging lo").
        for count in (3, 2, 1):
            if len(words) < count:
                continue
            start = words[-count].start()
            fragment = value[start:].casefold()
            if len(fragment) < 3:
                continue
            lo = bisect.bisect_left(self._folded, fragment)
            hi = min(
                bisect.bisect_left(self._folded, fragment + "\uffff"), lo + self.MAX_CANDIDATES
            )
            matches = [i for i in range(lo, hi) if len(self._folded[i]) > len(fragment)]
            if not matches:
                continue
            # The closest whole name first (rapidfuzz), then the shortest.
            best = max(
                matches, key=lambda i: (fuzz.ratio(fragment, self._folded[i]), -len(self._names[i]))
            )
            return value + self._names[best][len(fragment) :]
        return None


class QuestionMessage(Static):
    """A question as the user typed it, shown literally, with what it is waiting for."""

    def __init__(self, question: str, waiting: str | None = None) -> None:
        super().__init__(classes="question")
        self.question = question
        self.waiting = waiting

    def render(self) -> Text:
        text = Text(printable(self.question))
        if self.waiting:
            text.append(f"  ({self.waiting})", style="dim italic")
        return text

    def wait_for(self, waiting: str | None) -> None:
        self.waiting = waiting
        self.refresh(layout=True)


class CitationClicked(Message):
    def __init__(self, answer: Answer, n: int) -> None:
        super().__init__()
        self.answer = answer
        self.n = n


class OpenPaper(Message):
    """Open a paper (by its document id) in the panel."""

    def __init__(self, doc_id: str, answer: Answer) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.answer = answer


class AnswerMessage(Markdown):
    """An answer as Markdown. Its [n] markers and its reference lines are links that open the
    cited paper; each paper it suggests instead links to that paper."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        classes = "answer"
        if answer.abstained:
            classes += " abstained"
        elif answer.weak:
            classes += " weak"
        super().__init__(answer_links(answer), classes=classes, open_links=False)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        kind, _, target = event.href.partition(":")
        if kind == "cite" and target.isdigit():
            self.post_message(CitationClicked(self.answer, int(target)))
        elif kind == "paper" and target:
            self.post_message(OpenPaper(unquote(target), self.answer))


def answer_links(answer: Answer) -> str:
    """The answer's Markdown with its citation markers, reference lines and the papers listed
    below it (suggested instead, or asked about) turned into links."""
    text = answer_markdown(answer)
    # Markers in the quoted text: "[1]" (the quotes' own brackets are escaped).
    text = re.sub(r"(?<!\\)\[(\d+)\]", lambda m: f"[\\[{m.group(1)}\\]](cite:{m.group(1)})", text)
    lines = text.split("\n")
    references = {f"{c.n}. " for c in answer.citations}
    suggested = iter(answer.see_also)
    heading = f"{see_also_heading(answer)}:"
    in_suggestions = False
    for i, line in enumerate(lines):
        if line == heading:
            in_suggestions = True
        elif line.startswith("**References**"):
            in_suggestions = False
        prefix = line[: line.find(" ") + 1] if ". " in line[:5] else ""
        if prefix in references:
            body = line[len(prefix) :]
            trailing = body[len(body.rstrip()) :]  # a Markdown line break stays outside
            lines[i] = f"{prefix}[{body.rstrip()}](cite:{prefix[:-2]}){trailing}"
        elif in_suggestions and line.startswith("- "):
            ref = next(suggested, None)
            if ref is not None:
                lines[i] = f"- [{line[2:]}](paper:{quote(ref.doc_id, safe='')})"
    return "\n".join(lines)


class Conversation(VerticalScroll):
    """The questions and answers, newest at the bottom."""

    def on_mount(self) -> None:
        # Kept at its end as answers arrive and as the paper panel narrows or widens it (its
        # answers then take more or fewer lines), until the reader scrolls back.
        self.anchor()


@dataclass(frozen=True)
class PaperView:
    """What the paper panel shows."""

    title: str
    date: str | None
    sources: list[str]
    versions: list[str]
    abstract: str
    quoted: list[tuple[int, int]]  # character spans of the quoted sentences
    terms: list[str]  # query terms to emphasise
    doc_id: str = ""
    authors: str | None = None
    url: str | None = None
    version: str | None = None  # which version this is, for a paper with several


class PaperPanel(VerticalScroll):
    """The selected paper: title, date, sources, versions, and the abstract with the quoted
    sentences highlighted and the question's terms emphasised."""

    COMPONENT_CLASSES = {"paper-panel--quote", "paper-panel--term"}

    def __init__(self, analyzer: Analyzer, **kwargs) -> None:
        super().__init__(**kwargs)
        self.analyzer = analyzer
        self.view: PaperView | None = None

    def compose(self):
        yield Static(Text("Open a citation to read its paper here."), id="paper-title")
        yield Static("", id="paper-meta")
        yield Static("", id="paper-abstract")

    def show(self, view: PaperView) -> None:
        self.view = view
        self.query_one("#paper-title", Static).update(Text(printable(view.title), style="bold"))
        meta = Text()
        if view.authors:
            meta.append(f"{printable(view.authors)}\n")
        if view.date:
            meta.append(f"{printable(view.date)}\n")
        if view.doc_id:
            meta.append(f"id {printable(view.doc_id)}\n")
        if view.url:
            meta.append(f"{printable(view.url)}\n")
        for source in view.sources:
            meta.append(f"{printable(source)}\n")
        if len(view.versions) > 1:
            meta.append(f"{len(view.versions)} versions in this collection:\n", style="italic")
            for version in view.versions:
                meta.append(f"  • {printable(version)}\n")
            if view.version:
                meta.append(f"Shown: {printable(view.version)}\n", style="bold")
        self.query_one("#paper-meta", Static).update(meta)
        self.query_one("#paper-abstract", Static).update(self._abstract(view))
        self.scroll_home(animate=False)
        if view.quoted:
            self.call_after_refresh(self._scroll_to_quote)

    def _scroll_to_quote(self) -> None:
        """Bring the first quoted sentence into view: find its line in the wrapped abstract."""
        if self.view is None or not self.view.quoted:
            return
        widget = self.query_one("#paper-abstract", Static)
        width = widget.content_size.width
        if width <= 0:
            return
        target = self.view.quoted[0][0]
        lines = Text(self.view.abstract).wrap(self.app.console, width)
        consumed = 0
        row = 0
        for line in lines:
            consumed += len(line.plain) + 1  # the space the wrap dropped
            if consumed > target:
                break
            row += 1
        self.scroll_to(y=max(0, widget.virtual_region.y + row - 2), animate=False)

    def _abstract(self, view: PaperView) -> Text:
        shown = printable(view.abstract)
        text = Text(shown)
        if len(shown) != len(view.abstract):
            return text  # offsets no longer line up; show it plain

        quote_style = self.get_component_rich_style("paper-panel--quote")
        term_style = self.get_component_rich_style("paper-panel--term")
        for start, end in view.quoted:
            text.stylize(quote_style, start, end)
        wanted = set(view.terms)
        if wanted:
            for match in TOKEN_PATTERN.finditer(view.abstract):
                terms = self.analyzer.token_terms(self.analyzer.normalize(match.group()))
                if wanted.intersection(terms):
                    text.stylize(term_style, match.start(), match.end())
        return text
