"""``paktsim run``: files written, refusal without --force, bad input, reproducible record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from paktsim.runrecord import verify_record

pytestmark = pytest.mark.slow  # four CLI subprocesses, ≈ 15 s

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paktsim", "run", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sc")
    (folder / "extra.csv").write_text("month,persons\n2026-02,1000\n")
    path = folder / "kurz.yaml"
    path.write_text(
        "name: Kurz\nhorizon: {start: '2025-01', end: '2026-12'}\n"
        "arrivals:\n  path: baseline\n  blocks:\n"
        "    - {kind: csv, file: extra.csv, group: asyl}\n"
    )
    return path


@pytest.fixture(scope="module")
def first_run(scenario_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    proc = _run(str(scenario_file), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    (out.parent / "stdout.txt").write_text(proc.stdout)
    return out


def test_closing_summary_covers_every_year(first_run):
    lines = (first_run.parent / "stdout.txt").read_text().splitlines()
    assert any(line.startswith("2025: Bestand Jahresende") for line in lines)
    assert any(line.startswith("2026: Bestand Jahresende") for line in lines)
    assert any(line.startswith("2025–2026: im Mittel") for line in lines)


def test_writes_tables_chart_and_record(first_run):
    names = {p.name for p in first_run.iterdir()}
    assert {
        "bestand_land.csv",
        "bestand_kreise.csv",
        "bestand_gemeinden.csv",
        "bestand.xlsx",
        "bestand_nach_stufe.png",
        "bestand_nach_stufe.svg",
        "run_record.json",
    } <= names
    land = pd.read_csv(first_run / "bestand_land.csv")
    gem = pd.read_csv(first_run / "bestand_gemeinden.csv", dtype={"AGS": str})
    assert gem["AGS"].nunique() == 1101
    assert set(land["Stufe"]) == {
        "Erstaufnahme",
        "Vorläufige Unterbringung",
        "Anschlussunterbringung",
        "Eigener Wohnraum",
    }
    au_land = land[land["Stufe"] == "Anschlussunterbringung"].groupby("Monat")["Personen"].sum()
    au_gem = gem[gem["Stufe"] == "Anschlussunterbringung"].groupby("Monat")["Personen"].sum()
    pd.testing.assert_series_equal(au_land, au_gem, rtol=1e-6, check_names=False)
    sheets = pd.ExcelFile(first_run / "bestand.xlsx", engine="openpyxl").sheet_names
    assert {"Land", "Kreise_Dezember", "Herkunft"} <= set(sheets)
    # place × month tables are CSV only; the workbook holds the Kreise at each year's end
    assert not any(s.startswith("Gemeinden") for s in sheets)
    kreise = pd.read_excel(
        first_run / "bestand.xlsx",
        sheet_name="Kreise_Dezember",
        engine="openpyxl",
        dtype={"AGS": str},
    )
    assert set(kreise["Monat"]) == {"2025-12", "2026-12"} and kreise["AGS"].nunique() == 44
    csv_k = pd.read_csv(first_run / "bestand_kreise.csv", dtype={"AGS": str})
    csv_k = csv_k[csv_k["Monat"].isin(["2025-12", "2026-12"])]
    assert kreise["Personen"].sum() == pytest.approx(csv_k["Personen"].sum(), rel=1e-9)
    record = json.loads((first_run / "run_record.json").read_text())
    assert record["scenario"]["name"] == "Kurz"
    assert set(record["inputs"]) == {"scenario_file", "arrivals.blocks.0.file"}
    from paktsim import params  # the value in force (calibrated since issue 10), not a literal

    assert record["parameters"]["inflow.chain.asyl.vu_exit"] == pytest.approx(
        params.at("2025-01-01")["inflow.chain.asyl.vu_exit"]
    )
    assert verify_record(first_run / "run_record.json") == []


def test_refuses_to_overwrite_and_force_reproduces(first_run, scenario_file):
    before = (first_run / "bestand_gemeinden.csv").read_bytes()
    proc = _run(str(scenario_file), "--out", str(first_run))
    assert proc.returncode == 2
    assert "--force" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run(str(scenario_file), "--out", str(first_run), "--force", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""
    assert (first_run / "bestand_gemeinden.csv").read_bytes() == before


def test_progress_shows_steps_on_a_terminal_only():
    import io

    from paktsim.commands.progress import Steps

    quiet, shown = io.StringIO(), io.StringIO()
    for stream, force in ((quiet, False), (shown, True)):
        with Steps(stream=stream, force=force) as steps, steps.step("Szenario rechnen"):
            import time

            time.sleep(0.5)
    assert quiet.getvalue() == ""  # not a terminal: nothing drawn
    assert "Szenario rechnen" in shown.getvalue()
    assert [name for name, _ in steps.timings] == ["Szenario rechnen"]


def test_bad_scenario_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\narrivals: {path: custom, blocks: [{kind: csv, file: fehlt.csv}]}\n")
    out = tmp_path / "out"
    proc = _run(str(bad), "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert "fehlt.csv" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_record_is_byte_reproducible(scenario_file, tmp_path):
    from paktsim.commands.run import build_outputs
    from paktsim.runrecord import build_record
    from paktsim.scenario import load_scenario

    sc = load_scenario(scenario_file)
    a = build_outputs(sc, base_dir=scenario_file.parent, scenario_file=scenario_file)["record"]
    b = build_outputs(sc, base_dir=scenario_file.parent, scenario_file=scenario_file)["record"]
    assert build_record(**a) == build_record(**b)


def test_sobol_is_an_explicit_choice(first_run, scenario_file, tmp_path):
    # the main run has no Sobol design; --sobol N adds the table, the sheet and the charts
    assert not (first_run / "sensitivitaet_sobol.csv").exists()
    out = tmp_path / "sobol"
    proc = _run(str(scenario_file), "--out", str(out), "--draws", "0", "--sobol", "4")
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "sensitivitaet_sobol.csv")
    assert (
        table["Haupteffekt S1"]
        <= table["Gesamteffekt ST"] + table["ST ± (95 %)"] + table["S1 ± (95 %)"]
    ).all()
    assert {"personal_sobol.png", "personal_sobol_eigenanteil.svg"} <= {
        p.name for p in out.iterdir()
    }
    assert "Sobol" in pd.ExcelFile(out / "personal_budget.xlsx", engine="openpyxl").sheet_names
    record = json.loads((out / "run_record.json").read_text())
    assert record["extra"]["sobol"]["n_base"] == 4


@pytest.mark.parametrize("value", ["100", "1", "-2"])
def test_sobol_size_must_be_a_power_of_two(tmp_path, value):
    proc = _run("--out", str(tmp_path / "o"), "--sobol", value)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--sobol" in proc.stderr and "Zweierpotenz" in proc.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_charts_drawn_in_forked_children_are_the_inline_bytes(tmp_path):
    """The charts (drawn by forked children while the tables are written) and every other
    file are byte for byte what one process writes (PAKTSIM_NO_FORK=1)."""
    import os

    outs = {}
    for name, env in (("fork", {}), ("inline", {"PAKTSIM_NO_FORK": "1"})):
        out = tmp_path / name
        proc = subprocess.run(
            [sys.executable, "-m", "paktsim", "run", "--out", str(out), "-q"],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        )
        assert proc.returncode == 0, proc.stderr
        outs[name] = json.loads((out / "run_record.json").read_text(encoding="utf-8"))["outputs"]
    charts = [f for f in outs["fork"] if f.endswith((".png", ".svg"))]
    assert len(charts) == 6 and outs["fork"] == outs["inline"]
