"""Benchmark: input-to-repaint latency of both dashboards in a real browser.

``run(size)`` starts each app as a user would (``paktsim app werkstatt`` /
``vergleich``: Voilà on 127.0.0.1), opens it in Debian's headless Chromium at
1366×768 (Playwright) and moves one control at a time — a key press on a slider
handle (each press a value not seen before, so no cache hit), a new option in a
dropdown.  A probe inside the page (:class:`paktsim.widgets.browser.LatencyProbe`)
takes the time from the input event to the last repaint of the results (two
animation frames after the last change, images decoded), so the figure includes
the websocket round trip, the kernel, the transfer and the browser — the parts the
Python-only ``bench_dashboard`` leaves out.

Reported per control: median and 95th percentile (``<dashboard>_<control>_ms``
and ``…_p95_ms``), samples under ``samples_ms``; the machine's load average at the
start and end (the machine is shared: read absolute times with it).  Targets
(issue 15): median < 150 ms and p95 < 300 ms for every workshop control, < 400 ms
for the comparer.  Needs Chromium at /usr/bin/chromium and the playwright package;
without them the benchmark reports why and measures nothing.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from typing import Any

#: Moves per control by size.
MOVES = {"quick": 1, "full": 12}
#: Workshop controls: name → (kind, selector key, value/option cycle).
WERKSTATT: dict[str, tuple[str, str, Any]] = {
    "ratio": ("slider", "ratio", "ArrowRight"),
    "arrival_scale": ("slider", "arrival_scale", "ArrowRight"),
    "budget": ("slider", "budget", "ArrowRight"),
    "urban_city": ("slider", "urban_city", "ArrowRight"),
    "urban_town": ("slider", "urban_town", "ArrowRight"),
    "year": ("slider", "year", "year"),
    "target_group": (
        "select",
        "target_group",
        ["alle Schutzsuchenden", "nur AU", "AU + § 24 privat"],
    ),
    "arrival_path": (
        "select",
        "arrival_path",
        [
            "niedrig",
            "Welle wie 2015/16",
            "Zugang wie Ukraine 2022",
            "Basis (Niveau der letzten Jahre)",
        ],
    ),
    # baseline: a refused typed number changes only the status line (no model, no
    # picture): websocket round trip + kernel dispatch + one DOM update
    "refusal_baseline": ("typed", "ratio", ["abc", "xyz"]),
    "map_metric": (
        "select",
        "map_metric",
        [
            "Fehlende Stellen (VZÄ)",
            "Geförderte Stellen (VZÄ)",
            "Fördermittel je Einwohner (€)",
            "Personen je besetzte Stelle",
        ],
    ),
}
VERGLEICH: dict[str, tuple[str, str, Any]] = {
    "urban_city": ("slider", "urban_city", "ArrowRight"),
    "urban_town": ("slider", "urban_town", "ArrowRight"),
    "base": (
        "select",
        "base",
        ["Gemeinden nach Einwohnern", "Kreise nach Schutzsuchenden 2018", "Kreise nach Einwohnern"],
    ),
    "year": ("select", "year", ["2022", "2023", "2026"]),
}
#: quick (smoke test): one control of the workshop app only
QUICK = {"werkstatt": ("ratio",)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _action(page: Any, root: str, kind: str, key: str, cycle: Any, i: int) -> Callable[[], None]:
    if kind == "slider":
        # the year slider has 9 positions: up to the end, then back
        direction = cycle if cycle != "year" else ("ArrowRight" if i % 16 < 8 else "ArrowLeft")

        def press() -> None:
            handle = page.locator(f"{root} .paktsim-ctl-{key} .noUi-handle").first
            handle.focus()
            page.keyboard.press(direction)

        return press
    label = cycle[i % len(cycle)]
    if kind == "typed":

        def type_text() -> None:
            field = page.locator(f"{root} .paktsim-ctl-{key}.paktsim-text input")
            field.fill(label)
            field.press("Enter")

        return type_text
    return lambda: page.locator(f"{root} .paktsim-ctl-{key} select").select_option(label=label)


def _prepare(page: Any, name: str) -> None:
    """Unlock the controls that start disabled (their hint says why)."""
    from paktsim.widgets.browser import wait_until

    if name != "werkstatt":
        return
    root = ".paktsim-werkstatt"
    page.locator(f"{root} .paktsim-ctl-budget_plan input[type=checkbox]").click()
    page.locator(f"{root} .paktsim-ctl-rule select").select_option(
        label="Gemeinden nach Einwohnern (mit Stadtfaktor)"
    )
    field = page.locator(f"{root} .paktsim-ctl-urban_city.paktsim-text input")
    wait_until(lambda: not field.is_disabled(), 120, "Stadtfaktor enabled")
    page.wait_for_timeout(1500)


def _measure_app(
    name: str, controls: dict[str, tuple[str, str, Any]], moves: int, only: tuple[str, ...] | None
) -> dict[str, list[float]]:
    from paktsim.widgets.browser import LatencyProbe, browser, serve_app

    root = f".paktsim-{name}"
    out: dict[str, list[float]] = {}
    with serve_app(name) as url, browser(1366, 768) as page:
        page.goto(url)
        page.wait_for_selector(
            f"{root} .paktsim-results img[src^='blob:']", state="attached", timeout=180_000
        )
        _prepare(page, name)
        probe = LatencyProbe(page)
        for control, (kind, key, cycle) in controls.items():
            if only is not None and control not in only:
                continue
            out[control] = [
                round(probe.measure(_action(page, root, kind, key, cycle, i)), 1)
                for i in range(moves)
            ]
    return out


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Browser-measured latency per control of both apps (ms; median and p95).

    Parameters
    ----------
    size : {"quick", "full"}
        ``quick``: one move of one workshop control (smoke test); ``full``: 12
        moves of every control of both apps.
    repeats : int, optional
        Moves per control (overrides ``size``).
    """
    from paktsim.widgets.browser import chromium_available

    reason = chromium_available()
    if reason:
        return {"skipped": reason}
    moves = repeats or MOVES[size]
    out: dict[str, Any] = {
        "size": size,
        "moves_per_control": moves,
        "load_average_start": round(os.getloadavg()[0], 2),
        "target_median_ms": 150,
        "target_p95_ms": 300,
        "target_comparer_ms": 400,
    }
    samples: dict[str, list[float]] = {}
    for name, controls in (("werkstatt", WERKSTATT), ("vergleich", VERGLEICH)):
        if size == "quick" and name not in QUICK:
            continue
        only = QUICK[name] if size == "quick" else None
        for control, times in _measure_app(name, controls, moves, only).items():
            key = f"{name}_{control}_ms"
            samples[key] = times
            out[key] = round(statistics.median(times), 1)
            out[f"{name}_{control}_p95_ms"] = round(_p95(times), 1)
    out["load_average_end"] = round(os.getloadavg()[0], 2)
    out["samples_ms"] = samples
    return out


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    print(
        json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "full"), indent=2, ensure_ascii=False)
    )
