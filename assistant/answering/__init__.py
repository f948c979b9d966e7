"""Answering a question, stage by stage: reading the question (question.py, with glossary.py),
candidate papers (candidates.py), sentence features and their fitted weights (features.py,
weights.py, weights.json), answer triggering (triggering.py), and composition (composition.py)
into the answer (answer.py)."""
