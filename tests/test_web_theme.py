"""Branding from the config (logo, primary colour) and switching themes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from core.app import create_app
from core.settings import ConfigError
from core.web.branding import contrast_ratio
from core.web.templating import THEMES_DIR as THEMES
from helpers import make_settings, new_event, sign_up
from webhelpers import log_in, member

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'


@contextmanager
def instance(data_dir: Path, **overrides: Any) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(data_dir, **overrides)), base_url="http://testserver.local") as client:
        yield client


def brand_colours(client: TestClient, path: str) -> dict[str, str]:
    """The custom properties set from the configured primary colour, in the stylesheet the page links to."""
    match = re.search(r'<link rel="stylesheet" href="(/brand/[^"]+)">', client.get(path).text)
    assert match, "the page links to no brand colours"
    sheet = client.get(match.group(1))
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    return dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6});", sheet.text))


@pytest.mark.parametrize("primary", ["#ffdd00", "#1a237e", "#0f0", "#777777"])
def test_the_primary_colour_reaches_the_page_with_readable_text_on_it_and_in_it(data_dir, primary):
    with instance(data_dir, instance={"name": "Riverside", "primary_color": primary}) as client:
        colours = brand_colours(client, "/")
    assert colours["brand"] == {"#0f0": "#00ff00"}.get(primary, primary)
    assert contrast_ratio(colours["on-brand"], colours["brand"]) >= 4.5, "the header's text on the brand colour"
    assert contrast_ratio(colours["accent"], "#ffffff") >= 4.5, "links and buttons in the accent on white paper"


def test_a_pale_brand_colour_gets_dark_text_and_a_darker_accent_for_links(data_dir):
    with instance(data_dir, instance={"primary_color": "#FFDD00"}) as client:
        colours = brand_colours(client, "/about")
    assert colours == {"brand": "#ffdd00", "on-brand": "#000000", "accent": colours["accent"]}
    assert colours["accent"] != "#ffdd00"


def test_without_branding_the_theme_keeps_its_own_colours_and_shows_no_logo(client):
    page = client.get("/").text
    assert "/brand/" not in page and 'class="logo"' not in page
    assert client.get("/brand/logo").status_code == 404
    assert client.get("/brand/colours.css").status_code == 404


def test_a_wrong_colour_stops_start_up_naming_the_key(data_dir):
    with pytest.raises(ConfigError, match=r"instance\.primary_color"):
        make_settings(data_dir, instance={"primary_color": "blue"})


def test_the_logo_is_shown_in_the_header_and_served_by_the_instance(data_dir, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO)
    with instance(data_dir, instance={"name": "Riverside", "logo": str(logo)}) as client:
        page = client.get("/").text
        assert re.search(r'<a class="brand" href="/"><img class="logo" src="/brand/logo" alt=""[^>]*>Riverside</a>', page)
        served = client.get("/brand/logo")
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("image/svg+xml")
        assert served.text == LOGO
        assert "default-src 'none'" in served.headers["content-security-policy"]


@pytest.mark.parametrize("name", ["missing.svg", "logo.exe"])
def test_a_logo_that_cannot_be_served_stops_start_up_naming_the_key(data_dir, tmp_path, name):
    (tmp_path / "logo.exe").write_text("MZ")
    with pytest.raises(ConfigError, match=r"instance\.logo"):
        create_app(make_settings(data_dir, instance={"logo": str(tmp_path / name)}))


def test_the_harbour_theme_overrides_its_templates_and_falls_back_to_the_default_for_the_rest(data_dir):
    with instance(data_dir, theme="harbour", instance={"name": "Riverside", "description": "Gatherings by the river."}) as client:
        new_event(client, sign_up(client, "bob@example.org", "bob"), title="Boat trip")
        home = client.get("/").text
        assert '<link rel="stylesheet" href="/static/harbour.css">' in home, "harbour's base.html frames the page"
        assert '<p class="tagline">Gatherings by the river.</p>' in home
        assert '<ul class="cards">' in home and "Boat trip" in home, "harbour's event list partial"
        about = client.get("/about").text
        assert "<h1>About Riverside</h1>" in about, "about.html, not in harbour, comes from the default theme"
        assert "/static/harbour.css" in about, "inside harbour's frame"


def test_the_default_theme_does_not_see_harbour(client):
    home = client.get("/").text
    assert "harbour.css" not in home and 'class="tagline"' not in home


def test_static_files_resolve_from_the_active_theme_first(data_dir):
    default_icon = (THEMES / "default" / "static" / "favicon.svg").read_text()
    with instance(data_dir, theme="harbour") as client:
        icon = client.get("/static/favicon.svg")
        assert icon.status_code == 200 and icon.text == (THEMES / "harbour" / "static" / "favicon.svg").read_text()
        assert icon.text != default_icon
        assert "header.site" in client.get("/static/convene.css").text, "what harbour lacks comes from the default"
        assert client.get("/static/harbour.css").status_code == 200


def test_a_theme_overrides_a_plugins_template(data_dir):
    with instance(data_dir, theme="harbour") as client:
        member(client, "ann@example.org", "ann")
        assert "<h1>From the people you follow</h1>" in client.get("/feed").text
    with instance(data_dir) as client:
        log_in(client, "ann@example.org")
        assert "<h1>Events of people you follow</h1>" in client.get("/feed").text


def test_an_unknown_theme_stops_start_up_naming_the_key(data_dir):
    with pytest.raises(ConfigError, match="theme: no theme named 'lagoon'"):
        create_app(make_settings(data_dir, theme="lagoon"))
