"""The question sets answers are measured on and fitted on, with the collections they ask about.

- seeds: `dev` (the public fixtures), `holdout` (written separately over the same seeds) and
  three sets of questions in everyday words (`paraphrase-a`, `-b`, `-c`; see the README).
- pubmedqa: 500 real biomedical questions over their 500 abstracts (`pubmedqa-dev`), and the
  same with one abstract in five removed (`pubmedqa-dev-absent`: 81 questions to abstain on).
- encyclopedia: 23 questions as people type them into a search engine ("how deep is the
  mariana trench"), and 5 the collection cannot answer, over 15 encyclopedia-style summaries
  written for this check; never fitted on (its misses did shape four general rules).
- cranfield: 225 real questions of aeronautics researchers over 1,398 abstracts, with graded
  judgements but no answer sentences (the first citation is right when it is a judged-relevant
  paper): it weighs in every fitted number but the sentence weights, having no answer sentences.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.beir import beir_queries_and_qrels  # noqa: E402
from assistant.evaluation import Fixture, load_fixtures  # noqa: E402

QUESTIONS = HERE / "questions"
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class QuestionSet:
    name: str
    collection: str  # sets about one collection share its weight when fitting
    corpus: tuple[Path, ...]
    fixtures_path: Path | None = None
    beir: Path | None = None  # fixtures made from a BEIR directory's queries and judgements

    def fixtures(self) -> list[Fixture]:
        if self.fixtures_path is not None:
            return load_fixtures(self.fixtures_path)
        assert self.beir is not None
        queries, qrels = beir_queries_and_qrels(self.beir)
        return [
            Fixture(
                id=qid,
                type="cranfield",
                question=text,
                expect_ids=sorted(d for d, grade in qrels[qid].items() if grade > 0),
            )
            for qid, text in queries
            if any(grade > 0 for grade in qrels.get(qid, {}).values())
        ]


SEED_SETS = [
    QuestionSet("seeds-dev", "seeds", (SEEDS,), QUESTIONS / "dev.jsonl"),
    QuestionSet("seeds-holdout", "seeds", (SEEDS,), QUESTIONS / "seeds-holdout.jsonl"),
    *(
        QuestionSet(
            f"seeds-paraphrase-{x}", "seeds", (SEEDS,), QUESTIONS / f"seeds-paraphrase-{x}.jsonl"
        )
        for x in "abc"
    ),
]
PUBMEDQA_SETS = [
    QuestionSet(
        name,
        "pubmedqa",
        (HERE / name,),
        HERE / name / "fixtures.jsonl",
    )
    for name in ("pubmedqa-dev", "pubmedqa-dev-absent")
]
CRANFIELD = QuestionSet("cranfield", "cranfield", (HERE / "cranfield",), beir=HERE / "cranfield")
# Never fitted on: a check on a collection of another kind.
ENCYCLOPEDIA = QuestionSet(
    "encyclopedia",
    "encyclopedia",
    (HERE / "encyclopedia",),
    HERE / "encyclopedia" / "fixtures.jsonl",
)
# The public sets every answer-quality claim covers.
PUBLIC = ("seeds-dev", "pubmedqa-dev", "pubmedqa-dev-absent")
ALL_SETS = [*SEED_SETS, *PUBMEDQA_SETS, CRANFIELD, ENCYCLOPEDIA]


def by_name(names: list[str] | None) -> list[QuestionSet]:
    if not names:
        return ALL_SETS
    known = {s.name: s for s in ALL_SETS}
    missing = [n for n in names if n not in known]
    if missing:
        raise SystemExit(f"unknown set(s): {', '.join(missing)} (known: {', '.join(known)})")
    return [known[n] for n in names]
