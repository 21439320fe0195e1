"""Build paktsim's bundled region data from the official raw files.

Usage (from the repository root)::

    python tools/build_data.py ../shared/data/raw [--out paktsim/data]

Reads the Destatis Gemeindeverzeichnis vintages, the Destatis protection-seeker
table and the BKG VG250 boundaries described in ``RAW_DIR/SOURCES.md`` and writes

* ``gemeinden.csv``          1,103 Gemeinden (1,101 inhabited + 2 gemeindefreie Gebiete)
* ``kreise.csv``             44 Stadt- und Landkreise
* ``gemeinden.geojson``      simplified Gemeinde polygons (property ``ags``, ``name``)
* ``kreise.geojson``         simplified Kreis polygons
* ``gemeinden_nachbarn.csv`` pairs of Gemeinden sharing a border (``ags_a < ags_b``)
* ``metadata.yaml``          vintages, Stand dates, row counts, sources with sha256,
  licences, attribution lines, the Zensus 2022 series break, the build command

The output is deterministic: rebuilding from the same raw files gives byte-identical
files (no timestamps, sorted keys, fixed number formats).  All outputs are written to
a temporary folder first and moved into place only when every check has passed.

Needs shapely (``pip install -e ".[data]"``).  Exit code 2 on a failed check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

VINTAGES = (2013, 2014, 2017, 2018, 2019, 2021, 2023)

#: Official BW population totals (31.12. of each year), SOURCES.md section 2.
OFFICIAL_TOTALS = {
    2013: 10_631_278,
    2014: 10_716_644,
    2017: 11_023_425,
    2018: 11_069_533,
    2019: 11_100_394,
    2021: 11_124_642,
    2023: 11_339_260,
}
SCHUTZSUCHENDE_2018_TOTAL = 202_725
UNINHABITED = ("08317971", "08415971")
#: Gemeinden that legitimately have no neighbour within BW.
EXCLAVES = {"08335015": "Büsingen am Hochrhein: German exclave inside Switzerland"}

F_GV2023 = "destatis_gv_auszug_2023-12-31_bw.csv"
F_GV2021 = "destatis_gv_auszug_2021-12-31_bw.csv"
F_GV2019 = "destatis_gv_auszug_2020-12-31_q4_bw.csv"
F_GV2017 = "destatis_gv100ad_2017-12-31_bw.asc"
F_ODL = {y: f"opendatalab_destatis_gv_{y}-12-31_bw.json" for y in (2013, 2014, 2018)}
F_SCHUTZ = "destatis_schutzsuchende_kreise_2018-12-31_bw.csv"
F_GEO_GEM = "bw_gemeinden_vg250_sim200_opendatalab_geojson-de.geojson"
F_GEO_KRS = "bw_kreise_vg250_2023-12-31_sim200.geojson"

POP_SOURCE = {
    2013: F_ODL[2013],
    2014: F_ODL[2014],
    2017: F_GV2017,
    2018: F_ODL[2018],
    2019: F_GV2019,
    2021: F_GV2021,
    2023: F_GV2023,
}
GEBIETSSTAND = {
    2013: "31.12.2014",
    2014: "31.12.2014",
    2017: "31.12.2017",
    2018: "31.12.2018",
    2019: "31.12.2020",
    2021: "31.12.2021",
    2023: "31.12.2023",
}
POP_BASIS = {y: "Fortschreibung auf Basis Zensus 2011" for y in VINTAGES if y <= 2021}
POP_BASIS[2023] = "Fortschreibung auf Basis Zensus 2022"

DESTATIS_ATTRIBUTION = (
    "© Daten (im Auftrag der Herausgebergemeinschaft Statistische Ämter des Bundes und "
    "der Länder) Statistisches Bundesamt (Destatis), {year}. Vervielfältigung und "
    "Verbreitung, auch auszugsweise, mit Quellenangabe gestattet."
)
BKG_GEM = "© GeoBasis-DE / BKG 2018 (Daten verändert)"
BKG_KRS = "© GeoBasis-DE / BKG 2023 (Daten verändert)"
BKG_ALL = "© GeoBasis-DE / BKG 2018/2023 (Daten verändert)"
DL_DE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0), https://www.govdata.de/dl-de/by-2-0"

SERIES_BREAK = (
    "Bevölkerungsstände bis 31.12.2021 sind aus dem Zensus 2011 fortgeschrieben, der Stand "
    "31.12.2023 aus dem Zensus 2022. Der Sprung zwischen 2021 und 2023 ist teils methodisch "
    "(Zensus-Korrektur), nicht nur echte Veränderung. Destatis weist zudem darauf hin, dass "
    "Ergebnisse ab 2016 mit früheren Jahren nur eingeschränkt vergleichbar sind. / "
    "Population up to 31.12.2021 is carried forward from Zensus 2011, 31.12.2023 from "
    "Zensus 2022: the 2021->2023 change is partly methodological (series break)."
)

#: Geometry settings: coordinates rounded to 4 decimals (about 7-11 m), far below the
#: 200 m simplification of the source.
COORD_DECIMALS = 4
#: Adjacency: Gemeinden are neighbours when their simplified borders come within
#: ADJ_TOLERANCE_M metres of each other along at least ADJ_MIN_SHARED_M metres.  The
#: source polygons were simplified one by one (200 m), so true shared borders open gaps
#: of up to ~100 m; the minimum length drops pairs that only meet at a corner.
ADJ_TOLERANCE_M = 100.0
ADJ_MIN_SHARED_M = 100.0
_LAT0 = 48.6  # centre of BW for the local equirectangular projection used for metres


class BuildError(Exception):
    """A raw file does not look as documented; nothing is written."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def documented_hashes(raw: Path) -> dict[str, str]:
    """SHA-256 list at the end of SOURCES.md (empty if the file is absent)."""
    sources = raw / "SOURCES.md"
    if not sources.exists():
        return {}
    found = re.findall(r"^([0-9a-f]{64})\s+(\S+)$", sources.read_text("utf-8"), re.M)
    return {name: digest for digest, name in found}


