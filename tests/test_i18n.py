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
ENGLISH = (
    "usage",
    "options",
    "show",
    "help message",
    "expected",
    "missing",
    "file not",
    "got",
    "error",
    "required",
    "invalid",
    "choose",
    "arguments",
    "exists",
)


def run(*args, lang="de", cwd=None):
    env = {**os.environ, "PAKTSIM_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args], capture_output=True, text=True, env=env, cwd=cwd
    )


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
    cases = [
        ("allocate", "--rule", "population", "--out", "x.csv"),
        ("allocate", "--rule", "bogus", "--out", "x.csv"),
        ("compare", "fehlt.csv", "fehlt2.csv", "--out", "d.xlsx"),
        ("map", "fehlt.xlsx", "--out", "k.txt"),
        ("report", "s.yaml", "--out", "b.txt"),
        ("run", "fehlt.yaml", "--out", "o"),
    ]
    for case in cases:
        r = run(*case, cwd=tmp_path)
        assert r.returncode == 2, case
        assert _english_words(r.stderr) == [], r.stderr
    r = run("allocate", "--rule", "population", "--out", "x.csv", lang="en", cwd=tmp_path)
    assert "--budget: missing; give the envelope in euros" in r.stderr
    r = run("--help", lang="en")
    assert r.stdout.startswith("usage: ")


def test_every_problem_message_of_the_package_has_a_translation():
    """tools/extract_messages.py lists the English problem messages; each is in the catalogue
    with the same placeholders, so a German user never gets one in English."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "extract_messages", i18n.LOCALE_DIR.parents[1] / "tools" / "extract_messages.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    missing = sorted(set(tool.messages()) - tool.catalogue_ids())
    assert missing == [], "add to paktsim.po: " + "; ".join(missing[:5])
    from babel.messages.pofile import read_po

    with open(i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "paktsim.po", "rb") as handle:
        for message in read_po(handle):
            if message.id:
                placeholders = sorted(re.findall(r"\{\d+\}", message.id))
                assert placeholders == sorted(re.findall(r"\{\d+\}", message.string)), message.id


def test_templates_translate_messages_built_with_values():
    assert i18n.translate_problem("expected one of 'a', 'b'") == "erwartet eines von 'a', 'b'"
    assert (
        i18n.translate_problem("end 2020-01 lies before start 2025-01")
        == "Ende 2020-01 liegt vor dem Beginn 2025-01"
    )
    assert (
        i18n.translate_problem("Input should be greater than or equal to 0")
        == "erwartet einen Wert ≥ 0"
    )
    # the head is translated, the rest (a library's detail) kept
    assert i18n.translate_problem("file not found; x") == "Datei nicht gefunden; x"
    assert i18n.translate_problem("something new") == "something new"


def test_validate_prints_german_lines_for_pydantic_and_own_messages(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "name: x\ncolour: red\nallocation:\n  rule: bogus\n"
        "horizon:\n  start: 2025-01\n  end: 2020-01\n"
    )
    r = run("validate", "x.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "unbekanntes Feld (hier nicht erlaubt; Schreibweise prüfen) (erhalten 'red')" in r.stderr
    assert _english_words(r.stderr) == [], r.stderr
    assert "unknown field" in run("validate", "x.yaml", cwd=tmp_path, lang="en").stderr
