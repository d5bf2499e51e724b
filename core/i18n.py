"""Languages: gettext catalogues read with Babel, and the choice of a reader's language.

Templates and code are written in English. Every other language is one catalogue,
``core/locale/<code>/LC_MESSAGES/messages.po``: the languages offered are English plus
the catalogues found there, so adding a language is adding its catalogue. Plugins and
themes may ship catalogues of their own strings in a ``locale`` folder of the same shape
(docs/i18n.md). The .po files are compiled in memory when first used, so there is no
build step and no compiled file that could lag behind its source.

Nothing here knows about requests: the web layer (core.web.language) hands in what
the reader asked for, services ask for a language's translations to write emails.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

SOURCE_LANGUAGE = "en"
CORE_CATALOGUES = Path(__file__).resolve().parent / "locale"
CATALOGUE_FILE = Path("LC_MESSAGES") / "messages.po"
# an Accept-Language header is advice: a few dozen entries are plenty to read
MAX_ACCEPT_LANGUAGE = 512


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


class Message(str):
    """An English message with values in it that a page can still show in the reader's language.

    ``Message("must be at least %(count)s characters", count=8)`` is the plain string
    "must be at least 8 characters" wherever a string is expected (the API, logs), and
    keeps its msgid and values so a template translates the words and fills the values
    in again. Services raise these for messages that carry a number or a name, where a
    finished sentence could no longer be looked up in a catalogue.
    """

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, **values: object) -> Message:
        message = super().__new__(cls, msgid % values if values else msgid)
        message.msgid, message.values = msgid, values
        return message


class Reasons(str):
    """Several messages shown as one (the reasons of several plugins refusing one thing).

    As a plain string it is the English sentences joined; a template translates each
    one, from whichever catalogue knows it, before joining them.
    """

    messages: tuple[str, ...]

    def __new__(cls, messages: Sequence[str]) -> Reasons:
        text = messages[0] if len(messages) == 1 else " ".join(_sentence(m) for m in messages)
        joined = super().__new__(cls, text)
        joined.messages = tuple(messages)
        return joined


def _sentence(text: str) -> str:
    """A reason as a sentence of its own, so several read well one after the other."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


StoredMessage = str | dict[str, Any]


def stored_messages(messages: Sequence[str]) -> list[StoredMessage]:
    """Messages as JSON keeps them (reasons of a hold): a ``Message`` keeps its msgid and values, so it
    is still translated when shown later; values must be JSON's (text, numbers)."""
    return [{"msgid": m.msgid, "values": m.values} if isinstance(m, Message) and m.values else str(m)
            for m in messages]


def loaded_message(stored: StoredMessage) -> str:
    """A message of ``stored_messages`` again, as the message it was."""
    return stored if isinstance(stored, str) else Message(stored["msgid"], **stored.get("values", {}))


def translate_message(translations: Translations, message: StoredMessage) -> str:
    """A service's message in the catalogue's language, as plain text (never markup: values
    in it may come from the person, so the template escapes it like any text)."""
    if isinstance(message, dict):
        message = loaded_message(message)
    if isinstance(message, Reasons):
        if len(message.messages) == 1:
            return translate_message(translations, message.messages[0])
        return " ".join(_sentence(translate_message(translations, m)) for m in message.messages)
    if not isinstance(message, Message):
        return translations.gettext(message)
    words = translations.gettext(message.msgid)
    return words % message.values if message.values else words


def catalogue_languages(folder: Path) -> list[str]:
    """The language codes with a catalogue in ``folder`` (``<code>/LC_MESSAGES/messages.po``)."""
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in folder.iterdir() if (entry / CATALOGUE_FILE).is_file())


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """English, the language of the source, then every language core has a catalogue for."""
    return (SOURCE_LANGUAGE, *(code for code in catalogue_languages(CORE_CATALOGUES) if code != SOURCE_LANGUAGE))


def language_name(code: str) -> str:
    """A language's name in that language, as a person looking for their own reads it ("Français")."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def html_lang(code: str) -> str:
    """The BCP 47 tag for ``lang`` attributes: catalogue folders say ``pt_BR``, HTML says ``pt-BR``."""
    return code.replace("_", "-")


def read_catalogue(path: Path) -> Translations:
    """A .po file compiled in memory; fuzzy entries are left out, as gettext's msgfmt does."""
    with path.open("rb") as source:
        catalogue = read_po(source)
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


@lru_cache(maxsize=64)
def translations(language: str, folders: tuple[Path, ...] = ()) -> Translations:
    """Core's catalogue of ``language`` with those of ``folders`` merged over it, in order.

    ``folders`` are the ``locale`` folders of plugins, then of the theme: a later
    catalogue wins for a string both translate, so a theme can reword anything.
    The first catalogue found is the base because its header gives the plural rule.
    English needs no catalogue: without one, every string is shown as written.
    """
    paths = [folder / language / CATALOGUE_FILE for folder in (CORE_CATALOGUES, *folders)]
    found = [read_catalogue(path) for path in paths if path.is_file()]
    if not found:
        return Translations()
    base, *others = found
    for other in others:
        base.merge(other)
    return base


def preferred_languages(accept_language: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first; ``q=0`` means "not this one".

    Tags come back in catalogue spelling (``fr_CH``). Entries of equal weight keep the
    order the browser gave them.
    """
    weighted: list[tuple[float, int, str]] = []
    for position, entry in enumerate(accept_language[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, parameters = entry.partition(";")
        tag = tag.strip()
        quality = _quality(parameters)
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(weighted)]


def _quality(parameters: str) -> float:
    """The ``q`` of one Accept-Language entry: 1 when absent, 0 (ignored) when unreadable."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def negotiate(accept_language: str, available: Sequence[str]) -> str | None:
    """The available language a browser prefers most (``fr-CH`` finds ``fr``), or None."""
    match = negotiate_locale(preferred_languages(accept_language), available, sep="_")
    spelled = {code.lower(): code for code in available}
    return spelled.get(match.lower()) if match else None


def choose_language(available: Sequence[str], default: str, *, account: str | None = None,
                    cookie: str | None = None, accept_language: str = "") -> str:
    """The language to answer in: the member's preference, then the switcher's cookie, then the
    browser's languages, then the instance's. A choice that is not (or no longer) available is skipped."""
    for chosen in (account, cookie):
        if chosen is not None and chosen in available:
            return chosen
    return negotiate(accept_language, available) or default
