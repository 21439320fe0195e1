"""Bundled region data and the paktsim.regions API."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paktsim import regions
from paktsim.errors import InputError

OFFICIAL_TOTALS = {
    2013: 10_631_278,
    2014: 10_716_644,
    2017: 11_023_425,
    2018: 11_069_533,
    2019: 11_100_394,
    2021: 11_124_642,
    2023: 11_339_260,
}


def test_vintages():
    assert regions.VINTAGES == (2013, 2014, 2017, 2018, 2019, 2021, 2023)


def test_gemeinde_counts_and_keys():
    m = regions.municipalities()
    assert len(m) == 1101
    assert m.index.name == "ags" and m.index.is_unique and m.index.is_monotonic_increasing
    assert m.index.str.fullmatch(r"08\d{6}").all()
    assert m.ars.str.fullmatch(r"\d{12}").all()
    # ARS = Land+RB+Kreis (5) + Gemeindeverband (4) + Gemeinde (3); AGS drops the Verband
    assert (m.ars.str[:5] + m.ars.str[9:] == m.index.to_series()).all()
    assert (m.kreis_ags == m.index.str[:5]).all()
    assert (m.rb == m.index.str[2]).all()
    assert set(m.rb) == {"1", "2", "3", "4"}
    assert set(m.gemeinde_typ) == {"Stadt", "Gemeinde"}
    assert set(m.degurba) == {1, 2, 3}
    assert (m.population > 0).all() and (m.area_km2 > 0).all()
    assert m.lon.between(7.5, 10.5).all() and m.lat.between(47.5, 49.8).all()
    assert m.inhabited.all()


def test_uninhabited_kept_but_excluded_by_default():
    full = regions.municipalities(include_uninhabited=True)
    assert len(full) == 1103
    extra = full[~full.inhabited]
    assert list(extra.index) == ["08317971", "08415971"]
    assert (extra.gemeinde_typ == "gemeindefrei").all()
    assert (extra.population == 0).all()


def test_every_gemeinde_in_exactly_one_kreis():
    m = regions.municipalities(include_uninhabited=True)
    k = regions.kreise()
    assert set(m.kreis_ags) == set(k.index)
    assert (m.kreis_name == k.name.reindex(m.kreis_ags).to_numpy()).all()
    assert (m.is_stadtkreis == k.is_stadtkreis.reindex(m.kreis_ags).to_numpy()).all()
    # a Stadtkreis is exactly one Gemeinde
    per_kreis = m.groupby("kreis_ags").size()
    assert (per_kreis[k.index[k.is_stadtkreis]] == 1).all()


def test_kreise():
    k = regions.kreise()
    assert len(k) == 44 and k.is_stadtkreis.sum() == 9
    assert k.index.str.fullmatch(r"08\d{3}").all() and k.index.is_monotonic_increasing
    assert set(k.kreis_typ) == {"Stadtkreis", "Landkreis"}
    assert ((k.kreis_typ == "Stadtkreis") == k.is_stadtkreis).all()
    assert k.name.is_unique
    assert k.loc["08111", "population"] == 633_484
    rb = regions.regierungsbezirke()
    assert list(rb.index) == ["1", "2", "3", "4"]
    assert list(rb.name) == ["Stuttgart", "Karlsruhe", "Freiburg", "Tübingen"]
    assert rb.n_kreise.sum() == 44 and rb.population.sum() == OFFICIAL_TOTALS[2023]


@pytest.mark.parametrize("vintage", regions.VINTAGES)
def test_population_totals_and_kreis_sums(vintage):
    m = regions.municipalities(vintage)
    k = regions.kreise(vintage)
    assert m.population.dtype == np.int64
    assert m.population.sum() == OFFICIAL_TOTALS[vintage]
    assert k.population.sum() == OFFICIAL_TOTALS[vintage]
    sums = m.groupby("kreis_ags").population.sum()
    pd.testing.assert_series_equal(sums, k.population, check_names=False, check_index_type=False)
    assert m.attrs["vintage"] == vintage and m.attrs["stand"] == f"31.12.{vintage}"
    assert k.attrs["stand"] == f"31.12.{vintage}"


def test_kreis_area_is_sum_of_gemeinden():
    m = regions.municipalities(include_uninhabited=True)
    k = regions.kreise()
    np.testing.assert_allclose(
        m.groupby("kreis_ags").area_km2.sum().to_numpy(), k.area_km2.to_numpy(), atol=0.006
    )
    assert abs(k.area_km2.sum() - 35_747.8) < 1.0


def test_population_series_matches_vintages():
    wide = regions.population_series()
    assert list(wide.columns) == list(regions.VINTAGES)
    assert wide.sum().to_dict() == OFFICIAL_TOTALS
    assert (wide[2023] == regions.municipalities(2023).population).all()
    kw = regions.population_series("kreis")
    assert kw.sum().to_dict() == OFFICIAL_TOTALS


def test_schutzsuchende_2018():
    k = regions.kreise()
    assert k.schutzsuchende_2018.sum() == 202_725
    assert k.loc["08111", "schutzsuchende_2018"] == 15_585
    assert (k.schutzsuchende_2018 % 5 == 0).all()


@pytest.mark.parametrize("bad", [2020, 2024, "2023", 2023.0, None, True])
def test_unknown_vintage(bad):
    for func in (regions.municipalities, regions.kreise, regions.regierungsbezirke):
        with pytest.raises(InputError) as info:
            func(bad)
        assert "2013, 2014, 2017, 2018, 2019, 2021, 2023" in str(info.value)
        assert info.value.problems[0].location == "vintage"


def test_unknown_level():
    for func in (regions.boundaries, regions.population_series):
        with pytest.raises(InputError, match="level"):
            func("land")


def test_results_are_copies():
    m = regions.municipalities()
    m.loc["08111000", "population"] = -1
    m["name"] = "x"
    m.attrs["stand"] = "tampered"
    k = regions.kreise()
    k["population"] = 0
    b = regions.boundaries("kreis")
    b["features"].clear()
    n = regions.neighbours()
    n.iloc[0, 0] = "x"
    w = regions.population_series()
    w.iloc[:, :] = 0
    fresh = regions.municipalities()
    assert fresh.loc["08111000", "population"] == 633_484
    assert fresh.loc["08111000", "name"] == "Stuttgart"
    assert fresh.attrs["stand"] == "31.12.2023"
    assert regions.kreise().population.sum() == OFFICIAL_TOTALS[2023]
    assert len(regions.boundaries("kreis")["features"]) == 44
    assert regions.neighbours().iloc[0, 0] != "x"
    assert regions.population_series().sum().sum() > 0


@pytest.mark.parametrize(
    "level, n, key", [("gemeinde", 1103, r"08\d{6}"), ("kreis", 44, r"08\d{3}")]
)
def test_boundaries(level, n, key):
    shapely = pytest.importorskip("shapely")
    from shapely.geometry import shape

    gj = regions.boundaries(level)
    assert gj["type"] == "FeatureCollection"
    assert "GeoBasis-DE / BKG" in gj["attribution"] and "dl-de/by-2-0" in gj["license"]
    ags = [f["properties"]["ags"] for f in gj["features"]]
    assert len(ags) == n == len(set(ags))
    assert all(pd.Series(ags).str.fullmatch(key))
    table = (
        regions.municipalities(include_uninhabited=True)
        if level == "gemeinde"
        else regions.kreise()
    )
    assert set(ags) == set(table.index)
    names = {f["properties"]["ags"]: f["properties"]["name"] for f in gj["features"]}
    assert all(names[a] == table.loc[a, "name"] for a in table.index)
    geoms = [shape(f["geometry"]) for f in gj["features"]]
    assert all(g.is_valid and not g.is_empty for g in geoms)
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms)
    # every polygon contains (or nearly contains) its Destatis centre point
    if level == "gemeinde":
        pts = shapely.points(table.loc[ags, "lon"].to_numpy(), table.loc[ags, "lat"].to_numpy())
        dist = shapely.distance(np.array(geoms, dtype=object), pts)
        assert (dist < 0.01).mean() > 0.99


def test_neighbours():
    n = regions.neighbours()
    assert list(n.columns) == ["ags_a", "ags_b"]
    assert (n.ags_a < n.ags_b).all()
    assert not n.duplicated().any()
    m = regions.municipalities()
    assert set(n.ags_a).union(n.ags_b) <= set(m.index)
    degree = pd.concat([n.ags_a, n.ags_b]).value_counts()
    # Büsingen am Hochrhein is an exclave inside Switzerland: the only Gemeinde alone
    assert set(m.index) - set(degree.index) == {"08335015"}
    assert 5 <= degree.median() <= 7
    pairs = set(zip(n.ags_a, n.ags_b))
    assert ("08111000", "08115045") in pairs  # Stuttgart – Sindelfingen
    assert ("08111000", "08212000") not in pairs  # Stuttgart – Karlsruhe
    full = regions.neighbours(include_uninhabited=True)
    assert len(full) > len(n)
    assert "08415971" in set(full.ags_a) | set(full.ags_b)


# --------------------------------------------------------------------------- user tables


def _write(tmp_path, text, name="counts.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_read_user_table_ok(tmp_path):
    path = _write(tmp_path, "ags,persons,note\n08115001,12,x\n08111000,3.5,y\n")
    df = regions.read_user_table(path, ["persons"])
    assert list(df.index) == ["08111000", "08115001"]
    assert list(df.columns) == ["persons"]
    assert df.persons.dtype == np.float64
    assert df.loc["08111000", "persons"] == 3.5


def test_read_user_table_excel_friendly(tmp_path):
    # Excel: semicolon, decimal comma, BOM, leading zero dropped
    path = _write(tmp_path, "\ufeffags;persons\n8111000;1,5\n08115001; 2\n")
    df = regions.read_user_table(path, ["persons"])
    assert df.to_dict()["persons"] == {"08111000": 1.5, "08115001": 2.0}
    kpath = _write(tmp_path, "ags,x\n8111,1\n08115,2\n", name="k.csv")
    assert list(regions.read_user_table(kpath, ["x"], level="kreis").index) == ["08111", "08115"]


def test_read_user_table_complete(tmp_path):
    m = regions.municipalities()
    body = "\n".join(f"{a},{p}" for a, p in m.population.items())
    path = _write(tmp_path, "ags,population\n" + body + "\n")
    df = regions.read_user_table(path, ["population"], complete=True)
    assert df.population.sum() == OFFICIAL_TOTALS[2023]
    short = _write(
        tmp_path, "ags,population\n" + "\n".join(body.split("\n")[1:]) + "\n", name="short.csv"
    )
    with pytest.raises(InputError, match="1 AGS have no row"):
        regions.read_user_table(short, ["population"], complete=True)


@pytest.mark.parametrize(
    "text, location, value",
    [
        ("ags,other\n08111000,1\n", "counts.csv:persons", None),
        ("id,persons\n08111000,1\n", "counts.csv:ags", None),
        ("ags,persons\n08111000,1\n08999999,2\n", "counts.csv:row 3:ags", "08999999"),
        ("ags,persons\n08111000,1\n09162000,2\n", "counts.csv:row 3:ags", "09162000"),
        ("ags,persons\n08111000,1\nStuttgart,2\n", "counts.csv:row 3:ags", "Stuttgart"),
        ("ags,persons\n08111000,1\n08115001,2\n08111000,4\n", "counts.csv:row 4:ags", "08111000"),
        ("ags,persons\n08111000,zwölf\n", "counts.csv:row 2:persons", "zwölf"),
        ("ags,persons\n08111000,\n", "counts.csv:row 2:persons", ""),
        ("ags,persons\n08111000,1.234,5\n", "counts.csv:row 2", "08111000,1.234,5"),
        ("ags,persons\n08111000,-3\n", "counts.csv:row 2:persons", "-3"),
        ("ags,persons\n08111000,inf\n", "counts.csv:row 2:persons", "inf"),
    ],
)
def test_read_user_table_bad(tmp_path, text, location, value):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        regions.read_user_table(path, ["persons"])
    problem = info.value.problems[0]
    if location is not None:
        assert problem.location == location
    assert "counts.csv" in problem.location
    if value is not None:
        assert problem.value == value


def test_read_user_table_bad_files(tmp_path):
    with pytest.raises(InputError, match="Datei nicht gefunden"):
        regions.read_user_table(tmp_path / "nope.csv", ["x"])
    with pytest.raises(InputError, match="empty"):
        regions.read_user_table(_write(tmp_path, "\n"), ["x"])
    with pytest.raises(InputError, match="UTF-8"):
        regions.read_user_table(
            _write(tmp_path, "ags,x\n08111000,1\n# Größe\n", encoding="latin-1"), ["x"]
        )
    with pytest.raises(InputError, match="level"):
        regions.read_user_table(_write(tmp_path, "ags,x\n08111000,1\n"), ["x"], level="land")
    with pytest.raises(InputError, match="unknown Kreis"):
        regions.read_user_table(_write(tmp_path, "ags,x\n08100,1\n"), ["x"], level="kreis")


def test_read_user_table_reports_all_problems(tmp_path):
    path = _write(tmp_path, "ags,a,b\n08111000,-1,x\n08999999,1,2\n")
    with pytest.raises(InputError) as info:
        regions.read_user_table(path, ["a", "b"])
    locations = {p.location for p in info.value.problems}
    assert locations == {"counts.csv:row 2:a", "counts.csv:row 2:b", "counts.csv:row 3:ags"}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(sorted(regions.municipalities().index)),
        min_size=1,
        max_size=30,
        unique=True,
    ),
    st.lists(st.floats(0, 1e7, allow_nan=False), min_size=30, max_size=30),
)
def test_read_user_table_roundtrip_any_order(tmp_path_factory, keys, values):
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    frame = pd.DataFrame({"ags": keys, "v": values[: len(keys)]})
    path.write_text(frame.to_csv(index=False), encoding="utf-8")
    df = regions.read_user_table(path, ["v"])
    expected = frame.set_index("ags").v.sort_index()
    np.testing.assert_array_equal(df.index, expected.index)
    np.testing.assert_array_equal(df.v.to_numpy(), expected.to_numpy())


# --------------------------------------------------------------------------- info + CLI


def test_data_info():
    info = regions.data_info()
    assert info["population_totals"] == OFFICIAL_TOTALS
    assert info["vintages"][2023] == "31.12.2023"
    assert info["gemeinden"] == 1101 and info["gemeinden_total"] == 1103
    assert info["kreise"] == 44 and info["stadtkreise"] == 9
    assert any("GeoBasis-DE / BKG" in line for line in info["attribution"])
    assert any("Destatis" in line for line in info["attribution"])
    assert "Zensus 2022" in info["series_break"]
    assert all(len(h) == 64 for h in info["sources"].values())


def test_cli_data():
    proc = subprocess.run([sys.executable, "-m", "paktsim", "data"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "1.101" in out and "44" in out and "9 Stadtkreise" in out
    assert "31.12.2013" in out and "11.339.260" in out and "Zensus 2022" in out
    assert "© GeoBasis-DE / BKG" in out and "dl-de/by-2-0" in out and "Destatis" in out
    as_json = subprocess.run(
        [sys.executable, "-m", "paktsim", "data", "--json"], capture_output=True, text=True
    )
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["population_totals"]["2023"] == OFFICIAL_TOTALS[2023]


def test_import_stays_light():
    code = (
        "import sys, paktsim.regions; "
        "print(any(m.split('.')[0] in ('matplotlib', 'shapely', 'ipywidgets') "
        "for m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "False"
