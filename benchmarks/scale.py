"""Scale: this engine beside rank-bm25 and bm25s on synthetic abstract collections, in one run.

    python benchmarks/scale.py                      # 10k and 100k
    python benchmarks/scale.py --sizes 10k,100k,1M  # the full run (about half an hour)

Corpora are generated deterministically (seeded): JSON Lines of id, title, abstract, words drawn
from a Zipf distribution over a synthetic vocabulary (with English function words at the top),
120-260 words per abstract. They are cached in benchmarks/data/ (not committed).

For every system and size it measures, each in a fresh process: index build time, peak memory,
index size on disk, cold load time, and per-query latency (p50/p95, top 10, one thread); then
the ratios. "this engine" is measured through its Python API (plain BM25 and the default BM25 +
RM3) and through the CLI batch path (`assistant search --queries ... --run-file ...`), whose
per-query cost is taken from the difference between runs with many and with few queries.
rank-bm25 runs where it fits in memory (up to 100k). Writes benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "RESULTS.md"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
VOCABULARY = 200_000
ZIPF_EXPONENT = 1.07
N_QUERIES = 200
SEED = 20261121
FUNCTION_WORDS = (
    "the of and to in a is that for we with on as by this are from be an which our can it at "
    "these or model models results show method based using not than their its also have has "
    "between such both more into new two"
).split()
SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}


# ---------------------------------------------------------------------------------------------
# Synthetic corpora


def synthetic_words(n: int, rng) -> list[str]:
    """n distinct pronounceable words, deterministic for the generator."""
    consonants = list("bcdfghjklmnprstvz")
    vowels = list("aeiou")
    words: list[str] = list(FUNCTION_WORDS)
    seen = set(words)
    while len(words) < n:
        syllables = rng.integers(2, 5)
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))
        if rng.random() < 0.3:
            word += rng.choice(consonants)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def generate(size: int) -> tuple[Path, Path]:
    """The corpus and query files for `size` documents (made once, then reused)."""
    import numpy as np

    DATA.mkdir(parents=True, exist_ok=True)
    corpus = DATA / f"synthetic-{size}.jsonl"
    queries = DATA / f"synthetic-{size}.queries.tsv"
    if corpus.exists() and queries.exists():
        return corpus, queries
    rng = np.random.default_rng(SEED)
    words = np.array(synthetic_words(VOCABULARY, rng))
    ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
    cdf = np.cumsum(1.0 / ranks**ZIPF_EXPONENT)
    cdf /= cdf[-1]
    tmp = corpus.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        block = 10_000
        for start in range(0, size, block):
            n = min(block, size - start)
            lengths = rng.integers(120, 261, n)
            title_lengths = rng.integers(5, 13, n)
            draws = np.searchsorted(cdf, rng.random(int(lengths.sum() + title_lengths.sum())))
            tokens = words[draws]
            pos = 0
            for i in range(n):
                title = " ".join(tokens[pos : pos + title_lengths[i]]).capitalize()
                pos += title_lengths[i]
                abstract = " ".join(tokens[pos : pos + lengths[i]])
                pos += lengths[i]
                record = {
                    "id": f"s{start + i}",
                    "title": title,
                    "abstract": abstract.capitalize() + ".",
                }
                out.write(json.dumps(record) + "\n")
    tmp.replace(corpus)
    # Keyword queries of 2-5 words from the middle of the distribution (ranks 100-20,000).
    qrng = np.random.default_rng(SEED + 1)
    with queries.open("w", encoding="utf-8") as out:
        for q in range(N_QUERIES):
            n = int(qrng.integers(2, 6))
            picks = qrng.integers(100, 20_000, n)
            out.write(f"q{q}\t{' '.join(words[picks])}\n")
    return corpus, queries


# ---------------------------------------------------------------------------------------------
# Measurements, each in its own process


WORKER = textwrap.dedent(
    r'''
    import json, os, resource, sys, threading, time
    sys.path.insert(0, {root!r})

    def tree_kb(pid):
        """Resident memory of a process and its children (worker processes count too)."""
        total = 0
        try:
            with open(f"/proc/{{pid}}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for tid in os.listdir(f"/proc/{{pid}}/task"):
                with open(f"/proc/{{pid}}/task/{{tid}}/children") as fh:
                    total += sum(tree_kb(int(child)) for child in fh.read().split())
        except OSError:
            pass
        return total

    peak = [0]
    def sample():
        while True:
            peak[0] = max(peak[0], tree_kb(os.getpid()))
            time.sleep(0.1)
    threading.Thread(target=sample, daemon=True).start()
    spec = json.loads(sys.argv[1])
    corpus, queries_path, system, phase, store = spec["corpus"], spec["queries"], spec["system"], spec["phase"], spec["store"]
    queries = [line.rstrip("\n").split("\t", 1)[1] for line in open(queries_path, encoding="utf-8")]
    out = {{}}

    def corpus_texts():
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                yield r["title"] + " " + r["abstract"]

    def timed_queries(search):
        for q in queries[:10]:
            search(q)  # warm up
        times = []
        for q in queries:
            t = time.perf_counter(); search(q); times.append(time.perf_counter() - t)
        times.sort()
        out["p50_ms"] = times[len(times) // 2] * 1000
        out["p95_ms"] = times[int(len(times) * 0.95) - 1] * 1000

    if system.startswith("engine"):
        from retrieval.engine import Engine
        t = time.perf_counter()
        engine = Engine.open([corpus], store)
        out["seconds"] = time.perf_counter() - t
        out["status"] = engine.status
        if phase == "query":
            feedback = system == "engine+rm3"
            timed_queries(lambda q: engine.search(q, 10, feedback=feedback))
    elif system == "bm25s":
        import bm25s, Stemmer
        stemmer = Stemmer.Stemmer("english")
        if phase == "build":
            t = time.perf_counter()
            texts = list(corpus_texts())
            tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
            del texts
            retriever = bm25s.BM25(method="lucene")
            retriever.index(tokens, show_progress=False)
            retriever.save(store)
            out["seconds"] = time.perf_counter() - t
        else:
            t = time.perf_counter()
            retriever = bm25s.BM25.load(store, mmap=True)
            out["seconds"] = time.perf_counter() - t
            if phase == "query":
                def search(q):
                    tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
                    retriever.retrieve(tokens, k=10, show_progress=False, n_threads=1)
                timed_queries(search)
    elif system == "rank-bm25":
        from rank_bm25 import BM25Okapi
        import numpy as np
        t = time.perf_counter()
        docs = [text.lower().split() for text in corpus_texts()]
        model = BM25Okapi(docs)
        del docs
        out["seconds"] = time.perf_counter() - t
        if phase == "query":
            queries = queries[:40]  # a few hundred milliseconds each
            timed_queries(lambda q: np.argpartition(-model.get_scores(q.lower().split()), 10)[:10])
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_mb"] = max(peak[0], own) / 1024
    print(json.dumps(out))
    '''
)


def measure(system: str, phase: str, corpus: Path, queries: Path, store: Path) -> dict:
    spec = json.dumps(
        {
            "corpus": str(corpus),
            "queries": str(queries),
            "system": system,
            "phase": phase,
            "store": str(store),
        }
    )
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", WORKER.format(root=str(ROOT)), spec],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{system} {phase} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def best_of_three(args: list[str], store: Path) -> float:
    """Seconds for `python -m assistant ARGS` in a fresh process, best of three."""
    env = {**os.environ, **SINGLE_THREAD, "ASSISTANT_INDEX_DIR": str(store)}
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        command = [sys.executable, "-m", "assistant", *args]
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
        best = min(best, time.perf_counter() - t)
    return best


def cli_batch_per_query(corpus: Path, queries: Path, store: Path) -> dict:
    """Per-query cost of `assistant search --queries` once loaded: (T(all) - T(first 10)) / n."""
    lines = queries.read_text(encoding="utf-8").splitlines()
    few = queries.with_suffix(".few.tsv")
    few.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")

    def run(path: Path) -> float:
        run_file = store / "run.txt"
        return best_of_three(
            [
                "search",
                "--corpus",
                str(corpus),
                "--queries",
                str(path),
                "--run-file",
                str(run_file),
                "-k",
                "10",
            ],
            store,
        )

    all_queries, first_ten = run(queries), run(few)
    return {
        "per_query_ms": (all_queries - first_ten) * 1000 / (len(lines) - 10),
        "process_s": first_ten,
    }


def ask_seconds(corpus: Path, queries: Path, store: Path) -> float:
    words = queries.read_text(encoding="utf-8").splitlines()[0].split("\t", 1)[1]
    return best_of_three(
        ["ask", "--corpus", str(corpus), f"What does the paper on {words} propose?"], store
    )


def du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# ---------------------------------------------------------------------------------------------


def run_size(label: str, size: int, systems: list[str]) -> dict:
    corpus, queries = generate(size)
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        scratch = Path(tmp)
        if "engine" in systems:
            store = scratch / "engine"
            build = measure("engine", "build", corpus, queries, store)
            load = measure("engine", "load", corpus, queries, store)
            plain = measure("engine", "query", corpus, queries, store)
            rm3 = measure("engine+rm3", "query", corpus, queries, store)
            rows["this engine (BM25)"] = _built(build, load, plain, store)
            rows["this engine (BM25 + RM3, default)"] = {"load_s": load["seconds"], **_q(rm3)}
            batch = cli_batch_per_query(corpus, queries, store)
            rows["this engine, CLI batch (BM25 + RM3)"] = {
                "p50_ms": batch["per_query_ms"],
                "load_s": batch["process_s"],
            }
            rows["this engine, `assistant ask` end to end"] = {
                "ask_s": ask_seconds(corpus, queries, store)
            }
        if "bm25s" in systems:
            store = scratch / "bm25s"
            build = measure("bm25s", "build", corpus, queries, store)
            load = measure("bm25s", "load", corpus, queries, store)
            query = measure("bm25s", "query", corpus, queries, store)
            rows["bm25s (Lucene, stemmed)"] = _built(build, load, query, store)
        if "rank-bm25" in systems and size <= 100_000:
            query = measure("rank-bm25", "query", corpus, queries, scratch)
            rows["rank-bm25 (BM25Okapi)"] = {
                "build_s": query["seconds"],
                "peak_mb": query["peak_mb"],
                **_q(query),
            }
    return {"label": label, "size": size, "rows": rows}


def _built(build: dict, load: dict, query: dict, store: Path) -> dict:
    """A row for a system that builds an index on disk."""
    return {
        "build_s": build["seconds"],
        "peak_mb": build["peak_mb"],
        "disk_mb": du(store),
        "load_s": load["seconds"],
        **_q(query),
    }


def _q(m: dict) -> dict:
    return {"p50_ms": m["p50_ms"], "p95_ms": m["p95_ms"]}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import numpy
    import scipy

    versions = [
        f"Python {platform.python_version()}",
        f"numpy {numpy.__version__}",
        f"scipy {scipy.__version__}",
    ]
    from importlib.metadata import PackageNotFoundError, version

    for name in ("bm25s", "rank-bm25"):
        with contextlib.suppress(PackageNotFoundError):
            versions.append(f"{name} {version(name)}")
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} {platform.release()}; "
        + ", ".join(versions)
    )


def report(results: list[dict], started: str) -> str:
    lines = [
        "# Scale benchmark",
        "",
        f"`python benchmarks/scale.py --sizes {','.join(r['label'] for r in results)}`, run {started}.",
        "",
        f"Machine: {machine()}.",
        "",
        "Timings are single runs on a shared machine: read the ratios, not the absolute numbers.",
        "Per-query latency is top 10 on one thread; build and load run in fresh processes; load",
        "times are with the files in the operating system's page cache. Peak memory counts the",
        "worker processes that analyse large corpora.",
        "",
    ]
    for r in results:
        rows = r["rows"]
        lines += [
            f"## {r['label']} abstracts",
            "",
            "| system | build s | peak MB | disk MB | load s | p50 ms | p95 ms | ask s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, m in rows.items():
            lines.append(
                f"| {name} | {_f(m.get('build_s'))} | {_f(m.get('peak_mb'), 0)} | {_f(m.get('disk_mb'), 0)} | "
                f"{_f(m.get('load_s'), 2)} | {_f(m.get('p50_ms'), 2)} | {_f(m.get('p95_ms'), 2)} | {_f(m.get('ask_s'), 2)} |"
            )
        ours = rows.get("this engine (BM25)")
        default = rows.get("this engine (BM25 + RM3, default)")
        bm25s = rows.get("bm25s (Lucene, stemmed)")
        rank = rows.get("rank-bm25 (BM25Okapi)")
        ratios = []
        if ours and bm25s:
            ratios.append(
                f"p50: bm25s / this engine (BM25) = {bm25s['p50_ms'] / ours['p50_ms']:.2f}x"
            )
            ratios.append(
                f"p50: bm25s / this engine (BM25 + RM3) = {bm25s['p50_ms'] / default['p50_ms']:.2f}x"
            )
            ratios.append(f"build: this engine / bm25s = {ours['build_s'] / bm25s['build_s']:.2f}x")
            ratios.append(f"load: this engine / bm25s = {ours['load_s'] / bm25s['load_s']:.2f}x")
        if ours and rank:
            ratios.append(
                f"p50: rank-bm25 / this engine (BM25) = {rank['p50_ms'] / ours['p50_ms']:.0f}x"
            )
            ratios.append(
                f"p50: rank-bm25 / this engine (BM25 + RM3) = {rank['p50_ms'] / default['p50_ms']:.0f}x"
            )
        if ratios:
            lines += ["", "Ratios: " + "; ".join(ratios) + "."]
        lines.append("")
    return "\n".join(lines)


def _f(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1M")
    parser.add_argument("--systems", default="engine,bm25s,rank-bm25")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d")
    results = []
    for label in args.sizes.split(","):
        size = SIZES[label.strip()]
        print(f"{label}: generating and measuring...", file=sys.stderr, flush=True)
        results.append(run_size(label.strip(), size, args.systems.split(",")))
        text = report(results, started)
        RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
