"""Who did what: the people table read at index time (the real parser and the shipped people
model over a real index), kept through edits and deletions, and the role, list and count
answers and refusals made from it; the CLI's table and its scoring against gold rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.answering import Answerer
from assistant.config import Settings
from assistant.evaluation.people_gold import GoldRow, same_holder, score
from assistant.roles import RoleRow
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index
from assistant.store.sync import sync_index

from .conftest import run_cli, where, write_article

# A conference none of the training data reports, written for these tests.
REEF = """SUVA, 14 March 2026 — The Pacific Reef Resilience Summit closed on Friday in Suva \
after three days of talks.

Prime Minister Sitiveni Rabuka opened the summit on Wednesday, calling reefs "the walls of our \
house".

The session on coral restoration was chaired by Dr Aroha Ngata of the University of Auckland. \
Speakers included Mele Tupou, Jonah Kealoha and Priya Raman, who presented results from \
nurseries in Tonga, Hawaii and Fiji.

A panel on reef fisheries was moderated by Tomasi Vula, director of the Fiji Fisheries \
Institute.

The delegation of Samoa was led by Fiame Naomi Mata'afa."""


@pytest.fixture(scope="module")
def reef(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings) -> Settings:
    root = tmp_path_factory.mktemp("reef")
    write_article(root / "corpus", "reef.md", "Reef summit closes with funding pledge",
                  "2026-03-14", REEF)  # fmt: skip
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    sync_index(settings, embedder)
    return settings


def held(rows: list[RoleRow], role: str) -> set[str]:
    return {r.person or r.organisation for r in rows if r.role == role}


def test_the_index_reads_who_did_what_with_verbatim_quotes(
    reef: Settings, embedder: LocalEmbeddings
) -> None:
    snapshot = Index(reef, embedder).snapshot()
    rows = snapshot.people()
    assert held(rows, "chair") == {"Aroha Ngata"}
    assert held(rows, "moderator") == {"Tomasi Vula"}
    assert held(rows, "opened") == {"Sitiveni Rabuka"}
    assert held(rows, "head-of-delegation") == {"Fiame Naomi Mata'afa"}
    assert {"Mele Tupou", "Jonah Kealoha", "Priya Raman"} <= held(rows, "speaker") | held(
        rows, "presenter"
    )
    chair = next(r for r in rows if r.role == "chair")
    assert "coral restoration" in chair.session
    assert "University of Auckland" in chair.organisation
    text = snapshot.text("reef")
    for r in rows:
        assert text[r.start : r.end] == r.quote and r.article == "reef"
    assert "Reef Resilience Summit" in snapshot.event("reef")
    assert any("fisheries" in name for name, _, _ in snapshot.sessions("reef"))


def test_role_list_and_count_answers_and_a_refusal(
    reef: Settings, embedder: LocalEmbeddings
) -> None:
    answerer = Answerer(Index(reef, embedder))

    chair = answerer.ask("Who was in the chair for the coral restoration session?")
    assert not chair.refused and chair.short_answer == "Aroha Ngata"
    assert "chaired by Dr Aroha Ngata" in chair.citations[0].quote

    speakers = answerer.ask("Who spoke at the session on restoring corals?")
    assert {c.text for c in speakers.claims} == {"Mele Tupou", "Jonah Kealoha", "Priya Raman"}
    assert all(c.evidence for c in speakers.claims)

    count = answerer.ask("How many people spoke in the coral restoration session?")
    assert count.count == 3 and count.short_answer == "3"
    assert count.text.startswith("3 named in the articles:")

    head = answerer.ask("Who headed Samoa's delegation?")
    assert head.short_answer == "Fiame Naomi Mata'afa"

    # the table knows the session, and that nobody is said to have given its keynote
    nobody = answerer.ask("Who delivered the keynote at the coral restoration session?")
    assert nobody.refused and not nobody.claims
    assert "coral restoration" in nobody.reason and "keynote" in nobody.reason
    unknown = answerer.ask("Who chaired the session on ocean acidification?")
    assert unknown.refused and "no session on ocean acidification" in unknown.reason


def test_the_table_follows_edits_and_deletions(
    indexed: Callable[..., Settings], embedder: LocalEmbeddings, tmp_path: Path
) -> None:
    corpus = tmp_path / "reef-corpus"
    write_article(corpus, "reef.md", "Reef summit", "2026-03-14", REEF)
    settings = indexed(corpus)
    index = Index(settings, embedder)
    assert held(index.snapshot().people("reef"), "chair") == {"Aroha Ngata"}

    edited = REEF.replace("Dr Aroha Ngata", "Professor Lisiate Fonua")
    write_article(settings.corpus_dir, "reef.md", "Reef summit", "2026-03-14", edited)
    sync_index(settings, embedder)
    assert held(index.snapshot().people("reef"), "chair") == {"Lisiate Fonua"}

    (settings.corpus_dir / "reef.md").unlink()
    sync_index(settings, embedder)
    assert index.snapshot().people() == []


@pytest.mark.e2e
def test_the_people_command_and_scoring_against_gold_rows(reef: Settings, tmp_path: Path) -> None:
    listed = run_cli("people", "--role", "chair", "--json", *where(reef))
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["person"], r["role"]) for r in rows] == [("Aroha Ngata", "chair")]

    text = run_cli("people", "--event", "reef", *where(reef))
    assert text.returncode == 0, text.stderr
    assert "Tomasi Vula" in text.stdout and "moderator" in text.stdout

    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "rows:\n"
        "  - {article: reef, person: Aroha Ngata, role: chair, session: coral restoration}\n"
        "  - {article: reef, person: Tomasi Vula, role: moderator, session: reef fisheries}\n"
        "  - {article: reef, person: Viliami Taufa, role: keynote}\n",
        encoding="utf-8",
    )
    scored = run_cli("eval", "--roles", str(gold), "--report", str(tmp_path / "report"),
                     *where(reef))  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    report = json.loads((tmp_path / "report" / "people.json").read_text(encoding="utf-8"))
    assert report["metrics"]["recall"] == pytest.approx(2 / 3)
    assert any("Viliami Taufa" in str(m) for m in report["missed"])

    bad = tmp_path / "bad.yaml"
    bad.write_text("rows:\n  - {article: reef, person: X, role: juggler}\n", encoding="utf-8")
    failed = run_cli("eval", "--roles", str(bad), *where(reef))
    assert failed.returncode != 0 and "juggler" in failed.stderr and "bad.yaml" in failed.stderr


def test_holders_are_matched_by_name_country_and_body() -> None:
    assert same_holder("Dr K. Bangarurajan", "Bangarurajan")
    assert same_holder("the Philippines", "Philippine")
    assert not same_holder("Mele Tupou", "Mele Kealoha")
    assert not same_holder("Japan", "China")


def test_scoring_counts_a_row_once_and_by_event() -> None:
    def row(person: str, role: str, article: str) -> RoleRow:
        return RoleRow(person, role, "", "", "", article, None, "q", 0, 1, 0.9)

    gold = [GoldRow("", "a", "Ana Lima", "chair", "", ""),
            GoldRow("", "a", "Ben Osei", "speaker", "", "")]  # fmt: skip
    predicted = [row("Ana Lima", "chair", "b"), row("Ana Lima", "speaker", "a")]
    alone = score(predicted, gold)  # every article its own event: "b" holds no gold row
    assert alone["precision"] == 0 and alone["recall"] == 0
    same_event = score(predicted, gold, {"a": "summit", "b": "summit"})
    assert same_event["precision"] == 0.5 and same_event["recall"] == 0.5


ATOLL = """<html><head><title>Atoll freshwater talks close in Tarawa</title></head><body>
<nav>Home | World | Pacific</nav>
<article><h1>Atoll freshwater talks close in Tarawa</h1>
<p>TARAWA, 3 May 2026 — The Atoll Freshwater Ministerial closed on Friday in Tarawa with a
joint plan to protect the groundwater lenses that low islands drink from.</p>
<p>Ministers agreed to share rainfall and salinity data every month and to meet again next year
in Majuro, where the plan's first results will be reviewed.</p>
<p>The heads of delegation at the ministerial were:</p>
<table><tr><th>Country</th><th>Head of delegation</th></tr>
<tr><td>Tuvalu</td><td>Simon Kofe</td></tr>
<tr><td>Malaysia</td><td>Norhayati binti Ismail</td></tr>
<tr><td>Spain</td><td>Javier de la Torre Olmedo</td></tr></table>
<p>Delegates said the hardest part would be paying for the desalination units that the plan
asks every island to keep in reserve for droughts.</p>
</article><footer>Copyright 2026 Pacific Wire</footer></body></html>"""