def verify_sources(raw: Path, names: list[str]) -> dict[str, str]:
    documented = documented_hashes(raw)
    hashes = {}
    for name in names:
        path = raw / name
        check(path.exists(), f"{path}: missing raw file")
        hashes[name] = sha256(path)
        if name in documented:
            check(
                hashes[name] == documented[name],
                f"{path}: sha256 {hashes[name]} differs from SOURCES.md ({documented[name]})",
            )
    return hashes


# --------------------------------------------------------------------------- tables


def _comma_float(s: pd.Series) -> pd.Series:
    return s.str.replace(",", ".", regex=False).astype(float)


def _int_with_spaces(s: pd.Series) -> pd.Series:
    return s.str.replace(r"\s", "", regex=True).replace("", "0").astype("int64")


def read_gv_csv(path: Path, columns: dict[str, str], encoding: str = "utf-8") -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    return df.rename(columns=columns)


def base_gemeinden(raw: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Gemeinden, Kreise and Regierungsbezirke of the GV 2023 (attributes, keys)."""
    gv = read_gv_csv(raw / F_GV2023, {})
    rb = gv[gv.satzart == "20"].assign(
        rb_name=lambda d: d.gemeindename.str.removeprefix("Reg.-Bez. ")
    )[["rb", "rb_name"]]
    check(len(rb) == 4, f"{F_GV2023}: expected 4 Regierungsbezirke, got {len(rb)}")

    kr = gv[gv.satzart == "40"].copy()
    kr["ags"] = kr.land + kr.rb + kr.kreis
    check(
        set(kr.textkennzeichen) <= {"42", "44"},
        f"{F_GV2023}: unexpected Kreis textkennzeichen {set(kr.textkennzeichen)}",
    )
    kr["is_stadtkreis"] = kr.textkennzeichen == "42"
    kr["kreis_typ"] = np.where(kr.is_stadtkreis, "Stadtkreis", "Landkreis")
    kr = kr.rename(columns={"gemeindename": "name"}).merge(rb, on="rb")
    kr = kr[["ags", "name", "kreis_typ", "is_stadtkreis", "rb", "rb_name"]]
    check(
        len(kr) == 44 and kr.is_stadtkreis.sum() == 9,
        f"{F_GV2023}: expected 44 Kreise (9 Stadtkreise), got {len(kr)}",
    )
    check(kr.name.is_unique, f"{F_GV2023}: Kreis names not unique")

    g = gv[gv.satzart == "60"].copy()
    g["ags"] = g.land + g.rb + g.kreis + g.gemeinde
    g["ars"] = g.land + g.rb + g.kreis + g.vb + g.gemeinde
    g["kreis_ags"] = g.ags.str[:5]
    # gemeinde_typ from the Destatis Textkennzeichen of Satzart 60:
    # 62 Stadtkreis, 63 Stadt, 67 Große Kreisstadt -> Stadt; 64 Gemeinde;
    # 65/66 gemeindefreies Gebiet (bewohnt/unbewohnt) -> gemeindefrei.
    typ = {
        "62": "Stadt",
        "63": "Stadt",
        "67": "Stadt",
        "64": "Gemeinde",
        "65": "gemeindefrei",
        "66": "gemeindefrei",
    }
    check(
        set(g.textkennzeichen) <= set(typ),
        f"{F_GV2023}: unexpected Gemeinde textkennzeichen {set(g.textkennzeichen) - set(typ)}",
    )
    g["gemeinde_typ"] = g.textkennzeichen.map(typ)
    # Cross-check with the name suffix (", Stadt", ", Universitätsstadt", ...).
    suffix = g.gemeindename.str.extract(r",\s*([^,]+)$")[0].fillna("")
    by_suffix = np.where(
        suffix.str.endswith("stadt") | (suffix == "Stadt"),
        "Stadt",
        np.where(suffix == "gemeindefreies Gebiet", "gemeindefrei", "Gemeinde"),
    )
    mismatch = g.loc[by_suffix != g.gemeinde_typ.to_numpy(), "gemeindename"].tolist()
    check(not mismatch, f"{F_GV2023}: gemeinde_typ and name suffix disagree for {mismatch}")
    g["name"] = g.gemeindename.str.replace(
        r",\s*(Stadt|Universitätsstadt|Landeshauptstadt|gemeindefreies Gebiet)$", "", regex=True
    )
    g["inhabited"] = g.textkennzeichen != "66"
    g["area_km2"] = g.flaeche_km2.astype(float)
    g["degurba"] = g.verstaedterung_schluessel.astype("int64")
    g["lon"] = _comma_float(g.laengengrad)
    g["lat"] = _comma_float(g.breitengrad)
    g = g.merge(
        kr[["ags", "name", "is_stadtkreis"]].rename(
            columns={"ags": "kreis_ags", "name": "kreis_name"}
        ),
        on="kreis_ags",
        how="left",
    )
    g = g.merge(rb, on="rb", how="left")
    g = g[
        [
            "ags",
            "ars",
            "name",
            "kreis_ags",
            "kreis_name",
            "rb",
            "rb_name",
            "gemeinde_typ",
            "is_stadtkreis",
            "inhabited",
            "area_km2",
            "degurba",
            "lon",
            "lat",
        ]
    ]
    g = g.sort_values("ags", ignore_index=True)
    check(len(g) == 1103 and g.ags.is_unique, f"{F_GV2023}: expected 1,103 unique AGS")
    check(
        sorted(g.loc[~g.inhabited, "ags"]) == list(UNINHABITED),
        f"{F_GV2023}: uninhabited Gemeinden are {g.loc[~g.inhabited, 'ags'].tolist()}",
    )
    check(g.kreis_name.notna().all(), f"{F_GV2023}: Gemeinde without Kreis")
    check(g.degurba.isin([1, 2, 3]).all(), f"{F_GV2023}: DEGURBA outside 1..3")
    return g, kr, rb


def population_2023_2021(raw: Path, name: str) -> pd.Series:
    gv = read_gv_csv(raw / name, {})
    g = gv[gv.satzart == "60"]
    ags = g.land + g.rb + g.kreis + g.gemeinde
    pop = g.bevoelkerung_insgesamt.replace("", "0").astype("int64")
    return pd.Series(pop.to_numpy(), index=ags.to_numpy())


def population_2019(raw: Path) -> pd.Series:
    gv = read_gv_csv(raw / F_GV2019, {}, encoding="utf-8-sig")
    g = gv[gv.satzart == "60"]
    ags = g.land + g.rb + g.kreis + g.gemeinde
    return pd.Series(_int_with_spaces(g.bevoelkerung).to_numpy(), index=ags.to_numpy())


def population_2017(raw: Path) -> pd.Series:
    lines = (raw / F_GV2017).read_text("latin-1").splitlines()
    rows = [ln for ln in lines if ln[0:2] == "60"]
    check(all(ln[2:10] == "20171231" for ln in rows), f"{F_GV2017}: Gebietsstand not 20171231")
    ags = [ln[10:18] for ln in rows]
    pop = [int(ln[139:150]) for ln in rows]
    return pd.Series(pop, index=ags, dtype="int64")


def population_opendatalab(raw: Path, year: int, ars_by_ags: pd.Series) -> pd.Series:
    data = json.loads((raw / F_ODL[year]).read_text("utf-8"))
    ars = pd.Index(sorted(data))
    ags = ars.str[:5] + ars.str[9:]
    mismatch = [a for a, r in zip(ags, ars) if ars_by_ags.get(a) != r]
    check(not mismatch, f"{F_ODL[year]}: ARS differ from GV 2023 for {mismatch[:5]}")
    return pd.Series([int(data[r]["population"]) for r in ars], index=ags, dtype="int64")


def add_populations(raw: Path, g: pd.DataFrame) -> pd.DataFrame:
    ars_by_ags = g.set_index("ags").ars
    series = {
        2013: population_opendatalab(raw, 2013, ars_by_ags),
        2014: population_opendatalab(raw, 2014, ars_by_ags),
        2017: population_2017(raw),
        2018: population_opendatalab(raw, 2018, ars_by_ags),
        2019: population_2019(raw),
        2021: population_2023_2021(raw, F_GV2021),
        2023: population_2023_2021(raw, F_GV2023),
    }
    inhabited = set(g.loc[g.inhabited, "ags"])
    g = g.copy()
    for year, s in series.items():
        check(s.index.is_unique, f"{POP_SOURCE[year]}: duplicate AGS")
        s = s[s.index.isin(inhabited) | (s > 0)]  # gemeindefreie rows (empty) may be present
        check(
            set(s.index) == inhabited,
            f"{POP_SOURCE[year]}: AGS set differs from GV 2023 "
            f"({sorted(set(s.index) ^ inhabited)[:5]})",
        )
        check((s > 0).all(), f"{POP_SOURCE[year]}: inhabited Gemeinde with population 0")
        check(
            int(s.sum()) == OFFICIAL_TOTALS[year],
            f"{POP_SOURCE[year]}: BW total {int(s.sum())} != official {OFFICIAL_TOTALS[year]}",
        )
        g[f"pop_{year}"] = g.ags.map(s).fillna(0).astype("int64")
    return g


def read_schutzsuchende(raw: Path) -> pd.Series:
    df = pd.read_csv(raw / F_SCHUTZ, sep=";", dtype=str, encoding="latin-1", keep_default_na=False)
    check(
        list(df.columns[1:]) == ["Kreis", "Stadt", "schutzsuchende"],
        f"{F_SCHUTZ}: unexpected header {list(df.columns)}",
    )
    check((df.iloc[:, 0] == "31.12.2018").all(), f"{F_SCHUTZ}: reference date not 31.12.2018")
    land = df[df.Kreis == "8"]
    kreise = df[df.Kreis.str.len() == 4]
    values = pd.to_numeric(kreise.schutzsuchende, errors="coerce")
    check(values.notna().all(), f"{F_SCHUTZ}: non-numeric value")
    s = pd.Series(values.astype("int64").to_numpy(), index=kreise.Kreis.str.zfill(5).to_numpy())
    check(
        int(s.sum()) == SCHUTZSUCHENDE_2018_TOTAL == int(land.schutzsuchende.iloc[0]),
        f"{F_SCHUTZ}: Kreis sum {int(s.sum())} != Land total {SCHUTZSUCHENDE_2018_TOTAL}",
    )
    return s


def build_kreise(g: pd.DataFrame, kr: pd.DataFrame, schutz: pd.Series) -> pd.DataFrame:
    pops = [f"pop_{y}" for y in VINTAGES]
    sums = g.groupby("kreis_ags")[["area_km2", *pops]].sum()
    k = kr.set_index("ags").join(sums)
    k["area_km2"] = k.area_km2.round(2)
    check(set(schutz.index) == set(k.index), f"{F_SCHUTZ}: Kreis keys differ from GV 2023")
    k["schutzsuchende_2018"] = schutz.reindex(k.index).astype("int64")
    return k.sort_index().reset_index()


# --------------------------------------------------------------------------- geometry


def _polygonal(geom):
    import shapely

    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        parts = [p for p in geom.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(parts)
    return geom


def read_shapes(path: Path, key_len: int) -> tuple[list[str], list, list[str]]:
    """GF==4 features of a VG250 GeoJSON: (ags, geometry, invalid ags repaired)."""
    from shapely.geometry import shape

    data = json.loads(path.read_text("utf-8"))
    feats = [f for f in data["features"] if f["properties"]["GF"] == 4]
    ags = [f["properties"]["AGS"] for f in feats]
    check(len(set(ags)) == len(ags), f"{path.name}: AGS repeated among GF==4 features")
    check(all(len(a) == key_len for a in ags), f"{path.name}: AGS not {key_len} digits")
    geoms = [shape(f["geometry"]) for f in feats]
    repaired = sorted(a for a, gm in zip(ags, geoms) if not gm.is_valid)
    geoms = [_polygonal(gm) for gm in geoms]
    order = np.argsort(ags)
    return [ags[i] for i in order], [geoms[i] for i in order], repaired


def _rounded_geometry(geom) -> dict:
    """GeoJSON geometry on a 10^-COORD_DECIMALS grid, valid, rings RFC 7946 oriented."""
    import shapely
    from shapely.geometry.polygon import orient

    grid = shapely.set_precision(geom, 10.0**-COORD_DECIMALS)
    check(
        grid.is_valid and not grid.is_empty and grid.geom_type in ("Polygon", "MultiPolygon"),
        "rounded geometry invalid or empty",
    )
    polys = [orient(p, 1.0) for p in getattr(grid, "geoms", [grid])]
    polys.sort(key=lambda p: (-p.area, p.bounds))

    def ring(r):
        return [[round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)] for x, y in r.coords]

    coords = [[ring(p.exterior), *[ring(i) for i in p.interiors]] for p in polys]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def geojson_text(
    ags: list[str], names: dict[str, str], geoms: list, level: str, attribution: str
) -> str:
    features = [
        {
            "type": "Feature",
            "properties": {"ags": a, "name": names[a]},
            "geometry": _rounded_geometry(gm),
        }
        for a, gm in zip(ags, geoms)
    ]
    doc = {
        "type": "FeatureCollection",
        "name": f"paktsim {level} Baden-Württemberg (BKG VG250, simplified 200 m)",
        "attribution": attribution,
        "license": DL_DE,
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _to_metres(geoms: np.ndarray) -> np.ndarray:
    import shapely

    scale = np.array([111_320.0 * math.cos(math.radians(_LAT0)), 111_320.0])
    return shapely.transform(geoms, lambda xy: xy * scale)


def neighbours(ags: list[str], geoms: list) -> pd.DataFrame:
    """Pairs of Gemeinden whose borders run within tolerance for a minimum length."""
    import shapely

    gm = _to_metres(np.asarray(geoms, dtype=object))
    tree = shapely.STRtree(gm)
    i, j = tree.query(gm, predicate="dwithin", distance=ADJ_TOLERANCE_M)
    keep = i < j
    i, j = i[keep], j[keep]
    near_a = shapely.intersection(shapely.boundary(gm[i]), shapely.buffer(gm[j], ADJ_TOLERANCE_M))
    near_b = shapely.intersection(shapely.boundary(gm[j]), shapely.buffer(gm[i], ADJ_TOLERANCE_M))
    shared = np.minimum(shapely.length(near_a), shapely.length(near_b))
    keep = shared >= ADJ_MIN_SHARED_M
    a = np.asarray(ags)[i[keep]]
    b = np.asarray(ags)[j[keep]]
    check(bool((a < b).all()), "neighbour pairs not ordered (ags must be sorted)")
    pairs = pd.DataFrame({"ags_a": a, "ags_b": b})
    return pairs.sort_values(["ags_a", "ags_b"], ignore_index=True)


def approx_area_km2(geoms: list) -> np.ndarray:
    import shapely

    return shapely.area(_to_metres(np.asarray(geoms, dtype=object))) / 1e6


# --------------------------------------------------------------------------- output


def csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def metadata(
    g: pd.DataFrame,
    k: pd.DataFrame,
    pairs: pd.DataFrame,
    hashes: dict[str, str],
    repaired: list[str],
    isolated: list[str],
) -> dict:
    pops = {y: int(g[f"pop_{y}"].sum()) for y in VINTAGES}
    vintages = {
        y: {
            "stand": f"31.12.{y}",
            "gebietsstand_quelle": GEBIETSSTAND[y],
            "basis": POP_BASIS[y],
            "source": POP_SOURCE[y],
            "bw_total": pops[y],
        }
        for y in VINTAGES
    }

    def src(name, publisher, licence, note=None):
        entry = {"file": name, "sha256": hashes[name], "publisher": publisher, "licence": licence}
        if note:
            entry["note"] = note
        return entry

    destatis_terms = (
        "Vervielfältigung und Verbreitung, auch auszugsweise, mit Quellenangabe gestattet"
    )
    gv_pub = "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys"
    return {
        "description": "Baden-Württemberg Gemeinden and Kreise bundled with paktsim",
        "build_command": "python tools/build_data.py ../shared/data/raw --out paktsim/data",
        "raw_data_documentation": "../shared/data/raw/SOURCES.md",
        "series_break": SERIES_BREAK,
        "attribution": {
            "destatis": DESTATIS_ATTRIBUTION.format(year="2024"),
            "destatis_schutzsuchende": (
                "Statistische Ämter des Bundes und der Länder, Statistik der Schutzsuchenden "
                "(12531), Regionaldatenbank Deutschland, Stand 31.12.2018"
            ),
            "bkg": BKG_ALL,
            "bkg_licence": DL_DE,
        },
        "tables": {
            "gemeinden": {
                "file": "gemeinden.csv",
                "key": "ags",
                "rows": len(g),
                "rows_inhabited": int(g.inhabited.sum()),
                "attributes_stand": "31.12.2023 (Gebietsstand GV 2023: names, keys, area, "
                "DEGURBA, coordinates)",
                "gemeinde_typ": "from Destatis Textkennzeichen (62 Stadtkreis, 63 Stadt, 67 "
                "Große Kreisstadt -> Stadt; 64 -> Gemeinde; 65/66 -> "
                "gemeindefrei), cross-checked against the name suffix",
                "gemeinde_typ_note": "status 31.12.2023 for every vintage: Tamm (08118071), "
                "Leingarten (08125058) and Oberderdingen (08215059) are "
                "Gemeinden in VG250 2018 but Städte in GV 2023",
                "name": "GV 2023 name without the suffix ', Stadt' / ', Universitätsstadt' / "
                "', Landeshauptstadt' / ', gemeindefreies Gebiet'",
                "uninhabited": list(UNINHABITED),
                "uninhabited_population": "0 (empty in the source)",
                "degurba": "1 dicht, 2 mittlere Besiedlungsdichte, 3 gering besiedelt (GV 2023)",
                "population_vintages": vintages,
                "sources": [F_GV2023, F_GV2021, F_GV2019, F_GV2017, *F_ODL.values()],
            },
            "kreise": {
                "file": "kreise.csv",
                "key": "ags",
                "rows": len(k),
                "stadtkreise": int(k.is_stadtkreis.sum()),
                "landkreise": int((~k.is_stadtkreis).sum()),
                "regierungsbezirke": int(k.rb.nunique()),
                "population": "sum of the Gemeinden per vintage",
                "area_km2": "sum of the Gemeinden (GV 2023), incl. gemeindefreie Gebiete",
                "schutzsuchende_2018": {
                    "stand": "31.12.2018",
                    "source": F_SCHUTZ,
                    "bw_total": int(k.schutzsuchende_2018.sum()),
                    "note": "Destatis rounds each value to a multiple of 5",
                },
            },
            "gemeinden_geojson": {
                "file": "gemeinden.geojson",
                "features": len(g),
                "source": F_GEO_GEM,
                "stand": "VG250 31.12.2018 (inferred in SOURCES.md; stale 2013 label in file)",
                "attribution": BKG_GEM,
                "coordinate_decimals": COORD_DECIMALS,
                "names": "from GV 2023 (08315074 is 'Müllheim im Markgräflerland', "
                "'Müllheim' in the 2018 geometry file)",
                "repaired_with_make_valid": repaired,
                "note": "GF==4 (land) features only; Bodensee water parts dropped",
            },
            "kreise_geojson": {
                "file": "kreise.geojson",
                "features": len(k),
                "source": F_GEO_KRS,
                "stand": "VG250 31.12.2023",
                "attribution": BKG_KRS,
                "coordinate_decimals": COORD_DECIMALS,
                "note": "GF==4 (land) features only; Bodensee water parts dropped",
            },
            "gemeinden_nachbarn": {
                "file": "gemeinden_nachbarn.csv",
                "rows": len(pairs),
                "method": (
                    f"borders within {ADJ_TOLERANCE_M:g} m of each other along at "
                    f"least {ADJ_MIN_SHARED_M:g} m (simplified VG250 polygons, "
                    "local equirectangular metres); includes exclaves"
                ),
                "without_neighbour": isolated,
                "without_neighbour_note": {
                    a: EXCLAVES.get(a, "unexplained: check the geometry") for a in isolated
                },
            },
        },
        "sources": {
            name: entry
            for name, entry in sorted(
                {
                    F_GV2023: src(F_GV2023, gv_pub + ", Jahresausgabe 31.12.2023", destatis_terms),
                    F_GV2021: src(F_GV2021, gv_pub + ", Jahresausgabe 31.12.2021", destatis_terms),
                    F_GV2019: src(
                        F_GV2019,
                        gv_pub + ", Auszug GV 4. Quartal 2020",
                        destatis_terms,
                        "population 31.12.2019, thousands separated by spaces",
                    ),
                    F_GV2017: src(F_GV2017, gv_pub + ", GV100AD 31.12.2017", destatis_terms),
                    **{
                        F_ODL[y]: src(
                            F_ODL[y],
                            gv_pub + f" via opendatalab-de, {y}",
                            destatis_terms,
                            "population date inferred from the official total",
                        )
                        for y in F_ODL
                    },
                    F_SCHUTZ: src(
                        F_SCHUTZ,
                        "Statistische Ämter des Bundes und der Länder (Destatis), Tabelle 12531",
                        "dl-de/by-2-0 (Regionaldatenbank; "
                        "not stated in the repository it came from)",
                    ),
                    F_GEO_GEM: src(F_GEO_GEM, "BKG VG250 (simplified 200 m)", "dl-de/by-2-0"),
                    F_GEO_KRS: src(
                        F_GEO_KRS, "BKG VG250 31.12.2023 (simplified 200 m)", "dl-de/by-2-0"
                    ),
                }.items()
            )
        },
    }


def build(raw: Path, out: Path) -> list[str]:
    """Build every table into ``out``; return a short report (lines)."""
    names = [
        F_GV2023,
        F_GV2021,
        F_GV2019,
        F_GV2017,
        *F_ODL.values(),
        F_SCHUTZ,
        F_GEO_GEM,
        F_GEO_KRS,
    ]
    hashes = verify_sources(raw, names)
    g, kr, _ = base_gemeinden(raw)
    g = add_populations(raw, g)
    k = build_kreise(g, kr, read_schutzsuchende(raw))
    for y in VINTAGES:
        check(k[f"pop_{y}"].sum() == OFFICIAL_TOTALS[y], f"Kreis sum {y} != official total")

    gem_ags, gem_geoms, repaired = read_shapes(raw / F_GEO_GEM, 8)
    krs_ags, krs_geoms, repaired_k = read_shapes(raw / F_GEO_KRS, 5)
    check(gem_ags == g.ags.tolist(), f"{F_GEO_GEM}: AGS set differs from GV 2023")
    check(krs_ags == k.ags.tolist(), f"{F_GEO_KRS}: AGS set differs from GV 2023")
    check(not repaired_k, f"{F_GEO_KRS}: invalid polygons {repaired_k}")

    pairs = neighbours(gem_ags, gem_geoms)
    degree = pd.concat([pairs.ags_a, pairs.ags_b]).value_counts()
    isolated = sorted(set(g.ags) - set(degree.index))

    report = [
        f"Gemeinden {len(g)} ({int(g.inhabited.sum())} inhabited), Kreise {len(k)}",
        f"repaired polygons: {repaired}",
        f"neighbour pairs: {len(pairs)}, Gemeinden without neighbour: {isolated}",
        f"neighbours per Gemeinde: min {degree.min()}, median {degree.median():g}, "
        f"max {degree.max()}",
    ]
    ratio = approx_area_km2(gem_geoms) / g.area_km2.to_numpy()
    worst = np.argsort(np.abs(np.log(ratio)))[-3:]
    report.append(
        "polygon/GV area ratio: "
        + ", ".join(f"{g.ags[i]} {g.name[i]} {ratio[i]:.3f}" for i in worst)
    )

    gem_names = dict(zip(g.ags, g.name))
    krs_names = dict(zip(k.ags, k.name))
    files = {
        "gemeinden.csv": csv_text(g),
        "kreise.csv": csv_text(k),
        "gemeinden_nachbarn.csv": csv_text(pairs),
        "gemeinden.geojson": geojson_text(gem_ags, gem_names, gem_geoms, "Gemeinden", BKG_GEM),
        "kreise.geojson": geojson_text(krs_ags, krs_names, krs_geoms, "Kreise", BKG_KRS),
        "metadata.yaml": yaml.safe_dump(
            metadata(g, k, pairs, hashes, repaired, isolated),
            allow_unicode=True,
            sort_keys=False,
            width=100,
        ),
    }
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        for name, text in files.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8", newline="\n")
        for name in files:
            os.replace(Path(tmp) / name, out / name)
    for name in files:
        report.append(f"wrote {out / name} ({(out / name).stat().st_size / 1024:.0f} KB)")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw_dir", type=Path, help="folder with the raw files and SOURCES.md")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("paktsim/data"),
        help="output folder (default: paktsim/data)",
    )
    args = parser.parse_args(argv)
    if not args.raw_dir.is_dir():
        print(f"build_data: {args.raw_dir}: not a folder", file=sys.stderr)
        return 2
    try:
        import shapely  # noqa: F401
    except ModuleNotFoundError:
        print('build_data: needs shapely: pip install -e ".[data]"', file=sys.stderr)
        return 2
    try:
        report = build(args.raw_dir, args.out)
    except BuildError as exc:
        print(f"build_data: {exc} (nothing written)", file=sys.stderr)
        return 2
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
