"""Generate a synthetic EU Funding & Tenders portal bulk JSON file (grantsTenders.json shape).

The shape is the one docs/import.md ("What is read") describes — the portal documents none; the
field names are those third-party code reads: a list at
``fundingData.GrantTenderObj`` whose entries carry ``identifier``, ``callIdentifier``, ``title``,
``status``, ``frameworkProgramme``, ``deadlineDatesLong`` (epoch ms) and the rest. Everything in
it is invented for benchmarks and tests: no real topic, date or title. The ``description`` field
is padding text that brings the size to the real file's (~11 KB per topic, ~120 MB for 11,000);
the importer ignores it. A few odd entries (no deadlines, nulls, unknown status, a duplicate,
a string where a list belongs) are mixed in, as a real-world file may have them; with those,
``-n N`` writes N + 1 entries (the last repeats the first), and says so.

Usage: python benchmarks/gen_eu_portal.py [-n 11000] [-o grantsTenders.json] [--base 2026-01-01]
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
PROGRAMMES = [
    (1001, "HORIZON", "Horizon Europe"),
    (1002, "DIGITAL", "Digital Europe Programme"),
    (1003, "LIFE", "Programme for the Environment and Climate Action"),
    (1004, "CEF", "Connecting Europe Facility"),
    (1005, "EU4H", "EU4Health Programme"),
    (1006, "ERASMUS2027", "Erasmus+"),
    (1007, "CREA2027", "Creative Europe"),
    (1008, "SMP", "Single Market Programme"),
]
STATUS = {
    "forthcoming": (31094501, "Forthcoming"),
    "open": (31094502, "Open"),
    "closed": (31094503, "Closed"),
}
MODELS = ["single-stage", "single-stage", "single-stage", "two-stage", "multiple cut-off"]
WORDS = (  # noqa: SIM905  (a sentence of words reads better than a 40-line list)
    "cluster innovation region research digital green transition industry resilience market "
    "consortium partner action funding impact scope outcome expected deployment skills health "
    "climate energy mobility data platform pilot ecosystem small medium enterprise support "
    "network collaboration value chain circular sustainable competitiveness capacity building"
).split()
KEYWORDS = (  # noqa: SIM905  (a sentence of words reads better than a 40-line list)
    "cluster innovation region research digital green transition industry resilience market "
    "consortium partner action funding impact scope outcome expected deployment skills health "
    "climate energy mobility data platform pilot ecosystem small medium enterprise support "
    "network collaboration value chain circular sustainable competitiveness capacity building"
).split()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _cutoff(day: date, rng: random.Random) -> datetime:
    """Usually 17:00 Brussels time, as the portal's deadlines are; sometimes another hour."""
    hour = 17 if rng.random() < 0.9 else rng.choice([12, 14, 23])
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)


def _paragraphs(rng: random.Random, count: int = 64) -> list[str]:
    return [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 160))).capitalize() + "."
        for _ in range(count)
    ]


def topic(number: int, base: date, rng: random.Random, pool: list[str]) -> dict:
    """One synthetic topic; its status follows from its dates around ``base``."""
    pid, abbr, name = rng.choice(PROGRAMMES)
    year = rng.randint(base.year - 3, base.year + 1)
    call = f"{abbr}-{year}-SYN-{number // 7:04d}"
    identifier = f"{call}-{number % 7 + 1:02d}"
    model = rng.choice(MODELS)
    opening = base + timedelta(days=rng.randint(-1100, 300))
    stages = {"single-stage": 1, "two-stage": 2}.get(model, rng.randint(2, 5))
    days = sorted({opening + timedelta(days=rng.randint(40, 120) * (i + 1)) for i in range(stages)})
    cutoffs = [_cutoff(day, rng) for day in days]
    if opening > base:
        status = "forthcoming"
    elif cutoffs[-1].date() < base:
        status = "closed"
    else:
        status = "open"
    sid, sabbr = STATUS[status]
    description = "\n\n".join(rng.choice(pool) for _ in range(rng.randint(8, 14)))
    return {
        "type": 1,
        "identifier": identifier,
        "callIdentifier": call,
        "title": f"Synthetic topic {number}: {' '.join(rng.sample(WORDS, 5))}",
        "callTitle": f"Synthetic call {call}",
        "status": {"id": sid, "abbreviation": sabbr, "description": sabbr},
        "frameworkProgramme": {"id": pid, "abbreviation": abbr, "description": name},
        "programmeDivision": [{"id": pid + 1, "abbreviation": f"{abbr}-D", "description": name}],
        "publicationDateLong": _ms(_cutoff(opening - timedelta(days=30), rng)),
        "plannedOpeningDateLong": _ms(_cutoff(opening, rng)),
        "deadlineDatesLong": [_ms(c) for c in cutoffs],
        "deadlineDates": [c.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for c in cutoffs],
        "deadlineModel": model,
        "tags": rng.sample(WORDS, 3),
        "keywords": rng.sample(KEYWORDS, rng.randint(0, 3)),
        "links": [f"https://example.org/synthetic/{identifier.lower()}"],
        "description": description,
    }


def odd(number: int, good: dict) -> dict:
    """An entry of the kind a real export may contain, cycling through several oddities."""
    variant = number % 5
    entry = dict(good)
    if variant == 0:
        entry["deadlineDatesLong"] = None  # forthcoming, no deadline yet: imported undated
    elif variant == 1:
        entry["status"] = {"id": 1, "abbreviation": "Cancelled"}  # unknown status
    elif variant == 2:
        entry["deadlineDatesLong"] = "2026-09-16"  # not a list: skipped
    elif variant == 3:
        entry["identifier"] = None  # skipped
    else:
        entry["keywords"] = "not a list"  # ignored, topic kept
    return entry


def generate(count: int, base: date, seed: int = 20260101, odd_every: int = 997) -> dict:
    rng = random.Random(seed)
    pool = _paragraphs(rng)
    topics = []
    for number in range(1, count + 1):
        entry = topic(number, base, rng, pool)
        if odd_every and number % odd_every == 0:
            entry = odd(number // odd_every, entry)
        topics.append(entry)
    if odd_every and count >= 2:
        topics.append(dict(topics[0]))  # a duplicate identifier: skipped
    return {"fundingData": {"GrantTenderObj": topics}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--topics", type=int, default=11_000)
    parser.add_argument("-o", "--output", type=Path, default=Path("grantsTenders.json"))
    parser.add_argument("--base", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()
    document = generate(args.topics, args.base, args.seed)
    with args.output.open("w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    size = args.output.stat().st_size
    written = len(document["fundingData"]["GrantTenderObj"])  # the duplicate counts: it is there
    print(f"wrote {args.output}: {written:,} topics, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
