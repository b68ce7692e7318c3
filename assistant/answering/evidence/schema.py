"""Every feature the evidence model weighs, named and documented in one place: the unit
features (features.py computes them), the span features (spans.py) and the confidence
features (confidence.py), with the sign each weight is held to where English says which way
a feature must push. The model file names its features; model.py checks them against these.
"""

from __future__ import annotations

from assistant.answering.question.analysis import QUESTION_CLASSES

# name -> what it measures; the order is the column order of the feature matrix.
UNIT_FEATURES: dict[str, str] = {
    "dense": "cosine of the question and the unit's last sentence read with the one before",
    "dense_first": "cosine of the question and the unit's first sentence in context",
    "dense_gap": "dense minus the best dense among the candidates",
    "coverage": "share of the question's terms (weighted by rarity) in the unit, any form",
    "coverage_exact": "share of the question's terms in the unit, exact stem only",
    "coverage_near": "share of the question's terms in the unit, the paragraph before it, or "
    "what the article says about itself (its title and lead)",
    "coverage_gap": "coverage minus the best coverage among the candidates",
    "coverage_soft": "coverage_near, counting a term found only in other words by its best "
    "word-vector similarity there (similarity.py)",
    "missing_soft": "weight of the salient terms absent nearby, less their best similarity to "
    "a word nearby, per heaviest term",
    "pairs": "share of the question's adjacent term pairs found adjacent in the unit",
    "missing_names": "names of the question absent from the unit and the sentence before",
    "missing_numbers": "numbers and ordinals of the question absent or qualifying another noun",
    "missing_weight": "weight of the question's other salient terms absent nearby, per heaviest",
    "missing_max": "weight of the heaviest question term absent nearby, per heaviest term",
    "missing_share": "share of the question's terms (any part of speech) absent nearby",
    "elsewhere": "weight share of the question's terms absent near the unit, found in its article",
    "run": "longest run of consecutive question terms all found in the unit, per term",
    "negation_missing": "the question is negated (not, never, no...) and the unit is not",
    "negation_extra": "the unit is negated and the question is not",
    "keyword": "BM25 score of the unit's passage, divided by the best passage's",
    "rank": "1 / (1 + fused retrieval rank of the unit's passage); 0 when not ranked",
    "kind_found": "the unit holds a thing of the kind asked for (person, date, ...)",
    "kind_count": "how many such things (up to 3)",
    "proximity": "closeness of the question's words to the nearest such thing",
    "far_from_names": "the best such thing stands far from a name of the question",
    "relation": "share of the question's verbs and roles stated in the unit itself",
    "listed": "the question asks for several things and the unit lists several",
    "novelty": "share of the unit's words the question does not already say",
    "position": "log(1 + sentences before the unit in its paragraph)",
    "paragraph_start": "the unit starts a paragraph",
    "words": "log of the unit's length in words",
    "pair": "the unit is two sentences",
    "anaphor": "the unit starts with a pronoun that points back (It, This, They...)",
    "previous_article": "a follow-up, and the unit is in an article the last answer quoted",
    "previous_near": "a follow-up: closeness to the last answer's quote (1 same, 0.5 two apart)",
    "event_missing": "share of the words of the event's name the question gives that the "
    "unit's article does not say of itself (title, lead)",
}

# The direction a feature may push a unit, where English says which: a missing name can
# never make a unit more likely to answer. Training keeps each weight to its sign (0: free).
UNIT_SIGNS: dict[str, int] = {
    "dense": 1, "dense_gap": 1, "coverage": 1, "coverage_exact": 1, "coverage_near": 1,
    "coverage_gap": 1, "coverage_soft": 1, "pairs": 1, "run": 1, "keyword": 1, "rank": 1,
    "kind_found": 1, "proximity": 1, "relation": 1, "listed": 1,
    "missing_names": -1, "missing_numbers": -1, "missing_weight": -1, "missing_max": -1,
    "missing_share": -1, "negation_missing": -1, "far_from_names": -1, "missing_soft": -1,
    "event_missing": -1,
}  # fmt: skip


# The kinds of span: spaCy's entity labels, noun phrases and verb phrases.
SPAN_TYPES = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "NP", "VP",
)  # fmt: skip

