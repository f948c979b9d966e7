"""Fits the answer pipeline's parameters on several question sets together and reports them on
held-out folds.

    python benchmarks/fit_answers.py            # fit on two folds, print the held-out numbers
    python benchmarks/fit_answers.py --write    # and write assistant/answering/weights.json

What is fitted (every collection weighs the same, however many questions it has):
- the sentence weights: softmax regression over the sentences of the expected paper, the gold
  sentences being those that hold an expected phrase, L2-regularised;
- the trigger: logistic regression on the evidence for the engine's first paper (would the answer
  cite a right paper first?), each class weighing the same;
- lead_share and the threshold: for each share on a grid, the papers among the engine's first
  three that score at least that share of its best may lead (those that mention every paper the
  question names, when some do), the one the trigger rates likeliest leads, and the threshold
  is the highest that costs at most 2% of the right first citations in any collection; the
  share kept is the one with the most right outcomes (a right first citation, or an abstention
  where the collection does not answer), averaged over collections;
- list_share: grid search for the F1 of the papers a list names;
- given_threshold: for questions asked of a paper the reader was just given ("What dataset does
  it use?"), which name no subject and so have weaker evidence, the threshold up to the main
  one with the most right outcomes on them (an answer from the paper, or an abstention where
  it does not say), the higher one on a tie. The follow-up sets weigh in this alone.

Two folds: questions are split by a hash of their id (a PubMed question falls in the same fold in
both PubMedQA sets), in SPLITS different ways. The numbers printed for each fold come from
parameters fitted on the other, averaged over the splits; the file written holds parameters fitted
on every question.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import pickle
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
from question_sets import CRANFIELD, PUBMEDQA_SETS, SEED_SETS, QuestionSet

from assistant.answering.candidates import gather
from assistant.answering.composition import (
    MAX_LIST_PAPERS,
    MAX_SENTENCES,
    Composer,
)
from assistant.answering.features import FEATURES
from assistant.answering.glossary import EMPTY
from assistant.answering.weights import (
    TRIGGER_FEATURES,
    WEIGHTS_PATH,
    FittedWeights,
    TriggerModel,
)
from assistant.conversation import Assistant, Conversation
from assistant.evaluation import Fixture
from assistant.metrics import sentence_matches
from retrieval.corpus import title_key
from retrieval.engine import Engine

FIT_SETS = [*SEED_SETS, *PUBMEDQA_SETS, CRANFIELD]
# Written to fit the bar for questions asked of a paper the reader was just given: they weigh in
# that threshold alone, the other parameters being fitted as if these sets were not there.
FOLLOW_UP_SETS = frozenset({"seeds-follow-ups"})
FOLDS = 2
# Two folds are few questions each: the held-out numbers are the mean over several splits.
SPLITS = 6
SENTENCE_L2 = 1e-2
TRIGGER_L2 = 1e-3
# Answering comes first: abstaining is worth it where the answer would lean on a wrong paper, and
# may cost at most this share of the right first citations in any collection. A question answered
# on weak evidence is shown as a weak match.
MAX_LOST_CITATIONS = 0.02
LIST_GRID = np.round(np.arange(0.30, 0.96, 0.05), 2)
LEAD_GRID = np.round(np.arange(0.5, 1.01, 0.1), 2)
# Thresholds the trade-off table shows beside the fitted one.
THRESHOLD_GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
TRADE_OFF = ("cite@1", "false_abstain", "abstain_ok")
METRICS = ("cite@1", "sent@1", "phrase", "list_f1", "false_abstain", "abstain_ok")


@dataclass
class PaperTrace:
    relevance: float
    expected: bool
    values: np.ndarray  # sentence features [sentences, FEATURES]
    gold: np.ndarray  # bool per sentence
    trigger: np.ndarray  # trigger features, were this paper the lead
    cannot_answer: bool  # it cannot answer, whatever the trigger says
    mentions_names: bool = False  # it mentions every paper name the question gives


@dataclass
class QuestionTrace:
    set: str
    collection: str
    id: str
    kind: str
    answerable: bool
    has_phrases: bool
    pool: list[PaperTrace]  # the papers the answer may lean on: the lead choices first
    choices: int  # how many of the pool's first papers may lead (Composer.lead_choices)
    # (relevance, expected, meets the topic only in its link line) of every candidate, for lists
    listed: list[tuple[float, bool, bool]]
    n_expected: int
    given: bool = False  # asked of a paper the previous answer cited (Composer.given)

    def fold(self, split: int) -> int:
        """The question's fold in the given split of the questions in two."""
        key = self.id if split == 0 else f"{self.id}/{split}"
        return int(hashlib.blake2b(key.encode(), digest_size=2).hexdigest(), 16) % FOLDS

    @property
    def first(self) -> PaperTrace | None:
        return self.pool[0] if self.pool else None


