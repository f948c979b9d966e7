"""The `assistant` command. Each subcommand imports what it needs when it runs, so a one-shot
question never pays for the chat UI (Textual is imported by `chat` alone)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence

from assistant import __version__
from assistant.exit_codes import EXIT_GATE, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_SOFTWARE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description=(
            "Ask questions about a collection of paper abstracts; answers quote the abstracts "
            "verbatim with numbered citations. With no command, opens the chat."
        ),
    )
    parser.add_argument("--version", action="version", version=f"assistant {__version__}")
    corpus = argparse.ArgumentParser(add_help=False)
    corpus.add_argument(
        "--corpus",
        action="append",
        metavar="PATH",
        help="corpus file, directory or glob (repeatable; default: the bundled seeds)",
    )
    corpus.add_argument(
        "--index-dir",
        metavar="DIR",
        help="where indexes are cached (default: $ASSISTANT_INDEX_DIR or the user cache dir)",
    )
    answers = argparse.ArgumentParser(add_help=False)
    answers.add_argument(
        "--synonyms",
        metavar="FILE",
        help="your own phrase file, 'plain words = research terms' per line, read with the "
        "bundled glossary",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = commands.add_parser(
        "chat", parents=[corpus, answers], help="open the chat (the default)"
    )
    chat.add_argument(
        "--resume",
        nargs="?",
        const="latest",
        metavar="ID",
        help="resume a saved conversation (the latest when no ID is given)",
    )

    ask = commands.add_parser("ask", parents=[corpus, answers], help="answer one question and exit")
    ask.add_argument("question", help="the question, in plain English ('-' reads it from stdin)")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument(
        "--session",
        metavar="NAME",
        help="keep the conversation under NAME so follow-up questions work across calls",
    )

    search = commands.add_parser("search", parents=[corpus], help="rank papers for a query")
    search.add_argument("query", nargs="?", help="the query (omit with --queries)")
    search.add_argument(
        "-k", type=int, default=None, help="hits per query (default 10; 1000 with --queries)"
    )
    search.add_argument("--json", action="store_true", help="print hits as JSON")
    search.add_argument(
        "--queries", metavar="FILE", help="batch mode: BEIR queries.jsonl or id<TAB>text lines"
    )
    search.add_argument("--run-file", metavar="FILE", help="write a TREC run file (batch mode)")
    _engine_options(search)

    index = commands.add_parser(
        "index",
        parents=[corpus],
        help="bring the index up to date, verify every byte of it, and fold its segments",
    )
    index.add_argument("--json", action="store_true", help="print the counts as JSON")
    index.add_argument(
        "--verify", action="store_true", help="only check the index against its checksums"
    )

    add = commands.add_parser(
        "add", parents=[corpus], help="add files to the collection (only they are indexed)"
    )
    add.add_argument("files", nargs="+", metavar="FILE", help="corpus files or directories")
    add.add_argument("--json", action="store_true", help="print the counts as JSON")

    evaluate = commands.add_parser(
        "eval",
        parents=[corpus, answers],
        help="measure answers on question fixtures, or ranking on BEIR",
    )
    evaluate.add_argument("fixtures", nargs="?", help="question fixtures (JSON Lines)")
    evaluate.add_argument("--beir", metavar="DIR", help="evaluate ranking on a BEIR directory")
    evaluate.add_argument("--json", action="store_true", help="print the results as JSON")
    evaluate.add_argument("--report", metavar="FILE.md", help="write every failure to Markdown")
    evaluate.add_argument(
        "--min",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="fail (exit 1) when a metric is below VALUE (repeatable)",
    )
    evaluate.add_argument(
        "--max",
        action="append",
        default=[],
        metavar="METRIC=VALUE",
        help="fail (exit 1) when a metric is above VALUE, e.g. false_abstain (repeatable)",
    )
    evaluate.add_argument("--run-file", metavar="FILE", help="with --beir: write the TREC run")
    _engine_options(evaluate)

    history = commands.add_parser("history", help="list or export saved conversations")
    history.add_argument("action", nargs="?", choices=["list", "export", "delete"], default="list")
    history.add_argument("id", nargs="?", help="conversation id (export, delete)")
    history.add_argument("--json", action="store_true", help="print the list as JSON")
    return parser


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=["bm25", "okapi", "rank-bm25"],
        default="bm25",
        help="bm25: Lucene IDF with RM3 feedback (default); okapi: rank-bm25's formula on the "
        "sparse index; rank-bm25: rank_bm25.BM25Okapi itself",
    )
    parser.add_argument(
        "--no-feedback", action="store_true", help="bm25 without RM3 pseudo-relevance feedback"
    )


def _run(args: argparse.Namespace) -> int:
    """The command; if it finds the index damaged while working, the index is rebuilt once and
    the command run again."""
    from retrieval.persistence import CacheDamaged

    try:
        return _HANDLERS[args.command](args)
    except CacheDamaged as err:
        print(f"the cached index was damaged ({err}); rebuilding it", file=sys.stderr)
        args.rebuild = True
        return _HANDLERS[args.command](args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "chat")  # no command, or only options: `assistant --corpus papers/`
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`assistant search ... | head`): point stdout at devnull so the
        # interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as err:
        from retrieval.errors import InputError

        if isinstance(err, InputError):
            print(f"error: {err.one_line()}", file=sys.stderr)
            return EXIT_INPUT
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        print(
            f"error: {err.__class__.__name__}: {' '.join(str(err).split())} "
            "(set ASSISTANT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE


# ---------------------------------------------------------------------------------------------


def cmd_index(args: argparse.Namespace) -> int:
    from assistant.opening import open_engine, rebuild_engine
    from assistant.render import print_index

    if args.verify:
        from assistant.paths import seeds_dir
        from retrieval.engine import Engine

        home, damaged = Engine.check(args.corpus or [str(seeds_dir())], args.index_dir)
        if damaged:
            print(f"damaged: {', '.join(damaged)} (`assistant index` rebuilds)", file=sys.stderr)
            return EXIT_GATE
        print(f"verified: every byte of {home} matches its checksum")
        return EXIT_OK
    engine = open_engine(args)
    damaged = engine.verify()
    if damaged:
        print(
            f"the cached index was damaged ({', '.join(damaged)}); rebuilding it", file=sys.stderr
        )
        engine = rebuild_engine(args)
    if engine.summary.segments > 1 or engine.summary.deleted:
        status = engine.status
        engine = engine.merge()
        engine.status = f"{status}, segments merged"
    print_index(engine, args.json)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from assistant.opening import open_engine
    from assistant.render import print_index

    print_index(open_engine(args, add=args.files), args.json)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from assistant import search

    return search.run(args)


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.conversation import Conversation, check_question
    from assistant.opening import corpus_names, open_assistant
    from assistant.render import answer_text

    if args.question == "-":
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    else:
        text = args.question
    question = check_question(text)
    assistant = open_assistant(args, one_question=True)
    engine = assistant.engine
    history = None
    if args.session:
        from assistant.history import History, HistoryUnavailable

        try:
            history = History.default()
        except HistoryUnavailable as err:
            print(f"warning: {err}; answering without the conversation", file=sys.stderr)
    if history is not None:
        conversation_id = history.named(args.session, corpus_names(args))
        conversation = history.conversation(conversation_id)
        answer = assistant.ask(question, conversation)
        history.append(conversation_id, question, answer)
    else:
        answer = assistant.ask(question, Conversation())
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        terms = engine.analyzer.terms(question)
        terminal = sys.stdout.isatty()
        width = shutil.get_terminal_size().columns if terminal else None
        print(answer_text(answer, terms, engine.analyzer, color=terminal, width=width))
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant import evaluation

    return evaluation.run(args)


def cmd_chat(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A full-screen app with no terminal would write escape codes into a file or a pipe.
        print("error: the chat needs a terminal; use `assistant ask`", file=sys.stderr)
        return EXIT_INPUT
    from assistant.tui.app import run_chat

    return run_chat(args)


def cmd_history(args: argparse.Namespace) -> int:
    from assistant import history

    return history.run(args)


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "index": cmd_index,
    "add": cmd_add,
    "search": cmd_search,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "chat": cmd_chat,
    "history": cmd_history,
}
