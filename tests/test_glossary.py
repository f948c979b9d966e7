"""Plain words and the research vocabulary they stand for."""

import json

import pytest
from conftest import run_cli

from assistant.answering.glossary import (
    GLOSSARY_PATH,
    Glossary,
    GlossaryMatch,
    bundled_glossary,
    default_glossary,
    read_synonyms,
    speaks_field,
)
from assistant.answering.question import GLOSSARY_WEIGHT, read_question
from retrieval.analysis import Analyzer
from retrieval.errors import InputError


def parse(*lines: str) -> Glossary:
    return Glossary.parse(list(lines), Analyzer(), "phrases.txt")


def read(engine, assistant, text: str):
    return read_question(engine, assistant.names, text, assistant.glossary)


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
    with pytest.raises(InputError, match=r"^phrases\.txt:2: expected 'plain phrases = research"):
        parse("chatbot = llm", "chatbot llm")
    with pytest.raises(InputError, match=r"^phrases\.txt:1: "):
        parse("chatbot = ")
    # Only stopwords or signs on one side: nothing the line could ever match or bring.
    with pytest.raises(InputError, match=r"^phrases\.txt:2: the research phrases hold no word"):
        parse("chatbot = llm", "foo => ")
    with pytest.raises(InputError, match=r"^phrases\.txt:1: the plain phrases hold no word"):
        parse("the, of = llm")


def test_the_bundled_glossary_parses_and_never_maps_a_phrase_to_itself():
    glossary = bundled_glossary(Analyzer.version)
    assert len(glossary.entries) > 300
    for plain, meanings in glossary.entries.items():
        assert meanings and plain not in meanings
    assert GLOSSARY_PATH.read_text(encoding="utf-8").count("=") >= 100


