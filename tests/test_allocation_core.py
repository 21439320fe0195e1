"""Pure core of the allocation engine: rounding, rules, applications, positions (no bundled data)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim.allocation import (
    CountRule,
    MixRule,
    PerCapitaPayment,
    PopulationRule,
    ProgrammeRules,
    QualificationMix,
    UrbanFactor,
    allocate_table,
    form_applications,
    funded_positions,
    hybrid_rule,
    largest_remainder,
    largest_remainder_grouped,
    two_survey_rule,
)
from paktsim.errors import InputError
from paktsim.testing import AllocationRuleCheckError, check_allocation_rule

weights_st = st.lists(st.integers(0, 10**6), min_size=1, max_size=40).filter(lambda w: sum(w) > 0)
float_weights_st = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40).filter(
    lambda w: sum(w) > 0
)


def _keys(n: int) -> list[str]:
    return [f"08{i:06d}" for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(
    w=st.one_of(weights_st, float_weights_st),
    total=st.integers(0, 10**9),
    seed=st.integers(0, 1000),
)
def test_largest_remainder_exact_bounded_order_independent(w, total, seed):
    s = pd.Series(w, index=_keys(len(w)), dtype=float)
    parts = largest_remainder(s, total)
    assert parts.dtype == np.int64
    assert int(parts.sum()) == total
    quota = total * s / s.sum()
    assert (np.abs(parts - quota) < 1 + 1e-6).all()
    assert (parts[s == 0] == 0).all() and (parts >= 0).all()
    perm = np.random.default_rng(seed).permutation(len(w))
    again = largest_remainder(s.iloc[perm], total)
    assert again.reindex(s.index).equals(parts)


@settings(max_examples=200, deadline=None)
@given(w=weights_st, total=st.integers(1, 10**7), data=st.data())
def test_largest_remainder_monotone_in_own_weight(w, total, data):
    s = pd.Series(w, index=_keys(len(w)), dtype=float)
    i = data.draw(st.integers(0, len(w) - 1))
    s2 = s.copy()
    s2.iloc[i] += data.draw(st.integers(1, 10**5))
    assert largest_remainder(s2, total).iloc[i] >= largest_remainder(s, total).iloc[i]


def test_largest_remainder_ties_broken_by_key_not_row_order():
    s = pd.Series([1.0, 1.0, 1.0], index=["08000003", "08000001", "08000002"])
    parts = largest_remainder(s, 2)
    assert parts.to_dict() == {"08000003": 0, "08000001": 1, "08000002": 1}


def test_largest_remainder_rejects_bad_input():
    with pytest.raises(ValueError):
        largest_remainder(pd.Series([0.0, 0.0]), 5)
    with pytest.raises(ValueError):
        largest_remainder(pd.Series([1.0, -1.0]), 5)
    with pytest.raises(ValueError):
        largest_remainder(pd.Series([1.0]), 2.5)


@settings(max_examples=100, deadline=None)
@given(w=st.lists(st.integers(0, 10**5), min_size=2, max_size=40), data=st.data())
def test_grouped_split_conserves_every_group(w, data):
    n = len(w)
    groups = data.draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    idx = _keys(n)
    ws = pd.Series(w, index=idx, dtype=float)
    gs = pd.Series(groups, index=idx)
    present = sorted(set(groups))
    has_weight = ws.groupby(gs).sum()
    totals = pd.Series(
        [data.draw(st.integers(0, 10**6)) if has_weight[g] > 0 else 0 for g in present],
        index=present,
    )
    parts = largest_remainder_grouped(ws, gs, totals)
    assert parts.groupby(gs).sum().reindex(present).tolist() == totals.tolist()
    for g in present:
        m = (gs == g).to_numpy()
        if totals[g] > 0:
            assert parts[m].equals(largest_remainder(ws[m], int(totals[g])))


# ------------------------------------------------------------------ a small synthetic Land


def _table(n: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.Index(_keys(n), name="ags")
    kreis = np.where(np.arange(n) < n // 2, "08001", "08002")
    return pd.DataFrame(
        {
            "name": [f"G{i}" for i in range(n)],
            "kreis_ags": kreis,
            "is_stadtkreis": False,
            "degurba": rng.integers(1, 4, n),
            "population": rng.integers(100, 50_000, n),
        },
        index=idx,
    )


def _chain(table: pd.DataFrame) -> pd.DataFrame:
    ags = table.index.to_numpy()
    return pd.DataFrame({"ags_a": ags[:-1], "ags_b": ags[1:]})


PROG = ProgrammeRules(51_000, QualificationMix(1.0, 64_000, 51_000))


@pytest.mark.parametrize(
    "rule_factory",
    [
        lambda t: PopulationRule(),
        lambda t: PopulationRule(UrbanFactor("degurba", {1: 1.3, 2: 1.1, 3: 1.0})),
        lambda t: PopulationRule(UrbanFactor("size_class", {0: 1.0, 10_000: 1.2})),
        lambda t: CountRule(t["population"] // 100),
        lambda t: two_survey_rule(t["population"] // 50, t["population"] // 70 + 1, 0.6),
        lambda t: hybrid_rule(CountRule(t["population"] // 100), 0.3),
        lambda t: PerCapitaPayment(t["population"] // 100, 1125.0),
    ],
)
def test_every_rule_passes_the_conformance_check(rule_factory):
    table = _table()
    check_allocation_rule(rule_factory(table), table, budget_eur=1_234_567)


@settings(max_examples=30, deadline=None)
@given(
    counts=st.lists(st.integers(0, 5000), min_size=5, max_size=30).filter(lambda c: sum(c) > 0),
    budget=st.integers(1, 10**8),
    seed=st.integers(0, 100),
)
def test_count_rule_conformance_under_hypothesis(counts, budget, seed):
    table = _table(len(counts))
    rule = CountRule(pd.Series(counts, index=table.index, dtype=float))
    check_allocation_rule(rule, table, budget_eur=budget, seed=seed)


def test_conformance_check_catches_a_broken_rule():
    class Reversed(PopulationRule):
        def weights(self, table):  # monotonicity broken on purpose
            return (1e6 - table["population"]).rename("weight")

    with pytest.raises(AllocationRuleCheckError, match="monotonicity"):
        check_allocation_rule(Reversed(), _table(), n_bumps=30)


def test_rules_reject_bad_input():
    t = _table(3)
    with pytest.raises(InputError, match="negative count"):
        CountRule(pd.Series([1.0, -2.0, 3.0], index=t.index))
    with pytest.raises(InputError, match="duplicate AGS"):
        CountRule(pd.Series([1.0, 2.0], index=["08000000", "08000000"]))
    with pytest.raises(InputError, match="unknown AGS"):
        CountRule(pd.Series([1.0], index=["08999999"])).weights(t)
    with pytest.raises(InputError, match="must be a number > 0"):
        UrbanFactor("degurba", {1: 0.0, 2: 1.0, 3: 1.0})
    with pytest.raises(InputError, match="sum to 1"):
        MixRule({"a": (PopulationRule(), 0.5), "b": (PopulationRule(), 0.4)})
    with pytest.raises(InputError, match="no factor"):
        PopulationRule(UrbanFactor("degurba", {1: 1.2})).weights(_table(30))
    with pytest.raises(InputError, match="rate must be"):
        PerCapitaPayment(pd.Series([1.0], index=["08000000"]), 0)


def test_budget_must_be_positive_whole_euros_and_open_ended_has_none():
    t = _table()
    for bad in (0, -5, 10.5, float("nan")):
        with pytest.raises(InputError, match="budget_eur"):
            allocate_table(PopulationRule(), bad, t, programme=PROG)
    with pytest.raises(InputError, match="no budget"):
        allocate_table(PerCapitaPayment(t["population"] // 100, 1125.0), 10, t, programme=None)


def test_per_capita_pays_rate_times_count_exactly():
    t = _table()
    counts = t["population"] // 100
    out = allocate_table(PerCapitaPayment(counts, 1125.0), None, t, programme=None)
    assert (out["amount_eur"] == counts * 1125).all()
    assert out.attrs["budget_eur"] == int(counts.sum()) * 1125
    assert out["fte_funded"].isna().all() and out.attrs["open_ended"]


# ------------------------------------------------------------------ applications


def _amounts(values, kreis=None):
    idx = pd.Index(_keys(len(values)), name="ags")
    amt = pd.Series(values, index=idx, dtype="int64")
    kr = pd.Series(kreis or ["08001"] * len(values), index=idx)
    return amt, kr


def test_neighbour_groups_follow_documented_merge_order():
    amt, kr = _amounts([10, 20, 60, 5, 5, 100])
    adj = pd.DataFrame({"ags_a": amt.index[:4], "ags_b": amt.index[1:5]})
    out = form_applications(amt, kr, 50, "neighbours", adj)
    # 3+4 (5+5) merge first, then 0 joins 1, then {3,4} joins 2, then {0,1} joins 2's group
    assert out["group_id"].iloc[:5].tolist() == [amt.index[2]] * 5
    assert out["group_frame_eur"].iloc[0] == 100
    assert out.loc[amt.index[5], "group_kind"] == "alone"
    assert out["eligible_alone"].tolist() == [False, False, True, False, False, True]


def test_landkreis_takes_over_and_none_drops():
    amt, kr = _amounts([30, 30, 100, 10], ["08001", "08001", "08001", "08002"])
    lk = form_applications(amt, kr, 50, "landkreis")
    assert lk["group_id"].tolist()[:2] == ["08001", "08001"]
    assert lk["group_kind"].tolist() == ["landkreis", "landkreis", "alone", "none"]
    assert lk["group_frame_eur"].tolist() == [60, 60, 100, 0]
    none = form_applications(amt, kr, 50, "none")
    assert none["group_id"].isna().tolist() == [True, True, False, True]


def test_neighbours_never_cross_kreis_and_fall_back_to_landkreis():
    # 08..0 and 08..1 are in different Kreise; 08..3 is an exclave of Kreis A
    amt, kr = _amounts([30, 100, 40, 20], ["A", "B", "A", "A"])
    adj = pd.DataFrame(
        {"ags_a": [amt.index[0], amt.index[1]], "ags_b": [amt.index[1], amt.index[2]]}
    )
    out = form_applications(amt, kr, 50, "neighbours", adj)
    a_members = out[kr == "A"]
    assert a_members["group_id"].nunique() == 1
    assert a_members["fallback"].all()
    assert a_members["group_frame_eur"].iloc[0] == 90
    assert out.loc[amt.index[1], "group_kind"] == "alone"


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(0, 200), min_size=2, max_size=25),
    seed=st.integers(0, 99),
    join=st.sampled_from(["none", "landkreis", "neighbours"]),
)
def test_applications_invariants_and_order_independence(values, seed, join):
    n = len(values)
    rng = np.random.default_rng(seed)
    kreis = rng.choice(["08001", "08002"], n).tolist()
    amt, kr = _amounts(values, kreis)
    pairs = rng.integers(0, n, (2 * n, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    ags = amt.index.to_numpy()
    adj = pd.DataFrame({"ags_a": ags[pairs.min(1)], "ags_b": ags[pairs.max(1)]}).drop_duplicates()
    out = form_applications(amt, kr, 50, join, adj)
    eligible = out["group_id"].notna()
    # every application reaches the threshold; frames are the members' sums
    frames = amt[eligible].groupby(out.loc[eligible, "group_id"]).sum()
    assert (frames >= 50).all()
    assert (
        out.loc[eligible, "group_frame_eur"]
        == frames.reindex(out.loc[eligible, "group_id"]).to_numpy()
    ).all()
    assert (out["eligible_alone"] == ((amt >= 50) & (amt > 0))).all()
    # members of one application share a Kreis
    assert (kr[eligible].groupby(out.loc[eligible, "group_id"]).nunique() == 1).all()
    perm = rng.permutation(n)
    again = form_applications(
        amt.iloc[perm], kr.iloc[perm], 50, join, adj.sample(frac=1, random_state=seed)
    )
    pd.testing.assert_frame_equal(again.reindex(out.index), out)


# ------------------------------------------------------------------ positions


def test_positions_as_written_fund_the_whole_frame():
    """0.25 FTE is the smallest share of one person's position, not a quantum of the total."""
    frames = pd.Series([64_000, 100_000, 51_000, 0, 1_000_000], index=list("abcde"))
    mix = QualificationMix(1.0, 64_000, 51_000)
    res = funded_positions(frames, mix)
    assert res["fte_funded"].tolist() == [1.0, 100_000 / 64_000, 1.0, 0.0, 1_000_000 / 64_000]
    assert res["funded_eur"].tolist() == [64_000, 100_000, 51_000, 0, 1_000_000]
    assert res["unused_eur"].tolist() == [0, 0, 0, 0, 0]
    assert res["topped_up"].tolist() == [False, False, True, False, False]


