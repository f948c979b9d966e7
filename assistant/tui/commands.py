"""Command palette entries of the chat: open a citation of the last answer, or any paper of the
collection by its title (fuzzy, with rapidfuzz)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from assistant.render import printable

if TYPE_CHECKING:
    from assistant.tui.app import ChatApp

# Papers offered for a title typed in the palette.
MAX_PAPER_HITS = 20


class CitationCommands(Provider):
    """ "Open citation n": one command per paper the last answer cites."""

    @property
    def chat(self) -> ChatApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, int]]:
        answer = self.chat.last_answer
        if answer is None or answer.abstained:
            return []
        return [(f"Open citation {c.n}: {printable(c.title)}", c.n) for c in answer.citations]

    async def discover(self) -> Hits:
        for name, n in self._commands():
            yield DiscoveryHit(name, partial(self.chat.action_open_citation, n))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, n in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.chat.action_open_citation, n),
                    help="Show the paper in the panel",
                )


class PaperCommands(Provider):
    """ "Open paper…": any paper of the collection, found by its title."""

    @property
    def chat(self) -> ChatApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        if self.chat.engine is not None:
            yield DiscoveryHit(
                "Open paper…",
                self.chat.action_find_paper,
                help="Type words of a title in the palette to find any paper",
            )

    async def search(self, query: str) -> Hits:
        engine = self.chat.engine
        if engine is None or len(query.strip()) < 2:
            return
        titles = await self.chat.paper_titles()
        # rapidfuzz over every title, off the event loop.
        found = await asyncio.get_running_loop().run_in_executor(
            None,
            partial(
                process.extract,
                query,
                titles,
                scorer=fuzz.token_ratio,
                processor=utils.default_process,
                limit=MAX_PAPER_HITS,
                score_cutoff=50,
            ),
        )
        for title, score, doc in found:
            yield Hit(
                score / 100,
                Text(f"Open paper: {printable(title)}"),
                partial(self.chat.show_paper, doc),
                help=printable(engine.papers.ids[doc]),
            )
