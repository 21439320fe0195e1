"""Thin ipywidgets views over the dashboard controllers.

Each control calls one controller setter and then :meth:`refresh`; nothing else
happens here.  Sliders fire on release (``continuous_update=False``).  Pictures
are PNG bytes in ``ipywidgets.Image`` widgets, replaced in place (no
``Output``/``clear_output`` cycle, so no flicker), and a picture is re-rendered
only when what it shows changed.  Bad input shows a German message in the
status line and leaves the controller as it was.

ipywidgets and matplotlib are imported here only, never by ``import paktsim``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from paktsim.errors import InputError

__all__ = ["WorkshopView", "ComparerView"]

_WIDE = {"description_width": "11em"}


def _slider_layout() -> Any:
    import ipywidgets as w

    return w.Layout(width="26em")


class _View:
    """Shared plumbing: status line, error handling, display."""

    widget: Any

    def __init__(self) -> None:
        import ipywidgets as w

        self.status = w.HTML(value="")

    def _act(self, action: Callable[[], Any], revert: Callable[[], None] | None = None) -> bool:
        try:
            action()
        except InputError as exc:
            lines = "<br>".join(html.escape(line) for line in exc.lines())
            self.status.value = f"<span style='color:#b00'>Eingabe nicht übernommen: {lines}</span>"
            if revert is not None:
                revert()
            return False
        self.status.value = ""
        self.refresh()
        return True

    def _bind(self, control: Any, setter: Callable[[Any], None]) -> None:
        def handler(change: dict[str, Any]) -> None:
            if getattr(self, "_syncing", False):
                return
            old = change["old"]

            def revert() -> None:
                self._syncing = True
                try:
                    control.value = old
                finally:
                    self._syncing = False

            self._act(lambda: setter(change["new"]), revert)

        control.observe(handler, names="value")

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _html_table(frame: Any) -> str:
    """A small HTML table with German number formats.

    Built directly (pandas' Styler takes ~15 ms per table through jinja2, a
    tenth of the update budget); formats as :func:`paktsim.report.format.style_de`.
    """
    import pandas as pd

    from paktsim.report.format import MISSING, column_kind, formatter_for, is_signed

    columns = []
    for name in frame.columns:
        dtype = frame[name].dtype
        kind = column_kind(name, dtype)
        if kind is None:
            columns.append([html.escape(str(v)) for v in frame[name]])
            continue
        f = formatter_for(kind, integer=pd.api.types.is_integer_dtype(dtype),
                          signed=is_signed(name))
        columns.append([MISSING if pd.isna(v) else f(v) for v in frame[name]])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    index_name = html.escape(str(frame.index.name or ""))
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(idx))}</th>"
        + "".join(f"<td style='text-align:right'>{col[i]}</td>" for col in columns) + "</tr>"
        for i, idx in enumerate(frame.index))
    return (f"<table class='paktsim'><thead><tr><th>{index_name}</th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


class WorkshopView(_View):
    """Scenario workshop: controls left, headline and pictures right, place table below.

    Parameters
    ----------
    controller : WorkshopController
    export_folder : str
        Default folder of the export button.
    """

    def __init__(self, controller: Any, export_folder: str = "ausgabe/werkstatt") -> None:
        import ipywidgets as w

        from paktsim.widgets.figures import WorkshopFigure
        from paktsim.widgets.workshop import ARRIVAL_PATHS, MAP_METRICS, RULE_CHOICES

        super().__init__()
        self.controller = c = controller
        s = c.scenario
        self.charts = WorkshopFigure(panels="charts")
        self.map = WorkshopFigure(panels="map")
        common = {"continuous_update": False, "style": _WIDE, "layout": _slider_layout()}
        self.arrival_path = w.Dropdown(
            options=[(label, key) for key, label in ARRIVAL_PATHS.items()],
            value=s.arrivals.path if s.arrivals.path in ARRIVAL_PATHS else "baseline",
            description="Zugangspfad", style=_WIDE, layout=_slider_layout())
        self.arrival_scale = w.FloatSlider(value=s.arrivals.scale, min=0.0, max=3.0, step=0.1,
                                           description="Zugang × Faktor", readout_format=".1f",
                                           **common)
        self.ratio = w.IntSlider(value=int(round(s.staffing.target_ratio)), min=40, max=160,
                                 step=1, description="Personen je Stelle", **common)
        self.budget_plan = w.Checkbox(value=s.allocation.budget_eur is None,
                                      description="Mittel laut Planung", indent=False)
        budget = (s.allocation.budget_eur or 58e6) / 1e6
        self.budget = w.FloatSlider(value=budget, min=10.0, max=150.0, step=1.0,
                                    description="Mittel je Jahr (Mio. €)", readout_format=".0f",
                                    disabled=s.allocation.budget_eur is None, **common)
        self.mix = w.FloatSlider(value=s.allocation.qualification_mix.get("hochschule", 0.0),
                                 min=0.0, max=1.0, step=0.05, description="Anteil Hochschule",
                                 readout_format=".0%", **common)
        self.rule = w.Dropdown(options=[(label, key) for key, (label, _) in RULE_CHOICES.items()],
                               value=c.rule if c.rule in RULE_CHOICES else "kreis",
                               description="Verteilregel", style=_WIDE,
                               layout=w.Layout(width="34em"))
        city, town = c.urban_factor
        self.urban_city = w.FloatSlider(value=city, min=1.0, max=2.0, step=0.05,
                                        description="Stadtfaktor Städte", **common)
        self.urban_town = w.FloatSlider(value=town, min=1.0, max=2.0, step=0.05,
                                        description="Faktor Vororte", **common)
        years = c.years
        self.horizon = w.IntRangeSlider(value=(years[0], years[-1]), min=2025, max=2045,
                                        description="Zeitraum", **common)
        self.year = w.IntSlider(value=c.year, min=years[0], max=years[-1],
                                description="Jahr (Karte)", **common)
        self.map_metric = w.Dropdown(options=[(label, key) for key, (label, _)
                                              in MAP_METRICS.items()],
                                     value=c.map_metric, description="Karte zeigt",
                                     style=_WIDE, layout=_slider_layout())
        kreis = c.place[:5]
        self.kreis = w.Dropdown(options=c.kreis_options(), value=kreis, description="Kreis",
                                style=_WIDE, layout=_slider_layout())
        self.gemeinde = w.Dropdown(options=self._gemeinde_options(kreis),
                                   value=c.place if len(c.place) == 8 else kreis,
                                   description="Gemeinde", style=_WIDE,
                                   layout=_slider_layout())
        self.folder = w.Text(value=export_folder, description="Ordner", style=_WIDE,
                             layout=_slider_layout())
        self.overwrite = w.Checkbox(value=False, description="überschreiben", indent=False)
        self.export_button = w.Button(description="Exportieren", icon="download",
                                      tooltip="Excel, PNG und Szenario (YAML) schreiben")
        self.headline = w.HTML()
        self.place_title = w.HTML()
        self.place_table = w.HTML()
        self.chart_image = w.Image(format="png", layout=w.Layout(width="560px"))
        self.map_image = w.Image(format="png", layout=w.Layout(width="528px"))

        self._bind(self.arrival_path, c.set_arrival_path)
        self._bind(self.arrival_scale, c.set_arrival_scale)
        self._bind(self.ratio, c.set_ratio)
        self._bind(self.budget, lambda v: c.set_budget(v * 1e6))
        self._bind(self.budget_plan, self._set_plan)
        self._bind(self.mix, c.set_mix)
        self._bind(self.rule, c.set_rule)
        self._bind(self.urban_city, lambda v: c.set_urban_factor(v, self.urban_town.value))
        self._bind(self.urban_town, lambda v: c.set_urban_factor(self.urban_city.value, v))
        self._bind(self.horizon, lambda v: c.set_horizon(*v))
        self._bind(self.year, c.set_year)
        self._bind(self.map_metric, c.set_map_metric)
        self._bind(self.kreis, self._select_kreis)
        self._bind(self.gemeinde, c.select_place)
        self.export_button.on_click(lambda _b: self.export())

        controls = w.VBox([
            w.HTML("<b>Zugang</b>"), self.arrival_path, self.arrival_scale,
            w.HTML("<b>Personal und Geld</b>"), self.ratio, self.budget_plan, self.budget,
            self.mix,
            w.HTML("<b>Verteilung</b>"), self.rule, self.urban_city, self.urban_town,
            w.HTML("<b>Anzeige</b>"), self.horizon, self.year, self.map_metric, self.kreis,
            self.gemeinde,
            w.HTML("<b>Export</b>"), self.folder, w.HBox([self.overwrite, self.export_button]),
        ])
        self.widget = w.VBox([
            w.HBox([controls, w.VBox([self.headline])]),
            self.status,
            w.HBox([self.chart_image, self.map_image]),
            self.place_title, self.place_table,
        ])
        self.refresh()

    def _gemeinde_options(self, kreis: str) -> list[tuple[str, str]]:
        return [("(ganzer Kreis)", kreis)] + self.controller.gemeinde_options(kreis)

    def _set_plan(self, plan: bool) -> None:
        self.budget.disabled = bool(plan)
        self.controller.set_budget(None if plan else self.budget.value * 1e6)

    def _select_kreis(self, kreis: str) -> None:
        self.controller.select_place(kreis)
        self._syncing = True
        try:
            self.gemeinde.options = self._gemeinde_options(kreis)
            self.gemeinde.value = kreis
        finally:
            self._syncing = False

    def refresh(self) -> None:
        """Show the controller's state: headline, pictures (if changed), place table."""
        c = self.controller
        years = c.years
        if (self.year.min, self.year.max) != (years[0], years[-1]):
            self._syncing = True
            try:
                with self.year.hold_trait_notifications():
                    self.year.min, self.year.max, self.year.value = years[0], years[-1], c.year
            finally:
                self._syncing = False
        self.headline.value = (f"<b>Kennzahlen {c.year}</b>"
                               + _html_table(c.headline_de))
        if self.charts.update(c).changed:
            self.chart_image.value = self.charts.to_png()
        if self.map.update(c).changed:
            self.map_image.value = self.map.to_png()
        self.place_title.value = f"<b>{html.escape(c.place_label)}</b>"
        self.place_table.value = _html_table(c.place_table)

    def export(self) -> list[Any]:
        """Export the current state into the folder field (button handler)."""
        written: list[Any] = []

        def run() -> None:
            written.extend(self.controller.export(self.folder.value,
                                                  force=self.overwrite.value))

        try:
            run()
        except InputError as exc:
            lines = "<br>".join(html.escape(line) for line in exc.lines())
            self.status.value = f"<span style='color:#b00'>Nicht exportiert: {lines}</span>"
            return []
        names = ", ".join(html.escape(p.name) for p in written)
        self.status.value = f"Geschrieben nach {html.escape(self.folder.value)}: {names}"
        return written


