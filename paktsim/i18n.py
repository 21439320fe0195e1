"""Message catalogue for text shown to people (gettext; English source, German translation).

Messages are written in English in the code (``msgid``) and translated at the
output boundary (CLI errors, argparse's own strings) through the catalogue
``paktsim/locale/de/LC_MESSAGES/paktsim.po``, compiled to ``paktsim.mo``
(``python -m paktsim.i18n`` recompiles; ``tests/test_i18n.py`` checks they are in
sync).  German is the default; ``PAKTSIM_LANG=en`` shows the English source.
A message without a translation is shown as it is.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
import re
from pathlib import Path
from typing import Any

__all__ = [
    "LOCALE_DIR",
    "DOMAIN",
    "language",
    "gettext",
    "ngettext",
    "translate_problem",
    "translate_segments",
    "translate_location",
    "problem_lines",
    "compile_catalogue",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "paktsim"


def language() -> str:
    """``de`` (default) or ``en`` from the environment variable ``PAKTSIM_LANG``."""
    value = os.environ.get("PAKTSIM_LANG", "de").strip().lower()[:2]
    return "en" if value == "en" else "de"


@functools.lru_cache(maxsize=4)
def _translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form."""
    return _translations(language()).ngettext(singular, plural, n)


_PLACEHOLDER = re.compile(r"\{(\d+)\}")


@functools.lru_cache(maxsize=4)
def _templates(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The catalogue's messages with numbered placeholders as (regex, translation) pairs.

    A msgid such as ``expected one of {0}`` comes from an f-string in the code
    (``tools/extract_messages.py`` lists them); the regex captures what the code
    put in, and the translation takes it at the same number. Literal braces are
    written doubled (``{{``), as in :meth:`str.format`.
    """
    catalog = getattr(_translations(lang), "_catalog", {})
    out = []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not _PLACEHOLDER.search(msgid) or not msgstr:
            continue
        pattern, pos = [], 0
        for match in _PLACEHOLDER.finditer(msgid):
            literal = msgid[pos : match.start()].replace("{{", "{").replace("}}", "}")
            pattern.append(re.escape(literal) + f"(?P<p{match.group(1)}>.+?)")
            pos = match.end()
        pattern.append(re.escape(msgid[pos:].replace("{{", "{").replace("}}", "}")))
        out.append((re.compile("".join(pattern) + r"\Z", re.S), msgstr))
    # the longest literal text first: the most specific template wins
    out.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[0].pattern)))
    return tuple(out)


def _fill(match: re.Match[str], msgstr: str) -> str:
    filled = _PLACEHOLDER.sub(lambda m: match.group(f"p{m.group(1)}"), msgstr)
    return filled.replace("{{", "{").replace("}}", "}")


def _translate_one(message: str) -> str | None:
    whole = gettext(message)
    if whole != message:
        return whole
    if "{" in message or "}" in message:  # msgids double literal braces
        doubled = message.replace("{", "{{").replace("}", "}}")
        whole = gettext(doubled)
        if whole != doubled:
            return whole.replace("{{", "{").replace("}}", "}")
    if language() == "en":
        return None
    for pattern, msgstr in _templates(language()):
        match = pattern.match(message)
        if match:
            return _fill(match, msgstr)
    return None


def translate_problem(message: str) -> str:
    """Translate a problem message.

    The whole text first (plain msgid, then a template with placeholders such as
    ``expected one of {0}``), else its part before ``;`` or `` (`` with the rest kept
    as it is (a detail such as a library's own text). Untranslated text stays English.
    """
    translated = _translate_one(message)
    if translated is not None:
        return translated
    for sep in ("; ", " ("):
        head, found, tail = message.partition(sep)
        if found:
            translated = _translate_one(head)
            if translated is not None:
                return translated + found + tail
    return message


def translate_segments(text: str, sep: str = "; ") -> str:
    """Translate a text made of parts joined by ``sep`` (a parameter's sources), part by part.

    A part without a translation (a title, a web address) is kept as it is.
    """
    if not text:
        return text
    return sep.join(_translate_one(part) or part for part in text.split(sep))


def problem_lines(exc: Any) -> list[str]:
    """The lines of an :class:`~paktsim.errors.InputError`, each message translated.

    ``validate`` and every other command print the same German lines
    (``got`` → ``erhalten``).
    """
    lines = []
    for problem in exc.problems:
        line = problem.format(exc.source)
        head = ": ".join([p for p in (exc.source, problem.location) if p] + [problem.message])
        rest = line[len(head) :]
        if rest.startswith(" (got "):
            rest = f" ({gettext('got')} " + rest[len(" (got ") :]
        before = head[: len(head) - len(problem.message)]
        if problem.location:
            start = len(exc.source) + 2 if exc.source else 0
            before = before[:start] + translate_location(problem.location) + ": "
        lines.append(before + translate_problem(problem.message) + rest)
    return lines


def translate_location(location: str) -> str:
    """``(file)`` → ``(Datei)``, ``counts.csv:row 7:persons`` → ``counts.csv:Zeile 7:persons``."""
    whole = gettext(location)
    if whole != location:
        return whole
    return _ROW.sub(lambda m: f"{gettext('row')} {m.group(1)}", location)


_ROW = re.compile(r"(?<![\w.])row (\d+)")


def compile_catalogue(lang: str = "de") -> bytes:
    """Compile the ``.po`` file of ``lang`` to ``.mo`` bytes (babel)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with open(po, "rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


if __name__ == "__main__":  # pragma: no cover - maintenance command
    target = LOCALE_DIR / "de" / "LC_MESSAGES" / f"{DOMAIN}.mo"
    target.write_bytes(compile_catalogue("de"))
    print(f"{target} geschrieben")
