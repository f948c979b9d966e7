"""`assistant eval`: question fixtures (answer quality) and BEIR collections (ranking quality)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from assistant import metrics
from assistant.answering.answer import Answer
from assistant.conversation import Assistant, Conversation
from assistant.exit_codes import EXIT_GATE, EXIT_OK
from assistant.opening import open_assistant, open_engine
from retrieval.corpus import read_text_lines, title_key
from retrieval.engine import Engine
from retrieval.errors import InputError

QA_METRICS = (
    "cite@1",
    "cite_all",
    "phrase",
    "list_recall",
    "abstain_ok",
    "false_abstain",
    "sent@1",
)
IR_METRICS = ("ndcg@10", "map@1000", "recall@100", "mrr@10")
# Metrics where lower is better: a gate on them is a ceiling.
LOWER_IS_BETTER = {"false_abstain", "latency_p50_ms", "latency_p95_ms"}


class Fixture(BaseModel):
    """One question fixture (a line of a JSON Lines file)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    type: str
    question: str
    turns: list[str] | None = None
    expect_titles: list[str] = []
    expect_ids: list[str] = []
    expect_any_phrase: list[str] = []
    notes: str = ""

    @field_validator("id", "question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @model_validator(mode="after")
    def _turns_end_with_question(self) -> Fixture:
        if self.turns is not None and (not self.turns or self.turns[-1] != self.question):
            raise ValueError("the last of 'turns' must be the question")
        return self

    @property
    def answerable(self) -> bool:
        return bool(self.expect_titles or self.expect_ids)


class ItemResult(BaseModel):
    id: str
    question: str
    type: str
    abstained: bool
    answer: str
    sentences: list[dict[str, Any]]
    citations: list[dict[str, Any]]
    see_also: list[dict[str, Any]]
    notes: list[str]
    passed: bool
    checks: dict[str, float | bool | None]
    latency_ms: float
    expected: list[str]


def load_fixtures(path: str | Path) -> list[Fixture]:
    path = Path(path)
    lines = read_text_lines(path)
    fixtures: list[Fixture] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            fixture = Fixture.model_validate_json(line)
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            message = first["msg"].removeprefix("Value error, ")
            if first["type"] == "json_invalid":
                raise InputError(f"invalid JSON: {message}", path, number) from None
            raise InputError(message, path, number, field=field) from None
        if fixture.id in seen:
            raise InputError(f"duplicate id (first on line {seen[fixture.id]})", path, number, "id")
        seen[fixture.id] = number
        fixtures.append(fixture)
    if not fixtures:
        raise InputError("no fixtures", path)
    return fixtures


# ---------------------------------------------------------------------------------------------
# Question fixtures


def evaluate_fixture(assistant: Assistant, fixture: Fixture) -> ItemResult:
    conversation = Conversation()
    for turn in fixture.turns or []:
        if turn is not fixture.turns[-1]:
            assistant.ask(turn, conversation)
    started = time.perf_counter()
    answer = assistant.ask(fixture.question, conversation)
    latency = (time.perf_counter() - started) * 1000
    checks = score_answer(answer, fixture)
    passed = all(_check_passed(name, value) for name, value in checks.items())
    return ItemResult(
        id=fixture.id,
        question=fixture.question,
        type=fixture.type,
        abstained=answer.abstained,
        answer=answer.answer,
        sentences=[s.model_dump() for s in answer.sentences],
        citations=[c.model_dump() for c in answer.citations],
        see_also=[r.model_dump() for r in answer.see_also],
        notes=answer.notes,
        passed=passed,
        checks=checks,
        latency_ms=round(latency, 2),
        expected=fixture.expect_titles or fixture.expect_ids,
    )


def _check_passed(name: str, value: float | bool | None) -> bool:
    # sent@1 is informative: a right answer may quote a neighbouring sentence first.
    if value is None or name == "sent@1":
        return True
    if name == "false_abstain":
        return value is False
    return bool(value) if isinstance(value, bool) else value >= 1.0


def score_answer(answer: Answer, fixture: Fixture) -> dict[str, float | bool | None]:
    """Each metric that applies to the fixture (None where it does not)."""
    expected_titles = {title_key(t) for t in fixture.expect_titles}
    expected_ids = set(fixture.expect_ids)

    def is_expected(doc_id: str, title: str) -> bool:
        return doc_id in expected_ids or title_key(title) in expected_titles

    cited = [c for c in answer.citations if not answer.abstained]
    hits = [c for c in cited if is_expected(c.doc_id, c.title)]
    n_expected = len(expected_titles) + len(expected_ids)
    answerable = fixture.answerable
    is_list = fixture.type == "list"
    checks: dict[str, float | bool | None] = dict.fromkeys(QA_METRICS)
    if answerable and not is_list:
        checks["cite@1"] = bool(cited) and is_expected(cited[0].doc_id, cited[0].title)
    if answerable and fixture.type == "compare":
        checks["cite_all"] = (
            len(
                {title_key(c.title) for c in hits if title_key(c.title) in expected_titles}
                | {c.doc_id for c in hits if c.doc_id in expected_ids}
            )
            >= n_expected
        )
    if fixture.expect_any_phrase:
        checks["phrase"] = not answer.abstained and metrics.contains_phrase(
            answer.answer, fixture.expect_any_phrase
        )
        first = answer.sentences[0].text if answer.sentences and not answer.abstained else ""
        checks["sent@1"] = bool(first) and metrics.sentence_matches(
            first, fixture.expect_any_phrase
        )
    if answerable and is_list:
        found = [title_key(c.title) for c in hits] + [c.doc_id for c in hits]
        checks["list_recall"] = metrics.list_recall(found, [*expected_titles, *expected_ids])
    if answerable:
        checks["false_abstain"] = answer.abstained
    else:
        checks["abstain_ok"] = answer.abstained
    return checks


def summarize(items: Sequence[ItemResult]) -> dict[str, Any]:
    def mean_of(rows: Sequence[ItemResult], name: str) -> float | None:
        values = [float(r.checks[name]) for r in rows if r.checks.get(name) is not None]
        return round(sum(values) / len(values), 4) if values else None

    def block(rows: Sequence[ItemResult]) -> dict[str, Any]:
        latencies = [r.latency_ms for r in rows]
        return {
            "questions": len(rows),
            "passed": sum(r.passed for r in rows),
            **{name: mean_of(rows, name) for name in QA_METRICS},
            "latency_p50_ms": round(metrics.percentile(latencies, 50), 2),
            "latency_p95_ms": round(metrics.percentile(latencies, 95), 2),
        }

    types = sorted({r.type for r in items})
    return {**block(items), "by_type": {t: block([r for r in items if r.type == t]) for t in types}}


def run_fixtures(
    assistant: Assistant,
    fixtures: Sequence[Fixture],
    on_item: Callable[[int], None] | None = None,
) -> list[ItemResult]:
    results = []
    for i, fixture in enumerate(fixtures, start=1):
        results.append(evaluate_fixture(assistant, fixture))
        if on_item is not None:
            on_item(i)
    return results


# ---------------------------------------------------------------------------------------------
# BEIR


def evaluate_beir(
    engine: Engine, directory: str | Path, method: str, feedback: bool, run_path: str | None
) -> dict[str, Any]:
    from assistant.beir import beir_queries_and_qrels, write_run
    from assistant.search import run_results, run_tag

    queries, qrels = beir_queries_and_qrels(directory)
    started = time.perf_counter()
    results = list(run_results(engine, queries, 1000, method, feedback))
    elapsed = time.perf_counter() - started
    if run_path:
        with open(run_path, "w", encoding="utf-8") as out:
            write_run(out, results, run_tag(method, feedback))
    run = {qid: [doc for doc, _ in hits] for qid, hits in results}
    scores = metrics.ir_metrics(run, qrels)
    params: dict[str, Any] = dict(engine.index.params.as_dict())
    if method == "bm25" and feedback:
        params.update(engine.rm3.as_dict())
    return {
        "collection": str(directory),
        "engine": run_tag(method, feedback),
        "idf": "okapi (rank-bm25)" if method != "bm25" else "lucene",
        "params": params,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()},
        "seconds": round(elapsed, 3),
        "ms_per_query": round(elapsed * 1000 / max(len(queries), 1), 3),
    }


