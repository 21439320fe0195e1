"""The dashboards in a real browser (Debian's Chromium, driven by Playwright).

Each test opens a dashboard as a user would — the app (``paktsim app``, Voilà) or
JupyterLab with the file browser open, at 1366×768 — moves the controls with the
keyboard, mouse or typed German numbers, and waits until the screen shows exactly
what a controller given the same inputs computes (headline figures, place table,
comparer tables).  A control that stops updating the screen fails its wait with
the control named.  No timing is asserted (``python -m benchmarks`` measures
input-to-repaint latency).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

import pytest
import yaml

from paktsim.scenario import Scenario
from paktsim.widgets.browser import wait_until

pytestmark = pytest.mark.slow

WAIT = 60.0  # seconds a control may take to update the screen on a loaded 2-core machine
W = ".paktsim-werkstatt"
V = ".paktsim-vergleich"


def norm(text: str) -> str:
    return " ".join(text.split())


def strip_tags(markup: str) -> str:
    return norm(html.unescape(re.sub(r"<[^>]+>", " ", markup)))


# ---------------------------------------------------------------- page helpers


def open_app(page: Any, url: str, root: str) -> list[str]:
    """Open ``url``; return the list that collects every request the page makes."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_selector(f"{root} .paktsim-results", state="attached", timeout=180_000)
    page.wait_for_function(
        f"document.querySelectorAll('{root} .paktsim-results img[src^=\"blob:\"]').length >= 1",
        timeout=180_000,
    )
    return requests


def slider(
    page: Any, root: str, key: str, presses: int = 1, direction: str = "ArrowRight", handle: int = 0
) -> None:
    h = page.locator(f"{root} .paktsim-ctl-{key} .noUi-handle").nth(handle)
    h.focus()
    for _ in range(presses):
        page.keyboard.press(direction)


def typed(page: Any, root: str, key: str, text: str) -> None:
    field = page.locator(f"{root} .paktsim-ctl-{key}.paktsim-text input")
    field.fill(text)
    field.press("Enter")


def choose(page: Any, root: str, key: str, label: str) -> None:
    page.locator(f"{root} .paktsim-ctl-{key} select").select_option(label=label)


def text_of(page: Any, selector: str) -> str:
    return norm(page.locator(selector).first.inner_text())


def enabled(page: Any, root: str, key: str) -> None:
    """Wait until a number field is enabled (the kernel has lifted its hint)."""
    field = page.locator(f"{root} .paktsim-ctl-{key}.paktsim-text input")
    wait_until(lambda: not field.is_disabled(), WAIT, f"{key} enabled")


def field_value(page: Any, root: str, key: str) -> str:
    return page.locator(f"{root} .paktsim-ctl-{key}.paktsim-text input").input_value()


# ---------------------------------------------------------------- workshop


def werkstatt_screen(page: Any, root: str = W) -> str:
    return (
        text_of(page, f"{root} .paktsim-headline-box")
        + " | "
        + text_of(page, f"{root} .paktsim-place-title")
        + " | "
        + text_of(page, f"{root} .paktsim-place")
    )


def werkstatt_expected(c: Any) -> str:
    from paktsim.widgets.views import headline_html, html_table

    return (
        strip_tags(headline_html(c.headline_de, c.year))
        + " | "
        + norm(c.place_label)
        + " | "
        + strip_tags(html_table(c.place_table))
    )


def expect_werkstatt(page: Any, c: Any, control: str, before: str | None) -> str:
    """Wait until the screen shows controller ``c``'s numbers, changed from ``before``."""
    want = werkstatt_expected(c)
    assert want != before, f"{control}: the chosen move changes nothing in the controller"
    try:
        wait_until(
            lambda: werkstatt_screen(page) == want,
            WAIT,
            f"{control}: screen shows the controller's numbers",
        )
    except TimeoutError:
        pytest.fail(
            f"{control} did not update the screen:\nshown:    "
            f"{werkstatt_screen(page)[:600]}\nexpected: {want[:600]}"
        )
    return want


