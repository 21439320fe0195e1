"""Thin ipywidgets views over the dashboard controllers.

Each control calls one controller setter and then :meth:`refresh`; nothing else
happens here.

- **Live**: sliders send while they move (``continuous_update=True``).  The
  widget front end keeps at most one update per widget in flight and merges what
  arrives meanwhile (ipywidgets' message throttle), so the newest value wins,
  stale values are never computed, and the value at release is the last one
  computed.  Pictures are PNG bytes in ``ipywidgets.Image`` widgets drawn at the
  size they are shown; a picture is re-rendered only when what it shows changed.
- **German numbers**: slider readouts are hidden; beside each slider a text field
  shows the value the German way (``1,30``) and takes typed German numbers
  (:func:`paktsim.widgets.numbers.parse_de`): ``1,5`` → 1,5; ``1.000`` → 1000;
  anything else is refused in the status line.
- **No dead control**: a control without effect under the current rule or
  years is disabled, with a one-line German hint under it
  (``controller.hints()``).
- **Export**: a download link (data URL, works in Voilà: nothing is written on
  the server) and, in a notebook, optionally a folder with an "überschreiben"
  choice.

ipywidgets and matplotlib are imported here only, never by ``import paktsim``.
"""

from __future__ import annotations

import base64
import html
import io
import zipfile
from collections.abc import Callable
from typing import Any

from paktsim.errors import NO_VALUE, InputError

__all__ = [
    "ComparerView",
    "NumberField",
    "WorkshopView",
    "bars_html",
    "download_link",
    "german_problems",
    "headline_html",
    "html_table",
    "rows_table",
]

_LABEL = {"description_width": "10.5em"}
_SIDEBAR = "336px"


def german_problems(exc: InputError) -> str:
    """The problems of ``exc`` as German HTML lines (field: message, what was typed)."""
    lines = []
    for p in exc.problems:
        text = f"{p.location}: {p.message}" if p.location else p.message
        if p.value is not NO_VALUE and p.value is not None:
            text += f" (eingegeben: „{p.value}“)"
        lines.append(html.escape(text))
    return "<br>".join(lines)


def _hint_html(text: str | None) -> str:
    if not text:
        return ""
    return (
        f"<div class='paktsim-hint' style='color:#666;font-size:11px;line-height:1.25;"
        f"margin:-2px 0 4px 0;white-space:normal'>{html.escape(text)}</div>"
    )


class NumberField:
    """A slider with a German text field beside it and a hint line under it.

    Parameters
    ----------
    label : str
        German field name (also used in messages).
    value, low, high, step : float
        In the unit of the field as shown (percent for shares, Mio. € for money).
    decimals : int or None
        Decimals shown in the field (None: as many as needed).
    integer : bool
        Whole numbers only (an ``IntSlider``).
    year : bool
        Years: no thousands separator.
    key : str
        Short machine name, used as CSS class ``paktsim-ctl-KEY`` for tests.
    """

    def __init__(
        self,
        label: str,
        value: float,
        low: float,
        high: float,
        step: float,
        *,
        decimals: int | None = None,
        integer: bool = False,
        year: bool = False,
        key: str = "",
    ) -> None:
        import ipywidgets as w

        self.label, self.low, self.high = label, low, high
        # slider steps add up in binary floating point (1.3000000000000003): the
        # value given to the controller is rounded to the step's decimals
        self.step_decimals = max(0, -int(f"{float(step):e}".split("e")[1]) + 2)
        self.decimals, self.integer, self.year = decimals, integer, year
        cls = w.IntSlider if integer else w.FloatSlider
        self.slider = cls(
            value=value,
            min=low,
            max=high,
            step=step,
            description=label,
            readout=False,
            continuous_update=True,
            style=_LABEL,
            layout=w.Layout(width="262px"),
        )
        self.text = w.Text(
            value=self.format(value), continuous_update=False, layout=w.Layout(width="64px")
        )
        self.hint = w.HTML(value="")
        self.box = w.VBox(
            [w.HBox([self.slider, self.text]), self.hint], layout=w.Layout(margin="0")
        )
        for widget, name in ((self.slider, "slider"), (self.text, "text"), (self.box, "box")):
            widget.add_class(f"paktsim-ctl-{key}")
            widget.add_class(f"paktsim-{name}")

    def clean(self, value: float) -> float:
        """``value`` rounded to the precision of the slider's step."""
        return int(value) if self.integer else round(float(value), self.step_decimals)

    def format(self, value: float) -> str:
        """German text of ``value`` for the field."""
        from paktsim.widgets.numbers import format_de

        if self.year:
            return str(int(value))
        return format_de(value, 0 if self.integer else self.decimals)

    def parse(self, text: str) -> float:
        """Typed German text → value (raises :class:`InputError` with a German line)."""
        from paktsim.widgets.numbers import parse_de

        if self.year:
            text = text.replace(".", "")
        return parse_de(
            text, self.label, low=self.low, high=self.high, integer=self.integer or self.year
        )

    def show(self, value: float) -> None:
        """Show ``value`` in the text field (German)."""
        self.text.value = self.format(value)

    def set_hint(self, text: str | None, disable: bool = True) -> None:
        """Show a one-line hint; ``disable`` the control while there is one."""
        self.hint.value = _hint_html(text)
        off = bool(text) and disable
        self.slider.disabled = off
        self.text.disabled = off