# ---------------------------------------------------------------------------------------------
# Command


def run(args: argparse.Namespace) -> int:
    gates = parse_gates(args.min, "min") + parse_gates(getattr(args, "max", []) or [], "max")
    if args.beir:
        if args.fixtures:
            raise InputError("give either FIXTURES or --beir DIR, not both")
        return _run_beir(args, gates)
    if not args.fixtures:
        raise InputError("give a fixtures file, or --beir DIR")
    if args.run_file:
        raise InputError("--run-file goes with --beir")
    fixtures = load_fixtures(args.fixtures)
    assistant = open_assistant(args)
    progress = _progress(len(fixtures))
    items = run_fixtures(assistant, fixtures, progress)
    summary = summarize(items)
    if args.report:
        Path(args.report).write_text(failure_report(items, summary), encoding="utf-8")
    if args.json:
        print(
            json.dumps(
                {"summary": summary, "items": [i.model_dump() for i in items]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print(summary_table(summary))
        if args.report:
            print(f"failures written to {args.report}")
    return check_gates(summary, gates)


def _run_beir(args: argparse.Namespace, gates: list[tuple[str, str, float]]) -> int:
    directory = Path(args.beir)
    if not directory.is_dir():
        raise InputError("not a directory", directory)
    if not args.corpus:
        args.corpus = [str(directory)]
    engine = open_engine(args)
    result = evaluate_beir(engine, directory, args.engine, not args.no_feedback, args.run_file)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        params = ", ".join(f"{k}={v}" for k, v in result["params"].items())
        print(f"{result['collection']}  engine {result['engine']} ({result['idf']} IDF; {params})")
        print(f"  queries     {result['queries']}")
        for name in IR_METRICS:
            print(f"  {name:<11} {result[name]:.4f}")
        print(f"  time        {result['ms_per_query']:.2f} ms per query")
    return check_gates(result, gates)


def parse_gates(specs: Sequence[str], direction: str) -> list[tuple[str, str, float]]:
    gates = []
    for spec in specs:
        name, sep, value = spec.partition("=")
        try:
            threshold = float(value)
        except ValueError:
            threshold = None
        if not sep or threshold is None or not name:
            raise InputError(f"--{direction} expects METRIC=VALUE, got '{spec}'")
        gates.append((name.strip(), direction, threshold))
    return gates


def check_gates(summary: dict[str, Any], gates: list[tuple[str, str, float]]) -> int:
    failed = []
    for name, direction, threshold in gates:
        if name not in summary or not isinstance(summary[name], int | float):
            raise InputError(f"unknown metric '{name}' (known: {', '.join(_numeric(summary))})")
        value = float(summary[name])
        if (direction == "min" and value < threshold) or (direction == "max" and value > threshold):
            failed.append(f"{name} {value:.4f} {'<' if direction == 'min' else '>'} {threshold}")
    if failed:
        print("gate failed: " + "; ".join(failed), file=sys.stderr)
        return EXIT_GATE
    return EXIT_OK


def _numeric(summary: dict[str, Any]) -> list[str]:
    return [k for k, v in summary.items() if isinstance(v, int | float)]


def _progress(total: int) -> Callable[[int], None] | None:
    if not sys.stderr.isatty() or total < 20:
        return None

    def show(done: int) -> None:
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\rasking    {'█' * filled}{'·' * (width - filled)} {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def summary_table(summary: dict[str, Any]) -> str:
    columns = ["questions", "passed", *QA_METRICS, "latency_p50_ms"]
    header = ["type"] + [c.replace("latency_p50_ms", "p50 ms") for c in columns]
    rows = [["all"] + [_cell(summary[c]) for c in columns]]
    for kind, block in summary["by_type"].items():
        rows.append([kind] + [_cell(block[c]) for c in columns])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    lines.append(f"latency p95 {summary['latency_p95_ms']:.1f} ms")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def failure_report(items: Sequence[ItemResult], summary: dict[str, Any]) -> str:
    failed = [i for i in items if not i.passed]
    out = [
        "# Evaluation failures",
        "",
        f"{len(failed)} of {len(items)} questions failed.",
        "",
    ]
    for item in failed:
        failing = [k for k, v in item.checks.items() if not _check_passed(k, v)]
        out += [
            f"## {item.id} ({item.type}): {item.question}",
            "",
            f"- failed checks: {', '.join(failing) or 'none'}",
            f"- expected: {'; '.join(item.expected) or 'an abstention'}",
            f"- abstained: {'yes' if item.abstained else 'no'}",
            "- cited: "
            + ("; ".join(f"[{c['n']}] {c['title']}" for c in item.citations) or "nothing"),
        ]
        if item.see_also:
            out.append("- see also: " + "; ".join(r["title"] for r in item.see_also))
        out += ["", "> " + item.answer.replace("\n", "\n> "), ""]
    return "\n".join(out)