# ---------------------------------------------------------------------------------------------
# Tracing the pipeline: production code, up to the fitted parts


def trace_set(qs: QuestionSet, glossary: bool) -> list[QuestionTrace]:
    traces = []
    with tempfile.TemporaryDirectory() as scratch:
        for number, (corpus, fixtures) in enumerate(qs.collections(Path(scratch))):
            engine = Engine.open(corpus, Path(scratch) / f"index-{number}")
            assistant = Assistant(engine) if glossary else Assistant(engine, glossary=EMPTY)
            traces += trace_collection(qs, engine, assistant, fixtures)
    return traces


def trace_collection(
    qs: QuestionSet, engine: Engine, assistant: Assistant, fixtures: list[Fixture]
) -> list[QuestionTrace]:
    traces = []
    papers = engine.papers
    for fixture in fixtures:
        conversation = Conversation()
        for turn in (fixture.turns or [])[:-1]:
            assistant.ask(turn, conversation)
        question, context = assistant.understand(fixture.question, conversation)
        candidates = gather(engine, question, context)
        composer = Composer(engine, candidates, assistant.weights)
        ids = set(fixture.expect_ids)
        titles = {title_key(t) for t in fixture.expect_titles}

        def expected(doc: int, ids=ids, titles=titles) -> bool:
            return papers.ids[doc] in ids or title_key(papers.title(doc)) in titles

        def listing(doc: int, composer=composer, question=question) -> bool:
            return question.kind == "list" and composer.links_only(doc)

        papers_in_pool = composer.lead_pool(set())
        contenders = composer.contenders(papers_in_pool)
        pool = []
        for paper in contenders + [p for p in papers_in_pool if p not in contenders]:
            table = composer.table(paper.doc)
            gold = [sentence_matches(t, fixture.expect_any_phrase) for t in table.texts]
            features, cannot_answer = composer.evidence(paper)
            pool.append(
                PaperTrace(
                    paper.relevance,
                    expected(paper.doc),
                    table.values.copy(),
                    np.array(gold, dtype=bool),
                    np.array([features[n] for n in TRIGGER_FEATURES]),
                    cannot_answer,
                    composer.mentions_names(paper),
                )
            )
        traces.append(
            QuestionTrace(
                qs.name,
                qs.collection,
                fixture.id,
                question.kind,
                fixture.answerable,
                bool(fixture.expect_any_phrase),
                pool,
                len(contenders),
                [(p.relevance, expected(p.doc), listing(p.doc)) for p in candidates.papers],
                len(ids) + len(titles),
                bool(pool) and composer.given(papers_in_pool[0]),
            )
        )
    return traces


# ---------------------------------------------------------------------------------------------
# The parameters, and what they give


