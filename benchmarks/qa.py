"""Answer quality on every question set: the assistant beside the naive baseline, in one run.

    python benchmarks/qa.py [--sets NAME ...]

For each set (see question_sets.py): the naive baseline (the top BM25 paper and its two sentences
sharing the most words with the question, best first; it never abstains), the
assistant with the bundled glossary turned off, and the assistant as it ships. Metrics are those of
`assistant eval`, plus the precision, recall and F1 of answering (precision: answered questions
that the collection answers; recall: such questions that were answered).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from question_sets import by_name

from assistant.answering.answer import Answer, AnswerSentence, Citation
from assistant.answering.glossary import EMPTY, default_glossary
from assistant.conversation import Assistant, Conversation
from assistant.evaluation import Fixture, score_answer
from assistant.metrics import percentile
from retrieval.engine import Engine

WORD = re.compile(r"\w+")
METRICS = ("cite@1", "cite_all", "phrase", "list_recall", "abstain_ok", "false_abstain", "sent@1")


def baseline_answer(engine: Engine, question: str) -> Answer:
    hits = engine.search(question, 1, feedback=False)
    empty = Answer(
        question=question,
        kind="baseline",
        abstained=False,
        answer="",
        sentences=[],
        citations=[],
        see_also=[],
        confidence=0.0,
    )
    if not hits:
        return empty
    doc = hits[0].doc
    wanted = set(WORD.findall(question.lower()))
    abstract = engine.papers.abstract(doc)
    spans = engine.sentences(doc)
    shared = [
        len(wanted.intersection(WORD.findall(abstract[s.start : s.end].lower()))) for s in spans
    ]
    chosen = sorted(range(len(spans)), key=lambda i: (-shared[i], i))[:2]
    papers = engine.papers
    sentences = [
        AnswerSentence(
            text=abstract[spans[i].start : spans[i].end],
            doc_id=papers.ids[doc],
            title=papers.heading(doc),
            sentence_index=i,
            score=0.0,
            citation=1,
        )
        for i in chosen
    ]
    citation = Citation(
        n=1, doc_id=papers.ids[doc], title=papers.heading(doc), date=None, source=""
    )
    return empty.model_copy(
        update={
            "answer": " ".join(f"{s.text} [1]" for s in sentences),
            "sentences": sentences,
            "citations": [citation],
            "confidence": 1.0,
        }
    )


def assistant_answer(assistant: Assistant, fixture: Fixture) -> Answer:
    conversation = Conversation()
    answer = None
    for turn in fixture.turns or [fixture.question]:
        answer = assistant.ask(turn, conversation)
    assert answer is not None
    return answer


def summarize(rows: list[dict]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name in METRICS:
        values = [float(r[name]) for r in rows if r[name] is not None]
        out[name] = sum(values) / len(values) if values else None
    answerable = [r for r in rows if r["false_abstain"] is not None]
    if not answerable:  # a set to abstain on throughout: answering has no precision or recall
        return out | dict.fromkeys(("trigger_f1", "trigger_precision", "trigger_recall"))
    answered_ok = sum(not r["false_abstain"] for r in answerable)
    answered = answered_ok + sum(not r["abstain_ok"] for r in rows if r["abstain_ok"] is not None)
    precision = answered_ok / answered if answered else 0.0
    recall = answered_ok / len(answerable) if answerable else 0.0
    out["trigger_f1"] = 2 * precision * recall / (precision + recall) if answered_ok else 0.0
    out["trigger_precision"], out["trigger_recall"] = precision, recall
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="*", help="question sets (default: all)")
    args = parser.parse_args()
    columns = [*METRICS, "trigger_precision", "trigger_recall", "trigger_f1"]
    lines = [
        "| set | system | " + " | ".join(columns) + " | p50 ms |",
        "| --- | --- | " + " | ".join("---" for _ in columns) + " | --- |",
    ]
    for qs in by_name(args.sets):
        rows: dict[str, list[dict]] = defaultdict(list)
        latencies: dict[str, list[float]] = defaultdict(list)
        with tempfile.TemporaryDirectory() as scratch:
            for number, (corpus, fixtures) in enumerate(qs.collections(Path(scratch))):
                engine = Engine.open(corpus, Path(scratch) / f"index-{number}")
                plain = Assistant(engine, glossary=EMPTY)
                shipped = Assistant(engine, glossary=default_glossary(engine))
                systems = {
                    "naive baseline": lambda f, e=engine: baseline_answer(e, f.question),
                    "assistant, glossary off": lambda f, a=plain: assistant_answer(a, f),
                    "assistant": lambda f, a=shipped: assistant_answer(a, f),
                }
                for name, answer_of in systems.items():
                    for fixture in fixtures:
                        started = time.perf_counter()
                        answer = answer_of(fixture)
                        latencies[name].append((time.perf_counter() - started) * 1000)
                        rows[name].append(score_answer(answer, fixture))
        for name in rows:
            m = summarize(rows[name])
            cells = " | ".join("-" if m[k] is None else f"{m[k]:.3f}" for k in columns)
            lines.append(
                f"| {qs.name} ({len(rows[name])}) | {name} | {cells} | "
                f"{percentile(latencies[name], 50):.1f} |"
            )
        print(lines[-1], file=sys.stderr)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
