"""paktsim allocate --rule kreis-key: today's rule as written, from the command line."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from paktsim.allocation.labels import from_german

# IM money 2025 per Kreis reported locally (../shared/EVIDENCE.md §3, [SRC]):
# Zollernalbkreis, LK Breisgau-Hochschwarzwald, Rhein-Neckar-Kreis.
REPORTED_2025 = {"08417": 793_000, "08315": 1_679_920, "08226": 1_810_740}


def _cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )


def test_kreis_key_splits_the_envelope_like_the_reported_2025_amounts(tmp_path):
    proc = _cli(
        "allocate",
        "--rule",
        "kreis-key",
        "--budget",
        "58000000",
        "--out",
        "heute.csv",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    table = from_german(pd.read_csv(tmp_path / "heute.csv", dtype={"Kreis-AGS": str, "AGS": str}))
    key = "kreis_ags" if "kreis_ags" in table else table.columns[0]
    amounts = table.set_index(table[key].astype(str).str.zfill(5))["amount_eur"]
    assert len(amounts) == 44 and amounts.sum() == 58_000_000  # exact to the euro
    for kreis, reported in REPORTED_2025.items():
        ratio = amounts[kreis] / reported
        assert 1 / 1.5 <= ratio <= 1.5, (kreis, amounts[kreis], reported)
    assert "1.1.2025" in proc.stdout


def test_kreis_key_before_the_first_key_is_refused(tmp_path):
    proc = _cli(
        "allocate",
        "--rule",
        "kreis-key",
        "--budget",
        "58000000",
        "--params-date",
        "2015-06-30",
        "--out",
        "x.csv",
        cwd=tmp_path,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()