@dataclass
class Params:
    sentence: np.ndarray
    trigger_bias: float
    trigger_weights: np.ndarray
    threshold: float
    list_share: float
    lead_share: float = 1.0
    given_threshold: float = 0.0

    def probability(self, paper: PaperTrace | None) -> float:
        if paper is None or paper.cannot_answer:
            return 0.0
        z = self.trigger_bias + float(paper.trigger @ self.trigger_weights)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))))

    def threshold_for(self, trace: QuestionTrace) -> float:
        return self.given_threshold if trace.given else self.threshold

    def lead(self, trace: QuestionTrace) -> PaperTrace | None:
        """The paper the answer leans on, chosen as Composer.lead chooses it."""
        contenders = trace.pool[: trace.choices]
        choices = [p for p in contenders if p.mentions_names] or [
            p for p in contenders if p.relevance >= self.lead_share
        ]
        return max(choices or trace.pool[:1], key=self.probability, default=None)


def list_f1(trace: QuestionTrace, share: float) -> float:
    """The F1 of the papers a list names, against the expected ones."""
    if not trace.listed:
        return 0.0
    bar = share * trace.listed[0][0]
    named = [e for r, e, links_only in trace.listed if r >= bar and not links_only]
    named = named[:MAX_LIST_PAPERS]
    hits = sum(named)
    if not hits:
        return 0.0
    precision, recall = hits / len(named), hits / trace.n_expected
    return 2 * precision * recall / (precision + recall)


def outcomes(trace: QuestionTrace, params: Params) -> dict[str, float | None]:
    """The evaluation's metrics for one question under the parameters (None: not applicable)."""
    lead = params.lead(trace)
    answered = trace.kind == "compare" or params.probability(lead) >= params.threshold_for(trace)
    out: dict[str, float | None] = dict.fromkeys(METRICS)
    if not trace.answerable:
        out["abstain_ok"] = float(not answered)
        return out
    out["false_abstain"] = float(not answered)
    if trace.kind == "list":
        out["list_f1"] = list_f1(trace, params.list_share) if answered else 0.0
        return out
    right = answered and lead is not None and lead.expected
    out["cite@1"] = float(right)
    if trace.has_phrases:
        order = np.argsort(-(lead.values @ params.sentence), kind="stable") if right else []
        out["sent@1"] = float(right and bool(lead.gold[order[0]]))
        out["phrase"] = float(right and bool(lead.gold[order[:MAX_SENTENCES]].any()))
    return out


def report(
    rows: dict[str, list[dict[str, float | None]]], splits: int = 1
) -> dict[str, dict[str, float | None]]:
    """Per set: the mean of each metric, and the precision, recall and F1 of answering (each
    question is scored once per split)."""
    table = {}
    for name, outs in rows.items():
        metrics: dict[str, float | None] = {}
        for m in METRICS:
            values = [o[m] for o in outs if o[m] is not None]
            metrics[m] = round(float(np.mean(values)), 3) if values else None
        answered_ok = sum(1 - o["false_abstain"] for o in outs if o["false_abstain"] is not None)
        answerable = sum(1 for o in outs if o["false_abstain"] is not None)
        answered = answered_ok + sum(
            1 - o["abstain_ok"] for o in outs if o["abstain_ok"] is not None
        )
        precision = answered_ok / answered if answered else 0.0
        recall = answered_ok / answerable if answerable else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        metrics.update(
            trigger_precision=round(precision, 3),
            trigger_recall=round(recall, 3),
            trigger_f1=round(f1, 3),
            questions=len(outs) // splits,
        )
        table[name] = metrics
    return table


def collection_weights(traces: list[QuestionTrace]) -> np.ndarray:
    """Each question's weight: every collection weighs the same, shared by its questions."""
    counts: dict[str, int] = defaultdict(int)
    for t in traces:
        counts[t.collection] += 1
    return np.array([1.0 / (counts[t.collection] * len(counts)) for t in traces])


def collection_mean(traces: list[QuestionTrace], value: Callable[[QuestionTrace], float]) -> float:
    """The mean over collections of the mean over each collection's questions."""
    groups: dict[str, list[float]] = defaultdict(list)
    for t in traces:
        groups[t.collection].append(value(t))
    return float(np.mean([np.mean(v) for v in groups.values()])) if groups else 0.0


