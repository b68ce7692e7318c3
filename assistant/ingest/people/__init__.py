"""Who did what, read from each article when it is indexed: mentions.py finds the people,
countries and bodies a sentence names (and the sessions), propose.py proposes the roles its
words may say with named features, a model fitted on annotated proceedings decides
(model.py), and read.py puts an article's rows together, each with its session and quote."""

from assistant.ingest.people.model import (
    MODEL_PATH,
    PeopleModel,
    feature_set,
    load_people_model,
    save_people_model,
)
from assistant.ingest.people.read import Reading, Session, event_of, read_article, to_parse

__all__ = [
    "MODEL_PATH",
    "PeopleModel",
    "Reading",
    "Session",
    "event_of",
    "feature_set",
    "load_people_model",
    "read_article",
    "save_people_model",
    "to_parse",
]
