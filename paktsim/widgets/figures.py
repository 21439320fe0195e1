"""Dashboard figures, built once and updated in place (matplotlib, Agg, no pyplot).

:class:`WorkshopFigure` shows the workshop state: a headline panel, needed vs
funded vs staffed positions by year, monthly stocks by stage and a Kreis map.
:class:`ComparerFigure` shows two Δ € per inhabitant maps (Kreise, Gemeinden)
and the largest gains and losses.  Lines and texts are updated by setting their
data; a map is redrawn into its own axes (44 or 1,101 paths, a few tens of
milliseconds).  Both render to PNG bytes with a fixed layout (no constrained
layout, no tight bounding box), so an update costs one Agg draw; the views put
the bytes into an ``ipywidgets.Image`` so the picture changes without flicker.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from paktsim.widgets.comparer import ComparerController
    from paktsim.widgets.workshop import WorkshopController

__all__ = ["ComparerPanels", "LiveCharts", "WorkshopFigure", "render_png", "short_label"]

_FTE_STYLE = {
    "Stellen benötigt (VZÄ)": ("#D55E00", "-"),
    "Stellen gefördert (VZÄ)": ("#0072B2", "-"),
    "Stellen besetzt (VZÄ)": ("#009E73", "--"),
}
_STOCK_STAGES = ("Erstaufnahme", "Vorläufige Unterbringung", "Anschlussunterbringung")
_STOCK_COLORS = ("#E69F00", "#56B4E9", "#0072B2")


def render_png(fig: Figure, dpi: int = 100) -> bytes:
    """Render ``fig`` to PNG bytes with the Agg renderer (one draw, fixed layout)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    if dpi == fig.dpi:
        canvas.print_png(buffer, metadata={"Software": "paktsim"})
    else:
        fig.savefig(
            buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": "paktsim"}
        )
    return buffer.getvalue()