def test_a_web_page_table_of_delegations_answers_in_other_words(
    indexed: Callable[..., Settings], embedder: LocalEmbeddings, tmp_path: Path
) -> None:
    corpus = tmp_path / "atoll"
    corpus.mkdir()
    (corpus / "atoll.html").write_text(ATOLL, encoding="utf-8")
    index = Index(indexed(corpus), embedder)
    text = index.snapshot().text("atoll")
    assert "Country: Malaysia; Head of delegation: Norhayati binti Ismail" in text
    assert held(index.snapshot().people(), "head-of-delegation") == {
        "Simon Kofe", "Norhayati binti Ismail", "Javier de la Torre Olmedo"}  # fmt: skip
    answerer = Answerer(index)
    misspelt = answerer.ask("Who led Malaysia's delegaton at the Tarawa ministerial?")
    assert misspelt.short_answer == "Norhayati binti Ismail"
    assert misspelt.citations[0].quote.startswith("Country: Malaysia")
    spain = answerer.ask("who headed the spanish team")
    assert spain.short_answer == "Javier de la Torre Olmedo"


def test_names_with_particles_misspelt_role_words_and_event_numbers() -> None:
    from assistant.answering.people.events import event_numbers as _numbering
    from assistant.ingest import nlp
    from assistant.ingest.people.mentions import holders
    from assistant.language import mend_spelling
    from assistant.roles import cue_roles, role_words

    text = "Mohamed Lemine ould Cheikh presented the plan, and Joost van der Meer spoke."
    doc = nlp.parse(text)
    found = holders(doc, 0, text, [(e.start_char, e.end_char, e.label_) for e in doc.ents])
    assert [m.name for m in found] == ["Mohamed Lemine ould Cheikh", "Joost van der Meer"]

    def mend(q: str) -> str:
        return mend_spelling(q, role_words(), cue_roles())

    assert mend("who headed india's delegaiton") == "who headed india's delegation"
    assert mend("Who spoke at the closing sesion") == "Who spoke at the closing session"
    assert mend("Who met Delegaton Smith") == "Who met Delegaton Smith"  # a name is kept
    # a headline's "second day" or "Nine countries" numbers no event; "ninth session" does
    assert _numbering("", "Talks enter second day as nine countries sign") == set()
    assert _numbering("ninth session of the Commission (EASPC-9)", "") == {"9"}
    assert _numbering("", "Report of meeting 284") == {"284"}
    # "Who announced the pledge?" asks who said that, not who spoke
    from assistant.answering.people.asked import read_role_question

    assert read_role_question("Who announced the pledge?").said == "pledg"
    assert read_role_question("Who delivered the keynote speech?").said == ""


# Two articles of one conference, neither naming it in its title (a byline and a dateline come
# first; one calls it only "the tidal energy summit"), and one of another conference whose name
# shares only the word "International" with it.
TIDAL = [
    (
        "tidal-opening.txt",
        """Ministers gather on the quayside as tidal power comes of age

By Ewan Rhys

HALIFAX, May 4 (NWS) - Energy ministers from 30 countries met on Monday for the Second \
International Ministerial Conference on Tidal Energy, hoping to agree common standards for \
turbines in fast-flowing straits.

Deputy Premier Johannes Aalto, who was elected president of the conference on Monday, said \
the meeting had to end with "rules, not brochures".

The panel on turbine standards included Ines Varga of the Danube Energy Agency and Tomas \
Lindgren of Sweden's Marine Power Board.""",
    ),
    (
        "tidal-local.md",
        """---
title: Quayside diary
date: 2026-05-05
---
A busy second day at the tidal energy summit in Halifax.

Grace Okonkwo of the Niger Delta Power Authority was also on the panel on turbine standards, \
and her remarks on grid access drew the loudest applause.""",
    ),
    (
        "reef-congress.md",
        """---
title: Scientists meet on reef restoration
date: 2026-05-05
---
The Fourth International Congress on Coral Reef Restoration opened in Cairns on Tuesday.

The panel on nursery methods included Hana Kato of the Okinawa Reef Institute and Luis \
Ortega of the Caribbean Coral Trust.""",
    ),
]


def test_events_are_named_past_a_byline_and_told_apart_by_meaning(
    indexed: Callable[..., Settings], embedder: LocalEmbeddings, tmp_path: Path
) -> None:
    from assistant.answering.people.table import PeopleView

    corpus = tmp_path / "tidal"
    corpus.mkdir()
    for name, text in TIDAL:
        (corpus / name).write_text(text, encoding="utf-8")
    index = Index(indexed(corpus), embedder)
    snapshot = index.snapshot()
    assert snapshot.event("tidal-opening").startswith(
        "Second International Ministerial Conference on Tidal Energy"
    )
    view = PeopleView.of(snapshot, embedder)
    events = view.event_of
    assert events["tidal-opening"] == events["tidal-local"] != events["reef-congress"]
    assert held(snapshot.people(), "president") == {"Johannes Aalto"}
    # the list gathers the panel over both articles of the event, and none of the other
    answer = Answerer(index).ask("Who was on the turbine standards panel in Halifax?")
    shown = answer.text
    assert all(n in shown for n in ("Ines Varga", "Tomas Lindgren", "Grace Okonkwo")), shown
    assert "Hana Kato" not in shown and "Ortega" not in shown
    # the articles report the second conference: who will preside over the third, not said
    later = Answerer(index).ask("Who will be president of the third ministerial conference "
                                "on tidal energy?")  # fmt: skip
    assert later.refused and "Aalto" not in later.text, later.text


def test_sessions_documents_and_names_the_recogniser_called_places() -> None:
    from assistant.ingest import nlp
    from assistant.ingest.people.mentions import holders, person_words
    from assistant.ingest.people.propose import names_a_document
    from assistant.ingest.people.sessions import sessions

    text = "Delegates elected the ministry's head, Johannes Kauapirura, as president."
    doc = nlp.parse(text)
    entities = [(text.index("Johannes"), text.index("Johannes") + 8, "GPE"),
                (text.index("Kauapirura"), text.index("Kauapirura") + 10, "GPE")]  # fmt: skip
    found = holders(doc, 0, text, entities, person_words(text, entities))
    assert [(m.name, m.kind) for m in found] == [("Johannes Kauapirura", "person")]
    # "one of the most anticipated sessions" names no session; "the panel on X" does
    sentence = "The panel on carbon credits was one of the most anticipated sessions of the week."
    assert [name for *_, name in sessions(nlp.parse(sentence), 0)] == ["panel on carbon credits"]
    # a session's title in quotes is part of its name: asked by its topic, it is found
    sentence = ('The first panel of the week, titled "Low Water, High Stakes", drew the largest '
                "crowd.")  # fmt: skip
    assert [name for *_, name in sessions(nlp.parse(sentence), 0)] == [
        'first panel "Low Water, High Stakes"'
    ]
    # a numbered session keeps its number and its capitalised topic ("I" is no pronoun here)
    sentence = ("Working Group I on Market Access and Living Income met under the chairmanship "
                "of Honduras's Minister of Agriculture, Óscar Funes Aguilar.")  # fmt: skip
    assert [name for *_, name in sessions(nlp.parse(sentence), 0)] == [
        "Working Group I on Market Access and Living Income"
    ]
    sentence = "Panel 2: Zero-Emission Fleets and Green Ports was moderated by Nana Boateng."
    assert [name for *_, name in sessions(nlp.parse(sentence), 0)] == [
        "Panel 2 on Zero-Emission Fleets and Green Ports"
    ]
    assert names_a_document("the Montevideo Charter") and not names_a_document("Ines Varga")
    assert names_a_document("Kuopio Call")  # "the Kuopio Call to Action", cut by the parser
    assert not names_a_document("Convention on Biological Diversity")  # a body, not a text
    # a place the article's people share a word with stays a place ("the meeting in Victoria")
    text = "The meeting in Victoria was chaired by Santos."
    doc = nlp.parse(text)
    entities = [(15, 23, "GPE"), (text.index("Santos"), len(text) - 1, "GPE")]
    found = holders(doc, 0, text, entities, frozenset({"Victoria", "Santos"}))
    assert [(m.name, m.kind) for m in found] == [("Victoria", "country"), ("Santos", "person")]


