"""Opening the collection a command works on: the engine over `--corpus` (default: the bundled
seeds), with a progress bar and notices on stderr."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.conversation import Assistant
    from retrieval.engine import Engine


def open_engine(
    args: argparse.Namespace, add: Sequence[str] = (), one_question: bool = False
) -> Engine:
    """The engine over `--corpus` (default: the bundled seeds), notices on stderr; rebuilt from
    scratch when `args.rebuild` says the cache was found damaged. For `one_question`, large
    segments are scored without the compiled kernel, which takes longer to load than it saves."""
    from assistant.paths import seeds_dir
    from retrieval.engine import Engine

    engine = Engine.open(
        args.corpus or [str(seeds_dir())],
        getattr(args, "index_dir", None),
        on_progress=_progress_printer(),
        on_notice=lambda message: print(message, file=sys.stderr),
        add=add,
        rebuild=getattr(args, "rebuild", False),
    )
    engine.index.compiled = not one_question
    return engine


def rebuild_engine(args: argparse.Namespace) -> Engine:
    args.rebuild = True
    return open_engine(args)


def open_assistant(
    args: argparse.Namespace, engine: Engine | None = None, one_question: bool = False
) -> Assistant:
    """The assistant over `--corpus`, reading questions with `--synonyms` when given. The
    phrase file is read first, so a bad one is reported before any indexing."""
    from assistant.answering.glossary import read_synonyms
    from assistant.conversation import Assistant
    from retrieval.analysis import Analyzer

    synonyms = read_synonyms(Analyzer(), getattr(args, "synonyms", None))
    return Assistant(engine or open_engine(args, one_question=one_question), synonyms=synonyms)


def corpus_names(args: argparse.Namespace) -> list[str]:
    """The corpus as given on the command line (empty for the bundled seeds)."""
    return [str(os.path.abspath(c)) if os.path.exists(c) else c for c in args.corpus or []]


def _progress_printer() -> Callable[[str, float], None] | None:
    """A one-line progress bar on stderr when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        return None
    width = 30

    def show(stage: str, fraction: float) -> None:
        filled = int(width * fraction)
        bar = "█" * filled + "·" * (width - filled)
        end = "\n" if stage == "postings" else ""
        sys.stderr.write(f"\r{stage:<9} {bar} {fraction:4.0%}{end}")
        sys.stderr.flush()

    return show
