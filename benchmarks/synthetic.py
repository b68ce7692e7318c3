"""A deterministic synthetic corpus of many similar meeting reports, each fact in exactly one
article, and questions whose answers depend on the meeting number: the evidence must come
from the right report among hundreds that say nearly the same thing.

Used by tests/test_synthetic.py (a few hundred reports) and benchmarks/bench_synthetic.py
(1,000 reports).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

FIRST = """Amara Okafor Bilal Hassan Chen Wei Dara Sok Elena Petrova Farid Karimi Grace Mensah
Hiroshi Sato Ines Duarte Jonas Berg Kavya Nair Lucas Moreau Maya Cohen Nikolai Ivanov Omar Haddad
Priya Menon Rafael Ortiz Sofia Rossi Tomas Novak Yuki Tanaka""".split()
CITIES = """Nairobi Lima Hanoi Tbilisi Accra Quito Manila Dakar Tunis Almaty Kigali Colombo Lusaka
Asuncion Windhoek Skopje Yerevan Maputo Bishkek Montevideo""".split()
TOPICS = """port security, border checks, customs data, courier parcels, airport screening,
financial intelligence, precursor chemicals, container profiling, maritime patrols,
online markets""".replace("\n", " ").split(", ")


def _name(rng: random.Random) -> str:
    i = rng.randrange(len(FIRST) // 2)
    j = rng.randrange(len(FIRST) // 2)
    return f"{FIRST[2 * i]} {FIRST[2 * j + 1]}"


def write_reports(folder: Path, count: int, seed: int = 11) -> list[dict[str, str]]:
    """Write `count` reports into folder and return one fact record per report."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    facts = []
    for n in range(1, count + 1):
        meeting = 100 + n
        fact = {
            "meeting": str(meeting),
            "city": rng.choice(CITIES),
            "chair": _name(rng),
            "kilograms": str(rng.randrange(1000, 9999)),
            "countries": str(rng.randrange(5, 40)),
            "topic": rng.choice(TOPICS),
            "date": (dt.date(2020, 1, 1) + dt.timedelta(days=n)).isoformat(),
        }
        facts.append(fact)
        text = (
            f'---\ntitle: "Report of meeting {meeting}"\ndate: {fact["date"]}\n---\n\n'
            f"Meeting {meeting} of the regional enforcement network was held in {fact['city']}, "
            f"with delegations from {fact['countries']} countries.\n\n"
            f"Meeting {meeting} was chaired by {fact['chair']}. The main session dealt with "
            f"{fact['topic']}.\n\n"
            f"Officials at meeting {meeting} reported that {fact['kilograms']} kilograms of "
            "narcotics had been seized since the previous meeting. Delegates agreed to share "
            "more information before the next meeting.\n"
        )
        (folder / f"meeting-{meeting}.md").write_text(text, encoding="utf-8")
    return facts


def questions(facts: list[dict[str, str]], count: int, seed: int = 5) -> list[dict[str, str]]:
    """`count` questions drawn from the facts: (question, answer, article id)."""
    rng = random.Random(seed)
    out = []
    templates = (
        ("How many kilograms were seized according to meeting {meeting}?", "kilograms"),
        ("Who chaired meeting {meeting}?", "chair"),
        ("Where was meeting {meeting} held?", "city"),
        ("How many countries sent delegations to meeting {meeting}?", "countries"),
    )
    for i in range(count):
        fact = rng.choice(facts)
        template, key = templates[i % len(templates)]
        out.append(
            {
                "question": template.format(**fact),
                "answer": fact[key],
                "source": f"meeting-{fact['meeting']}",
            }
        )
    return out