class _View:
    """Shared plumbing: status line, error handling, number fields, downloads."""

    widget: Any

    def __init__(self) -> None:
        import ipywidgets as w

        self.status = w.HTML(value="")
        self.status.add_class("paktsim-status")
        self._syncing = False

    def _refuse(self, what: str, exc: InputError) -> None:
        self.status.value = (
            f"<span style='color:#b00' class='paktsim-refused'>{what}: "
            f"{german_problems(exc)}</span>"
        )

    def _act(self, action: Callable[[], Any], revert: Callable[[], None] | None = None) -> bool:
        try:
            action()
        except InputError as exc:
            self._refuse("Eingabe nicht übernommen", exc)
            if revert is not None:
                revert()
            return False
        self.status.value = ""
        self.refresh()
        return True

    def _bind(self, control: Any, setter: Callable[[Any], None]) -> None:
        def handler(change: dict[str, Any]) -> None:
            if self._syncing:
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

    def _bind_urban_factor(
        self, city: NumberField, town: NumberField, setter: Callable[[float, float], None]
    ) -> None:
        """The city and town factor fields → ``setter(city, town)``, the other field's value
        kept."""
        self._bind_number(city, lambda v: setter(v, town.clean(town.slider.value)))
        self._bind_number(town, lambda v: setter(city.clean(city.slider.value), v))

    def _bind_number(self, field: NumberField, setter: Callable[[float], None]) -> None:
        """Slider → setter; typed text → parsed German number → slider (or a refusal)."""

        def on_slider(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            old = change["old"]

            def revert() -> None:
                self._syncing = True
                try:
                    field.slider.value = old
                finally:
                    self._syncing = False

            value = field.clean(change["new"])
            field.show(value)
            if not self._act(lambda: setter(value), revert):
                field.show(old)

        def on_text(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            try:
                value = field.parse(change["new"])
            except InputError as exc:
                self._refuse("Eingabe nicht übernommen", exc)
                self._syncing = True
                try:
                    field.show(field.slider.value)
                finally:
                    self._syncing = False
                return
            if value == field.slider.value:
                self._syncing = True
                try:
                    field.show(value)
                finally:
                    self._syncing = False
                self.status.value = ""
                return
            field.slider.value = int(value) if field.integer or field.year else value

        field.slider.observe(on_slider, names="value")
        field.text.observe(on_text, names="value")

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    #: Name of the downloaded zip and resolution of its pictures (set by each view).
    zip_name = "export.zip"
    dpi = 150
    controller: Any
    download: Any
    folder: Any
    overwrite: Any

    def _export_controls(
        self, tooltip: str, export_folder: str | None, write_tooltip: str = ""
    ) -> list[Any]:
        """Export button with its download link and, given a folder, the folder, overwrite
        choice and write button; clicks bound. Returns the rows for the controls column."""
        import ipywidgets as w

        self.export_button = w.Button(description="Exportieren", tooltip=tooltip)
        self.export_button.add_class("paktsim-export")
        self.export_button.on_click(lambda _b: self.offer_download())
        self.download = w.HTML()
        rows: list[Any] = [self.export_button, self.download]
        self.folder = self.overwrite = self.write_button = None
        if export_folder is not None:
            self.folder = w.Text(
                value=export_folder,
                description="Ordner",
                style={"description_width": "4em"},
                layout=w.Layout(width="230px"),
            )
            self.overwrite = w.Checkbox(
                value=False,
                description="überschreiben",
                indent=False,
                layout=w.Layout(width="110px"),
            )
            self.write_button = w.Button(description="In Ordner schreiben", tooltip=write_tooltip)
            self.write_button.add_class("paktsim-write")
            self.write_button.on_click(lambda _b: self.export())
            rows += [w.HBox([self.folder, self.overwrite]), self.write_button]
        return rows

    def offer_download(self) -> dict[str, bytes]:
        """Build the export in memory and show it as a download link (button handler)."""
        try:
            files = self.controller.export_files(dpi=self.dpi)
        except InputError as exc:
            self._refuse("Nicht exportiert", exc)
            return {}
        self.download.value = download_link(files, self.zip_name)
        self.status.value = ""
        return files

    def export(self) -> list[Any]:
        """Write the export into the folder field (button handler; notebook only)."""
        if self.folder is None:
            return []
        try:
            written = self.controller.export(self.folder.value, force=self.overwrite.value)
        except InputError as exc:
            self._refuse("Nicht exportiert", exc)
            return []
        names = ", ".join(html.escape(p.name) for p in written)
        self.status.value = f"Geschrieben nach {html.escape(self.folder.value)}: {names}"
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def download_link(files: dict[str, bytes], name: str) -> str:
    """HTML link that downloads ``files`` as one zip (a data URL: nothing on the server)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in files.items():
            info = zipfile.ZipInfo(filename, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = buffer.getvalue()
    size = max(1, round(len(data) / 1024))
    from paktsim.report import format as fmt

    return (
        f"<a class='paktsim-download' download='{html.escape(name)}' "
        f"href='data:application/zip;base64,{base64.b64encode(data).decode('ascii')}' "
        f"style='font-weight:bold'>⬇ {html.escape(name)} herunterladen "
        f"({fmt.number(size)} kB: {html.escape(', '.join(files))})</a>"
    )


def _de(value: float, decimals: int, signed: bool = False) -> str:
    """German number text without babel (``1.234,50``): ~1 µs instead of ~0.5 ms a number."""
    text = f"{value:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]  # no "-0,00"
    if signed and value > 0 and text.strip("0,.") != "":
        text = "+" + text
    return text


def _column_formatter(kind: str, integer: bool, signed: bool) -> Callable[[float], str]:
    """Fast formatter with the formats of :func:`paktsim.report.format.formatter_for`."""
    nbsp = "\xa0"
    if kind == "eur":
        places = 0 if integer else 2
        return lambda v: _de(v, places, signed) + nbsp + "€"
    if kind == "share":
        return lambda v: _de(v * 100, 1, signed) + nbsp + "%"
    places = 0 if kind == "count" else 2
    return lambda v: _de(v, places, signed)


def html_table(frame: Any) -> str:
    """A small HTML table with German number formats.

    Built directly (pandas' Styler takes ~15 ms per table through jinja2, babel
    ~0.5 ms per number); formats as :func:`paktsim.report.format.style_de`.
    """
    import pandas as pd

    from paktsim.report.format import MISSING, column_kind, is_signed

    columns = []
    for name in frame.columns:
        dtype = frame[name].dtype
        kind = column_kind(name, dtype)
        if kind is None:
            columns.append([html.escape(str(v)) for v in frame[name]])
            continue
        f = _column_formatter(kind, pd.api.types.is_integer_dtype(dtype), is_signed(name))
        columns.append([MISSING if pd.isna(v) else f(float(v)) for v in frame[name]])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    index_name = html.escape(str(frame.index.name or ""))
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(idx))}</th>"
        + "".join(f"<td style='text-align:right'>{col[i]}</td>" for col in columns)
        + "</tr>"
        for i, idx in enumerate(frame.index)
    )
    return (
        f"<table class='paktsim' style='font-size:12px'><thead><tr><th>{index_name}</th>"
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _row_value(label: str, value: float) -> str:
    """One key figure by the unit in its label: (€) whole euros, (Anzahl) whole, else 2 dp."""
    import math

    from paktsim.report import format as fmt

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    if "(€)" in label:
        return fmt.eur(value, 0)
    if "(Anzahl)" in label or "Anzahl" in label:
        return fmt.number(round(value), 0)
    return fmt.number(value, 2)


def rows_table(frame: Any) -> str:
    """Key figures with one row per quantity: each row formatted by its own unit."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(idx))}</th>"
        + "".join(
            f"<td style='text-align:right'>{_row_value(str(idx), v)}</td>" for v in frame.loc[idx]
        )
        + "</tr>"
        for idx in frame.index
    )
    return (
        f"<table class='paktsim' style='font-size:12px'><thead><tr>"
        f"<th>{html.escape(str(frame.index.name or ''))}</th>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def headline_html(table: Any, year: int) -> str:
    """The headline figures as a compact two-column grid (label, value)."""
    from paktsim.widgets.figures import short_label

    cells = "".join(
        f"<div style='color:#333'>{html.escape(short_label(str(label)))}</div>"
        f"<div class='paktsim-value' style='text-align:right;font-weight:bold'>"
        f"{html.escape(str(value))}</div>"
        for label, value in zip(table.index, table["Wert"])
    )
    return (
        f"<div style='font-weight:bold;margin-bottom:2px'>Kennzahlen {year}</div>"
        f"<div class='paktsim-headline' style='display:grid;grid-template-columns:"
        f"auto auto auto auto;column-gap:14px;row-gap:1px;font-size:12px'>{cells}</div>"
    )


def bars_html(delta: Any, n: int = 7) -> str:
    """The Kreise gaining and losing most as HTML bars (Δ € in the year).

    HTML, not a picture: text stays sharp at any zoom, names and value labels sit
    in their own columns (a negative bar's label cannot run into a name), and an
    update costs microseconds instead of a matplotlib draw with ~40 texts.
    """
    import pandas as pd

    from paktsim.report import format as fmt

    shown = delta[delta != 0].sort_values(ascending=False)
    title = (
        "<div style='font-weight:bold;font-size:12px;margin-bottom:4px'>Kreise: größte "
        "Gewinne und Verluste (Δ € im Jahr)</div>"
    )
    if shown.empty:
        return title + "<div>Keine Veränderung: beide Regeln verteilen gleich.</div>"
    rows = pd.concat([shown.head(n)[shown.head(n) > 0], shown[shown < 0].tail(n)])
    rows = rows[~rows.index.duplicated()]
    span = float(rows.abs().max())
    has_neg, has_pos = bool((rows < 0).any()), bool((rows > 0).any())
    half = 110 if has_neg and has_pos else 220
    out = []
    for name, value in rows.items():
        width = max(1, round(abs(float(value)) / span * half))
        bar = (
            f"<div style='display:inline-block;height:11px;width:{width}px;"
            f"background:{'#2166ac' if value > 0 else '#b2182b'}'></div>"
        )
        left = (
            f"<div style='width:{half}px;text-align:right'>{bar if value < 0 else ''}</div>"
            if has_neg
            else ""
        )
        right = (
            f"<div style='width:{half}px;border-left:1px solid #333'>"
            f"{bar if value > 0 else ''}</div>"
            if has_pos
            else ""
        )
        if has_neg and not has_pos:
            left = left.replace(
                "text-align:right'", "text-align:right;border-right:1px solid #333'"
            )
        out.append(
            f"<div style='text-align:right;white-space:nowrap;overflow:hidden;"
            f"text-overflow:ellipsis'>{html.escape(str(name))}</div>{left}{right}"
            f"<div style='text-align:right;white-space:nowrap'>"
            f"{fmt.compact_eur(float(value), 1, sign=True)}</div>"
        )
    columns = "150px" + (f" {half}px" if has_neg else "") + (f" {half}px" if has_pos else "")
    return (
        title + f"<div class='paktsim-bars' style='display:grid;grid-template-columns:"
        f"{columns} auto;column-gap:4px;row-gap:2px;align-items:center;font-size:11px'>"
        + "".join(out)
        + "</div>"
    )


def _full_label(definition: str) -> str:
    """The German definition of a target group, for the line under its dropdown."""
    from paktsim.target_groups import label

    return f"zählt: {label(definition)}"


def _section(title: str) -> Any:
    import ipywidgets as w

    return w.HTML(
        f"<div style='font-weight:bold;margin-top:6px;border-bottom:1px solid #ccc'>"
        f"{html.escape(title)}</div>"
    )


def _app_layout(controls: Any, results: Any) -> Any:
    import ipywidgets as w

    controls.layout = w.Layout(width=_SIDEBAR, overflow="visible")
    return w.AppLayout(
        left_sidebar=controls,
        center=results,
        pane_widths=[_SIDEBAR, 1, 0],
        grid_gap="12px",
        height="auto",
        layout=w.Layout(grid_template_columns=f"{_SIDEBAR} minmax(0, 1fr)"),
    )


class WorkshopView(_View):
    """Scenario workshop: controls left; headline, charts and map right; place table below.

    Parameters
    ----------
    controller : WorkshopController
    export_folder : str or None
        Default folder of the "in Ordner schreiben" export; ``None`` (the app):
        download only, the server's disk is never written.
    """

    zip_name, dpi = "werkstatt.zip", 150

    def __init__(self, controller: Any, export_folder: str | None = "ausgabe/werkstatt") -> None:
        import ipywidgets as w

        from paktsim.target_groups import SHORT_LABELS_DE
        from paktsim.widgets.figures import LiveCharts, WorkshopFigure
        from paktsim.widgets.workshop import ARRIVAL_PATHS, MAP_METRICS, RULE_CHOICES

        super().__init__()
        self.controller = c = controller
        s = c.scenario
        self.charts = LiveCharts()
        self.map = WorkshopFigure(panels="map")
        self.arrival_path = w.Dropdown(
            options=[(label, key) for key, label in ARRIVAL_PATHS.items()],
            value=s.arrivals.path if s.arrivals.path in ARRIVAL_PATHS else "baseline",
            description="Pfad",
            style={"description_width": "3em"},
            layout=w.Layout(width="330px"),
        )
        self.arrival_scale = NumberField(
            "Zugang × Faktor", s.arrivals.scale, 0.0, 3.0, 0.05, decimals=2, key="arrival_scale"
        )
        self.arrival_hint = w.HTML()
        self.target_group = w.Dropdown(
            options=[(label, key) for key, label in SHORT_LABELS_DE.items()],
            value=c.target_group,
            description="Zielgruppe",
            style={"description_width": "5.5em"},
            layout=w.Layout(width="330px"),
        )
        self.target_group_hint = w.HTML()
        self.ratio = NumberField(
            "Personen je Stelle",
            round(s.staffing.target_ratio),
            40,
            160,
            1,
            integer=True,
            key="ratio",
        )
        self.budget_plan = w.Checkbox(
            value=s.allocation.budget_eur is None, description="Mittel laut Planung", indent=False
        )
        self.budget = NumberField(
            "Mittel (Mio. €/Jahr)",
            (s.allocation.budget_eur or 58e6) / 1e6,
            10.0,
            150.0,
            0.5,
            decimals=1,
            key="budget",
        )
        share = float(s.allocation.qualification_mix.get("hochschule", 0.0))
        self.mix = NumberField("Anteil Hochschule %", share * 100, 0.0, 100.0, 0.5, key="mix")
        self.rule = w.Dropdown(
            options=[(label, key) for key, (label, _) in RULE_CHOICES.items()],
            value=c.rule if c.rule in RULE_CHOICES else "kreis",
            description="Regel",
            style={"description_width": "3em"},
            layout=w.Layout(width="330px"),
        )
        city, town = c.urban_factor
        self.urban_city = NumberField(
            "Stadtfaktor Städte", city, 1.0, 2.0, 0.05, decimals=2, key="urban_city"
        )
        self.urban_town = NumberField(
            "Faktor Vororte", town, 1.0, 2.0, 0.05, decimals=2, key="urban_town"
        )
        years = c.years
        self.horizon = w.IntRangeSlider(
            value=(years[0], years[-1]),
            min=2025,
            max=2045,
            description="Zeitraum",
            continuous_update=False,
            style={"description_width": "5em"},
            layout=w.Layout(width="330px"),
        )
        self.horizon.add_class("paktsim-ctl-horizon")
        self.year = NumberField(
            "Jahr (Karte)", c.year, years[0], years[-1], 1, integer=True, year=True, key="year"
        )
        self.map_metric = w.Dropdown(
            options=[(label, key) for key, (label, _) in MAP_METRICS.items()],
            value=c.map_metric,
            description="Karte",
            style={"description_width": "3em"},
            layout=w.Layout(width="330px"),
        )
        kreis = c.place[:5]
        self.kreis = w.Dropdown(
            options=c.kreis_options(),
            value=kreis,
            description="Kreis",
            style={"description_width": "4em"},
            layout=w.Layout(width="300px"),
        )
        self.gemeinde = w.Dropdown(
            options=self._gemeinde_options(kreis),
            value=c.place if len(c.place) == 8 else kreis,
            description="Gemeinde",
            style={"description_width": "5.5em"},
            layout=w.Layout(width="300px"),
        )
        self.gemeinde_hint = w.HTML()
        export_rows = self._export_controls(
            "Excel, Bild (PNG) und Szenario (YAML)",
            export_folder,
            "Excel, PNG und YAML in den Ordner schreiben",
        )
        self.headline = w.HTML()
        self.headline.add_class("paktsim-headline-box")
        self.place_title = w.HTML()
        self.place_title.add_class("paktsim-place-title")
        self.place_table = w.HTML()
        self.place_table.add_class("paktsim-place")
        # the sizes the figures are drawn at (80 dpi): shown 1:1, never scaled
        # charts as inline SVG (cheap to redraw), the map as a picture recoloured in place
        self.charts_html = w.HTML(layout=w.Layout(width="340px", height="344px", flex="0 0 auto"))
        self.map_image = w.Image(
            format="png", layout=w.Layout(width="236px", height="344px", flex="0 0 auto")
        )
        self.charts_html.add_class("paktsim-charts")
        self.map_image.add_class("paktsim-map")
        for name in (
            "arrival_path",
            "target_group",
            "rule",
            "map_metric",
            "kreis",
            "gemeinde",
            "horizon",
            "budget_plan",
        ):
            getattr(self, name).add_class(f"paktsim-ctl-{name}")

        self._bind(self.arrival_path, c.set_arrival_path)
        self._bind_number(self.arrival_scale, c.set_arrival_scale)
        self._bind(self.target_group, c.set_target_group)
        self._bind_number(self.ratio, c.set_ratio)
        self._bind_number(self.budget, lambda v: c.set_budget(round(v * 1e6)))
        self._bind(self.budget_plan, self._set_plan)
        self._bind_number(self.mix, lambda v: c.set_mix(round(v / 100, 6)))
        self._bind(self.rule, c.set_rule)
        self._bind_urban_factor(self.urban_city, self.urban_town, c.set_urban_factor)
        self._bind(self.horizon, lambda v: c.set_horizon(*v))
        self._bind_number(self.year, lambda v: c.set_year(int(v)))
        self._bind(self.map_metric, c.set_map_metric)
        self._bind(self.kreis, self._select_kreis)
        self._bind(self.gemeinde, c.select_place)
        controls = w.VBox(
            [
                _section("Zugang"),
                self.arrival_path,
                self.arrival_scale.box,
                self.arrival_hint,
                _section("Personal und Geld"),
                self.target_group,
                self.target_group_hint,
                self.ratio.box,
                self.budget_plan,
                self.budget.box,
                self.mix.box,
                _section("Verteilung"),
                self.rule,
                self.urban_city.box,
                self.urban_town.box,
                _section("Anzeige"),
                self.horizon,
                self.year.box,
                self.map_metric,
                _section("Export"),
                *export_rows,
            ]
        )
        controls.add_class("paktsim-controls")
        results = w.VBox(
            [
                self.headline,
                self.status,
                w.HBox([self.charts_html, self.map_image], layout=w.Layout(flex_flow="row wrap")),
                _section("Ort im Detail"),
                w.HBox([self.kreis, self.gemeinde], layout=w.Layout(flex_flow="row wrap")),
                self.gemeinde_hint,
                self.place_title,
                self.place_table,
            ],
            layout=w.Layout(min_width="0"),
        )
        results.add_class("paktsim-results")
        self.widget = _app_layout(controls, results)
        self.widget.add_class("paktsim-werkstatt")
        self.refresh()

    def _gemeinde_options(self, kreis: str) -> list[tuple[str, str]]:
        return [("(ganzer Kreis)", kreis)] + self.controller.gemeinde_options(kreis)

    def _set_plan(self, plan: bool) -> None:
        self.controller.set_budget(None if plan else round(self.budget.slider.value * 1e6))

    def _select_kreis(self, kreis: str) -> None:
        self.controller.select_place(kreis)
        self._syncing = True
        try:
            self.gemeinde.options = self._gemeinde_options(kreis)
            self.gemeinde.value = kreis
        finally:
            self._syncing = False

    def refresh(self) -> None:
        """Show the controller's state: hints, headline, pictures (if changed), place table."""
        c = self.controller
        years = c.years
        field = self.year
        if (field.slider.min, field.slider.max) != (
            years[0],
            years[-1],
        ) or field.slider.value != c.year:
            self._syncing = True
            try:
                with field.slider.hold_trait_notifications():
                    field.slider.min, field.slider.max = years[0], years[-1]
                    field.slider.value = c.year
                field.low, field.high = years[0], years[-1]
                field.show(c.year)
            finally:
                self._syncing = False
        hints = c.hints()
        self.mix.set_hint(hints["mix"])
        self.urban_city.set_hint(hints["urban_factor"])
        self.urban_town.set_hint(None, disable=bool(hints["urban_factor"]))
        self.urban_town.slider.disabled = self.urban_town.text.disabled = bool(
            hints["urban_factor"]
        )
        plan = self.budget_plan.value
        self.budget.set_hint(
            "Mittel laut Planung (Haken entfernen für einen eigenen Betrag)" if plan else None
        )
        self.arrival_hint.value = _hint_html(hints["arrivals"])
        counts = c.target_group_persons()
        self.target_group.disabled = max(counts.values()) - min(counts.values()) < 0.5
        self.target_group_hint.value = _hint_html(
            hints["target_group"] or _full_label(c.target_group)
        )
        self.gemeinde.disabled = bool(hints["gemeinde"])
        self.gemeinde_hint.value = _hint_html(hints["gemeinde"])
        self.headline.value = headline_html(c.headline_de, c.year)
        if self.charts.update(c):
            self.charts_html.value = self.charts.html
        if self.map.update(c).changed:
            self.map_image.value = self.map.to_png()
        place_key = (c.scenario, c.place)
        if place_key != getattr(self, "_place_key", None):
            self._place_key = place_key
            self.place_title.value = f"<b>{html.escape(c.place_label)}</b>"
            self.place_table.value = html_table(c.place_table)


class ComparerView(_View):
    """Allocation comparer: controls left; key figures, maps and bars right; export.

    Parameters
    ----------
    controller : ComparerController
    gemeinde_map : bool
        Draw the Gemeinde map too (1,101 areas).
    export_folder : str or None
        Default folder of the "in Ordner schreiben" export; ``None``: download only.
    """

    zip_name, dpi = "vergleich.zip", 200

    def __init__(
        self,
        controller: Any,
        gemeinde_map: bool = True,
        export_folder: str | None = "ausgabe/vergleich",
    ) -> None:
        import ipywidgets as w

        from paktsim.widgets.comparer import COMPARER_RULES, rule_periods
        from paktsim.widgets.figures import ComparerPanels

        super().__init__()
        self.controller = c = controller
        self.panels = ComparerPanels(gemeinden=gemeinde_map)
        options = [(label, key) for key, label in COMPARER_RULES.items()]
        narrow = {"description_width": "6.5em"}
        self.base = w.Dropdown(
            options=options,
            value=c.base,
            description="Basis",
            style=narrow,
            layout=w.Layout(width="330px"),
        )
        self.alt = w.Dropdown(
            options=options,
            value=c.alt,
            description="Alternative",
            style=narrow,
            layout=w.Layout(width="330px"),
        )
        self.alt_hint = w.HTML()
        city, town = c.urban_factor
        self.urban_city = NumberField(
            "Stadtfaktor Städte", city, 1.0, 2.0, 0.05, decimals=2, key="urban_city"
        )
        self.urban_town = NumberField(
            "Faktor Vororte", town, 1.0, 2.0, 0.05, decimals=2, key="urban_town"
        )
        periods = rule_periods()
        current = max(y for _label, y in periods if y <= c.year)
        if current != c.year:
            c.set_year(current)
        self.year = w.Dropdown(
            options=periods,
            value=current,
            description="Förderregeln",
            style=narrow,
            layout=w.Layout(width="330px"),
        )
        for name in ("base", "alt", "year"):
            getattr(self, name).add_class(f"paktsim-ctl-{name}")
        self.kreis_image = w.Image(
            format="png", layout=w.Layout(width="264px", height="360px", flex="0 0 auto")
        )
        self.gemeinde_image = w.Image(
            format="png",
            layout=w.Layout(
                width="264px",
                height="360px",
                flex="0 0 auto",
                display=None if gemeinde_map else "none",
            ),
        )
        self.bars = w.HTML(layout=w.Layout(width="440px"))
        self.summary = w.HTML()
        self.table = w.HTML()
        for out, name in (
            (self.kreis_image, "kreis-map"),
            (self.gemeinde_image, "gemeinde-map"),
            (self.bars, "bars-box"),
            (self.summary, "summary"),
            (self.table, "table"),
        ):
            out.add_class(f"paktsim-{name}")
        export_rows = self._export_controls(
            "Excel mit allen Tabellen, Karten und Balken (PNG, SVG)", export_folder
        )
        self._bind(self.base, c.set_base)
        self._bind(self.alt, c.set_alt)
        self._bind_urban_factor(self.urban_city, self.urban_town, c.set_urban_factor)
        self._bind(self.year, c.set_year)
        controls = w.VBox(
            [
                _section("Regeln"),
                self.base,
                self.alt,
                self.alt_hint,
                self.urban_city.box,
                self.urban_town.box,
                self.year,
                _section("Export"),
                *export_rows,
            ]
        )
        controls.add_class("paktsim-controls")
        self.title = w.HTML()
        self.title.add_class("paktsim-title")
        results = w.VBox(
            [
                self.title,
                self.status,
                w.HBox(
                    [self.kreis_image, self.gemeinde_image, self.bars],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox(
                    [self.summary, self.table],
                    layout=w.Layout(flex_flow="row wrap", grid_gap="16px"),
                ),
            ],
            layout=w.Layout(min_width="0"),
        )
        results.add_class("paktsim-results")
        self.widget = _app_layout(controls, results)
        self.widget.add_class("paktsim-vergleich")
        self.refresh()

    def refresh(self) -> None:
        """Show the current comparison: hints, key figures, maps, bars, largest changes."""
        c = self.controller
        hints = c.hints()
        self.urban_city.set_hint(hints["urban_factor"])
        self.urban_town.slider.disabled = self.urban_town.text.disabled = bool(
            hints["urban_factor"]
        )
        self.alt_hint.value = _hint_html(hints["alt"])
        self.title.value = (
            f"<div style='font-weight:bold'>Gewinner und Verlierer: "
            f"{html.escape(c.alt_label)} statt {html.escape(c.base_label)}</div>"
            f"<div style='color:#444;font-size:12px'>"
            f"{html.escape(c.describe())}</div>"
        )
        changed = self.panels.update(c)
        if "kreis" in changed:
            self.kreis_image.value = self.panels.kreis_png()
        if "gemeinde" in changed:
            self.gemeinde_image.value = self.panels.gemeinde_png()
        self.bars.value = bars_html(c.kreis_delta_eur)
        self.summary.value = rows_table(c.summary)
        self.table.value = html_table(c.winners_losers(5))