def _new_figure(size: tuple[float, float], dpi: int) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from paktsim.report.charts import enable_notebook_display

    enable_notebook_display()  # pyplot-free figures show as PNG in Jupyter
    fig = Figure(figsize=size, dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


class WorkshopFigure:
    """The workshop's figure: headline panel, two charts and a Kreis map.

    Parameters
    ----------
    dpi : int
        Screen resolution of the figure (``to_png`` can use another).
    panels : {"full", "map"}
        ``full``: title, headline panel, both charts and the map (export,
        README); ``map``: the map alone (the live view; its charts are
        :class:`LiveCharts`), so a change that leaves the map as it was
        (e.g. the target ratio) does not re-render it.

    Attributes
    ----------
    changed : bool
        Whether the last :meth:`update` changed anything drawn.
    """

    def __init__(self, dpi: int = 80, panels: str = "full") -> None:
        from paktsim.report import format as fmt

        if panels not in ("full", "map"):
            from paktsim.errors import InputError, Problem

            raise InputError(Problem("panels", "expected full or map", panels))
        self.panels = panels
        self.changed = False
        self._state: dict[str, Any] = {}
        # live panels are drawn at the size they are shown (80 dpi: 1 inch = 80 px), so
        # the browser never scales them and 8 pt text stays 9 px
        size = {"full": (13.0, 7.2), "map": (2.95, 4.3)}[panels]
        self.figure = fig = _new_figure(size, dpi)
        self.title = self.subtitle = self.ax_text = self.ax_fte = self.ax_stock = None
        self.ax_map = None
        self.live_map: Any = None
        if panels == "full":
            grid = fig.add_gridspec(
                3,
                2,
                width_ratios=(1.0, 0.95),
                left=0.06,
                right=0.79,
                top=0.84,
                bottom=0.06,
                wspace=0.1,
                hspace=0.5,
            )
            self.title = fig.text(0.01, 0.975, "", fontsize=13, fontweight="bold", va="top")
            self.subtitle = fig.text(0.01, 0.935, "", fontsize=8.5, color="#444444", va="top")
            self.ax_text = fig.add_subplot(grid[0, 0])
            self.ax_text.set_axis_off()
            self.ax_fte = fig.add_subplot(grid[1, 0])
            self.ax_stock = fig.add_subplot(grid[2, 0])
            self.ax_map = fig.add_subplot(grid[:, 1])
        else:
            from paktsim.widgets.livemap import LiveMap

            self.ax_map = fig.add_axes((0.01, 0.14, 0.98, 0.8))
            self.live_map = LiveMap(self.ax_map, "kreis")
        self._labels: list[Any] = []
        self._values: list[Any] = []
        self._lines: dict[str, Any] = {}
        self._stock_lines: dict[str, Any] = {}
        self._year_marks: list[Any] = []
        self._map_classes: dict[str, tuple[Any, int]] = {}
        if self.ax_fte is None:
            return
        for ax, title in (
            (self.ax_fte, "Stellen im Land (VZÄ, Jahresmittel)"),
            (self.ax_stock, "Personen nach Stufe im Land (Monatsende)"),
        ):
            ax.set_title(title, loc="left", fontsize=10)
            ax.grid(axis="y", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.yaxis.set_major_formatter(fmt.axis_formatter("number"))
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.tick_params(labelsize=8)
            self._year_marks.append(ax.axvline(0, color="#999999", linewidth=0.8, linestyle=":"))
        for label, (color, style) in _FTE_STYLE.items():
            (self._lines[label],) = self.ax_fte.plot(
                [],
                [],
                color=color,
                linestyle=style,
                linewidth=1.8,
                marker="o",
                markersize=3,
                label=label.replace(" (VZÄ)", ""),
            )
        self.ax_fte.legend(
            frameon=False,
            fontsize=7.5,
            loc="lower left",
            ncols=3,
            handlelength=1.5,
            columnspacing=0.8,
        )
        for label, color in zip(_STOCK_STAGES, _STOCK_COLORS):
            (self._stock_lines[label],) = self.ax_stock.plot(
                [], [], color=color, linewidth=1.6, label=label
            )
        self.ax_stock.legend(
            frameon=False,
            fontsize=7.5,
            loc="upper left",
            ncols=2,
            handlelength=1.5,
            columnspacing=0.8,
        )

    def _differs(self, part: str, key: Any) -> bool:
        if part in self._state and _same(self._state[part], key):
            return False
        self._state[part] = key
        self.changed = True
        return True

    def update(self, controller: WorkshopController) -> WorkshopFigure:
        """Show the controller's current state (returns ``self``); see :attr:`changed`."""
        self.changed = False
        year = controller.year
        if self.title is not None:
            title = f"Szenario-Werkstatt (Grundlage: {controller.scenario.name})"
            if self._differs("title", (title, controller.describe())):
                self.title.set_text(title)
                self.subtitle.set_text(controller.describe())
        if self.ax_text is not None:
            headline = controller.headline_de
            if self._differs("headline", (year, tuple(headline["Wert"]))):
                self._update_headline(headline, year)
        if self.ax_fte is not None:
            series = controller.timeseries
            stocks = controller.stocks
            if self._differs("fte", (year, series)):
                self._draw_fte(series, year)
            if self._differs("stocks", (year, stocks)):
                self._draw_stocks(stocks, year)
        if self.ax_map is not None:
            values = controller.kreis_values
            title, kind = controller.map_metric_info
            if self._differs("map", (year, title, values)):
                if self.live_map is not None:
                    from paktsim.report.maps import classify
                    from paktsim.widgets.livemap import nice_edges

                    # one legend for all years: scrubbing the year or moving a slider
                    # keeps the classes (comparable maps, cached legend) while the
                    # values of every year still fill them
                    every = controller.kreis_values_all_years.dropna().to_numpy(float)
                    edges, decimals = self._map_classes.get(title, (None, 0))
                    if edges is None or not _classes_fit(edges, every):
                        edges, decimals = nice_edges(classify(every, 5))
                        self._map_classes[title] = (edges, decimals)
                    classes = list(edges) if edges[0] != edges[-1] and len(edges) > 2 else 5
                    self.live_map.update(
                        values,
                        title=f"{title}, {year}",
                        legend_title="Kreise",
                        classes=classes,
                        decimals=decimals,
                    )
                else:
                    from paktsim.report.maps import choropleth

                    self.ax_map.clear()
                    choropleth(
                        values,
                        level="kreis",
                        title=f"{title}, {year}",
                        legend_title=title,
                        value_format=kind,
                        ax=self.ax_map,
                    )
        return self

    def _draw_fte(self, series: Any, year: int) -> None:
        x = series.index.to_numpy(dtype=float)
        self._year_marks[0].set_xdata([year, year])
        for label, line in self._lines.items():
            line.set_data(x, series[label].to_numpy(dtype=float))
        self._rescale(self.ax_fte, x.min() - 0.3, x.max() + 0.3)

    def _draw_stocks(self, stocks: Any, year: int) -> None:
        import numpy as np

        x = np.asarray(stocks.index.year + (stocks.index.month - 0.5) / 12, dtype=float)
        self._year_marks[1].set_xdata([year + 0.5, year + 0.5])
        for label, line in self._stock_lines.items():
            line.set_data(x, stocks[label].to_numpy(dtype=float))
        self._rescale(self.ax_stock, x.min(), x.max(), headroom=1.35)

    def _update_headline(self, table: Any, year: int) -> None:
        ax = self.ax_text
        rows = list(zip(table.index, table["Wert"]))
        if len(self._labels) != len(rows):
            ax.clear()
            ax.set_axis_off()
            half = (len(rows) + 1) // 2
            self._heading = ax.text(
                0.0, 1.04, "", fontsize=10, fontweight="bold", transform=ax.transAxes, va="bottom"
            )
            self._labels, self._values = [], []
            for i in range(len(rows)):
                col, row = divmod(i, half)
                x0 = 0.0 if col == 0 else 0.56
                y = 0.92 - row * (0.95 / half)
                self._labels.append(
                    ax.text(
                        x0, y, "", fontsize=8, transform=ax.transAxes, va="center", color="#333333"
                    )
                )
                self._values.append(
                    ax.text(
                        x0 + 0.44,
                        y,
                        "",
                        fontsize=8.5,
                        fontweight="bold",
                        transform=ax.transAxes,
                        va="center",
                        ha="right",
                    )
                )
        self._heading.set_text(f"Kennzahlen {year}")
        for (label, value), t_label, t_value in zip(rows, self._labels, self._values):
            t_label.set_text(short_label(label))
            t_value.set_text(value)

    @staticmethod
    def _rescale(ax: Any, x0: float, x1: float, headroom: float = 1.2) -> None:
        # the year marker is excluded: relim() would stretch the axis to include it
        lines = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
        top = max((float(line.get_ydata().max()) for line in lines), default=1.0)
        needed = top * headroom if top > 0 else 1.0
        _lo, current = ax.get_ylim()
        # keep the y range while the data fit well (stable ticks, cached background)
        if not needed / 2.0 <= current <= needed * 1.6 or current < needed:
            ax.set_ylim(0, _nice_ceiling(needed))
        if tuple(ax.get_xlim()) != (x0, x1):
            ax.set_xlim(x0, x1)

    def to_png(self, dpi: int | None = None) -> bytes:
        """PNG bytes of the figure (default: its screen resolution)."""
        if self.panels == "full" or dpi not in (None, self.figure.dpi):
            return render_png(self.figure, dpi or int(self.figure.dpi))
        return self.live_map.render()


class LiveCharts:
    """The workshop's two live charts (positions by year, stocks by month) as inline SVG.

    Same content as the chart panels of :class:`WorkshopFigure`, but drawn as
    SVG text (:mod:`paktsim.widgets.svgchart`): an update costs well under a
    millisecond instead of an Agg draw whenever an axis range changes.  The y
    range is kept while the data fit it well, so a slider move does not make the
    axis jump.

    Attributes
    ----------
    html : str
        The two charts (``<div>`` with two ``<svg>``).
    """

    width, height = 340, 172

    def __init__(self) -> None:
        self.html = ""
        self._state: Any = None
        self._tops: dict[str, float] = {}

    def _top(self, name: str, values: list[Any], headroom: float) -> float:
        import numpy as np

        finite = [float(np.nanmax(v)) for v in values if len(v) and np.isfinite(v).any()]
        needed = max(finite, default=1.0) * headroom or 1.0
        current = self._tops.get(name)
        if current is None or not needed / 2.0 <= current <= needed * 1.6 or current < needed:
            current = _nice_ceiling(needed)
        self._tops[name] = current
        return current

    def update(self, controller: WorkshopController) -> bool:
        """Show the controller's state; True if the charts changed."""
        import numpy as np

        from paktsim.widgets.svgchart import Line, line_chart_svg

        year, series, stocks = controller.year, controller.timeseries, controller.stocks
        if self._state is not None and _same(self._state, (year, series, stocks)):
            return False
        self._state = (year, series, stocks)
        years = series.index.to_numpy(dtype=float)
        every = 1 if len(years) <= 6 else 2
        ticks = [int(y) for y in years[::every]]
        fte = [
            Line(
                years,
                series[label].to_numpy(dtype=float),
                label.replace("Stellen ", "").replace(" (VZÄ)", ""),
                color,
                dashed=style == "--",
                markers=True,
            )
            for label, (color, style) in _FTE_STYLE.items()
        ]
        top = self._top("fte", [line.y for line in fte], 1.2)
        first = line_chart_svg(
            fte,
            title="Stellen im Land (VZÄ, Jahresmittel)",
            width=self.width,
            height=self.height,
            x_range=(years.min() - 0.3, years.max() + 0.3),
            y_top=top,
            x_ticks=ticks,
            marker_x=float(year),
            css_class="paktsim-fte",
        )
        x = np.asarray(stocks.index.year + (stocks.index.month - 0.5) / 12, dtype=float)
        names = {
            "Vorläufige Unterbringung": "vorl. Unterbr.",
            "Anschlussunterbringung": "Anschlussunterbr.",
        }
        stock = [
            Line(x, stocks[label].to_numpy(dtype=float), names.get(label, label), color)
            for label, color in zip(_STOCK_STAGES, _STOCK_COLORS)
            if label in stocks
        ]
        top = self._top("stocks", [line.y for line in stock], 1.35)
        second = line_chart_svg(
            stock,
            title="Personen nach Stufe im Land (Monatsende)",
            width=self.width,
            height=self.height,
            x_range=(float(x.min()), float(x.max())),
            y_top=top,
            x_ticks=ticks,
            marker_x=year + 0.5,
            css_class="paktsim-stocks",
        )
        self.html = f"<div style='line-height:0'>{first}{second}</div>"
        return True


def _classes_fit(edges: Any, values: Any) -> bool:
    """Whether class ``edges`` still hold ``values`` and their spread is not far smaller."""
    import numpy as np

    if values.size == 0 or len(edges) < 3:
        return False
    lo, hi = float(edges[0]), float(edges[-1])
    vmin, vmax = float(np.min(values)), float(np.max(values))
    return lo <= vmin and vmax <= hi and (vmax - vmin) >= 0.6 * (hi - lo)


def _nice_ceiling(value: float) -> float:
    """Smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 × 10^k not below ``value``."""
    import math

    exponent = math.floor(math.log10(value))
    for step in (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if step * 10**exponent >= value:
            return step * 10**exponent
    return 10.0 ** (exponent + 1)


def _same(a: Any, b: Any) -> bool:
    """Equality for state keys that may hold pandas objects."""
    import pandas as pd

    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (pd.Series, pd.DataFrame)) or isinstance(b, (pd.Series, pd.DataFrame)):
        return type(a) is type(b) and a.equals(b)
    return bool(a == b)


_SHORT = {
    "Personen in der Zielgruppe (Jahresmittel)": "Personen Zielgruppe",
    "Betreuungsschlüssel tatsächlich (Personen je VZÄ)": "Schlüssel tatsächlich",
    "Mittel geplant (€)": "Mittel geplant",
    "Mittel benötigt für Zielschlüssel (€)": "Mittel benötigt",
    "Differenz benötigt − geplant (€)": "benötigt − geplant",
    "Kommunaler Eigenanteil inkl. Sachkosten (€)": "Eigenanteil Kommunen",
    "Kreise mit Schlüssel über 1:120": "Kreise über 1:120",
}


def short_label(label: str) -> str:
    """Shorter headline labels for the figure panel."""
    return _SHORT.get(label, label)


class ComparerPanels:
    """The comparer's live pictures, each drawn at the size it is shown.

    Δ € per inhabitant by Kreis and by Gemeinde (:class:`~paktsim.widgets.livemap.LiveMap`,
    recoloured in place).  The bars of the largest gains and losses are HTML
    (:func:`paktsim.widgets.views.bars_html`).

    Parameters
    ----------
    dpi : int
        Screen resolution (80: 1 inch = 80 px).
    gemeinden : bool
        Also draw the Gemeinde map (1,101 areas).
    """

    def __init__(self, dpi: int = 80, gemeinden: bool = True) -> None:
        from paktsim.widgets.livemap import LiveMap

        self.gemeinden = gemeinden
        self.kreis_figure = _new_figure((3.3, 4.5), dpi)
        self.kreis_map = LiveMap(self.kreis_figure.add_axes((0.01, 0.16, 0.98, 0.78)), "kreis")
        self.gemeinde_figure = self.gemeinde_map = None
        if gemeinden:
            self.gemeinde_figure = _new_figure((3.3, 4.5), dpi)
            self.gemeinde_map = LiveMap(
                self.gemeinde_figure.add_axes((0.01, 0.16, 0.98, 0.78)), "gemeinde"
            )
        self._state: dict[str, Any] = {}

    def update(self, controller: ComparerController) -> set[str]:
        """Show the controller's comparison; return the names of the pictures that changed."""
        from paktsim.report.comparison_maps import delta_classes

        changed = set()
        label = "Δ € je Einwohner"
        kreis = controller.kreis_values
        if not _same(self._state.get("kreis"), kreis):
            self._state["kreis"] = kreis
            self.kreis_map.update(
                kreis,
                title=f"Kreise: {label}",
                legend_title=label,
                classes=delta_classes(kreis),
                diverging=True,
                decimals=2,
            )
            changed.add("kreis")
        if self.gemeinde_map is not None:
            gemeinde = controller.gemeinde_values
            if not _same(self._state.get("gemeinde"), gemeinde):
                self._state["gemeinde"] = gemeinde
                self.gemeinde_map.update(
                    gemeinde,
                    title=f"Gemeinden: {label}",
                    legend_title=label,
                    classes=delta_classes(gemeinde),
                    diverging=True,
                    decimals=2,
                )
                changed.add("gemeinde")
        return changed

    def kreis_png(self) -> bytes:
        """PNG of the Kreis map."""
        return self.kreis_map.render()

    def gemeinde_png(self) -> bytes:
        """PNG of the Gemeinde map (``gemeinden=True`` only)."""
        return self.gemeinde_map.render() if self.gemeinde_map is not None else b""
