"""The question sets answers are measured on and fitted on, with the collections they ask about.

- seeds: `dev` (the public fixtures), `holdout` (written separately over the same seeds),
  three sets of questions in everyday words (`paraphrase-a`, `-b`, `-c`; see the README), and
  `follow-ups`: questions asked of the paper the previous answer was about, which its abstract
  answers or does not ("What dataset does it use?", "What is its licence?" after LongWriter).
- seeds-follow-ups-b: 20 more such questions about ten other seed papers, written after the bar
  for them was fitted and never fitted on: a check that the bar holds on follow-ups it never saw.
- pubmedqa: 500 real biomedical questions over their 500 abstracts (`pubmedqa-dev`), and the
  same with one abstract in five removed (`pubmedqa-dev-absent`: 81 questions to abstain on).
- encyclopedia: 23 questions as people type them into a search engine ("how deep is the
  mariana trench"), and 5 the collection cannot answer, over 15 encyclopedia-style summaries
  written for this check; never fitted on (its misses did shape four general rules).
- seeds-findings: "What did X find?", "What is the main finding of X?", "What are the results of
  X?" and "What does X show?" over 16 seed papers, expecting the sentences that state results;
  written to choose how such questions are read, never fitted on.
- absent (`seeds-absent`, `encyclopedia-absent`): each single-paper question of seeds-dev and
  seeds-holdout, or of the encyclopedia set, asked of its collection rewritten without the paper
  it expects, as pubmedqa-dev-absent does for PubMed: a check that abstaining holds on other
  kinds of collection; never fitted on.
- pubmedqa-each-absent: every one of the 500 PubMedQA questions asked of the collection without
  its abstract (a fifth of the abstracts removed at a time, parted by question id): 500 questions
  to abstain on where pubmedqa-dev-absent has 81, so its figure moves by 0.002 a question rather
  than 0.012; never fitted on.
- after another (`seeds-after-another`, `encyclopedia-after-another`): each single-paper
  question of the seed sets, or of the encyclopedia set, asked as the second turn of a
  conversation, after "What is <title>?" of the engine's best paper for it among those it does
  not expect (the paper a reader most likely asked about just before): a question of its own is
  answered as it would be alone; never fitted on.
- cranfield-facts: 32 questions written over 26 Cranfield abstracts, each expecting the words of
  the sentence that answers it ("How many free-flight models were flown?"), and
  `cranfield-facts-absent`, the same asked without their paper: a check on a collection whose
  text is all in lower case, in older technical prose; never fitted on.
- cranfield-facts-b: 24 more such questions over 22 other Cranfield abstracts; never fitted on.
- cranfield: 225 real questions of aeronautics researchers over 1,398 abstracts, with graded
  judgements but no answer sentences (the first citation is right when it is a judged-relevant
  paper): it weighs in every fitted number but the sentence weights, having no answer sentences.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.beir import beir_queries_and_qrels  # noqa: E402
from assistant.conversation import Assistant  # noqa: E402
from assistant.evaluation import Fixture, load_fixtures  # noqa: E402
from retrieval.corpus import title_key  # noqa: E402
from retrieval.engine import Engine  # noqa: E402

QUESTIONS = HERE / "questions"
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class QuestionSet:
    name: str
    collection: str  # sets about one collection share its weight when fitting
    corpus: tuple[Path, ...]
    fixtures_path: Path | None = None
    beir: Path | None = None  # fixtures made from a BEIR directory's queries and judgements
    # Made from these sets' single-paper questions, each asked without the paper it expects.
    absent_from: tuple[QuestionSet, ...] = ()
    # Made from these sets' single-paper questions, each asked after a question about another
    # paper: the engine's best for it among those it does not expect.
    after_another_from: tuple[QuestionSet, ...] = ()
    # With `absent_from`: the papers removed in this many parts, each part's questions asked of
    # the collection without it (one collection per part, not one per question).
    absent_parts: int = 0

    def fixtures(self) -> list[Fixture]:
        if self.absent_from:
            return [absent for _, absent in self._absent_pairs()]
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

    def collections(self, scratch: Path) -> Iterator[tuple[list[Path], list[Fixture]]]:
        """The collections the set's questions are asked of, each with its questions. A set made
        `absent_from` others asks each question of the corpus rewritten, under `scratch`,
        without the papers the question expects (every version of an expected title); one made
        `after_another_from` others asks each after a question about another paper."""
        if self.after_another_from:
            engine = Engine.open(list(self.corpus), scratch / "cache")
            yield list(self.corpus), self._after_another(engine)
            return
        if not self.absent_from:
            yield list(self.corpus), self.fixtures()
            return
        engine = Engine.open(list(self.corpus), scratch / "cache")
        papers = engine.papers
        groups: dict[tuple[int, ...], list[Fixture]] = {}
        parts: dict[tuple[int, ...], set[int]] = {}
        keys = [title_key(papers.title(doc)) for doc in range(len(papers))]
        for source, absent in self._absent_pairs():
            titles = {title_key(t) for t in source.expect_titles}
            removed = tuple(
                doc
                for doc, key in enumerate(keys)
                if papers.ids[doc] in source.expect_ids or key in titles
            )
            if self.absent_parts:
                part = int(hashlib.blake2b(source.id.encode(), digest_size=2).hexdigest(), 16)
                groups.setdefault((part % self.absent_parts,), []).append(absent)
                parts.setdefault((part % self.absent_parts,), set()).update(removed)
            else:
                groups.setdefault(removed, []).append(absent)
        if self.absent_parts:
            groups = {tuple(sorted(parts[key])): fixtures for key, fixtures in groups.items()}
        for number, (removed, fixtures) in enumerate(groups.items()):
            corpus = scratch / f"without-{number}.jsonl"
            with corpus.open("w", encoding="utf-8") as out:
                for doc in sorted(set(range(len(papers))) - set(removed)):
                    record = {"_id": papers.ids[doc], "title": papers.title(doc)}
                    out.write(json.dumps(record | {"text": papers.abstract(doc)}) + "\n")
            yield [corpus], fixtures

    def _absent_pairs(self) -> list[tuple[Fixture, Fixture]]:
        """Each single-turn question of `absent_from` that expects one paper, and the same
        question expecting none."""
        return [
            (f, Fixture(id=f.id, type=f.type, question=f.question))
            for f in _single_paper_questions(self.absent_from)
        ]

    def _after_another(self, engine: Engine) -> list[Fixture]:
        """Each single-turn question of `after_another_from` that expects one paper, asked
        after "What is <title>?" of the engine's best paper for it among the others: a new
        question in a conversation is read on its own words."""
        papers = engine.papers
        reader = Assistant(engine)
        fixtures = []
        for f in _single_paper_questions(self.after_another_from):
            titles = {title_key(t) for t in f.expect_titles}
            hits = engine.rank(reader.read(f.question).weights, 10)
            other = next(
                (
                    h.doc
                    for h in hits
                    if papers.ids[h.doc] not in f.expect_ids
                    and title_key(papers.title(h.doc)) not in titles
                    and papers.title(h.doc)
                ),
                None,
            )
            if other is not None:
                opener = f"What is {papers.title(other)}?"
                fixtures.append(f.model_copy(update={"turns": [opener, f.question]}))
        return fixtures


def _single_paper_questions(sets: tuple[QuestionSet, ...]) -> list[Fixture]:
    return [
        f
        for qs in sets
        for f in qs.fixtures()
        if len(f.expect_ids) + len(f.expect_titles) == 1
        and f.type not in ("list", "compare")
        and len(f.turns or ()) <= 1
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
    QuestionSet("seeds-follow-ups", "seeds", (SEEDS,), QUESTIONS / "seeds-follow-ups.jsonl"),
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
# Never fitted on: "What did X find?" in four wordings over 16 seed papers, each expecting the
# sentences stating the work's results; written to choose how such questions are read.
SEEDS_FINDINGS = QuestionSet(
    "seeds-findings", "seeds", (SEEDS,), QUESTIONS / "seeds-findings.jsonl"
)
# Never fitted on: follow-ups written after their bar was fitted.
SEEDS_FOLLOW_UPS_B = QuestionSet(
    "seeds-follow-ups-b", "seeds", (SEEDS,), QUESTIONS / "seeds-follow-ups-b.jsonl"
)
SEEDS_ABSENT = QuestionSet("seeds-absent", "seeds", (SEEDS,), absent_from=tuple(SEED_SETS[:2]))
SEEDS_AFTER_ANOTHER = QuestionSet(
    "seeds-after-another", "seeds", (SEEDS,), after_another_from=tuple(SEED_SETS)
)
ENCYCLOPEDIA_AFTER_ANOTHER = QuestionSet(
    "encyclopedia-after-another",
    "encyclopedia",
    ENCYCLOPEDIA.corpus,
    after_another_from=(ENCYCLOPEDIA,),
)
ENCYCLOPEDIA_ABSENT = QuestionSet(
    "encyclopedia-absent", "encyclopedia", ENCYCLOPEDIA.corpus, absent_from=(ENCYCLOPEDIA,)
)
CRANFIELD_FACTS = QuestionSet(
    "cranfield-facts", "cranfield", CRANFIELD.corpus, QUESTIONS / "cranfield-facts.jsonl"
)
CRANFIELD_FACTS_B = QuestionSet(
    "cranfield-facts-b", "cranfield", CRANFIELD.corpus, QUESTIONS / "cranfield-facts-b.jsonl"
)
CRANFIELD_FACTS_ABSENT = QuestionSet(
    "cranfield-facts-absent", "cranfield", CRANFIELD.corpus, absent_from=(CRANFIELD_FACTS,)
)
PUBMEDQA_EACH_ABSENT = QuestionSet(
    "pubmedqa-each-absent",
    "pubmedqa",
    PUBMEDQA_SETS[0].corpus,
    absent_from=(PUBMEDQA_SETS[0],),
    absent_parts=5,
)
# The public sets every answer-quality claim covers.
PUBLIC = ("seeds-dev", "pubmedqa-dev", "pubmedqa-dev-absent")
ALL_SETS = [
    *SEED_SETS,
    *PUBMEDQA_SETS,
    CRANFIELD,
    ENCYCLOPEDIA,
    SEEDS_FINDINGS,
    SEEDS_FOLLOW_UPS_B,
    SEEDS_ABSENT,
    ENCYCLOPEDIA_ABSENT,
    PUBMEDQA_EACH_ABSENT,
    SEEDS_AFTER_ANOTHER,
    ENCYCLOPEDIA_AFTER_ANOTHER,
    CRANFIELD_FACTS,
    CRANFIELD_FACTS_B,
    CRANFIELD_FACTS_ABSENT,
]


def by_name(names: list[str] | None) -> list[QuestionSet]:
    if not names:
        return ALL_SETS
    known = {s.name: s for s in ALL_SETS}
    missing = [n for n in names if n not in known]
    if missing:
        raise SystemExit(f"unknown set(s): {', '.join(missing)} (known: {', '.join(known)})")
    return [known[n] for n in names]
