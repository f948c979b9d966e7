"""Conversation: questions answered in the context of the previous answers.

"it", "they", "this paper", "its" mean the papers cited in the previous answer; "tell me more"
continues with the next best sentences; "compare it with X" compares them with X. The chat and
`assistant ask --session` share this logic.
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from functools import cached_property

from assistant.answering.answer import Answer
from assistant.answering.candidates import gather
from assistant.answering.composition import compose
from assistant.answering.glossary import EMPTY, Glossary, default_glossary
from assistant.answering.question import NameIndex, Question, read_question
from assistant.answering.weights import FittedWeights, fitted_weights
from retrieval.engine import Engine
from retrieval.errors import InputError

# "They", "both", "each": a follow-up about every paper of the previous answer.
_ABOUT_BOTH = re.compile(r"\b(they|them|their|theirs|both|each)\b", re.I)
# Longer input is not a question; it is refused at once rather than analysed for seconds.
MAX_QUESTION_CHARS = 2000


@dataclass
class Turn:
    question: str
    answer: Answer


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def last_answered(self, asking: bool = False) -> Turn | None:
        """The latest turn that was answered; with `asking`, the latest that asked something of
        its own (not "tell me more")."""
        for turn in reversed(self.turns):
            if not turn.answer.abstained and not (asking and turn.answer.kind == "more"):
                return turn
        return None


class Assistant:
    """Answers questions about one engine's collection. `glossary` maps plain words to research
    terms (default: see answering.glossary.default_glossary); `weights` are the fitted
    parameters of the answer pipeline (default: weights.json)."""

    def __init__(
        self,
        engine: Engine,
        glossary: Glossary | None = None,
        weights: FittedWeights | None = None,
        synonyms: Glossary = EMPTY,
    ) -> None:
        self.engine = engine
        if glossary is None:
            glossary = default_glossary(engine, synonyms)
        self.glossary = glossary
        self.weights = weights if weights is not None else fitted_weights()

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.engine)

    def ask(self, text: str, conversation: Conversation | None = None) -> Answer:
        """Answer `text`, and record the turn in `conversation` when one is given."""
        started = time.perf_counter()
        text = check_question(text)
        conversation = conversation if conversation is not None else Conversation()
        question, context = self.understand(text, conversation)
        read = time.perf_counter()
        candidates = gather(self.engine, question, context)
        gathered = time.perf_counter()
        shown = self._shown(conversation) if question.kind == "more" else set()
        answer = compose(self.engine, candidates, self.weights, shown)
        done = time.perf_counter()
        answer.timings_ms = {
            "read": round((read - started) * 1000, 2),
            "candidates": round((gathered - read) * 1000, 2),
            "compose": round((done - gathered) * 1000, 2),
            "total": round((done - started) * 1000, 2),
        }
        conversation.turns.append(Turn(text, answer))
        return answer

    def understand(self, text: str, conversation: Conversation) -> tuple[Question, list[int]]:
        """The question read in its conversation, and the papers the previous answer cited."""
        previous = conversation.last_answered()
        context = self._positions(previous.answer.cited_ids) if previous else []
        question = self.read(text)
        asked = conversation.last_answered(asking=True)
        if question.kind == "more" and asked is not None:
            # "Tell me more" continues the last real question, on the same papers.
            earlier = self.read(asked.question)
            question = dataclasses.replace(
                earlier, text=text, kind="more", refers_back=True, continues=earlier.kind
            )
        elif (
            previous is not None
            and previous.answer.kind == "compare"
            and not question.named
            and question.kind not in ("list", "more")
            and _ABOUT_BOTH.search(text)
        ):
            # "Do they ...?" after a comparison asks it of each paper compared.
            question = dataclasses.replace(question, kind="compare", refers_back=True)
        return question, context

    def read(self, text: str) -> Question:
        return read_question(self.engine, self.names, text, self.glossary)

    def _positions(self, doc_ids: list[str]) -> list[int]:
        found = (self.engine.papers.position(d) for d in doc_ids)
        return [p for p in found if p is not None]

    def _shown(self, conversation: Conversation) -> set[tuple[int, int]]:
        shown: set[tuple[int, int]] = set()
        for turn in conversation.turns:
            for s in turn.answer.sentences:
                doc = self.engine.papers.position(s.doc_id)
                if doc is not None:
                    shown.add((doc, s.sentence_index))
        return shown


def check_question(text: str) -> str:
    """The question, stripped; an InputError when it is empty or far too long."""
    stripped = text.strip()
    if not stripped:
        raise InputError("the question is empty")
    if len(stripped) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is too long ({len(stripped):,} characters; the limit is "
            f"{MAX_QUESTION_CHARS:,})"
        )
    return stripped
