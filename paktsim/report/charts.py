"""German-labelled matplotlib charts: stocks over time, winners/losers, fan and tornado charts.

Every plotting function takes an optional ``ax`` (draw into an existing figure,
e.g. a dashboard updating in place) and returns the :class:`~matplotlib.figure.Figure`.
Without ``ax`` a new figure is created with :class:`matplotlib.figure.Figure`
directly, i.e. without pyplot: no global figure registry, no display needed
(the Agg canvas renders PNG/SVG), and a notebook shows the figure once when it
is the cell's result.  Axis ticks use German number formats
(:func:`paktsim.report.format.axis_formatter`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paktsim.errors import InputError, Problem
from paktsim.report import format as fmt

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "COLORS",
    "new_axes",
    "enable_notebook_display",
    "value_formatter",
    "stock_timeseries",
    "winners_losers",
    "stacked_bars",
    "fan_chart",
    "tornado",
    "save_figure",
    "render_figure",
    "Plot",
    "PLOT_FUNCTIONS",
    "warm_up",
    "add_source",
    "default_source",
    "SOURCE_GID",
]

#: gid of the source line's text artist (one per figure; maps carry theirs already).
SOURCE_GID = "paktsim-source"

#: Colours used across paktsim charts (colour-blind safe Okabe-Ito palette).
COLORS = {
    "gain": "#0072B2",
    "loss": "#D55E00",
    "median": "#0072B2",
    "band": "#56B4E9",
    "observed": "#000000",
    "neutral": "#999999",
    "stages": (
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#CC79A7",
        "#56B4E9",
        "#D55E00",
        "#F0E442",
        "#000000",
    ),
}

_FORMATS = ("number", "eur", "compact_eur", "percent")


def new_axes(ax: "Axes | None" = None, figsize: tuple[float, float] = (8.0, 4.5)) -> "Axes":
    """Return ``ax`` or the axes of a new (pyplot-free, Agg-renderable) figure."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    enable_notebook_display()
    figure = Figure(figsize=figsize, layout="constrained")
    return figure.add_subplot()


def enable_notebook_display() -> None:
    """In IPython/Jupyter, register a PNG formatter for Figure (once).

    The inline backend registers one only after pyplot created a figure; our
    figures are pyplot-free, so without this a returned figure shows as text.
    """
    import sys

    shell_module = sys.modules.get("IPython")
    shell = shell_module.get_ipython() if shell_module is not None else None
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    if Figure not in formatter.type_printers:
        formatter.for_type(Figure, _figure_png)


def _figure_png(fig: "Figure") -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=100,
        bbox_inches="tight",
        facecolor="white",
        metadata={"Software": "paktsim"},
    )
    return buffer.getvalue()


def value_formatter(
    kind: str | Callable[[float], str], decimals: int = 0
) -> Callable[[float], str]:
    """Return a one-argument German formatter for tick and bar labels.

    Parameters
    ----------
    kind : {"number", "eur", "compact_eur", "percent"} or callable
    decimals : int
        Decimals for ``number``, ``eur`` and ``percent``.
    """
    if callable(kind):
        return kind
    plain = _plain_formatter(kind, decimals)
    return lambda v: fmt.typographic_minus(plain(v))


def _plain_formatter(kind: str, decimals: int) -> Callable[[float], str]:
    table: dict[str, Callable[[float], str]] = {
        "number": lambda v: fmt.number(v, decimals),
        "eur": lambda v: fmt.eur(v, decimals),
        "compact_eur": lambda v: fmt.compact_eur(v, 1),
        "percent": lambda v: fmt.percent(v, decimals),
    }
    if kind not in table:
        raise InputError(
            Problem("value_format", f"unknown format, expected one of {', '.join(_FORMATS)}", kind)
        )
    return table[kind]


def _axis(kind: str | Callable[[float], str], decimals: int) -> Any:
    from matplotlib.ticker import FuncFormatter

    function = value_formatter(kind, decimals)  # validates kind, naming value_format
    if callable(kind):
        return FuncFormatter(lambda v, _pos: function(v))
    return fmt.axis_formatter(kind, decimals)


