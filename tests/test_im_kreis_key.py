"""The IM Kreis key from 2025: modelled assignments out of Erstaufnahme over a reference window.

``integrationsmanagement.verteilschluessel`` selects the key for each funding year;
``integrationsmanagement.zuweisungen_referenzjahre`` sets the window.  The status quo
uses it by default; overriding the parameter switches to population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paktsim import regions
from paktsim.allocation import PopulationRule, allocate, largest_remainder
from paktsim.allocation.rules import KreisKey
from paktsim.errors import InputError
from paktsim.pipeline import run_scenario
from paktsim.scenario import builtin_scenario


@pytest.fixture(scope="module")
def status_quo():
    return run_scenario(builtin_scenario("status_quo"), ensemble=False)


def _amounts(result, year=2025) -> pd.Series:
    return result.allocations[year].set_index("ags")["amount_eur"]


def test_key_in_force_reads_the_parameters():
    k = KreisKey.in_force(2025)
    assert k.key == "zuweisungen_erstaufnahme" and k.counts == "assignments"
    assert (str(k.first_month), str(k.last_month)) == ("2022-01", "2024-12")
    old = KreisKey.in_force(2018)
    assert old.key == "au_personen_2017" and str(old.count_date) == "2017-09-15"
    pop = KreisKey.in_force(
        2025, {"integrationsmanagement.verteilschluessel": {"2025-01-01": "bevoelkerung"}}
    )
    assert pop.counts is None and isinstance(pop.rule(), PopulationRule)
    with pytest.raises(InputError, match="verteilschluessel"):
        KreisKey.in_force(2016)  # no IM programme, no key


def test_status_quo_shares_follow_the_modelled_assignments(status_quo):
    """Identity: each Kreis's 2025 money = 58 Mio € split by its modelled assignments
    out of Erstaufnahme in 2022–2024 (largest remainder)."""
    assignments = status_quo.inflow.flow_total("ea_to_vu", "2022-01", "2024-12", "kreis")
    expected = largest_remainder(assignments.astype(float), 58_000_000)
    amounts = _amounts(status_quo)
    assert amounts.sum() == 58_000_000
    pd.testing.assert_series_equal(
        amounts.sort_index().astype(np.int64),
        expected.sort_index().astype(np.int64),
        check_names=False,
        check_index_type=False,
    )
    assert (
        "Zuweisungen aus der Erstaufnahme 01/2022–12/2024"
        in status_quo.allocations[2025].attrs["rule"]
    )


def test_verteilschluessel_override_switches_to_population(status_quo):
    scen = builtin_scenario("status_quo").with_changes(
        overrides={"integrationsmanagement.verteilschluessel": {"2025-01-01": "bevoelkerung"}}
    )
    pop = _amounts(run_scenario(scen, ensemble=False))
    direct = allocate(
        PopulationRule(level="kreis"),
        58_000_000,
        vintage=2023,
        join="none",
        params_date="2025-01-01",
    ).set_index("ags")["amount_eur"]
    pd.testing.assert_series_equal(pop.sort_index(), direct.sort_index(), check_names=False)
    assert not pop.sort_index().equals(_amounts(status_quo).sort_index())


def test_kreis_key_population_in_the_scenario_still_works(status_quo):
    scen = builtin_scenario("status_quo").with_changes(
        allocation={
            **builtin_scenario("status_quo").allocation.model_dump(),
            "kreis_key": "population",
        }
    )
    pop = _amounts(run_scenario(scen, ensemble=False))
    assert pop.sum() == 58_000_000
    assert "Einwohner" in run_scenario(scen, ensemble=False).allocations[2025].attrs["rule"]


def test_reference_window_parameter_changes_the_shares(status_quo):
    scen = builtin_scenario("status_quo").with_changes(
        overrides={"integrationsmanagement.zuweisungen_referenzjahre": {"2025-01-01": 1}}
    )
    one_year = run_scenario(scen, ensemble=False)
    assert "01/2024–12/2024" in one_year.allocations[2025].attrs["rule"]
    assert not _amounts(one_year).sort_index().equals(_amounts(status_quo).sort_index())
    assert _amounts(one_year).sum() == 58_000_000


def test_sachkosten_gefoerdert_raises_what_the_land_pays(status_quo):
    """kosten.sachkosten_gefoerdert: funded Sachkosten lift the cap on the Land's payment.

    The cap binds only where the employer cost lies below the Fördersatz: with the pay path
    after 2024 that needs staff in low Stufen (hired in 2024)."""
    low_pay = {"kosten.tvoed_sue.einstellungsjahr": {"2017-01-01": 2024}}
    base = run_scenario(
        builtin_scenario("status_quo").with_changes(overrides=low_pay), ensemble=False
    )
    scen = builtin_scenario("status_quo").with_changes(
        overrides={**low_pay, "kosten.sachkosten_gefoerdert": {"2025-01-01": True}}
    )
    funded = run_scenario(scen, ensemble=False)
    assert (funded.land["land_funding_eur"] >= base.land["land_funding_eur"]).all()
    assert (funded.land["land_funding_eur"] > base.land["land_funding_eur"]).any()


# EVIDENCE.md §3: IM money 2025 per Kreis as reported (bogner-unden.de;
# gruene-breisgau-hochschwarzwald.de; andrebaumann.de 2024; neckaralblive.de;
# verlagshaus-jaumann.de; badische-zeitung.de). Reutlingen and Lörrach are "≈", Emmendingen
# "> 1.0 Mio €" (taken as 1.0 Mio €). Tolerance: within a factor 1.5 either way.
REPORTED_2025 = {
    "08417": ("Zollernalbkreis", 793_000),
    "08315": ("Breisgau-Hochschwarzwald", 1_679_920),
    "08226": ("Rhein-Neckar-Kreis", 1_810_740),
    "08415": ("Reutlingen", 1_660_000),
    "08336": ("Lörrach", 1_400_000),
    "08316": ("Emmendingen", 1_000_000),
}
FACTOR = 1.5


@pytest.mark.parametrize("ags", list(REPORTED_2025))
def test_status_quo_2025_money_within_factor_of_reported(status_quo, ags):
    """The Rhein-Neckar-Kreis (EA Schwetzingen) is within the factor only with the
    reception credits of the inflow keys (by population: 2.85 Mio €, 1.57×)."""
    name, reported = REPORTED_2025[ags]
    model = float(_amounts(status_quo)[ags])
    assert regions.kreise(2023).loc[ags, "name"].startswith(name.split("-")[0])
    assert reported / FACTOR <= model <= reported * FACTOR, (name, model, reported)


def test_inflow_accessors_add_up_to_the_land_flows(status_quo):
    """flow_total() and stock_on() are the Land figures split by place, also before the horizon."""
    inflow = status_quo.inflow
    run = simulate_historic()
    land = run.flows().set_index("month")
    for flow, level in (("ea_to_vu", "kreis"), ("vu_to_au", "gemeinde")):
        total = run.flow_total(flow, "2022-01", "2024-12", level)
        assert total.sum() == pytest.approx(land.loc["2022-01":"2024-12", flow].sum(), rel=1e-12)
        before = inflow.flow_total(flow, "2022-01", "2024-12", level)  # status quo starts 2025
        np.testing.assert_allclose(before.to_numpy(), total.to_numpy(), rtol=1e-9, atol=1e-6)
    stock = inflow.stock_on("au", "2023-06", "kreis")
    au = run.land().set_index(["month", "stage"])["persons"]
    assert stock.sum() == pytest.approx(au[(pd.Period("2023-06", "M"), "au")], rel=1e-9)
    with pytest.raises(InputError):
        inflow.stock_on("ea", "2023-06", "gemeinde")
    with pytest.raises(InputError):
        inflow.stock_on("au", "2013-12", "kreis")
    with pytest.raises(InputError):
        inflow.flow_total("ea_to_vu", "2024-12", "2022-01", "kreis")


def simulate_historic():
    from paktsim.inflow.model import simulate
    from paktsim.scenario import Scenario

    return simulate(
        Scenario.from_dict(
            {
                "name": "t",
                "horizon": {"start": "2014-01", "end": "2025-12"},
                "arrivals": {"path": "baseline"},
            }
        )
    )
