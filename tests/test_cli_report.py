"""`paktsim report`: the docx has the headings, tables and figures, with the model's numbers."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from paktsim.pipeline import run_scenario
from paktsim.report.brief import (
    build_brief,
    headline_table,
    soffice,
    winners_losers_table,
    write_docx,
)
from paktsim.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
STAEDTETAG = ROOT / "scenarios" / "staedtetag_vorschlag.yaml"


def run(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("bericht")
    r = run("report", str(STAEDTETAG), "--out", "bericht.docx", cwd=d)
    assert r.returncode == 0, r.stderr
    assert "Förderregeln Stand 1.1.2025" in r.stdout
    return docx.Document(str(d / "bericht.docx"))


@pytest.fixture(scope="module")
def result():
    return run_scenario(Scenario.from_yaml(STAEDTETAG))


def _rows(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_headings_and_figures(report):
    headings = [p.text for p in report.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Annahmen",
        "Kennzahlen",
        "Personal und Mittel im Zeitverlauf",
        "Gewinner und Verlierer",
        "Quellen und Methode",
    ]
    assert report.paragraphs[0].text == "Kurzbericht: Vorschlag Städtetag gegen heutige Regel"
    # staffing, money and the winners/losers map; each with a caption naming its source
    assert len(report.inline_shapes) == 3
    captions = [p.text for p in report.paragraphs if p.style.name == "Caption"]
    assert len(captions) == len(report.tables) + 3
    assert all("Quelle" in c for c in captions)


def test_tables_carry_the_model_numbers(report, result):
    assumptions, parameters, headline, winners = report.tables
    a = dict((r[0], r[1]) for r in _rows(assumptions))
    assert a["Zielschlüssel"].startswith("1:88")
    assert "DEGURBA" in a["Verteilregel"] and "1,3" in a["Verteilregel"]
    p = _rows(parameters)
    assert p[0] == ["Bezeichnung", "Wert", "Einheit", "Einstufung", "Quelle"]
    by_name = {r[0]: r for r in p[1:]}
    assert by_name["Fördersatz Hochschulabschluss"][1:4] == [
        "68.000",
        "€ je VZÄ und Jahr",
        "unsicher",
    ]
    expected = headline_table(result)
    rows = _rows(headline)
    assert rows[0] == ["Kennzahl"] + list(expected.columns)
    assert rows[1:] == [
        [label] + list(values)
        for label, values in zip(expected.index, expected.to_numpy().tolist())
    ]
    funded = expected.loc["Stellen gefördert (VZÄ)", "2025"]
    fte = result.land.loc[2025, "fte_funded"]
    assert funded == f"{fte:.1f}".replace(".", ",")
    # hand check: 58 Mio € at 68,000 € per position are 852.9 positions; frames from the
    # 51,000 € threshold up to one rate fund a whole position (mindest_vze 1.0), so the
    # funded positions lie between that and one more position per such frame
    frames = (
        result.allocations[2025]["group_frame_eur"]
        .groupby(result.allocations[2025]["group_id"])
        .first()
    )
    small = frames[(frames >= 51_000) & (frames < 68_000)]
    assert 58_000_000 / 68_000 <= fte <= 58_000_000 / 68_000 + (1 - small / 68_000).sum() + 1e-9
    w = winners_losers_table(result, 2025)
    assert _rows(winners)[1:] == [[k] + list(v) for k, v in zip(w.index, w.to_numpy().tolist())]
    assert "Stadt Heilbronn" in w.index or "Lkr. Heilbronn" in w.index or len(w) == 16


def test_same_scenario_same_bytes(result):
    outs = []
    for _ in range(2):
        buffer = io.BytesIO()
        write_docx(build_brief(result, command="paktsim report x"), buffer)
        outs.append(buffer.getvalue())
    assert outs[0] == outs[1]


def test_uncertainty_section_with_draws():
    scenario = Scenario.from_yaml(ROOT / "scenarios" / "zugang_unsicher.yaml")
    scenario = scenario.model_copy(
        update={"uncertainty": scenario.uncertainty.model_copy(update={"n_draws": 20})}
    )
    brief = build_brief(run_scenario(scenario))
    headings = [b.text for b in brief.blocks if b.kind == "heading"]
    assert "Unsicherheit" in headings and "Gewinner und Verlierer" not in headings
    band = next(b.table for b in brief.blocks if b.kind == "table" and "Bandbreiten" in b.text)
    assert any("P10" in str(i) for i in band.index) and any("P90" in str(i) for i in band.index)


def test_bad_input(tmp_path):
    r = run("report", str(STAEDTETAG), "--out", "bericht.txt", cwd=tmp_path)
    assert r.returncode == 2 and "bericht.txt" in r.stderr
    r = run("report", "fehlt.yaml", "--out", "b.docx", cwd=tmp_path)
    assert r.returncode == 2 and not (tmp_path / "b.docx").exists()


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
@pytest.mark.slow
def test_pdf_through_libreoffice(tmp_path):
    r = run("report", str(STAEDTETAG), "--out", "bericht.pdf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "bericht.pdf").read_bytes()[:5] == b"%PDF-"
