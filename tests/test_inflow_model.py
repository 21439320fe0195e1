"""simulate(): levels add up, keys, order independence, seeds, arrival paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paktsim.errors import InputError
from paktsim.inflow import arrivals as arr
from paktsim.inflow.model import LEVEL_STAGES, simulate
from paktsim.scenario import Scenario


def _scenario(**changes) -> Scenario:
    base = {
        "name": "test",
        "horizon": {"start": "2024-01", "end": "2027-12"},
        "arrivals": {"path": "baseline"},
    }
    base.update(changes)
    return Scenario.from_dict(base)


@pytest.fixture(scope="module")
def result():
    return simulate(_scenario())


@pytest.fixture(scope="module")
def historic():
    return simulate(
        _scenario(horizon={"start": "2014-01", "end": "2025-12"}, arrivals={"path": "historic"})
    )


def test_people_conserved_at_every_level(result, historic):
    for res in (result, historic):
        bal = res.balance()
        assert bal["land"] < 1e-6 and bal["kreis"] < 1e-6 and bal["gemeinde"] < 1e-6


def test_land_equals_sum_of_kreise_and_gemeinden(historic):
    land = historic.land().pivot(index="month", columns="stage", values="persons")
    kreise = historic.kreise().groupby(["month", "stage"], observed=True)["persons"].sum()
    gem = historic.gemeinden().groupby(["month", "stage"], observed=True)["persons"].sum()
    for stage in LEVEL_STAGES["kreis"]:
        np.testing.assert_allclose(kreise.xs(stage, level="stage"), land[stage], rtol=1e-10)
    for stage in LEVEL_STAGES["gemeinde"]:
        np.testing.assert_allclose(gem.xs(stage, level="stage"), land[stage], rtol=1e-10)
    # Kreis = sum of its Gemeinden
    g = historic.gemeinden()
    g["kreis"] = g["ags"].astype(str).str[:5]
    by_k = g.groupby(["kreis", "month", "stage"], observed=True)["persons"].sum()
    k = historic.kreise().set_index(["ags", "month", "stage"])["persons"]
    k = k[k.index.get_level_values("stage").isin(["au", "own"])]
    np.testing.assert_allclose(by_k.to_numpy(), k.loc[by_k.index].to_numpy(), rtol=1e-10)


def test_no_negative_stocks(result):
    assert result.gemeinden()["persons"].min() >= 0
    assert result.kreise()["persons"].min() >= 0


def test_historic_uses_vintage_segments(historic):
    # segments are regimes (vintage × reception privilege); every vintage is used
    assert sorted(set(historic.keys.vintages)) == [2013, 2014, 2017, 2018, 2019, 2021, 2023]
    np.testing.assert_allclose(historic.keys.gemeinde.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(historic.keys.kreis.sum(axis=1), 1.0, rtol=1e-12)


def test_doubling_arrivals_doubles_stocks():
    sc = _scenario()
    path = arr.build(sc.arrivals, "2027-12")
    one = simulate(sc, arrivals=path)
    two = simulate(sc, arrivals=path * 2)
    # the initial (pre-2014) stock is not an arrival: compare what arrivals add
    zero = simulate(sc, arrivals=path * 0)
    for stage in ("vu", "au"):
        np.testing.assert_allclose(
            two.draws(stage) - zero.draws(stage),
            2 * (one.draws(stage) - zero.draws(stage)),
            rtol=1e-10,
        )


def test_gemeinde_order_does_not_matter():
    from paktsim import regions

    pop = regions.municipalities(2023)["population"].astype(float)
    sc = _scenario()
    a = simulate(sc, gemeinde_key=pop)
    b = simulate(sc, gemeinde_key=pop.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(a.gemeinden(), b.gemeinden())


def test_user_kreis_key_and_credits():
    from paktsim import regions

    k = regions.kreise(2023)["population"].astype(float)
    sc = _scenario()
    base = simulate(sc)
    same = simulate(sc, kreis_key=k * 3.0)
    # a user key replaces the population key of every vintage; 2023 is the same key
    last = np.asarray(base.keys.vintages) == 2023
    np.testing.assert_allclose(same.keys.kreis[last], base.keys.kreis[last], rtol=1e-12)
    credited = simulate(sc, credits={"08221": 0.5})
    i = list(base.keys.kreis_ags).index("08221")
    plain = base.keys.segment[1, -1]  # Ukrainians: no reception privilege
    assert credited.keys.kreis[plain, i] < base.keys.kreis[plain, i]
    np.testing.assert_allclose(credited.keys.kreis.sum(axis=1), 1.0)
    with pytest.raises(InputError, match="08999"):
        simulate(sc, credits={"08999": 0.5})
    with pytest.raises(InputError, match="unknown AGS"):
        simulate(sc, kreis_key=pd.concat([k, pd.Series({"09999": 1.0})]))


def test_flows_by_group_add_up_and_show_the_direct_share(historic):
    total = historic.flows()
    by_group = historic.flows(by_group=True)
    assert list(by_group.columns[:2]) == ["month", "group"]
    assert len(by_group) == len(total) * 3
    summed = by_group.groupby("month", observed=True).sum(numeric_only=True)
    np.testing.assert_allclose(
        summed.to_numpy(),
        total.set_index("month")[summed.columns].to_numpy(),
        rtol=1e-12,
        atol=1e-9,
    )
    ukr = by_group[by_group["group"] == "ukraine"].set_index("month")
    spring = ukr.loc[pd.Period("2022-03", freq="M")]
    assert spring["arrivals"] > 10_000
    share = historic.parameters["inflow.chain.ukraine.direct_share"]
    assert spring["direct"] == pytest.approx(share * spring["arrivals"])
    asyl = by_group[by_group["group"] == "asyl"]
    assert (asyl["direct"] == 0).all() and asyl["arrivals"].sum() > 0


def test_series_matches_tables(result):
    s = result.series("08111000")
    g = result.gemeinden()
    au = g[(g["ags"] == "08111000") & (g["stage"] == "au")]["persons"].to_numpy()
    np.testing.assert_allclose(s["au"].to_numpy(), au)
    assert list(result.series("08111").columns) == ["vu", "au", "own"]
    with pytest.raises(InputError, match="unknown"):
        result.series("08111999")


@pytest.mark.slow
def test_same_seed_same_output_and_prefix_stable():
    sc = _scenario(uncertainty={"n_draws": 300, "arrivals_sigma": 0.2}, seed=7)
    a = simulate(sc)
    b = simulate(sc)
    np.testing.assert_array_equal(a.draws("au"), b.draws("au"))
    more = simulate(sc, n_draws=600)
    np.testing.assert_array_equal(more.draws("au")[:300], a.draws("au"))
    other = simulate(sc.with_changes(seed=8))
    assert not np.array_equal(other.draws("au"), a.draws("au"))
    # rates stay within their ranges
    assert a.rates.vu_exit.min() >= 0.04 - 1e-12 and a.rates.vu_exit[:, 0].max() <= 0.15


def test_ensemble_quantiles_by_place_are_ordered():
    sc = _scenario(uncertainty={"n_draws": 50}, seed=3)
    res = simulate(sc)
    q = res.quantiles("au", "gemeinde")
    assert q.shape == (3, 1101, 48)
    assert np.all(q[0] <= q[1] + 1e-9) and np.all(q[1] <= q[2] + 1e-9)
    one = res.draws("au", "08111000")
    pos = list(res.keys.gemeinde_ags).index("08111000")
    np.testing.assert_allclose(q[:, pos, :], np.quantile(one, (0.1, 0.5, 0.9), axis=0), rtol=1e-12)
    kq = res.quantiles("au", "kreis")
    assert kq.shape == (3, 44, 48)


def test_historic_path_matches_annual_parameters():
    from paktsim import params

    h = arr.historic()
    annual = h.groupby(h.index.year).sum()
    expected = params.yearly("inflow.arrivals.asyl.per_year", 2014, 2025)
    for year in (2014, 2015, 2016, 2021, 2024):
        assert annual.loc[year, "asyl"] == pytest.approx(float(expected.loc[year]))
    assert h.loc["2015-10", "asyl"] == pytest.approx(17307)
    assert h.loc["2022-08", "ukraine"] == pytest.approx(8434)
    # 35,000 by 29.03.2022 plus three days at the April/May rate
    assert 35000 < h.loc["2022-02":"2022-03", "ukraine"].sum() < 40000
    assert h.loc[:"2022-01", "ukraine"].sum() == 0
    assert annual.loc[2022, "ukraine"] == pytest.approx(145181)
    assert (h >= 0).all().all()


def test_forward_paths():
    hist = arr.historic()
    idx = arr.months("2026-01", "2028-12")
    base = arr.forward("baseline", idx, hist)
    wave = arr.forward("wave_2015", idx, hist)
    assert wave.loc["2026", "asyl"].sum() == pytest.approx(100000)
    assert wave.loc["2028", "asyl"].sum() == pytest.approx(base.loc["2028", "asyl"].sum())
    surge = arr.forward("ukraine_surge", idx, hist)
    assert surge.loc["2026", "ukraine"].sum() == pytest.approx(145181)
    low = arr.forward("low", idx, hist)
    assert (low.sum() <= base.sum() + 1e-9).all()
    with pytest.raises(InputError, match="unknown path"):
        arr.forward("nope", idx, hist)


def test_blocks_and_csv(tmp_path):
    (tmp_path / "m.csv").write_text("month,persons\n2026-03,1000\n2026-04,500\n")
    sc = _scenario(
        arrivals={
            "path": "custom",
            "blocks": [
                {"kind": "level", "per_month": 100, "start": "2026-01", "end": "2026-12"},
                {"kind": "csv", "file": "m.csv", "group": "ukraine"},
                {"kind": "seasonal", "factors": [2] + [1] * 11},
            ],
        }
    )
    path = arr.build(sc.arrivals, "2027-12", base_dir=tmp_path)
    assert path.loc["2026-01", "asyl"] == 200
    assert path.loc["2026-02", "asyl"] == 100
    assert path.loc["2027-02", "asyl"] == 0
    assert path.loc["2026-03", "ukraine"] == 1000
    (tmp_path / "bad.csv").write_text("month,persons\n2026-13,1\n2026-04,-5\n")
    with pytest.raises(InputError) as info:
        arr.read_csv(tmp_path / "bad.csv")
    text = str(info.value)
    assert "row 2:month" in text and "row 3:persons" in text


def test_year_path_rejects_impossible_known_months():
    with pytest.raises(InputError, match="do not fit"):
        arr.year_path(2015, 1000, {10: 5000})
    assert arr.year_path(2015, 1200, {}).sum() == pytest.approx(1200)


def test_horizon_before_2014_is_refused():
    with pytest.raises(InputError, match="horizon.start"):
        simulate(_scenario(horizon={"start": "2013-01", "end": "2015-12"}))