class ComparerView(_View):
    """Allocation comparer: two rule dropdowns, factor and year, maps and tables.

    Parameters
    ----------
    controller : ComparerController
    gemeinde_map : bool
        Draw the Gemeinde map too (1,101 areas; slower than the Kreis map).
    """

    def __init__(self, controller: Any, gemeinde_map: bool = True) -> None:
        import ipywidgets as w

        from paktsim.widgets.comparer import COMPARER_RULES
        from paktsim.widgets.figures import ComparerFigure

        super().__init__()
        self.controller = c = controller
        self.figure = ComparerFigure(gemeinden=gemeinde_map)
        common = {"continuous_update": False, "style": _WIDE, "layout": _slider_layout()}
        options = [(label, key) for key, label in COMPARER_RULES.items()]
        self.base = w.Dropdown(options=options, value=c.base, description="Basis", style=_WIDE,
                               layout=w.Layout(width="34em"))
        self.alt = w.Dropdown(options=options, value=c.alt, description="Alternative",
                              style=_WIDE, layout=w.Layout(width="34em"))
        city, town = c.urban_factor
        self.urban_city = w.FloatSlider(value=city, min=1.0, max=2.0, step=0.05,
                                        description="Stadtfaktor Städte", **common)
        self.urban_town = w.FloatSlider(value=town, min=1.0, max=2.0, step=0.05,
                                        description="Faktor Vororte", **common)
        self.year = w.IntSlider(value=c.year, min=2025, max=2035, description="Förderregeln",
                                **common)
        self.image = w.Image(format="png", layout=w.Layout(width="1000px"))
        self.summary = w.HTML()
        self.table = w.HTML()
        self._bind(self.base, c.set_base)
        self._bind(self.alt, c.set_alt)
        self._bind(self.urban_city, lambda v: c.set_urban_factor(v, self.urban_town.value))
        self._bind(self.urban_town, lambda v: c.set_urban_factor(self.urban_city.value, v))
        self._bind(self.year, c.set_year)
        self.widget = w.VBox([
            w.HBox([w.VBox([self.base, self.alt]),
                    w.VBox([self.urban_city, self.urban_town, self.year])]),
            self.status, self.image, w.HBox([self.summary, self.table]),
        ])
        self.refresh()

    def refresh(self) -> None:
        """Show the current comparison: figure, key figures, largest winners/losers."""
        c = self.controller
        self.image.value = self.figure.update(c).to_png()
        self.summary.value = _html_table(c.summary)
        self.table.value = _html_table(c.winners_losers(5))
