"""What a map can show: metric name → (German label, number kind, decimals).

Kept apart from :mod:`paktsim.report.comparison_maps` (numpy, pandas, matplotlib) so that
``paktsim map --help`` can list the metrics without importing them.
"""

from __future__ import annotations

__all__ = ["COMPARISON_METRICS", "ALLOCATION_METRICS"]

#: Metrics of a comparison workbook (``paktsim compare``).
COMPARISON_METRICS: dict[str, tuple[str, str, int]] = {
    "delta_eur_per_inhabitant": ("Δ € je Einwohner", "eur", 2),
    "delta_eur": ("Δ € (Planungsrahmen)", "eur", 0),
    "delta_pct": ("Δ % (Planungsrahmen)", "percent", 0),
    "delta_fte": ("Δ geförderte Stellen (VZÄ)", "number", 2),
    "alt_eur_per_inhabitant": ("Alternative: € je Einwohner", "eur", 2),
    "base_eur_per_inhabitant": ("Basis: € je Einwohner", "eur", 2),
}

ALLOCATION_METRICS: dict[str, tuple[str, str, int]] = {
    "eur_per_inhabitant": ("€ je Einwohner", "eur", 2),
    "amount_eur": ("Planungsrahmen (€)", "eur", 0),
    "fte_funded": ("geförderte Stellen (VZÄ)", "number", 2),
}
