"""Plain-text views for the terminal: index counts, search hits, answers.

Text from corpora and users is printed literally: control characters (escape sequences among
them) are removed, and nothing is ever interpreted as markup. Query terms are emphasised with ANSI
bold only when the output is a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from retrieval.analysis import TOKEN_PATTERN, Analyzer

if TYPE_CHECKING:
    from assistant.answering.answer import Answer, Reference
    from retrieval.engine import DocHit, Engine

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RESET = "\x1b[0m"


def printable(text: str) -> str:
    """`text` without control characters: an ESC from a corpus or a question cannot reach the
    terminal as an escape sequence."""
    return _CONTROL.sub("", text)


def emphasise(text: str, terms: Iterable[str], analyzer: Analyzer, color: bool) -> str:
    """`text` with the words whose analysed terms are among `terms` in bold (terminal only)."""
    text = printable(text)
    wanted = set(terms)
    if not color or not wanted:
        return text
    out: list[str] = []
    last = 0
    for match in TOKEN_PATTERN.finditer(text):
        if wanted.intersection(analyzer.token_terms(analyzer.normalize(match.group()))):
            out.append(text[last : match.start()])
            out.append(f"{BOLD}{match.group()}{RESET}")
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _dim(text: str, color: bool) -> str:
    return f"{DIM}{text}{RESET}" if color else text


def print_index(engine: Engine, as_json: bool) -> None:
    if as_json:
        import json

        payload = {"status": engine.status, "location": str(engine.location)}
        print(json.dumps({**payload, **engine.summary.model_dump()}, indent=2))
    else:
        print(index_report(engine))


def index_report(engine: Engine) -> str:
    s = engine.summary
    sentences = f"~{s.sentences:,} (estimated)" if s.sentences_estimated else f"{s.sentences:,}"
    lines = [
        f"index {engine.status} in {engine.location}",
        f"  files               {s.files:,}",
        f"  documents           {s.documents:,}",
        f"  duplicates merged   {s.duplicates_merged:,}",
        f"  versions            {s.versioned_documents:,} documents in {s.version_groups:,} "
        + ("paper" if s.version_groups == 1 else "papers"),
        f"  sentences           {sentences}",
        f"  vocabulary          {s.vocabulary:,} terms",
        f"  postings            {s.postings:,}",
        f"  segments            {s.segments:,}"
        + (f" ({s.deleted:,} deleted documents to reclaim)" if s.deleted else ""),
        f"  skipped             {len(s.skipped_files):,} files, {s.skipped_records:,} records",
        f"  build time          {s.build_seconds:.2f} s",
    ]
    lines += [f"  skipped: {printable(line)}" for line in s.skipped_files]
    lines += [f"  warning: {printable(line)}" for line in s.warnings]
    return "\n".join(lines)


def search_hits(
    engine: Engine,
    hits: list[DocHit],
    best_sentences: dict[int, str],
    query_terms: Iterable[str],
    color: bool,
) -> str:
    from assistant.paths import display_path

    if not hits:
        return "no matching papers"
    terms = list(query_terms)
    blocks = []
    for rank, hit in enumerate(hits, start=1):
        sources = engine.papers.sources(hit.doc)
        date = engine.papers.dates.optional(hit.doc) or "no date"
        title = emphasise(engine.papers.heading(hit.doc), terms, engine.analyzer, color)
        source = printable(display_path(sources[0].path))
        meta = f"score {hit.score:.3f} · {printable(date)} · {source}"
        block = [f"{rank:>2}. {title}", f"    {_dim(meta, color)}"]
        sentence = best_sentences.get(hit.doc)
        if sentence:
            block.append(f"    “{emphasise(sentence, terms, engine.analyzer, color)}”")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)


WEAK_MATCH = "Weak match: the {quoted} may not answer this well."


def weak_match(answer: Answer) -> str:
    """The note on an answer given on weak evidence, of the one abstract it quotes or of
    several."""
    papers = {c.doc_id for c in answer.citations}
    return WEAK_MATCH.format(quoted="abstract" if len(papers) == 1 else "abstracts")


def see_also_heading(answer: Answer) -> str:
    """What the papers listed beside the answer are: the closest others, or, when the question
    was asked of papers whose abstracts do not answer it, those papers themselves."""
    if not answer.abstained:
        return "The closest other papers"
    if answer.about and {r.doc_id for r in answer.see_also} <= set(answer.about):
        return "The paper asked about" if len(answer.see_also) == 1 else "The papers asked about"
    return "See also (the closest papers; they do not answer it)"


def answer_text(
    answer: Answer,
    terms: Iterable[str],
    analyzer: Analyzer,
    color: bool,
    width: int | None = None,
) -> str:
    """An answer for the terminal: the quoted sentences with [n] markers, notes, references;
    or the abstention with the closest papers. Wrapped at word boundaries to `width`."""
    terms = list(terms)

    def block(text: str, indent: str = "", first: str | None = None) -> list[str]:
        lines = wrapped(printable(text), width, indent, indent if first is None else first)
        return [emphasise(line, terms, analyzer, color) for line in lines]

    lines: list[str] = []
    for line in answer.answer.split("\n"):
        if line.startswith("- "):
            lines += block(line[2:], indent="  ", first="- ")
        else:
            lines += block(line)
    if answer.notes:
        lines.append("")
        lines += [
            _dim(line, color)
            for note in answer.notes
            for line in wrapped(f"Note: {printable(note)}", width)
        ]
    if answer.abstained or answer.weak:
        if answer.weak:
            lines += ["", _dim(weak_match(answer), color)]
        if answer.see_also:
            lines += ["", f"{see_also_heading(answer)}:"]
            for r in answer.see_also:
                lines += wrapped(_reference_line(r), width, "    ", "  - ")
    if not answer.abstained:
        lines += ["", "References"]
        for c in answer.citations:
            lines += wrapped(_reference_line(c), width, "      ", f"  [{c.n}] ")
            details = _details(c)
            if details:
                lines += [_dim(line, color) for line in wrapped(details, width, "      ", "      ")]
    return "\n".join(lines)


def wrapped(text: str, width: int | None, indent: str = "", first: str = "") -> list[str]:
    """`text` broken at word boundaries into lines of at most `width` (never inside a word or a
    hyphenated compound); one line when `width` is None."""
    if width is None:
        return [first + text]
    import textwrap

    return textwrap.wrap(
        text,
        width=max(width, 20),
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first]


def _reference_line(ref: Reference) -> str:
    when = f" ({printable(ref.date)})" if ref.date else ""
    return f"{printable(ref.title)}{when} — {printable(ref.source)}"


def _details(ref: Reference) -> str:
    """The paper's id, version, authors and address, where the collection gives them."""
    parts = [f"id {ref.doc_id}", ref.version, ref.authors, ref.url]
    return " · ".join(printable(p) for p in parts if p)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#$])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|$)", re.M)


