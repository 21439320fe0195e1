"""Dashboards, headless: views are built and driven by setting widget values (observers
fire synchronously without a kernel); assertions are on the controllers' tables."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paktsim.errors import InputError
from paktsim.scenario import Scenario, builtin_scenario
from paktsim.widgets.comparer import COMPARER_RULES, REFERENCE_TOWNS, ComparerController
from paktsim.widgets.workshop import EXPORT_FILES, HEADLINE_ROWS, MAP_METRICS, WorkshopController

pytest.importorskip("ipywidgets")

FTE_NEEDED = "Stellen benötigt (VZÄ)"


@pytest.fixture(scope="module")
def base_scenario() -> Scenario:
    # a short horizon keeps every recomputation small
    return builtin_scenario("status_quo").with_changes(
        horizon={"start": "2025-01", "end": "2028-12"}
    )


@pytest.fixture()
def controller(base_scenario: Scenario) -> WorkshopController:
    return WorkshopController(base_scenario)


@pytest.fixture()
def view(controller: WorkshopController):
    from paktsim.widgets.views import WorkshopView

    return WorkshopView(controller)


# ---------------------------------------------------------------- workshop controller


def test_tables_have_the_documented_shape(controller: WorkshopController) -> None:
    assert list(controller.headline.columns) == ["2026"]  # first projected year
    assert len(controller.headline) == len(HEADLINE_ROWS)
    assert list(controller.timeseries.index) == [2025, 2026, 2027, 2028]
    assert (controller.kreis_values.index.str.len() == 5).all()
    assert len(controller.kreis_values) == 44
    assert list(controller.place_table.index) == [2025, 2026, 2027, 2028]
    assert controller.stocks.index.freqstr == "M" and len(controller.stocks) == 48
    # the headline and the time series read the same run
    land = controller.result.land
    assert controller.headline.iloc[1, 0] == pytest.approx(land.loc[2026, "fte_needed"])
    assert controller.timeseries.loc[2026, FTE_NEEDED] == pytest.approx(
        land.loc[2026, "fte_needed"]
    )


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ratio=st.integers(min_value=40, max_value=160))
def test_needed_positions_are_caseload_over_ratio(
    controller: WorkshopController, ratio: int
) -> None:
    controller.set_ratio(ratio)
    land = controller.result.land
    np.testing.assert_allclose(
        controller.timeseries[FTE_NEEDED].to_numpy(), land["caseload"].to_numpy() / ratio, rtol=1e-9
    )


def test_ratio_change_reuses_the_inflow_run(controller: WorkshopController) -> None:
    from paktsim import pipeline

    controller.result  # noqa: B018 - warm the cache
    before = pipeline._inflow_cached.cache_info().misses
    controller.set_ratio(70)
    controller.headline  # noqa: B018
    assert pipeline._inflow_cached.cache_info().misses == before
    first = controller.result
    controller.set_ratio(88)
    controller.set_ratio(70)
    assert controller.result is first  # moving back is a cache hit


def test_kreis_money_per_inhabitant_adds_up_to_the_envelope(controller: WorkshopController) -> None:
    from paktsim import regions

    controller.set_map_metric("eur_per_inhabitant")
    pop = regions.kreise(2023)["population"]
    total = (controller.kreis_values * pop.reindex(controller.kreis_values.index)).sum()
    frame = controller.result.kreise.xs(controller.year, level="year")["frame_eur"].sum()
    assert total == pytest.approx(frame, rel=1e-12)


def test_gemeinde_rule_gives_gemeinde_rows_and_the_urban_factor_moves_money(
    controller: WorkshopController,
) -> None:
    controller.select_place("08416041")  # Tübingen (DEGURBA 1)
    assert "Kreis" in controller.place_label  # Kreis-level rule: shows the Kreis
    controller.set_rule("population")
    assert controller.result.level == "gemeinde"
    assert controller.place_label == "Tübingen"
    plain = controller.place_table["Fördermittel (€)"].iloc[0]
    controller.set_urban_factor(1.5, 1.0)
    assert controller.scenario.allocation.urban_factor.factors == {"1": 1.5, "2": 1.0, "3": 1.0}
    assert controller.place_table["Fördermittel (€)"].iloc[0] > plain
    controller.set_rule("kreis")  # the factor is kept for later but not applied
    assert controller.scenario.allocation.urban_factor is None
    assert controller.urban_factor == (1.5, 1.0)


@pytest.mark.parametrize(
    "call, location",
    [
        (lambda c: c.set_ratio(0), "staffing.target_ratio"),
        (lambda c: c.set_ratio(float("nan")), "staffing.target_ratio"),
        (lambda c: c.set_arrival_scale(-1), "arrivals.scale"),
        (lambda c: c.set_arrival_path("weltuntergang"), "arrivals.path"),
        (lambda c: c.set_budget(-5), "allocation.budget_eur"),
        (lambda c: c.set_mix(1.5), "allocation.qualification_mix.hochschule"),
        (lambda c: c.set_rule("lotterie"), "allocation.rule"),
        (lambda c: c.set_urban_factor(0.0), "allocation.urban_factor.1"),
        (lambda c: c.set_horizon(2030, 2026), "horizon.end"),
        (lambda c: c.set_year(2040), "year"),
        (lambda c: c.select_place("08999"), "place"),
        (lambda c: c.set_map_metric("farbe"), "map_metric"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    controller: WorkshopController, call, location: str
) -> None:
    before = (
        controller.scenario,
        controller.year,
        controller.place,
        controller.map_metric,
        controller.urban_factor,
    )
    with pytest.raises(InputError) as info:
        call(controller)
    assert info.value.problems[0].location == location
    assert (
        controller.scenario,
        controller.year,
        controller.place,
        controller.map_metric,
        controller.urban_factor,
    ) == before


# ---------------------------------------------------------------- workshop view


def test_view_widgets_drive_the_controller(view) -> None:
    c = view.controller
    assert view.ratio.slider.continuous_update is True  # live while the slider moves
    assert view.ratio.slider.readout is False  # the German field shows the value
    view.ratio.slider.value = 100
    assert c.scenario.staffing.target_ratio == 100 and view.ratio.text.value == "100"
    assert c.timeseries[FTE_NEEDED].iloc[0] == pytest.approx(
        c.result.land["caseload"].iloc[0] / 100
    )
    view.arrival_scale.slider.value = 1.3
    assert c.scenario.arrivals.scale == 1.3 and view.arrival_scale.text.value == "1,30"
    view.mix.slider.value = 50.0
    assert c.scenario.allocation.qualification_mix == {"hochschule": 0.5, "berufsausbildung": 0.5}
    view.budget_plan.value = False
    assert not view.budget.slider.disabled and view.budget.hint.value == ""
    view.budget.slider.value = 40.0
    assert c.scenario.allocation.budget_eur == 40e6
    assert c.result.kreise.xs(2025, level="year")["frame_eur"].sum() == 40_000_000
    view.map_metric.value = "gap_fte"
    assert c.kreis_values.name == MAP_METRICS["gap_fte"][0]
    view.horizon.value = (2026, 2027)
    assert c.years == [2026, 2027]
    assert (view.year.slider.min, view.year.slider.max) == (2026, 2027)
    view.year.slider.value = 2027
    assert c.year == 2027 and "2027" in c.headline.columns and view.year.text.value == "2027"
    assert "Kennzahlen 2027" in view.headline.value
    view.kreis.value = "08416"
    assert c.place == "08416" and view.gemeinde.value == "08416"
    assert view.status.value == ""
    assert view.charts_html.value.count("<svg") == 2 and "Stellen im Land" in view.charts_html.value


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("arrival_scale", "1,5", 1.5),
        ("arrival_scale", "1,25", 1.25),
        ("ratio", "95", 95),
        ("budget", "62,5", 62.5),
        ("mix", "0,5", 0.5),
    ],
)
def test_typed_german_numbers_mean_what_a_german_reader_means(view, field, typed, expected) -> None:
    view.rule.value = "population"  # nothing disabled by a hint in the way
    control = getattr(view, field)
    control.text.value = typed
    assert control.slider.value == pytest.approx(expected)
    assert view.status.value == ""


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("ratio", "1.000"),  # 1000 persons per position: outside 40–160, refused
        ("arrival_scale", "1.5"),  # a decimal point is not German: refused, not 15 or 1
        ("arrival_scale", "abc"),
        ("budget", "-5"),
    ],
)
def test_typed_nonsense_is_refused_visibly_and_changes_nothing(view, field, typed) -> None:
    control = getattr(view, field)
    before = view.controller.scenario
    shown = control.text.value
    control.text.value = typed
    assert view.controller.scenario == before
    assert "Eingabe nicht übernommen" in view.status.value
    assert html_unescape(control.label) in html_unescape(view.status.value)
    assert control.text.value == shown  # the field shows the value in force again


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_controls_without_effect_are_disabled_with_a_german_hint(view) -> None:
    c = view.controller
    # both Fördersätze are 68,000 € from 2025: the share changes nothing
    assert c.hints()["mix"] and view.mix.slider.disabled and "Fördersätze" in view.mix.hint.value
    # the Stadtfaktor only acts under the Gemeinde population rule
    assert view.rule.value == "kreis" and view.urban_city.slider.disabled
    assert "Stadtfaktor" in view.urban_city.hint.value
    view.rule.value = "population"
    assert not view.urban_city.slider.disabled and view.urban_city.hint.value == ""
    assert view.budget.slider.disabled and "Planung" in view.budget.hint.value


def test_target_group_control_counts_who_the_definition_names(view) -> None:
    from paktsim.target_groups import SHORT_LABELS_DE, TARGET_GROUPS

    c = view.controller
    persons = "Personen in der Zielgruppe (Jahresmittel)"
    counts = c.target_group_persons()
    # (a) ⊂ (b) ⊂ (c): every wider definition counts more people from 2025 on
    assert counts["au"] < counts["au_ukraine_private"] < counts["all_protection_seekers"]
    seen = {}
    for definition in TARGET_GROUPS:
        view.target_group.value = definition
        assert view.status.value == "" and c.scenario.staffing.target_group == definition
        # the headline counts exactly the persons the control's numbers promise
        assert c.headline.loc[persons].iloc[0] == pytest.approx(counts[definition], rel=1e-9)
        seen[definition] = c.headline.loc[FTE_NEEDED].iloc[0]
        assert not view.target_group.disabled and "zählt:" in view.target_group_hint.value
    assert len(set(seen.values())) == 3  # the need follows the target group
    assert f"Zielgruppe {SHORT_LABELS_DE['all_protection_seekers']}" in c.changes()
    assert "alle Schutzsuchenden" in c.export_scenario().name
    with pytest.raises(InputError, match="staffing.target_group"):
        c.set_target_group("ukraine")
    assert c.scenario.staffing.target_group == "all_protection_seekers"


def test_export_names_many_changes_within_the_schema_length(base_scenario) -> None:
    c = WorkshopController(base_scenario)
    c.set_arrival_path("wave_2015")
    c.set_arrival_scale(1.5)
    c.set_target_group("all_protection_seekers")
    c.set_ratio(95)
    c.set_budget(59.5e6)
    c.set_rule("population")
    c.set_urban_factor(1.3, 1.1)
    c.set_horizon(2025, 2027)
    exported = c.export_scenario()
    assert len(exported.name) <= 200 and exported.name.endswith("weitere")
    assert all(change in exported.description for change in c.changes())
    import yaml

    assert Scenario.from_dict(yaml.safe_load(exported.to_yaml())) == exported


def test_target_group_hint_when_definitions_count_the_same(base_scenario) -> None:
    # before 2022 nobody lives privately under § 24 AufenthG: (b) counts what (a) counts
    c = WorkshopController(
        base_scenario.with_changes(
            horizon={"start": "2018-01", "end": "2020-12"}, staffing={"target_group": "au"}
        )
    )
    c.set_year(2019)
    counts = c.target_group_persons()
    assert counts["au"] == counts["au_ukraine_private"] < counts["all_protection_seekers"]
    assert "dieselben Personen" in c.hints()["target_group"]
    c.set_target_group("all_protection_seekers")
    assert c.hints()["target_group"] is None


def test_default_year_is_the_first_projected_year(controller) -> None:
    from paktsim.inflow.arrivals import HISTORIC_END

    assert controller.year == HISTORIC_END.year + 1
    before = controller.headline
    controller.set_arrival_scale(1.5)
    assert not controller.headline.equals(before)  # arrivals change what is shown
    controller.set_year(HISTORIC_END.year)
    assert controller.hints()["arrivals"]


def test_view_redraws_the_map_only_when_it_changes(view) -> None:
    # the actual ratio per Kreis does not depend on the target ratio
    picture = view.map_image.value
    view.ratio.slider.value = 120
    assert view.map_image.value is picture
    view.map_metric.value = "gap_fte"
    assert view.map_image.value is not picture


def test_view_shows_bad_export_target_in_german_and_writes_nothing(view, tmp_path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    view.folder.value = str(blocker)
    assert view.export() == []
    assert "Nicht exportiert" in view.status.value and "Ordner" in view.status.value
    assert "force" not in view.status.value
    assert blocker.read_text() == "x"


def test_view_overwrite_choice(view, tmp_path) -> None:
    view.folder.value = str(tmp_path)
    assert len(view.export()) == 3
    assert view.export() == [] and "überschreiben" in view.status.value
    view.overwrite.value = True
    assert len(view.export()) == 3


def test_download_link_holds_the_export_and_writes_nothing(view, tmp_path, monkeypatch) -> None:
    import base64
    import io
    import re
    import zipfile

    monkeypatch.chdir(tmp_path)
    view.ratio.slider.value = 100
    view.offer_download()
    assert list(tmp_path.iterdir()) == []
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", view.download.value).group(1)
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data)))
    assert sorted(archive.namelist()) == sorted(EXPORT_FILES.values())
    scenario = Scenario.from_dict(__import__("yaml").safe_load(archive.read("szenario.yaml")))
    assert scenario.staffing.target_ratio == 100
    assert "Schlüssel 1:100" in scenario.name and "Schlüssel 1:100" in scenario.description


def test_app_view_has_no_folder_export() -> None:
    from paktsim.widgets.views import WorkshopView

    view = WorkshopView(
        WorkshopController(
            builtin_scenario("status_quo").with_changes(
                horizon={"start": "2025-01", "end": "2027-12"}
            )
        ),
        export_folder=None,
    )
    assert view.folder is None and view.export() == []


# ---------------------------------------------------------------- export


def test_export_writes_files_that_reload(controller: WorkshopController, tmp_path) -> None:
    import openpyxl

    controller.set_rule("population")
    controller.set_urban_factor(1.3, 1.1)
    controller.set_ratio(100)
    out = tmp_path / "ausgabe"
    written = controller.export(out)
    assert sorted(p.name for p in written) == sorted(EXPORT_FILES.values())
    exported = Scenario.from_yaml(out / EXPORT_FILES["yaml"])
    # the same model, named and described after what changed
    assert (
        exported.with_changes(
            name=controller.scenario.name, description=controller.scenario.description
        )
        == controller.scenario
    )
    assert exported == controller.export_scenario()
    for change in ("Schlüssel 1:100", "Stadtfaktor 1,30 / 1,10"):
        assert change in exported.name and change in exported.description
    assert (out / EXPORT_FILES["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    book = openpyxl.load_workbook(out / EXPORT_FILES["excel"])
    assert {"Kennzahlen", "Zeitreihe", "Kreise 2026", "Auswahl", "Herkunft"} <= set(book.sheetnames)
    numbers = [
        cell.value for row in book["Zeitreihe"].iter_rows(min_row=2, min_col=2) for cell in row
    ]
    assert numbers and all(isinstance(v, (int, float)) for v in numbers)
    assert numbers[0] == pytest.approx(controller.timeseries.iloc[0, 0])
    provenance = {row[0].value: row[1].value for row in book["Herkunft"].iter_rows()}
    assert provenance["Szenario-SHA-256"] == exported.sha256
    # the YAML is accepted by the CLI
    done = subprocess.run(
        [sys.executable, "-m", "paktsim", "validate", str(out / EXPORT_FILES["yaml"])],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_export_refuses_existing_files_without_force(
    controller: WorkshopController, tmp_path
) -> None:
    controller.export(tmp_path)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    with pytest.raises(InputError) as info:
        controller.export(tmp_path)
    assert info.value.problems[0].location == "Ordner"
    assert "überschreiben" in info.value.problems[0].message
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps
    assert len(controller.export(tmp_path, force=True)) == 3


def test_export_bad_target_writes_nothing(controller: WorkshopController, tmp_path) -> None:
    blocker = tmp_path / "datei.txt"
    blocker.write_text("x")
    with pytest.raises(InputError):
        controller.export(blocker)
    # one target blocked (a folder where the workbook should go): no other file appears
    (tmp_path / "out" / EXPORT_FILES["excel"]).mkdir(parents=True)
    with pytest.raises(InputError) as info:
        controller.export(tmp_path / "out", force=True)
    assert "ist dort ein Ordner" in info.value.problems[0].message
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [EXPORT_FILES["excel"]]


# ---------------------------------------------------------------- comparer


@pytest.fixture(scope="module")
def comparer() -> ComparerController:
    return ComparerController()


def test_comparer_identity_is_zero_everywhere() -> None:
    c = ComparerController(base="einwohner", alt="einwohner")
    assert (c.comparison.regions["delta_eur"] == 0).all()
    assert (c.kreis_values == 0).all()


def test_comparer_moves_money_but_keeps_the_envelope(comparer: ComparerController) -> None:
    from paktsim import regions

    r = comparer.comparison.regions
    assert r["base_eur"].sum() == r["alt_eur"].sum() == comparer.budget_eur
    assert r["delta_eur"].sum() == 0
    pop = regions.kreise(2023)["population"]
    kv = comparer.kreis_values
    assert (kv * pop.reindex(kv.index)).sum() == pytest.approx(0.0, abs=1.0)
    # the urban factor favours the cities (DEGURBA 1)
    degurba = comparer.strata("degurba")
    assert degurba.loc["1 Städte", "Δ €"] > 0 > degurba.loc["3 ländlich", "Δ €"]
    assert int(comparer.strata("size_class")["Gemeinden"].sum()) == 1101
    assert list(comparer.reference_table.index) == list(REFERENCE_TOWNS)
    wl = comparer.winners_losers(5)
    assert wl["Δ €"].is_monotonic_decreasing and len(wl) == 10


def test_comparer_view_drives_the_controller() -> None:
    from paktsim.widgets.views import ComparerView

    c = ComparerController()
    v = ComparerView(c, gemeinde_map=False)
    stuttgart = c.reference_table.loc["08111000", "Δ €"]
    v.urban_city.slider.value = 1.6
    assert c.urban_factor == (1.6, 1.1) and v.urban_city.text.value == "1,60"
    assert c.reference_table.loc["08111000", "Δ €"] > stuttgart
    assert "Stuttgart" in v.bars.value
    v.alt.value = "einwohner"
    assert c.alt == "einwohner"
    assert v.urban_city.slider.disabled and "Stadtfaktor" in v.urban_city.hint.value
    assert v.kreis_image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(COMPARER_RULES) == sorted(k for _l, k in v.base.options)
    # the year control offers one entry per period of distinct rules, not dead years
    assert ("2026", 2026) in v.year.options and v.year.value == c.year
    # counts are whole numbers
    assert "29,00" not in v.summary.value and "Gewinner (Anzahl)" in v.summary.value


def test_comparer_bad_input() -> None:
    c = ComparerController()
    for call, location in (
        (lambda: c.set_alt("x"), "alt"),
        (lambda: c.set_budget(0), "budget_eur"),
        (lambda: c.set_year(1999), "year"),
        (lambda: c.set_reference(["08000000"]), "reference"),
        (lambda: c.set_urban_factor(-1), "urban_factor.1"),
    ):
        with pytest.raises(InputError) as info:
            call()
        assert info.value.problems[0].location == location


def test_comparer_export(comparer: ComparerController, tmp_path) -> None:
    import openpyxl

    written = comparer.export(tmp_path, dpi=50, formats=("png",))
    assert sorted(p.name for p in written) == sorted(
        [
            "vergleich.xlsx",
            "karte_kreise.png",
            "karte_gemeinden.png",
            "gewinner_verlierer_kreise.png",
        ]
    )
    book = openpyxl.load_workbook(tmp_path / "vergleich.xlsx")
    assert "Herkunft" in book.sheetnames and "Referenzgemeinden" in book.sheetnames
    values = [c.value for c in next(book["Gemeinden"].iter_cols(min_row=2, max_row=5))]
    assert all(isinstance(v, str) for v in values)  # AGS stays text
    sums = pd.read_excel(tmp_path / "vergleich.xlsx", sheet_name="Gemeinden", engine="openpyxl")
    assert sums["Δ €"].sum() == 0
    with pytest.raises(InputError) as info:
        comparer.export(tmp_path, dpi=50, formats=("png",))
    assert "überschreiben" in info.value.problems[0].message


def test_import_paktsim_does_not_import_widget_libraries() -> None:
    code = (
        "import sys, paktsim, paktsim.widgets; "
        "print(any(m in sys.modules for m in ('ipywidgets', 'matplotlib')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.stdout.strip() == "False", done.stderr


@given(st.floats(min_value=1e-3, max_value=1e7, allow_nan=False))
def test_nice_ticks_cover_the_value_with_round_steps(top: float) -> None:
    from paktsim.widgets.svgchart import nice_ticks

    end, ticks = nice_ticks(top)
    assert end >= top * (1 - 1e-9) and ticks[0] == 0 and ticks[-1] == pytest.approx(end)
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0]) and 3 <= len(steps) <= 8
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, m) for m in (1.0, 2.0, 2.5, 5.0, 10.0))


def test_live_charts_draw_every_line_inside_the_plot(controller) -> None:
    import re

    from paktsim.widgets.figures import LiveCharts

    charts = LiveCharts()
    assert charts.update(controller) and not charts.update(controller)  # unchanged: no redraw
    polylines = re.findall(r"<polyline[^>]*points='([^']*)'", charts.html)
    assert len(polylines) == 6  # needed, funded, staffed; three reception stages
    for points in polylines:
        xy = np.array([[float(v) for v in p.split(",")] for p in points.split()])
        assert (xy[:, 0] >= 46 - 1e-9).all() and (xy[:, 0] <= 340 - 8 + 1e-9).all()
        assert (xy[:, 1] >= 0).all() and (xy[:, 1] <= 172 * 2).all()
    controller.set_ratio(60)  # more positions needed: the chart changes
    assert charts.update(controller)
