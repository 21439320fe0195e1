"""Benchmark: update latency of the scenario workshop, driven headless.

``run(size)`` builds a :class:`~paktsim.widgets.views.WorkshopView` (ipywidgets
without a kernel: setting ``slider.value`` fires the observers synchronously),
then moves one control at a time to a value not seen before and times the whole
update a user waits for: controller → model run (cached per part) → headline
and place tables (HTML) → chart and map figures re-rendered with Agg into the
PNG ``Image`` widgets (a picture only when it changed).

Two allocation settings are measured on the full model (1,101 Gemeinden,
44 Kreise, 10-year horizon): today's Kreis rule and the Gemeinde population
rule with an urban factor (allocation over all 1,101 Gemeinden with joint
applications each year).  Reported: median and 90th percentile over all moves,
the median per control, and the time of one full export figure (not part of
an update).  Target: median update < 150 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

#: Moves per control: (control name, values) — each value is new to the caches.
MOVES: dict[str, dict[str, list[Any]]] = {
    "quick": {
        "ratio": [95, 110],
        "mix": [0.9, 0.8],
        "budget": [55.0, 61.0],
        "urban_city": [1.2, 1.35],
        "arrival_scale": [1.1, 1.3],
        "year": [2027, 2029],
        "map_metric": ["gap_fte", "fte_funded"],
    },
    "full": {
        "ratio": [95, 110, 70, 120, 82],
        "mix": [0.9, 0.8, 0.75, 0.6, 0.95],
        "budget": [55.0, 61.0, 48.0, 70.0, 52.0],
        "urban_city": [1.2, 1.35, 1.5, 1.15, 1.45],
        "arrival_scale": [1.1, 1.3, 0.7, 1.6, 0.9],
        "year": [2027, 2029, 2031, 2026, 2033],
        "map_metric": ["gap_fte", "fte_funded", "eur_per_inhabitant", "ratio_actual", "gap_fte"],
    },
}


def _time(action: Callable[[], None]) -> float:
    t0 = time.perf_counter()
    action()
    return (time.perf_counter() - t0) * 1000


def _drive(rule: str, moves: dict[str, list[Any]]) -> dict[str, Any]:
    from paktsim.pipeline import clear_caches
    from paktsim.scenario import builtin_scenario
    from paktsim.widgets.views import WorkshopView
    from paktsim.widgets.workshop import WorkshopController

    clear_caches()
    controller = WorkshopController(builtin_scenario("status_quo"))
    view = WorkshopView(controller)
    view.rule.value = rule  # warm: inflow run, first allocation, first figures
    view.budget_plan.value = False
    per_control: dict[str, list[float]] = {}
    for name, values in moves.items():
        if name == "urban_city" and rule != "population":
            continue
        widget = getattr(view, name)
        for value in values:
            ms = _time(lambda widget=widget, value=value: setattr(widget, "value", value))
            if view.status.value:
                raise RuntimeError(f"{name}={value!r} was refused: {view.status.value}")
            per_control.setdefault(name, []).append(ms)
    every = [t for times in per_control.values() for t in times]
    every.sort()
    return {
        "median_ms": round(statistics.median(every), 1),
        "p90_ms": round(every[int(0.9 * (len(every) - 1))], 1),
        "moves": len(every),
        "per_control_median_ms": {
            k: round(statistics.median(v), 1) for k, v in per_control.items()
        },
    }


def run(size: str = "full") -> dict[str, Any]:
    """Median update latency (ms) of the workshop dashboard on the full model.

    Parameters
    ----------
    size : {"quick", "full"}
        Number of moves per control (2 or 5).
    """
    import matplotlib

    matplotlib.use("Agg")
    from paktsim.scenario import builtin_scenario
    from paktsim.widgets.figures import WorkshopFigure
    from paktsim.widgets.workshop import WorkshopController

    moves = MOVES[size]
    out: dict[str, Any] = {"size": size, "target_median_ms": 150}
    out["kreis_rule"] = _drive("kreis", moves)
    out["gemeinde_rule"] = _drive("population", moves)
    controller = WorkshopController(builtin_scenario("status_quo"))
    figure = WorkshopFigure()
    figure.update(controller).to_png()
    controller.set_ratio(99)
    out["full_figure_ms"] = round(_time(lambda: figure.update(controller).to_png()), 1)
    out["median_ms"] = max(out["kreis_rule"]["median_ms"], out["gemeinde_rule"]["median_ms"])
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run("full"), indent=2, ensure_ascii=False))