def test_positions_floor_to_quarter_and_identity():
    frames = pd.Series([64_000, 100_000, 51_000, 0, 1_000_000], index=list("abcde"))
    mix = QualificationMix(1.0, 64_000, 51_000)
    top = funded_positions(frames, mix, reading="viertelstellen")
    assert top["fte_funded"].tolist() == [1.0, 1.5, 1.0, 0.0, 15.5]
    assert top["funded_eur"].tolist() == [64_000, 96_000, 51_000, 0, 992_000]
    assert top["topped_up"].tolist() == [False, False, True, False, False]
    drop = funded_positions(frames, mix, below_minimum="drop", reading="viertelstellen")
    assert drop.loc["c", "fte_funded"] == 0 and drop.loc["c", "unused_eur"] == 51_000
    for res in (top, drop):
        assert (res["funded_eur"] + res["unused_eur"] == frames).all()


@settings(max_examples=100, deadline=None)
@given(frame=st.integers(0, 10**8), h=st.floats(0, 1))
def test_positions_properties(frame, h):
    mix = QualificationMix(h, 64_000, 51_000)
    res = funded_positions(pd.Series([frame]), mix, reading="viertelstellen").iloc[0]
    assert res["funded_eur"] + res["unused_eur"] == frame
    assert 0 <= res["funded_eur"] <= frame
    assert (res["fte_funded"] * 4) == int(res["fte_funded"] * 4)
    if not res["topped_up"]:
        assert res["unused_eur"] < 0.25 * mix.rate_eur + 1  # less than one more quarter
    written = funded_positions(pd.Series([frame]), mix).iloc[0]
    assert written["funded_eur"] + written["unused_eur"] == frame
    assert written["fte_funded"] >= res["fte_funded"]  # the strict reading never funds more
    if written["fte_funded"] >= 1:
        assert written["unused_eur"] == 0


def test_engine_member_attribution_sums_to_applications():
    t = _table(40, seed=3)
    out = allocate_table(
        CountRule(t["population"] // 1000),
        1_500_000,
        t,
        programme=PROG,
        join="neighbours",
        adjacency=_chain(t),
    )
    assert int(out["amount_eur"].sum()) == 1_500_000
    assert (out["funded_eur"] + out["unused_eur"] == out["amount_eur"]).all()
    g = out.dropna(subset=["group_id"]).groupby("group_id")
    assert np.allclose(g["fte_funded"].sum(), g["group_fte_funded"].first())
    assert (g["funded_eur"].sum() == g["group_funded_eur"].first()).all()
    assert out.attrs["unused_eur"] == int(out["unused_eur"].sum())
    quarters = allocate_table(
        CountRule(t["population"] // 1000),
        1_500_000,
        t,
        programme=dataclasses.replace(PROG, fte_reading="viertelstellen"),
        join="neighbours",
        adjacency=_chain(t),
    )
    assert ((quarters["fte_funded"] * 4) % 1 == 0).all()
    assert quarters["fte_funded"].sum() <= out["fte_funded"].sum() + 1e-9
