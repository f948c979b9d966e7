"""Answer triggering and the choice of the lead paper, on a small collection built here: what the
paper is about against what the question asks, the thing a "how many" question counts, a paper
that mentions nothing of what the question is about, a count of a name the paper counts nothing
of, repeated words, specialist terms no abstract uses, lists ranked on the question's own words,
and the lead chosen among the engine's first papers."""

import pytest
from conftest import small_collection

from assistant.answering.candidates import gather
from assistant.answering.composition import Composer
from assistant.answering.english import rare_in_english
from assistant.answering.question import read_question
from assistant.answering.triggering import lacks_subject, never_names_counted, trigger_features
from assistant.answering.weights import TRIGGER_FEATURES, TriggerModel, fitted_weights
from assistant.conversation import Assistant, Conversation
from retrieval.engine import Engine

REEFS = [
    (
        "bleach",
        "Coral Bleaching under Marine Heatwaves",
        "Marine heatwaves bleach corals across whole reefs. We followed 40 reefs through three "
        "heatwaves with divers and drones. Bleaching began after four weeks of warm water. Reefs "
        "shaded by turbid water bleached less. We conclude that turbid water protects corals "
        "from heatwaves.",
    ),
    (
        "larvae",
        "How Coral Larvae Choose Where to Settle",
        "Coral larvae drift for days before they settle. We filmed larvae in tanks with tiles of "
        "crustose algae. Most larvae settled on algae that release a chemical cue. Larvae ignored "
        "tiles coated with bleached algae. Settlement cues could guide reef restoration. Two "
        "ROVs filmed larvae on the reef.",
    ),
    (
        "fishcount",
        "Counting Reef Fish with Underwater Cameras",
        "Divers count reef fish slowly and with bias. We placed cameras on reefs and counted fish "
        "with a detector. The detector ran on cameras powered by batteries. It counted 1200 fish "
        "per hour, close to trained divers. Cameras make fish surveys cheap.",
    ),
    (
        "sponges",
        "Sponges Filter Reef Water at Night",
        "Sponges pump water through their bodies. We measured pumping in twelve sponges by day "
        "and by night. Sponges pumped twice as much water at night. Night filtering returns "
        "nutrients to the reef.",
    ),
    (
        "zodiacal",
        "Zodiacal Light Notes",
        "Zodiacal light. Zodiacal light again. Zodiacal zodiacal light.",
    ),
    (
        "polar",
        "Observing Campaigns at a Mountain Observatory",
        "We report ten years of observing campaigns at a mountain observatory, with notes on "
        "weather, seeing, instruments, staffing and the many programmes the site hosted, from "
        "variable stars and comets to meteor showers and satellite tracking. Among the smaller "
        "programmes, a wide-field polarimeter showed that the zodiacal light is polarised, "
        "while most of the time went to photometry of faint galaxies and to teaching.",
    ),
]


@pytest.fixture(scope="module")
def reefs(tmp_path_factory):
    base = tmp_path_factory.mktemp("reefs")
    corpus = small_collection(base, "reefs", REEFS)
    return Assistant(Engine.open([corpus], base / "index"))


def features(assistant, question, doc_id):
    """The trigger's features for `question`, were the paper `doc_id` the lead."""
    engine = assistant.engine
    read = read_question(engine, assistant.names, question, assistant.glossary)
    candidates = gather(engine, read, [])
    composer = Composer(engine, candidates, assistant.weights)
    paper = candidates.of(engine.papers.position(doc_id))
    assert paper is not None, f"{doc_id} is not a candidate"
    return trigger_features(engine, candidates, paper, composer.table(paper.doc))


def test_the_paper_about_the_question_covers_more_of_its_own_subject(reefs):
    question = "Does turbid water protect corals from bleaching during heatwaves?"
    about = features(reefs, question, "bleach")
    neighbour = features(reefs, question, "larvae")  # mentions bleached algae, is about larvae
    assert about["subject"] > neighbour["subject"]
    assert about["cosine"] > neighbour["cosine"]
    assert 0.0 <= neighbour["subject"] <= about["subject"] <= 1.0


