"""Tests for the dated, sourced parameters (paktsim.params, paktsim/parameters/*.yaml)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim import params
from paktsim.errors import InputError
from paktsim.parameters.schema import TAGS, UNITS

TREE = params.load()
PATHS = sorted(TREE)
README = (params.DEFAULT_DIRECTORY / "README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ shipped files


def test_every_value_has_source_and_tag():
    assert len(TREE) >= 50
    for path, param in TREE.items():
        assert param.unit in UNITS
        assert param.name_de and param.name_en and param.description
        dates = [e.date for e in param.entries]
        assert dates == sorted(set(dates)), path
        for entry in param.entries:
            assert entry.reference.strip(), path
            assert entry.tag in TAGS, path
            if entry.tag == "assumption":
                low, high = entry.range
                assert low <= entry.value <= high, path
                assert entry.note, path


def test_readme_documents_every_path():
    missing = [p for p in PATHS if f"`{p}`" not in README]
    assert not missing


def test_required_paths_exist():
    for path in [
        "pakt.volumen",
        "pakt.integrationslastenausgleich.satz",
        "pakt.landesprogramme.volumen",
        "integrationsmanagement.volumen",
        "integrationsmanagement.foerdersatz.hochschule",
        "integrationsmanagement.foerdersatz.berufsausbildung",
        "integrationsmanagement.antragsschwelle",
        "integrationsmanagement.mindest_vze",
        "integrationsmanagement.vze_schritt",
        "integrationsmanagement.verteilung_2017.anteil_vorerhebung",
        "betreuungsschluessel.im_2017",
        "fluag.vu_hoechstdauer_monate",
        "kosten.arbeitgeberzuschlag",
        "integrationsmanagement.soforthilfe.volumen",
        "zugang.koenigsteiner_schluessel_bw",
    ]:
        assert path in TREE


def test_historic_sums_from_facts():
    s17 = params.at("2017-07-01")
    ila, rate = (
        s17["pakt.integrationslastenausgleich.volumen"],
        s17["pakt.integrationslastenausgleich.satz"],
    )
    assert ila / rate == 80_000
    im, hs = (
        s17["integrationsmanagement.volumen"],
        s17["integrationsmanagement.foerdersatz.hochschule"],
    )
    assert im / hs == 906.25
    assert ila + s17["pakt.landesprogramme.volumen"] == s17["pakt.volumen"] == 160_000_000
    assert im + s17["pakt.foerderbereiche_sonstige.volumen"] == s17["pakt.landesprogramme.volumen"]
    assert (
        s17["integrationsmanagement.verteilung_2017.anteil_vorerhebung"]
        + s17["integrationsmanagement.verteilung_2017.anteil_fag_erhebung"]
        == 1.0
    )
    advance = s17["integrationsmanagement.verteilung_2017.anteil_vorerhebung"] * im
    assert (
        abs(advance - s17["integrationsmanagement.verteilung_2017.vorlaeufige_mittel"]) <= 0.01 * im
    )
    assert round((ila / rate) / (im / hs)) == s17["betreuungsschluessel.im_2017"]  # 80,000 / 906.25
    assert (
        s17["integrationsmanagement.antragsschwelle"]
        == s17["integrationsmanagement.foerdersatz.berufsausbildung"]
    )
    s23 = params.at("2023-06-01")
    assert (
        s23["integrationsmanagement.volumen"] + s23["integrationsmanagement.soforthilfe.volumen"]
        == s23["integrationsmanagement.ausgaben_gesamt"]
    )


def test_monthly_arrivals_close_to_annual_figures():
    for year in (2019, 2020):
        months = params.monthly("inflow.arrivals.asyl.per_month", f"{year}-01-01", f"{year}-12-01")
        annual = params.yearly("inflow.arrivals.asyl.per_year", year, year).iloc[0]
        assert abs(months.sum() - annual) / annual < 0.05  # "definitions differ by year"


# ------------------------------------------------------------------ at()


def test_at_picks_value_across_boundaries():
    path = "integrationsmanagement.foerdersatz.hochschule"
    assert params.at("2018-01-01")[path] == 64_000
    assert params.at(dt.date(2022, 12, 31))[path] == 64_000
    assert params.at(pd.Timestamp("2023-01-01"))[path] == 60_000
    assert params.at(dt.datetime(2023, 5, 1, 12, 30))[path] == 60_000
    assert params.at(np.datetime64("2025-03-01"))[path] == 68_000
    assert params.at("2016-12-31")[path] is None
    bz = "integrationsmanagement.bewilligungszeitraum.hoechst_monate"
    assert params.at("2020-11-10")[bz] == 36 and params.at("2020-11-11")[bz] == 60


def test_null_ends_a_value():
    assert params.at("2018-12-31")["pakt.integrationslastenausgleich.satz"] == 1125
    assert params.at("2019-01-01")["pakt.integrationslastenausgleich.satz"] is None
    assert params.at("2024-06-01")["integrationsmanagement.soforthilfe.volumen"] == 16_000_000
    assert params.at("2025-06-01")["integrationsmanagement.soforthilfe.volumen"] is None


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(dt.date(2010, 1, 1), dt.date(2035, 12, 31)), index=st.integers(0, len(PATHS) - 1)
)
def test_at_returns_latest_entry_not_after_date(day, index):
    path = PATHS[index]
    entries = [e for e in TREE[path].entries if e.date <= day]
    expected = max(entries, key=lambda e: e.date).value if entries else None
    assert params.at(day)[path] == expected


def test_snapshot_and_tree_are_read_only():
    snap = params.at("2020-01-01")
    with pytest.raises(TypeError):
        snap["pakt.volumen"] = 0  # type: ignore[index]
    with pytest.raises(TypeError):
        TREE._params["pakt.volumen"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        TREE["pakt.volumen"].entries[0].value = 1  # type: ignore[misc]
    assert params.load() is TREE


def test_unknown_path_names_close_matches():
    snap = params.at("2020-01-01")
    with pytest.raises(InputError) as info:
        snap["integrationsmanagement.foerdersatz.hochschul"]
    text = str(info.value)
    assert "integrationsmanagement.foerdersatz.hochschul" in text
    assert "did you mean integrationsmanagement.foerdersatz.hochschule" in text
    assert snap.get("no.such.path", "fallback") == "fallback"
    with pytest.raises(InputError):
        params.series("pakt.volumn")


@pytest.mark.parametrize("bad", ["2020-13-01", "01.01.2020", "", 2020, None, pd.NaT])
def test_bad_date_is_input_error(bad):
    with pytest.raises(InputError) as info:
        params.at(bad)
    assert info.value.problems[0].location == "date"


# ------------------------------------------------------------------ overrides


def test_overrides_take_effect_from_date_and_do_not_mutate_baseline():
    path = "integrationsmanagement.foerdersatz.hochschule"
    before = params.series(path)
    over = {path: {"2024-01-01": 70_000}}
    assert params.at("2023-12-31", over)[path] == 60_000
    assert params.at("2024-01-01", over)[path] == 70_000
    assert params.at("2026-01-01", over)[path] == 70_000  # later baseline entry (2025) dropped
    new_tree = params.apply_overrides(TREE, over)
    assert new_tree[path].entries[-1].tag == "override"
    assert params.at("2026-01-01")[path] == 68_000
    pd.testing.assert_frame_equal(params.series(path), before)
    assert params.load() is TREE and TREE[path].entries[-1].value == 68_000


def test_override_with_several_dates_and_null():
    path = "integrationsmanagement.volumen"
    over = {path: {"2028-01-01": None, "2027-01-01": 60_000_000}}
    got = params.yearly(path, 2025, 2029, over)
    assert got.isna().tolist() == [False, False, False, True, True]
    assert got.iloc[:3].tolist() == [58_000_000, 58_000_000, 60_000_000]


@pytest.mark.parametrize(
    "over, location",
    [
        (
            {"integrationsmanagement.foerdersatz.hochshule": {"2027-01-01": 1}},
            "integrationsmanagement.foerdersatz.hochshule",
        ),
        (
            {"kosten.arbeitgeberzuschlag": {"2027-02-30": 0.3}},
            "kosten.arbeitgeberzuschlag.2027-02-30",
        ),
        (
            {"kosten.arbeitgeberzuschlag": {"2027-01-01": 1.5}},
            "kosten.arbeitgeberzuschlag.2027-01-01",
        ),
        (
            {"integrationsmanagement.volumen": {"2027-01-01": "viel"}},
            "integrationsmanagement.volumen.2027-01-01",
        ),
        (
            {"integrationsmanagement.volumen": {"2027-01-01": -5}},
            "integrationsmanagement.volumen.2027-01-01",
        ),
        (
            {"fluag.vu_hoechstdauer_monate": {"2027-01-01": 12.5}},
            "fluag.vu_hoechstdauer_monate.2027-01-01",
        ),
        (
            {"integrationsmanagement.verteilschluessel": {"2027-01-01": "los"}},
            "integrationsmanagement.verteilschluessel.2027-01-01",
        ),
        ({"integrationsmanagement.volumen": 5}, "integrationsmanagement.volumen"),
    ],
)
def test_bad_overrides_name_the_path(over, location):
    with pytest.raises(InputError) as info:
        params.at("2027-06-01", over)
    assert [p.location for p in info.value.problems] == [location]
    assert params.at("2027-06-01")["integrationsmanagement.volumen"] == 58_000_000


# ------------------------------------------------------------------ series / yearly / describe


def test_yearly_im_envelope():
    env = params.yearly("integrationsmanagement.volumen", 2017, 2026)
    assert env.index.tolist() == list(range(2017, 2027))
    assert env.dtype == "Int64"
    assert env[2017] == env[2025] == 58_000_000 and env[2023] == 55_000_000
    assert params.yearly("pakt.volumen", 2016, 2016).isna().all()
    with pytest.raises(InputError):
        params.yearly("pakt.volumen", 2020, 2019)


def test_series_and_describe():
    frame = params.series("pakt.volumen")
    assert list(frame.columns) == ["date", "value", "tag", "reference", "note", "low", "high"]
    assert frame["reference"].str.len().min() > 0
    assert frame.loc[frame["date"] == "2022-01-01", "value"].item() == 56_500_000
    info = params.describe("kosten.arbeitgeberzuschlag")
    assert info["unit"] == "share" and info["name"]["de"] == "Arbeitgeberzuschlag"
    assert info["assumptions"][0]["range"] == (0.25, 0.30)
    info["sources"].append("x")
    assert "x" not in params.describe("kosten.arbeitgeberzuschlag")["sources"]
    table = params.assumptions()
    assert {"integrationsmanagement.volumen", "kosten.arbeitgeberzuschlag"} <= set(table["path"])
    assert (table["low"] <= table["default"]).all() and (table["default"] <= table["high"]).all()


# ------------------------------------------------------------------ schema failures

GOOD = """\
demo.wert:
  name: {de: Wert, en: Value}
  description: A test value.
  unit: EUR
  period: none
  values:
    2017-01-01: {value: 100, reference: "seed: Pakt-Folien", tag: sourced}
    2020-01-01: {value: 200, reference: "seed: Pakt-Folien", tag: derived}
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "demo.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_small_good_file_loads(tmp_path):
    tree = params.load(_write(tmp_path, GOOD))
    assert list(tree) == ["demo.wert"]
    assert params.at("2021-01-01", tree=tree)["demo.wert"] == 200


