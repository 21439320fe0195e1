"""Eligibility in comparisons follows each rule's own applicant level.

Under today's rule the 44 Kreise apply; under a Gemeinde rule Gemeinden apply
alone, in groups or through their Landkreis.  A Kreis table compared with a
Gemeinde table is passed down automatically.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim import regions
from paktsim.allocation import PopulationRule, UrbanFactor, allocate
from paktsim.compare import applicants, compare, pass_down_table

BUDGET = 58_000_000


@functools.lru_cache(maxsize=16)
def _kreis(budget: int, pass_down: bool = False):
    return allocate(PopulationRule(level="kreis"), budget, join="none", pass_to_gemeinden=pass_down)


@functools.lru_cache(maxsize=16)
def _gemeinde(budget: int, f1: float = 1.3, f2: float = 1.1, join: str = "landkreis"):
    rule = PopulationRule(UrbanFactor("degurba", {1: f1, 2: f2, 3: 1.0}), "gemeinde")
    return allocate(rule, budget, join=join)


def test_todays_rule_vs_staedtetag_counts_kreise_as_applicants():
    c = compare(_kreis(BUDGET, True), _gemeinde(BUDGET))
    r = c.regions
    stadtkreise = regions.municipalities().query("is_stadtkreis").index
    assert len(stadtkreise) == 9
    # the 44 Kreise are the applicants of the base; the 9 Stadtkreise apply themselves
    assert r.loc[r["base_applicant"] != "", "base_applicant"].nunique() == 44
    assert set(r.index[r["base_eligible"]]) == set(stadtkreise)
    # so a Stadtkreis is never "newly" eligible; newly = Gemeinden applying alone that
    # are not Stadtkreise
    newly = set(r.index[r["transition"] == "newly"])
    assert not newly & set(stadtkreise)
    alone_alt = set(r.index[r["alt_applicant_kind"] == "alone"])
    assert newly == alone_alt - set(stadtkreise)
    assert (r.loc[stadtkreise, "transition"] == "still").all()
    s = c.summary_de()
    assert s.loc["Anträge (Anzahl)", "Basis"] == 44
    assert s.loc["Gebiete, die selbst Antrag stellen (Anzahl)", "Basis"] == 9


def test_cross_level_comparison_passes_down_automatically():
    kreis = _kreis(BUDGET)
    auto = compare(kreis, _gemeinde(BUDGET))
    explicit = compare(_kreis(BUDGET, True), _gemeinde(BUDGET))
    assert auto.attrs["passed_down"] == "base"
    assert explicit.attrs["passed_down"] is None
    cols = ["base_eur", "alt_eur", "base_fte", "transition", "base_applicant"]
    assert auto.regions[cols].equals(explicit.regions[cols])
    back = compare(_gemeinde(BUDGET), kreis)
    assert back.attrs["passed_down"] == "alt"
    assert (back.regions["delta_eur"] == -auto.regions["delta_eur"]).all()


def test_pass_down_of_a_table_read_back_without_attrs():
    kreis = _kreis(BUDGET).copy()
    kreis.attrs = {}
    down = pass_down_table(kreis)
    ref = _kreis(BUDGET, True)
    assert (down["amount_eur"] == ref["amount_eur"]).all()
    assert np.allclose(down["fte_funded"], ref["fte_funded"])
    assert int(down["amount_eur"].sum()) == BUDGET


budgets = st.integers(20_000_000, 90_000_000)
factors = st.sampled_from([1.0, 1.1, 1.3, 1.6])


@settings(max_examples=8, deadline=None)
@given(
    budget=budgets,
    f1=factors,
    f2=factors,
    join=st.sampled_from(["none", "landkreis", "neighbours"]),
)
def test_identity_comparison_has_nothing_new_or_lost(budget, f1, f2, join):
    for table in (_gemeinde(budget, f1, f2, join), _kreis(budget, True), _kreis(budget)):
        c = compare(table, table)
        assert set(c.regions["transition"]) <= {"still", "never"}
        assert (c.regions["base_applicant"] == c.regions["alt_applicant"]).all()
        assert int(c.transitions.loc["newly", "regions"]) == 0
        assert int(c.transitions.loc["no_longer", "regions"]) == 0


@settings(max_examples=6, deadline=None)
@given(b1=budgets, b2=budgets)
def test_kreis_rule_vs_kreis_rule_changes_no_gemeinde_eligibility(b1, b2):
    c = compare(_kreis(b1, True), _kreis(b2, True))
    r = c.regions
    assert set(r["transition"]) == {"still", "never"}
    assert int(r["base_eligible"].sum()) == 9
    assert (r["base_applicant"] == r["alt_applicant"]).all()
    # mixed levels pass down the Kreis side and give the same answer
    mixed = compare(_kreis(b1), _kreis(b2, True))
    assert set(mixed.regions["transition"]) == {"still", "never"}


def test_applicants_of_a_plain_table_fall_back_to_eligible_alone():
    table = _gemeinde(BUDGET).drop(columns=["group_kind", "group_id"])
    app = applicants(table)
    assert (app["applies_itself"] == table["eligible_alone"]).all()


def test_cli_compare_across_levels_says_it_passed_down(tmp_path):
    import subprocess
    import sys

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "paktsim", *args], cwd=tmp_path, capture_output=True, text=True
        )

    r1 = run(
        "allocate",
        "--rule",
        "population",
        "--level",
        "kreis",
        "--budget",
        str(BUDGET),
        "--out",
        "heute.csv",
    )
    r2 = run(
        "allocate",
        "--rule",
        "population",
        "--urban-factor",
        "1=1.3,2=1.1,3=1.0",
        "--budget",
        str(BUDGET),
        "--out",
        "vorschlag.csv",
    )
    assert r1.returncode == r2.returncode == 0, r1.stderr + r2.stderr
    r = run("compare", "heute.csv", "vorschlag.csv", "--out", "vergleich.xlsx")
    assert r.returncode == 0, r.stderr
    assert "weitergegeben" in r.stdout
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "vergleich.xlsx", read_only=True)
    assert "Antragsteller" in wb.sheetnames
    rows = {
        row[0]: row[1:]
        for row in wb["Antragsberechtigung"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert rows["weiterhin antragsberechtigt"][0] == 9


@pytest.mark.parametrize("side", ["base", "alt"])
def test_kind_labels_are_german(side):
    tables = compare(_kreis(BUDGET), _gemeinde(BUDGET)).tables_de()
    col = "Basis: Antragsform" if side == "base" else "Alternative: Antragsform"
    assert set(tables["Gemeinden"][col]) <= {
        "Stadt- oder Landkreis",
        "Gemeinde allein",
        "Verbund von Gemeinden",
        "Landkreis für kleine Gemeinden",
        "kein Antrag",
    }