def test_werkstatt_app_every_control_updates_the_screen(page, werkstatt_url) -> None:
    from paktsim.widgets.workshop import WorkshopController

    requests = open_app(page, werkstatt_url, W)
    c = WorkshopController()
    start = expect_werkstatt(page, c, "start", None)

    # live: the screen follows a held drag, and settles on the value at release
    track = page.locator(f"{W} .paktsim-ctl-ratio .noUi-target").first.bounding_box()
    handle = page.locator(f"{W} .paktsim-ctl-ratio .noUi-handle").first.bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    seen_while_held = set()
    for i in range(1, 11):
        page.mouse.move(x + i * track["width"] / 40, y, steps=2)
        page.wait_for_timeout(300)
        seen_while_held.add(werkstatt_screen(page))
    seen_while_held.discard(start)
    assert seen_while_held, "nothing updated while the slider was held"
    page.mouse.up()
    c.set_ratio(int(field_value(page, W, "ratio")))
    shown = expect_werkstatt(page, c, f"drag released at {c.scenario.staffing.target_ratio}", start)

    # hints: controls without effect are disabled and say why, in German
    assert page.locator(f"{W} .paktsim-ctl-mix.paktsim-text input").is_disabled()
    assert "beide Fördersätze" in text_of(page, f"{W} .paktsim-ctl-mix.paktsim-box")
    assert "Stadtfaktor gilt nur" in text_of(page, f"{W} .paktsim-ctl-urban_city.paktsim-box")
    assert field_value(page, W, "arrival_scale") == "1,00"  # German readout

    slider(page, W, "ratio", 2, "ArrowLeft")
    c.set_ratio(c.scenario.staffing.target_ratio - 2)
    shown = expect_werkstatt(page, c, "Personen je Stelle", shown)
    assert field_value(page, W, "ratio") == str(int(c.scenario.staffing.target_ratio))

    choose(page, W, "target_group", "alle Schutzsuchenden")
    c.set_target_group("all_protection_seekers")
    shown = expect_werkstatt(page, c, "Zielgruppe", shown)
    assert "alle am Ort lebenden" in text_of(page, f"{W} .paktsim-controls")

    slider(page, W, "arrival_scale")
    c.set_arrival_scale(1.05)
    shown = expect_werkstatt(page, c, "Zugang × Faktor", shown)
    assert field_value(page, W, "arrival_scale") == "1,05"

    choose(page, W, "arrival_path", "Welle wie 2015/16")
    c.set_arrival_path("wave_2015")
    shown = expect_werkstatt(page, c, "Zugangspfad", shown)

    page.locator(f"{W} .paktsim-ctl-budget_plan input[type=checkbox]").click()
    enabled(page, W, "budget")
    slider(page, W, "budget", 3)
    c.set_budget(59.5e6)
    shown = expect_werkstatt(page, c, "Mittel je Jahr", shown)

    choose(page, W, "rule", "Gemeinden nach Einwohnern (mit Stadtfaktor)")
    c.set_rule("population")
    shown = expect_werkstatt(page, c, "Verteilregel", shown)
    assert "Stadtfaktor gilt nur" not in text_of(page, f"{W} .paktsim-ctl-urban_city.paktsim-box")
    enabled(page, W, "urban_city")
    enabled(page, W, "urban_town")

    slider(page, W, "urban_city", 6)
    c.set_urban_factor(1.3, 1.0)
    shown = expect_werkstatt(page, c, "Stadtfaktor Städte", shown)
    slider(page, W, "urban_town", 2)
    c.set_urban_factor(1.3, 1.1)
    shown = expect_werkstatt(page, c, "Faktor Vororte", shown)

    slider(page, W, "year", 2)
    c.set_year(c.year + 2)
    shown = expect_werkstatt(page, c, "Jahr", shown)

    slider(page, W, "horizon", 1, "ArrowLeft", handle=1)
    c.set_horizon(c.years[0], c.years[-1] - 1)
    shown = expect_werkstatt(page, c, "Zeitraum", shown)

    picture = page.locator(f"{W} img.paktsim-map").get_attribute("src")
    choose(page, W, "map_metric", "Fehlende Stellen (VZÄ)")
    wait_until(
        lambda: page.locator(f"{W} img.paktsim-map").get_attribute("src") != picture,
        WAIT,
        "Karte zeigt: the map changes",
    )

    choose(page, W, "kreis", "Tübingen")
    c.select_place("08416")
    shown = expect_werkstatt(page, c, "Kreis", shown)
    choose(page, W, "gemeinde", "Tübingen")
    c.select_place("08416041")
    shown = expect_werkstatt(page, c, "Gemeinde", shown)

    # typed German numbers: meant value, or a visible refusal
    typed(page, W, "ratio", "95")
    c.set_ratio(95)
    shown = expect_werkstatt(page, c, "Personen je Stelle (getippt)", shown)
    typed(page, W, "arrival_scale", "1,5")
    c.set_arrival_scale(1.5)
    shown = expect_werkstatt(page, c, "Zugang × Faktor (getippt 1,5)", shown)
    typed(page, W, "arrival_scale", "1.5")
    wait_until(
        lambda: "Dezimalkomma" in text_of(page, f"{W} .paktsim-status"),
        WAIT,
        "refusal of 1.5 shown",
    )
    assert field_value(page, W, "arrival_scale") == "1,50"
    typed(page, W, "ratio", "1.000")
    wait_until(
        lambda: "40 bis 160" in text_of(page, f"{W} .paktsim-status"),
        WAIT,
        "refusal of 1.000 persons per position shown",
    )
    assert werkstatt_screen(page) == shown  # nothing changed

    # export: a real download, the scenario named after what changed
    page.locator(f"{W} .paktsim-export button, {W} button.paktsim-export").first.click()
    link = page.locator(f"{W} a.paktsim-download")
    link.wait_for(timeout=WAIT * 1000)
    with page.expect_download() as info:
        link.click()
    archive = zipfile.ZipFile(info.value.path())
    assert sorted(archive.namelist()) == ["szenario.yaml", "werkstatt.png", "werkstatt.xlsx"]
    exported = Scenario.from_dict(yaml.safe_load(archive.read("szenario.yaml")))
    want = c.export_scenario().model_dump(mode="json")
    got = exported.model_dump(mode="json")
    assert got == want, {k: (got[k], want[k]) for k in want if got.get(k) != want[k]}
    assert "Schlüssel 1:95" in exported.name and "Welle wie 2015/16" in exported.description
    assert archive.read("werkstatt.xlsx")[:2] == b"PK"

    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "blob:", "data:"))]
    assert outside == [], f"requests leaving the machine: {outside}"


