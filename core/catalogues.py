"""Keeping translation catalogues in step with the code: extract, update, find what is missing.

Run ``python -m core.catalogues`` after changing strings: it extracts every string of
core and of the themes shipped here into ``core/locale/messages.pot`` and brings each
language's ``messages.po`` up to date (new strings appear untranslated, changed ones
fuzzy). ``python -m core.catalogues plugins/<name>`` does the same for a plugin, whose
catalogues live in its own ``locale`` folder. ``--add <code>`` starts a new language.
The test suite uses :func:`untranslated` to keep every catalogue complete.

Services raise English messages that are also msgids (core.errors), so the message
arguments of the error classes are extracted like ``_()`` calls: a form shows them
translated without the services knowing about languages.
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Collection, Iterator
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from core import __version__
from core.i18n import CATALOGUE_FILE, CORE_CATALOGUES, catalogue_languages

REPOSITORY = CORE_CATALOGUES.parents[1]
TEMPLATE_FILE = "messages.pot"
# (pattern, method) pairs relative to the folder extracted from
PYTHON = "core.catalogues:extract_python"
CORE_SOURCES = [("core/**.py", PYTHON), ("themes/**/templates/**.html", "jinja2")]
PLUGIN_SOURCES = [("**.py", PYTHON), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    # core.errors: the message of a domain error, and of InvalidInput.field(name, message)
    **dict.fromkeys(["DomainError", "NotFound", "Forbidden", "Conflict", "NotAuthenticated", "TooManyRequests"]),
    "InvalidInput.field": (2,),
    # core.i18n.Message(msgid, **values): a message with a number or a name in it
    "Message": None,
    # core.web.slots.Link(label, url) and MenuLink(label, url): links contributed by plugins
    "Link": None,
    "MenuLink": None,
}


def extract_python(source: BytesIO, keywords: Collection[str], _comment_tags: object,
                   options: object) -> Iterator[tuple[int, str, list[str | None], list[str]]]:
    """Babel's extraction method for Python, reading the syntax tree.

    So a keyword is only ever a call (``InvalidInput.field(field, "...")`` names a
    variable ``field`` too), and only literal strings count: an f-string or a string
    built by ``+`` cannot be a msgid, since its text is only known at run time.
    """
    for node in ast.walk(ast.parse(source.read())):
        if not isinstance(node, ast.Call):
            continue
        dotted = ast.unparse(node.func)
        name = dotted if dotted in keywords else dotted.rsplit(".", 1)[-1]
        if name in keywords:
            arguments = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                         for a in node.args]
            yield node.lineno, name, arguments, []


HEADER = ("# Translations template for PROJECT.\n"
          "# This file is distributed under the same licence as PROJECT (AGPL-3.0-or-later).\n#")


def _catalogue(language: str | None = None) -> Catalog:
    return Catalog(locale=language, header_comment=HEADER, project="Convene", version=__version__,
                   charset="utf-8", fuzzy=False)


def extract(folder: Path, sources: list[tuple[str, str]]) -> Catalog:
    """Every translatable string under ``folder``, with the files it appears in."""
    template = _catalogue()
    found = extract_from_dir(folder, sources, keywords=KEYWORDS,
                             options_map={pattern: {} for pattern, _ in sources})
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _write(path: Path, catalogue: Catalog) -> None:
    """Written without line numbers, so moving a string in a file does not touch the catalogues."""
    output = BytesIO()
    write_po(output, catalogue, width=100, include_lineno=False, ignore_obsolete=True, sort_by_file=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(output.getvalue())


def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def update(locale_folder: Path, template: Catalog, new_languages: list[str]) -> list[Path]:
    """Write the template and bring every catalogue (and the new ones) in step with it."""
    _write(locale_folder / TEMPLATE_FILE, template)
    written = []
    for language in sorted({*catalogue_languages(locale_folder), *new_languages}):
        path = locale_folder / language / CATALOGUE_FILE
        catalogue = read(path) if path.is_file() else _catalogue(language)
        catalogue.update(template)
        _write(path, catalogue)
        written.append(path)
    return written


def untranslated(template: Catalog, catalogue: Catalog) -> list[str]:
    """The template's strings this catalogue leaves in English: missing, empty or fuzzy
    (gettext skips fuzzy entries), or whose placeholders do not match the original."""
    problems = {str(message.id): message for message, _errors in catalogue.check()}
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, message.context)
        strings = found.string if found and isinstance(found.string, tuple) else [found.string if found else ""]
        if not found or found.fuzzy or not all(strings) or str(found.id) in problems:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.catalogues", description=__doc__.split("\n\n")[0])
    parser.add_argument("plugin", nargs="?", type=Path, help="a plugin's folder (default: core and the themes)")
    parser.add_argument("--add", action="append", default=[], metavar="CODE", help="start a catalogue for a language")
    arguments = parser.parse_args(argv)
    if arguments.plugin:
        template = extract(arguments.plugin, PLUGIN_SOURCES)
        locale_folder = arguments.plugin / "locale"
    else:
        template, locale_folder = extract(REPOSITORY, CORE_SOURCES), CORE_CATALOGUES
    for path in update(locale_folder, template, arguments.add):
        missing = untranslated(template, read(path))
        print(f"{path}: {len(missing)} of {len(template)} strings to translate")


if __name__ == "__main__":
    main()
