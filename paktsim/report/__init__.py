"""Reports for people: German number formats, charts, maps and Excel export.

- :mod:`paktsim.report.format` — ``eur``, ``number``, ``percent``, ``compact_eur``,
  ``style_de`` (pandas Styler), ``axis_formatter`` (matplotlib)
- :mod:`paktsim.report.excel` — ``write_workbook`` (used by :func:`paktsim.io.write_table`)
- :mod:`paktsim.report.charts` — time series, winners/losers bars, fan and tornado charts,
  ``save_figure``
- :mod:`paktsim.report.maps` — choropleths of Gemeinden and Kreise

Importing this package does not import matplotlib or openpyxl; the submodules that
draw or write import them when used.
"""

from __future__ import annotations

from paktsim.report.format import compact_eur, eur, number, percent, style_de

__all__ = ["compact_eur", "eur", "number", "percent", "style_de"]
