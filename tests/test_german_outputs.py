"""No English word reaches a German user: every produced file and message, scanned.

One module fixture runs what a Städtetag reader or planner runs — ``paktsim run``
(status quo with ``--draws 0``, the Städtetag proposal with a small Monte Carlo),
``allocate`` (Excel and CSV), ``compare``, ``params``, ``report`` (docx) — plus bad
input for each (the broken scenarios of ``tests/test_shipped_scenarios.py``, the
hostile corpus of ``tests/hostile``, CLI mistakes). Every word of every CSV header
and cell, Excel sheet (name, header, text cells), docx paragraph and table cell,
and of stdout/stderr is tokenised; a word of ``tests/data/english_words.txt``
fails the test unless ``tests/data/allowed_words.txt`` lists it (proper names,
units, abbreviations) or it is part of a Gemeinde/Kreis name.

Not prose and skipped before tokenising: web addresses, file names and dotted or
underscored identifiers (``staffing.target_ratio``, ``bestand_kreise.csv``: machine
names, documented as stable), quoted values (``'red'``: what the user typed), option
names (``--out``), command lines (``paktsim allocate --rule kreis-key …``), hashes, and the
CSV boolean literals ``True``/``False`` (machine values, see
docs/DEVELOPING.md "CSV files").
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
HOSTILE = Path(__file__).parent / "hostile"

pytestmark = pytest.mark.slow


def _words(name: str) -> set[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}


ENGLISH = {w.lower() for w in _words("english_words.txt")}
ALLOWED = _words("allowed_words.txt")

_NOT_PROSE = re.compile(
    r"https?://\S+"  # web addresses
    r"|\bpaktsim [a-z]+\b[^\n]*"  # a command line (Befehl, "prüfen mit: …")
    r"|\b[0-9a-f]{12,}\b"  # hashes
    r"|\b[\w-]+(?:[._/][\w-]+)+\b"  # file names, dotted/underscored identifiers
    r"|'[^'\n]*'|\"[^\"\n]*\"|[„“][^“”\n]*[“”]"  # quoted values and titles
    r"|(?<!\w)--?[a-z][\w-]*"
)  # option names
_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def _place_words() -> set[str]:
    from paktsim import regions

    names = list(regions.municipalities()["name"]) + list(regions.kreise()["name"])
    return {w for name in names for w in _WORD.findall(name)}


def english_words(text: str, names: set[str]) -> list[str]:
    """The English words of ``text`` (after removing what is not prose)."""
    prose = _NOT_PROSE.sub(" ", text)
    return [
        w
        for w in _WORD.findall(prose)
        if w.lower() in ENGLISH and w not in ALLOWED and w not in names
    ]


def _texts_of(path: Path):
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as handle:
            for i, row in enumerate(csv.reader(handle)):
                if i > 2000:  # long tables repeat the same few texts
                    break
                yield from (c for c in row if c not in ("True", "False"))
    elif path.suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            yield ws.title
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i > 2000:
                    break
                yield from (c for c in row if isinstance(c, str))
    elif path.suffix == ".docx":
        import docx

        document = docx.Document(path)
        yield from (p.text for p in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                yield from (c.text for c in row.cells)


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _in_process(args: list[str], cwd: Path) -> str:
    """``paktsim ARGS`` in this process (fast for many small bad-input cases): stdout+stderr."""
    from paktsim import cli

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main(args)
            except SystemExit:
                pass
    finally:
        os.chdir(old)
    return out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("deutsch")


@pytest.fixture(scope="module")
def produced(work) -> dict[str, str]:
    return produce(work)


def produce(work: Path) -> dict[str, str]:
    """Source (file or command) → all the text a person gets from it."""
    env = {**os.environ, "PAKTSIM_LANG": "de"}
    env.pop("PAKTSIM_DEBUG", None)

    logs = work.parent / f"{work.name}_logs"  # outside the scanned folder
    logs.mkdir(exist_ok=True)

    def start(name, *args):
        # files, not pipes: commands run side by side and a full pipe would block one
        out = open(logs / f"{len(list(logs.iterdir()))}.txt", "w+", encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "paktsim", *args],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return proc, out

    texts: dict[str, str] = {}
    scenarios = ROOT / "scenarios"
    first = {
        "run status quo": [
            "run",
            str(scenarios / "status_quo.yaml"),
            "--out",
            "sq",
            "--draws",
            "0",
        ],
        "run staedtetag --draws 8": [
            "run",
            str(scenarios / "staedtetag_vorschlag.yaml"),
            "--out",
            "mc",
            "--draws",
            "8",
        ],
        "allocate heute": [
            "allocate",
            "--rule",
            "kreis-key",
            "--budget",
            "58000000",
            "--out",
            "heute.xlsx",
        ],
        "allocate vorschlag": [
            "allocate",
            "--rule",
            "population",
            "--urban-factor",
            "1=1.3,2=1.1,3=1.0",
            "--budget",
            "58000000",
            "--out",
            "vorschlag.xlsx",
        ],
        "allocate csv": [
            "allocate",
            "--rule",
            "population",
            "--level",
            "kreis",
            "--budget",
            "58000000",
            "--out",
            "kreise.csv",
        ],
        "params": ["params"],
        "params one": ["params", "integrationsmanagement.foerdersatz.hochschule"],
        "report": ["report", str(scenarios / "staedtetag_vorschlag.yaml"), "--out", "bericht.docx"],
    }
    then = {
        "compare": ["compare", "heute.xlsx", "vorschlag.xlsx", "--out", "vergleich.xlsx"],
        "compare csv": ["compare", "heute.xlsx", "vorschlag.xlsx", "--out", "vergleich.csv"],
    }
    for batch in (first, then):
        procs = {name: start(name, *args) for name, args in batch.items()}
        for name, (proc, out) in procs.items():
            proc.wait(timeout=900)
            out.seek(0)
            texts[name] = out.read()
            out.close()
            assert proc.returncode == 0, (name, texts[name])

    for path in sorted(work.rglob("*")):
        if path.suffix in (".csv", ".xlsx", ".docx"):
            texts[str(path.relative_to(work))] = "\n".join(_texts_of(path))

    # bad input: broken scenarios (validate and run), the hostile corpus, CLI mistakes
    broken = _load(ROOT / "tests" / "test_shipped_scenarios.py", "shipped").BROKEN
    folder = work / "kaputt"
    folder.mkdir()
    for name, text in broken.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    texts["validate broken"] = _in_process(
        ["validate", *[str(folder / f"{n}.yaml") for n in sorted(broken)]], work
    )
    texts["run broken"] = _in_process(
        ["run", str(folder / "unknown_field.yaml"), "--out", "x"], work
    )
    cases = yaml.safe_load((HOSTILE / "cases.yaml").read_text(encoding="utf-8"))
    refused = [
        str(HOSTILE / "corpus" / c["file"])
        for c in cases
        if c["kind"] == "scenario" and c.get("expect") == "refused"
    ]
    texts["validate hostile"] = _in_process(["validate", *refused], work)
    texts["hostile tables"] = _hostile_tables(cases)
    for case in (c for c in cases if c["kind"] == "cli"):
        args = [
            a.replace("{corpus}", str(HOSTILE / "corpus")).replace("{tmp}", str(work))
            for a in case["args"]
        ]
        texts[f"hostile {case['id']}"] = _in_process(args, work)
    for name, args in {
        "allocate without budget": ["allocate", "--rule", "population", "--out", "y.csv"],
        "allocate bad rule": ["allocate", "--rule", "bogus", "--out", "y.csv"],
        "compare missing": ["compare", "fehlt.csv", "fehlt2.csv", "--out", "d.xlsx"],
        "compare bad out": ["compare", "heute.xlsx", "vorschlag.xlsx", "--out", "d.txt"],
        "report missing": ["report", "fehlt.yaml", "--out", "b.docx"],
        "params unknown": ["params", "no.such.parameter"],
        "params bad date": ["params", "--date", "2025-13-01"],
        "run exists": ["run", str(ROOT / "scenarios" / "status_quo.yaml"), "--out", "sq"],
    }.items():
        texts[name] = _in_process(args, work)
    return texts


def _hostile_tables(cases: list[dict]) -> str:
    from paktsim import regions
    from paktsim.compare import read_allocation
    from paktsim.errors import InputError
    from paktsim.i18n import problem_lines

    lines = []
    for case in cases:
        if case.get("expect") != "refused" or case["kind"] not in ("table", "allocation"):
            continue
        path = HOSTILE / "corpus" / case["file"]
        try:
            if case["kind"] == "table":
                regions.read_user_table(path, ["persons"], level=case["level"])
            else:
                read_allocation(path)
        except InputError as exc:
            lines += problem_lines(exc)
    return "\n".join(lines)


def test_every_command_produced_something(produced):
    assert any(k.endswith("personal_budget.xlsx") for k in produced)
    assert any(k.endswith(".docx") for k in produced)
    assert "Aufruf" not in produced["params"] and produced["validate hostile"].strip()
    assert produced["validate broken"].count("\n") >= 8


def test_no_english_word_in_outputs_and_messages(produced):
    names = _place_words()
    found = {}
    for source, text in produced.items():
        words = english_words(text, names)
        if words:
            found[source] = sorted(set(words))
    assert found == {}, found


def test_the_scanner_finds_english():
    names: set[str] = set()
    assert english_words("colour: unknown field (got 'red')", names) == ["unknown", "field", "got"]
    assert english_words("Gemeinde: Datei nicht gefunden (erhalten 'red')", names) == []
    assert english_words("siehe staffing.target_ratio und bestand_kreise.csv", names) == []


def test_ags_in_allocation_workbooks_is_text_with_the_leading_zero(produced, work):
    import openpyxl

    for name in ("heute.xlsx", "vorschlag.xlsx"):
        ws = openpyxl.load_workbook(work / name)["Verteilung"]
        header = [c.value for c in ws[1]]
        for column in ("AGS", "Kreis-AGS"):
            cells = [row[header.index(column)] for row in ws.iter_rows(min_row=2)]
            assert cells and all(
                c.data_type == "s" and c.value.startswith("08") and len(c.value) in (5, 8)
                for c in cells
            ), (name, column)
    with open(work / "kreise.csv", encoding="utf-8") as handle:
        assert handle.readline().startswith("AGS,") and handle.readline().startswith("08111,")
