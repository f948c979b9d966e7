"""Ranking quality on Cranfield, beside the Python BM25 libraries, in one run.

    python benchmarks/cranfield.py            # the comparison table
    python benchmarks/cranfield.py --grid     # also the k1 / b / title-weight / RM3 grid

Systems: rank_bm25.BM25Okapi with its defaults on lower-cased \\w+ tokens (the usual way it is
used), bm25s with stemming and stopwords (when installed: pip install '.[bench]'), and this
project's engine: Okapi mode, Lucene BM25, and Lucene BM25 with RM3 (the default).
Writes benchmarks/cranfield-results.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from assistant.beir import beir_queries_and_qrels  # noqa: E402
from assistant.metrics import ir_metrics  # noqa: E402
from retrieval.corpus import load_papers  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.feedback import Rm3Params  # noqa: E402
from retrieval.index import Bm25Params  # noqa: E402

COLLECTION = HERE / "cranfield"
OUT = HERE / "cranfield-results.md"


def rank_bm25_baseline(queries, ids, texts):
    from rank_bm25 import BM25Okapi

    def tokens(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    model = BM25Okapi([tokens(t) for t in texts])
    run = {}
    for qid, text in queries:
        scores = model.get_scores(tokens(text))
        order = sorted(range(len(ids)), key=lambda i: -scores[i])[:1000]
        run[qid] = [ids[i] for i in order]
    return run


def bm25s_baseline(queries, ids, texts):
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    retriever.index(
        bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    run = {}
    tokenized = bm25s.tokenize(
        [q for _, q in queries], stopwords="en", stemmer=stemmer, show_progress=False
    )
    results, _ = retriever.retrieve(tokenized, k=1000, show_progress=False)
    for (qid, _), row in zip(queries, results, strict=True):
        run[qid] = [ids[i] for i in row]
    return run


def engine_run(engine: Engine, queries, method: str, feedback: bool):
    ids = engine.papers.ids
    return {
        qid: [ids[h.doc] for h in engine.search(text, 1000, method, feedback=feedback)]  # type: ignore[arg-type]
        for qid, text in queries
    }


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grid", action="store_true", help="also search k1, b, title weight, RM3")
    args = parser.parse_args()

    queries, qrels = beir_queries_and_qrels(COLLECTION)
    papers, _ = load_papers([COLLECTION])
    ids = [p.doc_id for p in papers]
    texts = [f"{p.title} {p.abstract}" for p in papers]
    rows = []

    run, seconds = timed(rank_bm25_baseline, queries, ids, texts)
    rows.append(
        ("rank_bm25.BM25Okapi defaults, \\w+ tokens, no stemming", ir_metrics(run, qrels), seconds)
    )
    try:
        run, seconds = timed(bm25s_baseline, queries, ids, texts)
        rows.append(
            ("bm25s Lucene k1=1.5 b=0.75, stopwords + Snowball", ir_metrics(run, qrels), seconds)
        )
    except ImportError:
        print("bm25s is not installed (pip install '.[bench]'); skipping it", file=sys.stderr)

    with tempfile.TemporaryDirectory() as cache:
        engine = Engine.open([COLLECTION], cache)
        p = engine.index.params
        label = f"k1={p.k1} b={p.b} title x{p.title_weight}"
        for name, method, feedback in (
            (f"this engine, okapi mode (rank-bm25's formula), {label}", "okapi", False),
            (f"this engine, Lucene BM25, {label}", "bm25", False),
            (
                f"this engine, Lucene BM25 + RM3 (default), {label}, {_rm3(engine.rm3)}",
                "bm25",
                True,
            ),
        ):
            run, seconds = timed(engine_run, engine, queries, method, feedback)
            rows.append((name, ir_metrics(run, qrels), seconds))
        grid = _grid(queries, qrels, cache) if args.grid else []

    lines = [
        "# Cranfield (1,398 abstracts with text, 225 queries, graded judgements)",
        "",
        "Measured by `python benchmarks/cranfield.py`, all systems in one run.",
        "",
        "| system | nDCG@10 | MAP@1000 | Recall@100 | MRR@10 | seconds for 225 queries |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, m, seconds in rows:
        lines.append(
            f"| {name} | {m['ndcg@10']:.4f} | {m['map@1000']:.4f} | {m['recall@100']:.4f} | "
            f"{m['mrr@10']:.4f} | {seconds:.2f} |"
        )
    if grid:
        lines += [
            "",
            "## Parameter grid (Lucene BM25 + RM3 unless marked)",
            "",
            "| k1 | b | title weight | RM3 | nDCG@10 | MAP@1000 |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {k1} | {b} | {w} | {rm3} | {n:.4f} | {m:.4f} |" for k1, b, w, rm3, n, m in grid
        ]
    text = "\n".join(lines) + "\n"
    OUT.write_text(text, encoding="utf-8")
    print(text)
    return 0


def _rm3(p: Rm3Params) -> str:
    weights = f"weight {p.original_weight}, temperature {p.temperature}"
    return f"RM3 {p.docs} docs, {p.terms} terms, {weights}"


def _grid(queries, qrels, cache):
    out = []
    for k1 in (0.9, 1.2, 1.5):
        for b in (0.5, 0.75):
            for weight in (1, 2, 3):
                engine = Engine.open(
                    [COLLECTION], cache, params=Bm25Params(k1=k1, b=b, title_weight=weight)
                )
                for feedback in (False, True):
                    m = ir_metrics(engine_run(engine, queries, "bm25", feedback), qrels)
                    out.append(
                        (k1, b, weight, "yes" if feedback else "no", m["ndcg@10"], m["map@1000"])
                    )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