# What a candidate span of the chosen unit looks like.
SPAN_FEATURES: dict[str, str] = {
    "in_question": "share of the span's content words that the question already says",
    "all_known": "every content word of the span is a word of the question",
    "new_words": "log(1 + content words of the span the question does not say)",
    "near": "closeness of the question's words to the span (1: right beside it)",
    "gap": "log(1 + words between the span and the nearest word of the question)",
    "adjacent": "a word of the question stands right before or after the span",
    "best_sentence": "the span is in the unit's sentence holding most of the question's words",
    "focus_head": "the span's head noun is the noun the question asks about ('which branch')",
    "focus_inside": "the noun the question asks about is a word of the span",
    "focus_governs": "the span qualifies the noun the question asks about ('session on X')",
    "governor_asked": "the word the span hangs from is a word of the question",
    "same_governor": "the span hangs from the word the question's wh-phrase hangs from",
    "same_role": "... and in the same role (subject, object, object of a preposition)",
    "under_governor": "the span stands in the clause of the word the wh-phrase hangs from",
    "under_asked": "the span stands in the clause of a verb or role the question names",
    "tree_distance": "log(1 + dependency edges from the span to the nearest question word)",
    "tree_near": "closeness in the parse of the question's words (weighted by rarity)",
    "preposition_asked": "the preposition before the span is a word of the question",
    "words": "log(1 + words in the span)",
    "one_word": "the span is one word",
    "long": "the span is longer than five words",
    "subject": "the span is the subject of its clause",
    "object": "the span is the object of its verb",
    "prep_object": "the span is the object of a preposition",
    "apposition": "the span stands in apposition to a noun",
    "capitalised": "every word of the span is capitalised",
    "digits": "the span holds a digit",
    "bracketed": "the span stands inside brackets",
    "position": "where the span starts in the unit (0: first word, 1: last)",
    "entity": "spaCy labelled the span as a named entity",
    **{
        f"{c}:{t}": f"the question asks for {c} and the span is {t}"
        for c in QUESTION_CLASSES
        for t in SPAN_TYPES
    },
}

SPAN_SIGNS: dict[str, int] = {
    "in_question": -1, "all_known": -1, "near": 1, "gap": -1, "best_sentence": 1,
    "focus_head": 1, "focus_governs": 1, "governor_asked": 1, "same_governor": 1,
    "same_role": 1, "under_governor": 1, "under_asked": 1, "tree_distance": -1,
    "tree_near": 1,
}  # fmt: skip


# The confidence model sees the chosen unit's features and how it won.
CONFIDENCE_FEATURES: dict[str, str] = {
    "score": "the ranker's score of the chosen unit",
    "margin": "its lead over the best unit that shares no sentence with it",
    "share": "its share of the candidates' softmax over ranker scores",
    "terms": "log(1 + number of the question's terms)",
    "unknown": "salient terms of the question that no sentence of the index uses",
    "unknown_other": "other content words of the question (verbs...) that none uses",
    "unknown_share": "weight share of the question's terms that no sentence uses",
    "unknown_kind": "the question asks for a kind of thing and some salient term is unknown",
    "asks_kind": "the question asks for a kind of thing (person, date, place, number...)",
    "span_share": "the span model's softmax share for the best span of the unit",
    "span_score": "the span model's score of that span",
    "span_kind": "that span is of the kind the question asks for",
    "span_role": "that span stands in the role the question's wh-phrase stands in",
    "span_none": "the unit has no candidate span",
    **{f"asks_{c}": f"the question asks for {c}" for c in QUESTION_CLASSES},
    **{
        f"unit_{name}": f"chosen unit: {UNIT_FEATURES[name]}"
        for name in (
            "dense", "coverage", "coverage_exact", "coverage_near", "coverage_soft",
            "missing_soft", "pairs", "run", "elsewhere",
            "missing_names", "missing_numbers", "missing_weight", "missing_max",
            "missing_share", "kind_found", "proximity", "far_from_names", "relation",
            "negation_missing", "negation_extra", "words", "pair", "previous_article",
            "previous_near", "event_missing",
        )
    },
}  # fmt: skip


CONFIDENCE_SIGNS: dict[str, int] = {
    "score": 1, "margin": 1, "share": 1, "unknown": -1, "unknown_other": -1,
    "unknown_share": -1, "unknown_kind": -1,
    "span_share": 1, "span_score": 1, "span_kind": 1, "span_role": 1,
    **{f"unit_{name}": sign for name, sign in UNIT_SIGNS.items()
       if name in {"dense", "coverage", "coverage_exact", "coverage_near", "pairs", "run",
                   "missing_names", "missing_numbers", "missing_weight", "missing_max",
                   "missing_share", "proximity", "far_from_names", "relation",
                   "negation_missing"}},
    "unit_negation_extra": -1,
}  # fmt: skip
