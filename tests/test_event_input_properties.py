"""Property-based: whatever JSON a client posts as an event, the API answers it without a 5xx.

Payloads start from a valid event with one to four fields set to anything: other types,
hostile text (NUL, markup, javascript: addresses), date-times of every year and offset,
unknown fields, plugin ``extra`` values. Each answer must be a 201 or a 4xx. Examples are
derandomized and bounded (the same few hundred on every run, in seconds), like the
federation parsers' property tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.events.validation import EventInput
from helpers import sign_up

EVENT_INPUT = settings(max_examples=200, derandomize=True, database=None, deadline=None,
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FIELDS = [*EventInput.__struct_fields__, "identity", "publish"]
WORDS = ["", "Europe/Paris", "Pacific/Pago_Pago", "Asia/Tokyo", "Mars/Olympus", "external", "private", "MEETING",
         "confirmed", "javascript:alert(1)", "data:text/html,x", 'https://a.example/"><script>', "https://u:p@a.example/",
         "https://a.example/\x00", "\x00", "ada", "<script>alert(1)</script>", "9999-12-31T23:59:59",
         "0001-01-01T00:00:00", "2030-01-01T10:00:00+14:00", "https://xn--.example/", "https://[::1/"]
moments = (st.datetimes(max_value=datetime(1, 1, 2)) | st.datetimes(min_value=datetime(9999, 12, 30))
           | st.datetimes())
times = (st.builds(lambda moment, minutes: moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat(),
                   moments, st.integers(-23 * 60 - 59, 23 * 60 + 59))
         | moments.map(datetime.isoformat))
scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30) | st.sampled_from(WORDS) | times)
keys = st.sampled_from(FIELDS) | st.text(max_size=8)
values = (scalars | st.lists(scalars, max_size=4)
          | st.dictionaries(keys | st.sampled_from(["latitude", "longitude", "locality", "name"]), scalars, max_size=4))
payloads = st.builds(
    lambda base, changes: {**base, **changes},
    st.just({"title": "Book club", "begins_at": "2100-06-01T18:00:00", "timezone": "Europe/Paris"}),
    st.dictionaries(keys, values, min_size=1, max_size=4),
)


def test_no_event_payload_gives_a_server_error(client):
    headers = sign_up(client, "ada@example.org", "ada")

    @EVENT_INPUT
    @given(payload=payloads)
    def posting(payload: dict[str, Any]) -> None:
        r = client.post("/api/v1/events", headers=headers, json=payload)
        assert r.status_code == 201 or 400 <= r.status_code < 500, (payload, r.status_code, r.text)
        if r.status_code == 201:
            assert client.patch(f"/api/v1/events/{r.json()['uuid']}", headers=headers,
                                json={k: v for k, v in payload.items() if k not in ("identity", "publish")}
                                ).status_code < 500

    posting()
