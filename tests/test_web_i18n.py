"""Pages in the reader's language: from the browser, the footer's switcher or the member's
preference; dates, numbers and form errors follow; the anonymous page cache never mixes them."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient
from sqlalchemy import update

from core.app import create_app
from core.events.models import Event
from core.i18n import translations
from core.web.templating import make_environment
from helpers import make_settings, new_event, next_in, outbox_rows, sign_up, within_one_minute_window
from webhelpers import confirm_link, field_error, log_in, second_browser, submit

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def switch_to(client: TestClient, language: str, back: str = "/", **headers: str):  # noqa: ANN201
    """Use the footer's language switcher, as a browser posting from one of our pages would."""
    return client.post("/language", data={"language": language, "next": back}, headers=headers,
                       follow_redirects=False)


def test_a_french_browser_gets_french_pages_with_french_dates(client):
    alice = sign_up(client, "alice@example.org", "alice")
    sunday = next_in(6, weekday=6, hour=12)  # the page writes the weekday and the month out
    event = new_event(client, alice, title="Pique-nique", begins_at=sunday.isoformat(), max_participants=1200)
    client.cookies.clear()

    home = client.get("/", headers=FRENCH).text
    assert '<html lang="fr">' in home
    assert "Événements à venir" in home and "Se connecter" in home and "1 événement à venir" in home
    assert '<option value="fr" lang="fr" selected>Français</option>' in home

    page = client.get(f"/events/{event['uuid']}", headers=FRENCH).text
    assert f"dimanche {sunday.day} juin {sunday.year}, 12:00" in page
    assert "Organisation" in page and "Catégorie" in page and "Se connecter pour participer" in page
    assert "0 personne inscrite" in page and "1\u202f200 places restantes sur 1\u202f200" in page

    english = client.get(f"/events/{event['uuid']}", headers=ENGLISH).text
    assert f"Sunday, June {sunday.day}, {sunday.year}, 12:00\u202fPM" in english


def test_numbers_are_written_the_french_way(client):
    alice = sign_up(client, "alice@example.org", "alice")
    for number in range(2):
        new_event(client, alice, title=f"Atelier {number}")
    client.cookies.clear()
    assert "2 événements à venir" in client.get("/", headers=FRENCH).text
    french = make_environment(client.app.state.settings, [], "fr", translations("fr"))
    assert french.from_string("{{ 1234567 | number }}").render() == "1\u202f234\u202f567"


def test_unknown_languages_fall_back_to_the_instance_language(client):
    page = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,ja;q=0.5"}).text
    assert '<html lang="en">' in page and "Forgot your password?" in page


def test_an_instance_may_speak_french_by_default(data_dir):
    with TestClient(create_app(make_settings(data_dir, instance={"language": "fr"})),
                    base_url="http://testserver.local") as french_instance:
        page = french_instance.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
        assert '<html lang="fr">' in page and "Mot de passe oublié\u202f?" in page
        assert '<html lang="en">' in french_instance.get("/login", headers=ENGLISH).text


def test_the_switcher_remembers_the_language_in_a_cookie(client):
    page = client.get("/login?next=/settings&done=logged-out").text
    assert '<input type="hidden" name="next" value="/login?next=%2Fsettings">' in page, "back here, without the message"
    response = switch_to(client, "fr", "/login?next=%2Fsettings")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fsettings"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("convene_language=fr;") and "HttpOnly" in cookie and "SameSite=lax" in cookie

    assert "Mot de passe oublié" in client.get("/login", headers=ENGLISH).text, "the choice beats the browser's"
    assert "Aller au contenu" in client.get("/", headers=ENGLISH).text, "and lasts from page to page"

    switch_to(client, "en")
    assert "Forgot your password?" in client.get("/login", headers=FRENCH).text


