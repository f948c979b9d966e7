"""The fitted parameters: the file benchmarks/fit_answers.py writes is what the code reads, and
the numbers in it decide the answers."""

import json

import pytest
from pydantic import ValidationError

from assistant.answering.features import FEATURES
from assistant.answering.weights import (
    TRIGGER_FEATURES,
    WEIGHTS_PATH,
    FittedWeights,
    fitted_weights,
)
from assistant.conversation import Assistant, Conversation


def test_the_code_reads_the_fitted_file():
    on_disk = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    loaded = fitted_weights()
    assert loaded.sentence == on_disk["sentence"]
    assert loaded.trigger.model_dump() == on_disk["trigger"]
    assert loaded.list_share == on_disk["list_share"]
    # Written by the fitting script, with how it was done and the held-out numbers.
    assert loaded.fitted["by"] == "benchmarks/fit_answers.py"
    assert "pubmedqa-dev" in loaded.fitted["held_out"]
    assert set(loaded.sentence) == set(FEATURES)
    assert set(loaded.trigger.weights) == set(TRIGGER_FEATURES)


def test_the_weights_decide_the_answer(seeds_engine):
    shipped = fitted_weights()
    question = "How much faster is prefill with mllm-NPU?"
    answer = Assistant(seeds_engine).ask(question, Conversation())
    assert not answer.abstained and "22.4x faster prefill" in answer.sentences[0].text
    # The same pipeline with the trigger's threshold at 1 abstains on everything ...
    strict = shipped.model_copy(
        update={"trigger": shipped.trigger.model_copy(update={"threshold": 1.0})}
    )
    assert Assistant(seeds_engine, weights=strict).ask(question, Conversation()).abstained
    # ... and with the sentence weights reversed it quotes other sentences first.
    reversed_weights = shipped.model_copy(
        update={"sentence": {k: -v for k, v in shipped.sentence.items()}}
    )
    other = Assistant(seeds_engine, weights=reversed_weights).ask(question, Conversation())
    assert other.sentences[0].text != answer.sentences[0].text


def test_a_file_naming_unknown_features_is_refused():
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    data["sentence"]["shoe_size"] = 1.0
    with pytest.raises(ValidationError, match="unknown sentence features: shoe_size"):
        FittedWeights.model_validate(data)
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    data["trigger"]["weights"]["moon_phase"] = 1.0
    with pytest.raises(ValidationError, match="unknown triggering features: moon_phase"):
        FittedWeights.model_validate(data)
