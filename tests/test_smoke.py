from helpers import new_event, sign_up


def test_published_event_is_listed_on_home_and_api(client):
    alice = sign_up(client, "alice@example.org", "alice")
    event = new_event(client, alice, title="Climate march")
    assert client.get("/api/v1/events").json()["items"][0]["uuid"] == event["uuid"]
    assert "Climate march" in client.get("/").text
