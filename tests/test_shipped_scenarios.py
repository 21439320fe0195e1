"""Every shipped scenario runs end to end through the CLI as a user runs it, and its
outputs are plausible; ``paktsim validate`` and ``paktsim run`` agree on shipped and on
broken scenarios (same exit code, same message).

Monte Carlo is capped with ``paktsim run --draws N`` so the suite stays fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.slow  # one CLI run per shipped scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
DRAWS = 6


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=600,
    )


def _run_shipped(path: Path, out: Path) -> subprocess.CompletedProcess:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    n = int((spec.get("uncertainty") or {}).get("n_draws", 0))
    draws = ["--draws", str(min(n, DRAWS))] if n else []
    return _cli("run", str(path), "--out", str(out), *draws)


def test_there_are_shipped_scenarios():
    assert len(SHIPPED) >= 10


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_validate_says_ok(path):
    proc = _cli("validate", str(path))
    assert proc.returncode == 0, proc.stderr
    assert ": ok" in proc.stdout


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_runs_and_outputs_are_plausible(tmp_path, path):
    out = tmp_path / path.stem
    proc = _run_shipped(path, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    horizon = spec.get("horizon") or {"start": "2025-01", "end": "2034-12"}
    years = list(range(int(str(horizon["start"])[:4]), int(str(horizon["end"])[:4]) + 1))

    land = pd.read_csv(out / "personal_land.csv")
    assert land["Jahr"].tolist() == years
    for col in (
        "Zielgruppe Personen",
        "Fallzahl",
        "Stellen benötigt VZÄ",
        "Stellen gefördert VZÄ",
        "Stellen besetzt VZÄ",
        "Fehlende Stellen VZÄ",
    ):
        values = land[col].to_numpy(float)
        assert np.isfinite(values).all() and (values >= 0).all(), col
    assert (land["Stellen besetzt VZÄ"] <= land["Stellen gefördert VZÄ"] + 1e-9).all()
    assert (land["Zielgruppe Personen"] > 0).all()

    # money: the frames add up to the envelope; the Land pays at most the frame
    proj = pd.read_csv(out / "budget_projektion.csv").set_index("Jahr")
    frame = land.set_index("Jahr")["Planungsrahmen €"]
    planned = proj["Mittel geplant €"].reindex(frame.index)
    paid = planned > 0
    assert paid.any()
    assert (frame[paid] == planned[paid]).all(), "frames must sum to the envelope exactly"
    assert (frame[~paid] == 0).all()
    assert (land["Landesförderung €"] + land["Nicht abgerufen €"] == land["Planungsrahmen €"]).all()
    kreise = pd.read_csv(out / "personal_kreise.csv", dtype={"Kreis-AGS": str})
    assert kreise["Kreis-AGS"].nunique() == 44
    by_year = kreise.groupby("Jahr")["Planungsrahmen €"].sum()
    assert (by_year.to_numpy() == frame.to_numpy()).all()

    # people: Land = Σ Kreise = Σ Gemeinden per stage and month
    b_land = pd.read_csv(out / "bestand_land.csv")
    b_kreise = pd.read_csv(out / "bestand_kreise.csv", dtype={"AGS": str})
    b_gem = pd.read_csv(out / "bestand_gemeinden.csv", dtype={"AGS": str})
    assert b_gem["AGS"].nunique() == 1101
    for stage, parts in (
        ("Anschlussunterbringung", (b_kreise, b_gem)),
        ("Vorläufige Unterbringung", (b_kreise,)),
    ):
        total = b_land[b_land["Stufe"] == stage].groupby("Monat")["Personen"].sum()
        assert (total >= 0).all() and total.max() > 0
        for part in parts:
            rows = part[part["Stufe"] == stage]
            sub = rows.groupby("Monat")["Personen"].sum()
            # the tables hold persons to 3 decimals: each row may be off by 0.0005
            atol = 5e-4 * (rows["AGS"].nunique() + 8)
            np.testing.assert_allclose(
                sub.reindex(total.index).to_numpy(),
                total.to_numpy(),
                rtol=1e-9,
                atol=atol,
                err_msg=stage,
            )
    months = sorted(b_land["Monat"].unique())
    assert months[0] == str(horizon["start"]) and months[-1] == str(horizon["end"])

    record = json.loads((out / "run_record.json").read_text(encoding="utf-8"))
    n = int((spec.get("uncertainty") or {}).get("n_draws", 0))
    assert record["extra"]["n_draws"] == min(n, DRAWS)
    if n:
        bands = pd.read_csv(out / "unsicherheit_land.csv")
        for metric in ("Stellen benötigt VZÄ", "Fehlende Stellen VZÄ"):
            p10, p50, p90 = (bands[f"{metric} P{q}"] for q in (10, 50, 90))
            assert ((p10 <= p50) & (p50 <= p90)).all(), metric
        prob = pd.read_csv(out / "unsicherheit_kreise_ueber_120.csv", dtype={"Kreis-AGS": str})
        values = prob.drop(columns="Kreis-AGS").to_numpy(float)
        assert ((values >= 0) & (values <= 1)).all()


BROKEN = {
    "distribution_key": "name: x\nuncertainty:\n  n_draws: 4\n  distributions:\n"
    "    staffing.colour: {dist: uniform, args: {loc: 0, scale: 1}}\n",
    "distribution_args": "name: x\nuncertainty:\n  n_draws: 4\n  distributions:\n"
    "    staffing.vacancy_rate: {dist: norm, args: {mu: 1}}\n",
    "counts_file_missing": "name: x\nallocation: {rule: counts, counts_csv: fehlt.csv}\n",
    "per_capita": "name: x\nallocation: {rule: per_capita}\n",
    "comparison_per_capita": "name: x\ncomparison: {rule: per_capita}\n",
    "before_2014": "name: x\nhorizon: {start: '2012-01', end: '2015-12'}\n",
    "arrivals_file_missing": "name: x\narrivals:\n  path: baseline\n  blocks:\n"
    "    - {kind: csv, file: fehlt.csv, group: asyl}\n",
    "unknown_field": "name: x\ncolour: red\n",
    "bad_override": "name: x\noverrides: {no.such.parameter: {'2025-01-01': 1}}\n",
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    """Every broken file validated in one call; lines grouped by file."""
    folder = tmp_path_factory.mktemp("broken")
    for name, text in BROKEN.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    proc = _cli("validate", *[str(folder / f"{n}.yaml") for n in sorted(BROKEN)])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines: dict[str, list[str]] = {name: [] for name in BROKEN}
    for line in proc.stderr.strip().splitlines():
        lines[Path(line.split(": ")[0]).stem].append(line)
    return folder, lines


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_validate_and_run_reject_broken_scenarios_alike(broken, name):
    folder, validated = broken
    path = folder / f"{name}.yaml"
    out = folder / f"out_{name}"
    ran = _cli("run", str(path), "--out", str(out))
    assert ran.returncode == 2, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr
    assert validated[name], f"validate found nothing wrong with {name}"
    assert validated[name] == ran.stderr.strip().splitlines()
    assert not out.exists() or not any(out.iterdir())


def test_draws_option_is_checked(tmp_path):
    proc = _cli("run", "--draws", "-1", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "--draws" in proc.stderr