# ---------------------------------------------------------------- comparer


def vergleich_screen(page: Any, root: str = V) -> str:
    return (
        text_of(page, f"{root} .paktsim-summary")
        + " | "
        + text_of(page, f"{root} .paktsim-bars-box")
    )


def vergleich_expected(c: Any) -> str:
    from paktsim.widgets.views import bars_html, rows_table

    return strip_tags(rows_table(c.summary)) + " | " + strip_tags(bars_html(c.kreis_delta_eur))


def expect_vergleich(page: Any, c: Any, control: str, before: str | None, root: str = V) -> str:
    want = vergleich_expected(c)
    assert want != before, f"{control}: the chosen move changes nothing in the controller"
    try:
        wait_until(
            lambda: vergleich_screen(page, root) == want,
            WAIT,
            f"{control}: screen shows the controller's numbers",
        )
    except TimeoutError:
        pytest.fail(
            f"{control} did not update the screen:\nshown:    "
            f"{vergleich_screen(page, root)[:600]}\nexpected: {want[:600]}"
        )
    return want


def test_vergleich_app_every_control_updates_the_screen(page, vergleich_url) -> None:
    from paktsim.widgets.comparer import ComparerController

    requests = open_app(page, vergleich_url, V)
    c = ComparerController()
    shown = expect_vergleich(page, c, "start", None)
    assert "29,00" not in shown and re.search(r"Gewinner \(Anzahl\) – \d+ ", shown)

    slider(page, V, "urban_city", 2)
    c.set_urban_factor(1.4, 1.1)
    shown = expect_vergleich(page, c, "Stadtfaktor Städte", shown)
    slider(page, V, "urban_town", 1, "ArrowLeft")
    c.set_urban_factor(1.4, 1.05)
    shown = expect_vergleich(page, c, "Faktor Vororte", shown)
    typed(page, V, "urban_city", "1,5")
    c.set_urban_factor(1.5, 1.05)
    shown = expect_vergleich(page, c, "Stadtfaktor Städte (getippt 1,5)", shown)

    choose(page, V, "base", "Kreise nach Schutzsuchenden 2018")
    c.set_base("schutzsuchende")
    shown = expect_vergleich(page, c, "Basis", shown)

    choose(page, V, "year", "2022")
    c.set_year(2022)
    shown = expect_vergleich(page, c, "Förderregeln", shown)

    choose(page, V, "alt", "Gemeinden nach Einwohnern")
    c.set_alt("einwohner")
    shown = expect_vergleich(page, c, "Alternative", shown)
    assert "weder Basis noch Alternative" in text_of(
        page, f"{V} .paktsim-ctl-urban_city.paktsim-box"
    )

    page.locator(f"{V} button.paktsim-export").first.click()
    link = page.locator(f"{V} a.paktsim-download")
    link.wait_for(timeout=180_000)
    with page.expect_download(timeout=60_000) as info:
        link.click()
    archive = zipfile.ZipFile(info.value.path())
    names = set(archive.namelist())
    assert {
        "vergleich.xlsx",
        "karte_kreise.png",
        "karte_gemeinden.svg",
        "gewinner_verlierer_kreise.png",
    } <= names
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(archive.read("vergleich.xlsx")))
    prov = {row[0].value: row[1].value for row in book["Herkunft"].iter_rows()}
    assert prov["Alternative"] == c.alt_label and prov["Förderregeln (Jahr)"] == 2022

    outside = [u for u in requests if not u.startswith(("http://127.0.0.1", "blob:", "data:"))]
    assert outside == [], f"requests leaving the machine: {outside}"


