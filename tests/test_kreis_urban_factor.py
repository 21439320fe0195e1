"""Urban factor by DEGURBA at Kreis level: population-weighted over the Kreis's Gemeinden
(paktsim.allocation.rules.UrbanFactor), via the API, a scenario and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paktsim import regions
from paktsim.allocation import PopulationRule, UrbanFactor
from paktsim.allocation.labels import from_german
from paktsim.errors import InputError

FACTORS = {1: 1.2, 2: 1.1, 3: 0.9}


@pytest.mark.parametrize("vintage", [2018, 2023])
def test_kreis_weight_is_sum_of_gemeinde_weights(vintage):
    kreise = regions.kreise(vintage)
    gem = regions.municipalities(vintage)
    rule = PopulationRule(UrbanFactor("degurba", FACTORS), level="kreis")
    weights = rule.weights(kreise)
    expected = (gem["population"] * gem["degurba"].map(FACTORS)).groupby(gem["kreis_ags"]).sum()
    np.testing.assert_allclose(
        weights.to_numpy(), expected.reindex(kreise.index).to_numpy(), rtol=1e-12
    )
    # a city Kreis weighs more than its population, a rural one less
    mult = weights / kreise["population"]
    assert mult.max() <= 1.2 + 1e-12 and mult.min() >= 0.9 - 1e-12
    assert mult["08111"] > 1.0  # Stuttgart


def test_equal_factors_change_nothing():
    kreise = regions.kreise(2023)
    rule = PopulationRule(UrbanFactor("degurba", {1: 1.0, 2: 1.0, 3: 1.0}), level="kreis")
    np.testing.assert_allclose(
        rule.weights(kreise).to_numpy(), kreise["population"].to_numpy(float), rtol=1e-12
    )


def test_a_table_without_vintage_is_refused():
    table = regions.kreise(2023).copy()
    table.attrs = {}
    with pytest.raises(InputError, match="allocation.urban_factor"):
        UrbanFactor("degurba", FACTORS).multiplier(table)


def test_cli_kreis_level_urban_factor(tmp_path: Path):
    out = tmp_path / "kreise.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "paktsim",
            "allocate",
            "--level",
            "kreis",
            "--rule",
            "population",
            "--urban-factor",
            "1=1.2,2=1.1,3=0.9",
            "--budget",
            "8000000",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "interner Fehler" not in proc.stderr
    table = from_german(pd.read_csv(out, dtype={"AGS": str}))
    assert len(table) == 44
    assert table["amount_eur"].sum() == 8_000_000
    weights = PopulationRule(UrbanFactor("degurba", FACTORS), level="kreis").weights(
        regions.kreise(2023)
    )
    np.testing.assert_allclose(
        table.set_index("ags")["weight"].to_numpy(),
        weights.reindex(table["ags"]).to_numpy(),
        rtol=1e-9,
    )
