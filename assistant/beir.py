"""IR test collection files: BEIR queries and judgements, TREC run files."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from retrieval.corpus import read_text_lines
from retrieval.errors import InputError


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """(id, text) pairs from a BEIR queries.jsonl or from `id<TAB>text` lines."""
    path = Path(path)
    lines = read_text_lines(path)
    queries: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"invalid JSON: {err.msg}", path, number) from None
            qid = record.get("_id", record.get("id")) if isinstance(record, dict) else None
            text = record.get("text") if isinstance(record, dict) else None
            if qid is None:
                raise InputError("missing", path, number, field="_id")
            if not isinstance(text, str) or not text.strip():
                raise InputError("missing or empty", path, number, field="text")
            queries.append((str(qid), text))
        else:
            qid, sep, text = line.partition("\t")
            if not sep or not qid.strip() or not text.strip():
                raise InputError("expected 'id<TAB>text' or a JSON object", path, number)
            queries.append((qid.strip(), text))
    if not queries:
        raise InputError("no queries", path)
    return queries


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """BEIR judgements: `query-id<TAB>corpus-id<TAB>score` with a header line."""
    path = Path(path)
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(read_text_lines(path), start=1):
        fields = line.split("\t")
        if number == 1 and fields[0] == "query-id":
            continue
        if not line.strip():
            continue
        if len(fields) != 3:
            raise InputError("expected query-id, corpus-id and score", path, number)
        try:
            grade = int(float(fields[2]))
        except ValueError:
            raise InputError("not a number", path, number, field="score") from None
        qrels.setdefault(fields[0], {})[fields[1]] = grade
    return qrels


def beir_queries_and_qrels(
    directory: str | Path, split: str = "test"
) -> tuple[list[tuple[str, str]], dict[str, dict[str, int]]]:
    directory = Path(directory)
    queries = directory / "queries.jsonl"
    qrels = directory / "qrels" / f"{split}.tsv"
    for required in (queries, qrels):
        if not required.is_file():
            raise InputError(
                "not a BEIR directory: missing " + str(required.relative_to(directory)), directory
            )
    return read_queries(queries), read_qrels(qrels)


def write_run(
    out: TextIO, results: Iterable[tuple[str, list[tuple[str, float]]]], tag: str
) -> None:
    """TREC run lines: `qid Q0 docid rank score tag`, ranks from 1."""
    for qid, hits in results:
        for rank, (doc_id, score) in enumerate(hits, start=1):
            out.write(f"{qid} Q0 {doc_id} {rank} {score:.6f} {tag}\n")
