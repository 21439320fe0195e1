"""Render the README images with the project's own code (Agg, no browser).

Usage (from the repository root)::

    python tools/make_readme_images.py

Writes ``docs/images/werkstatt.png`` (the scenario workshop's figure for a
sample state: headline figures, positions and stocks by year, Kreis map) and
``docs/images/karte_staedtetag_gemeinden.png`` (Δ € per inhabitant by Gemeinde,
the Städtetag's urban-factor rule against the rule from 2025, Kreis shares by the modelled
assignments out of Erstaufnahme).  Existing files are
replaced.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"


def main() -> list[Path]:
    """Render both images and return their paths."""
    from paktsim.io import write_bytes_with
    from paktsim.report.charts import save_figure
    from paktsim.widgets.comparer import ComparerController
    from paktsim.widgets.figures import WorkshopFigure
    from paktsim.widgets.workshop import WorkshopController

    workshop = WorkshopController()
    workshop.set_arrival_path("wave_2015")
    workshop.set_rule("population")
    workshop.set_urban_factor(1.3, 1.1)
    workshop.set_year(2028)
    png = WorkshopFigure(dpi=100).update(workshop).to_png(dpi=110)
    written = [write_bytes_with(OUT / "werkstatt.png", lambda handle: handle.write(png))]
    comparer = ComparerController(base="heute", alt="stadtfaktor", urban_factor=(1.3, 1.1))
    figure = comparer.figures()["karte_gemeinden"]
    written += save_figure(
        figure, OUT / "karte_staedtetag_gemeinden", formats=("png",), dpi=110, force=True
    )
    return written


if __name__ == "__main__":
    for path in main():
        print(path.relative_to(ROOT))
