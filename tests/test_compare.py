"""compare(): identity is zero everywhere; deltas add up; transitions are consistent."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim.compare import compare, size_class_labels
from paktsim.errors import InputError


def _alloc(amounts, eligible=None, n=None, seed=0):
    n = len(amounts)
    rng = np.random.default_rng(seed)
    idx = pd.Index([f"08{i:06d}" for i in range(n)], name="ags")
    return pd.DataFrame(
        {
            "name": [f"G{i}" for i in range(n)],
            "kreis_ags": np.where(np.arange(n) % 2 == 0, "08001", "08002"),
            "kreis_name": np.where(np.arange(n) % 2 == 0, "A", "B"),
            "rb": "1",
            "rb_name": "Stuttgart",
            "degurba": rng.integers(1, 4, n),
            "population": rng.integers(100, 200_000, n),
            "persons": rng.integers(0, 500, n).astype(float),
            "amount_eur": np.asarray(amounts, dtype="int64"),
            "eligible_alone": (np.asarray(amounts) >= 51_000) if eligible is None else eligible,
            "fte_funded": np.asarray(amounts) // 16_000 * 0.25,
        },
        index=idx,
    )


amounts_st = st.lists(st.integers(0, 10**7), min_size=2, max_size=30)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(a=amounts_st)
def test_identity_is_exactly_zero(a):
    base = _alloc(a)
    c = compare(base, base)
    for frame in (c.regions, c.kreise, c.regierungsbezirke, c.size_classes, c.degurba):
        for col in [x for x in frame.columns if x.startswith("delta")]:
            assert (frame[col].fillna(0) == 0).all(), col
    assert set(c.regions["transition"]) <= {"still", "never"}


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(a=amounts_st, data=st.data())
def test_deltas_roll_up_and_transitions_consistent(a, data):
    b = data.draw(st.lists(st.integers(0, 10**7), min_size=len(a), max_size=len(a)))
    base, alt = _alloc(a), _alloc(b)
    c = compare(base, alt)
    r = c.regions
    assert (r["delta_eur"] == r["alt_eur"] - r["base_eur"]).all()
    total = int(r["delta_eur"].sum())
    for frame in (c.kreise, c.regierungsbezirke, c.size_classes, c.degurba):
        assert int(frame["delta_eur"].sum()) == total
        assert frame["regions"].sum() == len(r)
    nz = r["base_eur"] > 0
    assert np.allclose(r.loc[nz, "delta_pct"], r.loc[nz, "delta_eur"] / r.loc[nz, "base_eur"])
    assert c.transitions["regions"].sum() == len(r)
    newly = (~base["eligible_alone"]) & alt["eligible_alone"]
    assert ((r["transition"] == "newly") == newly).all()
    # swapping base and alt negates every delta
    back = compare(alt, base)
    assert (back.regions["delta_eur"] == -r["delta_eur"]).all()


def test_reference_and_errors():
    base = _alloc([60_000, 10_000, 70_000, 5_000])
    c = compare(base, base, reference=["08000002"])
    assert c.reference.index.tolist() == ["08000002"]
    with pytest.raises(InputError, match="unknown AGS"):
        compare(base, base, reference=["08999999"])
    with pytest.raises(InputError, match="different regions"):
        compare(base, base.iloc[:3])
    with pytest.raises(InputError, match="missing column"):
        compare(base.drop(columns="amount_eur"), base)


def test_german_tables_and_size_classes():
    assert size_class_labels()[0] == "unter 5.000"
    assert size_class_labels()[-1] == "100.000 und mehr"
    base = _alloc([60_000, 10_000, 70_000, 5_000])
    alt = _alloc([10_000, 60_000, 70_000, 5_000])
    tables = compare(base, alt).tables_de()
    assert {
        "Übersicht",
        "Gemeinden",
        "Kreise",
        "Größenklassen",
        "DEGURBA",
        "Antragsberechtigung",
    } <= set(tables)
    g = tables["Gemeinden"]
    assert {"Δ €", "Δ %", "Basis € je Einwohner", "Antragsberechtigung"} <= set(g.columns)
    assert set(g["Antragsberechtigung"]) == {
        "neu antragsberechtigt",
        "nicht mehr antragsberechtigt",
        "weiterhin antragsberechtigt",
        "weiterhin nicht antragsberechtigt",
    }