@pytest.mark.parametrize(
    "change, location, words",
    [
        (
            ('reference: "seed: Pakt-Folien", tag: derived', "tag: derived"),
            "demo.wert.values.2020-01-01.reference",
            "required",
        ),
        (("unit: EUR", "unit: Euro"), "demo.wert.unit", "EUR"),
        (("2020-01-01:", "2016-01-01:"), "demo.wert.values", "sorted"),
        (("value: 200", "value: zweihundert"), "demo.wert", "number"),
        (("tag: derived", "tag: guessed"), "demo.wert.values.2020-01-01.tag", "sourced"),
        (("period: none", "period: none\n  typo: 1"), "demo.wert.typo", "unknown field"),
        (
            ("{value: 200,", "{default: 200, range: [1, 300],"),
            "demo.wert.values.2020-01-01",
            "assumption",
        ),
        (
            (
                '{value: 200, reference: "seed: Pakt-Folien", tag: derived}',
                '{default: 200, range: [300, 400], reference: "x", tag: assumption, note: n}',
            ),
            "demo.wert.values.2020-01-01",
            "inside",
        ),
        (("demo.wert:", "other.wert:"), "other.wert", "must start with 'demo.'"),
    ],
)
def test_schema_failures_name_file_and_path(tmp_path, change, location, words):
    old, new = change
    assert old in GOOD
    with pytest.raises(InputError) as info:
        params.load(_write(tmp_path, GOOD.replace(old, new)))
    err = info.value
    assert err.source == "demo.yaml"
    assert [p.location for p in err.problems] == [location]
    assert words in err.problems[0].message
    assert "demo.yaml" in str(err)


