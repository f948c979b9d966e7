"""Answer quality on question fixtures: the assistant beside a naive baseline, in one run.

    python benchmarks/qa.py [FIXTURES ...] [--corpus PATH ...]

The baseline answers with the top BM25 paper and its two sentences that share the most terms
with the question, and never abstains. Default fixtures: the dev set, a held-out set written
separately over the same seeds, and three sets of questions in everyday words (see the README
for which of them shaped the glossary).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from assistant import question  # noqa: E402
from assistant.answer import Answer, AnswerSentence, Citation  # noqa: E402
from assistant.conversation import Assistant, Conversation  # noqa: E402
from assistant.evaluation import Fixture, load_fixtures, score_answer  # noqa: E402
from assistant.glossary import Glossary  # noqa: E402
from assistant.metrics import percentile  # noqa: E402
from assistant.paths import seeds_dir  # noqa: E402
from retrieval.engine import Engine  # noqa: E402

QUESTIONS = HERE / "questions"
DEFAULT_FIXTURES = [
    QUESTIONS / "dev.jsonl",
    QUESTIONS / "seeds-holdout.jsonl",
    QUESTIONS / "seeds-paraphrase-a.jsonl",
    QUESTIONS / "seeds-paraphrase-b.jsonl",
    QUESTIONS / "seeds-paraphrase-c.jsonl",
]
METRICS = ("cite@1", "cite_all", "phrase", "list_recall", "abstain_ok", "false_abstain", "sent@1")


def baseline_answer(engine: Engine, question: str) -> Answer:
    hits = engine.search(question, 1, feedback=False)
    if not hits:
        return Answer(
            question=question,
            kind="baseline",
            abstained=False,
            answer="",
            sentences=[],
            citations=[],
            see_also=[],
            confidence=0.0,
        )
    doc = hits[0].doc
    wanted = set(engine.analyzer.terms(question))
    abstract = engine.papers.abstract(doc)
    spans = engine.sentences(doc)
    overlap = [
        (len(wanted.intersection(engine.analyzer.terms(abstract[s.start : s.end]))), -i, i)
        for i, s in enumerate(spans)
    ]
    chosen = sorted(i for _, _, i in sorted(overlap, reverse=True)[:2])
    papers = engine.papers
    sentences = [
        AnswerSentence(
            text=abstract[spans[i].start : spans[i].end],
            doc_id=papers.ids[doc],
            title=papers.title(doc),
            sentence_index=i,
            score=0.0,
            citation=1,
        )
        for i in chosen
    ]
    return Answer(
        question=question,
        kind="baseline",
        abstained=False,
        answer=" ".join(f"{s.text} [1]" for s in sentences),
        sentences=sentences,
        citations=[
            Citation(
                n=1,
                doc_id=papers.ids[doc],
                title=papers.title(doc),
                date=papers.dates.optional(doc),
                source="",
            )
        ],
        see_also=[],
        confidence=1.0,
    )


def assistant_answer(assistant: Assistant, fixture: Fixture) -> Answer:
    conversation = Conversation()
    answer = None
    for turn in fixture.turns or [fixture.question]:
        answer = assistant.ask(turn, conversation)
    assert answer is not None
    return answer


def without_glossary(assistant: Assistant, fixture: Fixture) -> Answer:
    """The assistant with an empty glossary: what plain words gain from it."""
    saved = question.glossary_for
    question.glossary_for = lambda _version: Glossary({})
    try:
        return assistant_answer(assistant, fixture)
    finally:
        question.glossary_for = saved


def summarize(rows: list[dict]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name in METRICS:
        values = [float(r[name]) for r in rows if r[name] is not None]
        out[name] = sum(values) / len(values) if values else None
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("fixtures", nargs="*", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--corpus", action="append", help="default: the bundled seeds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        engine = Engine.open(args.corpus or [seeds_dir()], cache)
        assistant = Assistant(engine)
        lines = [
            "| fixtures | system | " + " | ".join(METRICS) + " | p50 ms |",
            "| --- | --- | " + " | ".join("---" for _ in METRICS) + " | --- |",
        ]
        for path in args.fixtures:
            fixtures = load_fixtures(path)
            for name, answer_of in (
                ("naive baseline", lambda f: baseline_answer(engine, f.question)),
                ("assistant without glossary", lambda f: without_glossary(assistant, f)),
                ("assistant", lambda f: assistant_answer(assistant, f)),
            ):
                rows, latencies = [], []
                for fixture in fixtures:
                    started = time.perf_counter()
                    answer = answer_of(fixture)
                    latencies.append((time.perf_counter() - started) * 1000)
                    rows.append(score_answer(answer, fixture))
                m = summarize(rows)
                cells = " | ".join("-" if m[k] is None else f"{m[k]:.3f}" for k in METRICS)
                lines.append(
                    f"| {path.name} | {name} | {cells} | {percentile(latencies, 50):.1f} |"
                )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
