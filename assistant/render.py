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
    from assistant.answer import Answer
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


def index_report(engine: Engine) -> str:
    s = engine.summary
    sentences = f"~{s.sentences:,} (estimated)" if s.sentences_estimated else f"{s.sentences:,}"
    lines = [
        f"index {engine.status} in {engine.location}",
        f"  files               {s.files:,}",
        f"  documents           {s.documents:,}",
        f"  duplicates merged   {s.duplicates_merged:,}",
        f"  versions            {s.versioned_documents:,} documents in {s.version_groups:,} papers",
        f"  sentences           {sentences}",
        f"  vocabulary          {s.vocabulary:,} terms",
        f"  postings            {s.postings:,}",
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
        title = emphasise(engine.papers.title(hit.doc), terms, engine.analyzer, color)
        meta = f"score {hit.score:.3f} · {printable(date)} · {printable(display_path(sources[0].path))}"
        block = [f"{rank:>2}. {title}", f"    {_dim(meta, color)}"]
        sentence = best_sentences.get(hit.doc)
        if sentence:
            block.append(f"    “{emphasise(sentence, terms, engine.analyzer, color)}”")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)
