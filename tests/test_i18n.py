"""Languages without a browser: catalogues complete, negotiation, adding a language, emails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from core.catalogues import CORE_SOURCES, PLUGIN_SOURCES, REPOSITORY, extract, read, untranslated
from core.i18n import (
    CATALOGUE_FILE,
    CORE_CATALOGUES,
    Message,
    catalogue_languages,
    choose_language,
    language_name,
    languages,
    loaded_message,
    negotiate,
    preferred_languages,
    read_catalogue,
    stored_messages,
    translate_message,
    translations,
)
from core.settings import ConfigError, settings_from_dict
from core.web.templating import local_moment
from helpers import SECRET, next_in, outbox_rows, sign_up

PLUGINS = REPOSITORY / "plugins"


def _catalogue_sets() -> list[tuple[str, Catalog, Path]]:
    """Core's strings with each of its languages, and each plugin's strings with its own catalogues."""
    sets = [(f"core {code}", extract(REPOSITORY, CORE_SOURCES), CORE_CATALOGUES / code / CATALOGUE_FILE)
            for code in catalogue_languages(CORE_CATALOGUES)]
    for plugin in sorted(p for p in PLUGINS.iterdir() if (p / "__init__.py").is_file()):
        strings = extract(plugin, PLUGIN_SOURCES)
        if len(strings):
            sets += [(f"{plugin.name} {code}", strings, plugin / "locale" / code / CATALOGUE_FILE)
                     for code in languages()[1:]]
    return sets


@pytest.mark.parametrize(("name", "strings", "catalogue"), _catalogue_sets(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_string_of_the_code_and_templates_is_translated(name, strings, catalogue):
    """Extracted from the code as it is now, not from the committed template: a string added
    to a template without its translation fails here (run `python -m core.catalogues`)."""
    assert catalogue.is_file(), f"{name}: no catalogue at {catalogue}"
    missing = untranslated(strings, read(catalogue))
    assert not missing, f"{name}: {len(missing)} strings untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("code", languages()[1:])
def test_a_plugin_says_the_cores_words_as_the_core_does(code):
    """A later catalogue rewords an earlier one (themes rely on it), so a plugin that translates one
    of the core's msgids its own way rewords the core's pages whenever it is on."""
    core = read(CORE_CATALOGUES / code / CATALOGUE_FILE)
    reworded = [(plugin.name, message.id, message.string)
                for plugin in sorted(PLUGINS.iterdir()) if (plugin / "locale" / code / CATALOGUE_FILE).is_file()
                for message in read(plugin / "locale" / code / CATALOGUE_FILE)
                if message.id and message.id in core and message.string != core[message.id].string]
    assert reworded == []


def test_french_is_offered_and_named_in_french():
    assert languages()[:1] == ("en",) and "fr" in languages()
    assert language_name("fr") == "Français" and language_name("en") == "English"


def test_french_words_and_dates():
    french = translations("fr")
    assert french.gettext("Log in") == "Se connecter"
    assert french.ngettext("%(num)s upcoming event", "%(num)s upcoming events", 2) == "%(num)s événements à venir"
    assert french.ngettext("%(num)s upcoming event", "%(num)s upcoming events", 1) == "%(num)s événement à venir"
    from datetime import UTC
    moment = next_in(6, hour=16, minute=30).replace(tzinfo=UTC)  # 18:30 in Paris, UTC+2 in June
    assert local_moment(moment, "Europe/Paris", "fr", "long") == f"{moment.day} juin {moment.year}, 18:30"
    assert local_moment(moment, "Europe/Paris", "en", "long") == f"June {moment.day}, {moment.year}, 6:30\u202fPM"


@pytest.mark.parametrize(("header", "expected"), [
    ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr"),
    ("de-DE,de;q=0.9,en-GB;q=0.8,fr;q=0.7", "en"),  # English is liked more than French
    ("en;q=0.2, fr", "fr"),  # weights count, not order
    ("FR-be", "fr"),
    ("fr;q=0, en", "en"),  # q=0: "not this one"
    ("de, ja", None),
    ("*", None),
    ("fr;q=banana, en;q=0.5", "en"),
    ("", None),
])
def test_accept_language_is_negotiated_by_weight(header, expected):
    assert negotiate(header, ["en", "fr"]) == expected


def test_preferred_languages_keep_the_browser_order_for_equal_weights():
    assert preferred_languages("pt-BR, es;q=0.8, it;q=0.8, en;q=0.1") == ["pt_BR", "es", "it", "en"]


def test_the_account_then_the_cookie_then_the_browser_then_the_instance_decide():
    available = ("en", "fr")
    assert choose_language(available, "en", account="fr", cookie="en", accept_language="en") == "fr"
    assert choose_language(available, "en", cookie="fr", accept_language="en") == "fr"
    assert choose_language(available, "en", accept_language="fr-FR") == "fr"
    assert choose_language(available, "fr", accept_language="ja") == "fr"
    # a language no longer offered (its catalogue removed) is skipped, not obeyed
    assert choose_language(available, "en", account="xx", cookie="yy", accept_language="fr") == "fr"


def test_adding_a_language_is_adding_a_catalogue(tmp_path):
    catalogue = tmp_path / "eo" / CATALOGUE_FILE
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
                         'msgid "Log in"\nmsgstr "Ensaluti"\n\n'
                         '#, fuzzy\nmsgid "Log out"\nmsgstr "Elsaluti?"\n', encoding="utf-8")
    assert catalogue_languages(tmp_path) == ["eo"]
    esperanto = read_catalogue(catalogue)
    assert esperanto.gettext("Log in") == "Ensaluti"
    assert esperanto.gettext("Log out") == "Log out", "a fuzzy guess is not shown"


def test_a_later_catalogue_rewords_an_earlier_one(tmp_path):
    theme = tmp_path / "fr" / CATALOGUE_FILE
    theme.parent.mkdir(parents=True)
    theme.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
                     'msgid "Log in"\nmsgstr "Entrer"\n', encoding="utf-8")
    merged = translations("fr", (tmp_path,))
    assert merged.gettext("Log in") == "Entrer"
    assert merged.gettext("Log out") == "Se déconnecter", "core's other strings stay"


def test_a_service_message_with_values_is_english_text_and_translatable():
    message = Message("must be at least %(count)s characters", count=8)
    assert message == "must be at least 8 characters"
    assert translate_message(translations("fr"), message) == "doit contenir au moins 8 caractères"
    assert translate_message(translations("fr"), "this field is required") == "ce champ est obligatoire"
    assert translate_message(translations("fr"), "Expected `int`, got `str`") == "Expected `int`, got `str`"


def test_a_reason_kept_in_json_is_still_translated_with_its_values():
    """Reasons of a hold are stored (JSON) and shown later: a Message must not fall back to English."""
    stored = json.loads(json.dumps(stored_messages([Message("must be at least %(count)s characters", count=8),
                                                    "this field is required"])))
    assert [str(loaded_message(reason)) for reason in stored] == ["must be at least 8 characters", "this field is required"]
    assert [translate_message(translations("fr"), reason) for reason in stored] == [
        "doit contenir au moins 8 caractères", "ce champ est obligatoire"]


def test_the_instance_language_must_have_a_catalogue():
    assert settings_from_dict({"secret_key": SECRET, "instance": {"language": "fr"}}).instance.language == "fr"
    with pytest.raises(ConfigError, match="instance.language: 'xx' has no catalogue"):
        settings_from_dict({"secret_key": SECRET, "instance": {"language": "xx"}})


def test_emails_are_written_in_the_account_language(client):
    headers = sign_up(client, "anne@example.org", "anne")
    assert outbox_rows(client, "notification")[-1].payload["subject"] == "Confirm your account on Convene"

    assert client.patch("/api/v1/account", headers=headers, json={"locale": "fr"}).status_code == 200
    client.post("/api/v1/password/reset-request", json={"email": "anne@example.org"})
    email = outbox_rows(client, "notification")[-1].payload
    assert (email["kind"], email["locale"]) == ("reset_password", "fr")
    assert email["subject"] == "Réinitialisez votre mot de passe sur Convene"
    assert email["text"].startswith("Quelqu’un a demandé à réinitialiser votre mot de passe. Si c’était vous, ouvrez")
    assert email["text"].endswith(email["link"])


def test_an_unknown_language_is_refused_with_the_languages_offered(client):
    headers = sign_up(client, "anne@example.org", "anne")
    refused = client.patch("/api/v1/account", headers=headers, json={"locale": "xx"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "locale", "message": "must be one of: en, fr"}]
