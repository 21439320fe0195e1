"""Dashboards for notebooks: pure controllers plus thin ipywidgets views.

- :class:`~paktsim.widgets.workshop.WorkshopController` — the scenario workshop
  (arrivals, caseload ratio, envelope, qualification mix, allocation rule and
  urban factor, horizon → headline figures, time series, Kreis map, place table,
  export);
- :class:`~paktsim.widgets.comparer.ComparerController` — two allocation rules side
  by side (winners/losers by Gemeinde, Kreis, size class, DEGURBA; map values;
  export);
- :mod:`paktsim.widgets.figures` — the matplotlib figures both draw (updated in
  place);
- :mod:`paktsim.widgets.views` — ``WorkshopView(controller)``,
  ``ComparerView(controller)`` (ipywidgets).

The controllers hold all state and logic and are tested headless; the views only
wire widgets to controller methods.  Importing this package imports neither
ipywidgets nor matplotlib.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ComparerController", "ComparerView", "WorkshopController", "WorkshopView"]

_LAZY = {
    "WorkshopController": "paktsim.widgets.workshop",
    "ComparerController": "paktsim.widgets.comparer",
    "WorkshopView": "paktsim.widgets.views",
    "ComparerView": "paktsim.widgets.views",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'paktsim.widgets' has no attribute {name!r}")
