"""Invariants of the stage-chain kernel (conservation, cap, linearity, decay)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim.inflow.kernel import ChainRates, run_chain

EXITS = ("ea_left", "vu_left", "au_left", "own_left")


def _rates(
    direct=0.3,
    ea=0.6,
    ea_left=0.1,
    vu=0.1,
    cap=(24, 6, 6),
    vu_left=0.1,
    au_own=0.03,
    au_left=0.01,
    own_left=0.02,
):
    g = len(cap)
    return ChainRates(
        direct_share=np.full(g, direct),
        ea_exit=np.full(g, ea),
        ea_left_share=np.full(g, ea_left),
        vu_exit=np.full(g, vu),
        vu_cap=np.array(cap),
        vu_left_share=np.full(g, vu_left),
        au_to_own=np.full(g, au_own),
        au_left=np.full(g, au_left),
        own_left=np.full(g, own_left),
    )


def _land_total(res):
    s = res.stocks
    return s["ea"] + s["vu"].sum(2) + s["au"].sum(2) + s["own"].sum(2)


def _cum_exits(res):
    f = res.flows
    return sum(np.cumsum(f[k].sum(2) if f[k].ndim == 4 else f[k], axis=-1) for k in EXITS)


share = st.floats(0, 1)
hazard = st.floats(0, 0.5)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    direct=share,
    ea=share,
    ea_left=share,
    vu=share,
    cap=st.integers(1, 30),
    vu_left=share,
    au_own=hazard,
    au_left=hazard,
    own_left=share,
    n_seg=st.integers(1, 4),
    init=st.floats(0, 1e5),
)
def test_people_are_conserved_and_never_negative(
    seed, direct, ea, ea_left, vu, cap, vu_left, au_own, au_left, own_left, n_seg, init
):
    rng = np.random.default_rng(seed)
    arrivals = rng.gamma(0.5, 2000.0, size=(2, 3, 60))
    segment = np.sort(rng.integers(0, n_seg, 60))
    rates = _rates(
        direct, ea, ea_left, vu, (cap, max(1, cap // 2), 1), vu_left, au_own, au_left, own_left
    )
    res = run_chain(arrivals, rates, segment, n_segments=n_seg, initial_own=init)
    total = _land_total(res) + _cum_exits(res)
    np.testing.assert_allclose(total, np.cumsum(arrivals, axis=-1) + init, rtol=1e-12, atol=1e-7)
    for name, arr in {**res.stocks, **res.flows}.items():
        assert arr.min() >= -1e-9, name


def test_nobody_stays_in_vu_beyond_the_cap():
    arrivals = np.zeros((1, 3, 40))
    arrivals[0, :, 0] = 1000.0
    rates = _rates(direct=0.0, ea=1.0, ea_left=0.0, vu=0.01, cap=(24, 6, 3))
    res = run_chain(arrivals, rates, np.zeros(40, int), keep_age=True)
    vu = res.stocks["vu"][0, :, 0, :]
    # arrive in month 0, leave Erstaufnahme in month 1, at most `cap` month-ends in vU
    for g, cap in enumerate((24, 6, 3)):
        assert vu[g, cap] > 0
        assert np.all(vu[g, 1 + cap :] == 0.0)
        assert np.all(res.vu_age[0, g, 0, cap:, :] == 0.0)


def test_zero_arrivals_stocks_only_decay():
    rates = _rates()
    res = run_chain(np.zeros((1, 3, 50)), rates, np.zeros(50, int), initial_own=5000.0)
    total = _land_total(res)
    assert np.all(np.diff(total, axis=-1) <= 1e-9)
    assert total[..., 0].sum() < 15000.0
    empty = run_chain(np.zeros((1, 3, 50)), rates, np.zeros(50, int))
    assert all(np.all(a == 0) for a in empty.stocks.values())


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), factor=st.floats(0.01, 100))
def test_stocks_are_linear_in_arrivals(seed, factor):
    arrivals = np.random.default_rng(seed).uniform(0, 3000, size=(1, 3, 48))
    seg = np.repeat([0, 1], 24)
    one = run_chain(arrivals, _rates(), seg)
    scaled = run_chain(arrivals * factor, _rates(), seg)
    for name in one.stocks:
        np.testing.assert_allclose(
            scaled.stocks[name], factor * one.stocks[name], rtol=1e-10, atol=1e-9
        )


def test_segments_only_split_the_land_totals():
    arrivals = np.random.default_rng(1).uniform(0, 3000, size=(1, 3, 48))
    one = run_chain(arrivals, _rates(), np.zeros(48, int))
    split = run_chain(arrivals, _rates(), np.repeat([0, 1, 2], 16))
    for name in ("vu", "au", "own"):
        np.testing.assert_allclose(
            split.stocks[name].sum(2), one.stocks[name].sum(2), rtol=1e-12, atol=1e-9
        )
    # nobody is assigned to a segment before it starts
    assert np.all(split.stocks["vu"][:, :, 2, :32] == 0)


def test_draws_are_independent_rows():
    arrivals = np.random.default_rng(2).uniform(0, 3000, size=(3, 3, 30))
    rates = _rates()
    both = run_chain(arrivals, rates, np.zeros(30, int))
    single = run_chain(arrivals[1:2], rates, np.zeros(30, int))
    np.testing.assert_array_equal(both.stocks["au"][1:2], single.stocks["au"])


@pytest.mark.parametrize(
    "bad", [{"vu": 1.5}, {"cap": (0, 6, 6)}, {"au_own": 0.8, "au_left": 0.5}, {"direct": -0.1}]
)
def test_bad_rates_are_refused(bad):
    with pytest.raises(ValueError):
        run_chain(np.ones((1, 3, 5)), _rates(**bad), np.zeros(5, int))


def test_bad_arrivals_are_refused():
    with pytest.raises(ValueError, match="arrivals"):
        run_chain(-np.ones((1, 3, 5)), _rates(), np.zeros(5, int))
