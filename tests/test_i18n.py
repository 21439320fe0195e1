"""German for people through the message catalogue; English with PAKTSIM_LANG=en."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from paktsim import i18n
from paktsim.commands import COMMANDS

#: English words that must not reach a German user in help texts and error lines.
ENGLISH = ("usage", "options", "show", "help message", "expected", "missing", "file not",
           "got", "error", "required", "invalid", "choose", "arguments", "exists")


def run(*args, lang="de", cwd=None):
    env = {**os.environ, "PAKTSIM_LANG": lang}
    return subprocess.run([sys.executable, "-m", "paktsim", *args], capture_output=True,
                           text=True, env=env, cwd=cwd)


def test_compiled_catalogue_is_in_sync_with_the_po_file():
    import gettext
    import io

    mo = i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "paktsim.mo"

    def messages(data: bytes) -> dict:
        catalog = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)
        catalog.pop("", None)  # the header carries babel's compile time
        return catalog

    shipped, fresh = messages(mo.read_bytes()), messages(i18n.compile_catalogue("de"))
    assert shipped == fresh, "run `python -m paktsim.i18n` after editing paktsim.po"
    assert len(shipped) > 50


def _english_words(text: str) -> list[str]:
    # option names (--out), metavars and quoted values are machine words, not prose
    prose = re.sub(r"--?[\w-]+|'[^']*'|\{[^}]*\}|\[[^\]]*\]", " ", text)
    return [w for w in ENGLISH if re.search(rf"\b{w}\b", prose, re.I)]


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "data"] + [None])
def test_help_is_german(command):
    r = run(*([command] if command else []), "--help")
    assert r.returncode == 0
    assert r.stdout.startswith("Aufruf: ")
    assert _english_words(r.stdout) == [], r.stdout


def test_errors_are_german_and_english_on_request(tmp_path):
    cases = [("allocate", "--rule", "population", "--out", "x.csv"),
             ("allocate", "--rule", "bogus", "--out", "x.csv"),
             ("compare", "fehlt.csv", "fehlt2.csv", "--out", "d.xlsx"),
             ("map", "fehlt.xlsx", "--out", "k.txt"),
             ("report", "s.yaml", "--out", "b.txt"),
             ("run", "fehlt.yaml", "--out", "o")]
    for case in cases:
        r = run(*case, cwd=tmp_path)
        assert r.returncode == 2, case
        assert _english_words(r.stderr) == [], r.stderr
    r = run("compare", "fehlt.csv", "fehlt2.csv", "--out", "d.xlsx", lang="en", cwd=tmp_path)
    assert "file not found" in r.stderr
    r = run("--help", lang="en")
    assert r.stdout.startswith("usage: ")
