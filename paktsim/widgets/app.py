"""The dashboards as the apps show them (``paktsim app werkstatt|vergleich``).

The app pages (``paktsim/apps/*.ipynb``, served by Voilà through
:mod:`paktsim.commands.app`) run one cell: :func:`werkstatt` or :func:`vergleich`.
Exports are offered as downloads only, so a page load or a click never writes to
the server's disk.
"""

from __future__ import annotations

from typing import Any

__all__ = ["vergleich", "werkstatt"]


def werkstatt() -> Any:
    """The scenario workshop as shown by the app (download export, no folder)."""
    from paktsim.widgets.views import WorkshopView
    from paktsim.widgets.workshop import WorkshopController

    return WorkshopView(WorkshopController(), export_folder=None)


def vergleich() -> Any:
    """The allocation comparer as shown by the app (download export, no folder)."""
    from paktsim.widgets.comparer import ComparerController
    from paktsim.widgets.views import ComparerView

    return ComparerView(ComparerController(), export_folder=None)
