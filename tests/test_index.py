"""The sparse BM25 index: exact scores, rank-bm25 parity, top-k, RM3, passages."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.analysis import Analyzer, PieceAnalyzer
from retrieval.build import ChunkAnalyzer
from retrieval.engine import Engine
from retrieval.feedback import Rm3Params, rm3_expand
from retrieval.index import top_k
from retrieval.passages import rank_passages

DOCS = [
    ("Sparse retrieval", "BM25 ranks documents with sparse term statistics."),
    ("Dense retrieval", "Dense vectors rank documents; sparse vectors rank terms."),
    ("Cooking pasta", "Boil water, add pasta, and wait for the pasta."),
]


def lucene_bm25(query, docs, k1=1.2, b=0.75, title_weight=3):
    """A direct, loop-by-loop reading of Lucene's BM25 formula."""
    a = Analyzer()
    doc_terms = [a.terms(t) * title_weight + a.terms(x) for t, x in docs]
    n = len(docs)
    avg = sum(len(d) for d in doc_terms) / n
    scores = []
    for terms in doc_terms:
        s = 0.0
        for q in set(a.terms(query)):
            df = sum(q in d for d in doc_terms)
            tf = terms.count(q)
            if not tf:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += (
                a.terms(query).count(q)
                * idf
                * tf
                * (k1 + 1)
                / (tf + k1 * (1 - b + b * len(terms) / avg))
            )
        scores.append(s)
    return scores


def write(tmp_path, docs, name="c.jsonl"):
    path = tmp_path / name
    path.write_text(
        "\n".join(
            json.dumps({"id": f"d{i}", "title": t, "abstract": a}) for i, (t, a) in enumerate(docs)
        )
        + "\n"
    )
    return path


def build(tmp_path, docs, params=None):
    return Engine.open([write(tmp_path, docs)], tmp_path / "cache", params=params)


@pytest.mark.parametrize(
    "query", ["sparse retrieval", "rank documents", "pasta pasta water", "nothing"]
)
def test_scores_equal_the_formula(tmp_path, query):
    index = build(tmp_path, DOCS).index
    weights = {}
    for term in Analyzer().terms(query):
        if index.term_id(term) >= 0:
            weights[index.term_id(term)] = weights.get(index.term_id(term), 0) + 1.0
    expected = lucene_bm25(query, DOCS)
    assert np.allclose(index.score(weights), expected, rtol=1e-5, atol=1e-6)


def test_terms_are_found_by_their_spelling_and_postings_are_ascending(tmp_path):
    index = build(tmp_path, DOCS).index
    spelled = index.sorted_terms
    assert [spelled[i] for i in range(len(spelled))] == sorted(
        index.term(t) for t in range(len(spelled))
    )
    for t in range(index.n_terms):
        assert index.term_id(index.term(t)) == t
        segment = index.segments[0]
        docs, tfs = segment.postings_of(segment.local_term(t))
        assert list(docs) == sorted(set(docs.tolist())) and (tfs is None or (tfs >= 1).all())
    assert index.term_id("zzz-not-there") == -1


def test_terms_whose_hashes_collide_are_told_apart_by_their_spelling(tmp_path, monkeypatch):
    # A hash with a handful of values: most terms share theirs with others.
    weak = lambda term: len(term) % 3  # noqa: E731
    monkeypatch.setattr("retrieval.generation.term_hash", weak)
    monkeypatch.setattr("retrieval.index.term_hash", weak)
    index = build(tmp_path, DOCS).index
    spellings = [index.term(t) for t in range(index.n_terms)]
    assert len(spellings) > 3
    assert index.term_ids(spellings).tolist() == list(range(index.n_terms))
    assert index.term_ids(spellings, known=True).tolist() == list(range(index.n_terms))
    assert index.term_ids(["zzz-not-there", spellings[0]]).tolist() == [-1, 0]


def test_analysis_in_pieces_gives_the_analyzer_s_terms():
    """Indexing reads text through a cache of its white-space pieces; the terms are exactly
    those the analyzer gives a query."""
    pieces = PieceAnalyzer()
    texts = [
        "GPT-3.5 beats Llama-2 (7B) on 10,000 tasks; e.g., pre-trained models.",
        "Ünïcödé ﬁne-tuning — naïve café résumé, ΑΒΓ 3.5x faster.",
        "the of and",  # stopwords only
        "",
        "GPT-3.5 beats Llama-2 again: pieces seen before come from the cache.",
    ]
    reference = Analyzer()
    for text in texts:
        assert [pieces.spellings[int(t)] for t in pieces.ids(text)] == reference.terms(text)


