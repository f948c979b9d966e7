"""`assistant ask` about a paper of five megabytes, beside the same question about an ordinary
paper of the same collection, in one run (warm cache, best of five, whole process).

    python benchmarks/long_abstract.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILLER = "Models are trained on data and evaluated on benchmarks in many settings. "
NEEDLE = "The Kestrel kernel runs sparse attention three times faster on GPUs."


def collection(directory: Path) -> Path:
    corpus = directory / "long.jsonl"
    huge = FILLER * 40_000 + NEEDLE + " " + FILLER * 30_000
    records = [
        {"id": "huge", "title": "Everything About Models", "abstract": huge},
        {
            "id": "short",
            "title": "Falcon: Case Retrieval for Law",
            "abstract": "We present Falcon, a retriever for legal cases. Falcon finds relevant "
            "precedents twice as often as keyword search. Lawyers preferred its results.",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return corpus


def ask_seconds(corpus: Path, cache: Path, question: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "assistant", "ask", "--corpus", str(corpus), "--json"]
    command += ["--index-dir", str(cache), question]
    subprocess.run(command, check=True, capture_output=True)  # builds the index once
    best, first = float("inf"), ""
    for _ in range(5):
        started = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        best = min(best, time.perf_counter() - started)
        first = json.loads(out)["sentences"][0]["text"]
    return best, first


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = collection(Path(tmp))
        cache = Path(tmp) / "index"
        size = corpus.stat().st_size / 1e6
        short, short_quote = ask_seconds(corpus, cache, "How often does Falcon find precedents?")
        long, long_quote = ask_seconds(corpus, cache, "How much faster is the Kestrel kernel?")
    print(f"collection: 2 papers, {size:.1f} MB")
    print(f"ordinary paper:  {short:.2f} s  (quotes: {short_quote!r})")
    print(f"5 MB paper:      {long:.2f} s  (quotes: {long_quote!r})")
    print(f"ratio: {long / short:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