def test_broken_yaml_and_empty_dir(tmp_path):
    with pytest.raises(InputError, match="demo.yaml"):
        params.load(_write(tmp_path, "demo.wert: [unclosed"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no \\*.yaml"):
        params.load(empty)


# ------------------------------------------------------------------ CLI


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paktsim", "params", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_listing_history_and_errors():
    listing = _cli("--date", "2018-06-30")
    assert listing.returncode == 0, listing.stderr
    assert "integrationsmanagement.foerdersatz.hochschule" in listing.stdout
    line = next(x for x in listing.stdout.splitlines() if x.startswith("pakt.volumen "))
    assert "160000000" in line and "Recherche: Pakt-Folien" in line  # seed: …, translated
    history = _cli("integrationsmanagement.foerdersatz.hochschule")
    assert history.returncode == 0
    assert "2023-01-01  60000" in history.stdout and "Stuttgart GRDrs 1006/2023" in history.stdout
    one = _cli("integrationsmanagement.foerdersatz.hochschule", "--date", "2024-01-01")
    assert "am 2024-01-01: 60000" in one.stdout
    prefix = _cli("kosten", "--date", "2024-06-01")
    assert (
        prefix.returncode == 0
        and "pakt.volumen" not in prefix.stdout
        and "kosten.arbeitgeberzuschlag" in prefix.stdout
    )
    bad = _cli("integrationsmanagement.foerdersatz.hochschle")
    assert bad.returncode == 2 and "vielleicht" in bad.stderr and not bad.stdout
    bad_date = _cli("--date", "2018-02-30")
    assert bad_date.returncode == 2 and "--date" in bad_date.stderr