# A web address: a Markdown renderer links it whole, backslashes and all, so it is left as
# written ("paper_llm_based", not "paper\_llm\_based"). It stops before the characters that
# could still open Markdown of their own.
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\[\]`*]+")


def escape_markdown(text: str) -> str:
    """Text shown literally by a Markdown renderer: the characters Markdown gives meaning to are
    escaped, so an abstract's "*", "_" or "[x](y)" stays as written (web addresses aside, which
    are shown as written)."""
    text = printable(text)
    parts, start = [], 0
    for address in _WEB_ADDRESS.finditer(text):
        parts += [_MARKDOWN_SPECIAL.sub(r"\\\1", text[start : address.start()]), address.group()]
        start = address.end()
    text = "".join([*parts, _MARKDOWN_SPECIAL.sub(r"\\\1", text[start:])])
    # A line starting "- ", "+ " or "1. " would become a list item.
    return _MARKDOWN_LINE_START.sub(
        lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text
    )


def answer_markdown(answer: Answer) -> str:
    """An answer as Markdown: quotes escaped, citation markers, references."""
    body = escape_markdown(answer.answer)
    # Citation markers and list bullets are ours, not the abstract's: keep them as Markdown.
    body = re.sub(r"\\\[(\d+)\\\]", r"[\1]", body)
    if answer.answer.startswith("- "):
        body = "\n".join(
            "- " + line[3:] if line.startswith("\\- ") else line for line in body.split("\n")
        )
    parts = [body]
    if answer.notes:
        parts.append("\n".join(f"*{escape_markdown(n)}*" for n in answer.notes))
    if answer.weak:
        parts.append(f"*{weak_match(answer)}*")
    if answer.see_also:
        refs = "\n".join(f"- {escape_markdown(_reference_line(r))}" for r in answer.see_also)
        parts.append(f"{see_also_heading(answer)}:\n\n{refs}")
    if not answer.abstained:
        refs = "\n".join(
            f"{c.n}. {escape_markdown(_reference_line(c))}"
            + (f"  \n   {escape_markdown(_details(c))}" if _details(c) else "")
            for c in answer.citations
        )
        parts.append(f"**References**\n\n{refs}")
    return "\n\n".join(parts)


def conversation_markdown(title: str, corpus: list[str], conversation) -> str:
    """A whole conversation as a Markdown document."""
    out = [f"# {escape_markdown(title) or 'Conversation'}", ""]
    if corpus:
        out += ["Corpus: " + ", ".join(escape_markdown(c) for c in corpus), ""]
    for turn in conversation.turns:
        out += [f"## {escape_markdown(turn.question)}", "", answer_markdown(turn.answer), ""]
    return "\n".join(out)
