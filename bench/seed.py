"""Fill a freshly migrated Convene database with realistic published public events, fast.

Rows go in through SQLAlchemy core bulk inserts on the project's own tables (not the
HTTP API, not the ORM unit of work): 10,000 events with their tags and participants
take seconds on SQLite or PostgreSQL. A fixed random seed makes the data, uuids
included, the same on every run, so figures from two runs read the same rows.

    python bench/seed.py sqlite+aiosqlite:////tmp/bench/convene.sqlite3
    python bench/seed.py postgresql+asyncpg://convene:convene@127.0.0.1/convene_bench

The schema must exist (``convene migrate``) and hold no event yet.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from core.events.models import CATEGORIES, event_tags
from core.models import Account, Comment, Event, Identity, Participation, Tag
from core.security import hash_password

PASSWORD = "bench-password"  # every seeded account logs in with it (email bench-N@example.org)

# (locality, region, postal code, country, timezone, latitude, longitude)
CITIES = [
    ("Paris", "Île-de-France", "75011", "France", "Europe/Paris", 48.857, 2.352),
    ("Lyon", "Auvergne-Rhône-Alpes", "69001", "France", "Europe/Paris", 45.764, 4.836),
    ("Berlin", "Berlin", "10115", "Germany", "Europe/Berlin", 52.520, 13.405),
    ("Madrid", "Madrid", "28013", "Spain", "Europe/Madrid", 40.417, -3.704),
    ("Lisbon", "Lisboa", "1100-148", "Portugal", "Europe/Lisbon", 38.722, -9.139),
    ("Amsterdam", "Noord-Holland", "1012", "Netherlands", "Europe/Amsterdam", 52.368, 4.904),
    ("Montréal", "Québec", "H2X 1Y4", "Canada", "America/Toronto", 45.502, -73.567),
    ("Portland", "Oregon", "97205", "United States", "America/Los_Angeles", 45.515, -122.679),
    ("Nairobi", "Nairobi", "00100", "Kenya", "Africa/Nairobi", -1.286, 36.817),
    ("Tokyo", "Tokyo", "150-0002", "Japan", "Asia/Tokyo", 35.676, 139.650),
]
VENUES = ["Community Hall", "Public Library", "Maison des Associations", "Riverside Park", "Café Solidaire",
          "Makerspace", "Old Brewery", "Town Square", "Youth Centre", "Bookshop Le Rouge"]
STREETS = ["Main Street", "Rue de la République", "Station Road", "Harbour Lane", "Avenida da Liberdade",
           "Kastanienallee", "Church Street", "Boulevard Voltaire"]
ACTIVITIES = ["repair café", "book club", "climate march", "board game night", "open mic", "bike ride",
              "coding dojo", "language exchange", "community garden day", "photo walk", "choir rehearsal",
              "zine workshop", "neighbourhood cleanup", "film screening", "potluck dinner", "chess meetup"]
ADJECTIVES = ["Monthly", "Weekly", "Spring", "Autumn", "Open", "Friendly", "Beginners'", "Big", "Late-night", "Family"]
COMMENTS = ["Is there parking nearby?", "Can I bring my kids?", "See you there!", "Thanks for organising this.",
            "Will it happen if it rains?", "Is the venue wheelchair accessible?", "Count me in, with two friends."]
FIRST_NAMES = ["Alice", "Bob", "Chloé", "Diego", "Emeka", "Fatima", "Gao", "Hana", "Ines", "Jonas", "Kofi", "Lena",
               "Mateo", "Nour", "Olga", "Priya", "Quentin", "Rosa", "Sami", "Tomás"]
TAGS = ["outdoors", "free", "family", "music", "tech", "climate", "books", "food", "cycling", "art", "games",
        "languages", "repair", "garden", "cinema", "photography", "volunteering", "beginners", "accessible",
        "evening", "weekend", "queer", "students", "seniors", "crafts", "dance", "science", "politics",
        "solidarity", "zero-waste", "running", "chess", "theatre", "poetry", "history", "diy", "kids", "pets",
        "health", "coffee"]
PARAGRAPHS = [
    "Join us for an afternoon together: no experience needed, everyone is welcome.",
    "Bring your broken toasters, torn jackets and wobbly chairs; volunteers help you fix them.",
    "We meet at the entrance and head out together. Wear comfortable shoes and bring water.",
    "Snacks and drinks are shared; if you can, <strong>bring something to share</strong>.",
    "The venue is step-free and has an accessible toilet. Tell us if you need anything else.",
    "This is a volunteer-run, non-commercial gathering. Donations cover the room rental.",
    "More details and the programme on <a href=\"https://example.org/programme\">our website</a>.",
    "Children are welcome with an adult. There is a quiet corner if you need a break.",
]


def _rows_people(rng: random.Random, count: int, now: datetime) -> tuple[list[dict], list[dict]]:
    password_hash = hash_password(PASSWORD)  # argon2 is slow by design: hash once, share it
    accounts, identities = [], []
    for i in range(count):
        first = rng.choice(FIRST_NAMES)
        accounts.append({"email": f"bench-{i}@example.org", "password_hash": password_hash, "role": "user",
                         "locale": "en", "timezone": "UTC", "confirmed_at": now, "created_at": now})
        identities.append({"username": f"{first.lower().replace('é', 'e').replace('á', 'a')}{i}", "domain": "",
                           "display_name": f"{first} {rng.choice(FIRST_NAMES)}son",
                           "bio": f"Organiser of gatherings in {rng.choice(CITIES)[0]}.", "avatar": None,
                           "is_default": True, "created_at": now, "updated_at": now})
    return accounts, identities


def _row_event(rng: random.Random, organizer_id: int, now: datetime) -> dict[str, Any]:
    city = rng.choice(CITIES)
    online = rng.random() < 0.15
    begins = (now + timedelta(days=rng.uniform(-20, 365))).replace(minute=rng.choice((0, 15, 30, 45)), second=0,
                                                                    microsecond=0)
    activity = rng.choice(ACTIVITIES)
    cancelled = rng.random() < 0.02
    return {
        "uuid": uuid.UUID(int=rng.getrandbits(128), version=4), "organizer_id": organizer_id,
        "title": f"{rng.choice(ADJECTIVES)} {activity} {'online' if online else 'in ' + city[0]}",
        "description": "".join(f"<p>{p}</p>" for p in rng.sample(PARAGRAPHS, rng.randint(2, 5))),
        "begins_at": begins,
        "ends_at": None if rng.random() < 0.1 else begins + timedelta(hours=rng.choice((1, 2, 3, 4, 8))),
        "timezone": city[4],
        "address_name": "" if online else rng.choice(VENUES),
        "address_street": "" if online else f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
        "address_postal_code": "" if online else city[2], "address_locality": "" if online else city[0],
        "address_region": "" if online else city[1], "address_country": "" if online else city[3],
        "latitude": None if online else round(city[5] + rng.uniform(-0.05, 0.05), 5),
        "longitude": None if online else round(city[6] + rng.uniform(-0.05, 0.05), 5),
        "online_url": f"https://meet.example.org/{activity.replace(' ', '-')}-{rng.randint(1, 9999)}" if online else "",
        "banner": None, "category": rng.choice(CATEGORIES),
        "status": "cancelled" if cancelled else ("tentative" if rng.random() < 0.05 else "confirmed"),
        "visibility": "public", "join_mode": "restricted" if rng.random() < 0.1 else "free",
        "external_participation_url": "",
        "max_participants": rng.choice((10, 20, 30, 50, 100, 200)) if rng.random() < 0.4 else None,
        "participant_count": 0, "comments_enabled": True, "draft": False,
        "cancellation_message": "Postponed because of the weather, sorry!" if cancelled else "",
        "published_at": now, "created_at": now, "updated_at": now,
    }


async def _insert(conn: AsyncConnection, table: Table, rows: list[dict]) -> list[int]:
    """One bulk INSERT ... RETURNING id, ids in the order of ``rows`` (SQLAlchemy's insertmanyvalues)."""
    result = await conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


async def seed(database_url: str, events: int = 10_000, identities: int = 200, rng_seed: int = 2024) -> list[str]:
    """Insert the accounts, identities, tags, events, participations and comments; return every event's uuid."""
    rng = random.Random(rng_seed)
    now = datetime.now(UTC)
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            if await conn.scalar(select(func.count()).select_from(Event.__table__)):
                raise SystemExit(f"{engine.url.render_as_string()} already holds events: seed a fresh database")
            accounts, people = _rows_people(rng, identities, now)
            account_ids = await _insert(conn, Account.__table__, accounts)
            for person, account_id in zip(people, account_ids, strict=True):
                person["account_id"] = account_id
            identity_ids = await _insert(conn, Identity.__table__, people)
            tag_ids = await _insert(conn, Tag.__table__, [{"slug": t, "title": t.replace("-", " ")} for t in TAGS])

            rows = [_row_event(rng, rng.choice(identity_ids), now) for _ in range(events)]
            participations, links = [], []
            for row in rows:
                attendees = []
                if rng.random() < 0.6:
                    attendees = rng.sample(identity_ids, rng.randint(0, min(30, len(identity_ids))))
                attendees = [i for i in attendees if i != row["organizer_id"]][:row["max_participants"] or None]
                row["participant_count"] = len(attendees)
                participations.append([(row["organizer_id"], "creator")] + [(i, "participant") for i in attendees])
            event_ids = await _insert(conn, Event.__table__, rows)

            people_rows = []
            for event_id, attending in zip(event_ids, participations, strict=True):
                links += [{"event_id": event_id, "tag_id": t} for t in rng.sample(tag_ids, rng.randint(0, 4))]
                people_rows += [{"uuid": uuid.UUID(int=rng.getrandbits(128), version=4), "event_id": event_id,
                                 "identity_id": identity_id, "role": role, "message": "", "created_at": now,
                                 "updated_at": now} for identity_id, role in attending]
            if links:
                await conn.execute(insert(event_tags), links)
            await conn.execute(insert(Participation.__table__), people_rows)
            comments = [{"uuid": uuid.UUID(int=rng.getrandbits(128), version=4), "event_id": event_id,
                         "author_id": rng.choice(identity_ids), "in_reply_to_id": None, "text": rng.choice(COMMENTS),
                         "created_at": now, "updated_at": now, "deleted_at": None}
                        for event_id in event_ids if rng.random() < 0.3 for _ in range(rng.randint(1, 5))]
            if comments:
                await conn.execute(insert(Comment.__table__), comments)
    finally:
        await engine.dispose()
    return [str(row["uuid"]) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="e.g. sqlite+aiosqlite:////path/convene.sqlite3 (already migrated)")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--identities", type=int, default=200)
    args = parser.parse_args()
    uuids = asyncio.run(seed(args.database_url, args.events, args.identities))
    print(f"seeded {len(uuids)} events over {args.identities} identities; a sample of event uuids:")
    print("\n".join(uuids[:: max(len(uuids) // 10, 1)]))


if __name__ == "__main__":
    main()