# ---------------------------------------------------------------------------------------------
# Fitting


def fit_sentences(traces: list[QuestionTrace]) -> np.ndarray:
    """Softmax regression: the gold sentences of the expected paper against its others."""
    blocks, golds, owners = [], [], []
    for t in traces:
        if not (t.answerable and t.has_phrases and t.kind != "list"):
            continue
        paper = next((p for p in t.pool if p.expected and p.gold.any() and len(p.gold) > 1), None)
        if paper is not None:
            blocks.append(paper.values)
            golds.append(paper.gold)
            owners.append(t)
    weights = collection_weights(owners)
    x = np.vstack(blocks)
    gold = np.concatenate(golds)
    sizes = np.array([len(b) for b in blocks])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    segment = np.repeat(np.arange(len(blocks)), sizes)

    def log_sum_exp(s: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per question: log Σ exp(score) over the masked sentences, and their softmax."""
        masked = np.where(mask, s, -np.inf)
        top = np.maximum.reduceat(masked, starts)
        e = np.where(mask, np.exp(masked - top[segment]), 0.0)
        total = np.add.reduceat(e, starts)
        return top + np.log(total), e / total[segment]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        all_lse, p_all = log_sum_exp(s, np.ones_like(gold))
        gold_lse, p_gold = log_sum_exp(s, gold)
        value = float(weights @ (all_lse - gold_lse)) + SENTENCE_L2 * float(w @ w)
        grad = x.T @ (weights[segment] * (p_all - p_gold)) + 2 * SENTENCE_L2 * w
        return value, grad

    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x


def fit_trigger(traces: list[QuestionTrace]) -> tuple[float, np.ndarray]:
    """Logistic regression on the evidence for the engine's first paper: would the answer lean
    on a right paper (an answerable question whose first paper is expected) or not (an
    unanswerable question, or a wrong first paper)? Each collection and each class weighs the
    same. Comparisons are answered whenever they name their papers: left out. (A paper that
    never names what a "how many" question counts never answers it, whatever the model.)"""
    rows = [t for t in traces if t.kind != "compare" and t.first is not None]
    x = np.array([t.first.trigger for t in rows])
    y = np.array([float(t.answerable and t.first.expected) for t in rows])
    weights = collection_weights(rows)
    for label in (0.0, 1.0):
        mass = weights[y == label].sum()
        if mass:
            weights[y == label] *= 0.5 / mass

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        p = 1 / (1 + np.exp(-np.clip(params[0] + x @ params[1:], -50, 50)))
        value = -float(weights @ (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
        value += TRIGGER_L2 * float(params[1:] @ params[1:])
        g = weights * (p - y)
        return value, np.concatenate([[g.sum()], x.T @ g + 2 * TRIGGER_L2 * params[1:]])

    fitted = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return float(fitted[0]), fitted[1:]


def fit_threshold(traces: list[QuestionTrace], params: Params) -> float:
    """The highest threshold that costs at most MAX_LOST_CITATIONS of the right first citations
    in every collection, the leads chosen with `params`."""
    plain = [t for t in traces if t.kind not in ("compare", "list") and t.first is not None]
    leads = [params.lead(t) for t in plain]
    p = np.array([params.probability(lead) for lead in leads])
    best = 0.0
    for threshold in np.unique(np.round(p, 4)):
        if lost_citations(plain, leads, p, threshold) <= MAX_LOST_CITATIONS:
            best = float(threshold)
    return best


def lost_citations(
    traces: list[QuestionTrace], leads: list[PaperTrace], p: np.ndarray, threshold: float
) -> float:
    """The share of answerable questions with a right lead paper that the threshold abstains
    on, in the collection where it is largest."""
    lost: dict[str, list[bool]] = defaultdict(list)
    for t, lead, prob in zip(traces, leads, p, strict=True):
        if t.answerable:
            lost[t.collection].append(bool(prob < threshold and lead.expected))
    return float(max(np.mean(v) for v in lost.values()))


def right_outcomes(
    traces: list[QuestionTrace], params: Params, threshold: float | None = None
) -> float:
    """The share of questions answered from a right paper or rightly abstained on at the
    threshold (the fitted one when None), averaged over collections (lists and comparisons
    aside)."""
    plain = [t for t in traces if t.kind not in ("compare", "list") and t.first is not None]
    bar = params.threshold if threshold is None else threshold

    def right(t: QuestionTrace) -> float:
        lead = params.lead(t)
        answered = params.probability(lead) >= bar
        return float(
            (answered and t.answerable and lead.expected) or not (answered or t.answerable)
        )

    return collection_mean(plain, right)


def fit_lead_choice(traces: list[QuestionTrace], params: Params) -> None:
    """Sets the lead share and its threshold: the share with the most right outcomes."""
    best: tuple[float, float, float] | None = None
    for share in LEAD_GRID:
        params.lead_share = float(share)
        params.threshold = fit_threshold(traces, params)
        score = right_outcomes(traces, params)
        if best is None or score > best[0]:
            best = (score, params.lead_share, params.threshold)
    assert best is not None
    _, params.lead_share, params.threshold = best


def fit_given_threshold(traces: list[QuestionTrace], params: Params) -> float:
    """The threshold for questions asked of a paper just given: of those up to the main one,
    the one with the most right outcomes on them, the highest on a tie (abstaining is the
    honest error)."""
    given = [t for t in traces if t.given]
    if not given:
        return params.threshold
    probabilities = [params.probability(params.lead(t)) for t in given]
    grid = np.unique(np.round([*probabilities, params.threshold], 4))
    scored = [(right_outcomes(given, params, float(t)), float(t)) for t in grid]
    return max(s for s in scored if s[1] <= params.threshold)[1]


def fit_list_share(traces: list[QuestionTrace]) -> float:
    lists = [t for t in traces if t.kind == "list" and t.answerable]
    scores = [collection_mean(lists, lambda t, s=share: list_f1(t, s)) for share in LIST_GRID]
    return float(LIST_GRID[int(np.argmax(scores))])


def fit(traces: list[QuestionTrace]) -> Params:
    """Every parameter but the given threshold is fitted on the sets of FIT_SETS but the
    follow-up sets, which weigh in that threshold alone."""
    main = [t for t in traces if t.set not in FOLLOW_UP_SETS]
    bias, coefficients = fit_trigger(main)
    params = Params(fit_sentences(main), bias, coefficients, 0.0, fit_list_share(main))
    fit_lead_choice(main, params)
    params.given_threshold = fit_given_threshold(traces, params)
    return params


def to_weights(params: Params, held_out: dict) -> FittedWeights:
    return FittedWeights(
        sentence={n: round(float(w), 4) for n, w in zip(FEATURES, params.sentence, strict=True)},
        list_share=params.list_share,
        lead_share=params.lead_share,
        trigger=TriggerModel(
            bias=round(params.trigger_bias, 4),
            weights={
                n: round(float(w), 4)
                for n, w in zip(TRIGGER_FEATURES, params.trigger_weights, strict=True)
            },
            threshold=round(params.threshold, 4),
            given_threshold=round(params.given_threshold, 4),
        ),
        fitted={
            "by": "benchmarks/fit_answers.py",
            "sets": [s.name for s in FIT_SETS],
            "folds": FOLDS,
            "splits": SPLITS,
            "threshold": f"the highest that costs at most {MAX_LOST_CITATIONS:.0%} of the right "
            "first citations in every collection",
            "held_out": held_out,
        },
    )


# ---------------------------------------------------------------------------------------------


def print_trade_off(traces: list[QuestionTrace], params: Params) -> None:
    """What other thresholds would give, in-sample: the first citations each set keeps, the
    answerable questions it abstains on, and the unanswerable ones it abstains on. Where a
    target cannot be met by any threshold, the evidence, not the threshold, is short."""
    names = [qs.name for qs in FIT_SETS]
    print("other thresholds, in-sample (cite@1 / wrongly abstained / abstained when absent):")
    print("| threshold | " + " | ".join(names) + " |")
    print("|" + " --- |" * (len(names) + 1))
    for threshold in sorted({*THRESHOLD_GRID, params.threshold}):
        at = dataclasses.replace(params, threshold=float(threshold))
        rows: dict[str, list[dict[str, float | None]]] = defaultdict(list)
        for t in traces:
            rows[t.set].append(outcomes(t, at))
        table = report(rows)
        cells = [
            " / ".join("-" if table[n][m] is None else f"{table[n][m]:.3f}" for m in TRADE_OFF)
            for n in names
        ]
        mark = " (fitted)" if threshold == params.threshold else ""
        print(f"| {threshold:.4g}{mark} | " + " | ".join(cells) + " |")


def print_table(table: dict[str, dict[str, float | None]], order: list[str]) -> None:
    columns = ["questions", *METRICS, "trigger_precision", "trigger_recall", "trigger_f1"]
    print("| set | " + " | ".join(columns) + " |")
    print("|" + " --- |" * (len(columns) + 1))
    for name in order:
        row = table[name]
        cells = ["-" if row[c] is None else str(row[c]) for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_PATH.name}")
    parser.add_argument("--no-glossary", action="store_true", help="read questions without it")
    parser.add_argument("--traces", type=Path, help="keep the traced questions in this file")
    parser.add_argument(
        "--splits",
        type=int,
        default=SPLITS,
        help="splits in two folds (default: %(default)s)",
    )
    args = parser.parse_args()
    if args.traces and args.traces.exists():
        traces = pickle.loads(args.traces.read_bytes())
    else:
        traces = []
        for qs in FIT_SETS:
            print(f"tracing {qs.name} ...", file=sys.stderr)
            traces += trace_set(qs, glossary=not args.no_glossary)
        if args.traces:
            args.traces.write_bytes(pickle.dumps(traces))

    # Each question scored with the parameters fitted on the other fold, in several splits.
    rows: dict[str, list[dict[str, float | None]]] = defaultdict(list)
    for split in range(args.splits):
        for k in range(FOLDS):
            params = fit([t for t in traces if t.fold(split) != k])
            print(
                f"split {split}, fold {k}: threshold {params.threshold:.3f}, "
                f"given_threshold {params.given_threshold:.3f}, "
                f"lead_share {params.lead_share}, list_share {params.list_share}"
            )
            for t in traces:
                if t.fold(split) == k:
                    rows[t.set].append(outcomes(t, params))
    held_out = report(rows, args.splits)
    print(
        f"held out (each fold scored with the parameters fitted on the other; the mean over "
        f"{args.splits} splits):"
    )
    print_table(held_out, [qs.name for qs in FIT_SETS])

    # Each collection scored with the parameters fitted on the others alone: what a collection
    # never seen can expect.
    unseen: dict[str, list[dict[str, float | None]]] = defaultdict(list)
    for collection in dict.fromkeys(t.collection for t in traces):
        params = fit([t for t in traces if t.collection != collection])
        for t in traces:
            if t.collection == collection:
                unseen[t.set].append(outcomes(t, params))
    print("each collection unseen (scored with the parameters fitted on the other collections):")
    print_table(report(unseen), [qs.name for qs in FIT_SETS])

    params = fit(traces)
    print_trade_off(traces, params)
    weights = to_weights(params, held_out)
    print(weights.model_dump_json(indent=1, exclude={"fitted"}))
    if args.write:
        WEIGHTS_PATH.write_text(weights.model_dump_json(indent=2) + "\n", encoding="utf-8")
        print(f"written to {WEIGHTS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