def test_a_neighbour_sharing_the_rare_words_lacks_the_questions_other_concepts(reefs):
    """Both abstracts speak of corals bleaching; only the one the question is about also speaks
    of turbid water protecting them, however common those words are."""
    question = "Does turbid water protect corals from bleaching during heatwaves?"
    about = features(reefs, question, "bleach")
    neighbour = features(reefs, question, "larvae")
    assert about["concepts"] == 1.0
    assert neighbour["concepts"] < 0.5 < about["concepts"]


def test_who_is_answered_only_by_a_paper_that_names_someone(tmp_path):
    """An abstract seldom names its authors: "Who proposed X?" is not answered from X's
    sentences about itself ("With Sieve, ..." names no one), while a text that names the
    person does answer."""
    corpus = small_collection(
        tmp_path,
        "discoveries",
        [
            (
                "mould",
                "Penicillin",
                "Penicillin is an antibiotic made by a mould. The scientist Alexander Fleming "
                "discovered penicillin in 1928 when mould killed bacteria on a plate.",
            ),
            (
                "sieve",
                "Sieve: Filtering Noisy Labels",
                "We propose Sieve, a method that filters noisy labels before training. "
                "With Sieve, accuracy holds with half of the labels wrong.",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    named = assistant.ask("Who discovered penicillin?", Conversation())
    assert not named.abstained and "Alexander Fleming" in named.answer
    nobody = assistant.ask("Who proposed Sieve?", Conversation())
    assert nobody.abstained and nobody.confidence == 0.0
    assert nobody.answer.startswith("The abstract of “Sieve: ")


def test_who_and_where_are_left_to_the_evidence_in_a_text_without_capitals(tmp_path):
    """A collection written all in lower case shows no name by its capitals: "it was o.
    reynolds who first ..." names someone all the same, and "in the langley tunnel" a place.
    Such a paper is not ruled out for naming no one, and its sentences are weighed as for any
    question."""
    corpus = small_collection(
        tmp_path,
        "lowercase",
        [
            (
                "99",
                "the statistical theory of turbulence .",
                "statistical theory considers mean values of velocities . it was reynolds who "
                "first expressed the turbulent stresses by the mean values of the products of "
                "the velocity components . the present paper develops the theory of isotropic "
                "turbulence .",
            ),
            (
                "809",
                "the influence of lift on sonic-boom intensity .",
                "the effect of lift on sonic-boom intensity has been investigated . the tests "
                "were conducted in the langley supersonic pressure tunnel at a mach number of 2 . "
                "effects of lift were found to be real and significant .",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    who = assistant.ask("Who first expressed the turbulent stresses?", Conversation())
    assert not who.abstained and "reynolds who first expressed" in who.answer
    where = assistant.ask("Where were the sonic-boom tests conducted?", Conversation())
    assert not where.abstained and where.citations[0].doc_id == "809"


def test_a_measure_is_answered_only_by_a_number_of_its_kind(tmp_path):
    """ "How much did the tower cost?" is not answered by "330 metres tall" (it was, at 0.91),
    nor "How heavy is it?"; "How tall is it?" still is, and so is the cost where the entry
    gives one."""
    corpus = small_collection(
        tmp_path,
        "landmarks",
        [
            (
                "tower",
                "Eiffel Tower",
                "The Eiffel Tower is an iron lattice tower in Paris. It was built between 1887 "
                "and 1889. The tower is 330 metres tall.",
            ),
            (
                "bridge",
                "Golden Gate Bridge",
                "The Golden Gate Bridge spans the strait in San Francisco. It opened in 1937 "
                "and cost $35 million to build. Its towers are 227 metres tall.",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    for question in ("How much did the Eiffel Tower cost?", "How heavy is the Eiffel Tower?"):
        answer = assistant.ask(question, Conversation())
        assert answer.abstained and answer.about == ["tower"], question
    conversation = Conversation()
    assistant.ask("What is the Eiffel Tower?", conversation)
    assert assistant.ask("How much did it cost?", conversation).abstained
    tall = assistant.ask("How tall is it?", conversation)
    assert not tall.abstained and "330 metres tall" in tall.sentences[0].text
    cost = assistant.ask("How much did the Golden Gate Bridge cost?", Conversation())
    assert not cost.abstained and "$35 million" in cost.sentences[0].text


def counted_unnamed(assistant, question, doc_id):
    """Whether the paper `doc_id` never names what `question` counts."""
    engine = assistant.engine
    read = read_question(engine, assistant.names, question, assistant.glossary)
    return never_names_counted(read, frozenset(engine.term_ids(engine.papers.position(doc_id))))


def test_a_paper_that_mentions_nothing_of_the_questions_subject_does_not_answer(reefs):
    """The fish-count abstract counts with cameras, but says nothing of submarines: it cannot
    say how many cameras a submarine carries, however well it matches "cameras"."""
    engine = reefs.engine
    fishcount = frozenset(engine.term_ids(engine.papers.position("fishcount")))

    def lacks(question):
        return lacks_subject(
            read_question(engine, reefs.names, question, reefs.glossary), fishcount
        )

    assert lacks("How many cameras are on a submarine?")
    assert not lacks("How many cameras counted the reef fish?")
    # "They" is the subject: the paper of the previous answer, whatever else is named.
    assert not lacks("How many cameras did they put on a submarine?")
    abstained = reefs.ask("How many cameras are on a submarine?", Conversation())
    assert abstained.abstained and abstained.confidence == 0.0
    answered = reefs.ask("How many fish did the cameras count per hour?", Conversation())
    assert not answered.abstained


def test_what_the_x_of_y_asks_about_y(reefs):
    """A question asking for X of Y asks about Y ("What is the battery life of a submarine?"):
    the fish-count abstract writes of batteries, but says nothing of submarines. Typed in lower
    case, "submarine" looks like any word the collection lacks, and the answer is the same."""
    engine = reefs.engine
    fishcount = frozenset(engine.term_ids(engine.papers.position("fishcount")))
    for question in (
        "What is the battery life of a submarine?",
        "what is the battery of submarines",
    ):
        read = read_question(engine, reefs.names, question, reefs.glossary)
        assert lacks_subject(read, fishcount), question
        assert reefs.ask(question, Conversation()).abstained, question
    asked_of_cameras = "What is the battery of the cameras?"
    read = read_question(engine, reefs.names, asked_of_cameras, reefs.glossary)
    assert not lacks_subject(read, fishcount)
    assert not reefs.ask(asked_of_cameras, Conversation()).abstained


def test_how_tall_asks_about_what_follows_not_about_being_tall(tmp_path):
    """ "How tall is Everest?" asks a measure (tall) of Everest: the tower that is "330 metres
    tall" says nothing of Everest, and cannot answer it."""
    corpus = small_collection(
        tmp_path,
        "towers",
        [
            (
                "eiffel",
                "Eiffel Tower",
                "The Eiffel Tower is an iron tower in Paris. The tower is 330 metres tall.",
            ),
            ("reef", "Great Barrier Reef", "The reef is the largest coral reef system on Earth."),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    engine = assistant.engine
    eiffel = frozenset(engine.term_ids(engine.papers.position("eiffel")))
    for question in ("How tall is Everest?", "how tall is everest"):
        read = read_question(engine, assistant.names, question, assistant.glossary)
        assert lacks_subject(read, eiffel), question
        assert assistant.ask(question, Conversation()).abstained, question
    answered = assistant.ask("How tall is the Eiffel Tower?", Conversation())
    assert "330 metres tall" in answered.answer


def test_which_x_is_the_longest_asks_about_x_not_about_the_superlative(tmp_path):
    """ "Which river is the longest?" chooses among rivers by a measure: an abstract on a river
    that gives its length but never writes "longest" can answer it."""
    corpus = small_collection(
        tmp_path,
        "rivers",
        [
            ("nile", "Nile River", "The Nile flows north through Africa. It runs about 6,650 km."),
            ("reef", "Great Barrier Reef", "The reef is the largest coral reef system on Earth."),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    engine = assistant.engine
    nile = frozenset(engine.term_ids(engine.papers.position("nile")))
    read = read_question(engine, assistant.names, "Which river is the longest?", assistant.glossary)
    assert not lacks_subject(read, nile)
    answer = assistant.ask("Which river is the longest?", Conversation())
    assert not answer.abstained
    assert answer.cited_ids == ["nile"]
    assert answer.sentences[0].text == "It runs about 6,650 km."
    # Asked of what no abstract mentions, it still is not answered.
    assert assistant.ask("Which volcano is the tallest?", Conversation()).abstained


def test_a_count_needs_the_counted_thing_beside_a_number(reefs):
    # "cameras" stand beside no number in the fish-count abstract; "fish" stand beside 1200.
    cameras = features(reefs, "How many cameras counted the reef fish?", "fishcount")
    fish = "How many fish did the cameras count per hour?"
    assert cameras["asked_missing"] > 0.0
    assert features(reefs, fish, "fishcount")["asked_missing"] == 0.0
    # Only questions asking for a quantity are judged so.
    assert features(reefs, "What detector counted fish?", "fishcount")["asked_missing"] == 0.0


def test_a_paper_that_never_names_what_is_counted_does_not_answer(reefs):
    # The larvae abstract names the ROVs; the fish-count abstract has cameras, fish and a number.
    rovs = "How many ROVs carried the fish cameras?"
    assert counted_unnamed(reefs, rovs, "fishcount")
    assert not counted_unnamed(reefs, rovs, "larvae")
    # A plain word may be counted in other words: left to the model.
    assert not counted_unnamed(reefs, "How many boats carried the fish cameras?", "fishcount")
    assert not counted_unnamed(reefs, "Which ROVs carried the fish cameras?", "fishcount")
    answered = reefs.ask("How many fish did the cameras count per hour?", Conversation())
    assert answered.citations[0].doc_id == "fishcount"
    assert "1200 fish per hour" in answered.answer
    abstained = reefs.ask("How many ROVs carried the fish counting cameras?", Conversation())
    assert abstained.abstained
    assert abstained.confidence == 0.0


def test_a_count_of_a_name_needs_that_name_beside_the_number(tmp_path):
    """An abstract that mentions GPT-4 but gives the parameters of other models cannot say how
    many GPT-4 has; one sentence holding the name, a number and what is counted can. A paper's
    own name need not stand beside its figures."""
    corpus = small_collection(
        tmp_path,
        "models",
        [
            (
                "stories",
                "Short Stories for Small Models",
                "We write short stories with GPT-4 for children aged 3 to 4. Models with around "
                "125M parameters such as GPT-Neo write poor stories. Trained on our stories, "
                "models with 10M parameters write fluent ones. Deep models such as Zeno write "
                "them too.",
            ),
            (
                "zeno",
                "Zeno: A Deep Narrow Network",
                "We present Zeno, a deep and narrow network. It stacks 96 layers of width 64. "
                "Depth helps more than width at this size.",
            ),
        ],
    )
    assistant = Assistant(Engine.open([corpus], tmp_path / "index"))
    other = assistant.ask("How many parameters does GPT-4 have?", Conversation())
    assert other.abstained and other.confidence == 0.0
    neo = assistant.ask("How many parameters does GPT-Neo have?", Conversation())
    assert not neo.abstained and "125M parameters" in neo.sentences[0].text
    own = assistant.ask("How many layers does Zeno stack?", Conversation())
    assert not own.abstained and "96 layers" in own.sentences[0].text
    # Another paper that mentions Zeno, and counts the parameters of other models, is no
    # answer to how many Zeno has.
    zeno = assistant.ask("How many parameters does Zeno have?", Conversation())
    assert zeno.abstained or zeno.citations[0].doc_id != "stories"


def test_a_repeated_word_is_one_idea_of_the_focus(reefs):
    engine = reefs.engine
    read = read_question(
        engine, reefs.names, "Do sponges pump water, and do sponges pump at night?", reefs.glossary
    )
    words = [c.word.casefold() for c in read.concepts]
    assert words.count("sponges") == 1 and words.count("pump") == 1
    assert sum(f.share for f in read.focus) == pytest.approx(1.0)


def test_english_rarity_tells_specialist_terms_from_plain_words():
    assert rare_in_english("xerostomia") and rare_in_english("ciguatoxin")
    assert not rare_in_english("cheaply") and not rare_in_english("everything")


def test_a_specialist_term_no_abstract_uses_counts_against_answering(reefs):
    engine = reefs.engine
    specialist = "Do sponges filter ciguatoxin at night?"
    plain = "Do sponges filter cheaply at night?"  # the same question with a plain word
    read = {q: read_question(engine, reefs.names, q, reefs.glossary) for q in (specialist, plain)}
    share = {q: {f.concept.word: f.share for f in read[q].focus} for q in read}
    # Neither word is in the collection; the specialist term weighs like its rarest word, the
    # plain word, which paraphrases are full of, much less.
    assert [c.word for c in read[specialist].concepts if c.specialist] == ["ciguatoxin"]
    assert not any(c.specialist for c in read[plain].concepts)
    assert share[specialist]["ciguatoxin"] == pytest.approx(max(share[specialist].values()))
    assert share[plain]["cheaply"] < 0.5 * min(s for w, s in share[plain].items() if w != "cheaply")
    assert features(reefs, specialist, "sponges")["unseen_term"] == 1.0
    assert features(reefs, plain, "sponges")["unseen_term"] == 0.0
    confidence = {q: reefs.ask(q, Conversation()).confidence for q in read}
    assert confidence[specialist] < confidence[plain]


def test_a_list_ranks_on_the_question_s_own_words(reefs):
    engine = reefs.engine
    read = read_question(engine, reefs.names, "Which papers study coral reefs?", reefs.glossary)
    assert read.kind == "list"
    plain = engine.rank(read.weights, 15, feedback=False)
    candidates = gather(engine, read, [])
    assert [p.doc for p in candidates.papers] == [h.doc for h in plain]
    assert candidates.papers[-1].relevance == pytest.approx(plain[-1].score / plain[0].score)


def coverage_only(share: float):
    """The shipped weights, with a trigger that trusts coverage alone and lets papers scoring
    `share` of the engine's best lead."""
    shipped = fitted_weights()
    trigger = TriggerModel(
        bias=-5.0,
        weights={n: 10.0 if n == "coverage" else 0.0 for n in TRIGGER_FEATURES},
        threshold=0.0,
        given_threshold=0.0,
    )
    return shipped.model_copy(update={"trigger": trigger, "lead_share": share})


def test_the_lead_is_the_likeliest_of_the_engine_s_first_papers(reefs):
    engine = reefs.engine
    question = "Is the zodiacal light polarised?"
    first = engine.papers.ids[engine.search(question, 1)[0].doc]
    assert first == "zodiacal"  # repeats the rarest words, lacks the rest
    chosen = Assistant(engine, weights=coverage_only(0.01)).ask(question, Conversation())
    assert chosen.citations[0].doc_id == "polar"
    # Held to the engine's best alone, the answer leans on the engine's first paper.
    held = Assistant(engine, weights=coverage_only(1.0)).ask(question, Conversation())
    assert held.citations[0].doc_id == "zodiacal"


def test_the_fitted_file_sets_how_close_a_paper_must_score_to_lead():
    shipped = fitted_weights()
    assert 0.0 < shipped.lead_share <= 1.0
    assert shipped.fitted["splits"] >= 2


def test_an_abstention_names_the_words_no_abstract_uses(reefs, tmp_path):
    """Why the collection may not answer, or a slip the reader can mend: the question's words
    that no abstract uses, at most three, names and specialist terms first."""
    answer = reefs.ask("Where do ciguatoxin fish live?", Conversation())
    assert answer.abstained
    assert answer.answer.endswith("No abstract here uses the words “ciguatoxin” and “live”.")
    plain_first = reefs.ask("Where do we live with ciguatoxin?", Conversation())
    assert plain_first.answer.endswith("the words “ciguatoxin” and “live”.")
    many = reefs.ask(
        "Do sponges filter ciguatoxin, saxitoxin, brevetoxin or okadaic acid?", Conversation()
    )
    assert many.abstained and "“ciguatoxin”, “saxitoxin” and “brevetoxin”." in many.answer
    # Every word known: the abstention says no more than that.
    known = reefs.ask("How many divers filmed the sponges?", Conversation())
    assert known.abstained and "No abstract here" not in known.answer