def test_analysed_chunks_count_each_document_s_terms_with_the_title_weighted():
    import retrieval.build as build_module

    analyzer = ChunkAnalyzer(title_weight=3)
    docs = [("Sparse models", "Sparse models rank sparse terms."), ("", "the of"), ("X", "")]
    # Past the first SENTENCE_SAMPLE documents, one in SENTENCE_STEP is sampled.
    chunk = analyzer.analyze(docs, first=build_module.SENTENCE_STEP * 7)
    spelled = analyzer.pieces.spellings
    reference = Analyzer()
    for i, (title, abstract) in enumerate(docs):
        expected = reference.terms(title) * 3 + reference.terms(abstract)
        lo, hi = chunk.ptr[i], chunk.ptr[i + 1]
        pairs = zip(chunk.terms[lo:hi], chunk.counts[lo:hi], strict=True)
        got = {spelled[int(t)]: int(c) for t, c in pairs}
        assert got == {t: expected.count(t) for t in expected}
        assert chunk.lengths[i] == len(expected)
    assert chunk.sample.tolist() == [[1, 1, len(reference.terms(docs[0][1]))], [0, 0, 0], [0, 0, 0]]


def test_okapi_mode_equals_rank_bm25_on_the_seeds(seeds_engine):
    engine = seeds_engine
    p = engine.index.params
    reference = BM25Okapi(
        [engine.document_terms(d) for d in range(len(engine.papers))], k1=p.k1, b=p.b
    )
    for query in [
        "What is Splitwise?",
        "large language models",  # terms in more than half the documents: negative IDF
        "quantization quantization of LLM weights",
        "knowledge distillation for small models",
    ]:
        terms = engine.analyzer.terms(query)
        ours = engine.index.score_okapi(terms)
        theirs = reference.get_scores(terms)
        assert np.max(np.abs(ours - theirs)) < 1e-9


def test_rank_bm25_engine_is_the_library_itself(seeds_engine):
    hits = seeds_engine.search("phase splitting inference", 3, method="rank-bm25")
    okapi = seeds_engine.search("phase splitting inference", 3, method="okapi")
    assert [h.doc for h in hits] == [h.doc for h in okapi]
    assert hits[0].score == pytest.approx(okapi[0].score, abs=1e-9)


def test_top_k_is_partial_selection_best_first_ties_by_position():
    scores = np.array([0.5, 2.0, 0.0, 2.0, 1.0, -1.0], dtype=np.float32)
    docs, values = top_k(scores, 3)
    assert docs.tolist() == [1, 3, 4]
    assert values.tolist() == [2.0, 2.0, 1.0]
    docs, _ = top_k(scores, 10)
    assert docs.tolist() == [1, 3, 4, 0]  # zero and negative scores are not hits


def test_rm3_keeps_the_query_and_adds_feedback_terms(tmp_path):
    # "filler" is in every document: in more than half of them, it is never added.
    docs = [(t, a + " filler") for t, a in DOCS] + [
        ("Other", f"filler number {i}") for i in range(6)
    ]
    engine = build(tmp_path, docs)
    index = engine.index
    a = Analyzer()
    sparse = index.term_id(a.term("sparse"))
    expanded = rm3_expand(
        {sparse: 1.0}, engine, np.array([0, 1]), np.array([10.0, 9.0]), Rm3Params(terms=3)
    )
    assert sum(expanded.values()) == pytest.approx(1.0)
    assert expanded[sparse] >= 0.5
    added = {index.term(t) for t in expanded if t != sparse}
    assert added and added <= set(a.terms(" ".join(DOCS[0] + DOCS[1])))
    assert index.term_id(a.term("filler")) not in expanded
    assert rm3_expand({}, engine, np.array([0]), np.array([1.0]), Rm3Params()) == {}


def test_term_counts_match_the_postings(tmp_path):
    engine = build(tmp_path, DOCS)
    segment = engine.index.segments[0]
    for doc in range(len(DOCS)):
        terms, tfs = engine.term_counts(doc)
        for term, tf in zip(terms, tfs, strict=True):
            docs, frequencies = segment.postings_of(segment.local_term(int(term)))
            position = int(np.searchsorted(docs, doc))
            assert docs[position] == doc
            assert (1 if frequencies is None else frequencies[position]) == tf


def test_feedback_is_measured_by_the_search(seeds_engine):
    plain = seeds_engine.search(
        "splitting prompt computation and token generation", 5, feedback=False
    )
    expanded = seeds_engine.search("splitting prompt computation and token generation", 5)
    assert plain[0].doc == expanded[0].doc
    assert seeds_engine.papers.title(plain[0].doc).startswith("Splitwise")


def test_passages_are_exact_slices_scored_with_corpus_statistics(seeds_engine):
    engine = seeds_engine
    doc = engine.search("Splitwise", 1)[0].doc
    weights = engine.query_weights("separate machines")
    passages = rank_passages(engine, weights, [doc])
    abstract = engine.papers.abstract(doc)
    assert len(passages) == len(engine.sentences(doc))
    for p in passages:
        assert abstract[p.start : p.end] == p.text
    assert "separate machines" in passages[0].text
    assert passages[0].score > passages[-1].score >= 0