def test_a_numbered_event_keeps_its_number() -> None:
    from assistant.ingest.people.read import event_of
    from assistant.types import Article

    # "Meeting 284" and "Meeting 291" are two events: a name cut to "Meeting" made every
    # report of the series one event, and a chair of one answered for all
    for number, city in (("114", "Lima"), ("284", "Accra"), ("291", "Quito")):
        text = (f"Meeting {number} of the regional enforcement network was held in {city}, "
                f"with delegations from 12 countries.\n\nMeeting {number} was chaired by "
                "Ana Ruiz.")  # fmt: skip
        article = Article(f"m{number}", "", f"Report of meeting {number}", "", "", text, "")
        assert number in event_of(article), event_of(article)


def test_an_event_is_named_whole_past_a_headline_a_bracket_and_a_duration() -> None:
    from assistant.ingest.people.read import event_of
    from assistant.types import Article

    def named(title: str, text: str) -> str:
        return event_of(Article("a", "", title, "", "", text, ""))

    # a headline's short form, then the story's full name: the full name
    assert (
        named(
            "Fourth World Forum closes with adoption of the Pereira Declaration",
            "PEREIRA, Colombia - The Fourth World Forum of Smallholder Coffee Producers "
            "closed on Thursday.",
        )
        == "Fourth World Forum of Smallholder Coffee Producers"
    )
    # an acronym's bracket the parser cut open, and how long the meeting ran, are no name
    assert named("Declaration signed", "It closed the Fifth General Assembly of the Global "
                 "Alliance of Election Commissions (GAEC), a body of 87 commissions.") == (
        "Fifth General Assembly of the Global Alliance of Election Commissions")  # fmt: skip
    assert not named("River summit opens", "Ministers gathered for the three-day ministerial "
                     "meeting on inland navigation.").startswith("day")  # fmt: skip


def test_events_are_compared_only_with_articles_near_them_in_time() -> None:
    import datetime as dt

    import numpy as np

    from assistant.answering.people.events import DAYS_APART, _close_pairs

    # every pair a comparison of all with all would keep, found without comparing all
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    start = dt.date(2026, 1, 1)
    dates = ["" if n % 7 == 0 else "bad-date" if n % 31 == 0
             else (start + dt.timedelta(days=int(rng.integers(0, 200)))).isoformat()
             for n in range(300)]  # fmt: skip

    def day(d: str) -> int | None:
        try:
            return dt.date.fromisoformat(d).toordinal()
        except ValueError:
            return None

    expected = [
        (x, y) for x in range(300) for y in range(x + 1, 300)
        if float(vectors[x] @ vectors[y]) >= 0.3
        and (day(dates[x]) is None or day(dates[y]) is None
             or abs(day(dates[x]) - day(dates[y])) <= DAYS_APART)
    ]  # fmt: skip
    assert [(x, y) for x, y, _ in _close_pairs(vectors, dates, 0.3)] == expected
    assert len(expected) > 100


def test_a_number_in_the_event_name_stays_in_the_search_text() -> None:
    from assistant.answering.question.analysis import analyse, without_event

    # of 10,000 meeting reports the number is what tells the one asked about
    q = analyse("Who chaired Meeting 284 of the Regional Enforcement Network in Lima?")
    named = tuple(t.word in {"meeting", "regional", "enforcement", "network"} for t in q.terms)
    text = without_event(q, named)
    assert "284" in text and "Network" not in text and "Lima" in text, text


def test_the_word_that_says_one_role_and_a_name_that_holds_a_cue_word() -> None:
    from assistant.ingest import nlp
    from assistant.ingest.people.mentions import holders, person_words
    from assistant.ingest.people.propose import propose

    def proposed(text: str) -> set[tuple[str, str, str]]:
        entities = nlp.entities([text])[0]
        found = holders(nlp.parse(text), 0, text, entities, person_words(text, entities))
        return {(c.holder.name, c.role, c.cue) for c in propose(nlp.parse(text), 0, found, 0,
                                                                 len(text))}  # fmt: skip

    # "chair" may say a chair or a moderator; "moderator" says only the one: both are proposed
    took = proposed("Dr Naledi Mokoena took the moderator's chair at the panel on helmets.")
    assert ("Naledi Mokoena", "moderator", "moderator") in took, took
    assert ("Naledi Mokoena", "chair", "chair") in took, took
    # "Said" is her name, not a verb: it proposes no one as a speaker
    led = proposed("It was led by Dr Amani Said, with Dr Felix Brandt acting as rapporteur.")
    assert not [c for c in led if c[2] == "Said"], led
    assert ("Felix Brandt", "other", "rapporteur") in led, led
    # a role written as a title before the name still says it
    titled = proposed("Moderator Ana Ruiz opened the debate on fishing quotas.")
    assert any(role == "moderator" for _, role, _ in titled), titled
    # a prize the recogniser calls a person keeps the word that says it
    prize = proposed("The Road Safety Champion Award went to Commissioner Adaeze Okafor.")
    assert ("Adaeze Okafor", "award", "Award") in prize, prize


def test_one_session_written_two_ways_in_two_articles_of_the_event() -> None:
    from types import SimpleNamespace

    from assistant.answering.people.sessions import _written_otherwise

    def joined(names: list[str], matched: str, asked: set[str], other: str = "") -> set[str]:
        events = {n: {"road"} for n in names} | ({other: {"else"}} if other else {})
        view = SimpleNamespace(session_events=lambda: events)
        return _written_otherwise(view, {matched}, names, asked)

    wednesday = "Wednesday morning's panel on motorcycle safety"
    asked = {"motorcycle", "safety"}
    # its words, times aside, among the matched name's, one of them asked, the same day
    assert joined([wednesday, "Wednesday's motorcycle panel", "panel on helmets",
                   "the Tuesday panel", "Thursday's motorcycle panel",
                   "the session on safety of motorcycle couriers"], wednesday, asked) == {
        "Wednesday's motorcycle panel"}  # fmt: skip
    # not of another event, nor with none of the words asked about
    assert joined([wednesday, "Wednesday's motorcycle panel"], wednesday, {"safety"}) == set()
    short = "Wednesday's motorcycle panel"
    assert joined([wednesday, short], wednesday, asked, other=short) == set()
    # undated: the same session unless a name like it is of another day
    undated = "the motorcycle panel"
    assert joined([wednesday, undated], wednesday, asked) == {undated}
    assert joined([wednesday, undated, "Thursday's motorcycle panel"], wednesday, asked) == set()
    # the matched name undated: a dated name joins unless a name like it is of another day
    long = "panel on motorcycle safety in poorer countries"
    assert joined([long, short], long, asked) == {short}
    assert joined([long, short, "Thursday's motorcycle panel"], long, asked) == set()
    # "the technical session" is not "the technical session on drug trafficking" when human
    # trafficking is asked about
    drugs = "technical session on drug trafficking"
    assert joined([drugs, "technical session"], drugs, {"human", "trafficking"}) == set()


def test_the_sync_keeps_each_event_names_vector(reef: Settings, embedder: LocalEmbeddings) -> None:
    import numpy as np

    from assistant.answering.people.table import _events

    snapshot = Index(reef, embedder).snapshot()
    (article,) = snapshot.articles()
    kept = snapshot.event_vector(article.id)
    assert kept is not None
    expected = np.asarray(embedder.encode([snapshot.event(article.id) or article.title]))[0]
    assert np.allclose(kept, expected, atol=2e-3)

    class Counting:
        def __init__(self) -> None:
            self.texts: list[str] = []

        def encode(self, texts: list[str]) -> object:
            self.texts += texts
            return embedder.encode(texts)

    # a process's first role question groups the articles into events encoding nothing
    counting = Counting()
    assert _events(snapshot, snapshot.articles(), counting) == {article.id: article.id}
    assert counting.texts == []