def test_the_switcher_goes_back_to_local_pages_only_and_refuses_other_sites(client):
    assert switch_to(client, "fr", "//evil.example/").headers["location"] == "/"
    assert switch_to(client, "fr", "https://evil.example/").headers["location"] == "/"

    assert switch_to(client, "fr", Origin="https://evil.example").status_code == 403
    assert switch_to(client, "fr", **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert switch_to(client, "fr", Origin="http://testserver.local").status_code == 303
    assert switch_to(client, "fr", **{"Sec-Fetch-Site": "same-origin"}).status_code == 303

    refused = switch_to(client, "xx")
    assert refused.status_code == 422 and "convene_language" not in refused.headers.get("set-cookie", "")


def test_a_members_preference_wins_over_the_browser_and_the_switcher_saves_it(client):
    sign_up(client, "bea@example.org", "bea")
    log_in(client, "bea@example.org")
    submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Europe/Paris"})
    settings = client.get("/settings", headers=ENGLISH).text
    assert "Langue et fuseau horaire" in settings, "French although the browser asks for English"
    assert '<option value="fr" selected>Français</option>' in settings, "the languages found are offered"

    client.cookies.set("convene_language", "en")
    assert "Paramètres" in client.get("/", headers=ENGLISH).text, "the account's choice beats an old cookie"

    switch_to(client, "en", "/settings")
    assert '<option value="en" selected>English</option>' in client.get("/settings", headers=FRENCH).text


def test_signing_up_on_french_pages_keeps_french_after_login_and_in_the_email(client):
    client.headers.update(FRENCH)
    response = submit(client, "/signup", "/signup", {"email": "chloe@example.org", "password": "court",
                                                     "username": "chloe", "display_name": ""})
    assert field_error(response.text, "signup", "password") == "doit contenir au moins 8 caractères"
    response = submit(client, "/signup", "/signup", {"email": "chloe@example.org", "password": "correct horse",
                                                     "username": "chloe", "display_name": ""})
    assert "Presque fini\u00a0: nous vous avons envoyé un e-mail." in response.text
    email = outbox_rows(client, "notification")[-1].payload
    assert email["subject"] == "Confirmez votre compte sur Convene"
    client.get(confirm_link(client, "chloe@example.org"))
    client.headers.update(ENGLISH)
    client.cookies.clear()
    response = submit(client, "/login", "/login", {"email": "chloe@example.org", "password": "correct horse"})
    assert "Connexion réussie." in response.text
    assert "Déconnexion réussie." in submit(client, "/", "/logout").text, "still French after logging out"


def test_the_owner_of_an_address_hears_of_a_sign_up_with_it_in_their_language(client):
    client.headers.update(FRENCH)
    submit(client, "/signup", "/signup", {"email": "chloe@example.org", "password": "correct horse", "username": "chloe"})
    client.get(confirm_link(client, "chloe@example.org"))
    stranger = second_browser(client)
    stranger.headers.update(ENGLISH)
    response = submit(stranger, "/signup", "/signup", {"email": "chloe@example.org", "password": "other horse",
                                                       "username": "not_chloe"})
    assert "Almost there: we sent you an email." in response.text
    email = outbox_rows(client, "notification")[-1].payload
    assert (email["kind"], email["to_email"]) == ("sign_up_attempt", "chloe@example.org")
    assert email["subject"] == "Quelqu’un a essayé de s’inscrire sur Convene avec votre adresse"
    assert email["text"] == ("Un compte utilise déjà cette adresse. Si c’était vous, connectez-vous, ou réinitialisez"
                             " votre mot de passe depuis la page de connexion\u00a0: http://testserver.local/login")


def test_a_rate_limit_refusal_is_translated(client):
    within_one_minute_window()
    client.headers.update(FRENCH)
    for _ in range(10):
        assert client.post("/api/v1/password/reset-request", json={"email": "chloe@example.org"}).status_code == 202
    refused = submit(client, "/password/forgot", "/password/forgot", {"email": "chloe@example.org"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    assert "trop de demandes pour cette adresse\u202f; réessayez dans quelques minutes" in refused.text


def test_form_errors_and_error_pages_are_translated_and_still_escaped(client):
    client.headers.update(FRENCH)
    wrong = submit(client, "/login", "/login", {"email": "nobody@example.org", "password": "whatever!"})
    assert "adresse e-mail ou mot de passe incorrect" in wrong.text
    assert "Veuillez vérifier votre saisie" in wrong.text
    assert "événement introuvable" in client.get("/events/00000000-0000-0000-0000-000000000000").text

    sign_up(client, "dan@example.org", "dan")
    log_in(client, "dan@example.org")  # signed up through the API: English until the settings say French
    submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Europe/Paris"})
    response = submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "<b>Mars</b>"})
    assert field_error(response.text, "preferences", "timezone") == (
        "fuseau horaire inconnu '<b>Mars</b>' (utilisez un nom IANA comme Europe/Paris)")
    assert "<b>Mars</b>" not in response.text, "the value typed is shown as text, not markup"


def _retitle_behind_the_cache(client: TestClient, title: str) -> None:
    async def run() -> None:
        async with client.app.state.sessionmaker() as session:
            await session.execute(update(Event).values(title=title))
            await session.commit()

    with client.portal() as portal:
        portal.call(run)


@pytest.mark.parametrize("first", [FRENCH, ENGLISH], ids=["French first", "English first"])
def test_the_anonymous_page_cache_keeps_one_copy_per_language(client, first):
    alice = sign_up(client, "alice@example.org", "alice")
    url = f"/events/{new_event(client, alice, title='Chorale')['uuid']}"
    client.cookies.clear()
    french_reader, english_reader = client, second_browser(client)

    def french() -> str:
        return french_reader.get(url, headers=FRENCH).text

    def english() -> str:
        return english_reader.get(url, headers=ENGLISH).text

    pages = [french(), english()] if first is FRENCH else [english(), french()][::-1]
    assert "Organisation" in pages[0] and "Organiser" not in pages[0]
    assert "Organiser" in pages[1] and "Organisation" not in pages[1]

    _retitle_behind_the_cache(client, "Renamed behind the cache")
    assert "Chorale" in french() and "Organisation" in french(), "French readers get the French copy"
    assert "Chorale" in english() and "Organiser" in english(), "English readers get the English copy"

    french_reader.cookies.set("convene_language", "en")
    assert "Organiser" in french_reader.get(url, headers=FRENCH).text, "the switcher's cookie picks the copy too"

    french_reader.cookies.clear()
    client.patch(f"/api/v1/events/{url.rsplit('/', 1)[1]}", headers=alice, json={"title": "Chorale d'été"})
    assert "Chorale d&#39;été" in french() and "Chorale d&#39;été" in english(), "a change empties every copy"