def test_engine_search_on_a_small_jsonl(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": f"d{i}", "title": t, "abstract": a}) for i, (t, a) in enumerate(DOCS)
        )
    )
    engine = Engine.open([path], tmp_path / "cache")
    assert engine.papers.ids[engine.search("pasta", 1)[0].doc] == "d2"
    assert engine.search("", 5) == []
    assert engine.search("unknownword", 5) == []


def test_compiled_maxscore_equals_exhaustive_scoring(monkeypatch):
    """Large segments are searched by the compiled block-max MaxScore: on every Cranfield query,
    plain and expanded, its top k are exhaustive scoring's, scores and tie order included."""
    from conftest import CRANFIELD

    import retrieval.index as index_module
    from assistant.beir import read_queries

    engine = Engine.open([CRANFIELD])
    index = engine.index
    monkeypatch.setattr(index_module, "COMPILED_DOCS", 0)  # Cranfield is small: force it
    for _, text in read_queries(CRANFIELD / "queries.jsonl"):
        plain = engine.query_weights(text)
        docs, scores = index.top(plain, 10)
        expanded = rm3_expand(plain, engine, docs, scores, engine.rm3)
        for weights in (plain, expanded):
            for k in (1, 10, 100):
                expected_docs, expected_scores = top_k(index.score(weights), k)
                docs, scores = index.top(weights, k)
                assert docs.tolist() == expected_docs.tolist()
                assert np.allclose(scores, expected_scores, rtol=1e-6)


def test_compiled_maxscore_skips_deleted_documents_and_breaks_ties_by_number(tmp_path, monkeypatch):
    import retrieval.index as index_module

    monkeypatch.setattr(index_module, "COMPILED_DOCS", 0)
    # Twelve identical documents tie; three more are about something else.
    docs = [("Same", "alpha beta gamma")] * 12 + [("Other", f"delta {i}") for i in range(3)]
    engine = build(tmp_path, docs)
    weights = engine.query_weights("alpha")
    got, scores = engine.index.top(weights, 5)
    assert got.tolist() == [0, 1, 2, 3, 4] and len(set(scores.tolist())) == 1
    engine.index.deleted[0] = np.array([1, 3], dtype=np.int32)
    engine.index._deleted_masks[0] = None
    got, _ = engine.index.top(weights, 5)
    assert got.tolist() == [0, 2, 4, 5, 6]


@pytest.mark.parametrize("compiled", [False, True], ids=["python", "compiled"])
def test_worker_processes_build_the_same_index(tmp_path, monkeypatch, compiled):
    """Worker processes (with their compiled lookup of words, or without) index exactly as
    one process does."""
    import retrieval.build as build_module
    import retrieval.engine as engine_module

    path = tmp_path / "c.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"d{i}",
                    "title": f"Title {i} alpha{i % 7}",
                    "abstract": f"Words w{i % 13} and w{i % 5}, pre-trained {i}. Naïve\u00a0"
                    f"Bayes-{i % 7} straße\u2028{i % 11}.",
                }
            )
            for i in range(5000)
        )
    )
    inline = Engine.open([path], tmp_path / "inline")
    monkeypatch.setattr(engine_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(engine_module, "COMPILED_ANALYSIS_BYTES", 0 if compiled else 1 << 40)
    monkeypatch.setattr(build_module, "CHUNK_DOCS", 300)
    parallel = Engine.open([path], tmp_path / "parallel")
    assert parallel.generation.terms.all() == inline.generation.terms.all()
    ours, theirs = parallel.index.segments[0], inline.index.segments[0]
    for name in ("terms", "doc_len", "max_tf", "min_len"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    for name, values in ours.postings.arrays().items():
        assert np.array_equal(values, theirs.postings.arrays()[name]), name


def test_a_duplicate_read_chunks_later_keeps_both_sources(tmp_path, monkeypatch):
    """Worker processes see one chunk at a time: a record repeated far into a later file is
    still one paper, read from both places."""
    import retrieval.build as build_module
    import retrieval.engine as engine_module

    monkeypatch.setattr(engine_module, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(build_module, "CHUNK_DOCS", 50)
    records = [
        json.dumps({"id": f"d{i}", "title": f"Title {i}", "abstract": f"Text about w{i}."})
        for i in range(300)
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(records) + "\n")
    (tmp_path / "b.jsonl").write_text("\n".join(records[250:] + records[:3]) + "\n")
    engine = Engine.open([tmp_path], tmp_path / "cache")
    assert engine.summary.documents == 300
    doc = engine.papers.position("d1")
    sources = [(Path(s.path).name, s.line) for s in engine.papers.sources(doc)]
    assert sources == [("a.jsonl", 2), ("b.jsonl", 52)]
    assert engine.search("w1", 1)[0].doc == doc
