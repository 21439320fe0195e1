"""Allocation on the bundled regions: historic splits, neighbour grouping, Kreis level."""

from __future__ import annotations

import numpy as np
import pytest

from paktsim import regions
from paktsim.allocation import PopulationRule, UrbanFactor, allocate
from paktsim.allocation import historic
from paktsim.testing import check_allocation_rule


@pytest.fixture(scope="module")
def im_2017():
    return historic.im_2017()


def test_proxy_counts_are_labelled_and_sum_to_80000():
    p = historic.proxy_counts_2017()
    assert int(p.sum()) == 80_000 and len(p) == 1101 and (p >= 0).all()
    assert "Proxy" in p.attrs["label"] and "nicht die amtliche" in p.attrs["label"]


def test_im_2017_reproduces_envelope_and_906_positions(im_2017):
    s = historic.summary(im_2017)
    assert s["Mittel (€)"] == 58_000_000 == im_2017["amount_eur"].sum()
    assert s["€ je Person"] == 725.0          # 58 Mio / 80,000
    assert s["Stellen Landesebene (Mittel ÷ Fördersatz, VZÄ)"] == 906.25
    assert im_2017.attrs["programme"]["threshold_eur"] == 51_000
    assert im_2017.attrs["parameters"]["integrationsmanagement.foerdersatz.hochschule"] == 64_000
    assert "Proxy" in im_2017.attrs["counts_source"]
    # the 0.25-FTE rule as written: each application funds frame ÷ rate, an application
    # below one position is topped up to the 1-FTE minimum (the town pays the rest)
    apps = im_2017.dropna(subset=["group_id"]).groupby("group_id").first()
    expected = apps.loc[~apps["topped_up"], "group_frame_eur"].sum() / 64_000 \
        + apps["topped_up"].sum() * 1.0
    assert s["geförderte Stellen (VZÄ)"] == pytest.approx(expected)
    assert s["nicht abrufbare Mittel (€)"] == 0
    assert (im_2017["funded_eur"] + im_2017["unused_eur"] == im_2017["amount_eur"]).all()
    # every Gemeinde below 51,000 € is not eligible alone, every other one is
    assert (im_2017["eligible_alone"] == (im_2017["amount_eur"] >= 51_000)).all()


def test_im_2017_lower_rate_funds_more_positions():
    low = historic.summary(historic.im_2017(hochschule_share=0.0))
    assert low["Stellen Landesebene (Mittel ÷ Fördersatz, VZÄ)"] == pytest.approx(58e6 / 51_000)


def test_ila_2017_is_90_million_at_1125():
    out = historic.ila_2017()
    assert out.attrs["budget_eur"] == 90_000_000 == out["amount_eur"].sum()
    assert (out["amount_eur"] == out["persons"] * 1125).all()
    assert out.attrs["open_ended"]


def test_soforthilfe_2022_by_population_to_44_kreise():
    out = historic.soforthilfe_2022()
    assert len(out) == 44 and out["amount_eur"].sum() == 8_000_000
    assert out.attrs["vintage"] == 2021 and "30.11.2021" in out.attrs["vintage_note"]
    assert "31.12.2021" in out.attrs["vintage_note"]
    pop = regions.kreise(2021)["population"]
    assert np.all(np.abs(out["amount_eur"] - 8_000_000 * pop / pop.sum()) < 1)
    assert (out["group_id"].notna()).all()  # all 44 Kreise receive money


@pytest.mark.parametrize("join", ["none", "landkreis", "neighbours"])
def test_joins_on_real_adjacency(join):
    rule = PopulationRule(UrbanFactor("degurba", {1: 1.3, 2: 1.1, 3: 1.0}))
    out = allocate(rule, 58_000_000, vintage=2021, join=join)
    assert out["amount_eur"].sum() == 58_000_000
    eligible = out["group_id"].notna()
    frames = out[eligible].groupby("group_id")["amount_eur"].sum()
    assert (frames >= 51_000).all()
    assert (out[eligible].groupby("group_id")["kreis_ags"].nunique() == 1).all()
    if join != "none":
        assert eligible.all()  # every Gemeinde ends up in an application
    if join == "neighbours":
        adj = regions.neighbours()
        joint = out[out["group_kind"] == "joint"]
        # each member of a joint group touches another member (unless bundled as fallback)
        pairs = adj[adj["ags_a"].isin(joint.index) & adj["ags_b"].isin(joint.index)]
        same = joint.loc[pairs["ags_a"], "group_id"].to_numpy() == \
            joint.loc[pairs["ags_b"], "group_id"].to_numpy()
        touched = set(pairs["ags_a"][same]) | set(pairs["ags_b"][same])
        lonely = set(joint.index) - touched
        assert all(joint.loc[list(lonely), "fallback"]) if lonely else True


def test_kreis_level_pass_down_conserves_money_and_fte():
    k = allocate(PopulationRule(level="kreis"), 8_000_000, vintage=2021)
    g = allocate(PopulationRule(level="kreis"), 8_000_000, vintage=2021, pass_to_gemeinden=True)
    assert len(g) == 1101 and g["amount_eur"].sum() == 8_000_000
    assert (g.groupby("kreis_ags")["amount_eur"].sum() == k["amount_eur"]).all()
    assert g["fte_funded"].sum() == k["fte_funded"].sum()


def test_population_rule_passes_conformance_on_bundled_table():
    check_allocation_rule(PopulationRule(UrbanFactor("degurba", {1: 1.3, 2: 1.1, 3: 1.0})),
                          regions.municipalities(2021))
    check_allocation_rule(PopulationRule(level="kreis"), regions.kreise(2021), 8_000_000)


def test_provenance_attrs(im_2017):
    a = im_2017.attrs
    for key in ("rule", "rule_parameters", "budget_eur", "join", "programme", "parameters",
                "vintage", "stand", "params_date", "unused_eur"):
        assert key in a
    assert a["stand"] == "31.12.2017"


def test_full_result_independent_of_row_order_with_neighbours():
    from paktsim.allocation import allocate_table, programme_rules

    muni = regions.municipalities(2021)
    adj = regions.neighbours()
    prog, _ = programme_rules("2022-01-01")
    rule = PopulationRule(UrbanFactor("degurba", {1: 1.3, 2: 1.1, 3: 1.0}))
    a = allocate_table(rule, 58_000_000, muni, programme=prog, join="neighbours", adjacency=adj)
    rng = np.random.default_rng(7)
    b = allocate_table(rule, 58_000_000, muni.iloc[rng.permutation(len(muni))], programme=prog,
                       join="neighbours", adjacency=adj.iloc[rng.permutation(len(adj))])
    import pandas as pd

    pd.testing.assert_frame_equal(a, b.reindex(a.index))
