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
from pathlib import Path
from typing import Any

__all__ = ["LOCALE_DIR", "DOMAIN", "language", "gettext", "ngettext", "translate_problem",
           "compile_catalogue"]

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


def translate_problem(message: str) -> str:
    """Translate a problem message: the whole text, else its part before ``;`` or ``(``."""
    whole = gettext(message)
    if whole != message:
        return whole
    for sep in ("; ", " ("):
        head, found, tail = message.partition(sep)
        if found:
            translated = gettext(head)
            if translated != head:
                return translated + found + tail
    return message


def problem_lines(exc: Any) -> list[str]:
    """The lines of an :class:`~paktsim.errors.InputError`, each message translated.

    ``validate`` and every other command print the same German lines
    (``got`` → ``erhalten``).
    """
    lines = []
    for problem in exc.problems:
        line = problem.format(exc.source)
        head = ": ".join([p for p in (exc.source, problem.location) if p] + [problem.message])
        rest = line[len(head):]
        if rest.startswith(" (got "):
            rest = f" ({gettext('got')} " + rest[len(" (got "):]
        lines.append(head[:len(head) - len(problem.message)]
                     + translate_problem(problem.message) + rest)
    return lines


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