def test_plain_words_bring_research_terms_at_a_lower_weight(seeds_engine, seeds_assistant):
    index = seeds_engine.index
    question = read(
        seeds_engine, seeds_assistant, "How do chatbots keep sensitive information safe?"
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
    question = read(seeds_engine, seeds_assistant, "Can chatbots translate?")
    focus = {f.concept.word: f for f in question.focus}
    chatbots = focus["chatbots"]
    llm = seeds_engine.index.term_id("llm")
    assert 0.0 < chatbots.credit({llm}) < 0.5
    assert chatbots.credit({chatbots.concept.whole}) == 1.0
    assert chatbots.credit(set()) == 0.0


def test_a_word_of_the_phrase_itself_does_not_stand_for_the_whole_phrase(
    seeds_engine, seeds_assistant
):
    """ "open source" means "open-source", but "open" alone ("an open challenge") says nothing
    of "source": a paper saying only "open" covers that word of the question, not both."""
    question = read(seeds_engine, seeds_assistant, "Is the model open source?")
    focus = {f.concept.word: f for f in question.focus}
    index = seeds_engine.index
    open_, source = index.term_id("open"), index.term_id("opensourc")
    assert open_ >= 0 and source >= 0
    assert focus["open"].credit({open_}) == 1.0
    assert focus["source"].credit({open_}) == 0.0
    assert focus["source"].credit({source}) > 0.5
    assert question.coverage({open_}) < 0.6


def test_words_naming_a_paper_are_not_expanded(seeds_engine, seeds_assistant):
    plain = read(seeds_engine, seeds_assistant, "Can chatbots translate?")
    named = read(seeds_engine, seeds_assistant, "What is FuseChat?")
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


def test_a_plain_word_the_collection_itself_uses_is_not_translated(tmp_path):
    """ "patients" stands for "clinical" in the bundled glossary; among clinical abstracts,
    where "patients" is the collection's own word, it stays as it is."""
    corpus = tmp_path / "clinic.jsonl"
    abstracts = [
        "Patients with asthma were treated at two hospitals.",
        "We followed patients after surgery for one year.",
        "Clinical outcomes of patients on dialysis improved.",
    ]
    corpus.write_text(
        "\n".join(
            json.dumps({"id": f"p{i}", "title": f"Study {i}", "abstract": a})
            for i, a in enumerate(abstracts)
        )
        + "\n",
        encoding="utf-8",
    )
    from assistant.conversation import Assistant
    from retrieval.engine import Engine

    engine = Engine.open([corpus], tmp_path / "index")
    assistant = Assistant(engine)
    question = read(engine, assistant, "Do patients recover after surgery?")
    assert not any(c.meanings for c in question.concepts)


def test_users_add_their_own_phrases(tmp_path, seeds_engine):
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("# mine\ndriverless car = autonomous vehicle\n", encoding="utf-8")
    glossary = default_glossary(seeds_engine, read_synonyms(Analyzer(), phrases))
    # The bundled entries stay, and the user's join them.
    assert len(glossary.entries) == len(bundled_glossary(Analyzer.version).entries) + 1
    [match] = glossary.find(terms("driverless cars"))
    assert match.meanings == (("autonom", "vehicl"),)


def test_a_bad_phrase_file_is_one_line_naming_the_file_and_line(tmp_path):
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("car = automobile\njust words\n", encoding="utf-8")
    result = run_cli("ask", "--synonyms", str(phrases), "What is Mamo?")
    assert result.returncode == 2
    assert result.stderr == f"error: {phrases}:2: expected 'plain phrases = research phrases'\n"
    missing = run_cli("ask", "--synonyms", str(tmp_path / "none.txt"), "What is Mamo?")
    assert missing.returncode == 2 and "none.txt: cannot read" in missing.stderr


def test_synonyms_reach_the_answer_through_the_entry_point(tmp_path):
    corpus = tmp_path / "papers.jsonl"
    records = [
        {
            "id": "av",
            "title": "Planning for Autonomous Vehicles",
            "abstract": "We plan routes "
            "for autonomous vehicles in dense traffic with a learned cost map.",
        },
        {
            "id": "bio",
            "title": "Protein Folding",
            "abstract": "We predict protein structures from sequences with a language model.",
        },
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("robot taxi = autonomous vehicle\n", encoding="utf-8")
    question = "How do robot taxis plan routes?"
    plain = json.loads(run_cli("ask", "--corpus", str(corpus), "--json", question).stdout)
    with_synonyms = run_cli(
        "ask", "--corpus", str(corpus), "--synonyms", str(phrases), "--json", question
    )
    assert with_synonyms.returncode == 0, with_synonyms.stderr
    payload = json.loads(with_synonyms.stdout)
    assert payload["citations"][0]["doc_id"] == "av"
    assert payload["confidence"] > plain["confidence"]


def test_the_bundled_glossary_keeps_out_of_collections_of_another_field(tmp_path, seeds_engine):
    """Among clinical abstracts "testes" is analysed as "test", which the bundled glossary of
    machine-learning words would read as "evaluation": there it is left out, and the user's own
    phrases still apply."""
    from assistant.conversation import Assistant
    from retrieval.engine import Engine

    corpus = tmp_path / "clinic.jsonl"
    abstracts = [
        "Undescended testes were treated by orchiopexy in 40 boys; testicular volume was measured.",
        "We tested serum markers in patients with testicular cancer before surgery.",
        "An evaluation of hospital stay after hernia repair in children.",
    ]
    corpus.write_text(
        "\n".join(
            json.dumps({"id": f"c{i}", "title": "", "abstract": a}) for i, a in enumerate(abstracts)
        )
        + "\n",
        encoding="utf-8",
    )
    engine = Engine.open([corpus], tmp_path / "index")
    bundled = bundled_glossary(Analyzer.version)
    assert speaks_field(bundled, seeds_engine.index)
    assert not speaks_field(bundled, engine.index)

    question = "Does age at orchiopexy affect survival of the testes?"
    assert not any(c.meanings for c in read(engine, Assistant(engine), question).concepts)
    on_seeds = Assistant(seeds_engine)
    assert any(
        c.meanings for c in read(seeds_engine, on_seeds, "Which tests do chatbots fail?").concepts
    )

    phrases = tmp_path / "phrases.txt"
    phrases.write_text("undescended testes = cryptorchidism\n", encoding="utf-8")
    mine = Assistant(engine, synonyms=read_synonyms(Analyzer(), phrases))
    assert mine.glossary.find(terms("undescended testes"))