def test_an_edited_article_gets_its_new_event_names_vector(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    import numpy as np

    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    for name, event in (("a.md", "Summit on Tidal Power"), ("b.md", "Forum on Reef Fisheries")):
        write_article(settings.corpus_dir, name, f"The {event} closes", "2026-03-14",
                      f"The {event} opened in Suva on Monday. Ana Ruiz chaired it.")  # fmt: skip
    sync_index(settings, embedder)
    kept = Index(settings, embedder).snapshot().event_vector("b")
    soils = "The Congress on Volcanic Soils"
    write_article(settings.corpus_dir, "b.md", f"{soils} closes", "2026-03-14",
                  f"{soils} opened in Suva on Monday.")  # fmt: skip
    (settings.corpus_dir / "a.md").unlink()
    sync_index(settings, embedder)
    snapshot = Index(settings, embedder).snapshot()
    assert snapshot.event_vector("a") is None
    now = snapshot.event_vector("b")
    assert kept is not None and now is not None and not np.allclose(kept, now, atol=1e-2)
    expected = np.asarray(embedder.encode([snapshot.event("b") or "x"]))[0]
    assert np.allclose(now, expected, atol=2e-3)


def test_a_prize_the_question_names_is_the_one_answered() -> None:
    from assistant.answering.people.prizes import names_words, prize_words

    asked = prize_words("who received the IMCA Sphagnum Medal this year")
    assert asked == {"imca", "sphagnum"}
    assert names_words("The IMCA Sphagnum Medal was awarded to Nurhayati.", asked)
    assert not names_words("The IMCA Lifetime Achievement Award went to Gunnar Halvorsen.", asked)
    assert prize_words("Who won an award at the forum?") == set()  # no prize named: any
    asked = prize_words(
        "Which institution received the award for institutional excellence at IFNAL?"
    )
    assert asked == {"institutional", "excellence"}
    assert not names_words("The IFNAL Memory of Nations Award went to Amina Diallo.", asked)
    assert prize_words("Who won the Women in Science Award?") == {"women", "science"}
    assert prize_words("Which Award did she win?") == set()
    # the kind of event names no prize: "the Green Ports Summit" asks for every award there
    from types import SimpleNamespace

    from assistant.answering.people.prizes import names_a_prize, only_prize
    from assistant.answering.people.reply import _specifics

    view = SimpleNamespace(titles={"a": "Ports meet in Valencia"},
                           names={"e": "Green Ports Summit"}, event_of={"a": "e"},
                           persons=[])  # fmt: skip
    assert _specifics("Who won awards at the Green Ports Summit 2025?", view, {"a"}) == []
    assert _specifics("Who won the Blue Harbour Prize at the summit?", view, {"a"}) == [
        {"blue", "harbour", "prize"}]  # fmt: skip
    # a quote that names no prize may stand in a paragraph that does ("... received the Young
    # Innovator Award. Fatima Bello ... was honoured alongside Joseph Tetteh ...")
    assert not names_a_prize("Fatima Bello was honoured alongside Joseph Tetteh.")
    assert names_a_prize("The IMCA Lifetime Achievement Award went to Gunnar Halvorsen.")
    innovator = {"young", "innovator"}
    said = "Two received the Young Innovator Award. Fatima Bello was honoured with Joe Tetteh."
    assert only_prize(said, innovator)
    assert not only_prize(f"{said} The Lifetime Award went to Gunnar Halvorsen.", innovator)
    # ... the prize named last before the quote, when two are named ("collected the award"
    # names none of its own)
    gala = ("Modise was handed the Young Professional Prize. The top honour, the GAEC Award for "
            "Excellence, went to the Fiji Authority. Its chief, Josefa Naivalu, collected the "
            "award.")  # fmt: skip
    collected = "Its chief, Josefa Naivalu, collected the award."
    assert not names_a_prize(collected)
    assert only_prize(gala, {"gaec"}, collected)
    assert not only_prize(gala, {"young", "professional"}, collected)


def test_a_sentence_that_says_no_such_role_does_not_answer_who_held_it() -> None:
    from assistant.answering.people.asked import read_role_question
    from assistant.answering.pipeline import _says_a_role

    keynote = read_role_question("Who was the keynote speaker at the IFNAL General Assembly?")
    assert keynote is not None
    assert not _says_a_role("Secretary-General Jean-Baptiste Moreau closed the assembly.", keynote)
    assert _says_a_role("Prof. Ana Ruiz gave the keynote address on Monday.", keynote)
    led = read_role_question("Who led Japan's team?")
    assert led is not None and _says_a_role("Japan's delegation was headed by Ken Ito.", led)


def test_a_sentence_answer_quotes_the_sentence_that_says_the_role(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    write_article(settings.corpus_dir, "andes.md", "Andean water forum ends in Arequipa",
                  "2026-10-09", ANDES)  # fmt: skip
    sync_index(settings, embedder)
    answer = Answerer(Index(settings, embedder)).ask(
        "Which country will chair the steering committee of the Andean Water Forum from 2027?"
    )
    assert "Peru" in answer.text, answer.text
    assert all("chair" in c.quote for claim in answer.claims for c in claim.evidence), answer.text


ANDES = """The third Andean Water Forum closed in Arequipa on Thursday after three days of talks \
on glacier loss and irrigation.

The forum agreed to meet again in two years. The decision was announced by Marta Quispe, \
Peru's vice-minister for water resources, who said her country would host the next meeting \
"before the dry season, not after it". Peru will also chair the forum's steering committee \
from March 2027.

Delegates from Bolivia, Chile, Colombia and Ecuador attended."""


def test_an_article_calling_its_event_by_its_place_joins_the_event_there() -> None:
    import numpy as np

    from assistant.answering.people.events import group_events

    # "the Montevideo assembly" is the one event near its date that names Montevideo; the
    # names are unlike (orthogonal vectors) so only the place joins them
    articles = [
        ("wire", "Twelfth General Assembly of the International Federation of Archives",
         "Archivists sign Montevideo charter", "2026-06-18"),
        ("local", "Montevideo assembly", "Archivists open Montevideo assembly", "2026-06-16"),
        ("bees", "Fourth Conference on Pollinators", "Pollinator talks open in Montevideo",
         "2026-09-02"),
        ("other", "Lima assembly", "Archivists meet in Lima", "2026-06-16"),
    ]  # fmt: skip
    vectors = np.eye(4, dtype=np.float32)
    found = group_events(articles, vectors)
    assert found[0] == found[1], found  # joined: the event in Montevideo that week
    assert found[2] != found[1] and found[3] != found[1], found  # months later; no place named
    # two events that week in Montevideo: which one it reports is not known, none is joined
    both = [*articles[:2], ("bees", "Fourth Conference on Pollinators",
                            "Pollinator talks open in Montevideo", "2026-06-17")]  # fmt: skip
    found = group_events(both, np.eye(3, dtype=np.float32))
    assert found[1] not in {found[0], found[2]}, found
    # ... also when it was grouped with one of them already: the two are never joined
    grouped = np.eye(3, dtype=np.float32)
    grouped[1] = grouped[0]  # "Montevideo assembly" means what the first name means
    found = group_events(both, grouped)
    assert found[2] != found[0], found
    # a text named after a city names no meeting there; two undated articles are not joined
    paris = [("bonn", "Bonn climate talks", "Bonn talks review Paris Agreement", "2026-06-16"),
             ("local", "Paris meeting", "Ministers meet in Paris", "2026-06-17"),
             ("wire", "Lima assembly", "Archivists meet in Lima", ""),
             ("other", "Twelfth Assembly of Archivists", "Archivists in Lima", "")]  # fmt: skip
    found = group_events(paris, np.eye(4, dtype=np.float32))
    assert len(set(found)) == 4, found


def test_a_dateline_names_the_place_an_article_calling_its_event_by_its_place_joins() -> None:
    import numpy as np

    from assistant.answering.people.events import dateline_place, group_events

    assert dateline_place("Forum opens\n\nPEREIRA, Colombia, Sept 14 (Meridian) - Growers") == (
        "PEREIRA"
    )
    assert dateline_place("By A B\n\nRuse, Bulgaria — Ministers met") == "Ruse"
    assert dateline_place("Growers met in Pereira on Monday.") == ""
    # "the Pereira forum" and a story filed from Pereira that week whose title and name do
    # not say the place; a story filed from elsewhere is not joined
    articles = [
        ("trade", "Pereira forum", "Pereira forum: hedging and shade trees", "2026-09-16"),
        ("wire", "Fourth World Forum of Smallholder Coffee Producers",
         "Smallholder coffee forum opens in Colombia", "2026-09-14"),
        ("other", "Fifth General Assembly of Election Commissions", "Election chiefs gather",
         "2026-09-15"),
    ]  # fmt: skip
    places = ["", "PEREIRA", "WINDHOEK"]
    found = group_events(articles, np.eye(3, dtype=np.float32), places=places)
    assert found[0] == found[1] != found[2], found
    assert len(set(group_events(articles, np.eye(3, dtype=np.float32)))) == 3


def test_question_words_that_say_when_a_vice_role_and_a_misspelt_country() -> None:
    from assistant.answering.people.asked import read_role_question
    from assistant.language import mend_spelling
    from assistant.roles import cue_roles, role_words

    keynote = read_role_question("Who gave the keynote speech when the coffee forum kicked off?")
    assert keynote is not None and keynote.roles == {"keynote"}, keynote  # not who opened it
    vice = read_role_question("who was vice president of WFSCP-4")
    assert vice is not None and vice.roles == {"other"} and "vice" in vice.cues, vice
    led = read_role_question("Who led the Chilean delegation at the General Assembly?")
    assert led is not None and led.roles == {"head-of-delegation"}, led  # not its president
    panel = read_role_question("Who moderated Panel 2 on zero-emission fleets at the Ruse meeting?")
    assert panel is not None and panel.session == "Panel 2 on zero-emission fleets", panel
    slip = read_role_question("who led the Indonesain delegation at MCIWN-2?")
    assert slip is not None and slip.place == "Indonesia", slip
    from assistant.answering.people.events import asked_numbers

    # the number a question gives its event by (not a session's: "the first session")
    assert asked_numbers("Who will speak at the sixth GAEC general assembly?") == {"6"}
    assert asked_numbers("who was the keynote speaker at GA-5") == {"5"}
    assert asked_numbers("Who chaired the first session?") == set()
    assert asked_numbers("Who chaired meeting 284?") == {"284"}
    assert asked_numbers("Who chaired Session 3?") == set()
    # what a person belongs to is read from their rows, with the sentence that says it
    from assistant.answering.people.whose import asks_whose, whose
    from assistant.roles import RoleRow

    assert asks_whose("which country is he from?") == "country"
    assert asks_whose("Which institute does Nana Boateng run?") == "body"
    assert asks_whose("Which countries signed the declaration?") == ""
    assert asks_whose("Which country does Dr Elin Sandvik, who presented, come from?") == (
        "country")  # fmt: skip
    quote = "Nana Boateng, director of the West African Shipping Institute, anchored the debate."
    rows = [
        RoleRow(
            "Nana Boateng",
            "moderator",
            "",
            "West African Shipping Institute",
            "",
            "a",
            None,
            quote,
            0,
            len(quote),
            0.9,
        ),
        RoleRow("Ana Ruiz", "chair", "", "Peru", "", "a", None, "Ana Ruiz (Peru)", 0, 9, 0.9),
    ]
    assert whose(rows, "Boateng", "body")[0] == "West African Shipping Institute"
    assert whose(rows, "Ana Ruiz", "country")[0] == "Peru"
    assert whose(rows, "Boateng", "country") == ("", [])  # the rows name no country of hers
    # a word holding a role's word whole is no slip for it
    mended = mend_spelling("the zero-emission fleets delegaton", role_words(), cue_roles())
    assert mended == "the zero-emission fleets delegation", mended


def test_a_list_said_in_the_sentence_after_its_role_and_a_name_run_over_a_comma() -> None:
    from assistant.ingest import nlp
    from assistant.ingest.people.mentions import holders, person_words
    from assistant.ingest.people.read import read_article, to_parse
    from assistant.ingest.people.rows import table_candidates
    from assistant.ingest.people.sessions import sessions
    from assistant.types import Article

    text = ("The panel on carbon credits was moderated by Matthias Grünwald. Grünwald had "
            "assembled a bench of panellists. Anjali Deshpande of the Peat Carbon Standard sat "
            "beside Hanna Virtanen of Järvimetsä Oy and Oliver Pennington.\n\nAnjali Deshpande "
            "and Hanna Virtanen met for lunch.")  # fmt: skip
    article = Article("a", "", "Bog money", "", "", text, "")
    ends = [text.index(s) for s in ("Grünwald had", "Anjali Deshpande of", "\n\nAnjali")]
    sentences = list(zip([0, *ends[:2], ends[2] + 2], [*ends, len(text)], strict=True))
    entities = nlp.entities([text])[0]
    # the list after "a bench of panellists" is read; the one in the next paragraph is not
    assert sentences[2] in to_parse(text, sentences, entities)
    assert sentences[3] not in to_parse(text, sentences, entities)
    reading = read_article(article, sentences, entities)
    carried = {(c.holder.name, c.role) for c in reading.candidates if c.start == sentences[2][0]}
    assert {("Anjali Deshpande", "panelist"), ("Oliver Pennington", "panelist")} <= carried
    assert not {role for _, role in carried} & {"speaker"}  # what was said is not handed on
    # a sentence opening with the surname of a person named before is read ("Donnelly said")
    text = ("Australia's team was headed by Peter Donnelly.\n\nDonnelly said the money would "
            "pay for patrol flights.\n\nPatrol flights said little.")  # fmt: skip
    bounds = [(0, 46), (48, 101), (103, len(text))]
    assert to_parse(text, bounds, nlp.entities([text])[0])[1:] == [bounds[1]]
    # "Minister of Education and Culture, Verónica Sastre" called one place: she is a person
    said = "Uruguay's Minister of Education and Culture, Verónica Sastre, opened the assembly."
    found = nlp.entities([said])[0]
    named = holders(nlp.parse(said), 0, said, found, person_words(said, found))
    assert ("Verónica Sastre", "person") in {(m.name, m.kind) for m in named}, named
    # "Dr Aroha Ngata of Archives New Zealand" called a body: she is a person, of the body
    led = ("A session on Indigenous records and community archives, led by Dr Aroha Ngata of "
           "Archives New Zealand, preceded the vote.")  # fmt: skip
    found = nlp.entities([led])[0]
    named = holders(nlp.parse(led), 0, led, found, person_words(led, found))
    assert {("Aroha Ngata", "person"), ("Archives New Zealand", "body")} <= {
        (m.name, m.kind) for m in named}, named  # fmt: skip
    # ... and the session is named without the clause set off after it
    assert [n for *_, n in sessions(nlp.parse(led), 0)] == [
        "session on Indigenous records and community archives"]  # fmt: skip
    # a delegation table's "Title" is its head's title, not a session
    # a role a cell's value says after its last comma is its items' ("..., moderator")
    row = "Session: Panel 1: Climate Resilience; Chair / moderator: Hanna Winter (IWCC), moderator"
    said = table_candidates(row, 0, len(row), holders(nlp.parse(row), 0, row,
                                                      nlp.entities([row])[0]))  # fmt: skip
    assert {c.role for c in said} == {"moderator"}, said
    row = "Country: Nigeria; Head of delegation: Ibrahim Lawal; Title: Corps Marshal"
    heads = table_candidates(row, 0, len(row), holders(nlp.parse(row), 0, row,
                                                       nlp.entities([row])[0]))  # fmt: skip
    assert heads and all(c.session == "" for c in heads), heads
    # ... and "Country / body" is a header of holders: its value the signatory's country
    row = "Country / body: Chile; Signatory: Tomás Echeverría Larraín; Title: Ambassador"
    signed = table_candidates(row, 0, len(row), holders(nlp.parse(row), 0, row,
                                                        nlp.entities([row])[0]))  # fmt: skip
    assert signed and all((c.organisation, c.session) == ("Chile", "") for c in signed), signed


def test_a_title_given_is_a_prize_and_delegations_ask_for_a_list() -> None:
    from assistant.answering.people.asked import read_role_question

    champion = read_role_question("Which official was named IRSP Road Safety Champion?")
    assert champion is not None and champion.roles == {"award"}, champion
    for asked, role in (("Who was named Rapporteur of the session?", "other"),
                        ("Who was named President of the Assembly?", "president")):  # fmt: skip
        named = read_role_question(asked)
        assert named is not None and named.roles == {role}, named
    signed = read_role_question("Which countries were named as signatories?")
    assert signed is not None and signed.roles == {"signatory"}, signed
    heads = read_role_question("Who headed the African delegations at the road safety summit?")
    assert heads is not None and heads.several and heads.roles == {"head-of-delegation"}, heads
    assert heads.place == "Africa"  # a region: its countries' heads, not all of them
    from assistant.answering.people.whose import of_place as _of_place
    from assistant.roles import RoleRow

    def head(country: str, quote: str = "") -> RoleRow:
        return RoleRow("A B", "head-of-delegation", "", country, "", "a", None, quote, 0, 1, 1.0)

    assert _of_place(head("Namibia"), "Africa") and not _of_place(head("Sweden"), "Africa")
    assert _of_place(head("", "Ghana's delegation was led by A B."), "Africa")
    congo = "The Republic of Congo was represented by A B, who led a delegation of eight."
    assert _of_place(head("", congo), "Republic of the Congo")
    assert not _of_place(head("", congo), "Congo")  # the DRC is another country
    visit = "Minister Jane Otieno led a delegation to the summit in Kenya."
    assert not _of_place(head("", visit), "Kenya")  # where the summit was, not hers
    latin = read_role_question("Which Latin American ministers spoke at the summit?")
    assert latin is not None and latin.place == "Latin America", latin  # not the US
    assert _of_place(head("Peru"), "Latin America") and not _of_place(head("Spain"), latin.place)
    forum = read_role_question("Who chaired the Asia-Pacific forum on fisheries?")
    assert forum is not None and forum.place == "", forum
    # who was to hold a role and did not is not the table's to say; who stood in is
    assert read_role_question("And who was originally supposed to moderate it?") is None
    assert read_role_question("Who was due to chair the session on ports?") is None
    assert read_role_question("Who initially chaired the panel?") is not None
    from assistant.answering.people.asked import asks_who_did_not, says_not_held

    # ... and the sentence it is answered from must say so, not name who did
    assert asks_who_did_not("And who was originally meant to do it?")
    assert says_not_held("Lukas Brenner, who had been billed as moderator, withdrew.")
    assert not says_not_held("The panel was moderated by Kenyan broadcaster Daniel Mwangi.")
    assert not says_not_held("Grace Bishop stepped in as moderator at short notice.")
    assert read_role_question("Who chaired the session postponed due to rain?") is not None
    stand_in = read_role_question("Who stood in for Tom Ashworth as moderator?")
    assert stand_in is not None and stand_in.roles == {"moderator"}, stand_in
    # the words of a document's name ask for no role: "Call" is no speaker's
    call = read_role_question("Which countries endorsed the Kuopio Call to Action on Rewetting?")
    assert call is not None and call.roles == {"signatory"}, call


def test_an_event_is_told_by_a_word_of_its_name_in_another_form() -> None:
    from types import SimpleNamespace

    from assistant.answering.people.asked import read_role_question
    from assistant.answering.people.naming import named_person
    from assistant.answering.people.scope import scope_of
    from assistant.answering.people.table import PeopleView

    view = PeopleView.__new__(PeopleView)
    view.names = {"bees": "Fourth Conference on Pollinators", "road": "Road Safety Summit"}
    view._members = {"bees": ["b1"], "road": ["r1"]}
    view.titles = {"b1": "", "r1": ""}
    view._named, view._called = {"b1": "", "r1": ""}, {}
    view.dates = {"b1": "", "r1": ""}
    view._told, view._telling = {}, None
    view._lock = __import__("threading").Lock()
    assert view.telling({"pollinator"}) == {"bees": 1}  # "the pollinator conference"
    assert view.telling({"roads", "safety"}) == {"road": 2}
    view._named["r1"] = "the Rötental congress"  # an article's own name for it, any accents
    view._told, view._telling = {}, None
    assert view.telling({"rotental"}) == {"road": 1}
    view._named["r1"] = ""
    # a role's word in any form tells no event, though a title says it ("talks close")
    view.titles = {"b1": "Pollinator talks close in Montevideo", "r1": ""}
    view._told, view._telling = {}, None
    view.event_of, view.dates = {"b1": "bees", "r1": "road"}, {"b1": "", "r1": ""}
    closed = read_role_question("Who closed the IFNAL assembly?")
    assert closed is not None and scope_of(view, closed, None) == {"b1", "r1"}
    # a document the parser took for a person is no person a question names
    people = SimpleNamespace(persons=["Kuopio Call", "Aino Rautiainen"])
    assert named_person(people.persons, "Which countries endorsed the Kuopio Call?") == ""
    assert named_person(people.persons, "What did Rautiainen do?") == "Aino Rautiainen"


def test_a_host_said_as_mc_and_a_follow_up_keeps_the_conversations_event() -> None:
    from assistant.answering.people.asked import read_role_question
    from assistant.answering.people.scope import scope_of
    from assistant.ingest import nlp
    from assistant.ingest.people.propose import cue_tokens

    # "MC'd", "compered", "served as master of ceremonies" say who hosted an evening
    for sentence in ("Valentina Oquendo MC'd the gala.", "The gala was compered by Ana Ruiz.",
                     "Ana Ruiz served as master of ceremonies."):  # fmt: skip
        assert any("host" in roles for _, roles, _ in cue_tokens(nlp.parse(sentence))), sentence
    # ... and no co-chair ("compered" starts with "co"); "the open session" opened nothing
    said = cue_tokens(nlp.parse("The gala was compered by Ana Ruiz."))
    assert [co for t, _, co in said if t.text == "compered"] == [False]
    opened = cue_tokens(nlp.parse("Dr Frost chaired the Medical Commission's open session."))
    assert not any("opened" in roles for _, roles, _ in opened)
    # a dateline's place in capitals is no holder
    from assistant.ingest.people.mentions import holders

    line = "SANKT ARLEN, Austria, Oct 10 (CPS) - Rescuers signed a pact on Friday."
    held = holders(nlp.parse(line), 0, line, nlp.entities([line])[0])
    assert "SANKT ARLEN" not in {m.name for m in held}, held
    mc = read_role_question("Who acted as master of ceremonies at the opening?")
    assert mc is not None and mc.roles == {"host"}, mc
    # "the host country's delegation": its head, the country found from the rows (no made-up
    # place the sentences would have to name)
    host = read_role_question("Who headed the host country's delegation at the assembly?")
    assert host is not None and host.host_delegation and host.place == "", host
    assert host.roles == {"head-of-delegation"}, host
    # the awards night is when, not a prize asked about
    night = read_role_question("who was the MC at the awards night in pereira")
    assert night is not None and night.roles == {"host"}, night

    class View:  # two events; only the first is named by "Windhoek"
        def __init__(self) -> None:
            self.event_of = {"w1": "assembly", "w2": "assembly", "p1": "forum"}

        def telling(self, words: set[str]) -> dict[str, int]:
            return {"assembly": 1} if "windhoek" in words else {}

        def articles_of(self, event: str) -> list[str]:
            return [a for a, e in self.event_of.items() if e == event]

    follow_up = read_role_question("and who got the young professional prize that night?")
    assert follow_up is not None
    earlier = ["Who collected the award at the Windhoek assembly?", "which body does she run?"]
    view: Any = View()
    assert scope_of(view, follow_up, None, None, earlier) == {"w1", "w2"}
    assert scope_of(view, follow_up, None, None) == {"w1", "w2", "p1"}  # no conversation
    # only a follow-up is given the conversation's questions: a new question keeps its own
    from assistant.answering.question.conversation import follows_on

    asked = "and who got the young professional prize that night?"
    new = "Who opened the gala?"
    assert follows_on(asked, asked) and not follows_on(new, new)
    assert follows_on("Who chaired it?", "Who chaired the panel on ports?")


def test_an_unnumbered_event_another_edition_and_a_stated_count() -> None:
    from types import SimpleNamespace

    from assistant.answering.people.scope import numbered_apart
    from assistant.answering.pipeline import counts_asked

    texts = {
        "wire": "The Sixth Intergovernmental Conference on Desert Locust Control opened.",
        "local": "The international locust conference drew farmers to the field day.",
        "other": "The seventh conference, to be held in Muscat, will be larger.",
    }
    numbers = {"sixth": {"6"}, "local": set(), "other": set()}
    event_of = {"wire": "sixth", "local": "local", "other": "other"}
    view = SimpleNamespace(
        event_of=event_of,
        numbers=lambda e: numbers.get(e, set()),
        names={"sixth": "Sixth Intergovernmental Conference on Desert Locust Control"},
        articles_of=lambda e: [a for a, x in event_of.items() if x == e],
        dates={"wire": "2025-10-10"},
    )
    snapshot = SimpleNamespace(text=lambda a: texts[a])
    # a year asked of the event, against the years its articles are dated
    later = "Who will chair the opening plenary of the 2027 congress in Muscat?"
    assert "Sixth" in numbered_apart(view, later, {"wire"}, snapshot)  # type: ignore[arg-type]
    assert numbered_apart(view, later.replace("2027", "2025"), {"wire"}, snapshot) == ""  # type: ignore[arg-type]
    # another edition said without a number; who will host one is not asked apart
    cork = "Who will chair the roundtable at next year's summit in Cork?"
    assert "Sixth" in numbered_apart(view, cork, {"wire"}, snapshot)  # type: ignore[arg-type]
    host = "Which city will host the 2027 congress?"
    assert numbered_apart(view, host, {"wire"}, snapshot) == ""  # type: ignore[arg-type]
    # a preview the year before may be of it; "the last session", "the upcoming summit" are
    # no other edition; a dated article is no number of its event
    for same in ("Who will chair the 2026 congress?", "Who chaired the last ministerial session?",
                 "Who will open the upcoming summit?"):  # fmt: skip
        assert numbered_apart(view, same, {"wire"}, snapshot) == "", same  # type: ignore[arg-type]
    asked = "Who will chair the seventh locust conference in Muscat?"
    view.dates["local"] = "2025-10-11"
    assert "Sixth" in numbered_apart(view, asked, {"wire", "local"}, snapshot)  # type: ignore[arg-type]
    del view.dates["local"]
    # an event the articles' names do not number is apart when none of its articles says it
    assert "Sixth" in numbered_apart(view, asked, {"wire", "local"}, snapshot)  # type: ignore[arg-type]
    # ... and may be the one asked when one does
    assert numbered_apart(view, asked, {"wire", "other"}, snapshot) == ""  # type: ignore[arg-type]
    # nothing to tell by when no event in scope is numbered
    assert numbered_apart(view, asked, {"local"}, snapshot) == ""  # type: ignore[arg-type]

    # a number said of what a how-many question counts is the articles' count
    text = "Ministers from 38 countries attended the meeting; Eighteen teams competed."
    said = SimpleNamespace(text=lambda a: text)

    def evidence(word: str) -> Any:
        at = text.index(word)
        short = SimpleNamespace(text=word, start=at, end=at + len(word))
        return SimpleNamespace(short=short, unit=SimpleNamespace(article_id="a"))

    assert counts_asked(said, evidence("38"), "How many countries sent delegations?")  # type: ignore[arg-type]
    assert counts_asked(said, evidence("Eighteen"), "how many teams competed in the hackathon")  # type: ignore[arg-type]
    # (the question's verb said after the number is not what it counts)
    assert not counts_asked(said, evidence("38"), "How many people attended?")  # type: ignore[arg-type]
    assert not counts_asked(said, evidence("38"), "Who led the delegations?")  # type: ignore[arg-type]


def test_a_place_or_a_longer_name_the_recogniser_calls_a_person_is_no_person() -> None:
    from assistant.answering.people.naming import names_in
    from assistant.answering.people.reply import _owns

    assert names_in("Who formally opened the Kraków conference on space debris?")[0] == ""
    assert names_in("Who brought the space debris conference in Kraków to a close?")[0] == ""
    council = "the International Council of Sign Language Interpreters"
    assert names_in(f"Who delivered the keynote at the congress of {council}?")[0] == ""
    assert (
        names_in("What role did Dawn Rivers have at the Ninth World Congress?")[0] == "Dawn Rivers"
    )
    # "Who was X's vice-president?" asks for someone else than X
    assert _owns("Who was Nadim Haddadin's vice-president?", "Nadim Haddadin")
    assert not _owns("Did Nadim Haddadin chair the closing plenary?", "Nadim Haddadin")
    assert _owns("Who was Ana Santos' deputy?", "Ana Santos")
    assert names_in("Who did Lina Santos meet at the summit?")[0] == "Lina Santos"


FLYWAYS = """SAINT-LOUIS, Senegal, 19 October 2026 - Environment ministers from 38 countries \
opened a four-day meeting on waterbird flyways on Monday.

Senegal's environment minister, Awa Ndiaye, declared \
the Third Conference on Waterbird Flyways open in front of roughly 900 participants.

The curtain-raiser was given by Prof. Mohamed Lemine Ould Babah, a Mauritanian ornithologist.

On Tuesday, Dr Lotte Vermeersch headlined the second morning with a talk on tracking data.

The previous edition, in Aveiro in 2023, was presided over by former minister Joaquim Seabra \
Pinto.

Abdoulaye Diop Gningue, who presides over the Gandiol fishermen's federation, watched from the \
back of the hall."""


def test_roles_said_as_a_small_clause_a_curtain_raiser_and_not_at_this_edition(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    write_article(tmp_path / "corpus", "flyways.md", "Flyway conference opens", "2026-10-19",
                  FLYWAYS)  # fmt: skip
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    rows = Index(settings, embedder).snapshot().people()
    assert "Awa Ndiaye" in held(rows, "opened")  # "declared X open"
    assert {"Mohamed Lemine Ould Babah", "Lotte Vermeersch"} <= held(rows, "keynote")
    # a past edition's president and a title held at home are no role at this one
    chairs = held(rows, "chair") | held(rows, "president")
    assert not chairs & {"Joaquim Seabra Pinto", "Abdoulaye Diop Gningue"}, chairs
    answerer = Answerer(Index(settings, embedder))
    count = answerer.ask("How many countries sent ministers to the flyways meeting?")
    assert not count.refused and count.short_answer == "38", count.text


def test_articles_giving_roles_to_the_same_people_report_one_event() -> None:
    import numpy as np

    from assistant.answering.people.events import group_events

    articles = [
        ("wire", "Second Intergovernmental Conference on Space Debris", "Debris talks open",
         "2026-05-11"),
        ("herald", "Kraków conference", "Who pays for debris removal?", "2026-05-12"),
        ("later", "Kraków conference", "Debris follow-up", "2026-07-30"),
        ("third", "Third Intergovernmental Conference on Space Debris", "Next round",
         "2026-05-13"),
    ]  # fmt: skip
    vectors = np.eye(4, dtype=np.float32)  # names that mean nothing alike
    both = {"Ivy Wood", "Lars-Erik Lindqvist", "Anne-Sophie Lemaire"}
    # three of the same people given roles: one event; two only, or months apart, or numbered
    # apart: not
    found = group_events(articles, vectors, people=[both, both, both, both])
    assert found[0] == found[1] and len({found[0], found[2], found[3]}) == 3, found
    two = group_events(articles, vectors, people=[both, {"Ivy Wood", "Anne-Sophie Lemaire"},
                                                  set(), set()])  # fmt: skip
    assert two[0] != two[1]
    # an undated article naming the same officers joins no two editions a year apart
    forums = [("f23", "Annual Fisheries Forum", "Forum opens", "2023-05-10"),
              ("f24", "Annual Fisheries Forum", "Forum opens", "2024-05-10"),
              ("undated", "Fisheries Forum", "Officers re-elected", "")]  # fmt: skip
    editions = group_events(forums, np.eye(3, dtype=np.float32), people=[both, both, both])
    assert editions[0] != editions[1], editions


def test_an_event_told_by_its_acronym_not_by_a_morning_and_its_parts_not_named_as_it() -> None:
    from types import SimpleNamespace

    from assistant.answering.people.events import acronyms_of
    from assistant.answering.people.naming import named_person
    from assistant.answering.people.scope import _telling
    from assistant.ingest.people.read import event_of
    from assistant.types import Article

    tidal = "Fifth Atlantic Summit on Tidal and Wave Energy"
    texts = {"ASTWE", "MEIA", "PTMC"}  # words in capitals the articles write
    assert acronyms_of(tidal, texts) == {"astwe"}  # not MEIA, which is a body
    assert acronyms_of("Ninth Pacific Tuna Ministerial Conference on Fisheries", texts) == {"ptmc"}
    # "the first morning" numbers no edition; "PTMC-9" is told by its letters and its number
    assert not {"first", "1"} & _telling("Who gave the keynote on the first morning of the summit?")
    assert {"ptmc", "9"} <= _telling("Who chaired PTMC-9?")
    # a phrase with an event's noun that may name a part of it, for answering to tell
    from assistant.answering.people.asked import read_role_question

    part = read_role_question("who was in the chair for the transceiver workshop at ICMRAS 2025")
    assert part is not None and part.part == "transceiver workshop" and not part.session, part
    # "Workshop 1" of an article going on to "Workshop 2" is a part of the event, not its name
    text = (
        "The workshops were the draw of the Sankt Arlen congress.\n\n## Workshop 1: beacons"
        "\n\nA colonel was in the chair.\n\n## Workshop 2: hoists\n\nTwo pilots co-chaired."
    )
    assert event_of(Article("w", "", "What the workshops taught us", "", "", text, "")) == (
        "Sankt Arlen congress")  # fmt: skip
    # a name the table holds, written where the question puts a place, is no person asked
    people = SimpleNamespace(persons=["Bergrettung Rötental", "Ana Lucía Ccori Mamani"])
    assert named_person(people.persons, "Who headed Peru's team at the Rötental congress?") == ""
    assert (
        named_person(people.persons, "What did Ccori Mamani present?") == "Ana Lucía Ccori Mamani"
    )
    junk = ["Staff Mountain Rescue", "Lina Santos"]  # a panel's title the recogniser took
    assert named_person(junk, "Who signed the Declaration on Cross-Border Mountain Rescue?") == ""
    assert named_person(junk, "Which panel did Dr Santos chair?") == "Lina Santos"
    assert named_person(junk, "Did Santos chair the panel?") == "Lina Santos"  # its first word


def test_roles_said_in_idioms_a_deputy_and_a_day_named_by_its_opening() -> None:
    from assistant.answering.people.asked import read_role_question

    def read(text: str) -> tuple[set[str], set[str]]:
        q = read_role_question(text)
        assert q is not None, text
        return set(q.roles), set(q.cues)

    assert read("Who put pen to paper on the communique for Australia?")[0] == {"signatory"}
    assert read("Who officially got the Sankt Arlen congress under way?")[0] == {"opened"}
    # a deputy is the vice role, found by its words in the quote (never a "-" no quote says)
    assert read("who was deputy to the president at the Vila ministerial") == (
        {"other"}, {"vice", "presid"})  # fmt: skip
    assert read("who was second in charge of the officials' meeting") == (
        {"other"}, {"vice", "chair"})  # fmt: skip
    assert read("Who was the vice-president of the ministerial?")[1] == {"vice", "presid"}
    assert read("Who were the award winners at the conference?")[0] == {"award"}
    assert "award" not in read("Who was the winner of the election for president?")[0]
    # a title in quotation marks asks no role ("Closed"); bodies that hosted are hosts
    assert read('who sat on the panel "Open Science, Closed Doors?"')[0] == {"panelist", "speaker"}
    assert "host" in read("Which bodies hosted the Rötental congress?")[0]
    # "on the opening day" says when, not who opened
    assert read("Who gave the keynote on the opening day of the summit?")[0] == {"keynote"}


def test_one_asked_for_and_two_held_the_one_two_articles_agree_on() -> None:
    from assistant.answering.people.reply import _most_told
    from assistant.types import Citation, Claim

    def claim(name: str, *articles: str) -> Claim:
        return Claim(name, tuple(Citation(0, a, "", "", name, 0, 1) for a in articles), 0.9)

    agreed, misread = claim("Litia Rokovada", "wire", "release"), claim("Rosalie Namaka", "wire")
    assert _most_told([misread, agreed]) is agreed
    assert _most_told([misread, claim("Katrin Holmqvist", "local")]) is None  # one each
    assert _most_told([agreed, claim("Ana Ruiz", "a", "b")]) is None  # two each


def test_a_number_tells_apart_only_the_events_a_word_of_the_question_names() -> None:
    from assistant.answering.people.scope import _named_event

    told = {"tidal": {"5", "atlantic"}, "rectors": {"4", "lumen"}}

    def telling(words: set[str]) -> dict[str, int]:
        return {e: len(words & w) for e, w in told.items() if words & w}

    view = __import__("types").SimpleNamespace(telling=telling, articles_of=lambda e: [e])
    # "the fifth Lumen summit": the Lumen summit (numbered apart later), not the Fifth Atlantic
    assert _named_event(view, None, {"lumen", "5"}, {"tidal", "rectors"}) == {"rectors"}  # type: ignore[arg-type]
    assert _named_event(view, None, {"5"}, {"tidal", "rectors"}) == {"tidal"}  # type: ignore[arg-type]


def test_a_session_named_alike_in_another_article_of_the_event(embedder: LocalEmbeddings) -> None:
    from types import SimpleNamespace

    import numpy as np

    from assistant.answering.people.sessions import matching

    names = ["ministers' roundtable", "High-Level Ministerial Roundtable",
             "first investor panel", "insurance and warranties investor panel"]  # fmt: skip

    def vectors(texts: list[str]) -> np.ndarray:
        v = np.asarray(embedder.encode(texts), dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    events = {n: {"tidal"} for n in names}
    view = SimpleNamespace(vectors=vectors, context={}, session_events=lambda: events)
    assert matching(view, "ministers' roundtable", names) == set(names[:2])  # type: ignore[arg-type]
    # two panels of one kind are two sessions; so are two numbered alike
    assert matching(view, "first investor panel", names) == {"first investor panel"}  # type: ignore[arg-type]
    numbered = ["first session", "second session", "third session"]
    events.update({n: {"tidal"} for n in numbered})
    assert matching(view, "the second session", numbered) == {"second session"}  # type: ignore[arg-type]
    events["High-Level Ministerial Roundtable"] = {"other"}  # of another event: not it
    assert matching(view, "ministers' roundtable", names) == {"ministers' roundtable"}  # type: ignore[arg-type]


def test_asked_which_country_someone_is_from_a_sentence_naming_none_does_not_answer() -> None:
    from types import SimpleNamespace

    from assistant.answering.people.asked import read_role_question
    from assistant.answering.pipeline import _unsupported
    from assistant.types import Citation, Claim

    q = read_role_question("Which country does Dr Elin Sandvik come from?")
    assert q is not None

    def claim(quote: str) -> Claim:
        return Claim("Elin Sandvik", (Citation(1, "a", "", "", quote, 0, len(quote)),), 0.8)

    said = "Dr Elin Sandvik presented data compiled by Nordic services."
    norway = "Dr Elin Sandvik of Norway presented data."
    for quote, why in ((said, ""), (norway, None)):
        snapshot = SimpleNamespace(text=lambda a, quote=quote: quote)
        assert _unsupported(snapshot, q, claim(quote)) == why, quote  # type: ignore[arg-type]


def test_a_place_is_read_within_a_sentence_and_a_name_in_it_whole() -> None:
    from assistant.ingest.people.read import places_in

    text = "A busy second day at the summit in Halifax.\n\nGrace Okonkwo spoke on grid access."
    assert places_in(text) == {"Halifax"}  # not "Halifax.\n\nGrace Okonkwo"
    assert places_in("She teaches in Kraków. The Kraków conference opened.") == {"Kraków"}
