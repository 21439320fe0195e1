"""Refugee inflow model: arrival paths, the FlüAG stage chain, distribution to places.

Modules: :mod:`~paktsim.inflow.arrivals` (monthly arrival paths),
:mod:`~paktsim.inflow.kernel` (stage stock-flow), :mod:`~paktsim.inflow.distribute`
(Land → Kreise → Gemeinden keys), :mod:`~paktsim.inflow.model` (``simulate``).
"""
