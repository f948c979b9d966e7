"""Plain words and the research vocabulary they stand for."""

import json

import pytest
from conftest import run_cli

from assistant.evidence import concept_shares
from assistant.glossary import GLOSSARY_PATH, Glossary, GlossaryMatch, glossary_for
from assistant.question import GLOSSARY_WEIGHT, read_question
from retrieval.analysis import Analyzer


def parse(*lines: str) -> Glossary:
    return Glossary.parse(list(lines), Analyzer())


def terms(text: str) -> list[str]:
    return Analyzer().terms(text)


def test_phrases_match_on_analysed_terms_longest_first():
    glossary = parse(
        "# a comment line",
        "chatbot, text generator = large language model, llm",
        "make things up = hallucination  # trailing comment",
        "things = objects",
    )
    # Plurals and tenses meet their base form; stopwords between words do not matter.
    [match] = glossary.find(terms("Why do chatbots make things up?")[:1])
    assert match.meanings == (("larg", "languag", "model"), ("llm",))
    found = glossary.find(terms("why do chatbots keep making things up"))
    assert [(m.start, m.end) for m in found] == [(0, 1), (2, 4)]
    assert found[1].meanings == (("hallucin",),)
    assert glossary.find(terms("these things")) == [GlossaryMatch(0, 1, (("object",),))]


def test_a_line_without_research_phrases_is_refused():
    with pytest.raises(ValueError, match=r"glossary\.txt:2: expected 'plain = research'"):
        parse("chatbot = llm", "chatbot llm")


def test_the_bundled_glossary_parses_and_never_maps_a_phrase_to_itself():
    glossary = glossary_for(Analyzer.version)
    assert len(glossary.entries) > 300
    for plain, meanings in glossary.entries.items():
        assert meanings and plain not in meanings
    assert GLOSSARY_PATH.read_text(encoding="utf-8").count("=") >= 100


def test_plain_words_bring_research_terms_at_a_lower_weight(seeds_engine, seeds_assistant):
    index = seeds_engine.index
    question = read_question(
        seeds_engine, seeds_assistant.names, "How do chatbots keep sensitive information safe?"
    )
    llm = index.term_id("llm")
    privacy = index.term_id("privaci")
    assert llm >= 0 and privacy >= 0
    assert question.weights[llm] == GLOSSARY_WEIGHT
    assert question.weights[privacy] == GLOSSARY_WEIGHT
    sensitive = next(c for c in question.concepts if c.word == "sensitive")
    assert sensitive.in_terms({privacy}) and not sensitive.own_in_terms({privacy})


def test_a_research_phrase_earns_a_share_by_its_rarity(seeds_engine, seeds_assistant):
    """ "LLM" is in most abstracts, "chatbot" in one: finding "LLM" is weak evidence that a
    paper speaks about chatbots."""
    question = read_question(seeds_engine, seeds_assistant.names, "Can chatbots translate?")
    focus = {f.concept.word: f for f in concept_shares(seeds_engine, question)}
    chatbots = focus["chatbots"]
    llm = seeds_engine.index.term_id("llm")
    assert 0.0 < chatbots.credit({llm}) < 0.5
    assert chatbots.credit({chatbots.concept.whole}) == 1.0
    assert chatbots.credit(set()) == 0.0


def test_words_naming_a_paper_are_not_expanded(seeds_engine, seeds_assistant):
    plain = read_question(seeds_engine, seeds_assistant.names, "Can chatbots translate?")
    named = read_question(seeds_engine, seeds_assistant.names, "What is FuseChat?")
    assert any(c.meanings for c in plain.concepts)
    assert not any(c.meanings for c in named.concepts)


def test_a_plain_words_question_finds_the_paper_in_research_words(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    records = [
        {
            "id": "halu",
            "title": "Measuring Hallucination in Large Language Models",
            "abstract": "Large language models often produce hallucinated content. We build a "
            "benchmark that measures hallucination rates across domains.",
        },
        {
            "id": "things",
            "title": "Scheduling Things on Clusters",
            "abstract": "We schedule batch jobs on shared clusters. Things that wait long are "
            "served first, which lowers tail latency.",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = run_cli("ask", "--corpus", str(corpus), "--json", "Why do chatbots make things up?")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert not payload["abstained"]
    assert payload["citations"][0]["doc_id"] == "halu"
