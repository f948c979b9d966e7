"""`assistant search`: ranked papers for one query, or a TREC run for a file of queries."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from pathlib import Path

from assistant.beir import read_queries, write_run
from assistant.exit_codes import EXIT_OK
from assistant.opening import open_engine
from assistant.paths import display_path
from assistant.render import search_hits
from retrieval.engine import DocHit, Engine
from retrieval.errors import InputError
from retrieval.passages import rank_passages


def run(args: argparse.Namespace) -> int:
    if args.queries:
        if args.query:
            raise InputError("give either a QUERY or --queries FILE, not both")
        return _run_batch(args)
    if args.run_file:
        raise InputError("--run-file needs --queries FILE")
    if not args.query or not args.query.strip():
        raise InputError("the query is empty")
    k = 10 if args.k is None else args.k
    if k < 1:
        raise InputError("-k must be at least 1")
    engine = open_engine(args, one_question=True)
    hits = engine.search(args.query, k, args.engine, feedback=not args.no_feedback)
    best = best_sentences(engine, args.query, hits)
    if args.json:
        print(json.dumps(hits_json(engine, args.query, hits, best), ensure_ascii=False, indent=2))
    else:
        terms = engine.analyzer.terms(args.query)
        print(search_hits(engine, hits, best, terms, color=sys.stdout.isatty()))
    return EXIT_OK


def best_sentences(engine: Engine, query: str, hits: list[DocHit]) -> dict[int, str]:
    """The best-scoring sentence of each hit for the query's own terms."""
    weights = engine.query_weights(query)
    best: dict[int, str] = {}
    for passage in rank_passages(engine, weights, [h.doc for h in hits]):
        if passage.doc not in best and passage.score > 0:
            best[passage.doc] = passage.text
    return best


def hits_json(engine: Engine, query: str, hits: list[DocHit], best: dict[int, str]) -> dict:
    papers = engine.papers
    return {
        "query": query,
        "hits": [
            {
                "rank": rank,
                "doc_id": papers.ids[h.doc],
                "title": papers.heading(h.doc),
                "score": round(h.score, 6),
                "date": papers.dates.optional(h.doc),
                "source": display_path(papers.sources(h.doc)[0].path),
                "sentence": best.get(h.doc),
            }
            for rank, h in enumerate(hits, start=1)
        ],
    }


def _run_batch(args: argparse.Namespace) -> int:
    queries = read_queries(args.queries)
    k = 1000 if args.k is None else args.k
    if k < 1:
        raise InputError("-k must be at least 1")
    engine = open_engine(args)
    tag = run_tag(args.engine, not args.no_feedback)
    with ExitStack() as stack:
        out = sys.stdout
        if args.run_file:
            out = stack.enter_context(Path(args.run_file).open("w", encoding="utf-8"))
        write_run(out, run_results(engine, queries, k, args.engine, not args.no_feedback), tag)
    if args.run_file:
        print(f"{len(queries)} queries, run written to {args.run_file}", file=sys.stderr)
    return EXIT_OK


def run_tag(method: str, feedback: bool) -> str:
    return f"{method}+rm3" if method == "bm25" and feedback else method


def run_results(
    engine: Engine, queries: list[tuple[str, str]], k: int, method: str, feedback: bool
):
    """(query id, [(doc id, score)]) per query, lazily, in query order."""
    ids = engine.papers.ids
    for qid, text in queries:
        hits = engine.search(text, k, method, feedback=feedback)  # type: ignore[arg-type]
        yield qid, [(ids[h.doc], h.score) for h in hits]
