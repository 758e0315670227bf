"""Generated news-style articles for the benchmarks: varied names, places, numbers and dates,
so extraction and embedding do real work. Deterministic for a given seed."""

from __future__ import annotations

import random

PEOPLE = ["Maria Lopez", "James Okafor", "Chen Wei", "Anna Kowalski", "Rahul Mehta", "Sofia Rossi",
          "David Cohen", "Amina Diallo", "Lars Nilsson", "Hannah Becker", "Tomas Silva",
          "Yuki Tanaka"]  # fmt: skip
ROLES = ["the mayor", "the health minister", "the company's chief executive", "the council leader",
         "the police commissioner", "the university's president"]  # fmt: skip
PLACES = ["Lisbon", "Nairobi", "Manchester", "Osaka", "Toronto", "Krakow", "Lyon", "Austin", "Pune", "Bergen"]
TOPICS = [
    ("hospital", "beds", "patients"),
    ("school", "classrooms", "pupils"),
    ("airport", "gates", "passengers"),
    ("factory", "production lines", "workers"),
    ("library", "branches", "visitors"),
    ("rail line", "stations", "commuters"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip
SENTENCES = [
    "{person}, {role}, said the {place} {topic} would open {count} new {units} by {month} {year}.",
    "The project will cost {money} million, according to figures published on {month} {day}.",
    "Last year the {topic} served {people} {users}, up {percent}% from {prev_year}.",
    "{person} took office in {prev_year} and has promised to cut waiting times by {percent}%.",
    "Critics say the plan is rushed, and some residents fear it will never be finished.",
    "\u201cWe are proud of what this city has achieved,\u201d {person} told reporters in {place}.",
    "The {topic} employs {staff} people and is the largest of its kind in the region.",
    "A report by the national audit office found that {percent}% of similar projects ran over budget.",
    "Construction began {ago} years ago, after a public consultation with {people} responses.",
    "Photo: {person} / City Press",
    "Officials expect {users} numbers to reach {people} by {next_year}.",
    "I hope the new {units} make a difference for families like mine, one resident said.",
]


def article(rng: random.Random, index: int) -> dict[str, str]:
    topic, units, users = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    paragraphs = []
    for _ in range(rng.randint(8, 14)):
        chosen = rng.sample(SENTENCES, k=rng.randint(2, 4))
        paragraphs.append(
            " ".join(sentence.format(**_values(rng, topic, units, users, place)) for sentence in chosen)
        )
    return {
        "title": f"{place} {topic} plan, report {index}",
        "body": "\n".join(paragraphs),
        "publisher": rng.choice(["City Press", "Daily Ledger", "Regional Times"]),
        "published_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T08:00:00Z",
    }


def _values(rng: random.Random, topic: str, units: str, users: str, place: str) -> dict[str, object]:
    year = rng.randint(2024, 2030)
    return {
        "person": rng.choice(PEOPLE),
        "role": rng.choice(ROLES),
        "place": place,
        "topic": topic,
        "units": units,
        "users": users,
        "count": rng.randint(2, 400),
        "month": rng.choice(MONTHS),
        "day": rng.randint(1, 28),
        "year": year,
        "prev_year": year - rng.randint(1, 9),
        "next_year": year + rng.randint(1, 5),
        "money": f"{rng.randint(1, 900)}.{rng.randint(0, 9)}",
        "people": f"{rng.randint(1, 990):,}{rng.choice(['', ',000'])}",
        "percent": rng.randint(2, 60),
        "staff": f"{rng.randint(20, 9000):,}",
        "ago": rng.randint(2, 15),
    }


def articles(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [article(rng, index) for index in range(count)]
