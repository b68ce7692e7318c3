"""Question -> cited answer. question.py reads the question (and follow-ups); retrieve.py finds
passages and candidate sentences (dense + BM25 + sentence vectors); candidates.py, features.py
and confidence.py describe each candidate; evidence.py ranks them with the fitted model
(model.py, linear.py, schema.py) and spans.py picks the short answer; answer.py composes the
Answer. generative/ words it with a language model behind a grounding check."""
