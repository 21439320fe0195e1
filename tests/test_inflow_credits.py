"""Reception credits month by month (issue 10 §2): host Kreis fewer vU, host Gemeinde no AU,
Ukrainians and humanitarian admissions without privilege, keys still shares, people conserved."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paktsim.inflow.distribute import month_keys, site_weights, sites

MONTHS = pd.period_range("2014-01", "2026-12", freq="M", name="month")
GROUPS = ("asyl", "ukraine", "humanitaer")


@pytest.fixture(scope="module")
def keys():
    return month_keys(MONTHS, groups=GROUPS)


def _kreis_share(keys, group: str, month: str, ags: str) -> float:
    t = MONTHS.get_loc(pd.Period(month, freq="M"))
    s = keys.segment[GROUPS.index(group), t]
    return float(keys.kreis[s, list(keys.kreis_ags).index(ags)])


def _gem_share(keys, group: str, month: str, ags: str) -> float:
    t = MONTHS.get_loc(pd.Period(month, freq="M"))
    s = keys.segment[GROUPS.index(group), t]
    return float(keys.gemeinde[s, list(keys.gemeinde_ags).index(ags)])


def test_site_table_is_sourced_and_consistent():
    table = sites()
    assert table["site"].is_unique and (table["source"].str.len() > 0).all()
    assert (table["ags"].str[:5] == table["kreis_ags"]).all()
    both = table.dropna(subset=["open_from", "open_to"])
    assert (both["open_from"] <= both["open_to"]).all()
    w = site_weights(MONTHS, table)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)  # Karlsruhe is always open


def test_keys_are_shares_and_gemeinden_add_up_to_their_kreis(keys):
    np.testing.assert_allclose(keys.kreis.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(keys.gemeinde.sum(axis=1), 1.0, rtol=1e-12)
    per_kreis = np.zeros_like(keys.kreis)
    np.add.at(per_kreis, (slice(None), keys.kreis_of), keys.gemeinde)
    np.testing.assert_allclose(per_kreis, keys.kreis, atol=1e-15)


def test_host_stadtkreis_gets_no_asylum_assignments_but_ukrainians(keys):
    assert _kreis_share(keys, "asyl", "2016-06", "08212") == 0.0  # Karlsruhe, LEA
    assert _kreis_share(keys, "ukraine", "2022-06", "08212") > 0.02
    assert _kreis_share(keys, "humanitaer", "2016-06", "08212") > 0.02


def test_host_landkreis_fewer_while_open_and_host_gemeinde_none(keys):
    # Ostalbkreis with the LEA Ellwangen (Apr 2015 – Dec 2025) and after it closed
    during = _kreis_share(keys, "asyl", "2016-06", "08136")
    after = _kreis_share(keys, "asyl", "2026-06", "08136")
    plain = _kreis_share(keys, "ukraine", "2016-06", "08136")
    assert 0.0 < during < plain and during < after
    assert _gem_share(keys, "asyl", "2016-06", "08136019") == 0.0  # Ellwangen
    assert _gem_share(keys, "asyl", "2026-06", "08136019") > 0.0
    # the Kreis renormalises over its other Gemeinden
    assert _gem_share(keys, "asyl", "2016-06", "08136088") > 0.0  # Aalen


def test_published_site_strengths_replace_the_generic_one(keys):
    # LEA Meßstetten: the Zollernalbkreis's quota was set to zero (zak.de 2015) until the
    # closure at the end of 2017; LEA Sigmaringen: 50 % (schwaebische.de 2017)
    assert _kreis_share(keys, "asyl", "2016-06", "08417") == 0.0
    assert _kreis_share(keys, "asyl", "2018-06", "08417") > 0.01
    t = MONTHS.get_loc(pd.Period("2019-06", freq="M"))
    k = list(keys.kreis_ags)
    asyl, plain = keys.kreis[keys.segment[0, t]], keys.kreis[keys.segment[1, t]]
    # relative to a Kreis without a site, Sigmaringen keeps exactly half its plain weight
    ratio = (asyl[k.index("08437")] / plain[k.index("08437")]) / (
        asyl[k.index("08115")] / plain[k.index("08115")]
    )
    assert ratio == pytest.approx(0.5)
    # an override of the site's own strength acts; the generic LEA strength does not
    off = month_keys(
        MONTHS,
        groups=GROUPS,
        overrides={
            "fluag.privileg.vu_site_lea_sigmaringen": {"2014-01-01": 0.0},
            "fluag.privileg.vu_landkreis_lea": {"2014-01-01": 0.9},
        },
    )
    a2, p2 = off.kreis[off.segment[0, t]], off.kreis[off.segment[1, t]]
    assert (a2[k.index("08437")] / p2[k.index("08437")]) == pytest.approx(
        a2[k.index("08115")] / p2[k.index("08115")]
    )


def test_other_kreise_take_the_relief(keys):
    # a Kreis without a site gets more than its plain share while sites are privileged
    assert _kreis_share(keys, "asyl", "2016-06", "08115") > _kreis_share(
        keys, "ukraine", "2016-06", "08115"
    )


def test_privilege_off_gives_the_population_keys():
    off = {
        f"fluag.privileg.{n}": {"2014-01-01": 0.0}
        for n in (
            "vu_stadtkreis",
            "vu_landkreis",
            "vu_landkreis_lea",
            "au_gemeinde",
            "vu_site_lea_messstetten",
            "vu_site_lea_sigmaringen",
        )
    }
    k = month_keys(MONTHS, groups=GROUPS, overrides=off)
    t = MONTHS.get_loc(pd.Period("2016-06", freq="M"))
    np.testing.assert_allclose(k.kreis[k.segment[0, t]], k.kreis[k.segment[1, t]])


def test_people_conserved_with_credits():
    from paktsim.inflow.model import simulate
    from paktsim.scenario import Scenario

    sc = Scenario.from_dict(
        {
            "name": "c",
            "arrivals": {"path": "historic"},
            "horizon": {"start": "2014-01", "end": "2019-12"},
        }
    )
    r = simulate(sc)
    bal = r.balance()
    assert max(bal.values()) < 1e-6 * 3e5
    land, kreise = r.land(), r.kreise()
    for stage in ("vu", "au", "own"):
        a = kreise[kreise["stage"] == stage].groupby("month", observed=True)["persons"].sum()
        b = land[land["stage"] == stage].set_index("month")["persons"]
        np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9)
    # assignments API: Kreise add up to the Land flow out of Erstaufnahme
    asg = r.assignments("kreis").groupby("month", observed=True)["persons"].sum()
    np.testing.assert_allclose(asg.to_numpy(), r.flows()["ea_to_vu"].to_numpy(), rtol=1e-9)


def test_assignments_over_the_whole_run():
    from paktsim.inflow.model import simulate
    from paktsim.scenario import Scenario

    sc = Scenario.from_dict(
        {
            "name": "w",
            "arrivals": {"path": "historic"},
            "horizon": {"start": "2024-01", "end": "2024-12"},
        }
    )
    r = simulate(sc)
    whole = r.assignments("kreis", whole_run=True)
    assert whole["month"].min() == pd.Period("2014-01", freq="M")
    per_month = whole.groupby("month", observed=True)["persons"].sum().to_numpy()
    land = r.chain.flows["ea_to_vu"].sum(axis=(0, 1, 2))
    np.testing.assert_allclose(per_month, land, rtol=1e-9)
    # hosts of a site get fewer asylum assignments than their population share in 2016
    y2016 = whole[whole["month"].dt.year == 2016].groupby("ags", observed=True)["persons"].sum()
    share = y2016 / y2016.sum()
    assert share["08212"] < 0.01  # Karlsruhe (LEA): only the unprivileged groups