def _frame(data: Any, location: str) -> "pd.DataFrame":
    import pandas as pd

    if isinstance(data, pd.Series):
        data = data.to_frame()
    if not isinstance(data, pd.DataFrame):
        raise InputError(Problem(location, "expected a pandas DataFrame", type(data).__name__))
    if data.empty:
        raise InputError(Problem(location, "expected at least one row and one column", data.shape))
    bad = [
        c
        for c in data.columns
        if not pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c])
    ]
    if bad:
        raise InputError(
            [Problem(f"{location}.{c}", "expected numbers", str(data[c].dtype)) for c in bad]
        )
    return data


def _style(ax: "Axes", title: str | None, xlabel: str | None, ylabel: str | None) -> None:
    # parse_math=False: a "$" in a user's scenario name is text, not broken mathtext
    if title:
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold", parse_math=False)
    if xlabel is not None:
        ax.set_xlabel(xlabel, parse_math=False)
    if ylabel is not None:
        ax.set_ylabel(ylabel, parse_math=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _date_axis(ax: "Axes", index: Any) -> Any:
    """Use dates for a Datetime/Period index (German month abbreviations are avoided:
    ticks show years or ``MM/YYYY``), else the index as it is."""
    import pandas as pd

    if isinstance(index, pd.PeriodIndex):
        index = index.to_timestamp()
    if isinstance(index, pd.DatetimeIndex):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
        formatter = mdates.ConciseDateFormatter(
            locator,
            formats=["%Y", "%m/%Y", "%d.%m.", "%H:%M", "%H:%M", "%S"],
            zero_formats=["", "%Y", "%m/%Y", "%d.%m.", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%m/%Y", "%d.%m.%Y", "%d.%m.%Y", "%d.%m.%Y %H:%M"],
        )
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(formatter)
        return index.to_numpy()
    return index.to_numpy()


def stock_timeseries(
    stocks: "pd.DataFrame",
    title: str | None = None,
    ylabel: str = "Personen",
    stacked: bool = True,
    value_format: str | Callable[[float], str] = "number",
    ax: "Axes | None" = None,
) -> "Figure":
    """Plot stocks by stage over time (stacked areas or lines).

    Parameters
    ----------
    stocks : DataFrame
        Index: dates (DatetimeIndex/PeriodIndex) or years; columns: stages, in
        the order they should be stacked (bottom first), labelled in German.
    title, ylabel : str
        Chart title and y-axis label.
    stacked : bool
        Stacked areas (the total is the top edge) or separate lines.
    value_format : str or callable
        Format of the y ticks (see :func:`value_formatter`).
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    import numpy as np

    stocks = _frame(stocks, "stocks")
    ax = new_axes(ax)
    x = _date_axis(ax, stocks.index)
    colors = [COLORS["stages"][i % len(COLORS["stages"])] for i in range(stocks.shape[1])]
    labels = [str(c) for c in stocks.columns]
    values = stocks.to_numpy(dtype=float).T
    if stacked:
        ax.stackplot(x, np.nan_to_num(values), labels=labels, colors=colors, alpha=0.9, linewidth=0)
    else:
        # dashes, markers and colours, so lines stay distinguishable in grey print; a series
        # equal to an earlier one is not drawn on top of it but named in that line's label
        styles = ("-", "--", ":", "-.")
        markers = ("", "o", "s", "^", "D")
        drawn: list[int] = []
        merged: dict[int, list[str]] = {}
        for i, row in enumerate(values):
            same = next((j for j in drawn if np.allclose(values[j], row, equal_nan=True)), None)
            if same is None:
                drawn.append(i)
            else:
                merged.setdefault(same, []).append(labels[i])
        every = max(1, len(x) // 12)
        for k, i in enumerate(drawn):
            label = " = ".join([labels[i], *merged.get(i, [])])
            ax.plot(
                x,
                values[i],
                label=label,
                color=colors[i],
                linewidth=1.8 + 0.6 * (k == 0),
                linestyle=styles[k % len(styles)],
                marker=markers[k % len(markers)] or None,
                markersize=4,
                markevery=every,
            )
    ax.set_ylim(bottom=0)
    ax.margins(x=0)
    _value_axis_and_legend(ax, value_format, top_layer_first=stacked)
    _style(ax, title, None, ylabel)
    return ax.figure


def _value_axis_and_legend(
    ax: "Axes", value_format: str | Callable[[float], str], top_layer_first: bool
) -> None:
    """German y ticks, light grid and a legend right of the plot.

    With ``top_layer_first`` the legend lists the series in reverse order, as
    stacked layers appear on the chart (top first).
    """
    ax.yaxis.set_major_formatter(_axis(value_format, 0))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    handles, legend_labels = ax.get_legend_handles_labels()
    if top_layer_first:
        handles, legend_labels = handles[::-1], legend_labels[::-1]
    ax.legend(
        handles,
        legend_labels,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=9,
    )


def stacked_bars(
    frame: "pd.DataFrame",
    title: str | None = None,
    ylabel: str | None = None,
    value_format: str | Callable[[float], str] = "compact_eur",
    ax: "Axes | None" = None,
) -> "Figure":
    """Stacked bars, one per row (e.g. Pakt components by year).

    Parameters
    ----------
    frame : DataFrame
        Index: the bar labels (years); columns: the stacked parts, bottom
        first, labelled in German. Missing values count as 0 (and are not drawn).
    title, ylabel : str, optional
    value_format : str or callable
        Format of the y ticks (see :func:`value_formatter`).
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    import numpy as np

    frame = _frame(frame, "frame")
    ax = new_axes(ax)
    x = np.arange(len(frame.index))
    bottom = np.zeros(len(frame.index))
    for i, column in enumerate(frame.columns):
        values = np.nan_to_num(frame[column].to_numpy(dtype=float, na_value=np.nan))
        ax.bar(
            x,
            values,
            bottom=bottom,
            width=0.7,
            label=str(column),
            color=COLORS["stages"][i % len(COLORS["stages"])],
        )
        bottom = bottom + values
    ax.set_xticks(x, [str(i) for i in frame.index])
    _value_axis_and_legend(ax, value_format, top_layer_first=True)
    _style(ax, title, None, ylabel)
    return ax.figure


def winners_losers(
    delta: "pd.Series",
    n: int = 10,
    title: str | None = None,
    xlabel: str = "Veränderung",
    value_format: str | Callable[[float], str] = "eur",
    decimals: int = 0,
    ax: "Axes | None" = None,
) -> "Figure":
    """Horizontal bars of the largest gains and losses.

    Parameters
    ----------
    delta : Series
        Change per unit (e.g. Δ € per Gemeinde), indexed by the label to show
        (a name, not the AGS).
    n : int
        Number of winners and of losers shown (at most ``n`` each).
    title, xlabel : str
    value_format : str or callable
        Format of the axis and of the value written next to each bar.
    decimals : int
        Decimals of that format.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    import numpy as np
    import pandas as pd

    if not isinstance(delta, pd.Series) or not pd.api.types.is_numeric_dtype(delta):
        raise InputError(Problem("delta", "expected a numeric pandas Series", type(delta).__name__))
    if not isinstance(n, int) or n < 1:
        raise InputError(Problem("n", "expected a whole number of at least 1", n))
    values = delta.dropna().astype(float)
    gains = values[values > 0].nlargest(n)
    losses = values[values < 0].nsmallest(n)
    # ascending from the bottom: largest loss at the bottom, largest gain on top
    shown = pd.concat([losses, gains]).sort_values(kind="stable")
    if shown.empty:
        raise InputError(
            Problem("delta", "no gains or losses to show (all values are 0 or missing)")
        )
    height = max(2.5, 0.28 * len(shown) + 1.2)
    ax = new_axes(ax, figsize=(8.0, height))
    label = value_formatter(value_format, decimals)
    y = np.arange(len(shown))
    colors = np.where(shown.to_numpy() > 0, COLORS["gain"], COLORS["loss"])
    ax.barh(y, shown.to_numpy(), color=colors, height=0.7)
    ax.set_yticks(y, [str(i) for i in shown.index], fontsize=9)
    ax.axvline(0, color="#333333", linewidth=0.8)
    span = float(np.abs(shown.to_numpy()).max())
    for yi, value in zip(y, shown.to_numpy()):
        ax.text(
            value + (0.01 * span if value > 0 else -0.01 * span),
            yi,
            label(value),
            va="center",
            ha="left" if value > 0 else "right",
            fontsize=8,
        )
    left = min(0.0, float(shown.min())) - (0.3 * span if (shown < 0).any() else 0)
    right = max(0.0, float(shown.max())) + (0.3 * span if (shown > 0).any() else 0)
    ax.set_xlim(left, right)
    ax.xaxis.set_major_formatter(_axis(value_format, decimals))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    _style(ax, title, xlabel, None)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return ax.figure


def _quantile_columns(frame: "pd.DataFrame") -> dict[float, Any]:
    """Map quantile levels to columns named 0.1 / "P10" / "p10" / "q10"."""
    levels: dict[float, Any] = {}
    for column in frame.columns:
        text = str(column).strip().lower()
        try:
            if text[:1] in ("p", "q"):
                level = float(text[1:]) / 100
            else:
                level = float(text)
        except ValueError:
            continue
        if 0 < level < 1:
            levels[round(level, 6)] = column
    return levels


def fan_chart(
    quantiles: "pd.DataFrame",
    observed: "pd.Series | None" = None,
    title: str | None = None,
    ylabel: str | None = None,
    value_format: str | Callable[[float], str] = "number",
    median_label: str = "Median",
    ax: "Axes | None" = None,
) -> "Figure":
    """Fan chart: median line with nested quantile bands (e.g. P10–P90).

    Parameters
    ----------
    quantiles : DataFrame
        Index: time; columns: quantile levels, named ``0.1``/``0.5``/``0.9`` or
        ``P10``/``P50``/``P90`` (any symmetric pairs, e.g. P5/P95 and P25/P75,
        become nested bands). The median (0.5) is required.
    observed : Series, optional
        Observed values drawn as a black line.
    title, ylabel : str
    value_format : str or callable
        Format of the y ticks.
    median_label : str
        Legend label of the median line.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    quantiles = _frame(quantiles, "quantiles")
    levels = _quantile_columns(quantiles)
    if 0.5 not in levels:
        raise InputError(
            Problem(
                "quantiles",
                "expected a median column (0.5 or P50)",
                list(map(str, quantiles.columns)),
            )
        )
    pairs = sorted(
        ((lo, round(1 - lo, 6)) for lo in levels if lo < 0.5 and round(1 - lo, 6) in levels),
        reverse=False,
    )
    if not pairs:
        raise InputError(
            Problem(
                "quantiles",
                "expected at least one symmetric pair of quantiles such as P10 and P90",
                list(map(str, quantiles.columns)),
            )
        )
    ax = new_axes(ax)
    x = _date_axis(ax, quantiles.index)
    for rank, (lo, hi) in enumerate(pairs):
        alpha = 0.3 + 0.4 * rank / max(1, len(pairs))
        ax.fill_between(
            x,
            quantiles[levels[lo]].to_numpy(float),
            quantiles[levels[hi]].to_numpy(float),
            color=COLORS["band"],
            alpha=alpha,
            linewidth=0,
            label=f"P{fmt.number(lo * 100)}–P{fmt.number(hi * 100)}",
        )
    ax.plot(
        x,
        quantiles[levels[0.5]].to_numpy(float),
        color=COLORS["median"],
        linewidth=2,
        label=median_label,
    )
    if observed is not None:
        import pandas as pd

        if not isinstance(observed, pd.Series):
            raise InputError(
                Problem("observed", "expected a pandas Series", type(observed).__name__)
            )
        ox = (
            observed.index.to_timestamp()
            if isinstance(observed.index, pd.PeriodIndex)
            else observed.index
        )
        ax.plot(
            ox.to_numpy(),
            observed.to_numpy(float),
            color=COLORS["observed"],
            linewidth=1.5,
            label=str(observed.name or "beobachtet"),
        )
    ax.yaxis.set_major_formatter(_axis(value_format, 0))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.margins(x=0)
    ax.legend(frameon=False, loc="upper left", fontsize=9)
    _style(ax, title, None, ylabel)
    return ax.figure


def tornado(
    effects: "pd.DataFrame",
    base: float,
    title: str | None = None,
    xlabel: str | None = None,
    value_format: str | Callable[[float], str] = "number",
    decimals: int = 0,
    low_label: str = "unterer Wert",
    high_label: str = "oberer Wert",
    ax: "Axes | None" = None,
) -> "Figure":
    """Tornado chart: the outcome when each input is set to its low and high value.

    Parameters
    ----------
    effects : DataFrame
        One row per input (index: German label), columns ``low`` and ``high``:
        the outcome with the input at its low/high value, others at base.
    base : float
        Outcome with all inputs at base; bars start here.
    title, xlabel : str
    value_format : str or callable
        Format of the axis and the bar-end labels.
    decimals : int
    low_label, high_label : str
        Legend labels.
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    import numpy as np

    effects = _frame(effects, "effects")
    missing = [c for c in ("low", "high") if c not in effects.columns]
    if missing:
        raise InputError([Problem(f"effects.{c}", "missing column") for c in missing])
    if not np.isfinite(base):
        raise InputError(Problem("base", "expected a finite number", base))
    span = (effects["high"] - effects["low"]).abs()
    order = span.sort_values(kind="stable").index  # largest ends up on top
    ordered = effects.loc[order]
    ax = new_axes(ax, figsize=(8.0, max(2.5, 0.4 * len(ordered) + 1.2)))
    y = np.arange(len(ordered))
    low = ordered["low"].to_numpy(float) - base
    high = ordered["high"].to_numpy(float) - base
    ax.barh(y, low, left=base, color=COLORS["loss"], height=0.6, label=low_label)
    ax.barh(y, high, left=base, color=COLORS["gain"], height=0.6, label=high_label)
    ax.axvline(base, color="#333333", linewidth=1)
    ax.set_yticks(y, [str(i) for i in ordered.index], fontsize=9)
    label = value_formatter(value_format, decimals)
    extent = float(np.nanmax(np.abs(np.concatenate([low, high])))) or 1.0
    for yi, lo_v, hi_v in zip(y, low, high):
        for value in (lo_v, hi_v):
            if value == 0:
                continue
            ax.text(
                base + value + (0.02 if value > 0 else -0.02) * extent,
                yi,
                label(base + value),
                va="center",
                ha="left" if value > 0 else "right",
                fontsize=8,
            )
    ax.set_xlim(base - 1.35 * extent, base + 1.35 * extent)
    ax.xaxis.set_major_formatter(_axis(value_format, decimals))
    ax.legend(frameon=False, loc="lower right", fontsize=9)
    _style(ax, title, xlabel, None)
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return ax.figure


def save_figure(
    fig: "Figure",
    path_without_suffix: str | os.PathLike[str],
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 300,
    force: bool = False,
    source: str | bool = True,
) -> list[Path]:
    """Save a figure in several formats, safely (all targets checked first, atomic writes).

    The files carry no creation date and SVG ids use a fixed hash salt, so the
    same chart built from the same data gives the same bytes. (Saving one figure
    twice may differ in the last digit of a coordinate: the constrained layout is
    re-run on each draw.)

    Parameters
    ----------
    fig : Figure
    path_without_suffix : path-like
        ``out/karte`` gives ``out/karte.png`` and ``out/karte.svg``.
    formats : sequence of {"png", "svg", "pdf"}
    dpi : int
        Resolution of raster formats (300 = print).
    force : bool
        Replace existing files.
    source : str or bool
        Source line added at the bottom unless the figure has one
        (:func:`add_source`): ``True`` the default line, a text, or ``False`` none.

    Returns
    -------
    list of Path
        The written files.

    Raises
    ------
    InputError
        Unknown format, bad dpi, or a target exists (without ``force``).
    """
    from paktsim.io import ensure_writable, write_bytes_with

    formats = _check_formats(formats, dpi)
    base = Path(path_without_suffix)
    targets = ensure_writable(
        [base.with_name(f"{base.name}.{f}") for f in formats], force=force, location="path"
    )
    rendered = render_figure(fig, formats, dpi=dpi, source=source)
    for target, kind in zip(targets, formats):
        write_bytes_with(target, lambda handle, kind=kind: handle.write(rendered[kind]))
    return targets


def _check_formats(formats: Sequence[str], dpi: int) -> list[str]:
    allowed = ("png", "svg", "pdf")
    formats = list(formats)
    problems = [
        Problem("formats", f"unknown figure format, expected one of {', '.join(allowed)}", f)
        for f in formats
        if f not in allowed
    ]
    if not formats:
        problems.append(Problem("formats", "expected at least one format", formats))
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 50 <= dpi <= 1200:
        problems.append(Problem("dpi", "expected a whole number between 50 and 1200", dpi))
    if problems:
        raise InputError(problems)
    return formats


@dataclass(frozen=True, eq=False)
class Plot:
    """A chart not drawn yet: a plotting function of this module and its arguments.

    Picklable (data frames and plain values), so a process that has matplotlib
    imported can build and render it (:func:`render_figure` accepts a Plot):
    ``paktsim run`` sends its charts to such a process and never imports matplotlib
    itself.

    Attributes
    ----------
    func : str
        One of :data:`PLOT_FUNCTIONS`.
    args, kwargs
        Its arguments (no ``ax``).
    """

    func: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def figure(self) -> "Figure":
        """Build the figure."""
        if self.func not in PLOT_FUNCTIONS:
            raise InputError(
                Problem("func", f"expected one of {', '.join(PLOT_FUNCTIONS)}", self.func)
            )
        return PLOT_FUNCTIONS[self.func](*self.args, **self.kwargs)


def warm_up() -> None:
    """Import what drawing and saving a chart needs (matplotlib's figure, the PNG and SVG
    renderers; pandas if not yet): a drawing process calls it while it waits
    for its first chart.  (Drawing a chart to warm up gains nothing: matplotlib has no
    first-draw cost worth paying ahead.)"""
    import matplotlib.backends.backend_agg
    import matplotlib.backends.backend_svg
    import matplotlib.figure  # noqa: F401
    import pandas  # noqa: F401


def render_figure(
    fig: "Figure | Plot",
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 300,
    source: str | bool = True,
) -> dict[str, bytes]:
    """The bytes :func:`save_figure` writes, by format (``paktsim run`` renders its charts
    in forked children while it builds its tables, and writes the bytes with the set).

    Parameters
    ----------
    fig : Figure or Plot
        A :class:`Plot` is built first.
    formats, dpi, source
        As for :func:`save_figure`.

    Returns
    -------
    dict
        Format → file content.
    """
    import io

    import matplotlib
    from matplotlib.text import Text

    formats = _check_formats(formats, dpi)
    if isinstance(fig, Plot):
        fig = fig.figure()
    metadata = {
        "png": {"Software": "paktsim"},
        "svg": {"Date": None, "Creator": "paktsim"},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": "paktsim"},
    }
    if source is not False:
        add_source(fig, None if source is True else source)
    for text in fig.findobj(Text):  # paktsim draws no mathtext: "$" from data is text
        text.set_parse_math(False)
    out: dict[str, bytes] = {}
    # svg.fonttype "none": text stays text (editable, searchable) in Word/Inkscape
    engine = fig.get_layout_engine()
    try:
        with matplotlib.rc_context(
            {"svg.hashsalt": "paktsim", "svg.fonttype": "none", "pdf.fonttype": 42}
        ):
            for kind in formats:
                buffer = io.BytesIO()
                fig.savefig(
                    buffer,
                    format=kind,
                    dpi=dpi,
                    bbox_inches="tight",
                    metadata=metadata[kind],
                    facecolor="white",
                )
                out[kind] = buffer.getvalue()
                if engine is not None:
                    # the first format placed every axes: the others keep that layout
                    # (the constrained layout is a fifth of a chart's drawing time)
                    fig.set_layout_engine("none")
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return out


def default_source() -> str:
    """The standard source line of a paktsim chart (model, version, data)."""
    from paktsim._version import __version__

    return (
        f"Quelle: eigene Berechnung mit paktsim {__version__}; Daten: Destatis, "
        "Statistisches Landesamt BW; Parameter mit Quellen: paktsim params"
    )


def add_source(fig: "Figure", text: str | None = None) -> "Figure":
    """Write a source line at the bottom left of ``fig`` (once; maps already carry one).

    Parameters
    ----------
    fig : Figure
    text : str, optional
        The line; default :func:`default_source`.

    Returns
    -------
    Figure
    """
    artists = list(fig.texts) + [t for ax in fig.axes for t in ax.texts]
    if any(t.get_gid() == SOURCE_GID for t in artists):
        return fig
    fig.text(
        0.0,
        0.0,
        text or default_source(),
        ha="left",
        va="top",
        fontsize=6.5,
        color="#555555",
        gid=SOURCE_GID,
    )
    return fig


#: The functions a :class:`Plot` may name.
PLOT_FUNCTIONS: dict[str, Callable[..., "Figure"]] = {
    "stock_timeseries": stock_timeseries,
    "winners_losers": winners_losers,
    "stacked_bars": stacked_bars,
    "fan_chart": fan_chart,
    "tornado": tornado,
}
