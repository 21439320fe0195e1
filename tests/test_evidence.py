"""Evidence: every bundled observation beside the model, under the tolerance in the data file."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from paktsim import evidence
from paktsim.scenario import builtin_scenario

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def table():
    return evidence.compare()


def test_observations_are_complete_and_sourced():
    obs = evidence.observations()
    assert obs["id"].is_unique
    assert (obs["source"].str.len() > 0).all()
    assert set(obs["tag"]) <= {"sourced", "derived", "uncertain"}
    assert set(obs["level"]) == {"land", "kreis", "gemeinde"}
    assert (obs["tolerance"] > 0).all() and set(obs["tolerance_kind"]) == {"rel", "factor"}
    reg = obs[obs["id"].str.startswith("register_2018_")]
    assert len(reg) == 44 and reg["value"].sum() == 202_725
    asyl = obs[obs["id"].str.startswith("asylblg_2019_")]
    assert len(asyl) == 44 and asyl["value"].sum() == 44_078
    for year in (2019, 2022, 2023):
        assert f"land_schutzsuchende_{year}" in set(obs["id"])
    for year in (2022, 2023):
        assert f"land_schutzsuchende_ukraine_{year}" in set(obs["id"])


def test_register_matches_the_bundled_kreis_table():
    from paktsim import regions

    obs = evidence.observations().set_index("id")
    k = regions.kreise(2018)["schutzsuchende_2018"]
    for ags, value in k.items():
        assert obs.loc[f"register_2018_{ags}", "value"] == value


#: Shipped figures the model misses, with the reason (shown in notebook 07, not fitted).
KNOWN_MISSES = {
    row: "Baden-Baden keeps about 800 refugees in municipal accommodation 2019-2021 (bnn.de), "
    "four in ten with a Duldung; the model moves every group from AU to own housing at "
    "one rate, so its AU stock there falls to a third"
    for row in ("kreis_baden_baden_unterbringung_2020", "kreis_baden_baden_unterbringung_2021")
}


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(i, marks=pytest.mark.xfail(strict=False, reason=KNOWN_MISSES[i]))
        if i in KNOWN_MISSES
        else i
        for i in evidence.observations()["id"].tolist()
    ],
)
def test_each_observation_within_its_tolerance(table, row):
    r = table.set_index("id").loc[row]
    if np.isnan(r["model"]):
        pytest.skip("compared elsewhere (IM money 2025: the 2025 Kreis key, paktsim.allocation)")
    assert bool(r["within"]), (
        f"{row}: model {r['model']:.6g} vs published {r['value']:.6g} "
        f"(ratio {r['ratio']:.3f}, tolerance {r['tolerance']} {r['tolerance_kind']})"
    )


def test_shares_sum_to_one_and_gaps_are_model_minus_published(table):
    for prefix in ("register_2018_", "asylblg_2019_"):
        part = table[table["id"].str.startswith(prefix)]
        assert part["value"].sum() == pytest.approx(1.0)
        assert part["model"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(table["gap"], table["model"] - table["value"])


def test_issue_targets(table):
    s = evidence.summary(table)
    assert abs(s["stadtkreise_share_model"] - s["stadtkreise_share_register"]) <= 0.015
    assert 40 <= s["heidelberg_au_2017"] <= 160  # within a factor 2 of the 80 counted
    for year in (2019, 2022, 2023):
        assert abs(s[f"land_{year}_error"]) <= 0.05


def test_worst_tenth_of_kreis_shares_under_25_percent(table):
    # over 40 % with population keys; 28 % with one LEA strength for every host Landkreis;
    # under 25 % with the published strengths of the LEA Meßstetten (quota zero) and the
    # LEA Sigmaringen (50 %). The register is one of the calibration targets (weight in
    # evidence.csv): this is a fit check, not an out-of-sample test (notebook 07)
    assert evidence.summary(table)["kreis_share_error_p90"] < 0.25


def test_published_site_strength_fits_the_local_counts_better(table):
    """LK Sigmaringen, Dec 2017 (schwaebische.de): persons in vU and AU. With the published
    50 % they are closer to the model than with the generic fitted LEA strength."""
    from paktsim import params

    generic = params.at("2017-12-01")["fluag.privileg.vu_landkreis_lea"]
    scen = builtin_scenario("status_quo").with_changes(
        overrides={"fluag.privileg.vu_site_lea_sigmaringen": {"2014-01-01": generic}}
    )
    other = evidence.compare(scen).set_index("id")
    by_id = table.set_index("id")
    ids = ["kreis_sigmaringen_vu_2017", "kreis_sigmaringen_au_2017"]
    sourced = np.abs(np.log(by_id.loc[ids, "ratio"].to_numpy(float))).sum()
    fitted = np.abs(np.log(other.loc[ids, "ratio"].to_numpy(float))).sum()
    assert sourced < fitted
    assert (np.abs(by_id.loc[ids, "ratio"] - 1) < 0.25).all()


def test_order_of_observations_does_not_matter():
    obs = evidence.observations()
    run = evidence.evidence_run()
    a = evidence.compare(result=run, obs=obs).set_index("id")
    b = evidence.compare(result=run, obs=obs.sample(frac=1.0, random_state=7)).set_index("id")
    pd.testing.assert_frame_equal(a, b.loc[a.index])


def test_cli_writes_excel_and_refuses_bad_input(tmp_path):
    import openpyxl

    out = tmp_path / "abgleich.xlsx"
    proc = subprocess.run(
        [sys.executable, "-m", "paktsim", "evidence", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Stadtkreise, Anteil an den Schutzsuchenden 31.12.2018" in proc.stdout
    book = openpyxl.load_workbook(out)
    sheet = book["Abgleich"]
    header = [c.value for c in sheet[1]]
    assert "Veröffentlicht" in header and "Modell" in header and "Abweichung" in header
    assert sheet.max_row > 160
    again = subprocess.run(
        [sys.executable, "-m", "paktsim", "evidence", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 2 and "Traceback" not in again.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "paktsim", "evidence", "nope.yaml"], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "nope.yaml" in missing.stderr
    assert "Traceback" not in missing.stderr
