"""The fitted parameters of the answer pipeline, read from weights.json beside this module.

benchmarks/fit_answers.py writes the file: it fits every number here on several question sets
together, reports them on held-out folds, and records how it did so under "fitted". The code never
carries a copy of these numbers; a file that names an unknown feature is refused.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.answering.features import FEATURES

WEIGHTS_PATH = Path(__file__).with_name("weights.json")

TRIGGER_FEATURES: tuple[str, ...] = (
    "coverage",
    "sentence_coverage",
    "missing",
    "unknown",
    "unseen_term",
    "pairs",
    "answer_type",
    "likelihood",
    "missing_rarity",
    "missing_names",
    "plain_words",
    "length",
    "subject",
    "cosine",
    "asked_missing",
    "concepts",
)


class TriggerModel(BaseModel):
    """Logistic regression on the evidence for the best paper: the probability that the
    collection answers the question. The answer is given when it reaches `threshold`; for a
    question asked of a paper the reader was just given ("What dataset does it use?"), when it
    reaches `given_threshold`."""

    model_config = ConfigDict(extra="forbid")

    bias: float
    weights: dict[str, float]
    threshold: float = Field(ge=0.0, le=1.0)
    given_threshold: float = Field(ge=0.0, le=1.0)

    @field_validator("weights")
    @classmethod
    def _known(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(TRIGGER_FEATURES)
        if unknown:
            raise ValueError(f"unknown triggering features: {', '.join(sorted(unknown))}")
        return value

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


class FittedWeights(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sentence: dict[str, float]  # feature name -> weight
    list_share: float = Field(gt=0.0, le=1.0)  # lists keep papers scoring this share of the best
    # Papers scoring this share of the engine's best may lead an answer (see composition.py).
    lead_share: float = Field(gt=0.0, le=1.0)
    trigger: TriggerModel
    fitted: dict[str, Any] = {}  # how and on what the numbers were fitted

    @field_validator("sentence")
    @classmethod
    def _known_features(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown sentence features: {', '.join(sorted(unknown))}")
        return value

    def sentence_vector(self) -> np.ndarray:
        """The sentence weights in the order of FEATURES (0 for a feature left out)."""
        return np.array([self.sentence.get(name, 0.0) for name in FEATURES], dtype=np.float64)


@cache
def fitted_weights(path: Path = WEIGHTS_PATH) -> FittedWeights:
    return FittedWeights.model_validate_json(path.read_text(encoding="utf-8"))