# ---------------------------------------------------------------- JupyterLab


def _inside(box: dict[str, float], width: int, height: int) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width + 1
        and box["y"] + box["height"] <= height + 1
    )


def test_both_dashboards_in_jupyterlab_with_the_file_browser_open(page, lab) -> None:
    from paktsim.widgets.comparer import ComparerController
    from paktsim.widgets.workshop import WorkshopController

    url, folder = lab
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=180_000)
    browser_panel = page.locator(".jp-FileBrowser")
    if not browser_panel.is_visible():
        page.locator("[data-id='filebrowser']").first.click()
    assert page.locator(".jp-FileBrowser").is_visible()
    wait_until(
        lambda: "Idle" in page.locator(".jp-StatusBar-Widget").all_inner_texts().__str__(),
        180,
        "kernel idle",
    )
    page.locator(".jp-NotebookPanel .jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    page.wait_for_selector(
        f"{W} .paktsim-results img[src^='blob:']", state="attached", timeout=180_000
    )
    page.wait_for_selector(
        f"{V} .paktsim-results img[src^='blob:']", state="attached", timeout=180_000
    )

    # layout: controls left, headline and pictures right, all on one 1366×768 screen
    page.locator(W).first.scroll_into_view_if_needed()
    page.evaluate(f"document.querySelector('{W}').scrollIntoView({{block: 'start'}})")
    controls = page.locator(f"{W} .paktsim-controls").first.bounding_box()
    for part in (".paktsim-headline-box", ".paktsim-charts", ".paktsim-map"):
        box = page.locator(f"{W} {part}").first.bounding_box()
        assert box["x"] > controls["x"] + controls["width"] - 1, (
            f"{part} is not right of the controls"
        )
        assert _inside(box, 1366, 768), f"{part} is not visible at 1366×768: {box}"
    c = WorkshopController()
    shown = expect_werkstatt(page, c, "start (JupyterLab)", None)
    slider(page, W, "ratio", 3, "ArrowLeft")
    c.set_ratio(c.scenario.staffing.target_ratio - 3)
    shown = expect_werkstatt(page, c, "Personen je Stelle (JupyterLab)", shown)
    typed(page, W, "arrival_scale", "1,25")
    c.set_arrival_scale(1.25)
    expect_werkstatt(page, c, "Zugang × Faktor (JupyterLab, getippt)", shown)

    # the notebook view can also write into a folder, with the "überschreiben" choice
    page.locator(f"{W} button.paktsim-write").click()
    wait_until(
        lambda: "Geschrieben nach" in text_of(page, f"{W} .paktsim-status"), WAIT, "export written"
    )
    assert (folder / "ausgabe/werkstatt/szenario.yaml").exists()
    page.locator(f"{W} button.paktsim-write").click()
    wait_until(
        lambda: "überschreiben" in text_of(page, f"{W} .paktsim-status"),
        WAIT,
        "German refusal to overwrite",
    )
    assert "force" not in text_of(page, f"{W} .paktsim-status")

    page.evaluate(f"document.querySelector('{V}').scrollIntoView({{block: 'start'}})")
    controls = page.locator(f"{V} .paktsim-controls").first.bounding_box()
    for part in (".paktsim-kreis-map", ".paktsim-gemeinde-map"):
        box = page.locator(f"{V} {part}").first.bounding_box()
        assert box["x"] > controls["x"] + controls["width"] - 1
        assert _inside(box, 1366, 768), f"{part} is not visible at 1366×768: {box}"
        natural = page.evaluate(
            f"(() => {{ const i = document.querySelector('{V} img{part}');"
            f" return [i.naturalWidth, i.clientWidth]; }})()"
        )
        # drawn at the size shown: no downscaled text
        assert natural[1] >= natural[0] - 1, f"{part} is scaled down: {natural}"
    cc = ComparerController()
    shown = expect_vergleich(page, cc, "start (JupyterLab)", None)
    slider(page, V, "urban_city", 1)
    cc.set_urban_factor(1.35, 1.1)
    expect_vergleich(page, cc, "Stadtfaktor (JupyterLab)", shown)
